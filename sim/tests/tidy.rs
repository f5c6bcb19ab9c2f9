//! Tidy checks on the simulator's source tree (rust-analyzer's `tidy.rs` habit), for every `.rs`
//! file under `sim/src`: it opens with a `//!` comment saying what it is and why it exists;
//! outside `#[cfg(test)]` code it has no `.unwrap()`, `.expect(`, `todo!` or `unimplemented!`
//! and at most 400 lines; and no two modules import each other, directly or around a longer
//! cycle — the crate root included (it declares every module, so none may reach back into it).
//!
//! The scan blanks comments and string/char literals first, so a doc line or a message that
//! mentions `.unwrap()` or `crate::x` is not code, and cuts `#[cfg(test)]` items by matching
//! their braces.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;
const BANNED: [&str; 4] = [".unwrap()", ".expect(", "todo!", "unimplemented!"];
/// The crate root's node in the module graph.
const ROOT: &str = "crate (lib.rs)";

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One source file of `sim/src`, scanned.
struct Source {
    /// Relative to `sim/src`, with `/` separators.
    rel: String,
    text: String,
    /// `text` with comments and literals blanked (same length in chars, newlines kept).
    code: String,
    /// Byte ranges of `code` that are `#[cfg(test)]` items.
    tests: Vec<Range<usize>>,
}

fn sources() -> Vec<Source> {
    let src = manifest_dir().join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let code = code_only(&text);
            let tests = test_items(&code).into_iter().map(|(r, _)| r).collect();
            let rel = path
                .strip_prefix(&src)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            Source {
                rel,
                text,
                code,
                tests,
            }
        })
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `text` with every comment and string, raw string and char literal replaced by spaces
/// (newlines kept, one byte per byte), so that searches see only code.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, cs: &[char]| {
        for &c in cs {
            if c == '\n' {
                out.push('\n');
            } else {
                out.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
    };
    let at = |k: usize| chars.get(k).copied();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        let ident_before = i > 0 && is_ident(chars[i - 1]);
        let end = if c == '/' && at(i + 1) == Some('/') {
            (i..n).find(|&k| chars[k] == '\n').unwrap_or(n)
        } else if c == '/' && at(i + 1) == Some('*') {
            let (mut k, mut depth) = (i, 0usize);
            while k < n {
                if chars[k] == '/' && at(k + 1) == Some('*') {
                    depth += 1;
                    k += 2;
                } else if chars[k] == '*' && at(k + 1) == Some('/') {
                    depth -= 1;
                    k += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    k += 1;
                }
            }
            k.min(n)
        } else if let Some(end) = raw_string_end(&chars, i).filter(|_| !ident_before) {
            end
        } else if c == '"' {
            let mut k = i + 1;
            while k < n && chars[k] != '"' {
                k += if chars[k] == '\\' { 2 } else { 1 };
            }
            (k + 1).min(n)
        } else if c == '\'' && at(i + 1) == Some('\\') {
            let k = (i + 3..n).find(|&k| chars[k] == '\'').unwrap_or(n);
            (k + 1).min(n)
        } else if c == '\'' && at(i + 2) == Some('\'') {
            i + 3
        } else {
            out.push(c);
            i += 1;
            continue;
        };
        blank(&mut out, &chars[i..end]);
        i = end;
    }
    out
}

/// The end of a raw string (`r"…"`, `r#"…"#`, `br"…"`) starting at `i`, if one starts there.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let r = match (chars.get(i), chars.get(i + 1)) {
        (Some('r'), _) => i,
        (Some('b'), Some('r')) => i + 1,
        _ => return None,
    };
    let hashes = chars[r + 1..].iter().take_while(|&&c| c == '#').count();
    let open = r + 1 + hashes;
    if chars.get(open) != Some(&'"') {
        return None;
    }
    let close = (open + 1..chars.len())
        .find(|&k| chars[k] == '"' && (1..=hashes).all(|h| chars.get(k + h) == Some(&'#')))?;
    Some(close + 1 + hashes)
}

/// The `#[cfg(test)]` items of blanked `code`: their byte ranges (attribute to closing brace or
/// semicolon), and for `#[cfg(test)] mod x;` the module `x` (a file that is all tests).
fn test_items(code: &str) -> Vec<(Range<usize>, Option<String>)> {
    const ATTR: &str = "#[cfg(test)]";
    let mut out: Vec<(Range<usize>, Option<String>)> = Vec::new();
    for (start, _) in code.match_indices(ATTR) {
        if out.iter().any(|(r, _)| r.contains(&start)) {
            continue;
        }
        let body = start + ATTR.len();
        let Some(open) = code[body..].find(['{', ';']).map(|k| body + k) else {
            continue;
        };
        if code[open..].starts_with(';') {
            let decl: Vec<&str> = code[body..open].split_whitespace().collect();
            let module = match decl.as_slice() {
                [.., "mod", name] => Some((*name).to_owned()),
                _ => None,
            };
            out.push((start..open + 1, module));
            continue;
        }
        let mut depth = 0usize;
        let mut end = code.len();
        for (k, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((start..end, None));
    }
    out
}

/// Files that are all tests: `x/tests.rs` for a `#[cfg(test)] mod tests;` in `x/mod.rs`.
fn test_only_files(all: &[Source]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in all {
        // Where the file's child modules live: `x/mod.rs` and `x.rs` → `x/`, `lib.rs` → ``.
        let dir = if s.rel == "lib.rs" || s.rel == "main.rs" {
            String::new()
        } else if let Some(parent) = s.rel.strip_suffix("mod.rs") {
            parent.to_owned()
        } else {
            format!("{}/", s.rel.trim_end_matches(".rs"))
        };
        for (_, module) in test_items(&s.code) {
            if let Some(m) = module {
                out.insert(format!("{dir}{m}.rs"));
                out.insert(format!("{dir}{m}/mod.rs"));
            }
        }
    }
    out
}

/// `code` with its test items blanked (newlines kept, so positions keep their line), and the
/// number of line breaks inside test items (what they add to the file's length).
fn outside_tests(s: &Source) -> (String, usize) {
    let mut code = s.code.clone();
    let mut test_lines = 0;
    for r in &s.tests {
        let item = &s.code[r.clone()];
        test_lines += item.matches('\n').count();
        let blanked: String = item
            .chars()
            .flat_map(|c| {
                let width = if c == '\n' { 0 } else { c.len_utf8() };
                std::iter::repeat_n(' ', width).chain((c == '\n').then_some('\n'))
            })
            .collect();
        code.replace_range(r.clone(), &blanked);
    }
    (code, test_lines)
}

fn line_of(code: &str, at: usize) -> usize {
    code[..at].matches('\n').count() + 1
}

#[test]
fn every_file_opens_with_a_module_comment() {
    let mut paths = Vec::new();
    rust_files(&manifest_dir().join("src"), &mut paths);
    rust_files(&manifest_dir().join("tests"), &mut paths);
    assert!(paths.len() > 20, "only {} files found", paths.len());
    let missing: Vec<String> = paths
        .iter()
        .filter(|p| !std::fs::read_to_string(p).is_ok_and(|t| t.starts_with("//!")))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "must open with a `//!` comment (what it is, why it exists, what it must never do): {missing:?}"
    );
}

#[test]
fn no_module_unwraps_or_grows_past_400_lines_outside_tests() {
    let all = sources();
    let test_only = test_only_files(&all);
    assert!(
        test_only.contains("generator/tests.rs"),
        "the scan misses `#[cfg(test)] mod tests;`: {test_only:?}"
    );
    let mut problems = Vec::new();
    for s in all.iter().filter(|s| !test_only.contains(&s.rel)) {
        let (code, test_lines) = outside_tests(s);
        let lines = s.text.lines().count().saturating_sub(test_lines);
        if lines > MAX_LINES {
            problems.push(format!(
                "{}: {lines} lines outside tests (at most {MAX_LINES}): split it by concern",
                s.rel
            ));
        }
        for banned in BANNED {
            for (at, _) in code.match_indices(banned) {
                problems.push(format!(
                    "{}:{}: `{banned}` outside tests",
                    s.rel,
                    line_of(&code, at)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The top-level module a file belongs to (`generator/flows.rs` → `generator`); the root for
/// `lib.rs`; `None` for `main.rs` (the binary: it uses the library by its name, not `crate::`).
fn top_module(rel: &str) -> Option<String> {
    match rel {
        "lib.rs" => Some(ROOT.to_owned()),
        "main.rs" => None,
        _ => Some(
            rel.split('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".rs")
                .to_owned(),
        ),
    }
}

/// What `code` names right after each `crate::`: the first segment of each path, groups
/// (`crate::{a::B, C}`) included.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, prefix) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| is_ident(c) || c == ':' || c == '$') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        let items: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => {
                let mut depth = 1usize;
                let end = group
                    .char_indices()
                    .find(|&(_, c)| {
                        match c {
                            '{' => depth += 1,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(group.len(), |(k, _)| k);
                let mut items = Vec::new();
                let (mut depth, mut from) = (0usize, 0);
                for (k, c) in group[..end].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            items.push(&group[from..k]);
                            from = k + 1;
                        }
                        _ => {}
                    }
                }
                items.push(&group[from..end]);
                items
            }
            None => vec![rest],
        };
        for item in items {
            let first: String = item
                .trim_start()
                .chars()
                .take_while(|&c| is_ident(c))
                .collect();
            if !first.is_empty() {
                out.insert(first);
            }
        }
    }
    out
}

/// Edges between top-level modules (and the root, which declares and so depends on every one).
fn module_graph(all: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = all
        .iter()
        .filter_map(|s| top_module(&s.rel))
        .filter(|m| m != ROOT)
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in all {
        let Some(from) = top_module(&s.rel) else {
            continue;
        };
        for name in crate_paths(&s.code) {
            let to = if modules.contains(&name) {
                name
            } else {
                ROOT.to_owned()
            };
            if to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    edges.entry(ROOT.to_owned()).or_default().extend(modules);
    edges
}

/// Depth-first search for a cycle, returned as its path (first node repeated at the end).
fn cycle_in(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
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
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|m| visit(m, edges, &mut Vec::new(), &mut done))
}

#[test]
fn modules_import_each_other_in_one_direction_only() {
    let edges = module_graph(&sources());
    let count: usize = edges.values().map(BTreeSet::len).sum();
    assert!(count > 40, "the scan found only {count} imports: {edges:?}");
    assert!(
        edges.get("auth").is_some_and(|t| t.contains("error")),
        "the scan misses `use crate::…`: {edges:?}"
    );
    let pairs: Vec<String> = edges
        .iter()
        .flat_map(|(a, targets)| targets.iter().map(move |b| (a, b)))
        .filter(|(a, b)| a < b && edges.get(*b).is_some_and(|t| t.contains(*a)))
        .map(|(a, b)| format!("{a} ↔ {b}"))
        .collect();
    assert!(pairs.is_empty(), "modules import each other: {pairs:?}");
    let cycle = cycle_in(&edges);
    assert!(
        cycle.is_none(),
        "modules import each other around a cycle: {}",
        cycle.unwrap_or_default().join(" → ")
    );
}

/// The scanner itself: what it must and must not take for code.
#[test]
fn the_scan_sees_code_not_comments_literals_or_tests() {
    let text = r###"//! Doc that says .unwrap() and crate::web.
use crate::{state::AppState, framing::{frame, Framing}};
fn f<'a>(s: &'a str) -> char {
    let _ = "crate::stream .expect(";
    let _ = r#"a "quoted" crate::hub"#;
    let _ = b'\'';
    let _ = '{';
    /* crate::cors /* nested */ .unwrap() */
    s.chars().next().unwrap_or('x') // .unwrap()
}
#[cfg(test)]
mod tests {
    fn g() { let _ = Some(1).unwrap(); let _ = crate::seen::KEPT; }
}
#[cfg(test)]
mod more;
"###;
    let code = code_only(text);
    assert_eq!(code.len(), text.len());
    assert_eq!(code.lines().count(), text.lines().count());
    let items = test_items(&code);
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[1].1.as_deref(), Some("more"));
    let s = Source {
        rel: "x.rs".into(),
        text: text.into(),
        tests: items.into_iter().map(|(r, _)| r).collect(),
        code,
    };
    let (outside, test_lines) = outside_tests(&s);
    assert_eq!(test_lines, 4);
    for banned in BANNED {
        assert!(!outside.contains(banned), "{banned} found in {outside}");
    }
    assert!(s.code.contains(".unwrap()"), "test code is still scanned");
    let names: Vec<String> = crate_paths(&outside).into_iter().collect();
    assert_eq!(names, ["framing", "state"]);
    assert!(crate_paths(&s.code).contains("seen"));
}
