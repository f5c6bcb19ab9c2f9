//! Connecting, streaming, reconnecting and disconnecting, as a user sees it.

use super::*;

#[test]
fn connect_opens_the_users_request_and_events_count_once_shown() {
    let mut m = Model::new();
    assert_eq!(m.status(), Status::Idle);
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    assert_eq!(open.url, "http://127.0.0.1:1885/api/v3/events");
    assert_eq!(m.headline(0.0), "connecting");
    assert_eq!(open.key.expose(), "NNSXS.ABC.DEF");
    assert!(open.body.contains("app-1"));
    assert!(matches!(m.status(), Status::Connecting { attempt: 1, .. }));
    assert!(m.status().is_active());
    m.opened(open.conn, at(10), Some("text/event-stream"), None);
    assert!(matches!(m.status(), Status::Streaming { .. }));
    let chunk = format!("{}{}{}", start_frame(0), frame("a", 20), frame("b", 30));
    assert_eq!(m.bytes(open.conn, at(40), chunk.as_bytes()), Todo::Continue);
    // Decoded but not yet applied: neither number moved, so they agree.
    assert_eq!(numbers(&m), (0, 0));
    assert_eq!(m.incoming(), 3);
    m.flush(1_000.0);
    assert_eq!(
        numbers(&m),
        (2, 2),
        "the stream start is a marker, not an event"
    );
    assert_eq!(m.store().markers().len(), 1);
    // Drawn at most ten times a second while events pour in; at once after a quiet spell.
    assert_eq!(m.flush_wait(1_030.0), 70.0);
    assert_eq!(m.flush_wait(1_200.0), 0.0);
    let more = frame("c", 50);
    m.bytes(open.conn, at(60), more.as_bytes());
    m.flush(1_250.0);
    assert_eq!((numbers(&m), m.flush_wait(1_250.0)), ((3, 3), 100.0));
    // A flush that cost 80 ms to draw waits 160 ms; one of 2 s, a second at most.
    m.flush_cost(80.0);
    assert_eq!(m.flush_wait(1_250.0), 160.0);
    assert_eq!(m.flush_wait(1_400.0), 10.0);
    m.flush_cost(2_000.0);
    assert_eq!(m.flush_wait(1_250.0), 1_000.0);
    m.flush_cost(f64::NAN);
    assert_eq!(m.flush_wait(1_250.0), 1_000.0);
    m.flush_cost(10.0);
    assert_eq!(m.flush_wait(1_250.0), 100.0);
}

#[test]
fn the_first_events_are_drawn_without_waiting() {
    assert_eq!(Model::new().flush_wait(0.0), 0.0);
}

#[test]
fn a_frame_split_across_chunks_arrives_once_whole() {
    let (mut m, conn) = streaming(0);
    let text = frame("a", 10);
    let (head, tail) = text.split_at(25);
    m.bytes(conn, at(11), head.as_bytes());
    m.flush(0.0);
    assert_eq!(numbers(&m), (0, 0));
    m.bytes(conn, at(12), tail.as_bytes());
    m.flush(0.0);
    assert_eq!(numbers(&m), (1, 1));
}

#[test]
fn the_server_ending_the_stream_resumes_after_what_arrived_without_doubles() {
    let (mut m, conn) = streaming(0);
    m.bytes(
        conn,
        at(5_000),
        format!("{}{}", frame("a", 4_000), frame("b", 4_500)).as_bytes(),
    );
    let wait = wait_of(m.ended(conn, at(5_000), EndCause::Eof));
    assert!(matches!(m.status(), Status::Retrying { .. }));
    let open = open_of(m.tick(wait));
    assert!(open.body.contains("\"after\""), "{}", open.body);
    assert!(
        !open.body.contains("\"tail\""),
        "a resume asks no tail: {}",
        open.body
    );
    m.opened(open.conn, at(7_000), Some("text/event-stream"), None);
    // The overlap comes again and is dropped.
    m.bytes(
        open.conn,
        at(7_100),
        format!("{}{}", frame("b", 4_500), frame("c", 6_000)).as_bytes(),
    );
    m.flush(0.0);
    assert_eq!(numbers(&m), (3, 3));
    assert_eq!((m.reconnects(), m.dropouts()), (1, 1));
    let markers = m.reconnect_markers();
    assert_eq!(markers.len(), 1);
    assert!(markers[0]
        .to_string()
        .contains("The server ended the stream."));
}

#[test]
fn many_reconnects_fold_all_but_the_latest_three_under_one_line() {
    let (mut m, mut conn) = streaming(0);
    let none = m.marker_lines();
    assert!(
        none.earlier.is_empty() && none.recent.is_empty(),
        "{none:?}"
    );
    for i in 0..6_i64 {
        let t = 10_000 * (i + 1);
        let wait = wait_of(m.ended(conn, at(t), EndCause::Eof));
        let open = open_of(m.tick(wait));
        m.opened(open.conn, at(t + 5_000), Some("text/event-stream"), None);
        let chunk = format!(
            "{}{}",
            start_frame(t + 5_010),
            frame(&format!("e{i}"), t + 5_050)
        );
        m.bytes(open.conn, at(t + 5_100), chunk.as_bytes());
        m.flush(0.0);
        conn = open.conn;
        if i == 1 {
            // Two ends and two starts: folding one would save no line.
            let lines = m.marker_lines();
            assert_eq!((lines.earlier.len(), lines.recent.len()), (0, 4));
        }
    }
    assert_eq!(m.reconnects(), 6);
    assert_eq!(m.dropouts(), 6, "the server ended each: a flaky link");
    // The view's key: the same after events, another after a marker.
    let key = m.markers_key();
    m.bytes(conn, at(80_000), frame("more", 79_000).as_bytes());
    m.flush(0.0);
    assert_eq!(m.markers_key(), key);
    m.ended(conn, at(81_000), EndCause::Eof);
    assert_ne!(m.markers_key(), key);
    // As the timeline shows them: one list in time order, each end before
    // the start that followed it (the first start came before the stream).
    let lines = m.marker_lines();
    assert_eq!(marker_kinds(&m), "ESESESESESESE", "{lines:?}");
    assert_eq!(
        (lines.earlier.len(), lines.recent.len()),
        (10, RECENT_MARKERS)
    );
    let all = m.reconnect_markers();
    assert!(
        matches!(&lines.earlier[0], MarkerLine::Ended { line, .. } if *line == all[0].to_string()),
        "oldest first: {:?}",
        lines.earlier[0]
    );
    assert!(
        matches!(&lines.recent[1], MarkerLine::Started { at: t, .. } if *t == at(65_010)),
        "{:?}",
        lines.recent[1]
    );
    match &lines.recent[2] {
        MarkerLine::Ended { at: t, line } => {
            assert_eq!(
                line, "The server ended the stream. Reconnecting (attempt 1).",
                "the newest last, retrying: the status bar's attempt"
            );
            assert_eq!(*t, at(81_000), "when the stream ended");
        }
        other => panic!("the newest line is the stream's end: {other:?}"),
    }
    assert_eq!(lines.recent.last().map(MarkerLine::at), Some(at(81_000)));
}

#[test]
fn reconnect_uses_the_same_session_marks_it_and_fetches_nothing_twice() {
    let (mut m, conn) = streaming(0);
    m.bytes(conn, at(2_000), frame("a", 1_500).as_bytes());
    m.flush(0.0);
    assert_eq!(m.user_disconnect(at(3_000)), Todo::Stop);
    assert_eq!(m.status().word(), "disconnected");
    assert!(m.can_reconnect());
    // A chunk still in flight from the aborted stream changes nothing.
    m.bytes(conn, at(3_001), frame("late", 2_900).as_bytes());
    m.flush(0.0);
    assert_eq!(numbers(&m), (1, 1));
    let open = open_of(m.user_reconnect(at(9_000)));
    assert!(open.body.contains("\"after\""));
    m.opened(open.conn, at(9_100), Some("text/event-stream"), None);
    m.bytes(
        open.conn,
        at(9_200),
        format!("{}{}", frame("a", 1_500), frame("b", 8_000)).as_bytes(),
    );
    m.flush(0.0);
    assert_eq!(numbers(&m), (2, 2));
    // The line says when the stream ended (the Disconnect), not when Reconnect was pressed.
    assert!(m
        .reconnect_markers()
        .iter()
        .any(|mk| mk.cause == "Stopped: Disconnected." && mk.at == at(3_000)));
}

#[test]
fn connect_with_the_same_request_resumes_and_another_request_starts_afresh() {
    let (mut m, conn) = streaming(0);
    m.bytes(conn, at(100), frame("a", 50).as_bytes());
    m.flush(0.0);
    m.user_disconnect(at(200));
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(300), 2));
    assert!(open.body.contains("\"after\""), "the same request resumes");
    assert_eq!(numbers(&m), (1, 1), "nothing lost");
    let open = open_of(m.connect(form("app-2"), view("app-2"), at(400), 3));
    assert!(!open.body.contains("\"after\""));
    assert_eq!(
        numbers(&m),
        (0, 0),
        "a new request starts on an empty timeline"
    );
    assert_eq!(m.view_state().entities, ["app-2"]);
}

#[test]
fn disconnect_during_backoff_stops_and_the_timer_does_nothing() {
    let (mut m, conn) = streaming(0);
    let wait = wait_of(m.ended(conn, at(1_000), EndCause::Network("reset".into())));
    assert_eq!(m.user_disconnect(at(1_100)), Todo::Stop);
    assert_eq!(
        m.tick(wait),
        Todo::Stop,
        "a retry timer firing after Disconnect opens nothing"
    );
    assert!(!m.status().is_active());
}

#[test]
fn an_error_message_in_the_stream_ends_it_and_a_transient_one_is_retried() {
    let (mut m, conn) = streaming(0);
    let unavailable = "{\"error\":{\"code\":14,\"message\":\"unavailable\"}}\n\n";
    let todo = m.bytes(
        conn,
        at(1_000),
        format!("{}{unavailable}", frame("a", 900)).as_bytes(),
    );
    assert!(matches!(todo, Todo::WaitUntil(_)), "{todo:?}");
    m.flush(0.0);
    assert_eq!(numbers(&m), (1, 1), "what came before the error is kept");
    // A chunk after the error (same connection) is ignored.
    m.bytes(conn, at(1_001), frame("b", 950).as_bytes());
    m.flush(0.0);
    assert_eq!(numbers(&m), (1, 1));
}

#[test]
fn pause_keeps_counting_and_resume_shows_what_waited() {
    let (mut m, conn) = streaming(0);
    m.pause();
    m.bytes(
        conn,
        at(100),
        format!("{}{}", frame("a", 10), frame("b", 20)).as_bytes(),
    );
    m.flush(0.0);
    assert_eq!(numbers(&m), (2, 0));
    assert_eq!(m.pending(), 2);
    assert_eq!(m.headline(0.0), "paused (2 new waiting)");
    m.resume();
    assert_eq!(m.headline(0.0), "streaming");
    assert_eq!(numbers(&m), (2, 2));
    assert_eq!(m.pending(), 0);
    m.clear();
    assert_eq!(m.store().len(), 0);
}

#[test]
fn a_long_pause_keeps_no_more_than_the_capacity_and_counts_the_rest() {
    let (mut m, conn) = streaming(0);
    m.set_capacity(3);
    m.bytes(conn, at(10), frame("a", 10).as_bytes());
    m.flush(0.0);
    m.pause();
    let chunk: String = ["b", "c", "d", "e", "f"]
        .iter()
        .zip(20..)
        .map(|(id, s)| frame(id, s))
        .collect();
    m.bytes(conn, at(100), chunk.as_bytes());
    m.flush(0.0);
    // Five arrived while paused; Resume keeps three events, so three wait.
    assert_eq!((m.pending(), m.dropped()), (3, 2));
    assert_eq!(m.headline(0.0), "paused (3 new waiting)");
    m.resume();
    // The same as if all five had waited: the newest three are shown.
    let store = m.store();
    let ids: Vec<&str> = store
        .rows(None)
        .into_iter()
        .flat_map(|rows| rows.iter())
        .filter_map(|seq| store.event(seq).map(|e| e.unique_id.as_str()))
        .collect();
    assert_eq!(ids, ["d", "e", "f"]);
    assert_eq!((m.stats().received, m.dropped()), (6, 3));
    m.clear();
    assert_eq!(m.dropped(), 0);
}

/// The events/s figure is for an open stream: after Disconnect it goes
/// (it stayed at its last value, as nothing ticks then).
#[test]
fn the_arrival_rate_is_shown_only_while_streaming() {
    let (mut m, conn) = streaming(0);
    m.bytes(conn, at(100), frame("a", 10).as_bytes());
    m.flush(0.0);
    assert_eq!(m.arrival_rate(0.0), Some(0.2));
    m.user_disconnect(at(200));
    assert_eq!(m.arrival_rate(0.0), None);
}

/// A file with no event in it says why the timeline is empty.
#[test]
fn a_capture_of_unreadable_lines_says_how_many_were_skipped() {
    let mut m = Model::new();
    m.import_started("garbage.ndjson", Some(20), at(0));
    m.import_bytes(b"not json\n{\"also\": \"not an event\"}\n");
    m.import_finished();
    m.flush(0.0);
    assert_eq!(
        m.empty_timeline(),
        "The capture holds no events: 2 lines could not be read as one (the status bar's “skipped malformed” lists them)."
    );
}

#[test]
fn importing_while_streaming_stops_the_stream_and_its_late_chunks() {
    let (mut m, conn) = streaming(0);
    m.bytes(conn, at(100), frame("a", 10).as_bytes());
    m.flush(0.0);
    assert_eq!(m.arrival_rate(0.0), Some(0.2), "1 event in the last 5 s");
    m.import_started("incident.ndjson", Some(1_000), at(200));
    assert_eq!(m.arrival_rate(0.0), None, "a file has no arrival rate");
    assert!(!m.status().is_active());
    assert_eq!(numbers(&m), (0, 0));
    m.bytes(conn, at(201), frame("late", 150).as_bytes());
    let body = "{\"name\":\"gs.up.receive\",\"time\":\"2024-10-28T10:00:00Z\",\"unique_id\":\"x\"}\nnot json\n";
    m.import_bytes(body.as_bytes());
    assert!(matches!(
        m.status(),
        Status::Capture {
            name: "incident.ndjson",
            state: CaptureState::Loading { progress: Some(_) },
            snapshot: None,
        }
    ));
    m.import_finished();
    m.flush(0.0);
    assert_eq!(numbers(&m), (1, 1));
    assert_eq!(m.stats().skipped_count, 1);
    assert_eq!(
        m.stats().skipped[0].reason.split(':').next(),
        Some("line 2")
    );
    assert!(matches!(
        m.status(),
        Status::Capture {
            state: CaptureState::Loaded,
            ..
        }
    ));
    assert_eq!(m.tick(at(300)), Todo::Stop);
}

#[test]
fn an_import_that_fails_says_how_much_was_read() {
    let mut m = Model::new();
    m.import_link_started("captures/x.ndjson", at(0));
    assert_eq!(m.view_state().capture.as_deref(), Some("captures/x.ndjson"));
    m.import_bytes(b"{\"name\":\"a.b\",\"time\":\"2024-10-28T10:00:00Z\",\"unique_id\":\"1\"}\n");
    m.import_failed("the network broke");
    let Status::Capture {
        state: CaptureState::Failed(why),
        ..
    } = m.status()
    else {
        panic!("{:?}", m.status());
    };
    assert_eq!(
        why,
        "the network broke; the 1 events read until then are shown"
    );
    assert_eq!(m.status().word(), "error");
}

#[test]
fn a_tail_is_shown_as_a_back_fill_until_it_is_complete_or_quiet() {
    let mut m = Model::new();
    let mut f = form("app-1");
    f.request.tail = 10;
    let open = open_of(m.connect(f, view("app-1"), at(0), 1));
    m.opened(open.conn, at(0), Some("text/event-stream"), None);
    m.bytes(
        open.conn,
        at(10),
        format!(
            "{}{}{}",
            start_frame(0),
            frame("a", -9_000),
            frame("b", -8_000)
        )
        .as_bytes(),
    );
    m.flush(1_000.0);
    assert_eq!(m.headline(1_500.0), "back-filling history: 2 (at most 10)");
    // Two seconds without an event: the history is all there, as far as anyone can tell.
    assert_eq!(m.headline(3_500.0), "streaming");
}

#[test]
fn a_streams_end_reads_before_the_start_that_followed_whatever_the_clocks_say() {
    let (mut m, conn) = streaming(0);
    m.bytes(conn, at(100), start_frame(50).as_bytes());
    m.flush(0.0);
    // The browser's clock is 2 s ahead of the server's: the stream ends at
    // 10 s on ours, and the next stream starts at 8.7 s on the server's.
    let wait = wait_of(m.ended(conn, at(10_000), EndCause::Eof));
    let open = open_of(m.tick(wait));
    m.opened(open.conn, at(10_600), Some("text/event-stream"), None);
    m.bytes(open.conn, at(10_700), start_frame(8_700).as_bytes());
    m.flush(0.0);
    assert_eq!(marker_kinds(&m), "SES", "{:?}", m.marker_lines());
}

/// The connection markers as the timeline lists them, folded ones
/// included: `S` a stream's start, `E` its end.
fn marker_kinds(m: &Model) -> String {
    all_lines(m)
        .iter()
        .map(|l| match l {
            MarkerLine::Started { .. } => 'S',
            MarkerLine::Ended { .. } => 'E',
        })
        .collect()
}

/// Every marker line in time order, folded ones included.
fn all_lines(m: &Model) -> Vec<MarkerLine> {
    let lines = m.marker_lines();
    lines.earlier.into_iter().chain(lines.recent).collect()
}

#[test]
fn a_disconnected_streams_end_shows_at_once_and_stays_one_line_after_reconnect() {
    let (mut m, conn) = streaming(0);
    m.bytes(conn, at(100), start_frame(50).as_bytes());
    m.flush(0.0);
    let before = m.markers_key();
    m.user_disconnect(at(5_000));
    assert_ne!(m.markers_key(), before, "the view redraws the markers");
    let ended = |m: &Model| -> Vec<(Timestamp, String)> {
        all_lines(m)
            .into_iter()
            .filter_map(|l| match l {
                MarkerLine::Ended { at, line } => Some((at, line)),
                MarkerLine::Started { .. } => None,
            })
            .collect()
    };
    assert_eq!(marker_kinds(&m), "SE");
    assert_eq!(
        ended(&m),
        [(at(5_000), "Stopped: Disconnected.".to_owned())]
    );
    // Reconnect: the same line, now the session's marker, says what followed.
    let open = open_of(m.user_reconnect(at(9_000)));
    assert_eq!(marker_kinds(&m), "SE");
    assert_eq!(ended(&m)[0].0, at(5_000), "when the stream ended");
    m.opened(open.conn, at(9_100), Some("text/event-stream"), None);
    m.bytes(open.conn, at(9_200), start_frame(9_150).as_bytes());
    m.flush(0.0);
    assert_eq!(marker_kinds(&m), "SES", "{:?}", m.marker_lines());
    assert_eq!(
        (m.reconnects(), m.dropouts()),
        (1, 0),
        "the user's own Disconnect and Reconnect are no dropout"
    );
    assert!(
        ended(&m)[0]
            .1
            .starts_with("Stopped: Disconnected. Reconnected"),
        "{:?}",
        ended(&m)
    );
}

#[test]
fn a_disconnected_streams_end_reads_after_its_start_when_the_servers_clock_is_ahead() {
    let (mut m, conn) = streaming(0);
    // The server's clock is 5 s ahead: the stream "starts" at 5 s, ends at 2 s on ours.
    m.bytes(conn, at(100), start_frame(5_000).as_bytes());
    m.flush(0.0);
    m.user_disconnect(at(2_000));
    assert_eq!(marker_kinds(&m), "SE", "{:?}", m.marker_lines());
    // Reconnect makes it the session's marker: still after its start.
    m.user_reconnect(at(3_000));
    assert_eq!(marker_kinds(&m), "SE", "{:?}", m.marker_lines());
}

#[test]
fn a_dropped_streams_end_reads_after_its_start_when_the_servers_clock_is_ahead() {
    let (mut m, conn) = streaming(0);
    m.bytes(conn, at(100), start_frame(5_000).as_bytes());
    m.flush(0.0);
    m.ended(conn, at(2_000), EndCause::Eof);
    assert_eq!(marker_kinds(&m), "SE", "{:?}", m.marker_lines());
}

#[test]
fn markers_read_in_the_rows_order_newest_first_with_the_fold_last() {
    let (mut m, mut conn) = streaming(0);
    m.bytes(conn, at(100), start_frame(50).as_bytes());
    m.flush(0.0);
    for i in 0..3_i64 {
        let t = 10_000 * (i + 1);
        let wait = wait_of(m.ended(conn, at(t), EndCause::Eof));
        let open = open_of(m.tick(wait));
        m.opened(open.conn, at(t + 5_000), Some("text/event-stream"), None);
        m.bytes(open.conn, at(t + 5_100), start_frame(t + 5_010).as_bytes());
        m.flush(0.0);
        conn = open.conn;
    }
    let times = |lines: &[MarkerLine]| lines.iter().map(MarkerLine::at).collect::<Vec<_>>();
    let in_time = m.marker_lines();
    assert_eq!((in_time.earlier.len(), in_time.recent.len()), (4, 3));
    assert!(m.settings().newest_first);
    let shown = m.marker_lines_shown();
    assert!(shown.newest_first, "the fold goes last");
    let mut newest = times(&in_time.recent);
    newest.reverse();
    assert_eq!(times(&shown.recent), newest, "the newest marker on top");
    assert_eq!(shown.recent[0].at(), at(35_010), "the last stream's start");
    m.toggle_order();
    let shown = m.marker_lines_shown();
    assert!(!shown.newest_first);
    assert_eq!(times(&shown.recent), times(&in_time.recent));
}
