//! Many cuts in a row, as the fault test makes them: at random points,
//! during the back-fill too, and what each does to the resume point, the
//! backoff and the markers.

use std::collections::HashMap;

use super::*;
use crate::stream::session::backoff::splitmix64;
use crate::tts::EntityIds;

/// An uplink seen by gateway `gw{k}`.
fn heard(id: &str, gateway: usize, ms: i64) -> Event {
    let json = format!(
        r#"{{"name":"gs.up.receive","time":"{}","unique_id":"{id}","identifiers":[{{"gateway_ids":{{"gateway_id":"gw{gateway}"}}}}]}}"#,
        at(ms).to_rfc3339()
    );
    match Event::from_json(json.as_bytes()) {
        Ok(e) => e,
        Err(e) => panic!("test event: {e}"),
    }
}

/// The model cluster: events every 50 ms for 60 s, spread over three gateways.
fn model_history() -> Vec<(usize, Event)> {
    let mut rng = 11;
    (0..1_200)
        .map(|i| {
            let gateway = (splitmix64(&mut rng) % 3) as usize;
            (gateway, heard(&format!("E{i:04}"), gateway, 25 + i * 50))
        })
        .collect()
}

fn gateways() -> StreamRequest {
    StreamRequest {
        identifiers: (0..3)
            .map(|k| EntityIds::gateway(format!("gw{k}")))
            .collect(),
        ..StreamRequest::default()
    }
}

/// What a TTS-like server sends on a stream started at `start` with `after`:
/// the back-fill per identifier in the order asked (each oldest first,
/// `after` truncated to ms), then the live events in time order.
fn model_stream<'a>(
    all: &'a [(usize, Event)],
    after: Option<Timestamp>,
    order: &[usize],
    start: i64,
) -> Vec<&'a Event> {
    let mut out = Vec::new();
    if let Some(after) = after {
        for &gateway in order {
            out.extend(all.iter().filter_map(|(g, e)| {
                (*g == gateway && e.time.unix_millis() > after.unix_millis() && e.time <= at(start))
                    .then_some(e)
            }));
        }
    }
    out.extend(all.iter().map(|(_, e)| e).filter(|e| e.time > at(start)));
    out
}

#[test]
fn random_cuts_even_inside_the_back_fill_lose_nothing_and_show_nothing_twice() {
    let all = model_history();
    let end = 60_000;
    let mut rng = 2024;
    let mut s = Session::new(SessionConfig::default(), 9).for_request(&gateways());
    let (mut conn, mut after) = connect(s.tick(at(0)));
    let mut now = 0;
    let mut shown: HashMap<String, u32> = HashMap::new();
    let (mut cuts, mut cuts_in_back_fill) = (0, 0);
    loop {
        s.connected(at(now), conn, true);
        s.event(&ev(STREAM_START, &format!("start-{now}"), now));
        let order = s.resume_order().to_vec();
        assert_eq!(order.len(), 3);
        let stream = model_stream(&all, after, &order, now);
        let back_fill = stream.iter().filter(|e| e.time <= at(now)).count();
        // The last stream runs to the end; the others are cut after N events,
        // which is inside the back-fill about half the time.
        let last = now > end - 5_000;
        let n = if last {
            usize::MAX
        } else {
            (splitmix64(&mut rng) % 90) as usize
        };
        let mut cut_at = now;
        for e in stream.iter().take(n) {
            if e.time > at(end) {
                break;
            }
            cut_at = cut_at.max(e.time.unix_millis() - BASE_MS);
            if s.event(e) == Accept::New {
                *shown.entry(e.unique_id.to_string()).or_default() += 1;
            }
        }
        if last {
            break;
        }
        cuts += 1;
        if n < back_fill {
            cuts_in_back_fill += 1;
        }
        now = cut_at + 10;
        let until = wait(s.ended(at(now), conn, EndCause::Eof));
        now = until.unix_millis() - BASE_MS;
        let (next, next_after) = connect(s.tick(until));
        // Never past an event not yet shown: for each gateway, the oldest one missing.
        let oldest_missing = all
            .iter()
            .filter(|(_, e)| e.time <= at(now) && !shown.contains_key(e.unique_id.as_str()))
            .map(|(_, e)| e.time.unix_millis())
            .min();
        if let (Some(asked), Some(missing)) = (next_after, oldest_missing) {
            assert!(
                asked.unix_millis() < missing,
                "cut {cuts}: resume skips {missing}"
            );
        }
        (conn, after) = (next, next_after);
        // Headway, even when cut inside the back-fill: never more than 8 s behind.
        if let Some(missing) = oldest_missing {
            assert!(
                now - (missing - BASE_MS) < 8_000,
                "cut {cuts}: stuck at {missing}"
            );
        }
    }
    let expected = all.iter().filter(|(_, e)| e.time <= at(end)).count();
    let twice: Vec<_> = shown.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "shown twice: {twice:?}");
    let missing: Vec<_> = all
        .iter()
        .filter(|(_, e)| e.time <= at(end) && !shown.contains_key(e.unique_id.as_str()))
        .map(|(_, e)| e.unique_id.as_str())
        .collect();
    assert!(missing.is_empty(), "{} missing: {missing:?}", missing.len());
    assert_eq!(shown.len(), expected);
    assert_eq!(s.reconnects(), cuts);
    assert!(cuts >= 15, "{cuts} cuts");
    assert!(
        cuts_in_back_fill >= 8,
        "{cuts_in_back_fill} of {cuts} cuts in a back-fill"
    );
}

#[test]
fn a_cut_back_fill_moves_the_identifiers_it_finished_and_asks_for_the_rest_first() {
    let mut s = Session::new(SessionConfig::default(), 5).for_request(&gateways());
    let (conn, _) = connect(s.tick(at(0)));
    s.connected(at(0), conn, true);
    s.event(&ev(STREAM_START, "s1", 0));
    s.event(&heard("a", 1, 900));
    let until = wait(s.ended(at(950), conn, EndCause::Eof));
    let (conn, after) = connect(s.tick(until));
    assert_eq!(
        after,
        Some(at(-1_000)),
        "nothing was live yet: from the start"
    );
    assert_eq!(s.resume_order(), [0, 2, 1], "gw1 got furthest: last");
    let start = until.unix_millis() - BASE_MS;
    s.connected(until, conn, true);
    s.event(&ev(STREAM_START, "s2", start));
    // Back-fill: gw0's history (complete), then gw2's, cut in the middle.
    assert_eq!(s.event(&heard("b", 0, 500)), Accept::New);
    assert_eq!(s.event(&heard("c", 2, 300)), Accept::New);
    assert_eq!(s.event(&heard("d", 2, 900)), Accept::New);
    let until = wait(s.ended(at(start + 5), conn, EndCause::Eof));
    let (_, after) = connect(s.tick(until));
    // gw0: up to this start; gw2: up to 900 now; gw1: up to 900 from before.
    assert_eq!(after, Some(at(-100)));
    assert_eq!(s.resume_order(), [2, 1, 0], "the least far first");
}

#[test]
fn the_resume_point_moves_only_once_a_connection_is_live() {
    let (mut s, conn) = streaming(0);
    s.event(&ev(STREAM_START, "s1", 0));
    // Within the margin of the start an event could still be back-fill.
    s.event(&up("a", 900));
    let until = wait(s.ended(at(1_000), conn, EndCause::Eof));
    let (conn, after) = connect(s.tick(until));
    assert_eq!(after, Some(at(-1_000)), "from the first stream's start");
    let start = until.unix_millis() - BASE_MS;
    s.connected(until, conn, true);
    s.event(&ev(STREAM_START, "s2", start));
    // Back-fill of one identifier, newer than what the other one still owes.
    assert_eq!(s.event(&up("b", start - 10)), Accept::New);
    let until = wait(s.ended(at(start + 5), conn, EndCause::Eof));
    let (conn, again) = connect(s.tick(until));
    assert_eq!(
        again, after,
        "cut inside the back-fill: ask again from the same point"
    );
    let start = until.unix_millis() - BASE_MS;
    s.connected(until, conn, true);
    s.event(&ev(STREAM_START, "s3", start));
    assert_eq!(s.event(&up("b", start - 10)), Accept::Duplicate);
    assert_eq!(s.event(&up("c", start + 1_500)), Accept::New, "live");
    let until = wait(s.ended(at(start + 1_600), conn, EndCause::Eof));
    let (conn, after) = connect(s.tick(until));
    assert_eq!(after, Some(at(start + 500)), "the newest event − 1 s");
    // A quiet connection up a healthy minute is past its back-fill: its start counts.
    let start = until.unix_millis() - BASE_MS;
    s.connected(until, conn, true);
    s.event(&ev(STREAM_START, "s4", start));
    let until = wait(s.ended(at(start + 61_000), conn, EndCause::Eof));
    let (_, after) = connect(s.tick(until));
    assert_eq!(after, Some(at(start - 1_000)));
}

#[test]
fn a_first_stream_cut_in_its_back_fill_resumes_from_the_users_after() {
    let request = StreamRequest {
        after: Some(at(-60_000)),
        ..gateways()
    };
    let mut s = Session::new(SessionConfig::default(), 4).for_request(&request);
    let (conn, after) = connect(s.tick(at(0)));
    assert_eq!(after, None, "the user's own request");
    s.connected(at(0), conn, true);
    s.event(&ev(STREAM_START, "s1", 0));
    s.event(&heard("a", 0, -100));
    let until = wait(s.ended(at(10), conn, EndCause::Eof));
    let (conn, after) = connect(s.tick(until));
    assert_eq!(
        after,
        Some(at(-60_000)),
        "everything since the user's after"
    );
    // Once live, the newest event counts as usual.
    let start = until.unix_millis() - BASE_MS;
    s.connected(until, conn, true);
    s.event(&up("b", start + 2_000));
    let until = wait(s.ended(at(start + 2_100), conn, EndCause::Eof));
    assert_eq!(connect(s.tick(until)).1, Some(at(start + 1_000)));
}

#[test]
fn backoff_starts_over_after_a_stream_that_delivered_new_events() {
    let (mut s, mut conn) = streaming(0);
    let mut now = 0;
    // Cut ten times, each stream having delivered something new: about a second each time.
    for i in 0..10 {
        s.event(&up(&format!("n{i}"), now + 100));
        now += 200;
        let until = wait(s.ended(at(now), conn, EndCause::Network("reset".into())));
        let d = delay_ms(at(now), until);
        assert!((500..=1_000).contains(&d), "cut {i}: waited {d} ms");
        now = until.unix_millis() - BASE_MS;
        conn = connect(s.tick(until)).0;
        s.connected(until, conn, true);
    }
    // Streams that bring only what we have (or nothing) back off as before.
    let mut waits = Vec::new();
    for _ in 0..6 {
        s.event(&up("n9", now));
        let until = wait(s.ended(at(now + 50), conn, EndCause::Eof));
        waits.push(delay_ms(at(now + 50), until));
        now = until.unix_millis() - BASE_MS;
        conn = connect(s.tick(until)).0;
        s.connected(until, conn, true);
    }
    for (wait, base) in waits
        .iter()
        .zip([2_000, 4_000, 8_000, 16_000, 30_000, 30_000])
    {
        assert!((base / 2..=base).contains(wait), "backed off: {waits:?}");
    }
}

#[test]
fn silence_is_retried_and_the_marker_says_how_long() {
    let (mut s, conn) = streaming(0);
    s.event(&up("a", 2_000));
    let quiet = EndCause::Silent(secs(120));
    let until = wait(s.ended(at(122_000), conn, quiet));
    let (conn, after) = connect(s.tick(until));
    assert_eq!(after, Some(at(1_000)));
    s.connected(until, conn, true);
    let marker = s
        .markers()
        .last()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(marker.starts_with("No data for 120 s;"), "{marker}");
    assert!(
        marker.contains("Reconnected; 0 events back-filled."),
        "{marker}"
    );
    assert_eq!(SessionConfig::default().stall_timeout, Some(secs(120)));
}
