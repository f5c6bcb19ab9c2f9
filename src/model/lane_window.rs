//! Which lanes exist in the page: with many entities (an application with
//! thousands of devices) only the lanes near the visible part of the
//! timeline are drawn, between two spacers standing for the rest, so a lane
//! off screen costs nothing per event but its counters. The same for the
//! lane list beside the timeline (entries of one fixed height).
//!
//! A lane's height follows from what the model knows (collapsed or not, how
//! many rows it shows, rows of one height in a box of bounded height) and a
//! few sizes the page measures once ([`LaneSizes`]); only a lane with a
//! panel open (health, messages) counts with its own measured height. Heights
//! computed this way do not change when other lanes are drawn, so the window
//! cannot chase its own measurements.

/// Up to this many lanes, every lane is drawn (find-in-page and Tab reach
/// them all; the cost is small).
pub const ALL_UP_TO: usize = 40;
/// How many lanes are drawn before the first measurement.
pub const INITIAL_LANES: usize = 12;
/// How far (px) beyond the visible band lanes are drawn.
pub const OVERSCAN_PX: f64 = 900.0;
/// Entries of the lane list drawn beyond its visible part, on each side.
pub const LIST_OVERSCAN: usize = 20;
/// Entries of the lane list drawn before its first measurement.
pub const LIST_INITIAL: usize = 60;

/// Sizes of a lane's parts, measured on the page (CSS px).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaneSizes {
    /// A collapsed lane, with the gap after it.
    pub collapsed: f64,
    /// An expanded lane without its rows (header, borders, gap).
    pub chrome: f64,
    /// The most a lane's box of rows shows before it scrolls.
    pub body_max: f64,
}

impl Default for LaneSizes {
    fn default() -> Self {
        Self {
            collapsed: 48.0,
            chrome: 48.0,
            body_max: 352.0,
        }
    }
}

impl LaneSizes {
    /// The height of a lane showing `rows` rows of `row_h` px.
    pub fn height(&self, collapsed: bool, rows: usize, row_h: f64) -> f64 {
        if collapsed {
            self.collapsed
        } else {
            self.chrome + (rows as f64 * row_h).min(self.body_max)
        }
    }

    /// How many rows a lane draws before its box is measured: those a box
    /// scrolled to the top draws once measured (what fits in it and the
    /// overscan below), so the first measurement changes nothing.
    pub fn rows_in_box(&self, row_h: f64) -> usize {
        (self.body_max / row_h.max(1.0)) as usize + 1 + super::window::OVERSCAN
    }
}

/// The lanes drawn: `start..end` in listing order, and the heights (px) the
/// spacers before and after them stand for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaneWindow {
    pub start: usize,
    pub end: usize,
    pub above: f64,
    pub below: f64,
}

/// Places the window. `heights` is every lane's height (measured, or
/// estimated) in listing order; `band` the visible part of the timeline's
/// lane area, in px from its top (`None` before the first measurement).
pub fn place_lanes(heights: &[f64], band: Option<(f64, f64)>) -> LaneWindow {
    let n = heights.len();
    let total: f64 = heights.iter().sum();
    if n <= ALL_UP_TO {
        return LaneWindow {
            start: 0,
            end: n,
            above: 0.0,
            below: 0.0,
        };
    }
    let Some((from, to)) = band else {
        let end = INITIAL_LANES.min(n);
        let drawn: f64 = heights[..end].iter().sum();
        return LaneWindow {
            start: 0,
            end,
            above: 0.0,
            below: (total - drawn).max(0.0),
        };
    };
    let (from, to) = (from - OVERSCAN_PX, to + OVERSCAN_PX);
    let mut top = 0.0;
    let mut start = None;
    let mut above = 0.0;
    let mut end = n;
    for (i, h) in heights.iter().enumerate() {
        let bottom = top + h;
        if start.is_none() && bottom > from {
            start = Some(i);
            above = top;
        }
        if top > to {
            end = i;
            break;
        }
        top = bottom;
    }
    let start = start.unwrap_or(n).min(end);
    if start == end {
        // Scrolled past everything (the page is longer than the lanes): the last few.
        let start = n.saturating_sub(INITIAL_LANES);
        let above: f64 = heights[..start].iter().sum();
        return LaneWindow {
            start,
            end: n,
            above,
            below: 0.0,
        };
    }
    let drawn_to: f64 = above + heights[start..end].iter().sum::<f64>();
    LaneWindow {
        start,
        end,
        above,
        below: (total - drawn_to).max(0.0),
    }
}

/// The drawn lanes (indexes in `w.start..w.end`) lying more than `margin`
/// px outside the visible `band` of the lane area: such a lane, new in the
/// page, draws no rows until it is measured — a filter that brings twenty
/// gateway lanes draws the rows of the few in view, not of all twenty. None
/// before the first measurement.
pub fn far_lanes(
    heights: &[f64],
    w: &LaneWindow,
    band: Option<(f64, f64)>,
    margin: f64,
) -> Vec<usize> {
    let Some((from, to)) = band else {
        return Vec::new();
    };
    let mut top = w.above;
    let mut far = Vec::new();
    for (i, h) in heights.iter().enumerate().take(w.end).skip(w.start) {
        if top + h < from - margin || top > to + margin {
            far.push(i);
        }
        top += h;
    }
    far
}

/// A window that holds lane `index` (a jump to a lane not drawn): it and a
/// few after it, wherever the page is scrolled.
pub fn place_around(heights: &[f64], index: usize) -> LaneWindow {
    let n = heights.len();
    let start = index.min(n);
    let end = (start + INITIAL_LANES / 2).min(n);
    let above = lane_top(heights, start);
    let drawn: f64 = heights[start..end].iter().sum();
    LaneWindow {
        start,
        end,
        above,
        below: (heights.iter().sum::<f64>() - above - drawn).max(0.0),
    }
}

/// How far (px) from the top of the lane area lane `index` starts.
pub fn lane_top(heights: &[f64], index: usize) -> f64 {
    heights[..index.min(heights.len())].iter().sum()
}

/// The entries of the lane list to draw: `(start, end)` for a list of `n`
/// entries of height `item_h` scrolled to `scroll` with `visible` px showing
/// (`None` before the first measurement).
pub fn place_list(n: usize, item_h: f64, view: Option<(f64, f64)>) -> (usize, usize) {
    let Some((scroll, visible)) = view.filter(|_| item_h > 0.0) else {
        return (0, n.min(LIST_INITIAL));
    };
    let first = (scroll.max(0.0) / item_h) as usize;
    let shown = (visible.max(0.0) / item_h).ceil() as usize + 1;
    let start = first.saturating_sub(LIST_OVERSCAN).min(n);
    let end = (first + shown + LIST_OVERSCAN).min(n);
    (start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_lanes_are_all_drawn() {
        let w = place_lanes(&[400.0; ALL_UP_TO], Some((5_000.0, 5_800.0)));
        assert_eq!((w.start, w.end, w.above, w.below), (0, ALL_UP_TO, 0.0, 0.0));
    }

    #[test]
    fn lanes_far_from_the_band_are_named_so_they_draw_no_rows_yet() {
        let heights = [400.0; 10];
        let all = place_lanes(&heights, Some((1_000.0, 1_800.0)));
        // Lanes 0..10 at 0, 400, …; the band 1,000–1,800 with 900 px on each side: 100–2,700.
        assert_eq!(
            far_lanes(&heights, &all, Some((1_000.0, 1_800.0)), 900.0),
            vec![7, 8, 9]
        );
        assert!(far_lanes(&heights, &all, None, 900.0).is_empty());
        // A window further down counts from its own top.
        let w = LaneWindow {
            start: 5,
            end: 8,
            above: 2_000.0,
            below: 800.0,
        };
        assert_eq!(
            far_lanes(&heights, &w, Some((0.0, 500.0)), 100.0),
            vec![5, 6, 7]
        );
        assert_eq!(
            LaneSizes::default().rows_in_box(44.0),
            8 + 1 + super::super::window::OVERSCAN
        );
    }

    #[test]
    fn many_lanes_draw_only_what_is_near_the_band() {
        let heights = vec![100.0; 10_000];
        let w = place_lanes(&heights, Some((50_000.0, 50_800.0)));
        // 900 px of overscan on each side: lanes 491..=517.
        assert_eq!((w.start, w.end), (491, 518));
        assert_eq!(w.above, 49_100.0);
        assert_eq!(w.below, (10_000 - 518) as f64 * 100.0);
        assert_eq!(
            w.above + w.below + (w.end - w.start) as f64 * 100.0,
            1_000_000.0,
            "the spacers and the drawn lanes add up to the whole height"
        );
    }

    #[test]
    fn before_any_measurement_the_first_lanes_are_drawn() {
        let heights = vec![50.0; 1_000];
        let w = place_lanes(&heights, None);
        assert_eq!((w.start, w.end), (0, INITIAL_LANES));
        assert_eq!(w.below, (1_000 - INITIAL_LANES) as f64 * 50.0);
    }

    #[test]
    fn mixed_heights_and_a_band_above_the_lanes() {
        let mut heights = vec![40.0; 100];
        heights[1] = 2_000.0; // a lane with its health panel open
        let w = place_lanes(&heights, Some((-600.0, 200.0)));
        assert_eq!(w.start, 0);
        assert_eq!(w.end, 2, "the tall lane reaches past the overscan");
        assert_eq!(w.below, 98.0 * 40.0);
    }

    #[test]
    fn scrolled_past_the_end_draws_the_last_lanes() {
        let heights = vec![40.0; 100];
        let w = place_lanes(&heights, Some((90_000.0, 90_800.0)));
        assert_eq!((w.start, w.end), (100 - INITIAL_LANES, 100));
        assert_eq!(w.above, (100 - INITIAL_LANES) as f64 * 40.0);
    }

    #[test]
    fn a_lane_height_follows_its_rows_up_to_the_box() {
        let s = LaneSizes {
            collapsed: 40.0,
            chrome: 50.0,
            body_max: 352.0,
        };
        assert_eq!(s.height(true, 500, 44.0), 40.0);
        assert_eq!(s.height(false, 0, 44.0), 50.0);
        assert_eq!(s.height(false, 3, 44.0), 50.0 + 132.0);
        assert_eq!(s.height(false, 500, 44.0), 50.0 + 352.0);
    }

    #[test]
    fn a_jump_draws_its_lane_wherever_the_page_is() {
        let heights = vec![100.0; 1_000];
        let w = place_around(&heights, 700);
        assert_eq!((w.start, w.end), (700, 706));
        assert_eq!(w.above, 70_000.0);
        assert_eq!(w.below, 294.0 * 100.0);
        assert_eq!(place_around(&heights, 999).end, 1_000);
    }

    #[test]
    fn a_lane_top_is_the_sum_before_it() {
        assert_eq!(lane_top(&[10.0, 20.0, 30.0], 2), 30.0);
        assert_eq!(lane_top(&[10.0, 20.0, 30.0], 9), 60.0);
    }

    #[test]
    fn the_list_draws_its_visible_entries_and_overscan() {
        assert_eq!(place_list(10_000, 24.0, None), (0, LIST_INITIAL));
        assert_eq!(place_list(10, 24.0, None), (0, 10));
        let (start, end) = place_list(10_000, 24.0, Some((24_000.0, 240.0)));
        assert_eq!(
            (start, end),
            (1_000 - LIST_OVERSCAN, 1_000 + 11 + LIST_OVERSCAN)
        );
        assert_eq!(place_list(30, 24.0, Some((24_000.0, 240.0))), (30, 30));
        assert_eq!(place_list(30, 0.0, Some((0.0, 240.0))), (0, 30));
    }
}
