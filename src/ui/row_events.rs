//! The rows' clicks, keys and focus, handled once per list (on its `<ol>`)
//! instead of by four listeners on every row: the row is found from the
//! event's target (`li.event-row[data-seq]`, a child of the list), so a
//! filter that replaces every drawn row adds and removes no listener.
//!
//! What each does (as the row's own handlers did): a click on a row's main
//! button opens or closes it; on that button ↑/↓ and k/j move between rows,
//! Home/End to the ends; focusing it makes it the list's tab stop; Esc
//! anywhere in the open row (its JSON tree too) closes it and keeps the
//! focus on its row.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Viewer;
use crate::model::cursor::Step;
use crate::model::row_key;
use crate::store::Seq;

/// What an event happened on: the row (its place), and whether on its main
/// button (`None`: not on a row of this list).
fn row_of(ev: &web_sys::Event) -> Option<(Seq, bool)> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let list = ev.current_target()?.dyn_into::<web_sys::Node>().ok()?;
    let row = target.closest("li.event-row").ok()??;
    if row.parent_node().as_ref() != Some(&list) {
        return None;
    }
    let seq = row.get_attribute("data-seq")?.parse().ok()?;
    let on_button = target
        .closest(".row-main")
        .ok()
        .flatten()
        .and_then(|b| b.parent_node())
        .is_some_and(|p| p == *row);
    Some((seq, on_button))
}

/// The list-level handlers of one list (`list`: its lane's key, `None` for
/// the flat view).
#[derive(Clone, Copy)]
pub struct RowEvents {
    viewer: Viewer,
    list: StoredValue<Option<String>>,
}

impl RowEvents {
    pub fn new(viewer: Viewer, list: StoredValue<Option<String>>) -> Self {
        Self { viewer, list }
    }

    /// The key the keyboard's place is kept under for this list.
    fn focus_key(self) -> String {
        self.list.with_value(|l| l.clone().unwrap_or_default())
    }

    /// A click on a row's main button opens or closes the row.
    pub fn click(self, ev: leptos::ev::MouseEvent) {
        let Some((seq, true)) = row_of(&ev) else {
            return;
        };
        self.viewer.act(|m| {
            if let Some(key) = m.store().event(seq).map(|e| row_key(seq, e)) {
                m.toggle_selected(&key);
            }
        });
    }

    /// Moving between rows (on a row's button), closing the open row (Esc
    /// anywhere in it).
    pub fn keydown(self, ev: leptos::ev::KeyboardEvent) {
        let Some((seq, on_button)) = row_of(&ev) else {
            return;
        };
        let key = ev.key();
        let step = match key.as_str() {
            "ArrowDown" | "j" => Some(Step::Down),
            "ArrowUp" | "k" => Some(Step::Up),
            "Home" => Some(Step::First),
            "End" => Some(Step::Last),
            _ => None,
        };
        if let (Some(step), true) = (step, on_button) {
            ev.prevent_default();
            let moved = self.viewer.act(|m| {
                self.list
                    .with_value(|l| m.move_cursor(l.as_deref(), seq, step))
            });
            if let Some(to) = moved {
                self.viewer.pending_focus.set(Some((self.focus_key(), to)));
            }
            return;
        }
        if key != "Escape" {
            return;
        }
        let open = self.viewer.with_untracked(|m| {
            let key = m.store().event(seq).map(|e| row_key(seq, e));
            key.is_some() && m.selected() == key.as_deref()
        });
        if open {
            ev.prevent_default();
            self.viewer.act(|m| m.close_selected());
            self.viewer.pending_focus.set(Some((self.focus_key(), seq)));
        }
    }

    /// A row's button focused (by click, Tab or the arrows) becomes the
    /// list's tab stop.
    pub fn focusin(self, ev: leptos::ev::FocusEvent) {
        let Some((seq, true)) = row_of(&ev) else {
            return;
        };
        self.viewer
            .act(|m| self.list.with_value(|l| m.set_cursor(l.as_deref(), seq)));
    }
}
