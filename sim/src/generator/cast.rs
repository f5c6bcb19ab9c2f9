//! The parts of the demo fleet's named scenarios (see `scenario.rs` for their timetable): who
//! plays which part, found by ID, and what that changes in every flow of theirs — which gateways
//! hear a frame and how well, the spreading factor, the frame counter of a lossy device, the
//! DevNonce of the rejoining device, the outcome of each confirmed downlink of the downlink
//! device. Devices without a part get the generic random choices.
//!
//! Exists so the flows (`uplink.rs`, `join.rs`, `downlink.rs`) ask one place "how does this
//! device behave" instead of testing device IDs. It must only draw randomness from the
//! generator's `Prng`, so a seed still fixes everything.

use super::{payload, Generator};
use crate::fleet::Fleet;

/// `cold-chain/fridge-02`: loses uplinks (FCnt gaps).
pub(super) const LOSSY: (&str, &str) = ("cold-chain", "fridge-02");
/// `soil-sensors/soil-node-02`: rejoins; the first attempt of each episode is rejected.
pub(super) const REJOINER: (&str, &str) = ("soil-sensors", "soil-node-02");
/// `cold-chain/fridge-01`: confirmed downlinks acked, nacked and too late, in turn.
pub(super) const DOWNLINKS: (&str, &str) = ("cold-chain", "fridge-01");
/// `soil-sensors/soil-node-01`: heard by every gateway, near, mid and far.
pub(super) const HEARD_BY_ALL: (&str, &str) = ("soil-sensors", "soil-node-01");
/// `cold-chain/fridge-03`: a weak device (every reception below −110 dBm, SF11/SF12).
pub(super) const WEAK: (&str, &str) = ("cold-chain", "fridge-03");
/// The gateway that loses its connection now and then.
pub(super) const FLAKY: &str = "parking-gw-north";

/// An inclusive range (`lo`, `hi`).
type Range = (i64, i64);

/// RSSI (dBm, inclusive) and SNR (quarter dB, inclusive) ranges of the device heard by all,
/// by gateway: near, mid, far.
const BANDS: [(&str, Range, Range); 3] = [
    ("rooftop-gw-01", (-85, -70), (28, 40)),
    ("warehouse-ttig", (-105, -95), (-8, 12)),
    ("parking-gw-north", (-120, -112), (-56, -36)),
];

/// What a confirmed downlink of the downlink device comes to; they take turns in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Transmitted, acknowledged by the next uplink.
    Ack,
    /// Transmitted, not acknowledged (`as.down.data.nack.forward`).
    Nack,
    /// Not transmitted: the gateway got it too late (`TOO_LATE`).
    TooLate,
}

const OUTCOMES: [Outcome; 3] = [Outcome::Ack, Outcome::Nack, Outcome::TooLate];

/// Who plays which part (indexes into the generator's devices and gateways) and their state.
#[derive(Debug, Default)]
pub(super) struct Cast {
    pub lossy: Option<usize>,
    pub rejoiner: Option<usize>,
    pub downlinks: Option<usize>,
    pub heard_by_all: Option<usize>,
    pub weak: Option<usize>,
    pub flaky: Option<usize>,
    /// Uplinks of the lossy device that reached the stream, and its losses so far.
    lossy_heard: u32,
    losses: u32,
    /// Confirmed downlinks pushed to the downlink device (the turn of the next one).
    pushed: u32,
    /// The rejoiner's last DevNonce the Join Server accepted.
    dev_nonce: u16,
}

impl Cast {
    /// The parts `fleet` has (by application and device ID, gateway ID); `dev_nonce` starts
    /// the rejoiner's counter.
    pub fn of(fleet: &Fleet, dev_nonce: u16) -> Self {
        let device = |(app, dev): (&str, &str)| {
            fleet
                .devices()
                .position(|d| d.application_id == app && d.device_id == dev)
        };
        Self {
            lossy: device(LOSSY),
            rejoiner: device(REJOINER),
            downlinks: device(DOWNLINKS),
            heard_by_all: device(HEARD_BY_ALL),
            weak: device(WEAK),
            flaky: fleet.gateways.iter().position(|g| g.gateway_id == FLAKY),
            dev_nonce,
            ..Self::default()
        }
    }

    /// How many uplinks the lossy device `d` loses right after the one it just sent (0 for
    /// any other device): after its 2nd uplink, then after every 4th, 1, 2, 3, 1, … lost.
    pub fn lost_after(&mut self, d: usize) -> u32 {
        if self.lossy != Some(d) {
            return 0;
        }
        self.lossy_heard += 1;
        if self.lossy_heard % 4 != 2 {
            return 0;
        }
        self.losses += 1;
        1 + (self.losses - 1) % 3
    }

    /// The outcome of a confirmed downlink pushed now to `d` (`None`: the generic chances).
    pub fn outcome(&mut self, d: usize) -> Option<Outcome> {
        if self.downlinks != Some(d) {
            return None;
        }
        let o = OUTCOMES[(self.pushed % 3) as usize];
        self.pushed += 1;
        Some(o)
    }

    /// The rejoiner's DevNonce for a join-request: the last accepted one again (the Join Server
    /// rejects it, "DevNonce is too small"), or the next one (accepted).
    pub fn rejoin_nonce(&mut self, accepted: bool) -> String {
        if accepted {
            self.dev_nonce = self.dev_nonce.wrapping_add(1);
        }
        format!("{:04X}", self.dev_nonce)
    }
}

impl Generator {
    /// Connected gateways, in fleet order.
    fn online(&self) -> Vec<usize> {
        (0..self.gateways.len())
            .filter(|&g| self.gateways.get(g).is_some_and(|gs| gs.connected))
            .collect()
    }

    /// `n` different connected gateways, at random.
    pub(super) fn pick_gateways(&mut self, n: usize) -> Vec<usize> {
        let mut all = self.online();
        let mut out = Vec::new();
        while out.len() < n && !all.is_empty() {
            let i = self.p.below(all.len() as u64) as usize;
            out.push(all.remove(i));
        }
        out
    }

    /// The gateways that hear a frame of device `d`, in the order they report it: every
    /// connected one for the device heard by all, one or two for the weak device, else `n`.
    pub(super) fn audience(&mut self, d: usize, n: usize) -> Vec<usize> {
        if self.cast.heard_by_all == Some(d) {
            return self.online();
        }
        if self.cast.weak == Some(d) {
            let n = 1 + self.p.below(2) as usize;
            return self.pick_gateways(n);
        }
        self.pick_gateways(n)
    }

    /// RSSI and SNR of each reception of one frame of device `d` by the gateways `gws`.
    pub(super) fn signals(&mut self, d: usize, gws: &[usize]) -> Vec<(i64, f64)> {
        let weak = self.cast.weak == Some(d);
        // Now and then the weak device gets through a little better, but always below
        // −110 dBm (what makes it weak).
        let lucky = weak && self.p.below(5) == 0;
        let mut out = Vec::new();
        for (i, &g) in gws.iter().enumerate() {
            let id = self.gateways.get(g).map(|gs| gs.gw.gateway_id.as_str());
            let band = BANDS.iter().find(|b| Some(b.0) == id);
            let signal = match band {
                Some(&(_, rssi, snr)) if self.cast.heard_by_all == Some(d) => (
                    self.p.range(rssi.0, rssi.1),
                    self.p.range(snr.0, snr.1) as f64 / 4.0,
                ),
                _ if weak && lucky && i == 0 => (
                    self.p.range(-114, -111),
                    self.p.range(-36, -20) as f64 / 4.0,
                ),
                _ if weak => (
                    self.p.range(-120, -112),
                    self.p.range(-60, -28) as f64 / 4.0,
                ),
                _ => payload::signal(&mut self.p),
            };
            out.push(signal);
        }
        out
    }

    /// Radio settings of a frame of device `d`: SF11 or SF12 for the weak device.
    pub(super) fn radio_of(&mut self, d: usize) -> (u32, u64, u32) {
        let (sf, freq, ts) = payload::radio(&mut self.p);
        if self.cast.weak == Some(d) {
            return (11 + sf % 2, freq, ts);
        }
        (sf, freq, ts)
    }
}
