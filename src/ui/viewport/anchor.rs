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
    /// The key of the row's list and the order it was in: after a switch
    /// to another view or order the same event is elsewhere on purpose.
    list: Option<String>,
    newest_first: bool,
    top: f64,
    scroll_y: f64,
}

fn list_of(row: &web_sys::Element) -> Option<String> {
    row.closest("ol.rows").ok()??.get_attribute("data-lane")
}

fn rows(doc: &web_sys::Document) -> Vec<web_sys::Element> {
    doc.document_element()
        .map(|root| super::lanes::elements(&root, ".timeline .event-row"))
        .unwrap_or_default()
}

/// The first row reaching into the window (under the sticky toolbar, as the
/// browser's own anchoring would pick): its top stays where it is even when
/// it opens (its JSON tree grows below it). [`Found::Nothing`] when there are
/// no rows, or when their list starts below the sticky bar's bottom
/// (`covered` px from the window's top) — the reader is above the rows (a
/// narrow screen's form, a lane's header or panel), and what changes there
/// must not move the page. In the flat view only the connection markers are
/// above the rows: there the timeline's top counts, which following the
/// newest leaves right at the bar's bottom.
/// (Picking the row under the toolbar's bottom edge instead let rows move in
/// 6 of 14 e2e runs, against none in 20 with this one: a late event landing
/// by time just below the anchor moves the rows under it.)
/// [`Found::Undrawn`] when rows are drawn but none of them in the window: the
/// page jumped (a scrollbar drag, End) and the list has not drawn the new
/// place's rows yet.
pub fn find(
    window: &web_sys::Window,
    doc: &web_sys::Document,
    newest_first: bool,
    covered: f64,
) -> Found {
    let drawn = rows(doc);
    if drawn.is_empty() {
        return Found::Nothing;
    }
    let height = super::inner_height(window);
    let Some((row, rect)) = drawn
        .into_iter()
        .map(|r| {
            let rect = r.get_bounding_client_rect();
            (r, rect)
        })
        .find(|(_, rect)| rect.bottom() > 0.0 && rect.top() < height)
    else {
        // Rows only below the window with the timeline starting there too:
        // the reader is above the rows, not after a jump.
        let above = doc
            .query_selector(".timeline")
            .ok()
            .flatten()
            .is_some_and(|t| t.get_bounding_client_rect().top() > covered + 1.0);
        return if above {
            Found::Nothing
        } else {
            Found::Undrawn
        };
    };
    found(window, doc, newest_first, covered, row, &rect).map_or(Found::Nothing, Found::At)
}

/// What [`find`] found to keep in place.
pub enum Found {
    At(Anchor),
    /// No rows, or the reader is above them.
    Nothing,
    /// Rows, but none drawn in the window yet.
    Undrawn,
}

fn found(
    window: &web_sys::Window,
    doc: &web_sys::Document,
    newest_first: bool,
    covered: f64,
    row: web_sys::Element,
    rect: &web_sys::DomRect,
) -> Option<Anchor> {
    let list = row.closest("ol.rows").ok()??;
    let flat = list
        .get_attribute("data-lane")
        .is_none_or(|key| key.is_empty());
    let start = match doc.query_selector(".timeline").ok().flatten() {
        Some(timeline) if flat => timeline.get_bounding_client_rect().top(),
        _ => list.get_bounding_client_rect().top(),
    };
    if start > covered + 1.0 {
        return None;
    }
    Some(Anchor {
        seq: row.get_attribute("data-seq")?,
        list: list.get_attribute("data-lane"),
        newest_first,
        top: rect.top(),
        scroll_y: window.scroll_y().ok()?,
    })
}

/// Scrolls by how far the anchor's row moved since it was noted, less what
/// the page was scrolled meanwhile (by the user). Nothing if it is gone.
pub fn restore(
    anchor: &Anchor,
    window: &web_sys::Window,
    doc: &web_sys::Document,
    newest_first: bool,
) {
    if anchor.newest_first != newest_first {
        return;
    }
    // `seq` is a number this page wrote into `data-seq`.
    let selector = format!(".timeline .event-row[data-seq='{}']", anchor.seq);
    let Some(row) = doc
        .query_selector(&selector)
        .ok()
        .flatten()
        .filter(|r| list_of(r) == anchor.list)
    else {
        return;
    };
    let scrolled = window.scroll_y().unwrap_or(anchor.scroll_y) - anchor.scroll_y;
    let moved = row.get_bounding_client_rect().top() - (anchor.top - scrolled);
    if moved.abs() >= 0.5 {
        window.scroll_by_with_x_and_y(0.0, moved);
    }
}
