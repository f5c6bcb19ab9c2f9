//! Tests of [`Timeline`]: lanes, order, de-duplication, capacity and
//! eviction, the correlation index, and filtering as events arrive.

use super::*;
use crate::tts::{text_hash, EntityIds, Timestamp};

fn event(name: &str, time: &str, ids: &str, unique: &str) -> Event {
    let json = format!(
        r#"{{"name":"{name}","time":"{time}","identifiers":[{ids}],"unique_id":"{unique}"}}"#
    );
    Event::from_json(json.as_bytes()).expect("test event")
}

fn with_corr(name: &str, second: u32, ids: &str, unique: &str, corr: &[&str]) -> Event {
    let corr: Vec<String> = corr.iter().map(|c| format!("\"{c}\"")).collect();
    let json = format!(
        r#"{{"name":"{name}","time":"2024-10-28T10:00:{second:02}Z","identifiers":[{ids}],"correlation_ids":[{}],"unique_id":"{unique}"}}"#,
        corr.join(",")
    );
    Event::from_json(json.as_bytes()).expect("test event")
}

const DEV: &str = r#"{"device_ids":{"device_id":"dev2","application_ids":{"application_id":"app1"},"dev_eui":"70B3D57ED0061A2B"}}"#;
const APP: &str = r#"{"application_ids":{"application_id":"app1"}}"#;
const GW: &str = r#"{"gateway_ids":{"gateway_id":"gw2"}}"#;
const USER: &str = r#"{"user_ids":{"user_id":"alice"}}"#;

fn uids(t: &Timeline, lane: Option<&str>) -> Vec<String> {
    t.rows(lane)
        .map(|o| {
            o.iter()
                .filter_map(|s| t.event(s))
                .map(|e| e.unique_id.to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn labels(t: &Timeline) -> Vec<String> {
    t.lanes().map(Lane::label).collect()
}

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
    t.push(event("events.unknown", "2024-10-28T10:00:03Z", "", "D"));
    assert_eq!(
        labels(&t),
        [
            "application app1",
            "device app1/dev2",
            "gateway gw2",
            "user alice",
            "events without an entity"
        ]
    );
    assert!(t.lanes().all(|l| l.count() == 1));
    assert_eq!(t.len(), 4);
    let dev = t.lane("app1/dev2").and_then(|l| l.entity.clone());
    assert_eq!(
        dev.as_ref().and_then(EntityIds::eui),
        Some("70B3D57ED0061A2B")
    );
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
    assert_eq!(uids(&t, Some("gw:gw2")), ["C", "D", "B", "A"]);
    assert_eq!(uids(&t, None), ["C", "D", "B", "A"]);
    assert_eq!(
        t.lane("gw:gw2").map(|l| l.last_seen),
        Timestamp::parse("2024-10-28T10:00:01Z").ok()
    );
}

#[test]
fn a_repeated_unique_id_is_counted_not_shown_twice() {
    let mut t = Timeline::new();
    assert!(t.push(event("gs.up.receive", "2024-10-28T10:00:00Z", GW, "A")));
    assert!(!t.push(event("gs.up.receive", "2024-10-28T10:00:00Z", GW, "A")));
    assert_eq!((t.len(), t.duplicates()), (1, 1));
    assert_eq!(t.find("A"), Some(0));
    assert_eq!(t.find("B"), None);
}

#[test]
fn stream_start_is_a_marker_not_an_entity_event() {
    let mut t = Timeline::new();
    let start = r#"{"name":"events.stream.start","time":"2024-10-28T10:00:00Z","identifiers":[{"application_ids":{"application_id":"app1"}}],"data":{"@type":"type.googleapis.com/google.protobuf.Value","value":["as.up.data.forward"]},"unique_id":"S"}"#;
    t.push(Event::from_json(start.as_bytes()).expect("start"));
    assert_eq!(t.lanes().count(), 0);
    assert_eq!(
        t.markers()[0].kind,
        MarkerKind::StreamStarted {
            names: vec!["as.up.data.forward".into()]
        }
    );
}

#[test]
fn past_the_capacity_the_oldest_arrivals_are_evicted_and_counted() {
    let mut t = Timeline::with_capacity(3);
    for (i, id) in ["A", "B", "C", "D", "E"].iter().enumerate() {
        let ids = if i == 0 { DEV } else { GW };
        t.push(with_corr("gs.up.receive", i as u32, ids, id, &["c:all"]));
    }
    assert_eq!((t.len(), t.evicted()), (3, 2));
    assert_eq!(uids(&t, None), ["C", "D", "E"]);
    // The device's only event is gone, and so is its lane.
    assert_eq!(labels(&t), ["gateway gw2"]);
    assert_eq!(t.find("A"), None);
    assert_eq!(t.correlated("c:all").len(), 3);
    // An evicted event seen again is new again; it is the oldest by time.
    assert!(t.push(with_corr("gs.up.receive", 0, GW, "A", &[])));
    // The oldest arrival (C) makes room; A is placed first by its time.
    assert_eq!(uids(&t, None), ["A", "D", "E"]);
    // Shrinking the capacity evicts at once.
    t.set_capacity(1);
    assert_eq!((t.len(), t.evicted()), (1, 5));
    assert_eq!(t.capacity(), 1);
}

#[test]
fn the_correlation_index_finds_one_message_through_the_stack() {
    let mut t = Timeline::new();
    t.push(with_corr(
        "gs.up.receive",
        1,
        GW,
        "A",
        &["gs:uplink:1", "gs:conn:9"],
    ));
    t.push(with_corr(
        "ns.up.data.process",
        2,
        DEV,
        "B",
        &["gs:uplink:1"],
    ));
    t.push(with_corr(
        "gs.up.receive",
        3,
        GW,
        "C",
        &["gs:uplink:2", "gs:conn:9"],
    ));
    assert_eq!(t.correlated("gs:uplink:1"), [0, 1]);
    assert_eq!(t.correlated("gs:conn:9"), [0, 2]);
    assert!(t.correlated("nothing").is_empty());
    // An event naming an ID twice is one row of the ID's events, and of the filter's.
    t.push(with_corr(
        "as.up.data.forward",
        4,
        DEV,
        "D",
        &["gs:uplink:2", "gs:uplink:2"],
    ));
    assert_eq!(t.correlated("gs:uplink:2"), [2, 3]);
    t.set_filter(Filter::parse("corr:gs:uplink:2").expect("filter"));
    assert_eq!(uids(&t, None), ["C", "D"]);
    t.set_filter(Filter::parse("corr:gs:uplink:1").expect("filter"));
    assert_eq!(uids(&t, None), ["A", "B"]);
}

#[test]
fn ids_and_correlations_stay_exact_as_events_come_and_go() {
    // Two unique IDs whose index hashes (32 bits) collide: both are kept and found.
    let mut seen = std::collections::HashMap::new();
    let (a, b) = (0u32..4_000_000)
        .find_map(|i| {
            let id = format!("01JB{i:022}");
            let h = text_hash(&id) as u32;
            seen.insert(h, id.clone()).map(|other| (other, id))
        })
        .expect("a 32-bit collision among 4 million IDs");
    let mut t = Timeline::with_capacity(6);
    assert!(t.push(with_corr("gs.up.receive", 0, GW, &a, &["gs:conn:1"])));
    assert!(t.push(with_corr("gs.up.receive", 1, GW, &b, &["gs:conn:1"])));
    assert_eq!((t.find(&a), t.find(&b)), (Some(0), Some(1)));
    assert!(
        !t.push(with_corr("gs.up.receive", 1, GW, &b, &[])),
        "{b} again"
    );
    assert!(
        !t.push(with_corr("gs.up.receive", 0, GW, &a, &[])),
        "{a} again"
    );
    // A long-lived ID (more events than an entry holds) and short ones, past the capacity.
    for i in 2..40u32 {
        let journey = format!("gs:uplink:{}", i / 3);
        t.push(with_corr(
            "gs.up.receive",
            i % 60,
            GW,
            &format!("E{i}"),
            &["gs:conn:1", &journey],
        ));
        let kept: Vec<Seq> = (u64::from(i).saturating_sub(5)..=u64::from(i)).collect();
        assert_eq!(t.correlated("gs:conn:1"), kept, "after E{i}");
        let same: Vec<Seq> = kept
            .iter()
            .copied()
            .filter(|&s| s / 3 == u64::from(i / 3) && s >= 2)
            .collect();
        assert_eq!(t.correlated(&journey), same, "after E{i}");
        assert_eq!(t.find(&format!("E{i}")), Some(u64::from(i)));
    }
    assert_eq!((t.find(&a), t.find(&b), t.find("E33")), (None, None, None));
    // Two correlation IDs of one 32-bit hash: each finds only its own events.
    t.push(with_corr("gs.up.receive", 50, GW, "F1", &[&a]));
    t.push(with_corr("gs.up.receive", 51, GW, "F2", &[&b]));
    t.push(with_corr("gs.up.receive", 52, GW, "F3", &[&a, &b]));
    assert_eq!(t.correlated(&a), [40, 42]);
    assert_eq!(t.correlated(&b), [41, 42]);
}

#[test]
fn a_filter_applies_to_what_is_retained_and_to_what_arrives() {
    let mut t = Timeline::new();
    t.push(event("gs.up.receive", "2024-10-28T10:00:00Z", GW, "A"));
    t.push(event(
        "as.up.data.forward",
        "2024-10-28T10:00:01Z",
        DEV,
        "B",
    ));
    t.set_filter(Filter::parse("kind:device").expect("filter"));
    assert_eq!(uids(&t, None), ["B"]);
    assert_eq!(
        labels(&t),
        ["device app1/dev2"],
        "lanes without matches are hidden"
    );
    assert_eq!((t.shown(), t.len()), (1, 2));
    // Arriving events are tested as they come, late ones land in place.
    t.push(event(
        "as.up.data.forward",
        "2024-10-28T09:59:00Z",
        DEV,
        "C",
    ));
    t.push(event("gs.up.receive", "2024-10-28T10:00:05Z", GW, "D"));
    assert_eq!(uids(&t, None), ["C", "B"]);
    assert_eq!(uids(&t, Some("app1/dev2")), ["C", "B"]);
    // Clearing the filter shows everything again.
    t.set_filter(Filter::default());
    assert_eq!(uids(&t, None), ["C", "A", "B", "D"]);
    assert_eq!(labels(&t), ["device app1/dev2", "gateway gw2"]);
}

#[test]
fn incremental_filtering_equals_filtering_afterwards() {
    // Random events, capacity pressure, a filter set early or late: same views.
    let mut seed = 7_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let names = ["gs.up.receive", "as.up.data.forward", "ns.up.data.drop"];
    let lanes = [DEV, GW, APP, ""];
    let filter = "-kind:gateway *.up.*";
    let mut early = Timeline::with_capacity(40);
    early.set_filter(Filter::parse(filter).expect("filter"));
    let mut late = Timeline::with_capacity(40);
    for i in 0..200 {
        let r = next();
        let e = event(
            names[(r % 3) as usize],
            &format!("2024-10-28T10:{:02}:{:02}Z", (r >> 8) % 60, (r >> 16) % 60),
            lanes[((r >> 24) % 4) as usize],
            &format!("U{}", if r % 11 == 0 { i / 2 } else { i }),
        );
        early.push(e.clone());
        late.push(e);
    }
    late.set_filter(Filter::parse(filter).expect("filter"));
    assert_eq!(uids(&early, None), uids(&late, None));
    assert!(!uids(&early, None).is_empty());
    for lane in late.lanes() {
        assert_eq!(uids(&early, Some(&lane.key)), uids(&late, Some(&lane.key)));
    }
    assert_eq!(labels(&early), labels(&late));
    assert_eq!(early.evicted(), late.evicted());
}

#[test]
fn typing_on_a_filter_shows_what_the_filter_alone_would() {
    // A filter typed on looks only at what the last one let through; one
    // made wider (a letter deleted, a negation typed on) looks at everything.
    let names = ["gs.up.receive", "as.up.data.forward", "ns.up.data.drop"];
    let lanes = [DEV, GW, APP, USER, ""];
    let make = |i: usize| {
        event(
            names[i % 3],
            &format!("2024-10-28T10:{:02}:{:02}Z", i * 7 % 60, i % 60),
            lanes[i / 3 % 5],
            &format!("U{i}"),
        )
    };
    let mut typed = Timeline::with_capacity(50);
    let mut pushed = Vec::new();
    let steps = [
        "u",
        "up",
        "up.",
        "up.data",
        "UP.DATA app1",
        "up.data app1 -drop",
        "up.da",
        "d",
        "dev",
        "dev2",
        "\"dev\"",
        "\"dev2\"",
        "\"dev\"",
        "\"Dev\"",
        "\"70b3\"",
        "70b3d",
        "-up.data",
        "-up.data.forward",
        "-gw",
        "kind:gateway",
        "kind:gateway up",
    ];
    for (step, query) in steps.into_iter().enumerate() {
        for i in step * 7..step * 7 + 7 {
            typed.push(make(i));
            pushed.push(make(i));
        }
        typed.set_filter(Filter::parse(query).expect("filter"));
        let mut afresh = Timeline::with_capacity(50);
        for e in &pushed {
            afresh.push(e.clone());
        }
        afresh.set_filter(Filter::parse(query).expect("filter"));
        assert_eq!(uids(&typed, None), uids(&afresh, None), "{query}");
        for lane in afresh.lanes() {
            let key = Some(lane.key.as_str());
            assert_eq!(
                uids(&typed, key),
                uids(&afresh, key),
                "{query}: {}",
                lane.key
            );
        }
    }
}

#[test]
fn which_filters_narrow_which() {
    let narrows = |new: &str, old: &str| {
        Filter::parse(new)
            .expect("filter")
            .narrows(&Filter::parse(old).expect("filter"))
    };
    assert!(narrows("soil-node", "soil") && narrows("Soil-Node", "SOIL"));
    assert!(
        narrows("\"soil-node\"", "soil"),
        "exact text contains the caseless one"
    );
    assert!(
        !narrows("soil-node", "\"soil\""),
        "but not the other way round"
    );
    assert!(narrows("\"soil-node\"", "\"soil\"") && !narrows("\"Soil-node\"", "\"soil\""));
    assert!(!narrows("soil", "soil-node"), "a letter deleted widens");
    assert!(!narrows("-soil-node", "-soil") && narrows("-soil", "-soil"));
    assert!(narrows("soil kind:device", "kind:device") && narrows("kind:device soil", "soil"));
    assert!(!narrows("kind:device", "kind:device soil"));
    assert!(!narrows("as.up.*", "as.*"), "patterns only when the same");
    assert!(narrows("rssi<-110 x", "rssi<-110") && !narrows("rssi<-120", "rssi<-110"));
}

#[test]
fn an_emptied_lanes_slot_is_reused_without_mixing_lanes() {
    let gw = |id: &str| format!(r#"{{"gateway_ids":{{"gateway_id":"{id}"}}}}"#);
    let mut t = Timeline::with_capacity(2);
    t.push(event(
        "gs.up.receive",
        "2024-10-28T10:00:01Z",
        &gw("a"),
        "1",
    ));
    t.push(event(
        "gs.up.receive",
        "2024-10-28T10:00:02Z",
        &format!("{},{}", gw("b"), gw("c")),
        "2",
    ));
    // "1" is evicted and lane a emptied; d takes its slot.
    t.push(event(
        "gs.up.receive",
        "2024-10-28T10:00:03Z",
        &gw("d"),
        "3",
    ));
    assert_eq!(labels(&t), ["gateway b", "gateway c", "gateway d"]);
    // "2" is evicted: b and c go, d keeps its event.
    t.push(event(
        "gs.up.receive",
        "2024-10-28T10:00:04Z",
        &gw("e"),
        "4",
    ));
    assert_eq!(labels(&t), ["gateway d", "gateway e"]);
    assert_eq!(uids(&t, Some("gw:d")), ["3"]);
    // A filter finds each event's lanes by their slots.
    t.set_filter(Filter::parse("gs.up.*").expect("filter"));
    assert_eq!(
        (uids(&t, Some("gw:d")), uids(&t, Some("gw:e"))),
        (vec!["3".to_owned()], vec!["4".to_owned()])
    );
    // An entity met before comes back (the same decoded identifiers, which
    // know their lanes): a lane of its own again, not its old slot (d's now).
    t.push(event(
        "gs.up.receive",
        "2024-10-28T10:00:05Z",
        &gw("a"),
        "5",
    ));
    assert_eq!(labels(&t), ["gateway a", "gateway e"]);
    assert_eq!(uids(&t, Some("gw:a")), ["5"]);
}
