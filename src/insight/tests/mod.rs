//! Health from hand-built event sequences: FCnt gaps, resets, 16-bit wrap,
//! retransmissions, multi-gateway duplicates, join outcomes, downlink
//! outcomes, gateway traffic, the fleet order; and the example stream.

mod counting;
mod device;
mod gateway;

use crate::store::Timeline;
use crate::tts::Event;

pub(super) const LANE: &str = "app/dev";
pub(super) const T0: &str = "2024-10-28T10:";

/// `minute:second.millis` after 10:00 as RFC 3339.
pub(super) fn at(ms: i64) -> String {
    let (m, rest) = (ms / 60_000, ms % 60_000);
    format!("{T0}{m:02}:{:02}.{:03}Z", rest / 1000, rest % 1000)
}

pub(super) fn ns(ms: i64) -> i64 {
    crate::tts::Timestamp::parse(&at(ms)).map_or(0, |t| t.unix_nanos())
}

pub(super) fn event(name: &str, ms: i64, ids: &str, cids: &[String], data: &str) -> Event {
    let cids: Vec<String> = cids.iter().map(|c| format!("\"{c}\"")).collect();
    let json = format!(
        r#"{{"name":"{name}","time":"{}","identifiers":[{ids}],"data":{data},"correlation_ids":[{}],"unique_id":"{name}-{ms}-{}"}}"#,
        at(ms),
        cids.join(","),
        ids.len()
    );
    match Event::from_json(json.as_bytes()) {
        Ok(e) => e,
        Err(e) => panic!("{e}: {json}"),
    }
}

pub(super) fn device_ids(dev_addr: &str) -> String {
    format!(
        r#"{{"device_ids":{{"device_id":"dev","application_ids":{{"application_id":"app"}},"dev_eui":"70B3D57ED0000001","dev_addr":"{dev_addr}"}}}}"#
    )
}

/// An uplink as the AS forwards it: FCnt, DevAddr, SF, and (gateway, RSSI, SNR) per gateway.
pub(super) fn uplink(
    ms: i64,
    f_cnt: u32,
    dev_addr: &str,
    sf: u8,
    gws: &[(&str, f64, f64)],
) -> Event {
    let rx: Vec<String> = gws
        .iter()
        .map(|(g, r, s)| {
            format!(r#"{{"gateway_ids":{{"gateway_id":"{g}"}},"rssi":{r},"snr":{s}}}"#)
        })
        .collect();
    let data = format!(
        r#"{{"@type":"type.googleapis.com/ttn.lorawan.v3.ApplicationUp","end_device_ids":{{"device_id":"dev","dev_addr":"{dev_addr}"}},"uplink_message":{{"f_port":1,"f_cnt":{f_cnt},"frm_payload":"AQID","rx_metadata":[{}],"settings":{{"data_rate":{{"lora":{{"bandwidth":125000,"spreading_factor":{sf},"coding_rate":"4/5"}}}},"frequency":"868100000"}}}}}}"#,
        rx.join(",")
    );
    event(
        "as.up.data.forward",
        ms,
        &device_ids(dev_addr),
        &[
            format!("ns:uplink:{f_cnt}-{ms}"),
            format!("as:up:{f_cnt}-{ms}"),
        ],
        &data,
    )
}

pub(super) fn store_of(events: Vec<Event>) -> Timeline {
    let mut store = Timeline::new();
    for e in events {
        store.push(e);
    }
    store
}

pub(super) fn example_store() -> Timeline {
    let mut store = Timeline::new();
    for line in include_str!("../../../data/example-events.jsonl").lines() {
        if let Ok(e) = Event::from_json(line.as_bytes()) {
            store.push(e);
        }
    }
    store
}
