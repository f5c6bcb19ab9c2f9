//! The open journey: opening from a row or a link, fetching the steps not in
//! memory from the connected cluster only, merging answers, dropping late
//! ones, and saying what the cluster could not give.

use super::*;
use crate::model::{Answer, MAX_ASKED};

const GS: &str = r#"{"name":"gs.up.receive","time":"2024-10-28T09:15:14.631Z","identifiers":[{"gateway_ids":{"gateway_id":"gw"}}],"correlation_ids":["gs:conn:C","gs:uplink:G"],"unique_id":"GS1"}"#;
const NS: &str = r#"{"name":"ns.up.data.receive","time":"2024-10-28T09:15:14.637Z","identifiers":[],"correlation_ids":["gs:conn:C","gs:uplink:G","ns:uplink:N","rpc:/ttn.lorawan.v3.GsNs/HandleUplink:R"],"unique_id":"NS1"}"#;

fn with_ns_only() -> Model {
    let mut m = Model::new();
    if let Ok(e) = Event::from_json(NS.as_bytes()) {
        m.store.push(e);
    }
    m
}

/// Connected, with the NS step in memory (a connect starts an empty timeline).
fn connected(_: Model) -> Model {
    let mut m = Model::new();
    open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    if let Ok(e) = Event::from_json(NS.as_bytes()) {
        m.store.push(e);
    }
    m
}

fn ids(fetches: &[crate::model::Fetch]) -> Vec<&str> {
    fetches.iter().map(|f| f.correlation_id.as_str()).collect()
}

#[test]
fn without_a_connection_nothing_is_asked_and_the_note_says_why() {
    let mut m = with_ns_only();
    assert!(m.open_journey_at(Some("app-1/dev-1"), 0));
    assert!(m.journey_fetches().is_empty());
    let note = m.journey_note().unwrap_or_default();
    assert!(note.contains("connect to the cluster"), "{note}");
    assert_eq!(m.close_journey(), Some(("app-1/dev-1".to_owned(), 0)));
    assert!(!m.journey_is_open());
    assert!(
        !m.open_journey_id("gs:conn:C"),
        "a connection ID names no message"
    );
}

#[test]
fn the_connected_cluster_is_asked_for_each_message_id_once() {
    let mut m = connected(with_ns_only());
    assert!(m.open_journey_at(Some("app-1/dev-1"), 0));
    let fetches = m.journey_fetches();
    assert_eq!(
        ids(&fetches),
        [
            "gs:uplink:G",
            "ns:uplink:N",
            "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:R"
        ]
    );
    let first = &fetches[0];
    assert_eq!(
        first.url,
        "http://127.0.0.1:1885/api/v3/events/related?correlation_id=gs%3Auplink%3AG"
    );
    assert_eq!(first.key.expose(), "NNSXS.ABC.DEF");
    assert!(m.journey_fetches().is_empty(), "asked once");
    let note = m.journey_note().unwrap_or_default();
    assert!(note.contains("0 of 3 answered"), "{note}");

    // The gateway reception was evicted: the cluster has it.
    let body = format!(r#"{{"events":[{GS},{NS}]}}"#);
    m.journey_answer(first, Answer::Body(body.into_bytes()), at(1000));
    let j = m.journey().expect("journey");
    assert_eq!(j.steps.len(), 2, "the stored step is not doubled");
    assert!(j.steps[0].fetched && !j.steps[1].fetched);
    for f in &fetches[1..] {
        m.journey_answer(f, Answer::Body(br#"{"events":[]}"#.to_vec()), at(1000));
    }
    assert_eq!(
        m.journey_note().as_deref(),
        Some("1 step fetched from the cluster.")
    );
    assert!(fetches.len() <= MAX_ASKED);
}

#[test]
fn a_cluster_without_history_is_named_and_late_answers_are_dropped() {
    let mut m = connected(with_ns_only());
    m.open_journey_at(Some("app-1/dev-1"), 0);
    let fetches = m.journey_fetches();
    let disabled = br#"{"code":9,"message":"error:pkg/events/grpc:storage_disabled (events storage is not not enabled)","details":[{"@type":"type.googleapis.com/ttn.lorawan.v3.ErrorDetails","namespace":"pkg/events/grpc","name":"storage_disabled","message_format":"events storage is not not enabled","code":9}]}"#;
    m.journey_answer(
        &fetches[0],
        Answer::Error {
            status: 400,
            content_type: Some("application/json".into()),
            body: disabled.to_vec(),
        },
        at(1000),
    );
    let note = m.journey_note().unwrap_or_default();
    assert!(note.contains("keeps no event history"), "{note}");

    // Another journey opened: an answer for the first one changes nothing.
    m.open_journey_id("ns:uplink:OTHER");
    let body = format!(r#"{{"events":[{GS}]}}"#);
    m.journey_answer(&fetches[1], Answer::Body(body.into_bytes()), at(2000));
    assert!(
        m.journey().is_none(),
        "nothing in memory or fetched for OTHER"
    );
}

#[test]
fn an_old_message_the_cluster_no_longer_has_is_explained() {
    let mut m = connected(with_ns_only());
    m.open_journey_at(Some("app-1/dev-1"), 0);
    let now = Timestamp::parse("2024-10-28T10:15:00Z").unwrap_or_else(|_| at(0));
    for f in m.journey_fetches() {
        m.journey_answer(&f, Answer::Body(br#"{"events":[]}"#.to_vec()), now);
    }
    let note = m.journey_note().unwrap_or_default();
    assert!(note.contains("10 minutes by default"), "{note}");
    assert!(note.contains("60 min old"), "{note}");
}

#[test]
fn a_link_opens_the_journey_and_copying_the_link_keeps_it() {
    let mut m = with_ns_only();
    let v = ViewState {
        journey: Some("ns:uplink:N".into()),
        messages: vec!["app-1/dev-1".into()],
        ..ViewState::default()
    };
    m.apply_view(&v);
    assert!(m.journey_is_open());
    assert!(m.shows_messages("app-1/dev-1"));
    let copied = m.view_state();
    assert_eq!(copied.journey.as_deref(), Some("ns:uplink:N"));
    assert_eq!(copied.messages, ["app-1/dev-1"]);
    m.apply_view(&ViewState::default());
    assert!(
        !m.journey_is_open(),
        "back to a view without a journey closes it"
    );
}
