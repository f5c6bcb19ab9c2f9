//! Frame counters: gaps, resets, wrap, retransmissions, duplicates, PER.

use super::*;
use crate::insight::{counters, uplinks, Reset};

fn counted(seq: &[(i64, u32, &str)]) -> crate::insight::Counters {
    let events = seq
        .iter()
        .map(|&(ms, f, addr)| uplink(ms, f, addr, 7, &[("gw1", -90.0, 5.0)]))
        .collect();
    let store = store_of(events);
    counters(&uplinks(&store, LANE).0)
}

#[test]
fn gaps_are_named_with_their_ranges_and_per_follows() {
    let c = counted(&[
        (0, 10, "A"),
        (60_000, 11, "A"),
        (120_000, 12, "A"),
        (180_000, 15, "A"),
        (240_000, 16, "A"),
        (300_000, 18, "A"),
    ]);
    assert_eq!(c.received, 6);
    assert_eq!(c.missed, 3);
    assert_eq!(c.missed_text(), "3 missed (FCnt 13–14, 17)");
    assert!(
        c.gaps.iter().all(|g| g.session.as_deref() == Some("A")),
        "each gap names its session"
    );
    assert_eq!(c.per().map(|p| (p * 1000.0).round()), Some(333.0));
    assert_eq!(c.range, Some((10, 18)));
    assert_eq!(
        counted(&[(0, 1, "A"), (1000, 2, "A")]).missed_text(),
        "none missed"
    );
}

#[test]
fn a_counter_that_starts_again_is_a_reset_not_a_gap() {
    // A device reset (same DevAddr, FCnt back to 0) and a new session after a join (new DevAddr).
    let c = counted(&[
        (0, 500, "A"),
        (60_000, 501, "A"),
        (120_000, 0, "A"),
        (180_000, 1, "A"),
        (240_000, 3, "B"),
        (300_000, 4, "B"),
    ]);
    assert_eq!(c.missed, 0, "{c:?}");
    let whys: Vec<&str> = c.resets.iter().map(|r| r.why).collect();
    assert_eq!(whys, ["FCnt reset", "new session (DevAddr changed)"]);
    assert!(c.restarted());
    assert_eq!(c.resets_heading(), "Counter restarts");
    let words: Vec<String> = c.resets.iter().map(Reset::words).collect();
    assert_eq!(
        words,
        [
            "FCnt went back from 501 to 0, same DevAddr",
            "new session (DevAddr changed) after FCnt 1; it began at FCnt 3"
        ]
    );
    assert_eq!(c.received, 6);
    assert_eq!(c.range, Some((3, 4)));
}

#[test]
fn sixteen_bit_counters_wrap_and_32_bit_ones_do_not() {
    let c = counted(&[(0, 65_533, "A"), (60_000, 65_534, "A"), (120_000, 1, "A")]);
    assert_eq!(c.missed, 2, "{c:?}");
    assert_eq!(c.missed_text(), "2 missed (FCnt 65535–0)");
    assert!(c.resets.is_empty());
    // A 32-bit counter past 65,535 keeps counting: no wrap, no gap.
    let c = counted(&[
        (0, 65_535, "A"),
        (60_000, 65_536, "A"),
        (120_000, 65_537, "A"),
    ]);
    assert_eq!((c.missed, c.resets.len()), (0, 0));
    // A jump beyond MAX_FCNT_GAP is not 16,000 missed uplinks.
    let c = counted(&[(0, 5, "A"), (60_000, 40_000, "A")]);
    assert_eq!(c.missed, 0);
    assert_eq!(c.resets.first().map(|r| r.why), Some("FCnt jumped"));
    // A new session from 0, as they start: no "began at" to say.
    let session = counted(&[(0, 7, "A"), (60_000, 0, "B")]);
    assert_eq!(
        session.resets.first().map(Reset::words).as_deref(),
        Some("new session (DevAddr changed) after FCnt 7")
    );
    assert_eq!(
        c.resets.first().map(Reset::words).as_deref(),
        Some("FCnt jumped from 5 to 40000")
    );
    assert!(!c.restarted(), "a jump ahead is not a restart");
    assert_eq!(c.resets_heading(), "Counter jumps");
}

#[test]
fn retransmissions_and_gateways_duplicates_count_once() {
    let store = store_of(vec![
        uplink(0, 7, "A", 7, &[("gw1", -90.0, 5.0), ("gw2", -110.0, -7.0)]),
        // The NS's view of the same uplink (same ns:uplink ID): one uplink, not two.
        event(
            "ns.up.data.process",
            5,
            &device_ids("A"),
            &["ns:uplink:7-0".to_owned()],
            r#"{"payload":{"mac_payload":{"f_hdr":{"dev_addr":"A","f_cnt":7},"full_f_cnt":7}},"rx_metadata":[{"gateway_ids":{"gateway_id":"gw3"},"rssi":-120,"snr":-12}]}"#,
        ),
        // A retransmission: same FCnt, a new uplink event.
        uplink(2_000, 7, "A", 7, &[("gw1", -91.0, 4.0)]),
        uplink(60_000, 8, "A", 7, &[("gw1", -92.0, 4.0)]),
    ]);
    let (ups, _) = uplinks(&store, LANE);
    assert_eq!(ups.len(), 3);
    assert_eq!(
        ups[0].gateways.len(),
        3,
        "every gateway of the de-duplicated uplink"
    );
    let c = counters(&ups);
    assert_eq!((c.received, c.retransmissions, c.missed), (2, 1, 0));
}
