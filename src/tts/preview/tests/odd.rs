//! Odd input never panics and never makes a huge row: no data, data of the
//! wrong shape, every field of every example turned into the wrong type,
//! base64 that does not decode, and payloads far larger than LoRaWAN allows.

use serde_json::{json, Value};

use super::{examples, row, value};
use crate::tts::preview::read::FULL_LIMIT;
use crate::tts::preview::Preview;
use crate::tts::Event;

fn with_data(name: &str, data: &Value) -> Event {
    let text = json!({"name": name, "time": "2024-10-28T10:00:00Z", "data": data}).to_string();
    Event::from_json(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// Every row stays short: values to a few hundred characters, `full` capped.
fn assert_bounded(p: &Preview) {
    assert!(p.facts.len() <= 40, "{} facts", p.facts.len());
    for f in &p.facts {
        assert!(f.value.chars().count() <= 240, "long value: {}", f.value);
        assert!(f.label.chars().count() <= 64, "long label: {}", f.label);
        if let Some(full) = &f.full {
            assert!(full.chars().count() <= FULL_LIMIT + 1);
        }
    }
}

/// `value` with every leaf (and every container) replaced by `wrong(leaf)`.
fn mutate(value: &Value, wrong: &dyn Fn(&Value) -> Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        if k == "@type" {
                            v.clone()
                        } else {
                            mutate(v, wrong)
                        },
                    )
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| mutate(v, wrong)).collect()),
        leaf => wrong(leaf),
    }
}

#[test]
fn every_example_with_every_field_of_the_wrong_type_still_previews() {
    let wrongs: [&dyn Fn(&Value) -> Value; 6] = [
        &|v| {
            if v.is_string() {
                json!(12345)
            } else {
                json!("x")
            }
        },
        &|_| Value::Null,
        &|_| json!({}),
        &|_| json!([]),
        &|_| json!(-1e300),
        &|_| json!("!!!not base64!!!"),
    ];
    for event in examples() {
        let Some(data) = event.data.as_ref().and_then(|d| d.to_value().ok()) else {
            continue;
        };
        for wrong in wrongs {
            let p = Preview::of(&with_data(&event.name, &mutate(&data, wrong)));
            assert_bounded(&p);
        }
        // Every top-level member replaced by a string, one at a time.
        if let Value::Object(map) = &data {
            for key in map.keys().filter(|k| *k != "@type") {
                let mut broken = data.clone();
                broken[key.as_str()] = json!("surprise");
                assert_bounded(&Preview::of(&with_data(&event.name, &broken)));
            }
        }
    }
}

#[test]
fn data_of_no_known_shape_gives_a_short_preview() {
    for data in [
        json!(null),
        json!([1, 2, 3]),
        json!("text"),
        json!({"@type": 5}),
        json!({"@type": "type.googleapis.com/ttn.lorawan.v3.SomethingNew", "x": 1}),
        json!({"@type": "type.googleapis.com/ttn.lorawan.v3.ApplicationUp", "uplink_message": "str"}),
        json!({"@type": "type.googleapis.com/ttn.lorawan.v3.MACCommand.", "x": [1]}),
        json!({"@type": "type.googleapis.com/google.protobuf.Value"}),
        json!({"@type": "type.googleapis.com/google.protobuf.Value", "value": {"a": {"b": [1]}}}),
        json!({"@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails", "cause": {"cause": {"cause": 3}}}),
    ] {
        for name in [
            "as.up.data.forward",
            "gs.down.tx.fail",
            "end_device.update",
            "x",
        ] {
            assert_bounded(&Preview::of(&with_data(name, &data)));
        }
    }
    let missing =
        Event::from_json(br#"{"name":"as.up.data.forward","time":"2024-10-28T10:00:00Z"}"#);
    assert!(missing.is_ok_and(|e| Preview::of(&e).is_empty()));
}

#[test]
fn payloads_that_do_not_decode_are_left_out_and_huge_ones_cut() {
    let up = |frm: Value, decoded: Value| {
        json!({"@type": "type.googleapis.com/ttn.lorawan.v3.ApplicationUp",
               "uplink_message": {"f_cnt": 3, "frm_payload": frm, "decoded_payload": decoded}})
    };
    let p = Preview::of(&with_data(
        "as.up.data.forward",
        &up(json!("%%%"), json!(null)),
    ));
    assert_eq!(row(&p), "*FCnt 3*");
    let huge = crate::tts::preview::encode_base64(&vec![0xAB; 100_000]);
    let p = Preview::of(&with_data(
        "as.up.data.forward",
        &up(json!(huge), json!(null)),
    ));
    assert_eq!(
        value(&p, "FRMPayload"),
        Some("ABABABABABABABABABABABABABABABAB… (100000 bytes)")
    );
    assert_bounded(&p);
    let many: serde_json::Map<String, Value> = (0..500)
        .map(|i| (format!("k{i:03}"), json!("v".repeat(1000))))
        .collect();
    let p = Preview::of(&with_data(
        "as.up.data.forward",
        &up(json!("AQ=="), Value::Object(many)),
    ));
    assert_bounded(&p);
    assert_eq!(value(&p, ""), Some("+492 more"));
    assert!(
        value(&p, "FRMPayload").is_none(),
        "the decoded payload replaces the hex"
    );
}

#[test]
fn numbers_as_strings_and_odd_numbers_are_read_or_skipped() {
    let data = json!({"@type": "type.googleapis.com/ttn.lorawan.v3.UplinkMessage",
        "payload": {"mac_payload": {"f_hdr": {"f_cnt": "12", "dev_addr": "nothex!!"}, "f_port": 1.5}},
        "settings": {"data_rate": {"lora": {"spreading_factor": "9", "bandwidth": "125000"}}, "frequency": "NaN"},
        "rx_metadata": [{"rssi": "-90", "snr": null}, {"rssi": [], "snr": "7"}], "consumed_airtime": "-1s"});
    let p = Preview::of(&with_data("gs.up.receive", &data));
    assert_eq!(
        row(&p),
        "*FCnt 12* · SF9BW125 · SNR 7 dB · 2 gateways",
        "the best SNR has no RSSI"
    );
}
