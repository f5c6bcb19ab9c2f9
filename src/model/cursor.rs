//! The keyboard's place in the timeline: which row of which list holds the
//! list's one tab stop, and where ↑/↓ (j/k), Home and End move it — in the
//! order the rows are shown (newest or oldest first), across rows that are
//! not in the DOM (the list scrolls them in).
//!
//! Pure: the component focuses the row this names.

use super::Model;
use crate::store::Seq;

/// A move of the keyboard's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The row above (↑, k).
    Up,
    /// The row below (↓, j).
    Down,
    /// The first row (Home).
    First,
    /// The last row (End).
    Last,
}

/// A row of a list: the list (`None`: the flat view) and the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowAt {
    pub list: Option<String>,
    pub seq: Seq,
}

impl Model {
    /// The row that holds the keyboard's place, if any.
    pub fn cursor(&self) -> Option<&RowAt> {
        self.cursor.as_ref()
    }

    /// The row a list's tab stop is on: the cursor if it is in this list and
    /// still shown, else the list's first row.
    pub fn tab_stop(&self, list: Option<&str>) -> Option<Seq> {
        let rows = self.store.rows(list)?;
        let nf = self.settings.newest_first;
        let here = self
            .cursor
            .as_ref()
            .filter(|c| c.list.as_deref() == list)
            .map(|c| c.seq)
            .filter(|&seq| {
                self.store
                    .event(seq)
                    .and_then(|e| rows.display_position(e.time.unix_nanos(), seq, nf))
                    .is_some()
            });
        here.or_else(|| rows.key_at(0, nf).map(|(_, seq)| seq))
    }

    /// A row got the focus (a click, or a move).
    pub fn set_cursor(&mut self, list: Option<&str>, seq: Seq) {
        let at = RowAt {
            list: list.map(str::to_owned),
            seq,
        };
        if self.cursor.as_ref() != Some(&at) {
            self.cursor = Some(at);
            self.touch();
        }
    }

    /// Moves the keyboard's place within `list` from the row `from`; the new
    /// row, if the move goes anywhere.
    pub fn move_cursor(&mut self, list: Option<&str>, from: Seq, step: Step) -> Option<Seq> {
        let rows = self.store.rows(list)?;
        let nf = self.settings.newest_first;
        let len = rows.len();
        let here = self
            .store
            .event(from)
            .and_then(|e| rows.display_position(e.time.unix_nanos(), from, nf));
        let to = match (step, here) {
            (Step::First, _) | (_, None) => 0,
            (Step::Last, _) => len.checked_sub(1)?,
            (Step::Up, Some(i)) => i.checked_sub(1)?,
            (Step::Down, Some(i)) => (i + 1 < len).then_some(i + 1)?,
        };
        let (_, seq) = rows.key_at(to, nf)?;
        self.set_cursor(list, seq);
        Some(seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::Event;

    fn model(n: usize) -> Model {
        let mut m = Model::new();
        for i in 0..n {
            let json = format!(
                r#"{{"name":"gs.up.receive","time":"2024-10-28T10:00:{i:02}Z","identifiers":[{{"gateway_ids":{{"gateway_id":"gw"}}}}],"unique_id":"u{i}"}}"#
            );
            if let Ok(e) = Event::from_json(json.as_bytes()) {
                m.store.push(e);
            }
        }
        m
    }

    #[test]
    fn arrows_move_in_the_order_rows_are_shown() {
        let mut m = model(5);
        // Newest first: the tab stop is the newest row (seq 4).
        assert_eq!(m.tab_stop(Some("gw:gw")), Some(4));
        assert_eq!(m.move_cursor(Some("gw:gw"), 4, Step::Down), Some(3));
        assert_eq!(m.tab_stop(Some("gw:gw")), Some(3));
        assert_eq!(m.move_cursor(Some("gw:gw"), 3, Step::Up), Some(4));
        assert_eq!(
            m.move_cursor(Some("gw:gw"), 4, Step::Up),
            None,
            "nothing above the first row"
        );
        assert_eq!(m.move_cursor(Some("gw:gw"), 4, Step::Last), Some(0));
        assert_eq!(m.move_cursor(Some("gw:gw"), 0, Step::Down), None);
        m.toggle_order();
        assert_eq!(
            m.move_cursor(Some("gw:gw"), 0, Step::Down),
            Some(1),
            "oldest first: down is newer"
        );
        assert_eq!(
            m.move_cursor(None, 1, Step::First),
            Some(0),
            "the flat view has its own order"
        );
    }

    #[test]
    fn a_cursor_in_another_list_or_gone_gives_the_first_row() {
        let mut m = model(3);
        m.set_cursor(None, 1);
        assert_eq!(m.tab_stop(Some("gw:gw")), Some(2));
        assert_eq!(m.tab_stop(None), Some(1));
        m.clear();
        assert_eq!(m.tab_stop(None), None);
    }
}
