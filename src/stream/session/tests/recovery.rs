//! Recovering: backoff timing, resume `after`, de-duplication, rate limits,
//! offline/online, and the markers the timeline shows for each reconnect.

use super::*;
#[test]
fn backoff_doubles_from_one_second_to_thirty_and_resets_after_a_healthy_minute() {
    let (mut s, mut conn) = streaming(0);
    let mut now = 1_000;
    for base in [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000] {
        let until = wait(s.ended(at(now), conn, EndCause::Network("reset".into())));
        let d = delay_ms(at(now), until);
        assert!(
            (base / 2..=base).contains(&d),
            "waited {d} ms, expected {base}/2..={base}"
        );
        assert_eq!(s.tick(at(now + d - 1)), Action::WaitUntil(until));
        now += d;
        conn = connect(s.tick(at(now))).0;
    }
    // Up for 59 s is not healthy yet: the next wait stays at the cap.
    s.connected(at(now), conn, true);
    now += 59_000;
    let d = delay_ms(at(now), wait(s.ended(at(now), conn, EndCause::Eof)));
    assert!(d >= 15_000, "not reset after 59 s: {d} ms");
    now += d;
    conn = connect(s.tick(at(now))).0;
    // A healthy minute resets it to about one second.
    s.connected(at(now), conn, true);
    now += 60_000;
    let d = delay_ms(at(now), wait(s.ended(at(now), conn, EndCause::Eof)));
    assert!((500..=1_000).contains(&d), "reset to 1 s: {d} ms");
}

#[test]
fn jitter_spreads_clients_that_dropped_together() {
    let firsts: std::collections::HashSet<i64> = (0..8)
        .map(|seed| {
            let mut s = Session::new(SessionConfig::default(), seed);
            let (conn, _) = connect(s.tick(at(0)));
            s.connected(at(0), conn, true);
            delay_ms(at(0), wait(s.ended(at(0), conn, EndCause::Eof)))
        })
        .collect();
    assert!(firsts.len() > 4, "eight seeds, delays {firsts:?}");
}

#[test]
fn resume_asks_after_the_newest_event_minus_the_margin_and_shows_each_event_once() {
    // The server's history: one uplink every 700 ms, for 40 s.
    let history: Vec<Event> = (0..57)
        .map(|i| up(&format!("ID{i:03}"), 100 + i * 700))
        .collect();
    let mut shown: Vec<String> = Vec::new();
    let mut dropped = 0;
    let (mut s, mut conn) = streaming(0);
    let mut now = 0;
    for cut_at in [9_000, 21_000, 33_000, 40_000] {
        // Live events until the stream is cut.
        for e in history
            .iter()
            .filter(|e| e.time > at(now) && e.time <= at(cut_at))
        {
            if s.event(e) == Accept::New {
                shown.push(e.unique_id.to_string());
            }
        }
        now = cut_at;
        let newest = history
            .iter()
            .map(|e| e.time)
            .filter(|t| *t <= at(now))
            .max();
        let until = wait(s.ended(at(now), conn, EndCause::Eof));
        let (next, after) = connect(s.tick(until));
        assert_eq!(after, newest.map(|t| minus(t, secs(1))));
        conn = next;
        now = until.unix_millis() - BASE_MS;
        s.connected(at(now), conn, true);
        // The server replays what is after `after`, truncated to ms.
        let from = after.map_or(i64::MIN, Timestamp::unix_millis);
        for e in history
            .iter()
            .filter(|e| e.time.unix_millis() > from && e.time <= at(now))
        {
            match s.event(e) {
                Accept::New => shown.push(e.unique_id.to_string()),
                Accept::Duplicate => dropped += 1,
            }
        }
    }
    let expected: Vec<String> = history.iter().map(|e| e.unique_id.to_string()).collect();
    let mut sorted = shown.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "every event exactly once");
    assert!(dropped >= 4, "each resume overlapped: {dropped} dropped");
    assert_eq!(s.reconnects(), 4);
}

#[test]
fn the_seen_set_stays_at_capacity_and_forgets_the_oldest() {
    let config = SessionConfig {
        seen_capacity: 3,
        ..SessionConfig::default()
    };
    let mut s = Session::new(config, 1);
    for (i, id) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        assert_eq!(s.event(&up(id, i as i64)), Accept::New);
    }
    assert_eq!(s.seen().len(), 3);
    assert_eq!(s.event(&up("e", 9)), Accept::Duplicate);
    assert_eq!(s.event(&up("c", 9)), Accept::Duplicate);
    assert_eq!(
        s.event(&up("a", 9)),
        Accept::New,
        "the oldest was forgotten"
    );
    assert_eq!(s.seen().len(), 3);
    // No unique_id: nothing to compare, always shown.
    assert_eq!(s.event(&up("", 1)), Accept::New);
    assert_eq!(s.event(&up("", 1)), Accept::New);
}

#[test]
fn rate_limit_waits_as_long_as_the_server_says() {
    let (mut s, conn) = streaming(0);
    let until = wait(s.ended(at(1_000), conn, EndCause::Eof));
    let (conn, _) = connect(s.tick(until));
    let now = until.unix_millis() - BASE_MS;
    assert_eq!(
        s.ended(at(now), conn, rejected(429, Some(42))),
        Action::WaitUntil(at(now + 42_000))
    );
    assert_eq!(
        s.tick(at(now + 41_999)),
        Action::WaitUntil(at(now + 42_000))
    );
    let (conn, _) = connect(s.tick(at(now + 42_000)));
    // Without the header: the usual backoff (third attempt: 2..4 s).
    let now = now + 42_000;
    let d = delay_ms(at(now), wait(s.ended(at(now), conn, rejected(429, None))));
    assert!((2_000..=4_000).contains(&d), "{d} ms");
}

#[test]
fn offline_pauses_retries_and_online_reconnects_at_once() {
    let (mut s, conn) = streaming(0);
    s.event(&up("a", 1_500));
    assert_eq!(
        s.offline(at(1_000)),
        Action::Idle,
        "a running stream is left alone"
    );
    assert_eq!(
        s.ended(at(2_000), conn, EndCause::Network("offline".into())),
        Action::Idle
    );
    assert_eq!(s.state(), &State::Offline);
    assert_eq!(
        s.tick(at(3_600_000)),
        Action::Idle,
        "no retries while offline"
    );
    let (conn, after) = connect(s.online(at(3_600_001)));
    assert_eq!(after, Some(at(500)));

    // Waiting out a backoff, then offline, then back: no waiting either.
    let until = wait(s.ended(at(3_600_002), conn, EndCause::Eof));
    assert_eq!(s.offline(at(3_600_003)), Action::Idle);
    assert!(at(3_600_004) < until);
    connect(s.online(at(3_600_004)));
}

#[test]
fn without_events_storage_the_marker_shows_the_gap() {
    let (mut s, conn) = streaming(0);
    s.event(&up("a", 10_000));
    let until = wait(s.ended(at(20_000), conn, EndCause::Eof));
    let (conn, _) = connect(s.tick(until));
    s.connected(until, conn, false);
    let marker = s.markers().last().cloned();
    let Some(marker) = marker else {
        panic!("no marker")
    };
    assert_eq!(marker.gap, Some((at(10_000), until)));
    assert_eq!(marker.backfilled, 0);
    let text = marker.to_string();
    assert!(text.contains("cannot be back-filled"), "{text}");
    assert!(text.contains(&at(10_000).to_rfc3339_millis()), "{text}");
}

#[test]
fn markers_carry_the_cause_and_backfilled_count_and_the_status_bar_counts_reconnects() {
    let (mut s, conn) = streaming(0);
    s.event(&up("a", 1_000));
    s.event(&up("b", 2_000));
    let until = wait(s.ended(at(5_000), conn, EndCause::Eof));
    assert_eq!(s.reconnects(), 0, "counted once it is back");
    // The first retry fails: still one marker, two attempts.
    let (conn, _) = connect(s.tick(until));
    let until = wait(s.ended(until, conn, EndCause::Network("refused".into())));
    let (conn, after) = connect(s.tick(until));
    assert_eq!(after, Some(at(1_000)));
    s.connected(until, conn, true);
    let now = until.unix_millis() - BASE_MS;
    assert_eq!(s.event(&ev(STREAM_START, "start2", now)), Accept::New);
    assert_eq!(s.event(&up("b", 2_000)), Accept::Duplicate);
    assert_eq!(s.event(&up("c", 3_000)), Accept::New);
    assert_eq!(s.event(&up("d", 4_000)), Accept::New);
    assert_eq!(s.event(&up("e", now + 1_000)), Accept::New, "live");
    assert_eq!(s.reconnects(), 1);
    let markers: Vec<&ReconnectMarker> = s.markers().collect();
    assert_eq!(markers.len(), 1);
    let m = markers[0];
    assert_eq!(m.at, at(5_000));
    assert!(m.cause.contains("ended the stream"), "{}", m.cause);
    assert_eq!(m.attempts, 2);
    assert_eq!(m.reconnected_at, Some(until));
    assert_eq!(m.resumed_after, Some(at(1_000)));
    assert_eq!(m.backfilled, 2);
    assert!(m.to_string().contains("2 events back-filled"), "{m}");
}

/// The status bar's attempt number and the outage's line agree: the first
/// retry after a working stream broke is attempt 1, the next attempt 2.
#[test]
fn an_outage_counts_its_attempts_from_one_in_the_status_and_its_marker() {
    let attempt = |s: &Session| match s.state() {
        State::Waiting { attempt, .. } | State::Connecting { attempt } => *attempt,
        other => panic!("{other:?}"),
    };
    let line = |s: &Session| {
        s.markers()
            .last()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let (mut s, conn) = streaming(0);
    s.event(&up("a", 1_000));
    let until = wait(s.ended(at(5_000), conn, EndCause::Network("reset".into())));
    assert_eq!(attempt(&s), 1, "the first retry");
    assert!(line(&s).ends_with("Reconnecting."), "{}", line(&s));
    let (conn, _) = connect(s.tick(until));
    assert_eq!(attempt(&s), 1);
    assert!(
        line(&s).ends_with("Reconnecting (1 attempt so far)."),
        "{}",
        line(&s)
    );
    wait(s.ended(until, conn, EndCause::Network("refused".into())));
    assert_eq!(attempt(&s), 2, "the next one");
    // The timeline shows the status bar's number while the outage retries.
    let shown = |s: &Session| {
        s.markers()
            .last()
            .map(|m| s.marker_line(m))
            .unwrap_or_default()
    };
    assert!(
        shown(&s).ends_with("Reconnecting (attempt 2)."),
        "{}",
        shown(&s)
    );
}

#[test]
fn the_transports_answers_map_to_the_same_decisions() {
    use crate::stream::fetch::{ResponseInfo, TransportError};
    let answer = |status: u16, retry_after_secs: Option<u64>| {
        let info = ResponseInfo {
            status,
            retry_after_secs,
            ..ResponseInfo::default()
        };
        let body = format!(
            r#"{{"code":{},"message":"x"}}"#,
            if status == 429 { 8 } else { 16 }
        );
        let error = ApiError::from_response(status, Some("application/json"), body.as_bytes());
        EndCause::from(TransportError::Rejected(Box::new(info), Box::new(error)))
    };
    let mut s = Session::new(SessionConfig::default(), 5);
    let (conn, _) = connect(s.tick(at(0)));
    assert_eq!(
        s.ended(at(0), conn, answer(429, Some(7))),
        Action::WaitUntil(at(7_000))
    );
    let (conn, _) = connect(s.tick(at(7_000)));
    assert!(matches!(
        s.ended(at(7_000), conn, answer(401, None)),
        Action::Stop(StopReason::Refused(_))
    ));
    let (conn, _) = connect(s.user_reconnect(at(8_000)));
    let cause = EndCause::from(TransportError::Network("Failed to fetch".into()));
    assert!(matches!(
        s.ended(at(8_000), conn, cause),
        Action::WaitUntil(_)
    ));
}

#[test]
fn a_tail_is_a_back_fill_until_the_first_live_event() {
    use crate::tts::{EntityIds, StreamRequest};
    let mut request = StreamRequest::new()
        .entity(EntityIds::application("a"))
        .entity(EntityIds::gateway("g"));
    request.tail = 100;
    let mut s = Session::new(SessionConfig::default(), 1).for_request(&request);
    let (conn, _) = connect(s.tick(at(0)));
    assert_eq!(s.backfill(), None, "not open yet");
    s.connected(at(100), conn, true);
    s.event(&ev(STREAM_START, "start", 100));
    s.event(&up("old-1", -50_000));
    s.event(&up("old-2", -40_000));
    assert_eq!(
        s.backfill(),
        Some(Backfill {
            received: 2,
            expected: Some(200)
        })
    );
    // An event from after the stream started (beyond the margin): live.
    s.event(&up("new", 5_000));
    assert_eq!(s.backfill(), None);
    // A request with no tail and no `after` asks no history.
    let mut plain = Session::new(SessionConfig::default(), 1)
        .for_request(&StreamRequest::new().entity(EntityIds::application("a")));
    let (conn, _) = connect(plain.tick(at(0)));
    plain.connected(at(0), conn, true);
    assert_eq!(plain.backfill(), None);
}
