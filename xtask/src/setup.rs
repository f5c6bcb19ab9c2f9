//! Installs what the tests need when it is missing, guarded by version checks
//! so a re-run spends seconds here. Only package registries are used (Debian,
//! crates.io, npm); nothing downloads prebuilt binaries or browsers.

use crate::env;
use crate::proc::{output, run};

/// trunk 0.22.x needs rustc ≥ 1.96.1; 0.21.14 is the last that builds with 1.95.
const TRUNK_VERSION: &str = "0.21.14";

pub fn ensure_all() -> Result<(), String> {
    ensure_chromium()?;
    ensure_nginx_and_firefox()?;
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

/// Debian's nginx (the hosting test serves dist/ with it) and firefox-esr (the
/// Firefox smoke test). nginx is started by that test on a free port, never as
/// a service: a `policy-rc.d` keeps apt from starting it (port 80 may be taken,
/// and the install would then fail) and the unit is disabled afterwards.
fn ensure_nginx_and_firefox() -> Result<(), String> {
    let mut missing = Vec::new();
    if !std::path::Path::new(NGINX).exists() {
        missing.push("nginx");
    }
    if !std::path::Path::new("/usr/bin/firefox-esr").exists() {
        missing.push("firefox-esr");
    }
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing {} from Debian", missing.join(" + "));
    let _no_services = NoServiceStarts::install();
    run(env::tool("apt-get").args(["update", "-qq"]))?;
    run(env::tool("apt-get")
        .args(["install", "-y", "-qq"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    if missing.contains(&"nginx") {
        stop_nginx_service();
    }
    Ok(())
}

/// Best effort, right after installing nginx (so any nginx running was started
/// by that install): disable the service the package enabled for the next boot
/// and stop it if it started anyway (a `policy-rc.d` that allows it).
fn stop_nginx_service() {
    if std::path::Path::new("/run/systemd/system").exists() {
        let _ = output(env::tool("systemctl").args(["disable", "--now", "nginx"]));
    } else {
        let _ = output(env::tool("update-rc.d").args(["nginx", "disable"]));
        if std::path::Path::new("/run/nginx.pid").exists() {
            let _ = output(env::tool(NGINX).args(["-s", "quit"]));
        }
    }
}

const NGINX: &str = "/usr/sbin/nginx";
const POLICY_RC_D: &str = "/usr/sbin/policy-rc.d";

/// While alive, `/usr/sbin/policy-rc.d` answers 101 ("action forbidden"), so
/// packages do not start their services. An existing one (Docker images ship
/// one) is left alone; one written here is removed on drop.
struct NoServiceStarts {
    written: bool,
}

impl NoServiceStarts {
    fn install() -> Self {
        let path = std::path::Path::new(POLICY_RC_D);
        if path.exists() {
            return Self { written: false };
        }
        let written = std::fs::write(
            path,
            "#!/bin/sh\n# written by cargo xtask setup\nexit 101\n",
        )
        .and_then(|()| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        })
        .is_ok();
        Self { written }
    }
}

impl Drop for NoServiceStarts {
    fn drop(&mut self) {
        if self.written {
            let _ = std::fs::remove_file(POLICY_RC_D);
        }
    }
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

/// playwright-core (drives /usr/bin/chromium), puppeteer-core (drives
/// /usr/bin/firefox-esr; it downloads no browser) and binaryen (wasm-opt 132).
fn ensure_npm_packages() -> Result<(), String> {
    let e2e = env::root().join("e2e");
    let complete = output(env::tool("npm").current_dir(&e2e).args(["ls", "--depth=0"])).is_some();
    if !complete {
        run(env::tool("npm")
            .current_dir(&e2e)
            .args(["ci", "--no-audit", "--no-fund"])
            // puppeteer-core downloads nothing; this keeps it so if that ever changes.
            .env("PUPPETEER_SKIP_DOWNLOAD", "1"))?;
    }
    Ok(())
}

/// One line per tool, so a CI log shows what ran.
pub fn print_versions() {
    for (program, arg) in [
        ("chromium", "--version"),
        ("chromedriver", "--version"),
        ("firefox-esr", "--version"),
        (NGINX, "-v"),
        ("trunk", "--version"),
        ("wasm-bindgen", "--version"),
        ("wasm-opt", "--version"),
        ("node", "--version"),
    ] {
        let version = version_of(program, arg).unwrap_or_else(|| "not found".into());
        let name = program.rsplit('/').next().unwrap_or(program);
        println!("  {name}: {version}");
    }
}

/// What `program arg` prints, from stdout or (nginx -v) stderr; None if it fails.
fn version_of(program: &str, arg: &str) -> Option<String> {
    let out = env::tool(program).arg(arg).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    Some(String::from_utf8_lossy(&text).trim().to_owned())
}
