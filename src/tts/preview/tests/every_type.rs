//! Every event of the catalogue (`data/event-definitions.tsv`) with a small,
//! realistic `data` of its type previews something, and nothing an event
//! carries that must stay private (addresses, keys, key envelopes, session
//! key IDs, the caller's token ID and IP) reaches a row.

use serde_json::json;

use super::samples::{data_for, PLANTED};
use super::{everything, row, shows, value};
use crate::tts::preview::Preview;
use crate::tts::Event;

/// (name, data_type) of every catalogue line.
fn catalogue() -> Vec<(&'static str, &'static str)> {
    include_str!("../../../../data/event-definitions.tsv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            Some((*cols.first()?, *cols.get(3)?))
        })
        .collect()
}

/// The identifiers an event of this name would carry.
fn identifiers(name: &str) -> serde_json::Value {
    let device = json!({"device_ids": {"device_id": "dev-1", "application_ids": {"application_id": "app-1"},
        "dev_eui": "70B3D57ED0061A2B", "join_eui": "70B3D57ED0000000", "dev_addr": "260B1C4F"}});
    let prefix = name.split('.').next().unwrap_or_default();
    match prefix {
        "gs" | "gcs" | "gateway" => {
            json!([{"gateway_ids": {"gateway_id": "gw-1", "eui": "AC1F09FFFE0512A7"}}])
        }
        "user" | "account" | "oauth" | "invitation" => json!([{"user_ids": {"user_id": "alice"}}]),
        "organization" => json!([{"organization_ids": {"organization_id": "acme"}}]),
        "client" => json!([{"client_ids": {"client_id": "dash"}}]),
        "application" => json!([{"application_ids": {"application_id": "app-1"}}]),
        "dcs" if name.contains("gateway") => json!([{"gateway_ids": {"gateway_id": "gw-1"}}]),
        _ => json!([device]),
    }
}

/// An event of `name` with `data` (or none), from a caller at a public address.
fn event(name: &str, data: Option<serde_json::Value>) -> Event {
    let mut e = json!({
        "name": name, "time": "2024-10-28T10:00:00Z", "identifiers": identifiers(name),
        "authentication": {"type": "Bearer", "token_type": "APIKey", "token_id": "TOKENIDOFTHECALLER"},
        "remote_ip": "203.0.113.9", "user_agent": "ttn-lw-cli/3.32", "unique_id": "01JB96EY509A3P28Z48SXAY0YH"
    });
    if let Some(data) = data {
        e["data"] = data;
    }
    let text = serde_json::to_string(&e).unwrap_or_default();
    Event::from_json(text.as_bytes()).unwrap_or_else(|err| panic!("{name}: {err}"))
}

fn assert_private(name: &str, p: &Preview) {
    let all = everything(p);
    for planted in PLANTED {
        assert!(!all.contains(planted), "{name} shows {planted}: {all}");
    }
}

#[test]
fn every_data_type_of_the_catalogue_previews_without_leaking() {
    let mut types = std::collections::BTreeSet::new();
    for (name, data_type) in catalogue() {
        if data_type == "-" {
            continue;
        }
        types.insert(data_type);
        let p = Preview::of(&event(name, Some(data_for(name, data_type))));
        assert!(!p.is_empty(), "{name} ({data_type}) has an empty preview");
        // More than "by API key": the data itself said something.
        assert!(p.facts.len() >= 2, "{name}: {}", row(&p));
        assert_private(name, &p);
    }
    assert!(types.len() >= 69, "only {} data types", types.len());
}

#[test]
fn events_without_data_preview_their_identifiers_and_nothing_private() {
    for (name, data_type) in catalogue() {
        if data_type != "-" {
            continue;
        }
        let p = Preview::of(&event(name, None));
        assert_private(name, &p);
        assert!(shows(&p, "by API key"), "{name}: {}", row(&p));
    }
    let p = Preview::of(&event("js.join.accept", None));
    assert_eq!(value(&p, "DevEUI"), Some("70B3D57ED0061A2B"));
    assert_eq!(value(&p, "DevAddr"), Some("260B1C4F"));
}

/// The preview of the sample of one catalogue event.
fn sample(name: &str) -> Preview {
    let (_, data_type) = catalogue()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} is not in the catalogue"));
    Preview::of(&event(name, Some(data_for(name, data_type))))
}

#[test]
fn samples_read_the_way_engineers_write_them() {
    let reject = sample("ns.mac.link_adr.answer.reject");
    assert_eq!(row(&reject), "LinkADRAns · channel_mask_ack yes · data_rate_index_ack yes · *tx_power_index_ack no* · by API key");
    let adr = sample("ns.mac.link_adr.request");
    assert_eq!(value(&adr, "data_rate_index"), Some("DR5"));
    assert_eq!(value(&adr, "channel_mask"), Some("0–7"));
    let relay = sample("ns.mac.relay_update_uplink_list.request");
    assert_eq!(value(&relay, "dev_addr"), Some("260B1234"));
    assert_eq!(
        value(&sample("ns.mac.duty_cycle.request"), "max_duty_cycle"),
        Some("1/128")
    );
    assert_eq!(
        value(&sample("ns.mac.dev_status.answer"), "battery"),
        Some("79 %")
    );
    let unanswered = sample("ns.mac.command.unanswered");
    assert!(
        shows(&unanswered, "LinkADR, DevStatus"),
        "{}",
        row(&unanswered)
    );
    let error = sample("gs.up.drop");
    assert_eq!(
        error.facts[0].value,
        "rate exceeded for `(private network)`"
    );
    assert_eq!(
        value(&error, "cause"),
        Some("dial tcp (public address): refused")
    );
    let status = sample("gs.status.receive");
    assert_eq!(
        value(&status, "firmware"),
        Some("4.0.1.2"),
        "a version is not an address"
    );
    assert_eq!(value(&status, "up"), Some("24 h 0 min"));
    let connect = sample("gs.gateway.connect");
    assert_eq!(value(&connect, "from"), Some("private network"));
    let server = sample("gcs.managed.gs.up");
    assert_eq!(value(&server, "server"), Some("public address"));
    let wifi = sample("gcs.managed.wifi.up");
    assert_eq!(
        row(&wifi),
        "up · DHCP · SSID farm-wifi · RSSI -60 dBm · channel 6 · WPA2 · by API key"
    );
    let failed = sample("as.down.data.failed.forward");
    assert_eq!(
        failed.facts[0].value,
        "gateway at `(public address)` unreachable"
    );
    let located = sample("as.up.location.forward");
    assert_eq!(value(&located, "at"), Some("52.37, 4.89"));
    assert_eq!(value(&located, "±"), Some("20 m"));
    let uplink = sample("as.up.data.forward");
    assert_eq!(value(&uplink, "gps"), Some("{…}"));
    assert!(uplink
        .facts
        .iter()
        .any(|f| f.full.as_deref() == Some(r#"{"lat":52.1,"lon":4.2}"#)));
    assert_eq!(
        value(&uplink, "RSSI"),
        Some("-95 dBm"),
        "gw-b has the best SNR"
    );
    let warned = sample("as.up.data.decode.warning");
    assert_eq!(warned.facts[0].value, "humidity out of range");
    assert!(warned.facts[0].strong);
    let tx = sample("gs.txack.receive");
    assert_eq!(tx.facts[0].value, "too early");
    assert_eq!(value(&tx, "Tx power"), Some("27 dBm"));
    let up = sample("ns.up.data.receive");
    assert!(shows(&up, "confirmed") && shows(&up, "ACK"), "{}", row(&up));
    assert_eq!(value(&up, "FOpts"), Some("06"));
}
