//! `cargo xtask`: the project's own commands (matklad's cargo-xtask pattern).
//!
//! One binary with typed subcommands; no arguments prints help. It runs cargo
//! through `$CARGO`, checks every exit status and says which step failed.
//! It has no dependencies so that it builds in seconds on a fresh clone.
//! CI (`.ci/run`) calls exactly what the README says: `cargo xtask test`.

mod bench;
mod csp;
mod demo;
mod env;
mod proc;
mod setup;
mod sim;
mod test;

use std::process::ExitCode;

const HELP: &str = "\
cargo xtask — Eventline's own commands

USAGE:
    cargo xtask demo [--listen ADDR] [-- SIM-ARGS…]
        Build the viewer (trunk --release), start eventline-sim serving it and a
        simulated cluster on one origin, and print the URL to open. The demo
        cluster URL and demo API key are pre-filled through config.json.
        SIM-ARGS go to eventline-sim (see `cargo run -p eventline-sim -- --help`).

    cargo xtask test [--no-install] [--full]
        Run every tier: tool setup, cargo fmt --check, clippy (native + wasm32),
        native tests, browser tests (wasm-bindgen-test in headless Chromium),
        trunk build --release, end-to-end tests (Playwright + Chromium against
        dist/ and eventline-sim; dist/ served by nginx; a Firefox smoke test).
        Installs what is missing first (apt: chromium, chromium-driver, nginx,
        firefox-esr; rustup: wasm32 target; cargo: trunk, wasm-bindgen-cli;
        npm: playwright-core, puppeteer-core, binaryen) unless --no-install is
        given.
        --full also runs the long end-to-end variants (EVENTLINE_E2E_FULL=1):
        the fault test with 10,000 events and 100 cuts instead of its short
        default (several minutes).

    cargo xtask bench [--seconds N] [--no-native] [--no-install]
        Measure, never assert: build the release viewer and an optimised
        simulator, run every criterion bench in benches/ (unless --no-native),
        then drive headless Chromium (e2e/bench.mjs) against the simulator's
        flood mode: ingest events/s for N seconds (default 60) next to a bare-JS
        baseline page, the longest main-thread task at 1,000 events/s with
        100,000 retained, filter latency, memory per event, bundle size and
        first paint. Prints every number next to its target and writes the raw
        results to e2e/artifacts/bench.json. Numbers go into BENCHMARKS.md.

    cargo xtask csp [DIR]
        Give DIR/index.html (default: $TRUNK_STAGING_DIR, else dist/) a
        Content-Security-Policy naming trunk's inline loader by its hash.
        Trunk runs it as a post-build hook.

ENVIRONMENT:
    CARGO_TARGET_DIR   defaults to ~/.cache/eventline/target (outside the clone,
                       so a new clone reuses compiled dependencies)
";

#[derive(Debug, PartialEq)]
enum Command {
    Help,
    Demo(demo::Options),
    Test(test::Options),
    Bench(bench::Options),
    Csp(Option<String>),
}

fn parse(args: &[String]) -> Result<Command, String> {
    let Some((first, rest)) = args.split_first() else {
        return Ok(Command::Help);
    };
    match first.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "demo" => demo::Options::parse(rest).map(Command::Demo),
        "test" => test::Options::parse(rest).map(Command::Test),
        "bench" => bench::Options::parse(rest).map(Command::Bench),
        "csp" => match rest {
            [] => Ok(Command::Csp(None)),
            [dir] => Ok(Command::Csp(Some(dir.clone()))),
            _ => Err("csp takes at most one directory".into()),
        },
        other => Err(format!("unknown command `{other}`")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            print!("{HELP}");
            Ok(())
        }
        Command::Demo(options) => demo::run(&options),
        Command::Test(options) => test::run(&options),
        Command::Bench(options) => bench::run(&options),
        Command::Csp(dir) => csp::run(dir.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nerror: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn no_arguments_print_help() {
        assert_eq!(parse(&[]), Ok(Command::Help));
    }

    #[test]
    fn unknown_commands_are_refused() {
        assert!(parse(&args("deploy")).is_err());
        assert!(parse(&args("test --bogus")).is_err());
    }

    #[test]
    fn test_takes_full_and_no_install_in_any_order() {
        let expected = test::Options {
            no_install: true,
            full: true,
        };
        assert_eq!(
            parse(&args("test --full --no-install")),
            Ok(Command::Test(expected))
        );
        let Ok(Command::Test(plain)) = parse(&args("test")) else {
            panic!("not a test command");
        };
        assert!(!plain.full);
    }

    #[test]
    fn demo_passes_simulator_arguments_through() {
        let Ok(Command::Demo(options)) = parse(&args("demo --listen 0.0.0.0:9000 -- --rate 50"))
        else {
            panic!("not a demo command");
        };
        assert_eq!(options.listen, "0.0.0.0:9000");
        assert_eq!(options.sim_args, args("--rate 50"));
    }
}
