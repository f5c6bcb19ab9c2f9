//! `cargo xtask bench`: builds the release viewer and an optimised simulator,
//! runs every criterion bench in `benches/`, then `e2e/bench.mjs` (headless
//! Chromium against the simulator's flood mode, next to a bare-JS baseline),
//! which prints every measurement next to its target and writes the raw
//! results as JSON. Measures only: a missed target is reported, never an
//! error; a measurement that cannot be taken is printed as n/a with why.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{env, proc, setup, test};

#[derive(Debug, PartialEq)]
pub struct Options {
    /// Length of each ingest measurement (viewer, then baseline).
    pub seconds: u32,
    /// Skip the criterion benches.
    pub no_native: bool,
    /// Do not install missing tools (fail instead).
    pub no_install: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            seconds: 60,
            no_native: false,
            no_install: false,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "--seconds" => {
                    let value = it.next().ok_or("--seconds needs a number")?;
                    options.seconds =
                        value.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                            format!("--seconds: `{value}` is not a positive number")
                        })?;
                }
                "--no-native" => options.no_native = true,
                "--no-install" => options.no_install = true,
                other => return Err(format!("unknown bench option `{other}`")),
            }
        }
        Ok(options)
    }
}

/// The simulator built with the bench profile (opt-level 3, no LTO): a flood
/// from the debug build would measure the simulator instead of the browser.
fn sim_binary() -> PathBuf {
    env::target_dir().join("release/eventline-sim")
}

/// The criterion benches: every `benches/*.rs`, by name.
fn bench_names() -> Result<Vec<String>, String> {
    let dir = env::root().join("benches");
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("cannot read benches/: {e}"))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    Ok(names)
}

pub fn run(options: &Options) -> Result<(), String> {
    if options.no_install {
        setup::print_versions();
    } else {
        setup::ensure_all()?;
    }
    proc::run(env::cargo().args(["fetch", "--locked"]))?;
    test::trunk_build()?;
    proc::run(env::cargo().args([
        "build",
        "--locked",
        "--profile",
        "bench",
        "--package",
        "eventline-sim",
    ]))?;

    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut failed = Vec::new();
    let benches = bench_names()?;
    if !options.no_native {
        for name in &benches {
            println!("\n=== criterion: benches/{name}.rs");
            let result = proc::run(env::cargo().args([
                "bench",
                "--locked",
                "--package",
                "eventline",
                "--bench",
                name,
            ]));
            if let Err(message) = result {
                eprintln!("warning: {message}; its numbers are reported as n/a");
                failed.push(name.clone());
            }
        }
    }

    println!(
        "\n=== browser (headless Chromium, {} s per ingest run)",
        options.seconds
    );
    let mut node = env::tool("node");
    node.current_dir(env::root().join("e2e"))
        .arg("bench.mjs")
        .env("EVENTLINE_SIM_BIN", sim_binary())
        .env("EVENTLINE_DIST", env::root().join("dist"))
        .env("EVENTLINE_BENCH_SECONDS", options.seconds.to_string())
        .env("EVENTLINE_NATIVE_BENCHES", benches.join(","))
        .env("EVENTLINE_NATIVE_FAILED", failed.join(","));
    if !options.no_native {
        node.env(
            "EVENTLINE_CRITERION_DIR",
            env::target_dir().join("criterion"),
        )
        .env("EVENTLINE_CRITERION_SINCE", since.to_string());
    }
    proc::run(&mut node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn the_ingest_window_defaults_to_a_minute_and_can_be_shortened() {
        assert_eq!(Options::parse(&[]).map(|o| o.seconds), Ok(60));
        let short = Options::parse(&args("--seconds 20 --no-native"));
        assert_eq!(
            short,
            Ok(Options {
                seconds: 20,
                no_native: true,
                no_install: false
            })
        );
        assert!(Options::parse(&args("--seconds")).is_err());
        assert!(Options::parse(&args("--seconds 0")).is_err());
        assert!(Options::parse(&args("--seconds soon")).is_err());
    }

    #[test]
    fn the_criterion_benches_are_read_from_benches() {
        let names = bench_names().unwrap_or_default();
        assert!(names.contains(&"decoder".to_owned()), "{names:?}");
    }
}
