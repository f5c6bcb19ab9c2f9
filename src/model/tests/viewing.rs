//! The view settings, the filter and the link's view.

use super::*;

#[test]
fn the_filter_applies_as_typed_and_a_bad_term_keeps_the_text_and_says_why() {
    let (mut m, conn) = streaming(0);
    m.bytes(
        conn,
        at(100),
        format!("{}{}", frame("a", 10), frame("b", 20)).as_bytes(),
    );
    m.flush(0.0);
    m.type_filter("kind:gateway");
    assert_eq!(m.applied_filter(), Some("kind:gateway"));
    assert_eq!(m.store().shown(), 0);
    m.type_filter("kind:bogus");
    assert_eq!(m.filter_text(), "kind:bogus");
    assert!(m.filter_error().is_some_and(|e| e.contains("bogus")));
    m.set_filter("");
    assert_eq!(m.applied_filter(), None);
    assert_eq!(m.store().shown(), 2);
}

#[test]
fn a_link_restores_the_view_and_copy_link_writes_it_back() {
    let mut m = Model::new();
    let link = ViewState::from_fragment(
        "cluster=http://127.0.0.1:1885&entities=app-1&view=flat&time=local&order=oldest&collapsed=gw:x&event=E1&filter=kind:device",
    );
    m.apply_view(&link);
    let s = m.settings();
    assert!(s.flat && !s.utc && !s.newest_first);
    assert!(m.is_collapsed("gw:x"));
    assert_eq!(m.selected(), Some("E1"));
    assert_eq!(m.applied_filter(), Some("kind:device"));
    assert_eq!(m.view_state(), link);
    m.toggle_flat();
    m.toggle_lane("gw:x");
    m.toggle_selected("E1");
    let back = m.view_state();
    assert!(!back.flat && back.collapsed.is_empty() && back.selected.is_none());
    assert_eq!(back.cluster_url, "http://127.0.0.1:1885");
}

#[test]
fn follow_is_on_after_connect_and_off_when_the_user_leaves() {
    let mut m = Model::new();
    m.set_follow(false);
    let asked = m.follow_asks();
    m.connect(form("app-1"), view("app-1"), at(0), 1);
    assert!(m.settings().follow);
    assert_ne!(m.follow_asks(), asked, "Connect asks to follow");
    // Connect again while following: asked again, so the page goes to the
    // newest events (the form folding moved them) and is not taken as left.
    let asked = m.follow_asks();
    m.connect(form("app-1"), view("app-1"), at(1_000), 2);
    assert_ne!(m.follow_asks(), asked);
    m.set_follow(false);
    assert!(!m.settings().follow);
    let asked = m.follow_asks();
    m.set_follow(false);
    assert_eq!(m.follow_asks(), asked, "leaving asks nothing");
    m.set_follow(true);
    assert!(m.settings().follow && m.follow_asks() != asked);
}

#[test]
fn only_visible_changes_mark_the_model_dirty() {
    let (mut m, conn) = streaming(0);
    m.take_dirty();
    m.bytes(conn, at(10), frame("a", 5).as_bytes());
    assert!(!m.take_dirty(), "queued events are not visible yet");
    m.flush(0.0);
    assert!(m.take_dirty());
    m.flush(0.0);
    assert!(!m.take_dirty(), "an empty flush changes nothing");
    assert_eq!(m.tick(at(20)), Todo::Continue);
    assert!(!m.take_dirty(), "a poll while streaming changes nothing");
}

#[test]
fn under_a_filter_only_lanes_with_a_match_are_listed() {
    let (mut m, conn) = streaming(0);
    let gateway = format!(
        "{{\"result\":{{\"name\":\"gs.status.receive\",\"time\":\"{}\",\"identifiers\":[{{\"gateway_ids\":{{\"gateway_id\":\"gw-1\"}}}}],\"unique_id\":\"g\"}}}}\n\n",
        at(30).to_rfc3339()
    );
    m.bytes(
        conn,
        at(100),
        format!("{}{gateway}", frame("a", 10)).as_bytes(),
    );
    m.flush(0.0);
    let keys = |m: &Model| m.visible_lanes().map(|l| l.key.clone()).collect::<Vec<_>>();
    assert_eq!(keys(&m).len(), 2, "no filter: every lane ({:?})", keys(&m));
    m.type_filter("kind:gateway");
    assert_eq!(keys(&m), vec!["gw:gw-1".to_owned()]);
    m.set_filter("");
    assert_eq!(keys(&m).len(), 2);
}

#[test]
fn pause_follow_and_copy_link_are_offered_only_where_they_do_something() {
    let mut m = Model::new();
    assert!(!m.is_live(), "nothing can arrive before Connect");
    m.connect(form("app-1"), view("app-1"), at(0), 1);
    assert!(m.is_live() && m.link_reopens_view());
    assert!(
        !m.key_worked(),
        "no share key before the key opened a stream"
    );
    m.user_disconnect(at(500));
    assert!(
        !m.is_live(),
        "disconnected: nothing arrives until Reconnect"
    );
    assert_eq!(Model::new().import_would_replace(), None);
    let (mut m, conn) = streaming(0);
    assert!(m.is_live() && m.key_worked());
    assert_eq!(
        m.import_would_replace(),
        Some((0, true)),
        "it ends the stream"
    );
    m.bytes(conn, at(10), frame("E1", 10).as_bytes());
    m.flush(0.0);
    assert_eq!(m.import_would_replace(), Some((1, true)));
    assert_eq!(
        m.connect_would_replace(),
        None,
        "a live timeline is the cluster's: a new request can send it again"
    );
    m.pause();
    m.user_disconnect(at(1_000));
    assert!(m.is_live(), "paused: Resume stays offered");
    assert_eq!(
        m.import_would_replace(),
        Some((1, false)),
        "paused but disconnected: no stream to end"
    );
    m.import_started("field-test.ndjson", None, at(2_000));
    assert!(
        !m.is_paused() && !m.is_live(),
        "a capture brings nothing more"
    );
    assert!(
        !m.link_reopens_view(),
        "a local file is in no link: Copy link would open an empty viewer"
    );
    m.pause();
    assert!(!m.is_paused(), "the 'p' key pauses nothing in a capture");
    assert_eq!(
        m.import_would_replace(),
        None,
        "an empty capture loses nothing"
    );
    assert_eq!(m.connect_would_replace(), None, "nothing to lose yet");
    m.import_bytes(frame("E2", 20).as_bytes());
    assert_eq!(
        m.connect_would_replace(),
        Some((1, "field-test.ndjson")),
        "Connect would replace the capture's event, not yet flushed"
    );
    m.flush(0.0);
    assert_eq!(m.connect_would_replace(), Some((1, "field-test.ndjson")));
    m.import_link_started("captures/field-test.ndjson", at(3_000));
    assert!(
        m.link_reopens_view(),
        "a capture named by a link is in the link"
    );
}
