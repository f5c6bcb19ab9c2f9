//! Installs what the tests need when it is missing, guarded by version checks
//! so a re-run spends seconds here. Only package registries are used (Debian,
//! crates.io, npm); nothing downloads prebuilt binaries or browsers.

use crate::env;
use crate::proc::{output, run};

/// trunk 0.22.x needs rustc ≥ 1.96.1; 0.21.14 is the last that builds with 1.95.
const TRUNK_VERSION: &str = "0.21.14";

pub fn ensure_all() -> Result<(), String> {
    ensure_chromium()?;
    ensure_rust_target()?;
    ensure_cargo_tools()?;
    ensure_npm_packages()?;
    Ok(())
}

/// Debian's chromium + chromium-driver (the browser for wasm-bindgen-test and Playwright).
fn ensure_chromium() -> Result<(), String> {
    let have = |p: &str| std::path::Path::new(p).exists();
    if have("/usr/bin/chromium") && have("/usr/bin/chromedriver") {
        return Ok(());
    }
    println!("installing chromium + chromium-driver from Debian");
    run(env::tool("apt-get").args(["update", "-qq"]))?;
    run(env::tool("apt-get")
        .args(["install", "-y", "-qq", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn ensure_rust_target() -> Result<(), String> {
    let installed = output(env::tool("rustup").args(["target", "list", "--installed"]))
        .ok_or("rustup is needed (to add the wasm32 target)")?;
    if !installed.lines().any(|l| l == "wasm32-unknown-unknown") {
        run(env::tool("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let components =
        output(env::tool("rustup").args(["component", "list", "--installed"])).unwrap_or_default();
    for c in ["rustfmt", "clippy"] {
        if !components.lines().any(|l| l.starts_with(c)) {
            run(env::tool("rustup").args(["component", "add", c]))?;
        }
    }
    Ok(())
}

fn has_version(program: &str, version: &str) -> bool {
    output(env::tool(program).arg("--version"))
        .is_some_and(|out| out.trim() == format!("{program} {version}"))
}

/// Tries the crate's own lockfile first, then a fresh resolution
/// (wasm-bindgen-cli 0.2.130's lockfile names a webpki-roots the registry
/// lacks). LTO off + 16 codegen units: trunk builds in ~7 instead of ~12 min.
fn cargo_install(krate: &str, version: &str) -> Result<(), String> {
    let install = |locked: bool| {
        let mut cmd = env::cargo();
        cmd.args(["install", krate, "--version", version])
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            // Installs build in their own temporary dir, not our target dir.
            .env_remove("CARGO_TARGET_DIR");
        if locked {
            cmd.arg("--locked");
        }
        run(&mut cmd)
    };
    install(true).or_else(|_| install(false))
}

fn ensure_cargo_tools() -> Result<(), String> {
    if !has_version("trunk", TRUNK_VERSION) {
        cargo_install("trunk", TRUNK_VERSION)?;
    }
    let wasm_bindgen = env::locked_wasm_bindgen_version()?;
    if !has_version("wasm-bindgen", &wasm_bindgen)
        || !has_version("wasm-bindgen-test-runner", &wasm_bindgen)
    {
        cargo_install("wasm-bindgen-cli", &wasm_bindgen)?;
    }
    Ok(())
}

/// playwright-core (drives /usr/bin/chromium) and binaryen (wasm-opt 132).
fn ensure_npm_packages() -> Result<(), String> {
    let e2e = env::root().join("e2e");
    let complete = output(env::tool("npm").current_dir(&e2e).args(["ls", "--depth=0"])).is_some();
    if !complete {
        run(env::tool("npm")
            .current_dir(&e2e)
            .args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// One line per tool, so a CI log shows what ran.
pub fn print_versions() {
    for (program, arg) in [
        ("chromium", "--version"),
        ("chromedriver", "--version"),
        ("trunk", "--version"),
        ("wasm-bindgen", "--version"),
        ("wasm-opt", "--version"),
        ("node", "--version"),
    ] {
        let version = output(env::tool(program).arg(arg))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| "not found".into());
        println!("  {program}: {version}");
    }
}
