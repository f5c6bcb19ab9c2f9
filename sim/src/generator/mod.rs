//! The deterministic traffic generator: turns a `Fleet` and a seed into an endless sequence of
//! internally consistent TTS events — OTAA joins (accepted or rejected), uplinks heard by 1–3
//! gateways, confirmed downlinks sent in the Rx1 window of the device's next uplink and
//! acknowledged (or not) by the one after, gateway connect/status/stats/disconnect, drops and
//! decode failures, registry events — following the flows and correlation IDs of API.md §8 and
//! `data/example-events.jsonl`.
//!
//! Flows run on a virtual clock (`schedule.rs`): each starts at a virtual time, its events hop at
//! realistic delays (milliseconds between components, the NS de-duplication window, the 1 s and
//! 5 s receive windows), flows overlap, and events leave in time order, stamped with their planned
//! time. Virtual time 0 is anchored to the wall clock when the generator starts; on average
//! `rate` events are planned per virtual second.
//!
//! The demo fleet plays named scenarios on a timetable (`cast.rs`, `scenario.rs`): a lossy
//! device, a rejoining device whose first attempt is rejected, confirmed downlinks acked, nacked
//! and too late, a device heard near, mid and far, a weak device, a gateway that disconnects.
//!
//! Exists so the viewer can be developed and benchmarked without a real network. The same seed
//! must always give the same sequence of names and entity choices; only `time` and the time part
//! of ULIDs come from the clock. It must never panic, whatever the fleet size (even empty).

mod cast;
mod downlink;
mod entities;
mod flows;
mod join;
mod payload;
mod scenario;
mod schedule;
pub mod template;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_flows;
#[cfg(test)]
mod tests_scenarios;
mod uplink;

use serde_json::{json, Value};

use crate::clock::Nanos;
use crate::fleet::{Device, Fleet, Gateway, SensorKind};
use crate::prng::{base64, Prng};
use cast::{Cast, Outcome};
use join::Answer;
use scenario::Timetable;
use schedule::{Edit, Planned, Queue, SEC};
use template::{finalize, instantiate, Subst};

/// The `origin` of generated events (a self-hosted open-source server's hostname).
pub const ORIGIN: &str = "eventline-sim";

struct GatewayState {
    gw: Gateway,
    connected: bool,
    /// Virtual time from which a disconnected gateway connects again.
    back_at: Nanos,
    /// Virtual time of its last planned event.
    busy_until: Nanos,
    conn: String,
    host: String,
    stats_due: u64,
}

/// A confirmed application downlink on its way: pushed, then sent in the Rx1 window of the
/// device's next uplink, then acknowledged (or not) by the uplink after that.
#[derive(Debug, Clone)]
struct Downlink {
    /// `as:downlink:` and `rpc:/ttn.lorawan.v3.AppAs/DownlinkQueuePush:`.
    ids: Vec<String>,
    f_port: u32,
    frm_payload: Vec<u8>,
    /// Application downlink frame counter.
    f_cnt: u32,
    /// Whether the gateway transmitted it (a failed transmission is never acknowledged).
    delivered: bool,
    /// Virtual time of the transmission: only an uplink after it can acknowledge it.
    on_air: Nanos,
    /// What it comes to, when a scenario says (else chance decides).
    outcome: Option<Outcome>,
}

struct DeviceState {
    dev: Device,
    app_index: usize,
    dev_addr: String,
    /// The FCnt of its next uplink.
    f_cnt: u32,
    down_f_cnt: u32,
    session_key_id: String,
    /// Virtual time when the device's last planned flow ends.
    busy_until: Nanos,
    /// Pushed, waiting for an uplink to be sent after.
    pending: Option<Downlink>,
    /// Sent, waiting for the next uplink to acknowledge it.
    awaiting: Option<Downlink>,
}

/// The generator. Call [`Generator::next_event`] forever.
pub struct Generator {
    p: Prng,
    fleet: Fleet,
    gateways: Vec<GatewayState>,
    devices: Vec<DeviceState>,
    queue: Queue,
    /// Virtual time at which the next flow starts.
    next_flow: Nanos,
    /// Wall-clock time of virtual time 0 (set when the generator starts).
    anchor: Option<Nanos>,
    /// Events planned per virtual second, on average.
    rate: f64,
    stats_every: u64,
    token_id: String,
    /// The named scenarios' parts and timetable (empty without them).
    cast: Cast,
    timetable: Timetable,
}

impl Generator {
    /// A generator for `fleet`; `stats_every` = events between two connection-stats messages of
    /// one gateway. It plans `stats_every / 60` events per second (so each gateway reports about
    /// once a minute) unless [`Generator::with_rate`] says otherwise. The parts of the named
    /// scenarios the fleet has play them (see [`Generator::without_scenarios`]).
    pub fn new(fleet: Fleet, seed: u64, stats_every: u64) -> Self {
        let mut p = Prng::new(seed);
        let stats_every = stats_every.max(1);
        let n_gw = fleet.gateways.len().max(1) as u64;
        let gateways = fleet
            .gateways
            .iter()
            .enumerate()
            .map(|(i, g)| GatewayState {
                gw: g.clone(),
                connected: false,
                back_at: 0,
                busy_until: 0,
                conn: String::new(),
                host: String::new(),
                stats_due: stats_every * (i as u64 + 1) / n_gw,
            })
            .collect();
        let devices = fleet
            .applications
            .iter()
            .enumerate()
            .flat_map(|(ai, a)| a.devices.iter().map(move |d| (ai, d.clone())))
            .map(|(app_index, dev)| DeviceState {
                dev_addr: dev.dev_addr.clone(),
                f_cnt: p.below(2000) as u32,
                down_f_cnt: p.below(50) as u32,
                session_key_id: base64(&p.bytes(16)),
                busy_until: 0,
                pending: None,
                awaiting: None,
                app_index,
                dev,
            })
            .collect();
        let token_id = crate::auth::DEMO_API_KEY
            .split('.')
            .nth(1)
            .unwrap_or_default()
            .to_string();
        let cast = Cast::of(&fleet, 0x0100 + p.below(0x0F00) as u16);
        let mut g = Self {
            p,
            fleet,
            gateways,
            devices,
            queue: Queue::default(),
            next_flow: 0,
            anchor: None,
            rate: (stats_every as f64 / 60.0).max(0.01),
            stats_every,
            token_id,
            cast,
            timetable: Timetable::default(),
        };
        g.timetable();
        g
    }

    /// Plays no named scenario: every device and gateway gets the generic random choices.
    #[must_use]
    pub fn without_scenarios(mut self) -> Self {
        self.cast = Cast::default();
        self.timetable = Timetable::default();
        self
    }

    /// Plans `rate` events per virtual second on average (ignored unless positive and finite).
    #[must_use]
    pub fn with_rate(mut self, rate: f64) -> Self {
        if rate.is_finite() && rate > 0.0 {
            self.rate = rate;
        }
        self
    }

    /// Anchors virtual time 0 to the wall-clock time `at` (only the first call counts).
    pub fn start(&mut self, at: Nanos) {
        self.anchor.get_or_insert(at);
    }

    /// Moves every event not yet taken `by` later (a source that fell behind skips ahead).
    pub fn delay(&mut self, by: Nanos) {
        if let Some(a) = self.anchor.as_mut() {
            *a += by.max(0);
        }
    }

    /// The wall-clock time of the next event; `None` before [`Generator::start`].
    pub fn due(&mut self) -> Option<Nanos> {
        let anchor = self.anchor?;
        self.fill();
        self.queue.next_at().map(|at| anchor + at)
    }

    /// The next event in time order, stamped with its planned time. The first call anchors
    /// virtual time 0 to `now` (see [`Generator::start`]); later calls ignore `now`.
    pub fn next_event(&mut self, now: Nanos) -> Value {
        self.start(now);
        for _ in 0..1000 {
            self.fill();
            match self.queue.pop() {
                Some(planned) => {
                    if let Some(v) = self.emit(planned) {
                        return v;
                    }
                }
                None => break,
            }
        }
        let mut v = json!({"name": "gs.up.drop"});
        let uid = self.p.ulid(now);
        finalize(&mut v, now, uid, ORIGIN, &self.token_id);
        v
    }

    /// Plans flows until no flow still to plan could start before the earliest waiting event.
    fn fill(&mut self) {
        for _ in 0..1000 {
            if self
                .queue
                .next_at()
                .is_some_and(|at| at < self.next_start())
            {
                return;
            }
            self.plan();
        }
    }

    /// When the next flow starts: a scenario step due before the next random flow starts on
    /// time.
    fn next_start(&self) -> Nanos {
        self.timetable
            .next_at()
            .map_or(self.next_flow, |at| at.min(self.next_flow))
    }

    fn emit(&mut self, planned: Planned) -> Option<Value> {
        let anchor = self.anchor.unwrap_or(0);
        let t = anchor + planned.at;
        let s = planned.subst.shifted(anchor);
        let mut v = instantiate(planned.name, planned.nth, &s, &mut self.p)?;
        for e in &planned.edits {
            e.apply(&mut v);
        }
        let uid = self.p.ulid(t);
        finalize(&mut v, t, uid, ORIGIN, &self.token_id);
        Some(v)
    }

    /// Plans `name` at virtual time `at` with `s` (its `time` set to `at`).
    fn put(&mut self, at: Nanos, name: &'static str, nth: usize, s: &Subst) {
        self.put_edited(at, name, nth, s, Vec::new());
    }

    fn put_edited(
        &mut self,
        at: Nanos,
        name: &'static str,
        nth: usize,
        s: &Subst,
        edits: Vec<Edit>,
    ) {
        let mut s = s.clone();
        s.time = at;
        self.queue.push(at, name, nth, s, edits);
    }

    /// A ULID for virtual time `t`.
    fn ulid(&mut self, t: Nanos) -> String {
        self.p.ulid(self.anchor.unwrap_or(0) + t)
    }

    /// A random delay between `lo` and `hi` milliseconds (microsecond steps).
    fn ms(&mut self, lo: f64, hi: f64) -> Nanos {
        let (lo, hi) = ((lo * 1000.0) as i64, (hi * 1000.0) as i64);
        self.p.range(lo, hi) * 1000
    }

    /// `base` plus one new correlation ID per prefix (`ns:uplink:`, `rpc:/…:`),
    /// as each hop through the stack adds its own.
    fn hop(&mut self, base: &[String], prefixes: &[&str], t: Nanos) -> Vec<String> {
        let mut ids = base.to_vec();
        for prefix in prefixes {
            ids.push(format!("{prefix}{}", self.ulid(t)));
        }
        ids
    }

    /// Plans the next flow at its start, then moves `next_flow` on by as many events as the
    /// flow planned, at `rate` (±50 %).
    fn plan(&mut self) {
        let t0 = self.next_start();
        let before = self.queue.planned();
        self.plan_at(t0);
        let k = (self.queue.planned() - before).max(1);
        let gap = k as f64 / self.rate * (0.5 + self.p.unit());
        self.next_flow = self.next_flow.max(t0) + ((gap * SEC as f64) as Nanos).max(1);
    }

    fn plan_at(&mut self, t0: Nanos) {
        let back = |g: &GatewayState| !g.connected && g.back_at <= t0;
        if let Some(g) = self.gateways.iter().position(back) {
            return self.connect(g, t0);
        }
        let planned = self.queue.planned();
        let due = |g: &GatewayState| g.connected && g.stats_due <= planned;
        if let Some(g) = self.gateways.iter().position(due) {
            return self.stats(g, t0);
        }
        if self.play(t0) {
            return;
        }
        if self.devices.is_empty() || self.gateways.is_empty() {
            return self.registry(t0);
        }
        let d = self.pick_device(t0);
        // The rejoiner joins, and the downlink device gets downlinks, on their own timetable
        // only (a random join would also drop the downlink device's queued downlink).
        let (rejoiner, downlinks) = (
            self.cast.rejoiner == Some(d),
            self.cast.downlinks == Some(d),
        );
        match self.p.below(100) {
            0..=59 => self.uplink(d, t0, uplink::UpKind::Normal),
            60..=67 if downlinks => self.uplink(d, t0, uplink::UpKind::Normal),
            60..=67 => self.push_downlink(d, t0),
            68..=73 if rejoiner || downlinks => self.uplink(d, t0, uplink::UpKind::Normal),
            68..=72 => self.join(d, t0, Answer::Accept),
            73 => self.join(d, t0, Answer::ReuseDevNonce),
            74..=76 => self.uplink(d, t0, uplink::UpKind::DecodeFail),
            77..=79 => self.gs_drop(t0),
            80..=82 => self.ns_drop(d, t0),
            83..=84 => self.uplink(d, t0, uplink::UpKind::AsDrop),
            85..=98 => self.registry(t0),
            _ => self.reconnect(t0),
        }
    }

    /// A random device, or the next one that is not in the middle of a flow (a device sends
    /// one frame at a time) when there is one.
    fn pick_device(&mut self, t0: Nanos) -> usize {
        let n = self.devices.len();
        let d = self.p.below(n as u64) as usize;
        (0..n)
            .map(|i| (d + i) % n)
            .find(|&c| self.devices.get(c).is_some_and(|ds| ds.busy_until <= t0))
            .unwrap_or(d)
    }

    /// Marks device `d` busy until `t` (virtual).
    fn busy(&mut self, d: usize, t: Nanos) {
        if let Some(ds) = self.devices.get_mut(d) {
            ds.busy_until = ds.busy_until.max(t);
        }
    }

    fn sensor(&self, d: usize) -> SensorKind {
        self.devices
            .get(d)
            .and_then(|ds| self.fleet.applications.get(ds.app_index))
            .map_or(SensorKind::Generic, |a| a.sensor)
    }
}

/// `"0.792413s"`: a protobuf `Duration` in JSON.
fn duration(d: Nanos) -> Value {
    json!(format!("{:.6}s", d.max(0) as f64 / SEC as f64))
}
