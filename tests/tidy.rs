//! Tidy checks on the source tree (rust-analyzer's `tidy.rs` habit): every
//! Rust file opens with a `//!` comment saying what it is and why it exists,
//! and the pure core stays small and free of panicking shortcuts on input.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn files(dirs: &[&str]) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in dirs {
        rust_files(&root.join(dir), &mut out);
    }
    out
}

#[test]
fn every_file_opens_with_a_module_comment() {
    let mut all = files(&["src", "tests", "benches"]);
    all.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("build.rs"));
    for path in all {
        let text = std::fs::read_to_string(&path).expect("utf8 source");
        assert!(
            text.starts_with("//!"),
            "{} must open with a `//!` comment",
            path.display()
        );
    }
}

#[test]
fn the_pure_core_stays_small_and_does_not_unwrap() {
    for path in files(&["src/tts", "src/stream"]) {
        let text = std::fs::read_to_string(&path).expect("utf8 source");
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        assert!(
            code.lines().count() <= 400,
            "{} is long: split it by concern",
            path.display()
        );
        for banned in [".unwrap()", ".expect(", "unimplemented!", "todo!"] {
            assert!(
                !code.contains(banned),
                "{} uses {banned} outside tests",
                path.display()
            );
        }
    }
}
