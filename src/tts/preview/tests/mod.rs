//! Tests of the row previews: every example event (`examples`), every data
//! type of the catalogue (`every_type`), and odd input (`odd`).

use super::{Fact, Preview};
use crate::tts::Event;

mod every_type;
mod examples;
mod odd;
mod samples;

/// The example events, parsed.
pub fn examples() -> Vec<Event> {
    include_str!("../../../../data/example-events.jsonl")
        .lines()
        .map(|l| Event::from_json(l.as_bytes()).unwrap_or_else(|e| panic!("example parses: {e}")))
        .collect()
}

/// The `nth` example event called `name` (0 = the first).
pub fn example(name: &str, nth: usize) -> Event {
    examples()
        .into_iter()
        .filter(|e| e.name == name)
        .nth(nth)
        .unwrap_or_else(|| panic!("no example {name} #{nth}"))
}

/// The preview of the `nth` example called `name`.
pub fn preview(name: &str, nth: usize) -> Preview {
    Preview::of(&example(name, nth))
}

/// A row as a reader sees it: `label value` pairs, strong ones in `*…*`.
pub fn row(p: &Preview) -> String {
    p.facts
        .iter()
        .map(|f: &Fact| {
            let text = if f.label.is_empty() {
                f.value.clone()
            } else {
                format!("{} {}", f.label, f.value)
            };
            if f.strong {
                format!("*{text}*")
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The value of the fact labelled `label`, if any.
pub fn value<'a>(p: &'a Preview, label: &str) -> Option<&'a str> {
    p.facts
        .iter()
        .find(|f| f.label == label)
        .map(|f| f.value.as_str())
}

/// Whether a fact has this exact value (any label).
pub fn shows(p: &Preview, value: &str) -> bool {
    p.facts.iter().any(|f| f.value == value)
}

/// Every text of a preview, `full` included (what could ever reach a screen).
pub fn everything(p: &Preview) -> String {
    p.facts
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.label,
                f.value,
                f.full.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A row's line on hover: every fact, labelled, values in full.
#[test]
fn the_whole_line_has_every_fact_in_full() {
    let fact = |label: &str, value: &str, full: Option<&str>| Fact {
        label: label.into(),
        value: value.into(),
        full: full.map(Into::into),
        strong: false,
        part: crate::tts::preview::Part::Lead,
    };
    let facts = [
        fact("FCnt", "42", None),
        fact("payload", "{\"t\":21.5,…", Some("{\"t\":21.5,\"h\":40}")),
        fact("", "SF7BW125", None),
        fact("RSSI", "-97 dBm", None),
    ];
    assert_eq!(
        Preview::line_of(&facts),
        "FCnt 42 · payload {\"t\":21.5,\"h\":40} · SF7BW125 · RSSI -97 dBm"
    );
    assert_eq!(Preview::line_of(&[]), "");
}
