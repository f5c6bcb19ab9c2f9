//! The example stream's flows, as a user opens them.

use super::*;
use crate::journey::{lifecycle, reception, How, Kind};

#[test]
fn an_uplink_heard_by_two_gateways_is_one_journey_from_either_reception() {
    let store = example_store();
    // The second gateway's reception carries none of the NS's IDs: it joins
    // by its frame (same raw_payload within 2 s).
    let second = find(&store, "gs.up.receive", "warehouse-ttig");
    let first = find(&store, "gs.up.receive", "01JB96GXT7VT32GQGN");
    for from in [first, second] {
        let j = journey_of(&store, from);
        assert_eq!(j.kind, Kind::Uplink { f_cnt: Some(1843) });
        assert_eq!(
            names(&j),
            [
                "gs.up.receive",
                "ns.up.data.receive",
                "gs.up.receive",
                "ns.up.data.process",
                "ns.up.data.forward",
                "gs.up.forward",
                "as.up.data.receive",
                "as.up.data.forward",
                "gs.up.forward",
            ]
        );
        assert_eq!(
            j.headline(),
            "uplink FCnt 1843 → forwarded to the application: 214 ms"
        );
        let heard = reception(&j.steps);
        let gws: Vec<&str> = heard.iter().map(|h| h.gateway_id.as_str()).collect();
        assert_eq!(gws, ["rooftop-gw-01", "warehouse-ttig"]);
        assert_eq!(heard[0].rssi, Some(-112.0));
        assert_eq!(heard[1].snr, Some(-9.25));
        assert_eq!(heard[1].frequency.as_deref(), Some("867.5 MHz"));
        assert_eq!(heard[1].data_rate.as_deref(), Some("SF9BW125"));
        assert_eq!(heard[1].timestamp, Some(902_145_877));
        assert_eq!(heard[0].channel, Some(5));
    }
}

#[test]
fn a_gateway_connection_shared_with_other_messages_does_not_merge_them() {
    let store = example_store();
    let up = journey_of(&store, find(&store, "gs.up.receive", "01JB96GXT7VT32GQGN"));
    // rooftop-gw-01's connection (gs:conn:01JB96EPWG…) also carried the
    // join, a dropped uplink and a decode failure: none of them belong here.
    for e in &up.steps {
        assert!(!e.event.name.contains("join"), "{}", e.event.name);
        assert_ne!(e.event.name, "ns.up.data.drop");
        assert_ne!(e.event.name, "as.up.data.decode.fail");
        assert_ne!(e.event.name, "gs.gateway.connect");
    }
}

#[test]
fn a_join_journey_holds_the_join_server_step_inferred_and_the_join_accept() {
    let store = example_store();
    let j = journey_of(&store, find(&store, "ns.up.join.receive", "soil-node-02"));
    assert_eq!(j.kind, Kind::Join);
    let js = j
        .steps
        .iter()
        .find(|s| s.event.name == "js.join.accept")
        .expect("the Join Server step");
    assert_eq!(js.how, How::Inferred);
    assert_eq!(js.component(), "JS");
    let n = names(&j);
    for step in [
        "gs.up.receive",
        "ns.up.join.cluster.attempt",
        "ns.up.join.cluster.success",
        "ns.down.join.schedule.attempt",
        "gs.down.send",
        "as.up.join.forward",
        "gs.down.tx.success",
        "ns.down.transmission.success",
    ] {
        assert!(n.contains(&step), "{step} missing from {n:?}");
    }
    assert_eq!(
        j.headline(),
        "join-request → join-accept forwarded to the application: 4.82 s"
    );
    assert_eq!(j.steps[0].offset_ns, 0);
    let steps_after: Vec<&str> = n
        .iter()
        .skip_while(|s| **s != "ns.up.join.cluster.attempt")
        .copied()
        .collect();
    assert_eq!(
        steps_after[1], "js.join.accept",
        "JS answers between attempt and success"
    );
    // The join-accept's lifecycle: scheduled on the gateway that heard it, Rx1, transmitted.
    let life = lifecycle(&j.kind, &j.steps).expect("a join-accept");
    let labels: Vec<&str> = life.stages.iter().map(|s| s.label).collect();
    assert_eq!(labels, ["scheduled", "sent to the gateway", "transmitted"]);
    assert!(
        life.stages[0].detail.contains("on rooftop-gw-01"),
        "{:?}",
        life.stages[0]
    );
    assert!(life.stages[0].detail.contains("Rx1"));
    assert_eq!(life.summary, "The join-accept completed: transmitted.");
    let heard = reception(&j.steps);
    assert_eq!(heard.len(), 1);
    assert!(heard[0].chosen, "the gateway the join-accept went through");
}

#[test]
fn the_join_server_step_opens_its_join() {
    let store = example_store();
    let accept = find(&store, "js.join.accept", "soil-node-02");
    let j = journey_of(&store, accept);
    assert_eq!(j.kind, Kind::Join);
    assert!(names(&j).contains(&"ns.up.join.cluster.success"));
    // And a rejected join: JS reject, NS cluster fail, no attempt event.
    let reject = find(&store, "ns.up.join.cluster.fail", "");
    let j = journey_of(&store, reject);
    assert!(names(&j).contains(&"js.join.reject"), "{:?}", names(&j));
    assert!(
        j.headline()
            .starts_with("join-request → join-request rejected by the Join Server"),
        "{}",
        j.headline()
    );
}

#[test]
fn a_confirmed_downlink_journey_shows_its_lifecycle_up_to_the_ack() {
    let store = example_store();
    let j = journey_of(
        &store,
        find(&store, "as.down.data.receive", "01JB96JBXSXM3RQ0"),
    );
    assert!(
        matches!(j.kind, Kind::Downlink { f_cnt: Some(7) }),
        "{:?}",
        j.kind
    );
    let n = names(&j);
    assert_eq!(n.first(), Some(&"as.down.data.receive"));
    assert_eq!(n.last(), Some(&"as.down.data.ack.forward"));
    let life = lifecycle(&j.kind, &j.steps).expect("a downlink");
    let done: Vec<(&str, bool)> = life
        .stages
        .iter()
        .map(|s| (s.label, s.at.is_some()))
        .collect();
    assert_eq!(
        done,
        [
            ("queued", true),
            ("forwarded to the Network Server", true),
            ("scheduled", true),
            ("sent to the gateway", true),
            ("transmitted", false),
            ("acknowledged", true),
        ]
    );
    assert!(
        j.headline()
            .starts_with("downlink FCnt 7 → acknowledged by the device: "),
        "{}",
        j.headline()
    );
}

#[test]
fn a_failed_downlink_says_where_it_stopped_and_why() {
    let store = example_store();
    let j = journey_of(&store, find(&store, "as.down.data.failed.forward", ""));
    let life = lifecycle(&j.kind, &j.steps).expect("a downlink");
    assert!(
        life.summary
            .contains("application downlink payload is too long"),
        "{}",
        life.summary
    );
}
