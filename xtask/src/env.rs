//! Where things are: the workspace root, the shared cargo target dir, and the
//! environment every child process gets (tools on PATH, offline trunk).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the parent of this crate's directory).
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(Path::to_path_buf).unwrap_or(here)
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from)
}

/// `CARGO_HOME`, defaulting like cargo does.
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME").map_or_else(|| home().join(".cargo"), PathBuf::from)
}

/// The cargo target dir: `$CARGO_TARGET_DIR`, else one outside the clone so a
/// fresh clone (as CI makes) reuses compiled dependencies.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| home().join(".cache/eventline/target"), PathBuf::from)
}

/// The cargo that runs us (`$CARGO`), falling back to `cargo` on PATH.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    apply(&mut cmd);
    cmd
}

/// Any other tool, with the project environment applied.
pub fn tool(program: &str) -> Command {
    let mut cmd = Command::new(program);
    apply(&mut cmd);
    cmd
}

/// PATH with `$CARGO_HOME/bin` (trunk, wasm-bindgen) and `e2e/node_modules/.bin`
/// (npm's wasm-opt: Debian's binaryen 108 breaks the wasm) in front.
pub fn path() -> std::ffi::OsString {
    let mut dirs = vec![
        cargo_home().join("bin"),
        root().join("e2e/node_modules/.bin"),
    ];
    if let Some(existing) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&existing));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

fn apply(cmd: &mut Command) {
    cmd.current_dir(root())
        .env("PATH", path())
        .env("CARGO_TARGET_DIR", target_dir())
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver");
}

/// The wasm-bindgen version locked in Cargo.lock (the CLI must equal it).
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}
