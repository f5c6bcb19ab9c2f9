//! Build script: turns `data/event-definitions.tsv` (the 248 event names The
//! Things Stack defines) into a static, sorted table in `OUT_DIR`, so the
//! viewer can validate `names` and describe events without fetching anything.
//!
//! It must never reach the network or depend on anything but the TSV file; a
//! malformed TSV fails the build with a message naming the line.

use std::fmt::Write as _;
use std::{env, fs, path::PathBuf};

fn main() {
    let tsv_path = "data/event-definitions.tsv";
    println!("cargo:rerun-if-changed={tsv_path}");
    println!("cargo:rerun-if-changed=build.rs");
    let tsv =
        fs::read_to_string(tsv_path).unwrap_or_else(|e| panic!("cannot read {tsv_path}: {e}"));

    let mut rows: Vec<[String; 6]> = Vec::new();
    for (index, line) in tsv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 6 {
            panic!(
                "{tsv_path}:{}: expected 6 tab-separated columns, found {}",
                index + 1,
                cols.len()
            );
        }
        rows.push(std::array::from_fn(|i| cols[i].trim().to_owned()));
    }
    rows.sort_by(|a, b| a[0].cmp(&b[0]));
    rows.dedup_by(|a, b| a[0] == b[0]);

    let mut out =
        String::from("/// Every event definition of The Things Stack v3.32, sorted by name.\n");
    writeln!(
        out,
        "pub static EVENT_DEFINITIONS: [EventDefinition; {}] = [",
        rows.len()
    )
    .unwrap();
    for [name, description, rights, data_type, propagate, source] in &rows {
        let rights: Vec<String> = rights
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty() && *r != "-")
            .map(|r| format!("{r:?}"))
            .collect();
        let data_type = if data_type == "-" || data_type.is_empty() {
            "None".to_owned()
        } else {
            let short = data_type
                .strip_prefix("type.googleapis.com/")
                .unwrap_or(data_type);
            format!("Some({short:?})")
        };
        let propagate = match propagate.as_str() {
            "yes" => true,
            "no" => false,
            other => {
                panic!("{tsv_path}: propagate_to_parent of {name} is {other:?}, expected yes/no")
            }
        };
        writeln!(
            out,
            "    EventDefinition {{ name: {name:?}, description: {description:?}, visibility_rights: &[{}], data_type: {data_type}, propagate_to_parent: {propagate}, source_file: {source:?} }},",
            rights.join(", ")
        )
        .unwrap();
    }
    out.push_str("];\n");

    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("event_definitions.rs");
    fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}
