//! Keeps what the user reads in place while rows arrive above it, where the
//! page itself scrolls the timeline (the flat view, one lane on the whole
//! page) and follow is off.
//!
//! The browser's scroll anchoring is off there and this does its work: each
//! measured frame notes the row at the top of the window and where it was,
//! and the next one scrolls by however far that row moved other than by a
//! scroll. Chrome's anchoring missed now and then (rows inserted right after
//! follow was turned off moved the page by as many rows), and Safari has none.

/// The row at the top of the window when a frame was measured.
#[derive(Debug, Clone)]
pub struct Anchor {
    seq: String,
    top: f64,
    scroll_y: f64,
}

fn rows(doc: &web_sys::Document) -> Vec<web_sys::Element> {
    doc.document_element()
        .map(|root| super::lanes::elements(&root, ".timeline .event-row"))
        .unwrap_or_default()
}

/// The first row reaching into the window: its top stays where it is even
/// when it opens (its JSON tree grows below it).
pub fn find(window: &web_sys::Window, doc: &web_sys::Document) -> Option<Anchor> {
    let row = rows(doc)
        .into_iter()
        .find(|r| r.get_bounding_client_rect().bottom() > 0.0)?;
    Some(Anchor {
        seq: row.get_attribute("data-seq")?,
        top: row.get_bounding_client_rect().top(),
        scroll_y: window.scroll_y().ok()?,
    })
}

/// Scrolls by how far the anchor's row moved since it was noted, less what
/// the page was scrolled meanwhile (by the user). Nothing if it is gone.
pub fn restore(anchor: &Anchor, window: &web_sys::Window, doc: &web_sys::Document) {
    let selector = format!(".timeline .event-row[data-seq='{}']", anchor.seq);
    let Some(row) = doc.query_selector(&selector).ok().flatten() else {
        return;
    };
    let scrolled = window.scroll_y().unwrap_or(anchor.scroll_y) - anchor.scroll_y;
    let moved = row.get_bounding_client_rect().top() - (anchor.top - scrolled);
    if moved.abs() >= 0.5 {
        window.scroll_by_with_x_and_y(0.0, moved);
    }
}
