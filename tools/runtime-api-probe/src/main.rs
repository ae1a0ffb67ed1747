//! Calls one std API named on the command line and reports what happened, so the
//! run-time API table can be checked against a real WASI host (Node's node:wasi).
//! `OK: …` and `ERR: …` are printed by the probe; a panic aborts (wasm trap).

use std::io::Write;

fn report<T: std::fmt::Debug>(result: std::io::Result<T>) {
    match result {
        Ok(value) => println!("OK: {value:?}"),
        Err(error) => println!("ERR: {:?}: {error}", error.kind()),
    }
}

fn main() {
    let probe = std::env::args().nth(1).unwrap_or_default();
    match probe.as_str() {
        "fs_read" => {
            let _ = std::fs::write("/sandbox/probe.txt", b"data");
            report(std::fs::read("/sandbox/probe.txt"));
        }
        "fs_read_dir" => report(std::fs::read_dir("/sandbox").map(|dir| dir.count())),
        "fs_metadata" => report(std::fs::metadata("/sandbox").map(|m| m.is_dir())),
        "instant_now" => println!(
            "OK: {:?}",
            std::time::Instant::now().elapsed() < std::time::Duration::from_secs(1)
        ),
        "system_time_now" => println!(
            "OK: {:?}",
            std::time::SystemTime::now() > std::time::UNIX_EPOCH
        ),
        "thread_spawn" => println!("OK: {:?}", std::thread::spawn(|| 1).join()),
        "builder_spawn" => report(
            std::thread::Builder::new()
                .spawn(|| 1)
                .map(|handle| handle.join().is_ok()),
        ),
        "thread_sleep" => {
            std::thread::sleep(std::time::Duration::from_millis(1));
            println!("OK: slept");
        }
        "available_parallelism" => report(std::thread::available_parallelism()),
        "tcp_connect" => report(std::net::TcpStream::connect("127.0.0.1:9").map(|_| ())),
        "tcp_bind" => report(std::net::TcpListener::bind("127.0.0.1:0").map(|_| ())),
        "command_spawn" => report(std::process::Command::new("true").spawn().map(|_| ())),
        "process_id" => println!("OK: {}", std::process::id()),
        "env_var" => println!("OK: {:?}", std::env::var("PROBE_VAR")),
        "env_args" => println!("OK: {}", std::env::args().count()),
        "env_set_var" => {
            unsafe { std::env::set_var("PROBE_SET", "1") };
            println!("OK: {:?}", std::env::var("PROBE_SET"));
        }
        "temp_dir" => println!("OK: {:?}", std::env::temp_dir()),
        "current_dir" => report(std::env::current_dir()),
        "current_exe" => report(std::env::current_exe()),
        "home_dir" => println!("OK: {:?}", std::env::home_dir()),
        "hashmap_new" => {
            let mut map = std::collections::HashMap::new();
            map.insert(1, 2);
            println!("OK: {}", map.len());
        }
        "stdout" => {
            let _ = writeln!(std::io::stdout(), "OK: written to stdout");
        }
        "park_timeout" => {
            let start = std::time::Instant::now();
            std::thread::park_timeout(std::time::Duration::from_millis(200));
            println!("OK: returned after {:?}", start.elapsed());
        }
        "condvar_wait" => {
            let lock = std::sync::Mutex::new(false);
            let condvar = std::sync::Condvar::new();
            let _guard = condvar.wait(lock.lock().unwrap_or_else(|e| e.into_inner()));
            println!("OK: woke up");
        }
        "split_paths" => println!("OK: {}", std::env::split_paths("/a:/b").count()),
        "join_paths" => println!("OK: {:?}", std::env::join_paths(["/a", "/b"])),
        "exit" => std::process::exit(3),
        other => println!("unknown probe `{other}`"),
    }
}

/// Debian's wasi-libc (2022) predates wasi-libc's single-threaded pthread stubs, so std's
/// unix thread code would not link. These stand-ins refuse to create a thread (EAGAIN, as
/// a libc without threads does); they let the other probes run, and they mean the thread
/// probes only show how std reports a refused pthread_create, not what wasi-libc does.
mod pthread_stand_ins {
    use std::ffi::{c_int, c_void};
    const EAGAIN: c_int = 6; // __WASI_ERRNO_AGAIN

    #[no_mangle]
    extern "C" fn pthread_attr_init(_attr: *mut c_void) -> c_int {
        0
    }
    #[no_mangle]
    extern "C" fn pthread_attr_destroy(_attr: *mut c_void) -> c_int {
        0
    }
    #[no_mangle]
    extern "C" fn pthread_attr_setstacksize(_attr: *mut c_void, _size: usize) -> c_int {
        0
    }
    #[no_mangle]
    extern "C" fn pthread_create(
        _t: *mut c_void,
        _a: *const c_void,
        _f: *const c_void,
        _arg: *mut c_void,
    ) -> c_int {
        EAGAIN
    }
    #[no_mangle]
    extern "C" fn pthread_join(_t: usize, _ret: *mut *mut c_void) -> c_int {
        EAGAIN
    }
}
