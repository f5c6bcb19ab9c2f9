//! Which correlation IDs mean "this one message", and which way an event's
//! message travels.
//!
//! Why: grouping on every shared correlation ID would merge unrelated
//! messages. `gs:conn:` is shared by everything one gateway connection
//! carries, `gs:up:host:` by every uplink through one host; a downlink's
//! scheduling events also carry the IDs of the uplink that opened its receive
//! window, and an ack carries the IDs of the uplink that brought it. So an
//! event joins a message by the IDs of its own direction only, and refers to
//! the other direction's message without merging it (API.md §8).

use crate::tts::Event;

/// What one correlation ID is scoped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One uplink (or join-request) through the stack.
    Uplink,
    /// One downlink (or join-accept) through the stack.
    Downlink,
    /// Shared by many messages (a gateway connection, a host, a status
    /// message, an API call that is not about one message): never joins.
    Shared,
}

/// Message-scoped prefixes for uplinks (the RPCs that carry one uplink too).
const UPLINK: [&str; 6] = [
    "gs:uplink:",
    "ns:uplink:",
    "as:up:",
    "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:",
    "rpc:/ttn.lorawan.v3.NsAs/HandleUplink:",
    "rpc:/ttn.lorawan.v3.NsJs/HandleJoin:",
];

/// Message-scoped prefixes for downlinks.
const DOWNLINK: [&str; 9] = [
    "as:downlink:",
    "ns:downlink:",
    "ns:transmission:",
    "gs:down:",
    "gs:tx_ack:",
    "rpc:/ttn.lorawan.v3.NsGs/ScheduleDownlink:",
    "rpc:/ttn.lorawan.v3.AppAs/DownlinkQueuePush:",
    "rpc:/ttn.lorawan.v3.AppAs/DownlinkQueueReplace:",
    "rpc:/ttn.lorawan.v3.AsNs/DownlinkQueue",
];

/// The scope of a correlation ID, by its prefix.
pub fn scope(id: &str) -> Scope {
    if UPLINK.iter().any(|p| id.starts_with(p)) {
        Scope::Uplink
    } else if DOWNLINK.iter().any(|p| id.starts_with(p)) {
        Scope::Downlink
    } else {
        Scope::Shared
    }
}

/// Whether the ID names one message (either direction).
pub fn is_message_scoped(id: &str) -> bool {
    scope(id) != Scope::Shared
}

/// The direction of the message an event is a step of, from its name:
/// downlink steps are `*.down.*`, `gs.txack.*` and the Network Server's
/// transmission results; everything else that carries a message ID is an
/// uplink step (a join-request and the Join Server's answer included).
pub fn direction(name: &str) -> Scope {
    let down = name.contains(".down.")
        || name.starts_with("gs.txack.")
        || name.starts_with("ns.down.")
        || name.starts_with("as.down.");
    if down {
        Scope::Downlink
    } else {
        Scope::Uplink
    }
}

/// The event's IDs that make it a step of its own message.
pub fn own_ids(event: &Event) -> impl Iterator<Item = &str> {
    let dir = direction(&event.name);
    event
        .correlation_ids
        .iter()
        .filter(move |id| scope(id) == dir)
}

/// The IDs of the other direction's message the event refers to (the uplink
/// that opened a downlink's window, the uplink that carried an ack).
pub fn referred_ids(event: &Event) -> impl Iterator<Item = &str> {
    let dir = direction(&event.name);
    event
        .correlation_ids
        .iter()
        .filter(move |id| matches!(scope(id), s if s != dir && s != Scope::Shared))
}

/// An event's correlation IDs as its open row offers them: those of its own
/// message, those of the other direction's message it refers to, and the
/// rest (shared by many messages, or of a kind not known to name one).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RowIds<'e> {
    pub own: Vec<&'e str>,
    /// The uplink (or downlink) it refers to, and which one it is.
    pub referred: Vec<&'e str>,
    pub referred_scope: Option<Scope>,
    pub other: Vec<&'e str>,
}

impl RowIds<'_> {
    /// What the referred IDs are, as the open row says it.
    pub fn referred_as(&self) -> &'static str {
        match self.referred_scope {
            Some(Scope::Downlink) => "Refers to the downlink: ",
            _ => "Refers to the uplink: ",
        }
    }
}

/// [`RowIds`] of `event`.
pub fn row_ids(event: &Event) -> RowIds<'_> {
    let dir = direction(&event.name);
    let mut ids = RowIds::default();
    for id in event.correlation_ids.iter() {
        match scope(id) {
            Scope::Shared => ids.other.push(id),
            s if s == dir => ids.own.push(id),
            s => {
                ids.referred.push(id);
                ids.referred_scope = Some(s);
            }
        }
    }
    ids
}

/// The component that emitted an event, as the stack names it.
pub fn component(name: &str) -> &'static str {
    match name.split('.').next().unwrap_or_default() {
        "gs" | "gcs" => "GS",
        "ns" => "NS",
        "js" => "JS",
        "as" => "AS",
        "dcs" => "DCS",
        _ => "IS",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_scoped_and_connection_ids_are_not() {
        assert_eq!(scope("gs:uplink:01JB96"), Scope::Uplink);
        assert_eq!(scope("ns:uplink:01JB96"), Scope::Uplink);
        assert_eq!(scope("as:up:01JB96"), Scope::Uplink);
        assert_eq!(
            scope("rpc:/ttn.lorawan.v3.NsJs/HandleJoin:01J"),
            Scope::Uplink
        );
        assert_eq!(scope("as:downlink:01J"), Scope::Downlink);
        assert_eq!(scope("ns:transmission:01J"), Scope::Downlink);
        assert_eq!(scope("gs:tx_ack:01J"), Scope::Downlink);
        // Shared by every message of a connection or host: never a message.
        assert_eq!(scope("gs:conn:01JB96"), Scope::Shared);
        assert_eq!(scope("gs:up:host:01JB96"), Scope::Shared);
        assert_eq!(scope("gs:status:01JB96"), Scope::Shared);
        assert_eq!(
            scope("rpc:/ttn.lorawan.v3.Events/Stream:01J"),
            Scope::Shared
        );
        assert_eq!(
            scope("rpc:/ttn.lorawan.v3.NsEndDeviceRegistry/Set:1"),
            Scope::Shared
        );
        // `as:up:` must not swallow `as:upper…`-like prefixes of other scopes.
        assert_eq!(scope("as:downlink:1"), Scope::Downlink);
    }

    /// A downlink's scheduling event also carries the uplink that opened its
    /// window: that is referred to, not followed as the downlink's own way.
    #[test]
    fn a_row_tells_its_own_message_from_the_one_it_refers_to_and_the_shared_ids() {
        let json = r#"{"name":"ns.down.data.schedule.attempt","time":"2024-10-28T10:00:00Z",
            "correlation_ids":["as:downlink:01A","gs:uplink:01B","gs:conn:01C","x:y:01D"]}"#;
        let event = Event::from_json(json.as_bytes()).expect("test event");
        let ids = row_ids(&event);
        assert_eq!(ids.own, ["as:downlink:01A"]);
        assert_eq!(ids.referred, ["gs:uplink:01B"]);
        assert_eq!(ids.referred_scope, Some(Scope::Uplink));
        assert_eq!(ids.referred_as(), "Refers to the uplink: ");
        assert_eq!(ids.other, ["gs:conn:01C", "x:y:01D"]);
    }

    #[test]
    fn directions_follow_the_event_name() {
        for up in [
            "gs.up.receive",
            "ns.up.join.process",
            "js.join.accept",
            "as.up.data.forward",
        ] {
            assert_eq!(direction(up), Scope::Uplink, "{up}");
        }
        for down in [
            "gs.down.send",
            "gs.txack.receive",
            "ns.down.join.schedule.attempt",
            "ns.down.transmission.success",
            "as.down.data.ack.forward",
        ] {
            assert_eq!(direction(down), Scope::Downlink, "{down}");
        }
        assert_eq!(component("gcs.gateway.update"), "GS");
        assert_eq!(component("js.join.accept"), "JS");
        assert_eq!(component("application.update"), "IS");
    }
}
