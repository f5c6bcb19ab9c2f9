//! `cargo xtask test`: every tier, in order, stopping at the first failure and
//! saying which tier failed. What CI runs (`.ci/run`).

use std::time::Instant;

use crate::{env, proc, setup, sim};

/// The fixed address of the simulator the browser tests talk to. It is
/// compiled into the wasm tests (`option_env!("EVENTLINE_TEST_SIM")`), so it
/// cannot be a random port without recompiling them on every run.
pub const BROWSER_TEST_SIM: &str = "127.0.0.1:18785";

#[derive(Debug, PartialEq, Default)]
pub struct Options {
    /// Do not install missing tools (fail instead).
    pub no_install: bool,
    /// Also run the long end-to-end variants (`EVENTLINE_E2E_FULL=1`).
    pub full: bool,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options::default();
        for arg in args {
            match arg.as_str() {
                "--no-install" => options.no_install = true,
                "--full" => options.full = true,
                other => return Err(format!("unknown test option `{other}`")),
            }
        }
        Ok(options)
    }
}

type Tier = (&'static str, fn() -> Result<(), String>);

pub fn run(options: &Options) -> Result<(), String> {
    let setup: Tier = if options.no_install {
        ("tool versions", || {
            setup::print_versions();
            Ok(())
        })
    } else {
        ("setup (install what is missing)", || {
            setup::ensure_all()?;
            setup::print_versions();
            Ok(())
        })
    };
    let tiers: [Tier; 8] = [
        setup,
        ("cargo fmt --check", fmt),
        ("clippy (native)", clippy_native),
        ("clippy (wasm32)", clippy_wasm),
        ("native tests", native_tests),
        ("browser tests (headless Chromium)", browser_tests),
        ("trunk build --release", trunk_build),
        if options.full {
            ("end-to-end tests, full (Chromium, nginx, Firefox)", || {
                e2e_tests(true)
            })
        } else {
            ("end-to-end tests (Chromium, nginx, Firefox)", || {
                e2e_tests(false)
            })
        },
    ];
    let started = Instant::now();
    let mut report = Vec::new();
    for (name, tier) in tiers {
        println!("\n=== {name} (t={}s)", started.elapsed().as_secs());
        let t = Instant::now();
        let result = tier();
        report.push((name, result.is_ok(), t.elapsed().as_secs_f64()));
        if let Err(message) = result {
            print_report(&report);
            return Err(format!("tier \"{name}\" failed: {message}"));
        }
    }
    print_report(&report);
    println!("all tiers passed in {}s", started.elapsed().as_secs());
    Ok(())
}

fn print_report(report: &[(&str, bool, f64)]) {
    println!("\n--- summary");
    for (name, ok, secs) in report {
        let verdict = if *ok { "ok" } else { "FAILED" };
        println!("  {verdict:>6}  {secs:>6.1}s  {name}");
    }
}

fn fmt() -> Result<(), String> {
    proc::run(env::cargo().args(["fmt", "--all", "--", "--check"]))
}

fn clippy_native() -> Result<(), String> {
    proc::run(env::cargo().args(["fetch", "--locked"]))?;
    proc::run(env::cargo().args([
        "clippy",
        "--locked",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

fn clippy_wasm() -> Result<(), String> {
    proc::run(env::cargo().args([
        "clippy",
        "--locked",
        "--package",
        "eventline",
        "--all-targets",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))
}

fn native_tests() -> Result<(), String> {
    proc::run(env::cargo().args(["test", "--locked", "--workspace"]))
}

fn browser_tests() -> Result<(), String> {
    sim::build()?;
    let _sim = sim::start(&["--listen".into(), BROWSER_TEST_SIM.into()])?;
    // --tests: doc tests would be cross-compiled to wasm and handed to the runner.
    proc::run(
        env::cargo()
            .args([
                "test",
                "--locked",
                "--package",
                "eventline",
                "--target",
                "wasm32-unknown-unknown",
                "--tests",
            ])
            .env("EVENTLINE_TEST_SIM", format!("http://{BROWSER_TEST_SIM}")),
    )
}

/// `trunk build --release` into a fresh `dist/` (also used by `cargo xtask bench`).
pub fn trunk_build() -> Result<(), String> {
    let dist = env::root().join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("cannot remove dist/: {e}"))?;
    }
    proc::run(env::tool("trunk").args(["build", "--release"]))
}

/// `full`: the long variants too (e.g. the fault test's 10,000 events and 100 cuts).
fn e2e_tests(full: bool) -> Result<(), String> {
    sim::build()?;
    let mut node = env::tool("node");
    node.current_dir(env::root().join("e2e"))
        .args(["--test", "--test-concurrency=1"])
        .env("EVENTLINE_SIM_BIN", sim::binary())
        .env("EVENTLINE_DIST", env::root().join("dist"));
    if full {
        node.env("EVENTLINE_E2E_FULL", "1");
    }
    proc::run(&mut node)
}
