//! How the timeline is shown — grouping, order, time zone, follow, the open
//! event, collapsed lanes, the filter — and the view a link carries.
//!
//! The filter is applied as typed: a query that parses replaces the store's
//! filter; one that does not keeps the text and says why. A link restores
//! all of this ([`Model::apply_view`]) and [`Model::view_state`] is what
//! Copy link writes: the request last connected to, with these settings.

use super::Model;
use crate::share::ViewState;
use crate::store::Filter;

/// How the timeline is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewSettings {
    pub utc: bool,
    /// Rows show the time since the previous event of their list (`+120 ms`).
    pub relative: bool,
    pub newest_first: bool,
    pub flat: bool,
    pub follow: bool,
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            utc: true,
            relative: false,
            newest_first: true,
            flat: false,
            follow: true,
        }
    }
}

/// The key of a row: the event's `unique_id` (or its position if it has none).
pub fn row_key(at: crate::store::Seq, event: &crate::tts::Event) -> String {
    if event.unique_id.is_empty() {
        format!("#{at}")
    } else {
        event.unique_id.to_string()
    }
}

impl Model {
    /// Opens the event at `at` (its JSON), with the keyboard's place on it in `list`.
    pub fn open_event(&mut self, list: &str, at: crate::store::Seq) {
        let Some(key) = self.store.event(at).map(|e| row_key(at, e)) else {
            return;
        };
        self.selected = Some(key);
        self.set_cursor(Some(list).filter(|l| !l.is_empty()), at);
        self.touch();
    }

    /// The view settings.
    pub fn settings(&self) -> ViewSettings {
        self.settings
    }

    /// Lanes or one flat list.
    pub fn toggle_flat(&mut self) {
        self.settings.flat = !self.settings.flat;
        self.touch();
    }

    /// Newest or oldest first.
    pub fn toggle_order(&mut self) {
        self.settings.newest_first = !self.settings.newest_first;
        self.touch();
    }

    /// UTC or local times.
    pub fn toggle_utc(&mut self) {
        self.settings.utc = !self.settings.utc;
        self.touch();
    }

    /// Absolute times or the time since the previous event.
    pub fn toggle_relative(&mut self) {
        self.settings.relative = !self.settings.relative;
        self.touch();
    }

    /// The lane given the whole page, if any.
    pub fn focused_lane(&self) -> Option<&str> {
        self.focused.as_deref()
    }

    /// Gives one lane the whole page (`None`: back to all lanes).
    pub fn focus_lane(&mut self, lane: Option<&str>) {
        self.focused = lane.map(str::to_owned);
        if let Some(key) = lane {
            self.collapsed.remove(key);
        }
        self.touch();
    }

    /// Collapses every lane (their headers stay).
    pub fn collapse_all(&mut self) {
        self.collapsed = self.store.lanes().map(|l| l.key.clone()).collect();
        self.touch();
    }

    /// Expands every lane.
    pub fn expand_all(&mut self) {
        self.collapsed.clear();
        self.touch();
    }

    /// Keep the newest events in view (or not: the user scrolled away).
    pub fn set_follow(&mut self, on: bool) {
        if on {
            self.ask_follow();
        } else if self.settings.follow {
            self.settings.follow = false;
        } else {
            return;
        }
        self.touch();
    }

    /// Follows from now on, asked for (the checkbox, Connect, Reconnect):
    /// the page goes to the newest events even if following was on already.
    pub(super) fn ask_follow(&mut self) {
        self.settings.follow = true;
        self.follow_asks += 1;
    }

    /// Changes each time following is asked for: the page then goes to the
    /// newest events at once, and a scroll before they are shown again (the
    /// form folding on Connect) is not the user leaving.
    pub fn follow_asks(&self) -> u64 {
        self.follow_asks
    }

    /// The event whose JSON is open (`unique_id`, or `#seq` without one).
    pub fn selected(&self) -> Option<&str> {
        self.selected.as_deref()
    }

    /// Opens this event, or closes it if it is the open one.
    pub fn toggle_selected(&mut self, key: &str) {
        self.selected = if self.selected.as_deref() == Some(key) {
            None
        } else {
            Some(key.to_owned())
        };
        self.touch();
    }

    /// Closes the open event.
    pub fn close_selected(&mut self) {
        if self.selected.take().is_some() {
            self.touch();
        }
    }

    /// The lanes the lanes view and the lane list show, in order: every lane,
    /// or under a filter those with an event passing it (thousands of empty
    /// lanes would bury the answer).
    pub fn visible_lanes(&self) -> impl Iterator<Item = &crate::store::Lane> {
        let filtered = self.store.filter().is_some();
        self.store
            .lanes()
            .filter(move |l| !filtered || l.shown(true) > 0)
    }

    /// Whether a lane is collapsed.
    pub fn is_collapsed(&self, lane: &str) -> bool {
        self.collapsed.contains(lane)
    }

    /// Collapses or expands a lane.
    pub fn toggle_lane(&mut self, lane: &str) {
        if !self.collapsed.remove(lane) {
            self.collapsed.insert(lane.to_owned());
        }
        self.touch();
    }

    /// The collapsed lanes, sorted (for links and "expand all").
    pub fn collapsed(&self) -> Vec<String> {
        let mut all: Vec<String> = self.collapsed.iter().cloned().collect();
        crate::sort::sort(&mut all);
        all
    }

    /// The filter box as typed.
    pub fn filter_text(&self) -> &str {
        &self.filter_text
    }

    /// Why the filter box's text cannot be applied, if so.
    pub fn filter_error(&self) -> Option<&str> {
        self.filter_error.as_deref()
    }

    /// The filter the store applies (what "filtered" means now).
    pub fn applied_filter(&self) -> Option<&str> {
        self.store.filter().map(Filter::query)
    }

    /// What the filter line says: which filter the timeline shows, when the
    /// box holds something else (an error, or text not applied yet).
    pub fn filter_note(&self) -> Option<String> {
        self.filter_error.as_ref()?;
        Some(match self.applied_filter() {
            Some(q) => format!("still showing the last filter that worked: {q}"),
            None => "showing every event (no filter applied)".to_owned(),
        })
    }

    /// The user typed `text` into the filter box: applied if it parses (if
    /// not, the last filter that worked stays applied, and says so).
    pub fn type_filter(&mut self, text: &str) {
        self.filter_text = text.to_owned();
        match Filter::parse(text) {
            Ok(filter) => {
                self.filter_error = None;
                self.store.set_filter(filter);
            }
            Err(why) => self.filter_error = Some(why),
        }
        self.touch();
    }

    /// Sets and applies the filter (e.g. a correlation ID button's `corr:…`).
    pub fn set_filter(&mut self, text: &str) {
        self.type_filter(text);
    }

    /// The view as a link carries it: the request last connected to (or
    /// opened from a link) — not what is half-typed in the form — and the
    /// view settings as they are now.
    pub fn view_state(&self) -> ViewState {
        ViewState {
            flat: self.settings.flat,
            utc: self.settings.utc,
            newest_first: self.settings.newest_first,
            relative: self.settings.relative,
            focused: self.focused.clone(),
            collapsed: self.collapsed(),
            selected: self.selected.clone(),
            filter: self.applied_filter().unwrap_or_default().to_owned(),
            journey: self.journey_link_id(),
            messages: self.messages_lanes(),
            ..self.shared.clone()
        }
    }

    /// Restores what a link (or back/forward) says about the view; its
    /// request part is remembered for the next link (the form takes it too).
    pub fn apply_view(&mut self, view: &ViewState) {
        self.settings.flat = view.flat;
        self.settings.utc = view.utc;
        self.settings.newest_first = view.newest_first;
        self.settings.relative = view.relative;
        self.focused.clone_from(&view.focused);
        self.collapsed = view.collapsed.iter().cloned().collect();
        self.selected.clone_from(&view.selected);
        self.type_filter(&view.filter);
        self.messages_lanes = view.messages.iter().cloned().collect();
        match view.journey.as_deref() {
            Some(id) if self.journey_link_id().as_deref() != Some(id) => {
                self.open_journey_id(id);
            }
            Some(_) => {}
            None => {
                self.close_journey();
            }
        }
        self.shared = ViewState {
            flat: false,
            utc: true,
            relative: false,
            newest_first: true,
            focused: None,
            collapsed: Vec::new(),
            selected: None,
            filter: String::new(),
            journey: None,
            messages: Vec::new(),
            ..view.clone()
        };
        self.touch();
    }
}
