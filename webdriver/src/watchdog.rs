//! The driver's watchdog: a tiny `sh` that kills the driver's process group (and removes the browser
//! profile) when this process dies, even by SIGKILL, when no destructor runs.
//!
//! It blocks reading a pipe whose only write end this process holds (close-on-exec, so no driver or
//! browser inherits it). The kernel closes that end when this process exits for any reason; the read
//! then ends and the watchdog kills the group. On a normal shutdown the watchdog is killed first, so it
//! never signals a group id the kernel may since have recycled.

use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `$1` is the process group, `$2` a directory to remove (may be empty).
const SCRIPT: &str = r#"while read -r _; do :; done; kill -9 "-$1" 2>/dev/null; [ -n "$2" ] && rm -rf -- "$2"; exit 0"#;

/// A running watchdog; [`Watchdog::disarm`] (or drop) stops it without touching the group.
#[derive(Debug)]
pub struct Watchdog {
    child: Option<Child>,
}

impl Watchdog {
    /// Starts a watchdog for process group `pgid` and, optionally, a directory to remove after it.
    pub fn arm(pgid: i32, dir: Option<&Path>) -> io::Result<Watchdog> {
        let dir = dir.map(|d| d.as_os_str().to_owned()).unwrap_or_default();
        let child = Command::new("/bin/sh")
            .arg("-c")
            .arg(SCRIPT)
            .arg("webdriver-watchdog")
            .arg(pgid.to_string())
            .arg(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own group: a terminal's Ctrl-C to our group does not stop it early.
            .process_group(0)
            .spawn()?;
        Ok(Watchdog { child: Some(child) })
    }

    /// Stops the watchdog (SIGKILL) so it never acts; reaps it without blocking the caller.
    pub fn disarm(&mut self) {
        if let Some(child) = self.child.take() {
            reap_without_blocking(child, true);
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.disarm();
    }
}

/// Kills `child` if asked, then reaps it: at once if it has exited, else on a short-lived thread, so no
/// caller (an async runtime thread, a destructor) ever sleeps waiting for it.
pub fn reap_without_blocking(mut child: Child, kill: bool) {
    if kill {
        let _ = child.kill();
    }
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = std::thread::Builder::new()
        .name("reaper".to_owned())
        .spawn(move || {
            let _ = child.wait();
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn alive(pid: u32) -> bool {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|s| s.split_whitespace().next());
        !matches!(state, None | Some("Z" | "X"))
    }

    fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !cond() {
            assert!(Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn closing_the_pipe_kills_the_group_and_removes_the_dir() {
        let mut victim = Command::new("sleep")
            .arg("300")
            .process_group(0)
            .spawn()
            .unwrap();
        let dir = tempfile::tempdir().unwrap().keep();
        std::fs::write(dir.join("f"), "x").unwrap();
        let pgid = victim.id() as i32;
        let mut dog = Watchdog::arm(pgid, Some(&dir)).unwrap();
        // What the kernel does when this process dies: the write end closes.
        drop(dog.child.as_mut().unwrap().stdin.take());
        wait_until("the group was not killed", || {
            matches!(victim.try_wait(), Ok(Some(_)))
        });
        wait_until("the directory was not removed", || !dir.exists());
        let _ = dog.child.take().unwrap().wait();
    }

    #[test]
    fn a_disarmed_watchdog_leaves_the_group_alone() {
        let mut victim = Command::new("sleep")
            .arg("300")
            .process_group(0)
            .spawn()
            .unwrap();
        let mut dog = Watchdog::arm(victim.id() as i32, None).unwrap();
        let dog_pid = dog.child.as_ref().unwrap().id();
        dog.disarm();
        wait_until("the watchdog kept running", || !alive(dog_pid));
        std::thread::sleep(Duration::from_millis(100));
        assert!(alive(victim.id()), "a disarmed watchdog must not kill");
        let _ = victim.kill();
        let _ = victim.wait();
    }
}
