//! The device-side localhost route (`--adb-reverse`): `adb reverse tcp:PORT tcp:PORT` so a device attached to
//! this machine opens the harness server as its own `localhost` (a secure context), removed again at the end.

use anyhow::{bail, Context, Result};
use tokio::process::Command;

/// The `adb` arguments that add (or remove) the route for `port` on the device `serial`.
pub fn reverse_args(serial: Option<&str>, port: u16, remove: bool) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(s) = serial {
        args.extend(["-s".to_owned(), s.to_owned()]);
    }
    args.push("reverse".to_owned());
    if remove {
        args.extend(["--remove".to_owned(), format!("tcp:{port}")]);
    } else {
        args.extend([format!("tcp:{port}"), format!("tcp:{port}")]);
    }
    args
}

/// Runs `adb` with `args`; a failure names adb and the fix.
pub async fn adb(args: &[String]) -> Result<()> {
    let out = Command::new("adb")
        .args(args)
        .output()
        .await
        .context("--adb-reverse: cannot run `adb`: install the Android platform tools (Debian: adb) and put adb on PATH")?;
    if !out.status.success() {
        bail!(
            "--adb-reverse: `adb {}` failed ({}): {}; check `adb devices` (one device, or pick it with --android-serial)",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::reverse_args;

    #[test]
    fn the_route_names_the_device_and_the_port() {
        assert_eq!(
            reverse_args(None, 8000, false),
            ["reverse", "tcp:8000", "tcp:8000"]
        );
        assert_eq!(
            reverse_args(Some("R58M"), 8000, true),
            ["-s", "R58M", "reverse", "--remove", "tcp:8000"]
        );
    }
}
