//! The values of MAC command fields as LoRaWAN engineers read them:
//! `data_rate_index 5` → `DR5`, Hz → `MHz`, a channel mask as `0–7`,
//! `DUTY_CYCLE_128` → `1/128`, `DEVICE_EIRP_16` → `16 dBm`, booleans as
//! `yes`/`no`, a battery level as a percentage, and CIDs as command names
//! (`CID_LINK_ADR` → `LinkADR`).
//!
//! Why: MAC commands are how the network tunes a device; the row shows the
//! fields under their protobuf names with readable values. Never: a field
//! whose name holds `key` (`root_wor_s_key`, `session_key_id`).

use serde_json::Value;

use super::radio::frequency;
use super::read::{decimal, inline, number, words};

/// Whether a field must never be shown (keys and key IDs).
pub fn is_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("key") || lower.contains("secret") || lower.contains("password")
}

/// `LINK_ADR` → `LinkADR`, `RX_PARAM_SETUP` → `RxParamSetup`, `DL_CHANNEL` → `DLChannel`.
pub fn camel(upper: &str) -> String {
    upper
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            "ADR" | "DL" => w.to_owned(),
            _ => {
                let lower = w.to_ascii_lowercase();
                let mut chars = lower.chars();
                chars.next().map_or_else(String::new, |c| {
                    c.to_ascii_uppercase().to_string() + chars.as_str()
                })
            }
        })
        .collect()
}

/// The command a `cid` names: `CID_LINK_ADR` or `3` → `LinkADR`.
pub fn cid_name(cid: &Value) -> Option<String> {
    const BY_NUMBER: [(u64, &str); 27] = [
        (1, "RESET"),
        (2, "LINK_CHECK"),
        (3, "LINK_ADR"),
        (4, "DUTY_CYCLE"),
        (5, "RX_PARAM_SETUP"),
        (6, "DEV_STATUS"),
        (7, "NEW_CHANNEL"),
        (8, "RX_TIMING_SETUP"),
        (9, "TX_PARAM_SETUP"),
        (10, "DL_CHANNEL"),
        (11, "REKEY"),
        (12, "ADR_PARAM_SETUP"),
        (13, "DEVICE_TIME"),
        (14, "FORCE_REJOIN"),
        (15, "REJOIN_PARAM_SETUP"),
        (16, "PING_SLOT_INFO"),
        (17, "PING_SLOT_CHANNEL"),
        (18, "BEACON_TIMING"),
        (19, "BEACON_FREQ"),
        (32, "DEVICE_MODE"),
        (64, "RELAY_CONF"),
        (65, "RELAY_END_DEVICE_CONF"),
        (66, "RELAY_FILTER_LIST"),
        (67, "RELAY_UPDATE_UPLINK_LIST"),
        (68, "RELAY_CTRL_UPLINK_LIST"),
        (69, "RELAY_CONFIGURE_FWD_LIMIT"),
        (70, "RELAY_NOTIFY_NEW_END_DEVICE"),
    ];
    match cid {
        Value::String(s) => {
            let name = s.strip_prefix("CID_").unwrap_or(s);
            (!name.is_empty()).then(|| camel(name))
        }
        other => {
            let n = number(Some(other))?;
            let found = BY_NUMBER.iter().find(|(k, _)| *k as f64 == n);
            Some(found.map_or_else(
                || format!("CID 0x{:02X}", n as u64 & 0xff),
                |(_, name)| camel(name),
            ))
        }
    }
}

/// An enum name as a value: prefix dropped and turned into a unit where one is known.
pub fn enum_value(name: &str) -> String {
    const PREFIXES: [(&str, &str, &str); 9] = [
        ("DUTY_CYCLE_", "1/", ""),
        ("PING_EVERY_", "every ", ""),
        ("DEVICE_EIRP_", "", " dBm"),
        ("ADR_ACK_LIMIT_", "", ""),
        ("ADR_ACK_DELAY_", "", ""),
        ("REJOIN_COUNT_", "", ""),
        ("REJOIN_TIME_", "", ""),
        ("REJOIN_PERIOD_", "", ""),
        ("MINOR_", "", ""),
    ];
    for (prefix, before, after) in PREFIXES {
        if let Some(rest) = name.strip_prefix(prefix) {
            let rest = if prefix == "PING_EVERY_" {
                rest.replace('S', " s")
            } else {
                rest.to_owned()
            };
            return format!("{before}{rest}{after}");
        }
    }
    if let Some(letter) = name.strip_prefix("CLASS_") {
        // Shown as `class C`.
        return letter.to_owned();
    }
    const RELAY: [&str; 7] = [
        "RELAY_CAD_PERIODICITY_",
        "RELAY_SECOND_CH_ACK_OFFSET_",
        "RELAY_LIMIT_BUCKET_SIZE_",
        "RELAY_SMART_ENABLE_LEVEL_",
        "RELAY_WOR_CHANNEL_",
        "RELAY_RESET_LIMIT_COUNTER_",
        "RELAY_CTRL_UPLINK_LIST_ACTION_",
    ];
    let rest = RELAY
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    words(rest)
}

/// Whether a string is an enum name (`UPPER_CASE_1`).
fn is_enum(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && s.bytes().any(|b| b.is_ascii_uppercase())
}

/// Indexes of the `true` entries as ranges: `0–2, 5, 8–15`; `none` when there are none.
pub fn channel_ranges(mask: &[Value]) -> String {
    let on: Vec<usize> = mask
        .iter()
        .enumerate()
        .filter(|(_, v)| v.as_bool() == Some(true))
        .map(|(i, _)| i)
        .collect();
    let mut ranges: Vec<String> = Vec::new();
    let mut i = 0;
    while i < on.len() {
        let start = on[i];
        while i + 1 < on.len() && on[i + 1] == on[i] + 1 {
            i += 1;
        }
        ranges.push(if on[i] == start {
            start.to_string()
        } else {
            format!("{start}–{}", on[i])
        });
        i += 1;
    }
    if ranges.is_empty() {
        "none".into()
    } else {
        ranges.join(", ")
    }
}

/// `DevStatusAns.battery`: 0 = external power, 255 = unknown, else a level of 254.
fn battery(level: f64) -> String {
    match level as i64 {
        0 => "external power".into(),
        255 => "unknown".into(),
        n => format!("{} %", decimal(n as f64 / 254.0 * 100.0, 0)),
    }
}

/// One field of a MAC command as (value, full) in a row; `None` for a secret
/// field or an empty value. `command` is e.g. `RxTimingSetupReq`.
pub fn field(command: &str, key: &str, value: &Value) -> Option<(String, Option<String>)> {
    if is_secret(key) || key.starts_with('@') || value.is_null() {
        return None;
    }
    let n = number(Some(value));
    let shown = match (key, value) {
        (_, Value::Bool(b)) => (if *b { "yes" } else { "no" }).to_owned(),
        ("channel_mask", Value::Array(mask)) => channel_ranges(mask),
        (k, _) if k.ends_with("data_rate_index") && n.is_some() => {
            format!("DR{}", decimal(n.unwrap_or(0.0), 0))
        }
        (k, _) if k.ends_with("frequency") => frequency(Some(value))?,
        ("battery", _) if n.is_some() => battery(n.unwrap_or(0.0)),
        ("margin", _) if n.is_some() => format!("{} dB", decimal(n.unwrap_or(0.0), 0)),
        ("delay", _) if command == "RxTimingSetupReq" => {
            format!("{} s", decimal(n.unwrap_or(0.0).max(1.0), 0))
        }
        ("dev_addr", Value::String(s)) => {
            super::codec::hex_or_base64(s, 4).unwrap_or_else(|| s.clone())
        }
        (_, Value::String(s)) if is_enum(s) => enum_value(s),
        _ => return Some(inline(value, 40)),
    };
    Some((shown, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_like_the_specification() {
        assert_eq!(camel("RX_PARAM_SETUP"), "RxParamSetup");
        assert_eq!(cid_name(&json!("CID_LINK_ADR")).as_deref(), Some("LinkADR"));
        assert_eq!(cid_name(&json!(10)).as_deref(), Some("DLChannel"));
        assert_eq!(cid_name(&json!(200)).as_deref(), Some("CID 0xC8"));
        assert_eq!(enum_value("DUTY_CYCLE_128"), "1/128");
        assert_eq!(enum_value("PING_EVERY_8S"), "every 8 s");
        assert_eq!(enum_value("DEVICE_EIRP_16"), "16 dBm");
        assert_eq!(enum_value("RELAY_CAD_PERIODICITY_1_SECOND"), "1 second");
        let mask: Vec<Value> = (0..16).map(|i| json!(i < 3 || i == 5 || i >= 8)).collect();
        assert_eq!(channel_ranges(&mask), "0–2, 5, 8–15");
        assert_eq!(
            field("DevStatusAns", "battery", &json!(127))
                .map(|f| f.0)
                .as_deref(),
            Some("50 %")
        );
        assert_eq!(
            field(
                "X",
                "root_wor_s_key",
                &json!("00112233445566778899AABBCCDDEEFF")
            ),
            None
        );
        assert_eq!(
            field("X", "rx2_frequency", &json!("869525000"))
                .map(|f| f.0)
                .as_deref(),
            Some("869.525 MHz")
        );
    }
}
