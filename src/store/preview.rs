//! [`RowPreview`]: what a row shows about an event, and what it means in
//! LoRaWAN terms ([`Fields`]), computed at most once per event — the first
//! time a row is drawn or a filter needs it ([`LazyRow`]) — and kept beside
//! it, so re-rendering and filtering never compute it again (the filter
//! searches the text and compares the fields). Ingest never parses `data`.

use std::sync::OnceLock;

use super::fields::Fields;
use crate::tts::{Event, Fact, Preview};

/// An event's [`RowPreview`], computed the first time anything asks for it
/// (boxed: 16 bytes per event until then).
#[derive(Debug, Default)]
pub struct LazyRow(OnceLock<Box<RowPreview>>);

impl LazyRow {
    /// Already computed (tests, and rows built elsewhere).
    pub fn ready(row: RowPreview) -> Self {
        LazyRow(OnceLock::from(Box::new(row)))
    }

    /// The preview of `event` (which must be the event this row belongs to).
    pub fn get(&self, event: &Event) -> &RowPreview {
        self.0.get_or_init(|| Box::new(RowPreview::of(event)))
    }

    /// Whether it has been computed.
    #[cfg(test)]
    pub fn is_ready(&self) -> bool {
        self.0.get().is_some()
    }
}

/// What a row shows, its text for searching, and its fields for predicates.
///
/// Kept for every event a row or a filter has needed (and, in idle time, for
/// all of them), so it is compact: the facts are spans into the one search
/// text, not strings of their own (about half the bytes; facts are made
/// again, as strings, only for the rows drawn).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowPreview {
    /// All the text the row shows, as [`Preview::text`] joins it.
    text: Box<str>,
    /// Where each fact's parts are in `text`.
    facts: Box<[Spans]>,
    /// Absent when the event carries none of the fields (8 bytes then).
    fields: Option<Box<Fields>>,
}

/// One fact of a [`RowPreview`], borrowed (see [`crate::tts::Fact`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactRef<'a> {
    pub label: &'a str,
    pub value: &'a str,
    pub full: Option<&'a str>,
    pub strong: bool,
}

/// One fact, as the lengths of its parts in [`RowPreview::text`] (empty
/// parts are not in the text; the others follow each other, one space apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spans {
    /// Label, value, full value.
    lens: [u32; 3],
    has_full: bool,
    strong: bool,
}

impl RowPreview {
    /// The preview of `event` (parses its `data` once, for both).
    pub fn of(event: &Event) -> Self {
        let data = event.data.as_ref().and_then(|d| d.to_value().ok());
        let preview = Preview::of_data(event, data.as_ref());
        let fields = Fields::of(event, data.as_ref());
        Self::from_parts(&preview, fields)
    }

    /// Joins the facts' non-empty parts with spaces (as [`Preview::text`]),
    /// noting how long each is.
    fn from_parts(preview: &Preview, fields: Option<Box<Fields>>) -> Self {
        let mut text = String::new();
        let mut add = |part: &str| -> u32 {
            let Ok(len) = u32::try_from(part.len()) else {
                return 0; // past 4 GiB: left out
            };
            if len > 0 {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(part);
            }
            len
        };
        let facts = preview
            .facts
            .iter()
            .map(|f| Spans {
                lens: [
                    add(&f.label),
                    add(&f.value),
                    f.full.as_deref().map_or(0, &mut add),
                ],
                has_full: f.full.is_some(),
                strong: f.strong,
            })
            .collect();
        RowPreview {
            text: text.into_boxed_str(),
            facts,
            fields,
        }
    }

    /// The facts the row shows, in order, borrowed from the text.
    pub fn facts(&self) -> impl Iterator<Item = FactRef<'_>> + '_ {
        let mut at = 0;
        let mut next = move |len: u32| -> &str {
            if len == 0 {
                return "";
            }
            let start = if at == 0 { 0 } else { at + 1 };
            at = start + len as usize;
            self.text.get(start..at).unwrap_or_default()
        };
        self.facts.iter().map(move |s| {
            let [label, value, full] = s.lens;
            FactRef {
                label: next(label),
                value: next(value),
                full: s.has_full.then(|| next(full)),
                strong: s.strong,
            }
        })
    }

    /// The facts as strings of their own (for a drawn row).
    pub fn preview(&self) -> Preview {
        let facts = self
            .facts()
            .map(|f| Fact {
                label: f.label.to_owned(),
                value: f.value.to_owned(),
                full: f.full.map(str::to_owned),
                strong: f.strong,
            })
            .collect();
        Preview { facts }
    }

    /// All the text the row shows (what the filter searches).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The event's LoRaWAN fields (what the filter's predicates compare), if it has any.
    pub fn fields(&self) -> Option<&Fields> {
        self.fields.as_deref()
    }
}

#[cfg(test)]
impl RowPreview {
    /// The row of `event`, but showing `text` (for the filter's tests).
    pub(crate) fn showing(event: &Event, text: &str) -> Self {
        RowPreview {
            text: text.into(),
            facts: Box::default(),
            ..Self::of(event)
        }
    }
}

#[cfg(test)]
mod compact_tests {
    use super::*;

    #[test]
    fn the_facts_come_back_as_they_were_and_the_text_is_the_previews() {
        let fact = |label: &str, value: &str, full: Option<&str>, strong| Fact {
            label: label.into(),
            value: value.into(),
            full: full.map(Into::into),
            strong,
        };
        let preview = Preview {
            facts: vec![
                fact("FCnt", "1843", None, true),
                fact("", "SF9BW125", None, false),
                fact("Payload", "01 02 …", Some("01 02 03 04"), false),
                fact("note", "", Some(""), false),
                fact("Émoji", "✓ ok", None, false),
            ],
        };
        let row = RowPreview::from_parts(&preview, None);
        assert_eq!(row.preview(), preview);
        assert_eq!(row.text(), preview.text());
        assert_eq!(
            row.text(),
            "FCnt 1843 SF9BW125 Payload 01 02 … 01 02 03 04 note Émoji ✓ ok"
        );
        assert_eq!(RowPreview::default().preview(), Preview::default());
    }
}
