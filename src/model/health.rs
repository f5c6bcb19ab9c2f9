//! Health views: which lanes show their Health panel, the fleet table and
//! its order, the health itself (computed on demand from the store by
//! `src/insight`), and the filters that show the events behind a number.

use super::Model;
use crate::insight::{
    device_health, fleet, gateway_health, Column, DeviceHealth, FleetRow, Gap, GatewayHealth,
    GatewayRow,
};
use crate::store::Seq;
use crate::tts::{EntityIds, Timestamp};

/// How a panel recomputed every second paces itself: it gives the page at
/// least nine tenths of the time, so a panel over a device with tens of
/// thousands of events in memory (a flood) recomputes less often instead of
/// taking the main thread. `last` is when (ms) the previous computation
/// started and `cost` how long it took.
pub fn recompute_due(last: Option<(f64, f64)>, now_ms: f64) -> bool {
    match last {
        None => true,
        Some((at, cost)) => now_ms - at >= cost * 10.0,
    }
}

/// The fleet table's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetView {
    pub open: bool,
    pub by: Column,
    pub descending: bool,
}

impl Default for FleetView {
    fn default() -> Self {
        FleetView {
            open: false,
            by: Column::Missed,
            descending: true,
        }
    }
}

/// Where Health and Fleet stand (see `Model::clock`).
enum Clock {
    Now,
    CaptureEnd,
    /// A stopped stream, since this time (ns).
    Stopped(i64),
}

impl Model {
    /// Whether the lane shows its Health panel.
    pub fn shows_health(&self, lane: &str) -> bool {
        self.health_lanes.contains(lane)
    }

    /// Opens or closes a lane's Health panel.
    pub fn toggle_health(&mut self, lane: &str) {
        if !self.health_lanes.remove(lane) {
            self.health_lanes.insert(lane.to_owned());
        }
        self.touch();
    }

    /// Gives a lane the whole page with its Health panel open (the fleet's
    /// Problems count: what they are is in the panel).
    pub fn show_health_of(&mut self, lane: &str) {
        self.health_lanes.insert(lane.to_owned());
        self.focus_lane(Some(lane));
    }

    /// Where Health and Fleet stand: at `now`; where a capture ends (a
    /// file's events are not "764 days ago" because the file is old); or
    /// where a stopped stream stopped (a device is not silent while nobody
    /// listens).
    fn clock(&self) -> Clock {
        if self.capture_state().is_some() {
            return Clock::CaptureEnd;
        }
        match self.session().and_then(|s| s.stopped_since()) {
            Some(at) => Clock::Stopped(at.unix_nanos()),
            None => Clock::Now,
        }
    }

    /// What Health and Fleet measure "last seen" and silences from (ns).
    fn health_now(&self, now: i64) -> i64 {
        match self.clock() {
            Clock::Now => now,
            Clock::CaptureEnd => self.store.newest_time().unwrap_or(now),
            Clock::Stopped(at) => at.min(now),
        }
    }

    /// How a time before [`Model::health_now`] reads: "5 s ago", "5 s before
    /// the capture's end", or "5 s before the stream stopped".
    pub fn ago(&self) -> &'static str {
        match self.clock() {
            Clock::Now => "ago",
            Clock::CaptureEnd => "before the capture's end",
            Clock::Stopped(_) => "before the stream stopped",
        }
    }

    /// What a state in Health and Fleet (a gateway "connected") is as of:
    /// the events in memory of a live stream, or where a stopped stream or
    /// a capture left off.
    pub fn health_as_of(&self) -> &'static str {
        match self.clock() {
            Clock::Now => "in memory",
            Clock::CaptureEnd => "as of the capture's end",
            Clock::Stopped(_) => "as of when the stream stopped",
        }
    }

    /// A device lane's health at `now` (ns).
    pub fn device_health(&self, lane: &str, now: i64) -> DeviceHealth {
        device_health(&self.store, lane, self.health_now(now))
    }

    /// When a gateway lane's gateway disconnected, if it is disconnected.
    pub fn gateway_disconnected(&self, lane: &str) -> Option<Timestamp> {
        crate::insight::disconnected_since(&self.store, lane).map(Timestamp::from_unix_nanos)
    }

    /// A gateway lane's health at `now` (ns).
    pub fn gateway_health(&self, lane: &str, now: i64) -> GatewayHealth {
        gateway_health(&self.store, lane, self.health_now(now))
    }

    pub fn fleet_view(&self) -> FleetView {
        self.fleet
    }

    /// Shows or hides the fleet table.
    pub fn toggle_fleet(&mut self) {
        self.fleet.open = !self.fleet.open;
        self.touch();
    }

    /// Sorts the fleet by a column; again by the same column reverses it.
    /// Health columns start worst first, the device name A to Z.
    pub fn sort_fleet(&mut self, by: Column) {
        if self.fleet.by == by {
            self.fleet.descending = !self.fleet.descending;
        } else {
            self.fleet.by = by;
            self.fleet.descending = by != Column::Device;
        }
        self.touch();
    }

    /// The fleet's rows in the chosen order, at `now` (ns).
    pub fn fleet_rows(&self, now: i64) -> Vec<FleetRow> {
        fleet(
            &self.store,
            self.health_now(now),
            self.fleet.by,
            self.fleet.descending,
        )
    }

    /// The fleet's gateways, the disconnected first, at `now` (ns).
    pub fn fleet_gateways(&self, now: i64) -> Vec<GatewayRow> {
        crate::insight::gateways(&self.store, self.health_now(now))
    }

    /// Shows the uplinks around a gap: the device's events with an FCnt
    /// from one before the gap to one after it.
    pub fn filter_gap(&mut self, lane: &str, gap: &Gap) {
        let device = self.device_term(lane);
        let from = gap.from.saturating_sub(1);
        // A gap across the counter's wrap (65534 → 1) reads `fcnt:65534..2`:
        // a range that wraps, as the filter takes it. The session's DevAddr
        // keeps another session's uplinks with the same FCnts out.
        let to = gap.to.saturating_add(1);
        let session = gap
            .session
            .as_deref()
            .filter(|a| a.len() == 8 && a.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|a| format!(" devaddr:{a}"))
            .unwrap_or_default();
        self.set_filter(&format!("{device}{session} fcnt:{from}..{to}"));
    }

    /// Shows a lane's events of one kind and reason (a problem, a failure).
    pub fn filter_reason(&mut self, lane: &str, name: &str, reason: &str) {
        let device = self.device_term(lane);
        let reason = reason.replace('"', "");
        let quoted = if reason.is_empty() {
            String::new()
        } else {
            format!(" \"{reason}\"")
        };
        self.set_filter(&format!("{device} name:{name}{quoted}"));
    }

    /// Shows the events behind a list of steps (a join's, say): by their names.
    pub fn filter_events(&mut self, lane: &str, events: &[Seq]) {
        let device = self.device_term(lane);
        let mut names: Vec<&str> = events
            .iter()
            .filter_map(|s| self.store.event(*s).map(|e| e.name.as_str()))
            .collect();
        crate::sort::sort(&mut names);
        names.dedup();
        let first = names.first().copied().unwrap_or("*");
        self.set_filter(&format!("{device} name:{first}"));
    }

    /// The filter term that selects a lane's events: its entity ID, quoted.
    fn device_term(&self, lane: &str) -> String {
        let id = self
            .store
            .lane(lane)
            .and_then(|l| l.entity.as_ref())
            .map_or(lane, EntityIds::id);
        format!("\"{}\"", id.replace('"', ""))
    }
}

#[cfg(test)]
mod pace_tests {
    use super::recompute_due;

    #[test]
    fn a_costly_panel_waits_ten_times_its_cost() {
        assert!(recompute_due(None, 0.0));
        assert!(
            recompute_due(Some((0.0, 20.0)), 1_000.0),
            "20 ms: every second"
        );
        assert!(
            !recompute_due(Some((0.0, 200.0)), 1_000.0),
            "200 ms: not yet"
        );
        assert!(recompute_due(Some((0.0, 200.0)), 2_000.0));
    }
}
