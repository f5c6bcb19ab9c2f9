//! The lanes view's reads for one measured frame: the lane area's band and
//! the sizes of a lane's parts, and the lane list's scroll position.

use wasm_bindgen::JsCast;

/// The lane area's visible band and width, the smallest sizes of a lane's
/// parts seen in this frame, and the heights of lanes with a panel open.
pub struct LaneReads {
    pub band: Option<(f64, f64)>,
    pub width: f64,
    pub collapsed: Option<f64>,
    pub chrome: Option<f64>,
    pub body_max: Option<f64>,
    pub panels: Vec<(String, f64)>,
}

/// The elements under `parent` that match `selector`.
pub fn elements(parent: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let Ok(all) = parent.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok())
        .collect()
}

fn smaller(a: Option<f64>, b: f64) -> Option<f64> {
    Some(a.map_or(b, |a| a.min(b)))
}

pub fn measure_lanes(window: &web_sys::Window, doc: &web_sys::Document, height: f64) -> LaneReads {
    let mut reads = LaneReads {
        band: None,
        width: 0.0,
        collapsed: None,
        chrome: None,
        body_max: None,
        panels: Vec::new(),
    };
    let Some(area) = doc.query_selector(".lanes").ok().flatten() else {
        return reads;
    };
    let rect = area.get_bounding_client_rect();
    reads.band = Some((-rect.top(), height - rect.top()));
    reads.width = rect.width();
    for lane in elements(&area, ":scope > section.lane") {
        // To the next element's top: the lane with the gap after it.
        let Some(next) = lane.next_element_sibling() else {
            continue;
        };
        let h = next.get_bounding_client_rect().top() - lane.get_bounding_client_rect().top();
        if h <= 0.0 {
            continue;
        }
        if lane
            .query_selector(".health, .messages")
            .ok()
            .flatten()
            .is_some()
        {
            let key = lane.get_attribute("data-lane-key").unwrap_or_default();
            reads.panels.push((key, h));
            continue;
        }
        match lane.query_selector(":scope > .lane-body").ok().flatten() {
            Some(body) => {
                let body_h = body.get_bounding_client_rect().height();
                reads.chrome = smaller(reads.chrome, h - body_h);
                if reads.body_max.is_none() {
                    reads.body_max = window
                        .get_computed_style(&body)
                        .ok()
                        .flatten()
                        .and_then(|s| s.get_property_value("max-height").ok())
                        .and_then(|v| v.strip_suffix("px")?.parse::<f64>().ok());
                }
            }
            None => reads.collapsed = smaller(reads.collapsed, h),
        }
    }
    reads
}

/// The lane list's (scroll offset, visible height, entry height).
pub fn measure_list(doc: &web_sys::Document) -> Option<(f64, f64, Option<f64>)> {
    let list = doc.query_selector(".lane-list ul").ok().flatten()?;
    let entries = elements(&list, ":scope > li.lane-entry");
    let item_h = match entries.as_slice() {
        [a, b, ..] => Some(b.get_bounding_client_rect().top() - a.get_bounding_client_rect().top()),
        _ => None,
    }
    .filter(|h| *h > 0.0);
    Some((
        f64::from(list.scroll_top()),
        f64::from(list.client_height()),
        item_h,
    ))
}
