//! Missed uplinks from frame counters: gaps between consecutive uplinks of
//! one session, FCnt resets (a new session or a device reset), 16-bit wrap,
//! retransmissions; and the packet error rate.
//!
//! Why: "uplinks are missing" is the most common complaint, and the FCnt is
//! the ground truth. Rules (insight-anchors): a retransmission (same FCnt)
//! is not a new uplink; a reset starts a new session and is not a gap; PER =
//! missed ÷ (received + missed). A forward jump larger than LoRaWAN's
//! MAX_FCNT_GAP (16,384) is not counted as missed (the NS would not accept
//! it either) but reported as a jump.

use super::uplinks::Uplink;

/// LoRaWAN 1.0's MAX_FCNT_GAP.
pub const MAX_GAP: u32 = 16_384;

/// Missed uplinks between two received ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// First and last missing FCnt (16-bit values wrap past 65,535).
    pub from: u32,
    pub to: u32,
    pub count: u32,
    /// The time of the uplink after the gap (ns).
    pub time: i64,
    /// The session's DevAddr (hex), when the uplinks name it: FCnt alone
    /// does not tell one session's uplinks from another's.
    pub session: Option<String>,
}

impl Gap {
    /// `FCnt 13–14`, `FCnt 13`.
    pub fn range(&self) -> String {
        if self.count == 1 {
            format!("FCnt {}", self.from)
        } else {
            format!("FCnt {}–{}", self.from, self.to)
        }
    }
}

/// A counter that started again (or jumped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset {
    pub from: u32,
    pub to: u32,
    pub time: i64,
    /// "new session (DevAddr changed)", "FCnt reset", "FCnt jumped".
    pub why: &'static str,
}

/// The three kinds of [`Reset::why`].
const NEW_SESSION: &str = "new session (DevAddr changed)";
const WENT_BACK: &str = "FCnt reset";
const JUMPED: &str = "FCnt jumped";

impl Reset {
    /// What happened, in a user's words, e.g. "new session (DevAddr
    /// changed) after FCnt 41".
    pub fn words(&self) -> String {
        let (from, to) = (self.from, self.to);
        match self.why {
            // A new session starts at 0: worth saying only when it did not.
            NEW_SESSION if to == 0 => format!("{NEW_SESSION} after FCnt {from}"),
            NEW_SESSION => format!("{NEW_SESSION} after FCnt {from}; it began at FCnt {to}"),
            WENT_BACK => format!("FCnt went back from {from} to {to}, same DevAddr"),
            why => format!("{why} from {from} to {to}"),
        }
    }

    /// Whether the counter started again (a new session or a reset), not
    /// jumped ahead.
    pub fn is_restart(&self) -> bool {
        self.why != JUMPED
    }
}

/// The counters of a device's uplinks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    /// Distinct uplinks (retransmissions not counted again).
    pub received: u32,
    pub missed: u32,
    pub retransmissions: u32,
    pub gaps: Vec<Gap>,
    pub resets: Vec<Reset>,
    /// The first and the latest FCnt of the latest session.
    pub range: Option<(u32, u32)>,
}

impl Counters {
    /// Whether the counter started again at least once: `range` is then the
    /// latest session's, and gaps can lie in earlier ones.
    pub fn restarted(&self) -> bool {
        self.resets.iter().any(Reset::is_restart)
    }

    /// What the resets are, for the line that lists them.
    pub fn resets_heading(&self) -> &'static str {
        match (
            self.restarted(),
            self.resets.iter().any(|r| !r.is_restart()),
        ) {
            (true, true) => "Counter restarts and jumps",
            (true, false) => "Counter restarts",
            (false, _) => "Counter jumps",
        }
    }

    /// Missed ÷ (received + missed); `None` with nothing received.
    pub fn per(&self) -> Option<f64> {
        let all = self.received + self.missed;
        (all > 0).then(|| f64::from(self.missed) / f64::from(all))
    }

    /// "2 missed (FCnt 13–14)", "5 missed (FCnt 13–14, 20–22)", "none missed".
    pub fn missed_text(&self) -> String {
        if self.missed == 0 {
            return "none missed".to_owned();
        }
        let ranges: Vec<String> = self
            .gaps
            .iter()
            .rev()
            .take(5)
            .rev()
            .map(|g| g.range().trim_start_matches("FCnt ").to_owned())
            .collect();
        let more = if self.gaps.len() > 5 { ", …" } else { "" };
        format!("{} missed (FCnt {}{more})", self.missed, ranges.join(", "))
    }
}

/// Reads the counters of uplinks in time order.
pub fn counters(uplinks: &[Uplink]) -> Counters {
    let mut c = Counters::default();
    // Only 16-bit values seen: wrap at 65,536 is possible.
    let sixteen = uplinks.iter().filter_map(|u| u.f_cnt).all(|n| n <= 0xFFFF);
    let mut prev: Option<(u32, Option<&str>)> = None;
    for up in uplinks {
        let Some(f) = up.f_cnt else {
            c.received += 1;
            continue;
        };
        let session = up.session.as_deref();
        let Some((p, ps)) = prev else {
            c.received += 1;
            c.range = Some((f, f));
            prev = Some((f, session));
            continue;
        };
        let new_session = matches!((ps, session), (Some(a), Some(b)) if a != b);
        if new_session {
            c.resets.push(Reset {
                from: p,
                to: f,
                time: up.time,
                why: NEW_SESSION,
            });
            c.received += 1;
            c.range = Some((f, f));
        } else if f == p {
            c.retransmissions += 1;
        } else {
            let wrapped = sixteen && f < p && p > 0xFFFF - MAX_GAP && f < MAX_GAP;
            let ahead = if wrapped {
                f + 0x1_0000 - p
            } else {
                f.wrapping_sub(p)
            };
            if f < p && !wrapped {
                c.resets.push(Reset {
                    from: p,
                    to: f,
                    time: up.time,
                    why: WENT_BACK,
                });
                c.range = Some((f, f));
            } else if ahead > MAX_GAP {
                c.resets.push(Reset {
                    from: p,
                    to: f,
                    time: up.time,
                    why: JUMPED,
                });
                c.range = Some((f, f));
            } else if ahead > 1 {
                let from = (p + 1) & if wrapped { 0xFFFF } else { u32::MAX };
                let to = if f == 0 { 0xFFFF } else { f - 1 };
                c.gaps.push(Gap {
                    from,
                    to,
                    count: ahead - 1,
                    time: up.time,
                    session: session.or(ps).map(str::to_owned),
                });
                c.missed += ahead - 1;
            }
            c.received += 1;
            c.range = c.range.map(|(first, _)| (first, f));
        }
        prev = Some((f, session.or(ps)));
    }
    c
}
