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

/// Code outside `#[cfg(test)]`; `None` for a file that is all tests.
fn non_test_code(path: &Path, text: &str) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with("_tests.rs") || path.components().any(|c| c.as_os_str() == "tests") {
        return None;
    }
    // Up to the inline tests module (`#[cfg(test)] mod tests {`): a
    // `#[cfg(test)]` import or `mod tests;` near the top does not end the
    // code that counts. (Code after an inline tests module is not counted:
    // the convention puts that module last.)
    let code =
        text.split("#[cfg(test)]\nmod ")
            .enumerate()
            .fold(String::new(), |mut code, (i, part)| {
                let declared = match (part.find(';'), part.find('{')) {
                    (Some(semicolon), Some(brace)) => semicolon < brace,
                    (semicolon, _) => semicolon.is_some(),
                };
                if i == 0 {
                    code.push_str(part);
                } else if declared {
                    // `mod tests;`: the module lives in its own file; go on.
                    code.push_str(part.split_once(';').map_or("", |(_, rest)| rest));
                }
                code
            });
    Some(code)
}

#[test]
fn every_module_stays_small_and_does_not_unwrap() {
    for path in files(&["src"]) {
        let text = std::fs::read_to_string(&path).expect("utf8 source");
        let Some(code) = non_test_code(&path, &text) else {
            continue;
        };
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

/// The module path of a source file: `src/ui/live.rs` → `ui::live`,
/// `src/model/mod.rs` → `model`, `src/lib.rs` → ``.
fn module_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).expect("under src");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts.join("::")
}

/// The modules a file's code refers to (`crate::a::b…`, `super::x…`), as
/// the longest known module path each names.
fn references(module: &str, code: &str, known: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let here: Vec<&str> = module.split("::").filter(|s| !s.is_empty()).collect();
    let mut parent = here.clone();
    parent.pop();
    for (prefix, base) in [
        ("crate::", Vec::new()),
        ("super::", parent),
        ("self::", here.clone()),
    ] {
        for (i, _) in code.match_indices(prefix) {
            if i > 0 && code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue; // `super::super::`, `my_crate::`
            }
            let rest = &code[i + prefix.len()..];
            let path: Vec<&str> = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
                .split("::")
                .filter(|s| !s.is_empty())
                .collect();
            let mut full: Vec<&str> = base.clone();
            full.extend(path);
            while !full.is_empty() {
                let candidate = full.join("::");
                if known.contains(&candidate) {
                    out.push(candidate);
                    break;
                }
                full.pop();
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The group a module belongs to at a level: its first `depth` segments.
fn group(module: &str, depth: usize) -> String {
    module
        .split("::")
        .take(depth)
        .collect::<Vec<_>>()
        .join("::")
}

/// Depth-first search for a cycle, returned with its path.
fn cycle_in(
    edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|s| s == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = Default::default();
    edges
        .keys()
        .find_map(|m| visit(m, edges, &mut Vec::new(), &mut done))
}

/// Modules depend on each other in one direction only: the top-level
/// modules of `src/` among themselves, and the files of each top-level
/// module among themselves (a module and its own submodules aside: that is
/// how Rust nests them).
#[test]
fn modules_import_each_other_in_one_direction_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let paths = files(&["src"]);
    let modules: Vec<String> = paths.iter().map(|p| module_of(&root, p)).collect();
    let mut references_of = Vec::new();
    for (path, module) in paths.iter().zip(&modules) {
        let text = std::fs::read_to_string(path).expect("utf8 source");
        // Comments (doc links included) are not imports.
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .map(|l| l.split("//").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n");
        references_of.push((module.clone(), references(module, &code, &modules)));
    }
    let total: usize = references_of.iter().map(|(_, r)| r.len()).sum();
    assert!(total > 50, "the reference scan found only {total}");
    for depth in [1, 2] {
        let mut edges: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        for (module, targets) in &references_of {
            for target in targets {
                let (a, b) = (group(module, depth), group(target, depth));
                // At depth 2 only within one top-level module, between two of its children.
                let same_parent = depth == 1 || group(module, 1) == group(target, 1);
                let siblings = a.split("::").count() == depth && b.split("::").count() == depth;
                if a != b && same_parent && siblings {
                    edges.entry(a).or_default().insert(b);
                }
            }
        }
        if depth == 2 {
            assert!(
                edges
                    .get("ui::toolbar")
                    .is_some_and(|t| t.contains("ui::share")),
                "the scan misses `super::` paths: {edges:?}"
            );
        }
        let cycle = cycle_in(&edges);
        assert!(
            cycle.is_none(),
            "modules import each other: {}",
            cycle.unwrap_or_default().join(" → ")
        );
    }
}
