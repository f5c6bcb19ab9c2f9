//! Journeys: one message's whole way through the stack (GS → NS → JS → AS and
//! back), from the events at hand, with timing; the gateways that heard an
//! uplink; a downlink's lifecycle; and a device's messages one per row.
//!
//! Why: "what happened to this uplink?" is the question engineers ask most,
//! and its answer is spread over gateway, device and application lanes.
//! Pure: reads the store (and events fetched from the cluster), never the
//! network or the page. Grouping rules: `scope.rs`; collecting: `gather.rs`.

mod device;
pub mod gather;
mod lifecycle;
mod messages;
mod pool;
mod reception;
mod related;
mod scope;
mod time;

#[cfg(test)]
mod tests;

pub use gather::{gather, raw_payload, DeviceKey, Found, Gathered, How, Member, Pool, Seed};
pub use lifecycle::{lifecycle, Lifecycle, Stage};
pub use messages::{downlink_statuses, messages, Message, MessageKind, MessageStatus};
pub use reception::{best_signal_first, reception, Heard};
pub use related::{parse_related, Related, MAX_RELATED};
pub use scope::{
    component, direction, is_message_scoped, own_ids, referred_ids, row_ids, scope, RowIds, Scope,
};
pub use time::{offset, span};

use crate::tts::Event;

/// What kind of message a journey follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A data uplink, with its FCnt when known.
    Uplink { f_cnt: Option<u64> },
    /// A join-request (and its join-accept).
    Join,
    /// A downlink, with its FCnt when known.
    Downlink { f_cnt: Option<u64> },
}

/// One step of a journey.
#[derive(Debug, Clone)]
pub struct Step {
    pub event: Event,
    pub how: How,
    /// Fetched from the cluster, not received on the stream.
    pub fetched: bool,
    /// Time since the journey's first step (ns).
    pub offset_ns: i64,
}

impl Step {
    /// `GS`, `NS`, `JS`, `AS`.
    pub fn component(&self) -> &'static str {
        component(&self.event.name)
    }

    /// The event's description from the catalogue ("forward uplink data message").
    pub fn description(&self) -> &'static str {
        self.event.definition().map_or("", |d| d.description)
    }

    /// How the step belongs to the journey, when not simply by carrying its
    /// IDs: the ACK or NACK an uplink carries is about the downlink before
    /// it, not a reply to this uplink.
    pub fn tag(&self) -> Option<&'static str> {
        match self.how {
            How::Inferred => Some("inferred"),
            How::SameFrame => Some("same frame, another gateway"),
            How::Reply if lifecycle::ACK_OF_EARLIER.contains(&self.event.name.as_str()) => {
                Some("about the downlink before")
            }
            How::Reply => Some("reply"),
            How::Carries => None,
        }
    }
}

/// One message through the stack.
#[derive(Debug, Clone)]
pub struct Journey {
    pub kind: Kind,
    /// In time order (ties by arrival).
    pub steps: Vec<Step>,
    /// The message IDs followed (what `/events/related` is asked for).
    pub ids: Vec<String>,
}

impl Journey {
    /// The journey of `seed` from the events in `pool`; `None` when none is there.
    pub fn build(pool: Pool<'_>, seed: &Seed) -> Option<Journey> {
        let gathered = gather(pool, seed);
        let mut members = gathered.members;
        if members.is_empty() {
            return None;
        }
        crate::sort::sort_by_key(&mut members, |m| m.found.event.time.unix_nanos());
        let start = members
            .first()
            .map_or(0, |m| m.found.event.time.unix_nanos());
        let steps: Vec<Step> = members
            .into_iter()
            .map(|m| Step {
                event: m.found.event.clone(),
                how: m.how,
                fetched: m.found.fetched,
                offset_ns: m.found.event.time.unix_nanos() - start,
            })
            .collect();
        Some(Journey {
            kind: kind_of(seed.direction, &steps),
            steps,
            ids: gathered.ids,
        })
    }

    /// Time from the first step to the last (ns).
    pub fn total_ns(&self) -> i64 {
        self.steps.last().map_or(0, |s| s.offset_ns)
    }

    /// The sentence above the waterfall: what the message was, how far it
    /// got, and how long that took ("join-request → join-accept forwarded to
    /// the application: 1.82 s").
    pub fn headline(&self) -> String {
        let first = self
            .steps
            .iter()
            .find(|s| s.how != How::Reply)
            .or(self.steps.first());
        let start = first.map_or(0, |s| s.offset_ns);
        let what = match &self.kind {
            Kind::Join => "join-request".to_owned(),
            Kind::Uplink { f_cnt: Some(n) } => format!("uplink FCnt {n}"),
            Kind::Uplink { f_cnt: None } => "uplink".to_owned(),
            Kind::Downlink { f_cnt: Some(n) } => format!("downlink FCnt {n}"),
            Kind::Downlink { f_cnt: None } => "downlink".to_owned(),
        };
        let (end, outcome) = self.outcome();
        if self.steps.iter().filter(|s| s.how != How::Reply).count() < 2 {
            return format!("{what} → {outcome} (only one step here, so no timing)");
        }
        format!("{what} → {outcome}: {}", span(end - start))
    }

    /// The step that says how far the message got, and that in words.
    fn outcome(&self) -> (i64, String) {
        const OUTCOMES: [(&str, &str); 16] = [
            (
                "as.up.join.forward",
                "join-accept forwarded to the application",
            ),
            ("js.join.reject", "join-request rejected by the Join Server"),
            (
                "ns.up.join.cluster.fail",
                "join-request rejected by the Join Server",
            ),
            (
                "ns.up.join.process",
                "join-accept sent by the Network Server",
            ),
            ("as.up.data.forward", "forwarded to the application"),
            ("as.up.data.drop", "dropped by the Application Server"),
            ("as.up.data.decode.fail", "payload decoder failed"),
            ("ns.up.data.drop", "dropped by the Network Server"),
            ("gs.up.drop", "dropped by the Gateway Server"),
            ("as.down.data.ack.forward", "acknowledged by the device"),
            (
                "as.down.data.nack.forward",
                "not acknowledged by the device",
            ),
            ("as.down.data.failed.forward", "failed"),
            ("gs.down.tx.fail", "the gateway did not transmit it"),
            ("ns.down.data.schedule.fail", "could not be scheduled"),
            ("ns.down.transmission.success", "transmitted by the gateway"),
            ("as.down.data.sent.forward", "sent to the gateway"),
        ];
        let own = |s: &&Step| s.how != How::Reply;
        for (name, words) in OUTCOMES {
            if let Some(step) = self.steps.iter().filter(own).find(|s| s.event.name == name) {
                return (step.offset_ns, words.to_owned());
            }
        }
        let last = self
            .steps
            .iter()
            .rev()
            .find(|s| s.how != How::Reply)
            .or(self.steps.last());
        match last {
            Some(s) => (s.offset_ns, format!("{} (last step seen)", s.description())),
            None => (0, "no steps".to_owned()),
        }
    }

    /// The link value that opens this journey for a teammate: its most
    /// specific message ID (`ns:uplink:` before `gs:uplink:`, `as:downlink:`
    /// before `ns:downlink:`).
    pub fn link_id(&self) -> Option<&str> {
        const ORDER: [&str; 6] = [
            "ns:uplink:",
            "as:downlink:",
            "ns:downlink:",
            "as:up:",
            "gs:uplink:",
            "ns:transmission:",
        ];
        ORDER.iter().find_map(|p| {
            self.ids
                .iter()
                .find(|id| id.starts_with(p))
                .map(String::as_str)
        })
    }

    /// How many steps came from the cluster rather than the stream.
    pub fn fetched(&self) -> usize {
        self.steps.iter().filter(|s| s.fetched).count()
    }
}

fn kind_of(direction: Scope, steps: &[Step]) -> Kind {
    let f_cnt = |names: &[&str]| {
        steps
            .iter()
            .filter(|s| names.contains(&s.event.name.as_str()) || names.is_empty())
            .find_map(|s| messages::f_cnt(&s.event))
    };
    if direction == Scope::Downlink {
        return Kind::Downlink {
            f_cnt: f_cnt(&[
                "ns.down.data.schedule.attempt",
                "gs.down.send",
                "as.down.data.sent.forward",
            ]),
        };
    }
    let join = steps
        .iter()
        .any(|s| s.event.name.contains(".join.") && s.how != How::Reply);
    if join {
        Kind::Join
    } else {
        Kind::Uplink {
            f_cnt: f_cnt(&[
                "ns.up.data.receive",
                "ns.up.data.process",
                "as.up.data.forward",
                "gs.up.receive",
            ]),
        }
    }
}
