//! `--replay FILE.jsonl`: streams a capture (one Event object per line, as in
//! `data/example-events.jsonl`) through the hub at its original pace, `--speed N` times faster,
//! or as fast as possible with `--speed 0`.
//!
//! Exists for reproducing real captures in the viewer. A malformed line is logged with its line
//! number and skipped; it must never stop the replay or crash the simulator.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::clock::parse_rfc3339;
use crate::state::AppState;

/// Reads a capture: the valid events with their `time` (ns, `None` if missing), logging bad lines.
pub fn load(path: &Path) -> std::io::Result<Vec<(Option<i64>, Value)>> {
    let text = std::fs::read_to_string(path)?;
    Ok(parse(&text, &path.display().to_string()))
}

/// Parses capture text (see [`load`]); `events.stream.start` lines are skipped (not real events).
pub fn parse(text: &str, label: &str) -> Vec<(Option<i64>, Value)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) if v.get("name").and_then(Value::as_str).is_some() => {
                if v.get("name").and_then(Value::as_str) == Some("events.stream.start") {
                    continue;
                }
                let t = v
                    .get("time")
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339);
                out.push((t, v));
            }
            Ok(_) => eprintln!(
                "eventline-sim: {label}:{}: not an event object (no \"name\"), skipped",
                i + 1
            ),
            Err(e) => eprintln!(
                "eventline-sim: {label}:{}: malformed JSON ({e}), skipped",
                i + 1
            ),
        }
    }
    out
}

/// Replays `path` into the hub.
pub async fn run(state: AppState, path: PathBuf, speed: f64, looped: bool) {
    let events = match load(&path) {
        Ok(e) => e,
        Err(e) => {
            eprintln!(
                "eventline-sim: cannot read replay file {}: {e}",
                path.display()
            );
            return;
        }
    };
    if events.is_empty() {
        eprintln!(
            "eventline-sim: replay file {} has no events",
            path.display()
        );
        return;
    }
    let mut shutdown = state.shutdown.subscribe();
    loop {
        let mut prev: Option<i64> = None;
        for (t, v) in &events {
            if speed > 0.0 {
                if let (Some(p), Some(t)) = (prev, t) {
                    let gap = ((t - p).max(0) as f64 / 1e9 / speed).min(3600.0);
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs_f64(gap)) => {}
                        _ = shutdown.wait_for(|s| *s) => return,
                    }
                }
            } else {
                tokio::task::yield_now().await;
            }
            if t.is_some() {
                prev = *t;
            }
            state.hub.publish(v.clone());
        }
        if !looped {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_malformed_lines() {
        let text =
            "{\"name\":\"gs.up.drop\",\"time\":\"2024-10-28T09:00:00Z\"}\nnot json\n\n{\"x\":1}\n";
        let got = parse(text, "t");
        assert_eq!(got.len(), 1);
        let all = parse(include_str!("../../data/example-events.jsonl"), "examples");
        assert_eq!(all.len(), 70);
    }
}
