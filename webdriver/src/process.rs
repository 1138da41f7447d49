//! Local driver process: free-port selection, spawn in its own process
//! group under a watchdog, readiness polling, output capture, and group kill
//! on shutdown/drop.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::discover::DriverKind;
use crate::error::{Error, Result};
use crate::tail::LogTail;
use crate::watchdog::{reap_without_blocking, Watchdog};

/// How many fresh ports to try when the driver loses the race for one.
const PORT_ATTEMPTS: usize = 3;

/// A driver binary running on a loopback port, owned by this value.
///
/// The driver is the leader of its own process group, so the browser it
/// launches can be killed with it. Dropping the value kills the group
/// (best effort, never panics); prefer [`DriverProcess::shutdown`]. If this
/// process dies without either (SIGKILL), a watchdog kills the group.
#[derive(Debug)]
pub struct DriverProcess {
    kind: DriverKind,
    path: PathBuf,
    port: u16,
    /// `None` once handed to a reaper.
    child: Mutex<Option<Child>>,
    watchdog: Mutex<Option<Watchdog>>,
    log: LogTail,
    handle: KillHandle,
}

/// A `Send + Sync + Clone` handle that kills a driver's whole process group,
/// for use from a Ctrl-C / signal handler. It does nothing once the driver
/// has been reaped, so it can never hit a recycled process id.
#[derive(Debug, Clone)]
pub struct KillHandle {
    pgid: i32,
    reaped: Arc<AtomicBool>,
}

impl KillHandle {
    /// Send SIGKILL to the driver and everything it started (the browser).
    pub fn kill(&self) {
        self.signal(libc::SIGKILL);
    }

    /// Send `signal` to the driver's process group; ignored after reaping.
    pub fn signal(&self, signal: i32) {
        if self.pgid <= 1 || self.reaped.load(Ordering::SeqCst) {
            return;
        }
        // SAFETY: killpg has no memory-safety preconditions; the group id is
        // our own child's pid, valid until `reaped` is set.
        unsafe {
            libc::killpg(self.pgid, signal);
        }
    }

    /// The process group id (equal to the driver's pid).
    pub fn pgid(&self) -> i32 {
        self.pgid
    }
}

impl DriverProcess {
    /// Start `path` as a `kind` driver on a free loopback port and wait until
    /// `GET /status` reports ready, for at most `ready_timeout`. Should this
    /// process die without cleaning up, the driver's group is killed and
    /// `cleanup_dir` (the browser's profile) removed by a watchdog.
    pub async fn spawn(
        kind: DriverKind,
        path: &Path,
        ready_timeout: Duration,
        cleanup_dir: Option<&Path>,
    ) -> Result<Self> {
        let deadline = Instant::now() + ready_timeout;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_loopback_port()?;
            let driver = Self::spawn_on(kind, path, port, cleanup_dir)?;
            match driver.wait_ready(deadline, ready_timeout).await {
                Ok(()) => return Ok(driver),
                Err(err) => {
                    let port_clash = driver.log.contents().contains("in use");
                    driver.shutdown(Duration::from_millis(500)).await;
                    let exited = matches!(err, Error::DriverExited { .. });
                    if !(exited && port_clash && attempt < PORT_ATTEMPTS) {
                        return Err(err);
                    }
                }
            }
        }
    }

    fn spawn_on(kind: DriverKind, path: &Path, port: u16, dir: Option<&Path>) -> Result<Self> {
        let mut command = Command::new(path);
        match kind {
            DriverKind::Chromedriver => {
                command.arg(format!("--port={port}"));
                command.arg("--allowed-ips=127.0.0.1");
            }
            DriverKind::Geckodriver => {
                command.args(["--port", &port.to_string(), "--host", "127.0.0.1"]);
            }
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = command.spawn().map_err(|source| Error::DriverSpawn {
            driver: kind.binary_name(),
            path: path.to_owned(),
            source,
        })?;

        let log = LogTail::default();
        if let Some(out) = child.stdout.take() {
            pump(out, log.clone(), "driver-stdout");
        }
        if let Some(err) = child.stderr.take() {
            pump(err, log.clone(), "driver-stderr");
        }
        let pgid = i32::try_from(child.id()).unwrap_or(0);
        let watchdog = match Watchdog::arm(pgid, dir) {
            Ok(w) => w,
            Err(source) => {
                // SAFETY: as in `KillHandle::signal`; the child is not reaped yet.
                unsafe { libc::killpg(pgid, libc::SIGKILL) };
                reap_without_blocking(child, true);
                return Err(Error::DriverSpawn {
                    driver: "/bin/sh (the driver's watchdog)",
                    path: PathBuf::from("/bin/sh"),
                    source,
                });
            }
        };
        Ok(Self {
            kind,
            path: path.to_owned(),
            port,
            child: Mutex::new(Some(child)),
            watchdog: Mutex::new(Some(watchdog)),
            log,
            handle: KillHandle {
                pgid,
                reaped: Arc::new(AtomicBool::new(false)),
            },
        })
    }

    async fn wait_ready(&self, deadline: Instant, budget: Duration) -> Result<()> {
        let mut pause = Duration::from_millis(25);
        loop {
            if let Some(status) = self.exit_status() {
                // Give the output pumps a moment to drain the final lines.
                tokio::time::sleep(Duration::from_millis(150)).await;
                return Err(Error::DriverExited {
                    driver: self.kind.binary_name(),
                    status: status.to_string(),
                    log: self.log.for_error(),
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::DriverNotReady {
                    driver: self.kind.binary_name(),
                    port: self.port,
                    timeout: budget,
                    log: self.log.for_error(),
                });
            }
            let probe = probe_status(self.port);
            if let Ok(Ok(true)) =
                tokio::time::timeout(left.min(Duration::from_secs(5)), probe).await
            {
                return Ok(());
            }
            tokio::time::sleep(pause.min(left)).await;
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }

    fn child(&self) -> MutexGuard<'_, Option<Child>> {
        self.child.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The driver's exit status if it has exited (reaps it).
    pub fn exit_status(&self) -> Option<ExitStatus> {
        // The group may outlive its leader (the browser is still in it), so
        // the kill handle stays armed until `kill_and_reap` has swept it.
        self.child().as_mut()?.try_wait().ok().flatten()
    }

    /// Which driver this is.
    pub fn kind(&self) -> DriverKind {
        self.kind
    }

    /// The binary that was started.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The loopback port the driver listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The WebDriver base URL, e.g. `http://127.0.0.1:9515/`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// The driver's process id (also its process group id).
    pub fn pid(&self) -> u32 {
        // The driver leads its own group: its pid is the group id.
        self.handle.pgid.unsigned_abs()
    }

    /// The buffered tail of the driver's stdout and stderr.
    pub fn log(&self) -> &LogTail {
        &self.log
    }

    /// A handle that can kill the driver's process group from elsewhere.
    pub fn kill_handle(&self) -> KillHandle {
        self.handle.clone()
    }

    /// Stop the driver and everything in its process group: SIGTERM, wait up
    /// to `grace` for the driver to exit, then SIGKILL the group and reap.
    /// Never blocks the runtime thread.
    pub async fn shutdown(&self, grace: Duration) {
        if self.handle.reaped.load(Ordering::SeqCst) {
            return;
        }
        self.disarm_watchdog();
        self.handle.signal(libc::SIGTERM);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline && self.exit_status().is_none() {
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        // Kill the group first: the leader may already have exited while the
        // browser it started lives on in the same group.
        self.handle.kill();
        if let Some(child) = self.child().as_mut() {
            let _ = child.kill();
        }
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline && self.exit_status().is_none() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.finish();
    }

    /// The watchdog is stopped before the group is signalled, so it can never
    /// act on a group id that has been recycled after the driver was reaped.
    fn disarm_watchdog(&self) {
        let taken = self
            .watchdog
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut w) = taken {
            w.disarm();
        }
    }

    /// One more sweep for stragglers that were forking during the kill, then
    /// the handle goes inert (the pid may be recycled from now on) and the
    /// driver is reaped, on a reaper thread if it has not exited yet.
    fn finish(&self) {
        self.handle.kill();
        self.handle.reaped.store(true, Ordering::SeqCst);
        if let Some(child) = self.child().take() {
            reap_without_blocking(child, true);
        }
    }
}

impl Drop for DriverProcess {
    /// Best effort without waiting: SIGKILL the group, reap on a thread.
    fn drop(&mut self) {
        if self.handle.reaped.load(Ordering::SeqCst) {
            return;
        }
        self.disarm_watchdog();
        self.handle.kill();
        self.finish();
    }
}

/// Copy a pipe into the log on a background thread until EOF.
fn pump(mut reader: impl Read + Send + 'static, log: LogTail, name: &str) {
    let spawned = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => log.push(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        });
    // Without the thread the pipe is dropped and the driver gets SIGPIPE on
    // output, which shows up as an early exit with a clear error.
    drop(spawned);
}

/// Reserve a free port on 127.0.0.1 by binding port 0 and releasing it.
pub fn free_loopback_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|source| Error::PortReservation { source })?;
    let port = listener
        .local_addr()
        .map_err(|source| Error::PortReservation { source })?
        .port();
    drop(listener);
    Ok(port)
}

/// One `GET /status` (hyper-util's client). `Ok(true)` when the driver
/// answers 200 and does not say `"ready": false`.
async fn probe_status(port: u16) -> std::io::Result<bool> {
    let other = |e: &dyn std::fmt::Display| std::io::Error::other(e.to_string());
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    // hyper sends `Host: 127.0.0.1:PORT`; geckodriver rejects a Host header without the port.
    let request = http::Request::get(format!("http://127.0.0.1:{port}/status"))
        .header(http::header::ACCEPT, "application/json")
        .body(Empty::new())
        .map_err(|e| other(&e))?;
    let response = client.request(request).await.map_err(|e| other(&e))?;
    if response.status() != http::StatusCode::OK {
        return Ok(false);
    }
    let body = Limited::new(response.into_body(), 1 << 20)
        .collect()
        .await
        .map_err(|e| other(&*e))?
        .to_bytes();
    Ok(status_body_is_ready(&body))
}

/// A `/status` body says ready unless `value.ready` is `false`; a body that is not JSON is not a driver.
fn status_body_is_ready(body: &[u8]) -> bool {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(json) => json
            .pointer("/value/ready")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true),
        Err(_) => false,
    }
}

/// First line of `<driver> --version`, or `None` if it fails or takes > 10 s.
pub async fn driver_version(path: &Path) -> Option<String> {
    let run = tokio::process::Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_port_is_nonzero() {
        assert_ne!(free_loopback_port().unwrap(), 0);
    }

    #[test]
    fn parses_status_bodies() {
        assert!(status_body_is_ready(
            b"{\"value\":{\"ready\":true,\"message\":\"\"}}"
        ));
        assert!(status_body_is_ready(b"{\"value\":{}}"));
        assert!(!status_body_is_ready(b"{\"value\":{\"ready\": false}}"));
        assert!(!status_body_is_ready(b"garbage"));
    }
}
