//! The fleet: one row per followed device (missed %, last seen, median
//! RSSI/SNR, most used SF, join state, problems), sortable so the sickest is
//! first; a device × gateway reception matrix; and one row per followed
//! gateway (connected or since when not, last seen, uplinks, devices heard,
//! downlinks sent and failed), the disconnected first.
//!
//! Why: with a hundred devices, the question is which one to look at.

use super::device::{device_health, DeviceHealth};
use super::gateway::gateway_health;
use super::joins::Outcome;
use super::radio::Quality;
use crate::store::{Lane, Timeline};
use crate::tts::EntityKind;

/// A fleet table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Device,
    LastSeen,
    Missed,
    Rssi,
    Snr,
    DataRate,
    Join,
    Problems,
}

/// One device of the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetRow {
    pub lane: String,
    pub last_seen_ns: Option<i64>,
    pub per: Option<f64>,
    pub missed: u32,
    pub rssi: Option<f64>,
    pub snr: Option<f64>,
    /// The median SNR's quality, each uplink at its own spreading factor.
    pub snr_quality: Option<Quality>,
    pub data_rate: Option<String>,
    pub join: Option<String>,
    pub problems: usize,
    /// What the problems are, a line per kind, most frequent first: "2 ×
    /// downlink transmission failed …", "1 × no device session …" (at most
    /// three kinds named).
    pub problem_reasons: String,
    /// (gateway, uplinks heard) for the matrix.
    pub heard: Vec<(String, u32)>,
}

impl FleetRow {
    fn of(lane: &str, h: &DeviceHealth) -> Self {
        FleetRow {
            lane: lane.to_owned(),
            last_seen_ns: h.last_seen_ns,
            per: h.counters.per(),
            missed: h.counters.missed,
            rssi: h.rssi.median,
            snr: h.snr.median,
            snr_quality: h.snr_median_quality(),
            data_rate: h.data_rates.first().map(|(d, _)| d.clone()),
            join: h.joins.last().map(|j| match &j.outcome {
                Outcome::Rejected(_) => "rejected".to_owned(),
                o => o.text(),
            }),
            problems: h.problems.iter().map(|p| p.count).sum(),
            problem_reasons: reasons(&h.problems),
            heard: h
                .reception
                .iter()
                .map(|r| (r.gateway_id.clone(), r.heard))
                .collect(),
        }
    }
}

/// How many kinds of problem a row names (the Health panel lists them all).
const REASONS_NAMED: usize = 3;

/// "2 × downlink transmission failed …", a line per kind, most frequent
/// first, then "and 4 more kinds".
fn reasons(problems: &[super::Problem]) -> String {
    let mut lines: Vec<String> = problems
        .iter()
        .take(REASONS_NAMED)
        .map(|p| format!("{} × {}", p.count, p.reason))
        .collect();
    if problems.len() > REASONS_NAMED {
        lines.push(format!("and {} more kinds", problems.len() - REASONS_NAMED));
    }
    lines.join("\n")
}

/// The lanes of one kind of entity, in the store's order.
fn lanes_of(store: &Timeline, kind: EntityKind) -> impl Iterator<Item = &Lane> {
    store
        .lanes()
        .filter(move |l| l.entity.as_ref().is_some_and(|e| e.kind() == kind))
}

/// Every device lane's row, sorted by `by` (descending = worst first for
/// the health columns).
pub fn fleet(store: &Timeline, now: i64, by: Column, descending: bool) -> Vec<FleetRow> {
    let mut rows: Vec<FleetRow> = lanes_of(store, EntityKind::Device)
        .map(|l| FleetRow::of(&l.key, &device_health(store, &l.key, now)))
        .collect();
    sort(&mut rows, by, descending);
    rows
}

impl Column {
    /// Whether sorting by this column `descending` (worst first for the
    /// health columns) shows its values from high to low: not for RSSI and
    /// SNR, whose worst is their lowest.
    pub fn reads_descending(self, descending: bool) -> bool {
        match self {
            Column::Rssi | Column::Snr => !descending,
            _ => descending,
        }
    }
}

/// How slow a data rate is: a LoRa rate's spreading factor (`SF7BW125` → 7),
/// 0 for FSK (faster than any); `None` for others (LR-FHSS), sorted by text.
fn spreading_factor(data_rate: &str) -> Option<u8> {
    if data_rate.starts_with("FSK") {
        return Some(0);
    }
    super::lora_sf(data_rate)
}

/// Sorts in place; rows without the value go last either way.
pub fn sort(rows: &mut [FleetRow], by: Column, descending: bool) {
    use crate::sort::missing_last;
    use std::cmp::Ordering;
    let num = |r: &FleetRow| -> Option<f64> {
        match by {
            Column::LastSeen => r.last_seen_ns.map(|n| n as f64),
            Column::Missed => r.per,
            // Worse signal is lower: "descending" (worst first) sorts ascending.
            Column::Rssi => r.rssi.map(|v| -v),
            Column::Snr => r.snr.map(|v| -v),
            Column::Problems => Some(r.problems as f64),
            // A higher spreading factor is slower (worse): SF12 after SF7.
            Column::DataRate => r
                .data_rate
                .as_deref()
                .and_then(spreading_factor)
                .map(f64::from),
            _ => None,
        }
    };
    let dir = |o: Ordering| if descending { o.reverse() } else { o };
    crate::sort::sort_by(rows, |a, b| {
        missing_last(num(a), num(b), |x, y| dir(x.total_cmp(&y)))
            // The text columns by text; of one spreading factor too (SF7BW125, SF7BW250).
            .then_with(|| missing_last(text(a, by), text(b, by), |x, y| dir(x.cmp(y))))
            // Of rows alike in the column, the one in more trouble first when
            // worst first (a device with problems but nothing missed is not
            // ranked by its name among healthy ones).
            .then_with(|| match by {
                Column::Device => Ordering::Equal,
                _ => dir(a.problems.cmp(&b.problems))
                    .then_with(|| missing_last(a.per, b.per, |x, y| dir(x.total_cmp(&y)))),
            })
            .then_with(|| a.lane.cmp(&b.lane))
    });
}

/// The text a row sorts by in `by` (none for the number columns).
fn text(r: &FleetRow, by: Column) -> Option<&str> {
    match by {
        Column::Device => Some(&r.lane),
        Column::DataRate => r.data_rate.as_deref(),
        Column::Join => r.join.as_deref(),
        _ => None,
    }
}

/// One gateway of the fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRow {
    pub lane: String,
    /// How long ago (ns before `now`) its newest event was.
    pub last_seen_ns: i64,
    /// When it disconnected, if it is disconnected.
    pub disconnected_since: Option<i64>,
    pub uplinks: usize,
    /// DevAddrs heard (a device that rejoined counts once per DevAddr).
    pub devices: usize,
    pub downlinks_sent: usize,
    pub downlinks_failed: usize,
    pub problems: usize,
    /// What the problems are (as [`FleetRow::problem_reasons`]).
    pub problem_reasons: String,
}

/// Every gateway lane's row: the disconnected first (longest first), then
/// by name.
pub fn gateways(store: &Timeline, now: i64) -> Vec<GatewayRow> {
    let mut rows: Vec<GatewayRow> = lanes_of(store, EntityKind::Gateway)
        .map(|l| {
            let h = gateway_health(store, &l.key, now);
            GatewayRow {
                lane: l.key.clone(),
                last_seen_ns: now - l.last_seen.unix_nanos(),
                disconnected_since: h.disconnected_since,
                uplinks: h.uplinks,
                devices: h.devices.len(),
                downlinks_sent: h.downlinks_sent,
                downlinks_failed: h.downlink_failures.iter().map(|(_, n)| n).sum(),
                problems: h.problems.iter().map(|p| p.count).sum(),
                problem_reasons: reasons(&h.problems),
            }
        })
        .collect();
    crate::sort::sort_by(&mut rows, |a, b| {
        let since = |r: &GatewayRow| r.disconnected_since.unwrap_or(i64::MAX);
        since(a).cmp(&since(b)).then_with(|| a.lane.cmp(&b.lane))
    });
    rows
}

/// The gateways heard by any device, most hearing first (the matrix columns).
pub fn matrix_gateways(rows: &[FleetRow]) -> Vec<String> {
    let mut totals: Vec<(String, u32)> = Vec::new();
    for (gw, n) in rows.iter().flat_map(|r| r.heard.iter()) {
        match totals.iter_mut().find(|(g, _)| g == gw) {
            Some((_, t)) => *t += n,
            None => totals.push((gw.clone(), *n)),
        }
    }
    crate::sort::sort_by(&mut totals, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    totals.into_iter().map(|(g, _)| g).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(lane: &str, data_rate: Option<&str>, join: Option<&str>, rssi: Option<f64>) -> FleetRow {
        FleetRow {
            lane: lane.to_owned(),
            last_seen_ns: None,
            per: None,
            missed: 0,
            rssi,
            snr: None,
            snr_quality: None,
            problem_reasons: String::new(),
            data_rate: data_rate.map(str::to_owned),
            join: join.map(str::to_owned),
            problems: 0,
            heard: Vec::new(),
        }
    }

    fn lanes(rows: &[FleetRow]) -> Vec<&str> {
        rows.iter().map(|r| r.lane.as_str()).collect()
    }

    #[test]
    fn data_rates_sort_by_spreading_factor_and_empty_values_go_last() {
        let mut rows = vec![
            row("a", Some("SF12BW125"), Some("joined"), Some(-90.0)),
            row("b", Some("SF7BW125"), None, Some(-120.0)),
            row("c", None, Some("rejected"), None),
            row("d", Some("SF9BW125"), Some("joined"), Some(-100.0)),
            row("e", Some("FSK 50 kbps"), Some("accepted"), Some(-80.0)),
            row("f", Some("LR-FHSS"), None, None),
            row("g", Some("SF7BW250"), None, None),
        ];
        sort(&mut rows, Column::DataRate, false);
        assert_eq!(
            lanes(&rows),
            ["e", "b", "g", "d", "a", "f", "c"],
            "FSK, SF7 (BW125, BW250), SF9, SF12, then the rest"
        );
        sort(&mut rows, Column::DataRate, true);
        assert_eq!(
            lanes(&rows),
            ["a", "d", "g", "b", "e", "f", "c"],
            "slowest first; no data rate still last"
        );
        rows.retain(|r| r.lane.as_str() < "f");
        sort(&mut rows, Column::Join, false);
        assert_eq!(lanes(&rows), ["e", "a", "d", "c", "b"]);
        sort(&mut rows, Column::Join, true);
        assert_eq!(
            lanes(&rows),
            ["c", "a", "d", "e", "b"],
            "no join state last either way"
        );
        // Worst first is the lowest RSSI first: the column reads ascending.
        sort(&mut rows, Column::Rssi, true);
        assert_eq!(lanes(&rows), ["b", "d", "a", "e", "c"]);
        assert!(!Column::Rssi.reads_descending(true));
        assert!(Column::Missed.reads_descending(true));
    }

    #[test]
    fn worst_first_ranks_rows_alike_by_their_trouble_not_their_name() {
        let with = |lane: &str, per: Option<f64>, problems: usize| FleetRow {
            per,
            problems,
            ..row(lane, None, None, None)
        };
        let mut rows = vec![
            with("a-healthy", Some(0.0), 0),
            with("b-no-uplinks", None, 0),
            with("c-decoder-fails", Some(0.0), 3),
            with("d-lossy", Some(20.0), 0),
            with("e-one-problem", Some(0.0), 1),
        ];
        sort(&mut rows, Column::Missed, true);
        assert_eq!(
            lanes(&rows),
            [
                "d-lossy",
                "c-decoder-fails",
                "e-one-problem",
                "a-healthy",
                "b-no-uplinks"
            ]
        );
        sort(&mut rows, Column::Missed, false);
        assert_eq!(
            lanes(&rows),
            [
                "a-healthy",
                "e-one-problem",
                "c-decoder-fails",
                "d-lossy",
                "b-no-uplinks"
            ],
            "best first: of the devices missing nothing, the one without problems first"
        );
    }
}
