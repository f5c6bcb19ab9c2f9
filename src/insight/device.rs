//! A device's health from the events in its lane: uplinks and missed
//! uplinks, uplink interval, PER (per device and per gateway), radio (data
//! rates, RSSI/SNR/ESP median and worst, over time), airtime, reception by
//! gateway, joins, downlinks by outcome, problems by reason.
//!
//! Why: engineers open a live view because something is wrong; these are the
//! answers they would otherwise compute in their heads. Computed on demand,
//! judged at a `now` given by the caller.

use super::fcnt::{counters, Counters};
use super::joins::{joins, repeated, Join};
use super::problems::{problems, Problem};
use super::radio::{
    esp, median, quality_of, snr_margin, snr_quality, worst, Quality, MARGIN_THRESHOLDS,
};
use super::uplinks::{uplinks, Uplink};
use crate::journey::downlink_statuses;
use crate::store::Timeline;

/// One point of the signal plot: an uplink's best reception.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub time: i64,
    pub rssi: Option<f64>,
    pub snr: Option<f64>,
    pub esp: Option<f64>,
    /// The uplink's spreading factor (its SNR reads against that SF's floor).
    pub sf: Option<u8>,
}

impl Point {
    /// The SNR's quality at the uplink's own spreading factor.
    pub fn snr_quality(&self) -> Option<Quality> {
        self.snr.map(|snr| snr_quality(snr, self.sf))
    }
}

/// Median and worst of a signal measure.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spread {
    pub median: Option<f64>,
    pub worst: Option<f64>,
}

impl Spread {
    fn of(values: &[f64]) -> Self {
        Spread {
            median: median(values),
            worst: worst(values),
        }
    }
}

/// How one gateway hears the device.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayReception {
    pub gateway_id: String,
    /// Uplinks it heard.
    pub heard: u32,
    /// Uplinks it did not hear (missed ones included) ÷ all uplinks.
    pub per: Option<f64>,
    pub rssi: Option<f64>,
    pub snr: Option<f64>,
    /// The median SNR's quality, each reception judged at its uplink's
    /// spreading factor (the median of their margins over the floor).
    pub snr_quality: Option<Quality>,
}

/// The quality of the median margin of `(snr, sf)` readings over their floors.
fn median_margin_quality(readings: impl Iterator<Item = (f64, Option<u8>)>) -> Option<Quality> {
    let margins: Vec<f64> = readings.map(|(snr, sf)| snr_margin(snr, sf)).collect();
    median(&margins).map(|m| quality_of(m, MARGIN_THRESHOLDS))
}

/// Downlinks by the stage they reached.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Downlinks {
    /// (stage, count) in lifecycle order: queued … acknowledged.
    pub by_stage: Vec<(&'static str, usize)>,
    /// (what failed and why, count).
    pub failures: Vec<(String, usize)>,
    pub total: usize,
}

/// Everything the Health panel says about a device.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeviceHealth {
    pub counters: Counters,
    /// Distinct uplinks seen.
    pub uplinks: usize,
    pub median_interval_ns: Option<i64>,
    pub longest_silence_ns: Option<i64>,
    /// Since the device was last heard (ns), at `now`: its last uplink or
    /// join-request.
    pub last_seen_ns: Option<i64>,
    /// (data rate, uplinks) most used first.
    pub data_rates: Vec<(String, usize)>,
    pub rssi: Spread,
    pub snr: Spread,
    pub esp: Spread,
    pub points: Vec<Point>,
    /// Total time on air over the window (s), and over how many uplinks.
    pub airtime: Option<(f64, usize)>,
    pub reception: Vec<GatewayReception>,
    pub joins: Vec<Join>,
    pub repeated_joins: Option<String>,
    pub downlinks: Downlinks,
    pub problems: Vec<Problem>,
}

impl DeviceHealth {
    /// The spreading factor of the data rate most used (the SNR thresholds'),
    /// if it is LoRa.
    pub fn main_sf(&self) -> Option<u8> {
        self.data_rates
            .first()
            .and_then(|(rate, _)| super::lora_sf(rate))
    }

    /// The worst of the uplinks' SNR qualities, each at its own spreading
    /// factor (a few SF12 uplinks at −15 dB are not bad for SF7's floor).
    pub fn snr_worst_quality(&self) -> Option<Quality> {
        self.points.iter().filter_map(Point::snr_quality).max()
    }

    /// The median SNR's quality, each uplink judged at its own spreading
    /// factor (the median of their margins over the floor).
    pub fn snr_median_quality(&self) -> Option<Quality> {
        median_margin_quality(self.points.iter().filter_map(|p| Some((p.snr?, p.sf))))
    }
}

/// The health of the device lane `lane`, at `now` (ns).
pub fn device_health(store: &Timeline, lane: &str, now: i64) -> DeviceHealth {
    let (ups, unknown_drops) = uplinks(store, lane);
    let counters = counters(&ups);
    let times: Vec<i64> = ups.iter().map(|u| u.time).collect();
    let gaps: Vec<f64> = times.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    let (joins, repeated_joins) = {
        let j = joins(store, lane, now);
        let r = repeated(&j);
        (j, r)
    };
    // Heard: an uplink, a join-request (a device that only joins was heard
    // too), or an uplink the Application Server dropped that no gateway copy
    // told more of (the network received it); silences are between heard times.
    let mut heard: Vec<i64> = times
        .iter()
        .copied()
        .chain(joins.iter().map(|j| j.time))
        .chain(unknown_drops)
        .collect();
    crate::sort::sort(&mut heard);
    let last = heard.last().copied();
    let longest = heard
        .windows(2)
        .map(|w| w[1] - w[0])
        .chain(last.map(|l| now - l))
        .max();
    let points: Vec<Point> = ups.iter().map(point).collect();
    let pick = |f: fn(&Point) -> Option<f64>| points.iter().filter_map(f).collect::<Vec<f64>>();
    DeviceHealth {
        uplinks: ups.len(),
        median_interval_ns: median(&gaps).map(|m| m as i64),
        longest_silence_ns: longest,
        last_seen_ns: last.map(|l| now - l),
        data_rates: data_rates(&ups),
        rssi: Spread::of(&pick(|p| p.rssi)),
        snr: Spread::of(&pick(|p| p.snr)),
        esp: Spread::of(&pick(|p| p.esp)),
        airtime: airtime(&ups),
        reception: reception(&ups, &counters),
        counters,
        points,
        joins,
        repeated_joins,
        downlinks: downlinks(store, lane),
        problems: problems(store, lane),
    }
}

fn point(u: &Uplink) -> Point {
    let best = u.best();
    let rssi = best.and_then(|b| b.rssi);
    let snr = best.and_then(|b| b.snr);
    Point {
        time: u.time,
        rssi,
        snr,
        esp: rssi.zip(snr).map(|(r, s)| esp(r, s)),
        sf: u.sf,
    }
}

fn data_rates(ups: &[Uplink]) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for dr in ups.iter().filter_map(|u| u.data_rate.as_ref()) {
        match out.iter_mut().find(|(d, _)| d == dr) {
            Some((_, n)) => *n += 1,
            None => out.push((dr.clone(), 1)),
        }
    }
    crate::sort::sort_by(&mut out, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

fn airtime(ups: &[Uplink]) -> Option<(f64, usize)> {
    let known: Vec<f64> = ups.iter().filter_map(|u| u.airtime).collect();
    (!known.is_empty()).then(|| (known.iter().sum(), known.len()))
}

fn reception(ups: &[Uplink], c: &Counters) -> Vec<GatewayReception> {
    let mut ids: Vec<&str> = Vec::new();
    for u in ups {
        for g in &u.gateways {
            if !ids.contains(&g.gateway_id.as_str()) {
                ids.push(&g.gateway_id);
            }
        }
    }
    let expected = c.received + c.missed;
    let mut out: Vec<GatewayReception> = ids
        .into_iter()
        .map(|id| {
            // What it heard, with each uplink's spreading factor.
            let heard: Vec<(&super::uplinks::Rx, Option<u8>)> = ups
                .iter()
                .filter_map(|u| Some((u.gateways.iter().find(|g| g.gateway_id == id)?, u.sf)))
                .collect();
            let n = heard.len() as u32;
            GatewayReception {
                gateway_id: id.to_owned(),
                heard: n,
                per: (expected > 0)
                    .then(|| f64::from(expected.saturating_sub(n)) / f64::from(expected)),
                rssi: median(&heard.iter().filter_map(|(r, _)| r.rssi).collect::<Vec<_>>()),
                snr: median(&heard.iter().filter_map(|(r, _)| r.snr).collect::<Vec<_>>()),
                snr_quality: median_margin_quality(
                    heard.iter().filter_map(|(r, sf)| Some((r.snr?, *sf))),
                ),
            }
        })
        .collect();
    // The gateways hearing the most first; of those hearing as many, the best signal.
    crate::sort::sort_by(&mut out, |a, b| {
        b.heard
            .cmp(&a.heard)
            .then_with(|| crate::journey::best_signal_first((a.snr, a.rssi), (b.snr, b.rssi)))
            .then(a.gateway_id.cmp(&b.gateway_id))
    });
    out
}

fn downlinks(store: &Timeline, lane: &str) -> Downlinks {
    const ORDER: [&str; 7] = [
        "queued",
        "forwarded to the Network Server",
        "scheduled",
        "sent to the gateway",
        "transmitted",
        "acknowledged",
        "pending",
    ];
    let mut d = Downlinks::default();
    for status in downlink_statuses(store, lane) {
        d.total += 1;
        if status.failed {
            let what = format!(
                "{}: {}",
                if status.stage == Some("acknowledged") {
                    "nacked"
                } else {
                    "failed"
                },
                status.reason.unwrap_or_default()
            );
            match d.failures.iter_mut().find(|(w, _)| *w == what) {
                Some((_, n)) => *n += 1,
                None => d.failures.push((what, 1)),
            }
            continue;
        }
        let stage = status.stage.unwrap_or("pending");
        match d.by_stage.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, n)) => *n += 1,
            None => d.by_stage.push((stage, 1)),
        }
    }
    crate::sort::sort_by_key(&mut d.by_stage, |(s, _)| {
        ORDER.iter().position(|o| o == s).unwrap_or(ORDER.len())
    });
    crate::sort::sort_by_key(&mut d.failures, |f| std::cmp::Reverse(f.1));
    d
}
