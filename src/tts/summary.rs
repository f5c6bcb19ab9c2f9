//! What a row shows about an event at a glance: its family (for the icon and
//! colour) and a one-line preview of what matters for that type — FCnt, FPort,
//! best RSSI/SNR and SF for uplinks; the error for `*.fail`/`*.drop`/
//! `*.warning`; the field-mask paths for `*.update`.
//!
//! Pure and tolerant: an event whose `data` is missing or has unexpected types
//! gets a shorter preview, never a panic. It reads only the fields it shows.

use serde_json::Value;

use super::error::fill_format;
use super::Event;

/// Which kind of thing happened, for the row's icon and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Uplink,
    Downlink,
    Join,
    /// Gateway connection, status and statistics.
    GatewayStatus,
    /// Entity and registry changes: create/update/delete, API keys, collaborators.
    Registry,
    /// Failures, drops, rejections and warnings.
    Problem,
    Other,
}

impl Family {
    /// The CSS class suffix and a word for screen readers.
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::Uplink => "uplink",
            Family::Downlink => "downlink",
            Family::Join => "join",
            Family::GatewayStatus => "gateway",
            Family::Registry => "registry",
            Family::Problem => "problem",
            Family::Other => "other",
        }
    }

    /// A one-character glyph shown in the row (decorative; the name carries the meaning).
    pub const fn glyph(self) -> &'static str {
        match self {
            Family::Uplink => "↑",
            Family::Downlink => "↓",
            Family::Join => "⚷",
            Family::GatewayStatus => "◉",
            Family::Registry => "✎",
            Family::Problem => "!",
            Family::Other => "·",
        }
    }
}

/// The family of an event name.
pub fn family(name: &str) -> Family {
    let last = name.rsplit('.').next().unwrap_or(name);
    let is_problem = matches!(last, "fail" | "drop" | "warning" | "reject" | "nack")
        || name.contains(".fail.")
        || name.contains(".drop.")
        || name.ends_with(".failed.forward")
        || name.ends_with(".tx.fail")
        || name == "account.user.login_failed";
    if is_problem {
        return Family::Problem;
    }
    if name.contains(".join.") || name.starts_with("js.") {
        return Family::Join;
    }
    if name.starts_with("gs.gateway.")
        || name.starts_with("gs.status.")
        || name.starts_with("gcs.")
        || name.starts_with("dcs.gateway.")
    {
        return Family::GatewayStatus;
    }
    if name.contains(".up.") || name.starts_with("gs.up") {
        return Family::Uplink;
    }
    if name.contains(".down.") || name.contains(".txack.") || name.contains(".transmission.") {
        return Family::Downlink;
    }
    let registry_verbs = [
        "create", "update", "delete", "restore", "purge", "claim", "unclaim",
    ];
    if registry_verbs.contains(&last)
        || name.contains(".api-key.")
        || name.contains(".collaborator.")
        || name.starts_with("oauth.")
    {
        return Family::Registry;
    }
    Family::Other
}

/// The one-line preview for a row, empty when there is nothing worth saying.
pub fn preview(event: &Event) -> String {
    let data = event.data.as_ref().and_then(|d| d.to_value().ok());
    let Some(data) = data else {
        return String::new();
    };
    let name = event.name.as_str();
    let fam = family(name);
    if fam == Family::Problem || data_type_is(&data, "ttn.lorawan.v3.ErrorDetails") {
        if let Some(message) = error_message(&data) {
            return message;
        }
    }
    if name.ends_with(".update") || name.ends_with(".create") {
        if let Some(paths) = field_mask(&data) {
            return format!("fields: {paths}");
        }
    }
    if let Some(up) = uplink_preview(&data) {
        return up;
    }
    if event.is_stream_start() {
        if let Some(names) = data.get("value").and_then(Value::as_array) {
            return format!("{} event names", names.len());
        }
    }
    if let Some(down) = downlink_preview(&data) {
        return down;
    }
    String::new()
}

fn data_type_is(data: &Value, type_name: &str) -> bool {
    data.get("@type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.ends_with(type_name))
}

/// `message_format` of one `ErrorDetails` level with its attributes filled in.
fn filled(details: &Value) -> Option<String> {
    let format = details.get("message_format").and_then(Value::as_str)?;
    let attributes = details
        .get("attributes")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Some(fill_format(format, &attributes))
}

/// An `ErrorDetails` as a sentence: its message, the innermost cause when
/// there is one, and `namespace:name`.
fn error_message(data: &Value) -> Option<String> {
    let mut message = filled(data)?;
    let mut innermost = None;
    let mut cause = data.get("cause");
    while let Some(c) = cause {
        innermost = filled(c).or(innermost);
        cause = c.get("cause");
    }
    if let Some(c) = innermost {
        message.push_str(": ");
        message.push_str(&c);
    }
    if let (Some(ns), Some(n)) = (
        data.get("namespace").and_then(Value::as_str),
        data.get("name").and_then(Value::as_str),
    ) {
        message.push_str(&format!(" ({ns}:{n})"));
    }
    Some(message)
}

/// Field-mask paths of an update event (`google.protobuf.Value` list or `{"paths":[…]}`).
fn field_mask(data: &Value) -> Option<String> {
    let list = data
        .get("value")
        .and_then(Value::as_array)
        .or_else(|| data.get("paths").and_then(Value::as_array))
        .or_else(|| {
            data.get("value")
                .and_then(|v| v.get("paths"))
                .and_then(Value::as_array)
        })?;
    let paths: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
    (!paths.is_empty()).then(|| paths.join(", "))
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn uplink_preview(data: &Value) -> Option<String> {
    // ApplicationUp wraps the message; UplinkMessage/GatewayUplinkMessage are it (or hold it in `message`).
    let up = data
        .get("uplink_message")
        .or_else(|| {
            data.get("message")
                .filter(|m| m.get("rx_metadata").is_some())
        })
        .unwrap_or(data);
    let rx = up.get("rx_metadata").and_then(Value::as_array);
    let mac = up.get("payload").and_then(|p| p.get("mac_payload"));
    let f_cnt = number(up.get("f_cnt"))
        .or_else(|| number(mac.and_then(|m| m.get("full_f_cnt"))))
        .or_else(|| {
            number(
                mac.and_then(|m| m.get("f_hdr"))
                    .and_then(|h| h.get("f_cnt")),
            )
        });
    let f_port = number(up.get("f_port")).or_else(|| number(mac.and_then(|m| m.get("f_port"))));
    let sf = number(
        up.get("settings")
            .and_then(|s| s.get("data_rate"))
            .and_then(|d| d.get("lora"))
            .and_then(|l| l.get("spreading_factor")),
    );
    if rx.is_none() && f_cnt.is_none() {
        return None;
    }
    let mut parts = Vec::new();
    if let Some(m_type) = up
        .get("payload")
        .and_then(|p| p.get("m_hdr"))
        .and_then(|h| h.get("m_type"))
        .and_then(Value::as_str)
        .filter(|t| t.starts_with("JOIN"))
    {
        parts.push(m_type.replace('_', " ").to_lowercase());
    }
    if let Some(f) = f_cnt {
        parts.push(format!("FCnt {f}"));
    }
    if let Some(p) = f_port {
        parts.push(format!("FPort {p}"));
    }
    if let Some(rx) = rx {
        let best = rx
            .iter()
            .filter_map(|m| Some((number(m.get("rssi").or_else(|| m.get("channel_rssi")))?, m)))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((rssi, m)) = best {
            parts.push(format!("RSSI {rssi} dBm"));
            if let Some(snr) = number(m.get("snr")) {
                parts.push(format!("SNR {snr} dB"));
            }
        }
        if rx.len() > 1 {
            parts.push(format!("{} gateways", rx.len()));
        }
    }
    if let Some(sf) = sf {
        parts.push(format!("SF{sf}"));
    }
    Some(parts.join(" · "))
}

fn downlink_preview(data: &Value) -> Option<String> {
    let down = data
        .get("downlink_ack")
        .or_else(|| data.get("downlink_nack"))
        .or_else(|| data.get("downlink_sent"))
        .or_else(|| data.get("downlink_failed").and_then(|f| f.get("downlink")))
        .or_else(|| data.get("downlink_queued"))
        .unwrap_or(data);
    let f_cnt = number(down.get("f_cnt"))?;
    let mut parts = vec![format!("FCnt {f_cnt}")];
    if let Some(p) = number(down.get("f_port")) {
        parts.push(format!("FPort {p}"));
    }
    if down.get("confirmed").and_then(Value::as_bool) == Some(true) {
        parts.push("confirmed".into());
    }
    Some(parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLES: &str = include_str!("../../data/example-events.jsonl");

    fn example(name: &str) -> Event {
        EXAMPLES
            .lines()
            .filter_map(|l| Event::from_json(l.as_bytes()).ok())
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no example {name}"))
    }

    #[test]
    fn families_follow_the_event_names() {
        assert_eq!(family("as.up.data.forward"), Family::Uplink);
        assert_eq!(family("gs.up.receive"), Family::Uplink);
        assert_eq!(family("ns.down.data.schedule.attempt"), Family::Downlink);
        assert_eq!(family("gs.txack.receive"), Family::Downlink);
        assert_eq!(family("js.join.accept"), Family::Join);
        assert_eq!(family("ns.up.join.process"), Family::Join);
        assert_eq!(family("gs.gateway.connection.stats"), Family::GatewayStatus);
        assert_eq!(family("gs.status.receive"), Family::GatewayStatus);
        assert_eq!(family("end_device.update"), Family::Registry);
        assert_eq!(family("application.api-key.create"), Family::Registry);
        assert_eq!(family("as.up.data.decode.fail"), Family::Problem);
        assert_eq!(family("gs.up.drop"), Family::Problem);
        assert_eq!(family("as.down.data.nack.forward"), Family::Downlink);
        assert_eq!(family("as.down.data.failed.forward"), Family::Problem);
        assert_eq!(family("ns.mac.link_adr.answer.reject"), Family::Problem);
    }

    #[test]
    fn every_catalogue_name_has_a_family_and_every_example_a_preview_or_none() {
        for d in crate::tts::definitions() {
            let _ = family(d.name);
        }
        for line in EXAMPLES.lines() {
            let event = Event::from_json(line.as_bytes()).expect("example parses");
            let _ = preview(&event);
        }
    }

    #[test]
    fn uplinks_preview_fcnt_fport_best_signal_and_sf() {
        let p = preview(&example("as.up.data.forward"));
        assert_eq!(
            p,
            "FCnt 1843 · FPort 2 · RSSI -112 dBm · SNR -3.5 dB · 2 gateways · SF9"
        );
        let p = preview(&example("gs.up.receive"));
        assert!(
            p.starts_with("join request · RSSI -97 dBm · SNR 4.25 dB · SF12"),
            "{p}"
        );
    }

    #[test]
    fn problems_preview_their_error_message() {
        let p = preview(&example("as.up.data.decode.fail"));
        assert_eq!(
            p,
            "unknown frame type 0x7f (pkg/messageprocessors/javascript:output_errors)"
        );
    }

    #[test]
    fn updates_preview_their_field_mask() {
        let p = preview(&example("ns.end_device.update"));
        assert_eq!(
            p,
            "fields: mac_settings.adr.mode.dynamic, mac_settings.rx2_data_rate_index"
        );
    }

    #[test]
    fn odd_data_gives_a_shorter_preview_never_a_panic() {
        let json = r#"{"name":"as.up.data.forward","time":"2024-10-28T10:00:00Z","data":{"@type":"x","uplink_message":{"f_cnt":"not a number","rx_metadata":[{"rssi":"loud"},7,null]}}}"#;
        let event = Event::from_json(json.as_bytes()).unwrap();
        let _ = preview(&event);
    }
}
