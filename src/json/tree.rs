//! Which containers of the tree are open: the initial shape, "expand all"
//! and "collapse all", and the user's own toggles in between.
//!
//! A toggle is remembered together with the generation of the last
//! expand/collapse-all, so one click on "Collapse all" overrides every earlier
//! toggle without visiting them. This must stay plain data: no signals, no DOM.

use super::path::{JsonPath, PathSegment};

/// Strings longer than this many characters are shortened.
pub const TEXT_LIMIT: usize = 64;
/// Base64 and hex values longer than this many characters are shortened.
pub const BLOB_LIMIT: usize = 24;

/// How containers open when the user has not toggled them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenPolicy {
    /// What matters is open: the root, its members (but `correlation_ids`,
    /// `context` and `visibility`, which are rarely read), and `data`'s main
    /// message (`uplink_message`, `decoded_payload`, `rx_metadata`, the
    /// downlink's or join's message); the rest starts closed.
    #[default]
    Initial,
    /// Every container is open.
    ExpandAll,
    /// Every container below the root is closed.
    CollapseAll,
}

/// The tree-wide state: the policy and how many times it was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TreeMode {
    /// How untoggled containers open.
    pub policy: OpenPolicy,
    /// Bumped by every expand/collapse all; older toggles no longer count.
    pub generation: u32,
}

impl TreeMode {
    /// The mode after the user chose "Expand all" or "Collapse all".
    pub fn with_policy(self, policy: OpenPolicy) -> Self {
        Self {
            policy,
            generation: self.generation.wrapping_add(1),
        }
    }

    /// Whether the container at `path` is open by the policy alone.
    pub fn opens(self, path: &JsonPath) -> bool {
        let depth = path.depth();
        match self.policy {
            OpenPolicy::Initial => initially_open(path),
            OpenPolicy::ExpandAll => true,
            OpenPolicy::CollapseAll => depth == 0,
        }
    }

    /// Whether a container is open, given the user's last toggle of it
    /// (`Some((generation, open))`), which counts only in its own generation.
    pub fn is_open(self, path: &JsonPath, toggle: Option<(u32, bool)>) -> bool {
        match toggle {
            Some((generation, open)) if generation == self.generation => open,
            _ => self.opens(path),
        }
    }

    /// The toggle to remember when the user sets a container to `open` now.
    pub fn toggle(self, open: bool) -> Option<(u32, bool)> {
        Some((self.generation, open))
    }
}

/// Top-level members that are rarely read and start closed.
const QUIET: [&str; 3] = ["correlation_ids", "context", "visibility"];

/// Members of `data` (and of each other) that carry the message and start open.
const MAIN: [&str; 13] = [
    "uplink_message",
    "decoded_payload",
    "rx_metadata",
    "message",
    "downlink_queued",
    "downlink_sent",
    "downlink_ack",
    "downlink_nack",
    "downlink_failed",
    "join_accept",
    "location_solved",
    "uplink_normalized",
    "normalized_payload",
];

fn initially_open(path: &JsonPath) -> bool {
    match path.segments() {
        [] => true,
        [PathSegment::Key(k)] => !QUIET.contains(&k.as_str()),
        [PathSegment::Key(data), rest @ ..] if data == "data" => rest
            .iter()
            .all(|s| matches!(s, PathSegment::Key(k) if MAIN.contains(&k.as_str()))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(keys: &[&str]) -> JsonPath {
        keys.iter()
            .fold(JsonPath::root(), |p, k| match k.parse::<usize>() {
                Ok(i) => p.index(i),
                Err(_) => p.key(k),
            })
    }

    #[test]
    fn what_matters_starts_open_and_the_rest_closed() {
        let mode = TreeMode::default();
        for open in [
            &[][..],
            &["data"],
            &["identifiers"],
            &["data", "uplink_message"],
            &["data", "uplink_message", "decoded_payload"],
            &["data", "uplink_message", "rx_metadata"],
            &["data", "message", "rx_metadata"],
        ] {
            assert!(mode.is_open(&path(open), None), "{open:?}");
        }
        for closed in [
            &["correlation_ids"][..],
            &["context"],
            &["visibility"],
            &["identifiers", "0"],
            &["data", "uplink_message", "settings"],
            &["data", "uplink_message", "rx_metadata", "0"],
        ] {
            assert!(!mode.is_open(&path(closed), None), "{closed:?}");
        }
    }

    #[test]
    fn expand_and_collapse_all_override_earlier_toggles() {
        let mode = TreeMode::default();
        let deep = path(&["data", "uplink_message", "settings", "data_rate"]);
        let data = path(&["data"]);
        let opened_deep = mode.toggle(true);
        let closed_data = mode.toggle(false);
        assert!(mode.is_open(&deep, opened_deep));
        assert!(!mode.is_open(&data, closed_data));

        let collapsed = mode.with_policy(OpenPolicy::CollapseAll);
        assert!(!collapsed.is_open(&deep, opened_deep));
        assert!(!collapsed.is_open(&data, None));
        assert!(collapsed.is_open(&JsonPath::root(), None));
        // A toggle after "collapse all" counts again.
        assert!(collapsed.is_open(&path(&["data", "x"]), collapsed.toggle(true)));

        let expanded = collapsed.with_policy(OpenPolicy::ExpandAll);
        assert!(expanded.is_open(&path(&["a", "b", "c", "d", "e", "f", "g"]), None));
    }
}
