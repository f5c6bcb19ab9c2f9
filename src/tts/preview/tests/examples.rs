//! Every example event of `data/example-events.jsonl` previews the facts a
//! LoRaWAN engineer looks for in its row, and none leaks an address or a
//! secret that the event carries.

use super::{everything, examples, preview, row, shows, value};
use crate::tts::preview::{Part, Preview};

#[test]
fn every_example_with_data_or_a_device_has_a_preview() {
    for event in examples() {
        let p = Preview::of(&event);
        let silent = ["events.stream.start", "gs.down.tx.success"];
        if !silent.contains(&event.name.as_str()) {
            assert!(!p.is_empty(), "{} has an empty preview", event.name);
        }
        for fact in &p.facts {
            assert!(
                !fact.value.is_empty() || !fact.label.is_empty(),
                "{}: empty fact",
                event.name
            );
        }
    }
}

#[test]
fn an_application_uplink_shows_its_decoded_payload_counter_and_radio() {
    let p = preview("as.up.data.forward", 0);
    assert_eq!(
        row(&p),
        "*FCnt 1843* · FPort 2 · battery_v 3.128 · soil_moisture_pct 31.2 · soil_temperature_c 12.3 \
         · SF9BW125 · RSSI -112 dBm · SNR -3.5 dB · 867.5 MHz · 2 gateways · airtime 185 ms · DevAddr 260B1C4F"
    );
    // A narrow row cuts what follows the radio first, then the payload, never the radio.
    let part = |part: Part| -> Vec<&str> {
        p.facts
            .iter()
            .filter(|f| f.part == part)
            .map(|f| f.value.as_str())
            .collect()
    };
    assert_eq!(part(Part::Radio), ["SF9BW125", "-112 dBm", "-3.5 dB"]);
    assert_eq!(
        part(Part::After),
        ["867.5 MHz", "2 gateways", "185 ms", "260B1C4F"]
    );
    assert_eq!(part(Part::Lead)[0], "1843");
    let p = preview("as.up.data.forward", 1);
    assert_eq!(value(&p, "occupied"), Some("true"));
    assert_eq!(value(&p, "detection_count"), Some("90"));
    assert!(shows(&p, "SF7BW125") && shows(&p, "868.3 MHz"));
    assert!(
        !shows(&p, "1 gateways") && !row(&p).contains("gateways"),
        "one gateway is not counted"
    );
}

#[test]
fn the_search_text_has_data_rate_and_frequency() {
    let text = preview("as.up.data.forward", 1).text();
    for needle in [
        "SF7",
        "868.3",
        "detection_count 90",
        "FCnt 5521",
        "RSSI -87 dBm",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let text = preview("gs.up.receive", 0).text();
    assert!(
        text.contains("SF12BW125") && text.contains("868.1 MHz"),
        "{text}"
    );
}

#[test]
fn gateway_uplinks_show_the_devaddr_first_and_joins_their_euis() {
    let p = preview("gs.up.receive", 1);
    assert_eq!(p.facts[0].label, "DevAddr");
    assert_eq!(p.facts[0].value, "260B1C4F");
    assert_eq!(value(&p, "FCnt"), Some("1843"));
    assert!(p.facts.iter().any(|f| f.label == "FCnt" && f.strong));
    let join = preview("gs.up.receive", 0);
    assert!(shows(&join, "join-request"));
    assert_eq!(value(&join, "DevEUI"), Some("70B3D57ED0061A2C"));
    assert_eq!(value(&join, "JoinEUI"), Some("0000000000000000"));
    assert_eq!(value(&join, "DevNonce"), Some("01A7"));
    assert_eq!(value(&join, "RSSI"), Some("-97 dBm"));
    assert_eq!(value(&join, "SNR"), Some("4.25 dB"));
}

#[test]
fn network_server_uplinks_count_gateways_and_airtime() {
    let p = preview("ns.up.data.process", 0);
    assert!(shows(&p, "2 gateways"));
    assert_eq!(
        value(&p, "RSSI"),
        Some("-112 dBm"),
        "the best SNR's gateway"
    );
    assert_eq!(value(&p, "airtime"), Some("185 ms"));
    assert_eq!(value(&p, "FRMPayload"), Some("F923995B68990D"));
    let join = preview("ns.up.join.receive", 0);
    assert_eq!(value(&join, "DevEUI"), Some("70B3D57ED0061A2C"));
    assert_eq!(value(&join, "airtime"), Some("1.16 s"));
}

#[test]
fn join_rows_show_euis_the_new_devaddr_and_the_mac_version() {
    let p = preview("ns.up.join.cluster.attempt", 0);
    assert_eq!(value(&p, "DevEUI"), Some("70B3D57ED0061A2C"));
    assert_eq!(value(&p, "JoinEUI"), Some("0000000000000000"));
    assert_eq!(
        value(&p, "new DevAddr"),
        Some("260B7E21"),
        "base64 in this example"
    );
    assert!(shows(&p, "LoRaWAN 1.0.3"));
    let accept = preview("js.join.accept", 0);
    assert_eq!(
        row(&accept),
        "DevEUI 70B3D57ED0061A2C · JoinEUI 0000000000000000 · DevAddr 260B7E21"
    );
    let forwarded = preview("as.up.join.forward", 0);
    assert!(shows(&forwarded, "join-accept forwarded"));
    assert_eq!(value(&forwarded, "DevAddr"), Some("260B7E21"));
    let success = preview("ns.up.join.cluster.success", 0);
    assert_eq!(value(&success, "DevEUI"), Some("70B3D57ED0061A2C"));
    assert!(
        !everything(&success).contains("c9hChQ"),
        "no session key ID"
    );
    let scheduled = preview("ns.down.join.schedule.attempt", 0);
    assert_eq!(value(&scheduled, "new DevAddr"), Some("260B7E21"));
    assert_eq!(value(&scheduled, "Rx1"), Some("868.1 MHz SF12BW125"));
}

#[test]
fn downlinks_show_payload_settings_and_outcome() {
    let send = preview("gs.down.send", 1);
    assert_eq!(row(&send), "Tx power 16.15 dBm · SF7BW125 · 868.5 MHz");
    let received = preview("as.down.data.receive", 0);
    assert_eq!(
        row(&received),
        "FPort 2 · confirmed · FRMPayload 0101 · by API key"
    );
    let attempt = preview("ns.down.data.schedule.attempt", 0);
    for (label, v) in [
        ("FCnt", "7"),
        ("FPort", "2"),
        ("Rx1 delay", "1 s"),
        ("Rx2", "869.525 MHz SF9BW125"),
    ] {
        assert_eq!(value(&attempt, label), Some(v), "{}", row(&attempt));
    }
    assert!(shows(&attempt, "Class A") && shows(&attempt, "confirmed"));
    let gs_attempt = preview("gs.down.schedule.attempt", 1);
    assert_eq!(value(&gs_attempt, "Rx1"), Some("868.5 MHz SF7BW125"));
    let success = preview("ns.down.data.schedule.success", 0);
    assert_eq!(row(&success), "Rx1 · in 792 ms");
    let txack = preview("gs.txack.receive", 0);
    assert_eq!(
        row(&txack),
        "transmitted · Tx power 16.15 dBm · SF12BW125 · 868.1 MHz"
    );
    let fail = preview("gs.down.tx.fail", 0);
    assert_eq!(row(&fail), "*too late*");
    for name in [
        "as.down.data.sent.forward",
        "as.down.data.ack.forward",
        "as.down.data.nack.forward",
    ] {
        let p = preview(name, 0);
        assert!(
            value(&p, "FCnt").is_some() && value(&p, "FRMPayload").is_some(),
            "{name}: {}",
            row(&p)
        );
    }
}

#[test]
fn a_failed_downlink_shows_its_reason_first_and_a_long_payload_cut() {
    let p = preview("as.down.data.failed.forward", 0);
    assert_eq!(p.facts[0].value, "application downlink payload is too long");
    assert!(p.facts[0].strong);
    let payload = p
        .facts
        .iter()
        .find(|f| f.label == "FRMPayload")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        payload.value,
        "000102030405060708090A0B0C0D0E0F… (60 bytes)"
    );
    assert_eq!(payload.full.map(|f| f.len()), Some(120));
}

#[test]
fn gateway_rows_show_protocol_status_and_stats_but_no_address() {
    let connect = preview("gs.gateway.connect", 0);
    assert_eq!(row(&connect), "via Semtech UDP · from public address");
    let status = preview("gs.status.receive", 0);
    assert_eq!(value(&status, "firmware"), Some("2.0.5"));
    for (label, v) in [
        ("rxin", "4"),
        ("rxok", "3"),
        ("txin", "1"),
        ("txok", "1"),
        ("at", "52.37403, 4.88969"),
    ] {
        assert_eq!(value(&status, label), Some(v), "{}", row(&status));
    }
    let stats = preview("gs.gateway.connection.stats", 0);
    for (label, v) in [
        ("via", "LoRa Basics Station"),
        ("uplinks", "37"),
        ("RTT", "34 ms"),
        ("last uplink", "< 1 s ago"),
        ("last status", "1 s ago"),
    ] {
        assert_eq!(value(&stats, label), Some(v), "{}", row(&stats));
    }
    let disconnect = preview("gs.gateway.disconnect", 0);
    assert_eq!(disconnect.facts[0].value, "connection expired");
}

#[test]
fn errors_show_their_filled_message_and_code() {
    let p = preview("as.up.data.decode.fail", 0);
    assert_eq!(
        row(&p),
        "*unknown frame type 0x7f* · pkg/messageprocessors/javascript:output_errors"
    );
    let p = preview("js.join.reject", 0);
    assert_eq!(p.facts[0].value, "DevNonce has already been used");
}

#[test]
fn registry_rows_show_what_changed_and_by_what_credential() {
    let p = preview("ns.end_device.update", 0);
    assert_eq!(
        row(&p),
        "fields mac_settings.adr.mode.dynamic, mac_settings.rx2_data_rate_index · by API key"
    );
    let p = preview("end_device.create", 0);
    assert_eq!(
        row(&p),
        "DevEUI 70B3D57ED0061A2D · JoinEUI 0000000000000000 · by access token"
    );
    let key = preview("application.api-key.create", 0);
    assert_eq!(value(&key, "name"), Some("events-viewer"));
    assert!(shows(&key, "3 rights"));
    let collaborator = preview("organization.collaborator.update", 0);
    assert_eq!(value(&collaborator, "user"), Some("bob-field"));
    let start = preview("events.stream.start", 0);
    assert_eq!(row(&start), "5 event names");
    assert!(preview("events.stream.start", 1).is_empty());
    assert_eq!(row(&preview("gs.up.forward", 0)), "to cluster");
}

#[test]
fn no_example_row_holds_an_address_a_token_id_or_a_session_key_id() {
    let mut secrets = vec![
        "203.0.113.17".to_owned(),
        "198.51.100.42".to_owned(),
        "192.0.2.61".to_owned(),
        "192.0.2.77".to_owned(),
        "c9hChQTji4QZmHa2dLvaSQ==".to_owned(),
        "oBuTjhplv2XVNIHSWowdwg==".to_owned(),
        "JOD3VTHWMYF2UIOQZKBRXMSGCE6LA5NP47Y2HQI".to_owned(),
    ];
    for event in examples() {
        if let Some(ip) = &event.remote_ip {
            secrets.push(ip.to_string());
        }
    }
    for event in examples() {
        let all = everything(&Preview::of(&event));
        for secret in &secrets {
            assert!(
                !all.contains(secret.as_str()),
                "{} shows {secret}",
                event.name
            );
        }
        if let Some(auth) = &event.authentication {
            assert!(
                !all.contains(&auth.token_id),
                "{} shows its token ID",
                event.name
            );
        }
    }
}
