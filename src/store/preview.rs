//! [`RowPreview`]: what a row shows about an event, computed once when the
//! event arrives and kept beside it, so re-rendering and filtering never
//! compute it again (the filter searches its text too).

use crate::tts::{Event, Preview};

/// What a row shows, and its text for searching.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowPreview {
    preview: Preview,
    text: Box<str>,
}

impl RowPreview {
    /// The preview of `event` (reads its `data` once).
    pub fn of(event: &Event) -> Self {
        let preview = Preview::of(event);
        let text = preview.text().into_boxed_str();
        RowPreview { preview, text }
    }

    /// The facts the row shows, in order.
    pub fn preview(&self) -> &Preview {
        &self.preview
    }

    /// All the text the row shows (what the filter searches).
    pub fn text(&self) -> &str {
        &self.text
    }
}
