//! One export per std API for wasm32-unknown-unknown, run from Node without any JS glue.
//! Results: 0 = returned normally / Ok, 1 = Err(Unsupported), 2 = other Err, 3 = Ok but
//! empty/absent. A panic is an `unreachable` trap (panic=abort), seen by the runner.

use std::io::{ErrorKind, Write};

fn code<T>(result: std::io::Result<T>) -> i32 {
    match result {
        Ok(_) => 0,
        Err(error) if error.kind() == ErrorKind::Unsupported => 1,
        Err(_) => 2,
    }
}

#[no_mangle]
pub extern "C" fn instant_now() -> i32 {
    let _ = std::time::Instant::now();
    0
}

#[no_mangle]
pub extern "C" fn system_time_now() -> i32 {
    let _ = std::time::SystemTime::now();
    0
}

#[no_mangle]
pub extern "C" fn fs_read() -> i32 {
    code(std::fs::read("/etc/hostname"))
}

#[no_mangle]
pub extern "C" fn path_exists() -> i32 {
    if std::path::Path::new("/").exists() {
        0
    } else {
        3
    }
}

#[no_mangle]
pub extern "C" fn thread_spawn() -> i32 {
    let _ = std::thread::spawn(|| 1).join();
    0
}

#[no_mangle]
pub extern "C" fn builder_spawn() -> i32 {
    code(std::thread::Builder::new().spawn(|| 1))
}

#[no_mangle]
pub extern "C" fn thread_sleep() -> i32 {
    std::thread::sleep(std::time::Duration::from_millis(1));
    0
}

#[no_mangle]
pub extern "C" fn tcp_connect() -> i32 {
    code(std::net::TcpStream::connect("127.0.0.1:9"))
}

#[no_mangle]
pub extern "C" fn command_spawn() -> i32 {
    code(std::process::Command::new("true").spawn())
}

#[no_mangle]
pub extern "C" fn process_id() -> i32 {
    std::process::id() as i32
}

#[no_mangle]
pub extern "C" fn env_var() -> i32 {
    if std::env::var("PATH").is_ok() {
        0
    } else {
        3
    }
}

#[no_mangle]
pub extern "C" fn env_args() -> i32 {
    std::env::args().count() as i32 + 100
}

#[no_mangle]
pub extern "C" fn env_vars() -> i32 {
    std::env::vars().count() as i32
}

#[no_mangle]
pub extern "C" fn temp_dir() -> i32 {
    let _ = std::env::temp_dir();
    0
}

#[no_mangle]
pub extern "C" fn hashmap_new() -> i32 {
    let mut map = std::collections::HashMap::new();
    map.insert(1, 2);
    map.len() as i32 - 1
}

#[no_mangle]
pub extern "C" fn println() -> i32 {
    println!("you will not see this");
    code(writeln!(std::io::stdout(), "nor this"))
}

#[no_mangle]
pub extern "C" fn condvar_wait() -> i32 {
    let lock = std::sync::Mutex::new(false);
    let condvar = std::sync::Condvar::new();
    let _guard = condvar.wait(lock.lock().unwrap_or_else(|e| e.into_inner()));
    0
}

#[no_mangle]
pub extern "C" fn split_paths() -> i32 {
    std::env::split_paths("/a:/b").count() as i32
}

#[no_mangle]
pub extern "C" fn join_paths() -> i32 {
    if std::env::join_paths(["/a", "/b"]).is_ok() {
        0
    } else {
        2
    }
}

#[no_mangle]
pub extern "C" fn park() -> i32 {
    std::thread::park();
    0
}
