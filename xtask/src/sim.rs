//! Starts the simulator binary for the browser tests and the demo, and waits
//! for its ready line (`eventline-sim listening on http://ADDR`).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Stdio};

use crate::env;

/// A running simulator; killed when dropped.
pub struct Sim {
    child: Child,
    pub url: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sim {
    /// Waits for the simulator to exit (the demo runs until Ctrl-C).
    pub fn wait(mut self) -> Result<(), String> {
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("eventline-sim exited ({status})"))
        }
    }
}

/// The debug build of the simulator (built by `build`).
pub fn binary() -> PathBuf {
    env::target_dir().join("debug/eventline-sim")
}

pub fn build() -> Result<(), String> {
    crate::proc::run(env::cargo().args(["build", "--locked", "-p", "eventline-sim"]))
}

/// Starts the simulator with `args`; its further output is passed through.
pub fn start(args: &[String]) -> Result<Sim, String> {
    let mut child = env::tool(&binary().to_string_lossy())
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start eventline-sim: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout from eventline-sim")?;
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let Some(url) = first.strip_prefix("eventline-sim listening on ") else {
        let _ = child.kill();
        return Err(format!(
            "eventline-sim did not start (first line: {first:?}); is the port free?"
        ));
    };
    let url = url.trim().to_owned();
    // Keep echoing what it prints (the demo shows keys and entities).
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            println!("{line}");
        }
    });
    Ok(Sim { child, url })
}
