//! Snapshot links: round trip, caps and what was left out, redaction,
//! and every kind of damaged link turned into a sentence.

use super::*;
use crate::share::import::{CaptureReader, ImportItem};

const EXAMPLES: &str = include_str!("../../data/example-events.jsonl");

fn examples() -> Vec<Event> {
    EXAMPLES
        .lines()
        .filter_map(|l| Event::from_json(l.as_bytes()).ok())
        .filter(|e| !e.is_stream_start())
        .collect()
}

fn at() -> Timestamp {
    Timestamp::parse("2024-10-28T09:15:42.5Z").unwrap()
}

/// The events a snapshot's text holds, read as the capture import reads them.
fn read_back(text: &str) -> (Header, Vec<Event>) {
    let opened = open(text.as_bytes()).unwrap();
    let mut reader = CaptureReader::new();
    let mut items = reader.feed(opened.events);
    items.extend(reader.finish());
    let events = items
        .into_iter()
        .map(|i| match i {
            ImportItem::Event(e) => *e,
            ImportItem::Skipped { reason, .. } => panic!("skipped: {reason}"),
        })
        .collect();
    (opened.header, events)
}

#[test]
fn base64url_round_trips_every_length_without_padding() {
    let bytes: Vec<u8> = (0..=255).chain((0..=255).rev()).collect();
    for n in 0..bytes.len() {
        let text = base64url::encode(&bytes[..n]);
        assert!(!text.contains(['=', '+', '/']), "{text}");
        assert_eq!(payload(&text).unwrap(), &bytes[..n], "{n} bytes");
    }
    // RFC 4648's examples, in the URL alphabet.
    assert_eq!(base64url::encode(b"foobar"), "Zm9vYmFy");
    assert_eq!(base64url::encode(b"fo"), "Zm8");
    assert_eq!(base64url::encode(&[0xfb, 0xff]), "-_8");
    // Padding another encoder added is accepted.
    assert_eq!(payload("Zm8=").unwrap(), b"fo");
}

#[test]
fn a_snapshot_reads_back_as_the_same_events_redacted() {
    let events = examples();
    let draft = Draft::new(
        Of::Journey("ns:uplink:01JB96GXT9ESQAH4PYVMF8QS76".into()),
        &events,
        at(),
    );
    assert_eq!(draft.len(), events.len());
    let text = draft.text(draft.len());
    let (header, back) = read_back(&text);
    assert_eq!(
        header,
        Header {
            shared_at: at(),
            of: Of::Journey("ns:uplink:01JB96GXT9ESQAH4PYVMF8QS76".into()),
            events: events.len(),
            left_out: 0,
        }
    );
    let ids = |es: &[Event]| {
        es.iter()
            .map(|e| (e.unique_id.to_string(), e.name.clone(), e.time))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&back), ids(&events));
    // Redacted exactly as Export NDJSON writes them.
    let export =
        crate::share::capture::export(&events, crate::share::capture::Format::Ndjson, true);
    assert_eq!(text.split_once('\n').unwrap().1, export.body);
    for secret in [
        "203.0.113.17",
        "198.51.100.42",
        "session_key_id",
        "uplink_token",
        "remote_ip",
        "token_id",
    ] {
        assert!(EXAMPLES.contains(secret), "the examples carry {secret}");
        assert!(!text.contains(secret), "{secret} left in the snapshot");
    }
}

fn many(n: usize) -> Vec<Event> {
    let first = examples().remove(0);
    (0..n)
        .map(|i| {
            let mut e = first.clone();
            e.unique_id = format!("U{i:05}").into();
            e.time = Timestamp::from_unix_millis(1_730_106_000_000 + i as i64);
            e
        })
        .collect()
}

#[test]
fn a_view_keeps_its_newest_thousand_and_says_how_many_older_were_left_out() {
    let events = many(1_500);
    let draft = Draft::new(Of::View, &events, at());
    assert_eq!(draft.len(), MAX_EVENTS);
    let (header, back) = read_back(&draft.text(MAX_EVENTS));
    assert_eq!((header.events, header.left_out), (1_000, 500));
    assert_eq!(back.first().unwrap().unique_id, "U00500");
    assert_eq!(back.last().unwrap().unique_id, "U01499");
    // Fewer fit in the link: still the newest.
    let (header, back) = read_back(&draft.text(300));
    assert_eq!((header.events, header.left_out), (300, 1_200));
    assert_eq!(back.first().unwrap().unique_id, "U01200");
    assert_eq!(
        draft.summary(300),
        "Link to 300 events copied (redacted as Export). 1200 older events were left out: \
         a link holds at most 1000 events or 100000 characters. Nothing was sent anywhere: \
         the events are in the link itself."
    );
    assert_eq!(
        header.note(300),
        "Snapshot of 300 events shared on 2024-10-28 09:15 UTC; not live. \
         1200 more were left out of the link."
    );
}

#[test]
fn a_journey_keeps_its_first_steps() {
    let events = many(1_001);
    let draft = Draft::new(Of::Journey("ns:uplink:X".into()), &events, at());
    let (header, back) = read_back(&draft.text(10));
    assert_eq!((header.events, header.left_out), (10, 991));
    assert_eq!(back.first().unwrap().unique_id, "U00000");
    assert!(draft
        .summary(10)
        .contains(" 991 later events were left out"));
    let all = Draft::new(Of::Health("app/dev".into()), &events[..3], at());
    assert_eq!(
        all.summary(3),
        "Link to 3 events copied (redacted as Export). Nothing was sent anywhere: \
         the events are in the link itself."
    );
    assert_eq!(
        all.header(3).note(1),
        "Snapshot of 1 event shared on 2024-10-28 09:15 UTC; not live."
    );
}

#[test]
fn a_link_too_long_is_made_again_with_fewer_events_until_it_fits() {
    let draft = Draft::new(Of::View, &many(1_000), at());
    assert_eq!(draft.fit(1_000, MAX_LINK), Ok(1_000));
    let fewer = draft.fit(1_000, 2 * MAX_LINK).unwrap();
    assert!((400..500).contains(&fewer), "{fewer}");
    // Always strictly fewer, never none while one may fit.
    assert_eq!(draft.fit(2, 100 * MAX_LINK), Ok(1));
    assert_eq!(draft.fit(1, MAX_LINK + 1), Err(SnapshotError::NothingFits));
    assert_eq!(draft.fit(0, 10), Err(SnapshotError::NothingFits));
    assert!(Draft::new(Of::View, &[], at()).is_empty());
}

#[test]
fn the_header_says_which_panel_opens_and_a_bad_one_opens_none() {
    let text = |of: &str, open: &str| {
        format!(
            "{{\"eventline_snapshot\":1,\"shared_at\":\"2024-10-28T09:15:00Z\",\"of\":\"{of}\",\"open\":\"{open}\",\"events\":0,\"left_out\":0}}\n"
        )
    };
    let of = |of: &str, open: &str| open_of(&text(of, open));
    fn open_of(t: &str) -> Of {
        super::open(t.as_bytes()).unwrap().header.of
    }
    assert_eq!(
        of("health", "gw:rooftop-gw-01"),
        Of::Health("gw:rooftop-gw-01".into())
    );
    assert_eq!(
        of("journey", "ns:uplink:01JB96"),
        Of::Journey("ns:uplink:01JB96".into())
    );
    assert_eq!(of("journey", "gs:conn:01JB96"), Of::View, "not a message");
    assert_eq!(of("journey", "<script>"), Of::View);
    assert_eq!(of("health", &"x".repeat(400)), Of::View);
    assert_eq!(of("somewhere", "x"), Of::View);
    // A header without events: an empty snapshot, opened.
    assert_eq!(
        super::open(text("view", "").trim_end().as_bytes())
            .unwrap()
            .events,
        b""
    );
}

#[test]
fn damaged_or_hostile_links_give_sentences() {
    let said = |e: SnapshotError| e.to_string();
    assert_eq!(
        said(payload("Zm9v%YmFy").unwrap_err()),
        "it is damaged: character 5 of its events ('%') cannot be part of a snapshot"
    );
    assert_eq!(
        said(payload("Zm9vY").unwrap_err()),
        "it is cut short: copy the whole link and try again"
    );
    assert!(matches!(
        payload(&"A".repeat(MAX_READ + 4)),
        Err(SnapshotError::TooLong { .. })
    ));
    assert!(said(payload("Zm9v€").unwrap_err()).contains("('€')"));
    for (bytes, expect) in [
        (
            &b"not json\n{}"[..],
            "it is not an Eventline snapshot (its first line is not a snapshot header: ",
        ),
        (
            b"",
            "it is not an Eventline snapshot (its first line is not a snapshot header: ",
        ),
        (
            b"{\"name\":\"as.up.data.forward\"}\n",
            "it is not an Eventline snapshot",
        ),
        (
            b"{\"eventline_snapshot\":1,\"shared_at\":\"yesterday\",\"of\":\"view\"}",
            "it is not an Eventline snapshot",
        ),
        (
            b"{\"eventline_snapshot\":2,\"shared_at\":\"2024-10-28T09:15:00Z\",\"of\":\"view\"}",
            "it was made by a newer Eventline (snapshot format 2); open it with that version",
        ),
    ] {
        let e = said(open(bytes).unwrap_err());
        assert!(e.starts_with(expect), "{e}");
    }
    let long = format!("{{\"x\":\"{}\"}}\n", "a".repeat(MAX_HEADER));
    assert!(said(open(long.as_bytes()).unwrap_err()).contains("longer than 4096 bytes"));
    // A decompression bomb stops in the shell at MAX_UNPACKED; what reaches
    // here past it is refused too.
    let bomb = vec![b'{'; MAX_UNPACKED + 1];
    assert_eq!(
        said(open(&bomb).unwrap_err()),
        "its events unpack to more than 16 MB, more than a snapshot may hold"
    );
    // Garbage never panics.
    for seed in 0..200_u32 {
        let junk: Vec<u8> = (0..seed * 7)
            .map(|i| i.wrapping_mul(2_654_435_761).wrapping_add(seed) as u8)
            .collect();
        let _ = open(&junk);
        let _ = payload(&String::from_utf8_lossy(&junk));
    }
}
