//! "Follow newest" where the page itself scrolls the timeline (the flat
//! view, one lane given the whole page), newest first: where the newest row
//! is against the sticky status and filter bar, whether it is out of view,
//! and where to scroll to show it.
//!
//! Why a module: the timeline begins with its connection markers (when the
//! stream started, each reconnect), and the newest row is below them. Up to
//! a third of the window of markers stays in view above it; taller markers
//! (folds opened after many reconnects) scroll under the bar, and the
//! newest row is what is kept in view. Plain numbers in CSS px, read from
//! the page by `ui::viewport`, decided here and tested natively.

/// How far (px) the newest events may be out of view before following stops.
pub const SLACK: f64 = 80.0;

/// The timeline's top against the sticky bar, which covers the window's
/// top once the page scrolls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimelineTop {
    /// The timeline's top in the window.
    pub top: f64,
    /// How far below the bar's bottom the timeline starts (negative: under
    /// the bar, or above the window).
    pub gap: f64,
    /// The bar's own height (where its bottom is once it has stuck).
    pub bar: f64,
    /// The window's height.
    pub window: f64,
    /// The window's height below the bar's bottom now.
    pub room: f64,
    /// How far below the timeline's top its rows start: the markers' height.
    pub markers: f64,
    /// A row's height, as last measured: how much of the rows' top is "the
    /// newest row".
    pub row: f64,
}

impl TimelineTop {
    /// Where following puts the timeline's top against the bar: right below
    /// it, unless what comes before the rows (the markers; in one lane given
    /// the whole page, its heading and any open panel) is taller than a third
    /// of the window under a stuck bar; then that much of it stays in view
    /// above the newest row and the rest is scrolled under the bar. The goal
    /// moves with the markers' height without a jump.
    fn goal_gap(&self) -> f64 {
        let shown = ((self.window - self.bar) / 3.0).max(0.0);
        -(self.markers - shown).max(0.0)
    }

    /// Whether the newest row is scrolled up under the bar by more than
    /// `slack`: the page is past where following puts it.
    pub fn past_newest(&self, slack: f64) -> bool {
        self.gap + self.markers < -slack
    }

    /// Whether the newest row (the rows' top and a row's height below it)
    /// is below the window's bottom by more than `slack`.
    pub fn below_window(&self, slack: f64) -> bool {
        let row = self.row.max(1.0);
        // At least a row's worth: a bar taller than the window leaves no room at all.
        let room = self.room.max(row);
        self.gap + self.markers > room - row + slack
    }

    /// Whether following should scroll: the timeline is more than `slack`
    /// from where following puts it towards the bar (markers that should
    /// show are under it), or the newest rows are below the window.
    pub fn newest_hidden(&self, slack: f64) -> bool {
        self.gap < self.goal_gap() - slack || self.below_window(slack)
    }

    /// The page's scroll position that puts the timeline where following
    /// wants it, given the position `now`.
    pub fn follow_y(&self, now: f64) -> f64 {
        (now + self.top - self.bar - self.goal_gap()).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stuck bar of 100 px in an 800 px window, the timeline `gap` below it.
    fn stuck(gap: f64, markers: f64) -> TimelineTop {
        TimelineTop {
            top: 100.0 + gap,
            gap,
            bar: 100.0,
            window: 800.0,
            room: 700.0,
            markers,
            row: 60.0,
        }
    }

    #[test]
    fn a_few_markers_stay_in_view_above_the_newest_row() {
        let at_top = stuck(0.0, 40.0);
        assert!(!at_top.newest_hidden(1.0));
        assert!(!at_top.past_newest(SLACK));
        assert_eq!(at_top.follow_y(500.0), 500.0);
        // Scrolled 40 px down: the markers are under the bar, so following
        // comes back, but the user has not left (the newest row still shows).
        let down = stuck(-40.0, 40.0);
        assert!(down.newest_hidden(1.0));
        assert!(!down.newest_hidden(SLACK));
        assert!(!down.past_newest(SLACK));
        assert_eq!(down.follow_y(540.0), 500.0);
        // Scrolled far enough that the newest row is under the bar: left.
        assert!(stuck(-130.0, 40.0).past_newest(SLACK));
    }

    #[test]
    fn many_markers_scroll_under_the_bar_and_the_newest_row_shows() {
        // A thousand reconnects opened: 20,000 px of markers above the rows.
        // A third of the 700 px under the bar stays for them.
        let markers = 20_000.0;
        let at_timeline_top = stuck(0.0, markers);
        assert!(
            at_timeline_top.newest_hidden(SLACK),
            "the newest row is 20,000 px below the window"
        );
        let y = at_timeline_top.follow_y(300.0);
        let under = markers - 700.0 / 3.0;
        assert!((y - (300.0 + under)).abs() < 1e-9);
        // There, the rows' top is a third down the room: in view, and not "left".
        let followed = stuck(-under, markers);
        assert!(!followed.newest_hidden(1.0));
        assert!(!followed.past_newest(SLACK));
        assert!((followed.follow_y(y) - y).abs() < 1e-9);
        // Scrolled further down until the newest row is under the bar: left.
        assert!(stuck(-markers - 100.0, markers).past_newest(SLACK));
        // Scrolled up 500 px (to the toolbar): the newest row below the window.
        assert!(stuck(-under + 500.0, markers).below_window(1.0));
        assert!(!followed.below_window(1.0));
    }

    #[test]
    fn the_goal_moves_with_the_markers_height_without_a_jump() {
        // Around the height where markers start to scroll under the bar, a
        // pixel more of them moves the page by about a pixel.
        let third = 700.0 / 3.0;
        for m in [third - 1.0, third, third + 1.0, third + 2.0] {
            let a = stuck(0.0, m).follow_y(1_000.0);
            let b = stuck(0.0, m + 1.0).follow_y(1_000.0);
            assert!((b - a).abs() <= 1.0 + 1e-9, "{m}: {a} → {b}");
        }
        assert_eq!(stuck(0.0, third - 1.0).follow_y(1_000.0), 1_000.0);
    }

    #[test]
    fn before_the_bar_sticks_the_window_below_the_form_counts() {
        // The page at its top: the form above, the timeline 900 px down a
        // window of 800: out of view, and following scrolls to it.
        let top = TimelineTop {
            top: 900.0,
            gap: 700.0,
            bar: 100.0,
            window: 800.0,
            room: 600.0,
            markers: 20.0,
            row: 60.0,
        };
        assert!(top.newest_hidden(1.0));
        assert_eq!(top.follow_y(0.0), 800.0);
        // A bar taller than the window still leaves a row's room.
        let tall = TimelineTop {
            room: -50.0,
            ..stuck(0.0, 0.0)
        };
        assert!(!tall.newest_hidden(1.0));
    }

    #[test]
    fn a_tall_row_counts_whole() {
        // A phone: rows of 99 px, the newest at 616 px in a 700 px window
        // (600 under a 100 px bar): 15 px of it cut off.
        let phone = TimelineTop {
            top: 596.0,
            gap: 496.0,
            bar: 100.0,
            window: 700.0,
            room: 600.0,
            markers: 20.0,
            row: 99.0,
        };
        assert!(phone.newest_hidden(1.0));
        assert!(!TimelineTop { row: 60.0, ..phone }.newest_hidden(1.0));
    }
}
