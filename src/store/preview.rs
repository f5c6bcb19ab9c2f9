//! [`RowPreview`]: what a row shows about an event, and what it means in
//! LoRaWAN terms ([`Fields`]), computed at most once per event — the first
//! time a row is drawn or a filter needs it ([`LazyRow`]) — and kept beside
//! it, so re-rendering and filtering never compute it again (the filter
//! searches the text and compares the fields). Ingest never parses `data`.

use std::sync::OnceLock;

use super::fields::Fields;
use crate::tts::{Event, Fact, Part, Preview};

/// An event's [`RowPreview`], computed the first time anything asks for it.
///
/// Held in place, not boxed: a filter pass reads 100,000 of them in turn, and
/// one more pointer to follow per event (a cache miss each) was about a
/// quarter of a text query's time natively; in place they are read in order. 20 bytes per event
/// in wasm until computed, 12 more than a box (40 natively, 24 more), and the
/// box's own allocation saved once computed.
#[derive(Debug, Default)]
pub struct LazyRow(OnceLock<RowPreview>);

impl LazyRow {
    /// Already computed (tests, and rows built elsewhere).
    pub fn ready(row: RowPreview) -> Self {
        LazyRow(OnceLock::from(row))
    }

    /// The preview of `event` (which must be the event this row belongs to).
    pub fn get(&self, event: &Event) -> &RowPreview {
        self.0.get_or_init(|| RowPreview::of(event))
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
/// all of them), so it is compact: one allocation holds where each fact's
/// parts are (a few ASCII bytes a fact) followed by the one search text the
/// facts are spans of — not strings of their own, nor a list of their own
/// (facts are made again, as strings, only for the rows drawn).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowPreview {
    /// The facts' layout (see [`Layout`]), then the text.
    buf: Box<str>,
    /// Where the text starts in `buf`.
    split: u32,
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
    pub part: Part,
}

/// The layout of a [`RowPreview`]'s facts, as ASCII (so it shares the text's
/// `str`): per fact a flags byte ([`STRONG`], [`HAS_FULL`], its [`Part`]: [`RADIO`] or [`AFTER`]), then the byte
/// lengths of its label, value and (with [`HAS_FULL`]) full value in the
/// text, each in 6-bit groups, low first, [`MORE`] set on all but the last.
/// Empty parts are not in the text; the others follow each other, one space
/// apart.
struct Layout;

const STRONG: u8 = 1;
const HAS_FULL: u8 = 2;
const RADIO: u8 = 4;
const AFTER: u8 = 8;
const MORE: u8 = 0x40;

impl Layout {
    /// How many bytes [`Layout::push_len`] writes for `len`.
    fn size(len: u32) -> usize {
        (32 - len.leading_zeros()).div_ceil(6).max(1) as usize
    }

    fn push_len(out: &mut String, mut len: u32) {
        loop {
            let low = (len & 0x3f) as u8;
            len >>= 6;
            if len == 0 {
                out.push(char::from(low));
                return;
            }
            out.push(char::from(low | MORE));
        }
    }

    /// The next length from `bytes` (0 when they end early: never, for a
    /// layout this module wrote).
    fn next_len(bytes: &mut std::slice::Iter<'_, u8>) -> u32 {
        let mut len = 0u32;
        for shift in (0..32).step_by(6) {
            let Some(&b) = bytes.next() else {
                break;
            };
            len |= u32::from(b & 0x3f).checked_shl(shift).unwrap_or(0);
            if b & MORE == 0 {
                break;
            }
        }
        len
    }
}

/// A fact's parts, in the order the text holds them (the full value only
/// when it has one).
fn fact_parts(f: &Fact) -> impl Iterator<Item = &str> {
    [
        Some(f.label.as_str()),
        Some(f.value.as_str()),
        f.full.as_deref(),
    ]
    .into_iter()
    .flatten()
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
    /// after the layout that says how long each is.
    fn from_parts(preview: &Preview, fields: Option<Box<Fields>>) -> Self {
        // Past 4 GiB a part is left out.
        let len = |part: &str| u32::try_from(part.len()).unwrap_or(0);
        // The exact size, so the buffer is never copied to shrink it.
        let layout: usize = preview
            .facts
            .iter()
            .map(|f| 1 + fact_parts(f).map(|p| Layout::size(len(p))).sum::<usize>())
            .sum();
        let (parts, bytes): (usize, usize) = preview
            .facts
            .iter()
            .flat_map(fact_parts)
            .filter(|p| len(p) > 0)
            .fold((0, 0), |(n, b), p| (n + 1, b + p.len()));
        let mut buf = String::with_capacity(layout + bytes + parts.saturating_sub(1));
        for f in &preview.facts {
            let flags = if f.strong { STRONG } else { 0 }
                | if f.full.is_some() { HAS_FULL } else { 0 }
                | match f.part {
                    Part::Lead => 0,
                    Part::Radio => RADIO,
                    Part::After => AFTER,
                };
            buf.push(char::from(flags));
            for part in fact_parts(f) {
                Layout::push_len(&mut buf, len(part));
            }
        }
        let split = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        for part in preview.facts.iter().flat_map(fact_parts) {
            if len(part) > 0 {
                if buf.len() > split as usize {
                    buf.push(' ');
                }
                buf.push_str(part);
            }
        }
        debug_assert_eq!(buf.len(), buf.capacity(), "the size computed above");
        RowPreview {
            buf: buf.into_boxed_str(),
            split,
            fields,
        }
    }

    /// The facts the row shows, in order, borrowed from the text.
    pub fn facts(&self) -> impl Iterator<Item = FactRef<'_>> + '_ {
        let (layout, text) = self.parts();
        let mut bytes = layout.as_bytes().iter();
        let mut at = 0;
        let mut next = move |len: u32| -> &str {
            if len == 0 {
                return "";
            }
            let start = if at == 0 { 0 } else { at + 1 };
            at = start + len as usize;
            text.get(start..at).unwrap_or_default()
        };
        std::iter::from_fn(move || {
            let flags = *bytes.next()?;
            let label = next(Layout::next_len(&mut bytes));
            let value = next(Layout::next_len(&mut bytes));
            let full = (flags & HAS_FULL != 0).then(|| next(Layout::next_len(&mut bytes)));
            Some(FactRef {
                label,
                value,
                full,
                strong: flags & STRONG != 0,
                part: if flags & RADIO != 0 {
                    Part::Radio
                } else if flags & AFTER != 0 {
                    Part::After
                } else {
                    Part::Lead
                },
            })
        })
    }

    /// The layout and the text.
    fn parts(&self) -> (&str, &str) {
        let split = (self.split as usize).min(self.buf.len());
        // The layout is ASCII, so `split` is on a character boundary.
        (
            self.buf.get(..split).unwrap_or_default(),
            self.buf.get(split..).unwrap_or_default(),
        )
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
                part: f.part,
            })
            .collect();
        Preview { facts }
    }

    /// All the text the row shows (what the filter searches).
    pub fn text(&self) -> &str {
        self.parts().1
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
            buf: text.into(),
            split: 0,
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
            part: Part::Lead,
        };
        let preview = Preview {
            facts: vec![
                fact("FCnt", "1843", None, true),
                fact("", "SF9BW125", None, false),
                fact("Payload", "01 02 …", Some("01 02 03 04"), false),
                fact("note", "", Some(""), false),
                fact("Émoji", "✓ ok", None, false),
                Fact {
                    part: Part::Radio,
                    ..fact("RSSI", "-97 dBm", None, false)
                },
                Fact {
                    part: Part::After,
                    ..fact("", "2 gateways", None, false)
                },
            ],
        };
        let row = RowPreview::from_parts(&preview, None);
        assert_eq!(row.preview(), preview);
        assert_eq!(row.text(), preview.text());
        assert_eq!(
            row.text(),
            "FCnt 1843 SF9BW125 Payload 01 02 … 01 02 03 04 note Émoji ✓ ok RSSI -97 dBm 2 gateways"
        );
        assert_eq!(RowPreview::default().preview(), Preview::default());
    }

    #[test]
    fn long_parts_and_many_facts_keep_their_lengths() {
        let long = "ab".repeat(70_000);
        let preview = Preview {
            facts: (0..300)
                .map(|i| Fact {
                    label: "x".repeat(i % 70),
                    value: if i == 7 {
                        long.clone()
                    } else {
                        format!("v{i}")
                    },
                    full: (i % 3 == 0).then(|| "é".repeat(i)),
                    strong: i % 2 == 1,
                    part: [Part::Lead, Part::Radio, Part::After][i % 3],
                })
                .collect(),
        };
        let row = RowPreview::from_parts(&preview, None);
        assert_eq!(row.preview(), preview);
        assert_eq!(row.text(), preview.text());
        for len in [0, 1, 63, 64, 4095, 4096, 1 << 24, u32::MAX] {
            let mut out = String::new();
            Layout::push_len(&mut out, len);
            assert_eq!(out.len(), Layout::size(len), "{len}");
            assert_eq!(Layout::next_len(&mut out.as_bytes().iter()), len);
        }
    }
}
