//! [`Timeline`]: events by arrival, lanes by entity, order by event time.

use std::collections::{HashMap, HashSet};

use crate::tts::{EntityIds, EntityKind, Event, Timestamp};

/// Position of an event in the timeline's arrival-ordered storage.
pub type EventRef = usize;

/// One entity seen in the stream, with the events that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The stable grouping key (`app/dev`, `gw:x`, …).
    pub key: String,
    /// The entity, with the newest EUIs/DevAddr the stream revealed.
    pub entity: EntityIds,
    /// The event time of the newest event in the lane.
    pub last_seen: Timestamp,
    /// Events in event-time order (oldest first); ties keep arrival order.
    order: Vec<EventRef>,
}

impl Lane {
    /// How many events name this entity.
    pub fn count(&self) -> usize {
        self.order.len()
    }

    /// Events oldest first.
    pub fn events(&self) -> &[EventRef] {
        &self.order
    }

    /// The ARIA label of the lane: `device app1/dev2`, `gateway gw2`.
    pub fn label(&self) -> String {
        match &self.entity {
            EntityIds::Device {
                application_id,
                device_id,
                ..
            } => format!("device {application_id}/{device_id}"),
            other => format!("{} {}", other.kind(), other.id()),
        }
    }
}

/// What a marker in the timeline stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerKind {
    /// `events.stream.start`: the stream is live; the names it resolved, if any.
    StreamStarted { names: Vec<String> },
}

/// A point in the timeline that is not an entity's event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub time: Timestamp,
    pub kind: MarkerKind,
}

/// Everything received, and the views over it.
#[derive(Debug, Default)]
pub struct Timeline {
    events: Vec<Event>,
    seen: HashSet<String>,
    lanes: Vec<Lane>,
    lane_index: HashMap<String, usize>,
    /// All entity events in event-time order (the flat view).
    flat: Vec<EventRef>,
    markers: Vec<Marker>,
    duplicates: u64,
}

/// Lanes are listed applications first, then their devices, gateways, and the rest.
fn kind_rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Application => 0,
        EntityKind::Device => 1,
        EntityKind::Gateway => 2,
        EntityKind::Organization => 3,
        EntityKind::User => 4,
        EntityKind::Client => 5,
    }
}

/// Merge what an event revealed about an entity (EUIs, DevAddr) into the lane's copy.
fn merge_ids(known: &mut EntityIds, seen: &EntityIds) {
    match (known, seen) {
        (
            EntityIds::Device {
                dev_eui,
                join_eui,
                dev_addr,
                ..
            },
            EntityIds::Device {
                dev_eui: new_eui,
                join_eui: new_join,
                dev_addr: new_addr,
                ..
            },
        ) => {
            if new_eui.is_some() {
                dev_eui.clone_from(new_eui);
            }
            if new_join.is_some() {
                join_eui.clone_from(new_join);
            }
            if new_addr.is_some() {
                dev_addr.clone_from(new_addr);
            }
        }
        (EntityIds::Gateway { eui, .. }, EntityIds::Gateway { eui: new_eui, .. })
            if new_eui.is_some() =>
        {
            eui.clone_from(new_eui);
        }
        _ => {}
    }
}

impl Timeline {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an event. Returns `false` (and counts it) when its `unique_id` was
    /// already seen. `events.stream.start` becomes a marker, not a lane event.
    pub fn push(&mut self, event: Event) -> bool {
        if !event.unique_id.is_empty() && !self.seen.insert(event.unique_id.clone()) {
            self.duplicates += 1;
            return false;
        }
        if event.name == "events.stream.start" {
            let names = event
                .data
                .as_ref()
                .and_then(|d| d.to_value().ok())
                .and_then(|v| v.get("value").cloned())
                .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
                .unwrap_or_default();
            self.markers.push(Marker {
                time: event.time,
                kind: MarkerKind::StreamStarted { names },
            });
            return true;
        }
        let at = self.events.len();
        let time = event.time;
        for ids in &event.identifiers {
            let key = ids.key();
            let lane_at = match self.lane_index.get(&key) {
                Some(&i) => i,
                None => self.add_lane(key, ids),
            };
            if let Some(lane) = self.lanes.get_mut(lane_at) {
                merge_ids(&mut lane.entity, ids);
                if time > lane.last_seen || lane.order.is_empty() {
                    lane.last_seen = time;
                }
                let events = &self.events;
                let pos = lane
                    .order
                    .partition_point(|&r| events.get(r).is_some_and(|e| e.time <= time));
                lane.order.insert(pos, at);
            }
        }
        let events = &self.events;
        let pos = self
            .flat
            .partition_point(|&r| events.get(r).is_some_and(|e| e.time <= time));
        self.flat.insert(pos, at);
        self.events.push(event);
        true
    }

    fn add_lane(&mut self, key: String, ids: &EntityIds) -> usize {
        let lane = Lane {
            key: key.clone(),
            entity: ids.clone(),
            last_seen: Timestamp::from_unix_nanos(i64::MIN),
            order: Vec::new(),
        };
        let rank = |l: &Lane| (kind_rank(l.entity.kind()), l.key.clone());
        let new_rank = rank(&lane);
        let pos = self.lanes.partition_point(|l| rank(l) < new_rank);
        self.lanes.insert(pos, lane);
        self.lane_index = self
            .lanes
            .iter()
            .enumerate()
            .map(|(i, l)| (l.key.clone(), i))
            .collect();
        pos
    }

    /// The event stored at `r`.
    pub fn event(&self, r: EventRef) -> Option<&Event> {
        self.events.get(r)
    }

    /// Lanes, applications first, then devices, gateways, organizations, users, clients.
    pub fn lanes(&self) -> &[Lane] {
        &self.lanes
    }

    /// Every entity event in event-time order, oldest first.
    pub fn flat(&self) -> &[EventRef] {
        &self.flat
    }

    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// Entity events received (an event naming two entities counts once).
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Events dropped because their `unique_id` had been seen.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, time: &str, ids: &str, unique: &str) -> Event {
        let json = format!(
            r#"{{"name":"{name}","time":"{time}","identifiers":[{ids}],"unique_id":"{unique}"}}"#
        );
        Event::from_json(json.as_bytes()).expect("test event")
    }

    const DEV: &str = r#"{"device_ids":{"device_id":"dev2","application_ids":{"application_id":"app1"},"dev_eui":"70B3D57ED0061A2B"}}"#;
    const APP: &str = r#"{"application_ids":{"application_id":"app1"}}"#;
    const GW: &str = r#"{"gateway_ids":{"gateway_id":"gw2"}}"#;
    const USER: &str = r#"{"user_ids":{"user_id":"alice"}}"#;

    #[test]
    fn events_are_grouped_into_lanes_by_entity() {
        let mut t = Timeline::new();
        t.push(event("gs.up.receive", "2024-10-28T10:00:00Z", GW, "A"));
        t.push(event(
            "as.up.data.forward",
            "2024-10-28T10:00:01Z",
            DEV,
            "B",
        ));
        t.push(event(
            "application.collaborator.update",
            "2024-10-28T10:00:02Z",
            &format!("{APP},{USER}"),
            "C",
        ));
        let labels: Vec<String> = t.lanes().iter().map(Lane::label).collect();
        assert_eq!(
            labels,
            [
                "application app1",
                "device app1/dev2",
                "gateway gw2",
                "user alice"
            ]
        );
        assert!(t.lanes().iter().all(|l| l.count() == 1));
        assert_eq!(t.len(), 3);
        assert_eq!(t.lanes()[1].entity.eui(), Some("70B3D57ED0061A2B"));
    }

    #[test]
    fn late_events_land_in_their_place_by_integer_time() {
        let mut t = Timeline::new();
        // 0, 3, 6 and 9 fraction digits: string order would be wrong here.
        t.push(event("gs.up.receive", "2024-10-28T10:00:01Z", GW, "A"));
        t.push(event("gs.up.receive", "2024-10-28T10:00:00.9Z", GW, "B"));
        t.push(event(
            "gs.up.receive",
            "2024-10-28T10:00:00.123456789Z",
            GW,
            "C",
        ));
        t.push(event(
            "gs.up.receive",
            "2024-10-28T11:00:00.5+01:00",
            GW,
            "D",
        ));
        let order: Vec<&str> = t.lanes()[0]
            .events()
            .iter()
            .filter_map(|&r| t.event(r))
            .map(|e| e.unique_id.as_str())
            .collect();
        assert_eq!(order, ["C", "D", "B", "A"]);
        let flat: Vec<&str> = t
            .flat()
            .iter()
            .filter_map(|&r| t.event(r))
            .map(|e| e.unique_id.as_str())
            .collect();
        assert_eq!(flat, ["C", "D", "B", "A"]);
        assert_eq!(
            t.lanes()[0].last_seen,
            Timestamp::parse("2024-10-28T10:00:01Z").unwrap()
        );
    }

    #[test]
    fn a_repeated_unique_id_is_counted_not_shown_twice() {
        let mut t = Timeline::new();
        assert!(t.push(event("gs.up.receive", "2024-10-28T10:00:00Z", GW, "A")));
        assert!(!t.push(event("gs.up.receive", "2024-10-28T10:00:00Z", GW, "A")));
        assert_eq!((t.len(), t.duplicates()), (1, 1));
    }

    #[test]
    fn stream_start_is_a_marker_not_an_entity_event() {
        let mut t = Timeline::new();
        let start = r#"{"name":"events.stream.start","time":"2024-10-28T10:00:00Z","identifiers":[{"application_ids":{"application_id":"app1"}}],"data":{"@type":"type.googleapis.com/google.protobuf.Value","value":["as.up.data.forward"]},"unique_id":"S"}"#;
        t.push(Event::from_json(start.as_bytes()).unwrap());
        assert!(t.lanes().is_empty());
        assert_eq!(
            t.markers()[0].kind,
            MarkerKind::StreamStarted {
                names: vec!["as.up.data.forward".into()]
            }
        );
    }
}
