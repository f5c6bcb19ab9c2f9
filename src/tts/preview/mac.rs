//! MAC commands in a row: the command's name and its fields under their
//! protobuf names (`LinkADRAns channel_mask_ack yes data_rate_index_ack yes
//! tx_power_index_ack no`), unanswered command lists, unknown commands as
//! hex, and the Application Layer Clock Sync package's time commands.
//!
//! Why: `ns.mac.*` rows are how an engineer follows ADR and channel plans.
//! An answer's acknowledgement bits are listed even when false (protojson
//! omits `false`), because a `no` is the point of a `*.reject` event. Never:
//! a key field (`root_wor_s_key`) — see [`mac_values::is_secret`].

use serde_json::Value;

use super::mac_values::{cid_name, field, is_secret};
use super::payload::push_hex;
use super::read::{list, number, text};
use super::Facts;

/// The acknowledgement bits of each answer, in the protos' order.
const ACKS: [(&str, &[&str]); 10] = [
    (
        "LinkADRAns",
        &[
            "channel_mask_ack",
            "data_rate_index_ack",
            "tx_power_index_ack",
        ],
    ),
    (
        "RxParamSetupAns",
        &[
            "rx2_data_rate_index_ack",
            "rx1_data_rate_offset_ack",
            "rx2_frequency_ack",
        ],
    ),
    ("NewChannelAns", &["frequency_ack", "data_rate_ack"]),
    ("DLChannelAns", &["channel_index_ack", "frequency_ack"]),
    ("RejoinParamSetupAns", &["max_time_exponent_ack"]),
    (
        "PingSlotChannelAns",
        &["frequency_ack", "data_rate_index_ack"],
    ),
    ("BeaconFreqAns", &["frequency_ack"]),
    (
        "RelayConfAns",
        &[
            "second_channel_frequency_ack",
            "second_channel_ack_offset_ack",
            "second_channel_data_rate_index_ack",
            "second_channel_index_ack",
            "default_channel_index_ack",
            "cad_periodicity_ack",
        ],
    ),
    (
        "RelayEndDeviceConfAns",
        &[
            "second_channel_frequency_ack",
            "second_channel_data_rate_index_ack",
            "second_channel_index_ack",
            "backoff_ack",
        ],
    ),
    ("RelayCtrlUplinkListAns", &["rule_index_ack"]),
];

/// The most field facts of one command.
const FIELDS_SHOWN: usize = 10;

/// The fields of one command payload object, nested objects one level flattened.
fn push_fields(command: &str, payload: &Value, out: &mut Facts) {
    let acks = ACKS
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(&[][..], |(_, a)| *a);
    for ack in acks {
        let yes = payload.get(*ack).and_then(Value::as_bool) == Some(true);
        if yes {
            out.add(ack, "yes");
        } else {
            out.strong(ack, "no");
        }
    }
    let Some(map) = payload.as_object() else {
        return;
    };
    let mut shown = 0;
    for (key, value) in map {
        if acks.contains(&key.as_str()) || shown >= FIELDS_SHOWN {
            continue;
        }
        if let (Some(inner), false) = (value.as_object(), is_secret(key)) {
            // `configuration: {second_channel: {…}, cad_periodicity: …}` → its fields.
            for (inner_key, inner_value) in inner {
                if let Some(shown_value) = field(command, inner_key, inner_value) {
                    out.cut(inner_key, shown_value);
                    shown += 1;
                }
            }
            continue;
        }
        if let Some(shown_value) = field(command, key, value) {
            out.cut(key, shown_value);
            shown += 1;
        }
    }
}

/// A `MACCommand.<Name>` payload (`ns.mac.*` events): its name, then its fields.
pub fn payload(command: &str, data: &Value, out: &mut Facts) {
    out.add("", command);
    push_fields(command, data, out);
}

/// A whole `MACCommand` (`ns.mac.command.unknown`): its CID and payload.
pub fn command(data: &Value, out: &mut Facts) {
    let name = data.get("cid").and_then(cid_name);
    if let Some(name) = &name {
        out.add("", name.clone());
    }
    push_hex("payload", data.get("raw_payload"), out);
    if let Some(map) = data.as_object() {
        for (key, value) in map {
            if key == "cid" || key == "raw_payload" || key.starts_with('@') || !value.is_object() {
                continue;
            }
            push_fields(&command_name(key), value, out);
        }
    }
}

/// `link_adr_ans` → `LinkADRAns` (the payload key of a `MACCommand`).
fn command_name(key: &str) -> String {
    super::mac_values::camel(&key.to_ascii_uppercase())
}

/// `MACCommands` (`ns.mac.command.unanswered`): the commands' names.
pub fn commands(data: &Value, out: &mut Facts) {
    let names: Vec<String> = data
        .get("commands")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|c| c.get("cid").and_then(cid_name))
                .collect()
        })
        .unwrap_or_default();
    if !names.is_empty() {
        out.cut("", list(&names, 4));
    }
}

/// A field of an ALCSync command, under its proto name or its JSON names.
fn alc<'a>(data: &'a Value, names: [&str; 3]) -> Option<&'a Value> {
    names.iter().find_map(|n| data.get(*n))
}

/// `ALCSyncCommand.AppTimeReq` / `AppTimeAns` (clock synchronization).
pub fn alcsync(type_name: &str, data: &Value, out: &mut Facts) {
    let command = type_name.rsplit('.').next().unwrap_or(type_name);
    let payload = data
        .get("app_time_req")
        .or_else(|| data.get("app_time_ans"))
        .filter(|p| p.is_object())
        .unwrap_or(data);
    out.add(
        "",
        if command == "ALCSyncCommand" {
            "ALCSync"
        } else {
            command
        },
    );
    if let Some(time) =
        alc(payload, ["DeviceTime", "deviceTime", "device_time"]).and_then(Value::as_str)
    {
        out.add("device time", time);
    }
    if let Some(correction) = number(alc(
        payload,
        ["TimeCorrection", "timeCorrection", "time_correction"],
    )) {
        let sign = if correction > 0.0 { "+" } else { "" };
        out.strong(
            "correction",
            format!("{sign}{} s", super::read::decimal(correction, 0)),
        );
    }
    for (names, label) in [
        (["TokenReq", "tokenReq", "token_req"], "TokenReq"),
        (["TokenAns", "tokenAns", "token_ans"], "TokenAns"),
    ] {
        if let Some(token) = number(alc(payload, names)) {
            out.add(label, super::read::decimal(token, 0));
        }
    }
    if alc(payload, ["AnsRequired", "ansRequired", "ans_required"]).and_then(Value::as_bool)
        == Some(true)
    {
        out.add("", "answer required");
    }
    if let Some(cid) = text(data, &["cid"]).filter(|_| command == "ALCSyncCommand") {
        out.add("", super::read::words(cid));
    }
}
