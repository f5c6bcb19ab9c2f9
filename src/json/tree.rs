//! Which containers of the tree are open: the initial shape, "expand all"
//! and "collapse all", and the user's own toggles in between.
//!
//! A toggle is remembered together with the generation of the last
//! expand/collapse-all, so one click on "Collapse all" overrides every earlier
//! toggle without visiting them. This must stay plain data: no signals, no DOM.

/// Strings longer than this many characters are shortened.
pub const TEXT_LIMIT: usize = 64;
/// Base64 and hex values longer than this many characters are shortened.
pub const BLOB_LIMIT: usize = 24;

/// How containers open when the user has not toggled them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OpenPolicy {
    /// The root and the first level are open (`name`, `time`, `identifiers`,
    /// `data` and their members are visible); deeper containers are closed.
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

    /// Whether a container at `depth` (root 0, `data` 1) is open by the policy alone.
    pub fn opens(self, depth: usize) -> bool {
        match self.policy {
            OpenPolicy::Initial => depth <= 1,
            OpenPolicy::ExpandAll => true,
            OpenPolicy::CollapseAll => depth == 0,
        }
    }

    /// Whether a container is open, given the user's last toggle of it
    /// (`Some((generation, open))`), which counts only in its own generation.
    pub fn is_open(self, depth: usize, toggle: Option<(u32, bool)>) -> bool {
        match toggle {
            Some((generation, open)) if generation == self.generation => open,
            _ => self.opens(depth),
        }
    }

    /// The toggle to remember when the user sets a container to `open` now.
    pub fn toggle(self, open: bool) -> Option<(u32, bool)> {
        Some((self.generation, open))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_and_first_level_start_open() {
        let mode = TreeMode::default();
        assert!(mode.is_open(0, None));
        assert!(mode.is_open(1, None));
        assert!(!mode.is_open(2, None));
        assert!(!mode.is_open(5, None));
    }

    #[test]
    fn expand_and_collapse_all_override_earlier_toggles() {
        let mode = TreeMode::default();
        let opened_deep = mode.toggle(true);
        let closed_data = mode.toggle(false);
        assert!(mode.is_open(3, opened_deep));
        assert!(!mode.is_open(1, closed_data));

        let collapsed = mode.with_policy(OpenPolicy::CollapseAll);
        assert!(!collapsed.is_open(3, opened_deep));
        assert!(!collapsed.is_open(1, None));
        assert!(collapsed.is_open(0, None));
        // A toggle after "collapse all" counts again.
        assert!(collapsed.is_open(2, collapsed.toggle(true)));

        let expanded = collapsed.with_policy(OpenPolicy::ExpandAll);
        assert!(expanded.is_open(7, None));
        assert!(expanded.is_open(1, closed_data));
        assert!(!expanded.is_open(2, expanded.toggle(false)));
    }
}
