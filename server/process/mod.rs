//! A child process in its own process group, its output as a stream of lines, and
//! cancellation that ends the whole group (cargo, rustc, build scripts) at once.
//!
//! Neutral ground: `build` runs its cargo builds here and `workspace` its `cargo metadata`,
//! so neither reaches into the other. Starts only what its callers built.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread;

/// Process groups started and not reaped yet, so that a server whose client vanished
/// can end them all on its way out (`kill_all_groups`).
static LIVE_GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn track(pgid: u32) {
    if let Ok(mut live) = LIVE_GROUPS.lock() {
        live.push(pgid);
    }
}

fn untrack(pgid: u32) {
    if let Ok(mut live) = LIVE_GROUPS.lock() {
        live.retain(|&group| group != pgid);
    }
}

/// Kills every process group this process started and has not reaped (server exit).
pub fn kill_all_groups() {
    let groups = match LIVE_GROUPS.lock() {
        Ok(live) => live.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    for pgid in groups {
        kill_process_group(pgid);
    }
}

fn kill_process_group(pgid: u32) {
    #[cfg(unix)]
    {
        if let Ok(pgid) = libc::pid_t::try_from(pgid) {
            // SAFETY: killpg only takes two integers and touches no memory of ours.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// Cancels a running build from any thread. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle {
    cancelled: Arc<AtomicBool>,
}

impl CancelHandle {
    pub fn new() -> CancelHandle {
        CancelHandle::default()
    }

    /// Asks the run to stop: its process group is killed within about 100 ms.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// One line of child output, tagged with its stream.
#[derive(Debug)]
pub enum OutputLine {
    Stdout(String),
    Stderr(String),
}

/// A spawned child leading its own process group. Dropping it before it has been waited
/// for kills the group, so no cargo or rustc outlives an aborted run.
pub struct ProcessGroup {
    child: Child,
    reaped: bool,
}

impl ProcessGroup {
    /// Spawns `command` with piped stdout/stderr, forwarding their lines to the returned
    /// receiver from two reader threads; the receiver disconnects when both streams close.
    pub fn spawn(mut command: Command) -> std::io::Result<(ProcessGroup, Receiver<OutputLine>)> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // pgid = the child's pid: everything cargo starts inherits it unless it asks
            // for a new session, so one killpg reaches all of them.
            command.process_group(0);
        }
        let mut child = command.spawn()?;
        track(child.id());
        let (sender, receiver) = mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            forward_lines(stdout, sender.clone(), OutputLine::Stdout);
        }
        if let Some(stderr) = child.stderr.take() {
            forward_lines(stderr, sender, OutputLine::Stderr);
        }
        Ok((
            ProcessGroup {
                child,
                reaped: false,
            },
            receiver,
        ))
    }

    /// The process group id (= the leader's pid on unix).
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Kills every process of the group (the leader only, off unix).
    pub fn kill_group(&mut self) {
        if self.reaped {
            // The pgid may already belong to someone else.
            return;
        }
        // The leader is not reaped yet, so the group id still names our group.
        #[cfg(unix)]
        kill_process_group(self.child.id());
        #[cfg(not(unix))]
        {
            let _ = self.child.kill();
        }
    }

    pub fn wait(&mut self) -> std::io::Result<ExitStatus> {
        let status = self.child.wait()?;
        self.reaped = true;
        untrack(self.child.id());
        Ok(status)
    }

    /// The exit status if the leader has exited (then it is reaped), else `None`.
    pub fn try_wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        let status = self.child.try_wait()?;
        if status.is_some() {
            self.reaped = true;
            untrack(self.child.id());
        }
        Ok(status)
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        if !self.reaped {
            self.kill_group();
            let _ = self.child.wait();
            untrack(self.child.id());
        }
    }
}

fn forward_lines(
    stream: impl Read + Send + 'static,
    sender: Sender<OutputLine>,
    wrap: fn(String) -> OutputLine,
) {
    thread::spawn(move || {
        let reader = BufReader::new(stream);
        for line in reader.split(b'\n') {
            let Ok(bytes) = line else { break };
            let text = String::from_utf8_lossy(&bytes)
                .trim_end_matches('\r')
                .to_string();
            if sender.send(wrap(text)).is_err() {
                break;
            }
        }
    });
}
