//! The shape of a predicate term: `key<op>value` with a key that starts
//! with a letter, the field a key names, and when a term that names no
//! field is an error (`foo<3`, `bar:5`, a near-miss like `fcount:7`) or
//! stays text (`gs:uplink`, `as:up:01J…`, base64 ending in `=`).
//!
//! Why: a typo must not silently turn into a text search that finds
//! nothing; a correlation ID or a payload snippet must still be searchable.

use super::values::{number, Numeric};

/// Every field name a predicate may use, for error messages.
pub const KNOWN: &str = "rssi, snr, any-rssi, any-snr, sf, dr, freq, fport, fcnt, gw, devaddr, deveui, confirmed, problem, name, kind, corr";

/// Names (and spellings) of the fields; `None` for the filter's own prefixes.
pub fn field(key: &str) -> Option<Option<Field>> {
    Some(Some(match key {
        "rssi" => Field::Num(Numeric::Rssi),
        "snr" => Field::Num(Numeric::Snr),
        "any-rssi" | "any_rssi" => Field::Num(Numeric::AnyRssi),
        "any-snr" | "any_snr" => Field::Num(Numeric::AnySnr),
        "sf" => Field::Num(Numeric::Sf),
        "dr" => Field::Num(Numeric::Dr),
        "freq" | "frequency" => Field::Num(Numeric::Freq),
        "fport" | "f_port" => Field::Num(Numeric::FPort),
        "fcnt" | "f_cnt" => Field::Num(Numeric::FCnt),
        "gw" | "gateway" => Field::Gateway,
        "devaddr" | "dev_addr" => Field::DevAddr,
        "deveui" | "dev_eui" => Field::DevEui,
        "confirmed" | "problem" => Field::Flag,
        "name" | "kind" | "corr" => return Some(None),
        _ => return None,
    }))
}

#[derive(Debug, Clone, Copy)]
pub enum Field {
    Num(Numeric),
    Gateway,
    DevAddr,
    DevEui,
    Flag,
}

/// A comparison operator; `:` is `=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Colon,
}

/// Whether `next` continues the term `prev` began, typed with spaces
/// (`rssi < -100`, `fport : 2`, `gw = rooftop-gw-01`, `kind : device`):
/// `prev` is a field or keyword the filter knows (or that and its
/// operator) and one of the two holds the operator at their seam. The
/// joined term then matches, or says what is wrong with it; three words
/// would search for text and silently show nothing.
pub fn continues_comparison(prev: &str, next: &str) -> bool {
    const OPS: [char; 4] = ['<', '>', '=', ':'];
    let key = prev.trim_start_matches('-').trim_end_matches(OPS);
    field(&key.to_ascii_lowercase()).is_some() && (prev.ends_with(OPS) || next.starts_with(OPS))
}

/// `key`, operator and value of a term shaped like `word<op>value`, where
/// `word` starts with a letter and holds letters, digits, `-` and `_`.
pub fn split(word: &str) -> Option<(&str, Op, &str)> {
    let at = word.find(['<', '>', '=', ':'])?;
    let (key, rest) = word.split_at(at);
    let mut chars = key.chars();
    let keyish = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !keyish {
        return None;
    }
    let (op, value) = [
        ("<=", Op::Le),
        (">=", Op::Ge),
        ("<", Op::Lt),
        (">", Op::Gt),
        ("=", Op::Eq),
        (":", Op::Colon),
    ]
    .into_iter()
    .find_map(|(s, op)| rest.strip_prefix(s).map(|v| (op, v)))?;
    Some((key, op, value))
}

/// The error for a field nobody knows — or `Ok(())` when the term is
/// better read as text: `gs:uplink`, `as:up:01J…`, base64 ending in `=`.
///
/// # Errors
/// A sentence naming the key, a near-miss field, every field, and quoting.
pub fn unknown(word: &str, key: &str, op: Op, value: &str) -> Result<(), String> {
    let predicate_like = match op {
        Op::Colon => looks_numeric(value) || near_miss(key).is_some(),
        Op::Eq => !value.is_empty() && !value.starts_with('='),
        _ => true,
    };
    if !predicate_like {
        return Ok(());
    }
    let hint = near_miss(key)
        .map(|f| format!(" (did you mean {f}?)"))
        .unwrap_or_default();
    Err(format!(
        "“{word}”: {key} is not a field{hint}. Fields: {KNOWN}. To search for the text itself, put it in quotes: \"{word}\""
    ))
}

/// A value like `3`, `-1.5`, `100..200`, `>5`.
fn looks_numeric(value: &str) -> bool {
    let value = value.trim_start_matches(['<', '>', '=']);
    let (a, b) = value.split_once("..").unwrap_or((value, "0"));
    number(a).is_some() && (b.is_empty() || number(b).is_some())
}

/// A known field one edit away from `key` of 4 letters or more, or two
/// from one of 5 or more (`gs`, `as` and `ns` start correlation IDs, not typos).
fn near_miss(key: &str) -> Option<&'static str> {
    const FIELDS: [&str; 13] = [
        "rssi",
        "any-rssi",
        "any-snr",
        "freq",
        "fport",
        "fcnt",
        "devaddr",
        "deveui",
        "confirmed",
        "problem",
        "name",
        "kind",
        "corr",
    ];
    if key.len() < 4 {
        return None;
    }
    let most = if key.len() >= 5 { 2 } else { 1 };
    FIELDS.into_iter().find(|f| edits(key, f) <= most)
}

/// Levenshtein distance (short ASCII words).
fn edits(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}
