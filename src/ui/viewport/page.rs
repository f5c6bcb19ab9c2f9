//! Where the page's parts are, read from the DOM for following in the flat
//! view: the sticky status and filter bar, the timeline's top and the rows'
//! top below the connection markers (as `model::page_follow::TimelineTop`),
//! and the page's height.

use super::inner_height;
use crate::model::page_follow::TimelineTop;

fn sticky_bar(doc: &web_sys::Document) -> Option<web_sys::DomRect> {
    doc.query_selector(".sticky-head")
        .ok()
        .flatten()
        .map(|head| head.get_bounding_client_rect())
}

/// How far down the sticky status and filter bar reaches from the window's top.
pub(super) fn bar_bottom(doc: &web_sys::Document) -> f64 {
    sticky_bar(doc).map_or(0.0, |b| b.bottom().max(0.0))
}

/// The timeline's top, with `row` a row's height as last measured.
pub(super) fn timeline_top(
    doc: &web_sys::Document,
    window: &web_sys::Window,
    row: f64,
) -> Option<TimelineTop> {
    let top = doc
        .query_selector(".timeline")
        .ok()??
        .get_bounding_client_rect()
        .top();
    // The rows start after the connection markers (and, for one lane on
    // the whole page, its heading and any open panel): at the rows' list,
    // else (none drawn) at what follows the markers.
    let rows = doc
        .query_selector(".timeline ol.rows")
        .ok()
        .flatten()
        .or_else(|| {
            doc.query_selector(".timeline > .markers + *")
                .ok()
                .flatten()
        });
    let markers = rows.map_or(0.0, |r| r.get_bounding_client_rect().top() - top);
    let (bottom, bar) = sticky_bar(doc).map_or((0.0, 0.0), |b| (b.bottom().max(0.0), b.height()));
    let height = inner_height(window);
    Some(TimelineTop {
        top,
        gap: top - bottom,
        bar,
        window: height,
        room: height - bottom,
        markers: markers.max(0.0),
        row,
    })
}

pub(super) fn page_height(doc: &web_sys::Document) -> f64 {
    doc.document_element()
        .map_or(0.0, |e| f64::from(e.scroll_height()))
}
