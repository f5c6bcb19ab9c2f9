//! Health views: opening panels, sorting the fleet, and the filters behind
//! the numbers.

use super::*;
use crate::insight::{Column, Gap};

fn with_device() -> Model {
    let mut m = Model::new();
    let e = r#"{"name":"as.up.data.forward","time":"2024-10-28T09:15:14.845Z","identifiers":[{"device_ids":{"device_id":"soil-node-01","application_ids":{"application_id":"soil-sensors"}}}],"unique_id":"U1"}"#;
    if let Ok(e) = Event::from_json(e.as_bytes()) {
        m.store.push(e);
    }
    m
}

#[test]
fn health_panels_open_per_lane() {
    let mut m = with_device();
    assert!(!m.shows_health("soil-sensors/soil-node-01"));
    m.toggle_health("soil-sensors/soil-node-01");
    assert!(m.shows_health("soil-sensors/soil-node-01"));
    m.toggle_health("soil-sensors/soil-node-01");
    assert!(!m.shows_health("soil-sensors/soil-node-01"));
    // The fleet's Problems count: the lane on the whole page, its panel open
    // (pressed twice, still open: it opens, it does not toggle).
    for _ in 0..2 {
        m.show_health_of("soil-sensors/soil-node-01");
        assert!(m.shows_health("soil-sensors/soil-node-01"));
        assert_eq!(m.focused_lane(), Some("soil-sensors/soil-node-01"));
    }
}

#[test]
fn the_fleet_sorts_worst_first_and_flips_on_a_second_click() {
    let mut m = with_device();
    m.toggle_fleet();
    assert!(m.fleet_view().open);
    assert_eq!(
        (m.fleet_view().by, m.fleet_view().descending),
        (Column::Missed, true)
    );
    m.sort_fleet(Column::Device);
    assert_eq!(
        (m.fleet_view().by, m.fleet_view().descending),
        (Column::Device, false)
    );
    m.sort_fleet(Column::Device);
    assert!(m.fleet_view().descending);
    m.sort_fleet(Column::Snr);
    assert_eq!(
        (m.fleet_view().by, m.fleet_view().descending),
        (Column::Snr, true)
    );
    assert_eq!(m.fleet_rows(0).len(), 1);
}

#[test]
fn numbers_filter_to_the_events_behind_them() {
    let mut m = with_device();
    let gap = Gap {
        from: 13,
        to: 14,
        count: 2,
        time: 0,
        session: None,
    };
    m.filter_gap("soil-sensors/soil-node-01", &gap);
    assert_eq!(m.filter_text(), "\"soil-node-01\" fcnt:12..15");
    // Across the 16-bit wrap (65535 and 0 missing): a range that wraps.
    let wrap = Gap {
        from: 65_535,
        to: 0,
        count: 2,
        time: 0,
        session: None,
    };
    m.filter_gap("soil-sensors/soil-node-01", &wrap);
    assert_eq!(m.filter_text(), "\"soil-node-01\" fcnt:65534..1");
    assert_eq!(m.filter_error(), None);
    // With its session's DevAddr: the same FCnts of another session stay out.
    let of_session = Gap {
        session: Some("260BCCA0".into()),
        ..gap.clone()
    };
    m.filter_gap("soil-sensors/soil-node-01", &of_session);
    assert_eq!(
        m.filter_text(),
        "\"soil-node-01\" devaddr:260BCCA0 fcnt:12..15"
    );
    assert_eq!(m.filter_error(), None);
    m.filter_reason(
        "soil-sensors/soil-node-01",
        "ns.up.data.drop",
        "data is \"outdated\"",
    );
    assert_eq!(
        m.filter_text(),
        "\"soil-node-01\" name:ns.up.data.drop \"data is outdated\""
    );
    m.open_event("soil-sensors/soil-node-01", 0);
    assert_eq!(m.selected(), Some("U1"));
}

#[test]
fn a_captures_devices_were_last_seen_before_its_end_not_before_today() {
    const EXAMPLES: &str = include_str!("../../../data/example-events.jsonl");
    let mut m = Model::new();
    m.import_started("field-test.ndjson", None, at(0));
    m.import_bytes(EXAMPLES.as_bytes());
    m.import_finished();
    m.flush(0.0);
    let today = at(1_000_000_000).unix_nanos(); // years after the capture
    let day = 86_400 * 1_000_000_000_i64;
    let rows = m.fleet_rows(today);
    assert!(!rows.is_empty());
    let seen: Vec<i64> = rows.iter().filter_map(|r| r.last_seen_ns).collect();
    assert!(
        !seen.is_empty() && seen.iter().all(|&n| (0..day).contains(&n)),
        "{:?}",
        rows.iter().map(|r| r.last_seen_ns).collect::<Vec<_>>()
    );
    let device = m
        .device_health("soil-sensors/soil-node-01", today)
        .last_seen_ns;
    assert!(device.is_some_and(|n| (0..day).contains(&n)), "{device:?}");
    assert_eq!(m.ago(), "before the capture's end");
    // A journey says where its steps come from, not "connect to fetch".
    m.open_journey_id("ns:uplink:01JB96GXT9ESQAH4PYVMF8QS76");
    assert!(m.journey().is_some());
    assert_eq!(
        m.journey_note().as_deref(),
        Some("Only the steps the capture holds are shown.")
    );
    // Live, the same device is measured from now.
    let (live, _) = streaming(0);
    assert_eq!(live.ago(), "ago");
}

#[test]
fn a_stopped_streams_devices_are_measured_from_when_it_stopped() {
    let (mut m, conn) = streaming(0);
    let uplink = frame("E1", 10).replace(
        r#""unique_id""#,
        r#""data":{"uplink_message":{"f_cnt":1,"f_port":1}},"unique_id""#,
    );
    m.bytes(conn, at(10), uplink.as_bytes());
    m.flush(0.0);
    assert_eq!((m.ago(), m.health_as_of()), ("ago", "in memory"));
    m.user_disconnect(at(5_000));
    let later = at(125_000).unix_nanos(); // two minutes after the Disconnect
    let seen = m.device_health("app-1/dev-1", later).last_seen_ns;
    assert_eq!(
        seen,
        Some(at(5_000).unix_nanos() - at(10).unix_nanos()),
        "not silent while nobody listened"
    );
    assert_eq!(m.ago(), "before the stream stopped");
    assert_eq!(m.health_as_of(), "as of when the stream stopped");
    m.user_reconnect(at(130_000));
    assert_eq!(m.ago(), "ago", "listening again");
}
