//! [`RowPreview`]: what a row shows about an event, and what it means in
//! LoRaWAN terms ([`Fields`]), computed at most once per event — the first
//! time a row is drawn or a filter needs it ([`LazyRow`]) — and kept beside
//! it, so re-rendering and filtering never compute it again (the filter
//! searches the text and compares the fields). Ingest never parses `data`.

use std::sync::OnceLock;

use super::fields::Fields;
use crate::tts::{Event, Preview};

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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowPreview {
    preview: Preview,
    text: Box<str>,
    /// Absent when the event carries none of the fields (8 bytes then).
    fields: Option<Box<Fields>>,
}

impl RowPreview {
    /// The preview of `event` (parses its `data` once, for both).
    pub fn of(event: &Event) -> Self {
        let data = event.data.as_ref().and_then(|d| d.to_value().ok());
        let preview = Preview::of_data(event, data.as_ref());
        let fields = Fields::of(event, data.as_ref());
        let text = preview.text().into_boxed_str();
        RowPreview {
            preview,
            text,
            fields,
        }
    }

    /// The facts the row shows, in order.
    pub fn preview(&self) -> &Preview {
        &self.preview
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
            ..Self::of(event)
        }
    }
}
