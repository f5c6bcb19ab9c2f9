//! Tests of the filter's field predicates: reading every field and
//! operator, the error sentences, and matching against the example events
//! (`data/example-events.jsonl`) and small hand-made ones.

use super::*;
use crate::store::{Filter, LazyRow, RowPreview, Timeline};

const EXAMPLES: &str = include_str!("../../../data/example-events.jsonl");

fn examples() -> Vec<(Event, LazyRow)> {
    EXAMPLES
        .lines()
        .map(|l| {
            let e = Event::from_json(l.as_bytes()).expect("example event");
            let row = LazyRow::default();
            (e, row)
        })
        .collect()
}

/// The line numbers (from 0) of the examples `query` keeps.
fn which(all: &[(Event, LazyRow)], query: &str) -> Vec<usize> {
    let filter = Filter::parse(query).expect("valid filter");
    all.iter()
        .enumerate()
        .filter(|(_, (e, row))| filter.matches(e, row))
        .map(|(i, _)| i)
        .collect()
}

fn event(name: &str, ids: &str, data: &str) -> Event {
    let json = format!(
        r#"{{"name":"{name}","time":"2024-10-28T10:00:00Z","identifiers":[{ids}],"data":{data},"unique_id":"U"}}"#
    );
    Event::from_json(json.as_bytes()).expect("test event")
}

fn hit(query: &str, e: &Event) -> bool {
    Filter::parse(query)
        .expect("valid filter")
        .matches(e, &LazyRow::default())
}

fn pred(term: &str) -> Predicate {
    parse(term).expect("valid").expect("a predicate")
}

fn b(lo: f64, hi: f64, lo_open: bool, hi_open: bool) -> Bounds {
    Bounds {
        lo,
        hi,
        lo_open,
        hi_open,
        wrap: false,
    }
}

const INF: f64 = f64::INFINITY;
const GW: &str = r#"{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}"#;

#[test]
fn every_operator_reads_as_bounds() {
    use Numeric::*;
    assert_eq!(
        pred("rssi<-110"),
        Predicate::Number(Rssi, b(-INF, -110.0, false, true))
    );
    assert_eq!(
        pred("RSSI<=-110"),
        Predicate::Number(Rssi, b(-INF, -110.0, false, false))
    );
    assert_eq!(
        pred("snr>0"),
        Predicate::Number(Snr, b(0.0, INF, true, false))
    );
    assert_eq!(
        pred("snr>=-7.5"),
        Predicate::Number(Snr, b(-7.5, INF, false, false))
    );
    assert_eq!(
        pred("sf=9"),
        Predicate::Number(Sf, b(9.0, 9.0, false, false))
    );
    assert_eq!(pred("sf:9"), pred("sf=9"));
    assert_eq!(
        pred("dr:5"),
        Predicate::Number(Dr, b(5.0, 5.0, false, false))
    );
    assert_eq!(
        pred("fport:2"),
        Predicate::Number(FPort, b(2.0, 2.0, false, false))
    );
    assert_eq!(
        pred("fcnt:100..200"),
        Predicate::Number(FCnt, b(100.0, 200.0, false, false))
    );
    assert_eq!(
        pred("fcnt>=100"),
        Predicate::Number(FCnt, b(100.0, INF, false, false))
    );
    assert_eq!(pred("f_cnt:7"), pred("fcnt:7"));
    assert_eq!(
        pred("any-rssi<-120"),
        Predicate::Number(AnyRssi, b(-INF, -120.0, false, true))
    );
    assert_eq!(
        pred("any-snr:-5..0"),
        Predicate::Number(AnySnr, b(-5.0, 0.0, false, false))
    );
    assert_eq!(
        pred("rssi:-120..-100"),
        Predicate::Number(Rssi, b(-120.0, -100.0, false, false))
    );
    // Frequencies: MHz (or Hz), equal within 0.0005 MHz.
    assert_eq!(
        pred("freq:868.1"),
        Predicate::Number(Freq, b(868_099_500.0, 868_100_500.0, false, false))
    );
    assert_eq!(pred("freq:868100000"), pred("freq:868.1"));
    assert_eq!(
        pred("freq>=868"),
        Predicate::Number(Freq, b(867_999_500.0, INF, false, false))
    );
    assert_eq!(
        pred("freq>868"),
        Predicate::Number(Freq, b(868_000_500.0, INF, true, false))
    );
    assert_eq!(
        pred("freq:867..868.5"),
        Predicate::Number(Freq, b(866_999_500.0, 868_500_500.0, false, false))
    );
}

#[test]
fn identifiers_and_flags_read() {
    let gateway = |id: &str, glob| Predicate::Gateway {
        id: id.into(),
        glob,
    };
    assert_eq!(pred("gw:Rooftop-GW-01"), gateway("rooftop-gw-01", false));
    assert_eq!(pred("gateway:rooftop-*"), gateway("rooftop-*", true));
    assert_eq!(
        pred("devaddr:260bb94f"),
        Predicate::DevAddr("260BB94F".into(), 0x260B_B94F)
    );
    assert_eq!(
        pred("deveui:70b3d57ed0061a2b"),
        Predicate::DevEui("70B3D57ED0061A2B".into(), 0x70B3_D57E_D006_1A2B)
    );
    assert_eq!(pred("confirmed"), Predicate::Confirmed);
    assert_eq!(pred("Problem"), Predicate::Problem);
}

#[test]
fn words_that_are_not_predicates_stay_text() {
    for word in [
        "gs:uplink",
        "as:up:01JBK0",
        "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:01J",
        "https://x.org",
        "AQE=",
        "XhyaOw==",
        "10:02:40",
        "-110",
        "rssi",
        "sf7bw125",
        "868.1",
        "Kind:device",
        "name=x",
    ] {
        assert_eq!(parse(word), Ok(None), "{word}");
        assert!(Filter::parse(word).is_ok(), "{word}");
    }
}

#[test]
fn unknown_fields_are_named_with_the_known_ones() {
    for (term, key) in [
        ("foo<3", "foo"),
        ("bar:5", "bar"),
        ("x>=1..2", "x"),
        ("level=high", "level"),
    ] {
        let e = Filter::parse(term).unwrap_err();
        assert!(e.contains(&format!("{key} is not a field")), "{e}");
        assert!(
            e.contains("rssi, snr, any-rssi") && e.contains("deveui"),
            "{e}"
        );
        assert!(e.contains(&format!("\"{term}\"")), "suggests quoting: {e}");
    }
    let e = Filter::parse("fcount:7").unwrap_err();
    assert!(e.contains("did you mean fcnt?"), "{e}");
    let e = Filter::parse("port:2").unwrap_err();
    assert!(e.contains("did you mean fport?"), "{e}");
    let e = Filter::parse("devadr:260BB94F").unwrap_err();
    assert!(e.contains("did you mean devaddr?"), "{e}");
}

#[test]
fn bad_values_get_a_sentence() {
    assert_eq!(
        Filter::parse("rssi<abc").unwrap_err(),
        "“rssi<abc”: rssi needs a number in dBm, e.g. rssi<-110"
    );
    let cases = [
        ("fcnt:5..", "a number on each side"),
        ("fcnt:..5", "a number on each side"),
        ("fport:20..10", "from the smaller number to the larger"),
        ("fcnt:-1", "whole frame count"),
        ("fcnt:1.5", "whole frame count"),
        ("fcnt>=1..2", "whole frame count"),
        ("sf>=x", "sf needs a whole spreading factor, e.g. sf>=10"),
        ("dr:high", "dr needs a whole data rate index"),
        ("fport:300", "port from 0 to 255"),
        ("freq:abc", "frequency in MHz"),
        ("snr<", "snr needs a number in dB"),
        ("any-snr<nan", "any-snr needs a number in dB"),
        ("rssi:inf", "rssi needs a number in dBm"),
        ("devaddr:260B", "8 hex digits"),
        ("devaddr>260BB94F", "8 hex digits"),
        ("deveui:XYZ", "16 hex digits"),
        ("gw<x", "needs a gateway ID"),
        ("gw:", "needs a gateway ID"),
        ("confirmed:true", "takes no value"),
        ("problem=1", "takes no value"),
    ];
    for (term, says) in cases {
        let e = Filter::parse(term).unwrap_err();
        assert!(
            e.contains(says) && e.contains(&format!("“{term}”")),
            "{term}: {e}"
        );
    }
    // The negation of a bad term is as bad.
    assert!(Filter::parse("-rssi<abc").is_err());
}

#[test]
fn the_examples_match_by_what_they_mean() {
    let all = examples();
    let uplinks_sf9 = vec![24, 25, 26, 27, 28, 31];
    assert_eq!(which(&all, "rssi<-110"), uplinks_sf9);
    assert_eq!(which(&all, "snr<0"), uplinks_sf9);
    assert_eq!(which(&all, "dr:3"), uplinks_sf9);
    assert_eq!(which(&all, "sf:9"), uplinks_sf9);
    assert_eq!(
        which(&all, "fcnt:1843"),
        uplinks_sf9,
        "16-bit header and 32-bit counts"
    );
    assert_eq!(which(&all, "freq:867.5"), uplinks_sf9);
    // Best gateway (rooftop, -112 dBm) vs any gateway (warehouse, -118 dBm).
    assert_eq!(which(&all, "rssi<-115"), [25]);
    assert_eq!(which(&all, "any-rssi<-115"), [25, 27, 28, 31]);
    assert_eq!(which(&all, "any-snr<-9"), [25, 27, 28, 31]);
    assert_eq!(
        which(&all, "gw:warehouse-ttig"),
        [1, 25, 27, 28, 31, 32, 47, 64]
    );
    assert_eq!(
        which(&all, "gw:warehouse-*"),
        which(&all, "gw:WAREHOUSE-TTIG")
    );
    assert_eq!(
        which(&all, "sf>=10"),
        [7, 8, 12, 14, 15, 16, 21, 23, 34, 35]
    );
    assert_eq!(which(&all, "freq:868.1"), [7, 8, 12, 14, 15, 16, 21, 23]);
    assert_eq!(
        which(&all, "dr:0"),
        which(&all, "freq:868.1"),
        "SF12BW125 is DR0"
    );
    assert_eq!(which(&all, "dr:5"), [33, 38, 39, 40]);
    assert_eq!(which(&all, "fcnt>=20000"), [34, 35]);
    assert_eq!(which(&all, "fcnt:7"), [37, 38, 42, 43]);
    assert!(which(&all, "fcnt:100..200").is_empty());
    assert_eq!(
        which(&all, "fport:2"),
        [24, 25, 26, 27, 28, 31, 36, 37, 38, 42, 43, 44, 45]
    );
    assert_eq!(which(&all, "confirmed"), [36, 37, 38, 42, 43, 44, 45]);
    assert_eq!(which(&all, "problem"), [45, 46, 47, 48, 49, 50, 51, 52]);
    // A join-request heard by a gateway names the device only in its payload.
    assert!(which(&all, "deveui:70b3d57ed0061a2c").contains(&7));
    assert!(which(&all, "devaddr:260B1C4F").starts_with(&[24, 25, 26, 27, 28]));
    // The DevAddr a join assigns (base64 in a JoinRequest, hex in the join-accept).
    assert_eq!(
        which(&all, "devaddr:260B7E21"),
        [9, 10, 14, 18, 19, 20, 23, 52]
    );
}

#[test]
fn absent_fields_never_match_and_negation_keeps_them() {
    let all = examples();
    let with_rssi = which(&all, "rssi<0");
    let without: Vec<usize> = (0..all.len()).filter(|i| !with_rssi.contains(i)).collect();
    assert_eq!(which(&all, "-rssi<0"), without);
    assert!(without.contains(&53), "a registry event has no RSSI");
    let bare = event("end_device.update", "", r#"{"@type":"x"}"#);
    for query in [
        "rssi<-110",
        "rssi>-110",
        "any-snr<100",
        "fcnt>=0",
        "freq>0",
        "gw:*",
        "confirmed",
        "problem",
    ] {
        assert!(!hit(query, &bare), "{query}");
        assert!(hit(&format!("-{query}"), &bare), "-{query}");
    }
    assert_eq!(RowPreview::of(&bare).fields(), None, "nothing stored");
    // Combined with text and kinds, ANDed.
    assert_eq!(which(&all, "kind:device rssi<-110 -as.*"), [26, 27, 28]);
    assert_eq!(
        which(&all, "gw:rooftop-gw-01 -kind:gateway fcnt:1843"),
        [26, 27, 28, 31]
    );
}

#[test]
fn the_best_gateway_has_the_highest_snr_as_in_the_row() {
    let up = event(
        "ns.up.data.process",
        "",
        r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.UplinkMessage","rx_metadata":[
            {"gateway_ids":{"gateway_id":"a"},"rssi":-90,"snr":-2},
            {"gateway_ids":{"gateway_id":"b"},"channel_rssi":-121,"snr":7.8},
            {"gateway_ids":{"eui":"58A0CBFFFE80134F"},"snr":1}, 7, null]}"#,
    );
    let row = RowPreview::of(&up);
    let f = row.fields().expect("fields");
    assert_eq!((f.rssi, f.snr, f.heard.len()), (Some(-121.0), Some(7.8), 3));
    assert!(row.text().contains("RSSI -121 dBm") && row.text().contains("SNR 7.8 dB"));
    assert!(hit("rssi<-120", &up) && !hit("rssi>-100", &up));
    assert!(hit("any-rssi>-100", &up), "gateway a");
    assert!(hit("snr=7.8", &up) && hit("snr:7.8", &up) && !hit("snr<0", &up));
    assert!(hit("any-snr<0", &up));
    assert!(hit("gw:b", &up) && hit("gw:58a0cbfffe80134f", &up) && !hit("gw:c", &up));
    // The example rows show the same best gateway the filter compares.
    for (e, row) in examples() {
        let row = row.get(&e);
        if let Some(rssi) = row.fields().and_then(|f| f.rssi) {
            let shown = format!("RSSI {} dBm", crate::tts::preview::decimal(rssi.into(), 1));
            assert!(row.text().contains(&shown), "{}: {}", e.name, row.text());
        }
    }
}

#[test]
fn frame_counters_of_16_and_32_bits() {
    let frame = |mac: &str| {
        event(
            "gs.up.receive",
            GW,
            &format!(
                r#"{{"@type":"type.googleapis.com/ttn.lorawan.v3.GatewayUplinkMessage","message":{{"payload":{{"m_hdr":{{"m_type":"CONFIRMED_UP"}},"mac_payload":{mac}}}}}}}"#
            ),
        )
    };
    let header = frame(r#"{"f_hdr":{"dev_addr":"260BB94F","f_cnt":4464},"f_port":10}"#);
    assert!(
        hit("fcnt:4464", &header) && hit("fcnt:70000", &header),
        "70000 = 4464 + 65536"
    );
    assert!(!hit("fcnt>=70000", &header) && !hit("fcnt:4465", &header));
    // Ranges too: 70,000 is 4,464 in 16 bits, inside 69,990..70,010, not 69,000..69,100.
    assert!(hit("fcnt:69990..70010", &header) && !hit("fcnt:69000..69100", &header));
    // A range across a 16-bit boundary, and one that wraps (a gap around 65535).
    assert!(hit("fcnt:65530..70000", &header));
    let low = frame(r#"{"f_hdr":{"f_cnt":2},"f_port":1}"#);
    assert!(hit("fcnt:65534..3", &low) && hit("fcnt:65530..65540", &low));
    assert!(!hit("fcnt:65534..1", &low) && !hit("fcnt:65534..65535", &low));
    assert!(
        Filter::parse("sf:12..7").is_err(),
        "only a frame counter wraps"
    );
    // TTS leaves zeros out: a header without FCnt is FCnt 0, a payload without FPort port 0.
    let zero = frame(r#"{"f_hdr":{"dev_addr":"260BB94F"},"frm_payload":"AQ=="}"#);
    assert!(hit("fcnt:0", &zero) && hit("fport:0", &zero) && !hit("-fcnt:0", &zero));
    let first = event(
        "as.up.data.forward",
        "",
        r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.ApplicationUp","uplink_message":{"f_port":1,"rx_metadata":[{"gateway_ids":{"gateway_id":"g"},"rssi":-80}]}}"#,
    );
    assert!(hit("fcnt:0", &first), "a session's first uplink");
    assert!(hit("confirmed", &header) && hit("devaddr:260bb94f fport:10", &header));
    let full = frame(r#"{"f_hdr":{"f_cnt":4464},"full_f_cnt":"70000"}"#);
    assert!(hit("fcnt:70000", &full) && hit("fcnt>65535", &full) && !hit("fcnt:4464", &full));
    let app = event(
        "as.up.data.forward",
        "",
        r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.ApplicationUp","uplink_message":{"f_cnt":4294967295,"f_port":1,"confirmed":true}}"#,
    );
    assert!(hit("fcnt:4294967295", &app) && hit("fcnt>=4294967295", &app));
    assert!(hit("confirmed fport:1", &app) && !hit("fcnt:4464", &app));
}

#[test]
fn frequencies_and_data_rates_from_any_shape() {
    let up = |settings: &str| {
        event(
            "ns.up.data.receive",
            "",
            &format!(
                r#"{{"@type":"type.googleapis.com/ttn.lorawan.v3.UplinkMessage","settings":{settings}}}"#
            ),
        )
    };
    for freq in [r#""868100000""#, "868100000", "868100000.0", "868100400"] {
        let e = up(&format!(r#"{{"frequency":{freq}}}"#));
        assert!(
            hit("freq:868.1", &e) && hit("freq>=868", &e) && hit("freq<869", &e),
            "{freq}"
        );
        assert!(!hit("freq:868.3", &e) && !hit("freq>868.1", &e), "{freq}");
    }
    assert!(
        !hit("freq:868.1", &up(r#"{"frequency":"868100600"}"#)),
        "0.0006 MHz off"
    );
    assert!(!hit("freq>0", &up(r#"{"frequency":"loud"}"#)));
    let lora = |sf: u32, bw: u32| {
        up(&format!(
            r#"{{"data_rate":{{"lora":{{"spreading_factor":{sf},"bandwidth":{bw}}}}}}}"#
        ))
    };
    assert!(hit("dr:0 sf:12", &lora(12, 125_000)));
    assert!(hit("dr:5 sf:7", &lora(7, 125_000)));
    assert!(hit("dr:6 sf:7", &lora(7, 250_000)));
    assert!(
        !hit("dr>=0", &lora(9, 500_000)) && hit("sf:9", &lora(9, 500_000)),
        "no EU868 DR"
    );
    let indexed = up(
        r#"{"data_rate":{"lora":{"spreading_factor":7,"bandwidth":125000}},"data_rate_index":3}"#,
    );
    assert!(
        hit("dr:3", &indexed) && !hit("dr:5", &indexed),
        "data_rate_index wins"
    );
    // A downlink request: its Rx1 window (Rx2 when it has no Rx1).
    let request = |r: &str| {
        event(
            "ns.down.data.schedule.attempt",
            "",
            &format!(
                r#"{{"@type":"type.googleapis.com/ttn.lorawan.v3.DownlinkMessage","request":{r}}}"#
            ),
        )
    };
    let rx2_only = request(
        r#"{"rx2_frequency":"869525000","rx2_data_rate":{"lora":{"spreading_factor":9,"bandwidth":125000}}}"#,
    );
    assert!(hit("freq:869.525 dr:3 sf:9", &rx2_only));
    let both = request(
        r#"{"rx1_frequency":"868500000","rx1_data_rate_index":5,"rx2_frequency":"869525000"}"#,
    );
    assert!(hit("freq:868.5 dr:5", &both) && !hit("freq:869.525", &both));
}

#[test]
fn predicates_filter_a_timeline_as_events_arrive_and_when_set() {
    let mut early = Timeline::new();
    early.set_filter(Filter::parse("any-rssi<-115 -problem").expect("filter"));
    let mut late = Timeline::new();
    for (i, line) in EXAMPLES.lines().enumerate() {
        let mut e = Event::from_json(line.as_bytes()).expect("example");
        e.unique_id = format!("U{i}").into();
        early.push(e.clone());
        late.push(e);
    }
    late.set_filter(Filter::parse("any-rssi<-115 -problem").expect("filter"));
    assert_eq!(early.shown(), 4);
    assert_eq!(late.shown(), 4);
}

#[test]
fn previews_are_computed_when_a_row_or_a_term_needs_them_and_once() {
    let mut t = Timeline::new();
    for (i, line) in EXAMPLES.lines().enumerate() {
        let mut e = Event::from_json(line.as_bytes()).expect("example");
        e.unique_id = format!("U{i}").into();
        t.push(e);
    }
    let n = t.len();
    assert_eq!(t.previews_computed(), 0, "ingest parses no data");
    t.set_filter(Filter::parse("as.up.* kind:device").expect("filter"));
    assert_eq!(t.previews_computed(), 0, "names and kinds need no preview");
    let first = t.rows(None).and_then(|r| r.iter().next()).expect("a row");
    assert!(t.preview(first).is_some_and(|p| !p.text().is_empty()));
    assert_eq!(
        t.previews_computed(),
        1,
        "drawing a row computes its preview"
    );
    t.set_filter(Filter::parse("sf>=10").expect("filter"));
    assert_eq!(
        t.previews_computed(),
        n,
        "a field term reads every row once"
    );
    assert_eq!(t.shown(), 10, "and matches as if computed at arrival");
    // Idle time computes them ahead of any filter, a batch at a time.
    let mut idle = Timeline::new();
    for (i, line) in EXAMPLES.lines().enumerate() {
        let mut e = Event::from_json(line.as_bytes()).expect("example");
        e.unique_id = format!("U{i}").into();
        idle.push(e);
    }
    assert_eq!(idle.warm_previews(50), n - 50);
    assert_eq!(idle.previews_computed(), 50);
    assert_eq!(idle.warm_previews(50), 0);
    assert_eq!(idle.previews_computed(), n);
    assert_eq!(idle.warm_previews(50), 0, "nothing left");
}

#[test]
fn a_comparison_typed_with_spaces_is_one_comparison() {
    let all = examples();
    let joined = which(&all, "rssi<-100");
    assert!(!joined.is_empty());
    for spaced in ["rssi < -100", "rssi <-100", "rssi< -100", "RSSI  <  -100"] {
        assert_eq!(which(&all, spaced), joined, "{spaced}");
    }
    assert_eq!(which(&all, "sf >= 10"), which(&all, "sf>=10"));
    assert_eq!(which(&all, "fport : 2"), which(&all, "fport:2"));
    assert_eq!(which(&all, "kind : gateway"), which(&all, "kind:gateway"));
    assert_eq!(which(&all, "name : as.up.*"), which(&all, "as.up.*"));
    assert!(
        Filter::parse("confirmed : true").is_err(),
        "says it takes no value"
    );
    assert!(!which(&all, "fport: 2").is_empty());
    assert_eq!(
        which(&all, "gw = rooftop-gw-01"),
        which(&all, "gw=rooftop-gw-01")
    );
    assert_eq!(which(&all, "-rssi < -100"), which(&all, "-rssi<-100"));
    // Only after a field: other words stay text, quoted ones too.
    assert_eq!(which(&all, "forward < 3"), which(&all, "forward \"<\" 3"));
    assert!(Filter::parse("\"rssi\" < -100").is_ok());
}
