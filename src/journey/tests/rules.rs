//! The grouping rules on hand-made streams: what must and must not join.

use super::*;
use crate::journey::{downlink_statuses, lifecycle, messages, How, MessageKind, Scope, Step};

const UP_A: [&str; 4] = ["gs:conn:C1", "gs:up:host:H1", "gs:uplink:A", "ns:uplink:NA"];
const UP_B: [&str; 4] = ["gs:conn:C1", "gs:up:host:H1", "gs:uplink:B", "ns:uplink:NB"];

fn two_uplinks_one_host() -> Vec<Event> {
    vec![
        event(
            "gs.up.receive",
            1000,
            "gw:g1",
            &["gs:conn:C1", "gs:uplink:A"],
            "",
        ),
        event("ns.up.data.receive", 1005, "dev1", &UP_A, ""),
        event("ns.up.data.forward", 1200, "dev1", &UP_A, ""),
        event(
            "gs.up.receive",
            1100,
            "gw:g1",
            &["gs:conn:C1", "gs:uplink:B"],
            "",
        ),
        event("ns.up.data.receive", 1106, "dev2", &UP_B, ""),
        event("ns.up.data.forward", 1300, "dev2", &UP_B, ""),
    ]
}

#[test]
fn uplinks_through_one_connection_and_host_stay_apart() {
    let store = store_of(two_uplinks_one_host());
    let first = store.in_time_order().next().expect("events");
    let j = journey_of(&store, first);
    let devices: Vec<String> = j
        .steps
        .iter()
        .flat_map(|s| s.event.identifiers.iter().map(|i| i.key()))
        .collect();
    assert_eq!(j.steps.len(), 3, "{:?}", names(&j));
    assert!(!devices.iter().any(|d| d.contains("dev2")), "{devices:?}");
    assert!(!j
        .ids
        .iter()
        .any(|id| id.starts_with("gs:conn") || id.starts_with("gs:up:host")));
}

#[test]
fn a_downlink_in_an_uplinks_window_is_its_reply_not_part_of_it() {
    let down = [
        "as:downlink:D",
        "ns:downlink:ND",
        "gs:uplink:A",
        "ns:uplink:NA",
        "gs:conn:C1",
    ];
    let ack = ["as:downlink:D", "as:up:X", "gs:uplink:Z", "ns:uplink:NZ"];
    let mut events = two_uplinks_one_host();
    events.extend([
        event("as.down.data.receive", 500, "dev1", &["as:downlink:D"], ""),
        event("ns.down.data.schedule.attempt", 1210, "dev1", &down, ""),
        event("gs.down.send", 1211, "gw:g1", &down, ""),
        event(
            "ns.up.data.receive",
            9000,
            "dev1",
            &["gs:uplink:Z", "ns:uplink:NZ"],
            "",
        ),
        event("as.down.data.ack.forward", 9010, "dev1", &ack, ""),
    ]);
    let store = store_of(events);
    let up = journey_of(&store, find(&store, "ns.up.data.receive", "ns:uplink:NA"));
    let replies: Vec<&str> = up
        .steps
        .iter()
        .filter(|s| s.how == How::Reply)
        .map(|s| s.event.name.as_str())
        .collect();
    assert_eq!(replies, ["ns.down.data.schedule.attempt", "gs.down.send"]);
    // Not the push made before the uplink, not the later uplink that carried the ack.
    assert!(!names(&up).contains(&"as.down.data.receive"));
    assert!(!names(&up).contains(&"as.down.data.ack.forward"));

    let down_j = journey_of(
        &store,
        find(&store, "as.down.data.receive", "as:downlink:D"),
    );
    assert_eq!(
        names(&down_j),
        [
            "as.down.data.receive",
            "ns.down.data.schedule.attempt",
            "gs.down.send",
            "as.down.data.ack.forward"
        ]
    );
    // The uplink that opened the window and the one that carried the ack are not steps.
    assert!(
        !down_j.ids.iter().any(|id| id.contains("uplink")),
        "{:?}",
        down_j.ids
    );

    // The uplink that carried the ack shows it as a reply to that uplink.
    let acker = journey_of(&store, find(&store, "ns.up.data.receive", "ns:uplink:NZ"));
    assert_eq!(
        names(&acker),
        ["ns.up.data.receive", "as.down.data.ack.forward"]
    );
    assert_eq!(
        lifecycle(&acker.kind, &acker.steps),
        None,
        "the ACK is the earlier downlink's, not a reply to this uplink"
    );
    let tags: Vec<Option<&str>> = acker.steps.iter().map(Step::tag).collect();
    assert_eq!(tags, [None, Some("about the downlink before")]);
    // The reply was queued before the uplink: its lifecycle starts at scheduling.
    let reply = lifecycle(&up.kind, &up.steps).expect("the reply");
    assert_eq!(reply.stages.first().map(|s| s.label), Some("scheduled"));
}

#[test]
fn a_downlink_too_late_for_its_window_failed_at_transmission_not_scheduling() {
    let d = ["as:downlink:D", "ns:downlink:ND"];
    let late = r#"{"@type":"type.googleapis.com/google.protobuf.Value","value":"TOO_LATE"}"#;
    let store = store_of(vec![
        event("as.down.data.receive", 100, "dev1", &d[..1], ""),
        event("ns.down.data.schedule.success", 300, "dev1", &d, ""),
        event("gs.down.send", 310, "gw:g1", &d, ""),
        event("gs.down.tx.fail", 1300, "gw:g1", &d, late),
        event("ns.down.transmission.fail", 1310, "dev1", &d, ""),
        event("as.down.data.failed.forward", 1320, "dev1", &d, ""),
    ]);
    let j = journey_of(&store, find(&store, "as.down.data.receive", ""));
    let life = lifecycle(&j.kind, &j.steps).expect("a downlink");
    let failed: Vec<&str> = life
        .stages
        .iter()
        .filter(|s| s.failed)
        .map(|s| s.label)
        .collect();
    assert_eq!(failed, ["transmitted"], "{life:?}");
    assert_eq!(
        life.summary,
        "The downlink stopped at “transmitted”: too late."
    );
    // With no event of its own stage, the Application Server's echo names
    // the stage after the last one reached.
    let store = store_of(vec![
        event("as.down.data.receive", 100, "dev1", &d[..1], ""),
        event("as.down.data.failed.forward", 120, "dev1", &d[..1], ""),
    ]);
    let j = journey_of(&store, find(&store, "as.down.data.receive", ""));
    let life = lifecycle(&j.kind, &j.steps).expect("a downlink");
    let failed = life.stages.iter().find(|s| s.failed).map(|s| s.label);
    assert_eq!(failed, Some("forwarded to the Network Server"));
}

#[test]
fn events_of_no_message_have_no_journey_and_links_name_a_message() {
    let status = event(
        "gs.status.receive",
        1000,
        "gw:g1",
        &["gs:conn:C1", "gs:status:S"],
        "",
    );
    assert!(Seed::of(&status).is_none());
    assert!(Seed::of_id("gs:conn:C1").is_none());
    assert!(Seed::of_id("").is_none());
    assert_eq!(
        Seed::of_id("ns:uplink:NA").map(|s| s.direction),
        Some(Scope::Uplink)
    );
    let store = store_of(two_uplinks_one_host());
    let seed = Seed::of_id("ns:uplink:NB").expect("a message ID");
    let j = Journey::build(
        Pool {
            store: &store,
            fetched: &[],
        },
        &seed,
    )
    .expect("in memory");
    assert_eq!(j.steps.len(), 3);
    assert_eq!(j.link_id(), Some("ns:uplink:NB"));
    let missing = Seed::of_id("ns:uplink:GONE").expect("a message ID");
    assert!(Journey::build(
        Pool {
            store: &store,
            fetched: &[]
        },
        &missing
    )
    .is_none());
}

#[test]
fn fetched_steps_fill_the_journey_once_each_and_say_where_they_came_from() {
    let events = two_uplinks_one_host();
    // Memory lost the gateway reception (evicted); the cluster returns all three.
    let store = store_of(events.iter().skip(1).take(2).cloned().collect());
    let fetched: Vec<Event> = events.iter().take(3).cloned().collect();
    let seed = Seed::of_id("ns:uplink:NA").expect("id");
    let j = Journey::build(
        Pool {
            store: &store,
            fetched: &fetched,
        },
        &seed,
    )
    .expect("journey");
    assert_eq!(
        names(&j),
        ["gs.up.receive", "ns.up.data.receive", "ns.up.data.forward"]
    );
    assert_eq!(j.fetched(), 1, "only the evicted step counts as fetched");
    assert!(j.steps[0].fetched);
}

#[test]
fn a_flood_of_events_sharing_one_id_is_bounded() {
    let events: Vec<Event> = (0..3000)
        .map(|i| {
            event(
                "ns.up.data.receive",
                i,
                &format!("d{i}"),
                &["ns:uplink:SAME", &format!("gs:uplink:{i}")],
                "",
            )
        })
        .collect();
    let store = store_of(events);
    let seed = Seed::of_id("ns:uplink:SAME").expect("id");
    let j = Journey::build(
        Pool {
            store: &store,
            fetched: &[],
        },
        &seed,
    )
    .expect("journey");
    assert!(j.steps.len() <= crate::journey::gather::MAX_MEMBERS);
    assert!(j.ids.len() <= crate::journey::gather::MAX_IDS);
}

#[test]
fn a_device_lane_lists_one_message_per_uplink_join_and_downlink() {
    let store = example_store();
    let (list, total) = messages(&store, "soil-sensors/soil-node-01", 100);
    assert!(total >= 2, "{list:?}");
    let forwarded = list
        .iter()
        .find(|m| m.f_cnt == Some(1843))
        .expect("the two-gateway uplink");
    assert_eq!(forwarded.kind, MessageKind::Uplink);
    assert_eq!(forwarded.status.text, "forwarded");
    // First reception (09:15:14.612, NS rx_metadata) → AS forward (09:15:14.845).
    assert_eq!(forwarded.end_to_end_ns.map(|n| n / 1_000_000), Some(232));
    let dropped = list
        .iter()
        .find(|m| m.status.text.starts_with("dropped"))
        .expect("the dropped uplink");
    assert_eq!(
        dropped.status.text,
        "dropped by the Network Server: data is outdated"
    );
    assert!(dropped.status.failed);
    assert!(list
        .iter()
        .any(|m| m.status.text == "forwarded, decode failed" && m.status.failed));

    let (joins, _) = messages(&store, "soil-sensors/soil-node-02", 100);
    assert!(
        joins
            .iter()
            .any(|m| m.kind == MessageKind::Join && m.status.text == "joined"),
        "{joins:?}"
    );
    let (downs, _) = messages(&store, "cold-chain/fridge-07", 100);
    let statuses: Vec<&str> = downs.iter().map(|m| m.status.text.as_str()).collect();
    assert!(statuses.contains(&"acknowledged"), "{statuses:?}");
    assert!(downs.iter().all(|m| m.kind == MessageKind::Downlink));
    // What a Health panel counts: the same statuses, without the rest of each message.
    assert_eq!(
        downlink_statuses(&store, "cold-chain/fridge-07"),
        downs.iter().map(|m| m.status.clone()).collect::<Vec<_>>()
    );
    assert!(downlink_statuses(&store, "soil-sensors/soil-node-01").is_empty());
}

#[test]
fn messages_are_newest_first_by_when_they_began_and_a_downlink_has_its_fcnt_on_air() {
    let d = ["as:downlink:D", "ns:downlink:ND"];
    // `A0` confirmed down, DevAddr 260B0DF8, FCtrl 0, FCnt 0x002D: 45 on air.
    let raw = r#"{"raw_payload":"oPgNCyYALQAClqhLgIysog=="}"#;
    let store = store_of(vec![
        event(
            "as.down.data.receive",
            100,
            "dev1",
            &d[..1],
            r#"{"f_port":2}"#,
        ),
        event("gs.down.send", 300, "gw:g1", &d, raw),
        event("ns.up.data.receive", 3000, "dev1", &["ns:uplink:NA"], ""),
        event("ns.down.transmission.fail", 5000, "dev1", &d, ""),
    ]);
    let (list, _) = messages(&store, "app/dev1", 10);
    let rows: Vec<(MessageKind, Option<u64>)> = list.iter().map(|m| (m.kind, m.f_cnt)).collect();
    assert_eq!(
        list.last().and_then(|m| m.f_port),
        Some(2),
        "the queued downlink's FPort"
    );
    assert_eq!(
        rows,
        [
            (MessageKind::Uplink, None),
            (MessageKind::Downlink, Some(45))
        ],
        "the downlink began first, though its last step is the newest"
    );
    // A join-accept's PHYPayload (MType 1) has no FCnt.
    let accept = event(
        "gs.down.send",
        1,
        "gw:g1",
        &d,
        r#"{"raw_payload":"IAAAAAAAAAAAAAAA"}"#,
    );
    assert_eq!(crate::journey::messages::f_cnt(&accept), None);
}

#[test]
fn a_journey_of_one_step_claims_no_timing() {
    let store = store_of(vec![event(
        "as.up.data.forward",
        1000,
        "dev1",
        &["as:up:X", "ns:uplink:NX"],
        "",
    )]);
    let j = journey_of(&store, find(&store, "as.up.data.forward", ""));
    assert_eq!(
        j.headline(),
        "uplink → forwarded to the application (only one step here, so no timing)"
    );
}
