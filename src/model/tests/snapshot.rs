//! Snapshot links through the model: the events a journey, a lane or the
//! filtered view shares, and a snapshot opened in another viewer — the same
//! events in the store, the same panel open, offline, with its note.

use std::sync::Arc;

use super::*;
use crate::share::snapshot::{open, Draft, SnapshotError};

const EXAMPLES: &str = include_str!("../../../data/example-events.jsonl");
const UPLINK: &str = "ns:uplink:01JB96GXT9ESQAH4PYVMF8QS76";

/// A viewer holding the example events (as an imported capture).
fn with_examples() -> Model {
    let mut m = Model::new();
    m.import_started("examples.ndjson", None, at(0));
    m.import_bytes(EXAMPLES.as_bytes());
    m.import_finished();
    m.flush(0.0);
    m
}

/// What a teammate's viewer shows after opening the link made from `draft`.
fn opened(draft: &Draft) -> Model {
    let text = draft.text(draft.len());
    let mut mate = Model::new();
    match open(text.as_bytes()) {
        Ok(o) => mate.open_snapshot(Arc::from("PACKED"), o, at(1_000)),
        Err(e) => panic!("{e}"),
    }
    mate.flush(1.0);
    mate
}

fn step_names(m: &Model) -> Vec<String> {
    m.journey()
        .map(|j| j.steps.iter().map(|s| s.event.name.to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn a_journey_opens_in_a_teammates_viewer_with_the_same_steps_offline() {
    let mut m = with_examples();
    assert!(m.open_journey_id(UPLINK));
    let before = step_names(&m);
    assert!(before.len() >= 9, "{before:?}");
    let Ok(draft) = m.snapshot_draft(&Share::Journey, at(500)) else {
        panic!("a journey to share");
    };
    assert_eq!(draft.len(), before.len());
    let mut mate = opened(&draft);
    assert!(mate.journey_is_open());
    assert_eq!(step_names(&mate), before, "the same steps, redacted or not");
    assert_eq!(
        mate.store().len(),
        before.len(),
        "only the journey's events"
    );
    // Offline: nothing to fetch, nothing to connect to, and it says so.
    assert!(mate.journey_fetches().is_empty());
    assert_eq!(mate.status().word(), "snapshot, not live");
    assert!(!mate.status().is_active());
    let note = mate.snapshot_note().unwrap_or_default();
    assert!(
        note.starts_with(&format!(
            "Snapshot of {} events shared on {} UTC; not live.",
            before.len(),
            &at(500).to_rfc3339()[..16].replace('T', " ")
        )),
        "{note}"
    );
    assert_eq!(
        mate.journey_note().as_deref(),
        Some("Only the steps the snapshot holds are shown.")
    );
    // The link stays in the address (reloadable, can be passed on) until another source.
    assert_eq!(mate.view_state().snapshot.as_deref(), Some("PACKED"));
    assert_eq!(
        mate.connect_would_replace(),
        Some((before.len(), "this snapshot link")),
        "Connect asks before it replaces the snapshot's events"
    );
    mate.import_started("other.ndjson", None, at(2_000));
    assert_eq!(mate.view_state().snapshot, None);
    assert_eq!(mate.snapshot_note(), None);
}

#[test]
fn a_lane_shares_its_events_and_opens_its_health_panel() {
    let m = with_examples();
    let lane = "soil-sensors/soil-node-01";
    let count = m.store().lane(lane).map_or(0, |l| l.count());
    assert!(count > 5);
    let Ok(draft) = m.snapshot_draft(&Share::Lane(lane.into()), at(500)) else {
        panic!("a lane to share");
    };
    let mate = opened(&draft);
    assert!(mate.shows_health(lane));
    assert_eq!(mate.store().lane(lane).map_or(0, |l| l.count()), count);
    assert_eq!(mate.store().len(), count);
}

#[test]
fn the_view_shares_the_rows_the_filter_shows() {
    let mut m = with_examples();
    m.set_filter("kind:gateway");
    let shown = m.store().shown();
    assert!(shown > 0 && shown < m.store().len());
    let Ok(draft) = m.snapshot_draft(&Share::View, at(500)) else {
        panic!("a view to share");
    };
    assert_eq!(opened(&draft).store().len(), shown);
    m.set_filter("nothing-matches-this");
    assert_eq!(
        m.snapshot_draft(&Share::View, at(500)).map(|d| d.len()),
        Err(SnapshotError::Empty)
    );
    assert!(Model::new().snapshot_draft(&Share::Journey, at(0)).is_err());
}

#[test]
fn a_damaged_link_leaves_the_screen_as_it_was_and_says_why() {
    let mut m = with_examples();
    let before = m.store().len();
    m.snapshot_refused(&SnapshotError::CutShort);
    assert_eq!(m.store().len(), before);
    assert_eq!(
        m.refused_capture(),
        Some((
            SNAPSHOT_NAME,
            "it is cut short: copy the whole link and try again",
            false
        ))
    );
}
