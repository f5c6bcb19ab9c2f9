//! The timetable of the demo fleet's named scenarios (the parts are in `cast.rs`): on fixed
//! virtual times the rejoining device's episodes (a join-request the Join Server rejects, then an
//! accepted retry), the downlink device's rounds (three confirmed downlinks, each sent after an
//! uplink and answered by the next one: acked, nacked, too late) and the flaky gateway's
//! disconnections (every three minutes, back about a minute later).
//!
//! Exists so a demo shows every health signal within its first minute at the default rate,
//! whatever the seed. A step starts on time (before the next random flow when that starts
//! later), and its events count toward `--rate` like any other's: they move the next random
//! flow later. Ties keep the order steps were added in.

use super::join::Answer;
use super::schedule::SEC;
use super::uplink::UpKind;
use super::Generator;
use crate::clock::Nanos;

/// The rejoiner's first episode, and the time between two.
pub(super) const REJOIN_FIRST: Nanos = 5 * SEC;
pub(super) const REJOIN_EVERY: Nanos = 120 * SEC;
/// The downlink device's first round, and the time between two.
pub(super) const ROUND_FIRST: Nanos = 3 * SEC;
pub(super) const ROUND_EVERY: Nanos = 120 * SEC;
/// The flaky gateway's first disconnection, and the time between two.
pub(super) const DISCONNECT_FIRST: Nanos = 40 * SEC;
pub(super) const DISCONNECT_EVERY: Nanos = 180 * SEC;
/// How long it stays disconnected (milliseconds, at random between the two): about a minute.
const OFFLINE_MS: (f64, f64) = (55_000.0, 65_000.0);

/// A round of the downlink device: (seconds after its start, step). Each uplink sends the
/// downlink pushed before it and answers the one the uplink before sent.
const ROUND: [(Nanos, Step); 6] = [
    (0, Step::Push),
    (2, Step::Uplink),
    (5, Step::Push),
    (7, Step::Uplink),
    (10, Step::Push),
    (12, Step::Uplink),
];

/// One step of the timetable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// The rejoiner sends a join-request the Join Server rejects (DevNonce too small).
    Reject,
    /// It tries again; accepted (new DevAddr, session and FCnt 0).
    Retry,
    /// A round of the downlink device starts.
    Round,
    /// The application pushes a confirmed downlink to the downlink device.
    Push,
    /// The downlink device sends an uplink.
    Uplink,
    /// The flaky gateway loses its connection, once the events it was part of are over; from
    /// now on it hears nothing.
    Disconnect,
    /// It connects again (about 60 s after it disconnected), with a new connection.
    Reconnect,
}

/// The steps to come: (virtual time, order added, step).
#[derive(Debug, Default)]
pub(super) struct Timetable {
    steps: Vec<(Nanos, u64, Step)>,
    added: u64,
}

impl Timetable {
    /// Adds `step` at `at`.
    pub fn add(&mut self, at: Nanos, step: Step) {
        self.added += 1;
        self.steps.push((at, self.added, step));
    }

    /// The virtual time of the earliest step.
    pub fn next_at(&self) -> Option<Nanos> {
        self.steps.iter().map(|s| s.0).min()
    }

    /// Takes the earliest step due at `t`.
    pub fn due(&mut self, t: Nanos) -> Option<Step> {
        let i = (0..self.steps.len())
            .filter(|&i| self.steps.get(i).is_some_and(|s| s.0 <= t))
            .min_by_key(|&i| self.steps.get(i).map(|s| (s.0, s.1)))?;
        Some(self.steps.swap_remove(i).2)
    }
}

impl Generator {
    /// The timetable of the parts the fleet has.
    pub(super) fn timetable(&mut self) {
        let mut t = Timetable::default();
        if self.cast.rejoiner.is_some() {
            t.add(REJOIN_FIRST, Step::Reject);
        }
        if self.cast.downlinks.is_some() {
            t.add(ROUND_FIRST, Step::Round);
        }
        if self.cast.flaky.is_some() {
            t.add(DISCONNECT_FIRST, Step::Disconnect);
        }
        self.timetable = t;
    }

    /// Plans the earliest scenario step due at `t0`; whether there was one.
    pub(super) fn play(&mut self, t0: Nanos) -> bool {
        while let Some(step) = self.timetable.due(t0) {
            let (rejoiner, device, flaky) =
                (self.cast.rejoiner, self.cast.downlinks, self.cast.flaky);
            match (step, rejoiner, device, flaky) {
                (Step::Round, _, Some(_), _) => {
                    for (after, s) in ROUND {
                        self.timetable.add(t0 + after * SEC, s);
                    }
                    self.timetable.add(t0 + ROUND_EVERY, Step::Round);
                    continue;
                }
                (Step::Reject, Some(d), _, _) => {
                    // The device waits out both receive windows, backs off, tries again.
                    let retry = t0 + self.ms(6500.0, 9000.0);
                    self.timetable.add(retry, Step::Retry);
                    self.join(d, t0, Answer::DevNonceTooSmall);
                    self.busy(d, retry);
                }
                (Step::Retry, Some(d), _, _) => {
                    self.timetable
                        .add(t0 + REJOIN_EVERY - 8 * SEC, Step::Reject);
                    self.join(d, t0, Answer::Accept);
                }
                (Step::Push, _, Some(d), _) => self.push_downlink(d, t0),
                (Step::Uplink, _, Some(d), _) => self.uplink(d, t0, UpKind::Normal),
                (Step::Disconnect, _, _, Some(g)) => {
                    self.timetable.add(t0 + DISCONNECT_EVERY, Step::Disconnect);
                    let busy = self.gateways.get(g).map_or(t0, |gs| gs.busy_until);
                    let gone = t0.max(busy + self.ms(1.0, 5.0));
                    let back = gone + self.ms(OFFLINE_MS.0, OFFLINE_MS.1);
                    self.timetable.add(back, Step::Reconnect);
                    self.disconnect(g, gone, Nanos::MAX);
                }
                (Step::Reconnect, _, _, Some(g)) => self.connect(g, t0),
                _ => continue,
            }
            return true;
        }
        false
    }
}
