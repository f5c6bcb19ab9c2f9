//! Event templates: the 72 example events of `data/example-events.jsonl` (compiled in), looked up
//! by name, deep-copied and rewritten for a simulated entity, radio reception and correlation.
//!
//! Exists so generated events keep the exact field layout, data `@type`s and value encodings of
//! real TTS events instead of a hand-written approximation. It must never emit an identifier,
//! EUI or correlation ID from the template itself when the flow supplies one.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use super::payload::{airtime, proto_duration};
use crate::clock::{format_rfc3339, Nanos};
use crate::prng::{base64, Prng};

const EXAMPLES: &str = include_str!("../../../data/example-events.jsonl");

/// Templates by event name (in file order; several names have more than one example).
pub struct Templates {
    by_name: HashMap<String, Vec<Value>>,
}

impl Templates {
    /// The `nth` example named `name` (falls back to the first).
    pub fn get(&self, name: &str, nth: usize) -> Option<&Value> {
        let list = self.by_name.get(name)?;
        list.get(nth).or_else(|| list.first())
    }
}

/// The compiled-in templates.
pub fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_name: HashMap<String, Vec<Value>> = HashMap::new();
        for line in EXAMPLES.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let Some(name) = v.get("name").and_then(Value::as_str) else {
                continue;
            };
            if name != "events.stream.start" {
                by_name.entry(name.to_string()).or_default().push(v);
            }
        }
        Templates { by_name }
    })
}

/// One gateway's reception of an uplink: the same in every event that lists it.
#[derive(Debug, Clone)]
pub struct Rx {
    /// `gateway_ids` JSON.
    pub gateway_ids: Value,
    /// RSSI (dBm).
    pub rssi: i64,
    /// SNR (dB, 0.25 steps).
    pub snr: f64,
    /// Concentrator timestamp (µs).
    pub timestamp: u32,
    /// Channel index.
    pub channel_index: i64,
    /// The Gateway Server's `uplink_token` for this reception (base64).
    pub uplink_token: String,
    /// When the Gateway Server received it.
    pub received_at: Nanos,
}

/// Values of one uplink that vary between messages.
#[derive(Debug, Clone)]
pub struct Uplink {
    /// Frame counter.
    pub f_cnt: u32,
    /// FPort.
    pub f_port: u32,
    /// Application payload.
    pub frm_payload: Vec<u8>,
    /// Decoded payload, `None` when decoding failed.
    pub decoded: Option<Value>,
    /// Whether the frame acknowledges a confirmed downlink (`f_ctrl.ack`).
    pub ack: bool,
}

/// What to put into a template.
#[derive(Debug, Clone, Default)]
pub struct Subst {
    /// `device_ids` / `end_device_ids`.
    pub device: Option<Value>,
    /// DevEUI, JoinEUI, DevAddr, session key ID of the device.
    pub dev_eui: Option<String>,
    /// JoinEUI.
    pub join_eui: Option<String>,
    /// DevAddr.
    pub dev_addr: Option<String>,
    /// Session key ID (base64).
    pub session_key_id: Option<String>,
    /// `application_ids`.
    pub application: Option<Value>,
    /// `gateway_ids` outside `rx_metadata`.
    pub gateway: Option<Value>,
    /// `gs:conn:` ID of that gateway (used when correlation IDs come from the template).
    pub gateway_conn: Option<String>,
    /// `user_ids`, `organization_ids`, `client_ids`.
    pub user: Option<Value>,
    /// `organization_ids`.
    pub organization: Option<Value>,
    /// `client_ids`.
    pub client: Option<Value>,
    /// Receptions for `rx_metadata`.
    pub rx: Vec<Rx>,
    /// Spreading factor, frequency (Hz) and concentrator timestamp.
    pub radio: Option<(u32, u64, u32)>,
    /// Uplink values.
    pub uplink: Option<Uplink>,
    /// Correlation IDs (sorted on output); `None` = regenerate the template's with fresh ULIDs.
    pub correlation_ids: Option<Vec<String>>,
    /// Replacement `data` (e.g. field-mask paths), when the template's is not wanted.
    pub data_value: Option<Value>,
    /// The LoRaWAN frame (`raw_payload`, and `mic` from its last 4 bytes); `None` = random.
    pub raw_payload: Option<Vec<u8>>,
    /// `uplink_token` of downlink paths (outside `rx_metadata`); `None` = random.
    pub uplink_token: Option<String>,
    /// `received_at` outside `rx_metadata` (the component's receipt); `None` = shortly before
    /// `time`.
    pub received_at: Option<Nanos>,
    /// DevNonce of a join-request (upper-case hex).
    pub dev_nonce: Option<String>,
    /// Base time for nested timestamps.
    pub time: Nanos,
}

impl Subst {
    /// The same substitution with every time moved by `by` (virtual time → wall clock).
    #[must_use]
    pub fn shifted(mut self, by: Nanos) -> Self {
        self.time += by;
        self.received_at = self.received_at.map(|t| t + by);
        for rx in &mut self.rx {
            rx.received_at += by;
        }
        self
    }
}

fn is_time_key(k: &str) -> bool {
    (k.ends_with("_at") && k != "expires_at") || k == "time"
}

struct Walker<'a> {
    s: &'a Subst,
    p: &'a mut Prng,
    cids: Vec<String>,
}

impl Walker<'_> {
    fn stamp(&mut self) -> Value {
        json!(format_rfc3339(
            self.s.time - self.p.range(1_000_000, 40_000_000) - self.p.range(0, 999)
        ))
    }

    fn rx_metadata(&mut self, v: &mut Value) {
        let Some(first) = v.as_array().and_then(|a| a.first()).cloned() else {
            return;
        };
        let mut out = Vec::new();
        for rx in &self.s.rx {
            let mut m = first.clone();
            if let Value::Object(o) = &mut m {
                o.insert("gateway_ids".into(), rx.gateway_ids.clone());
                o.insert("timestamp".into(), json!(rx.timestamp));
                o.insert("rssi".into(), json!(rx.rssi));
                o.insert("channel_rssi".into(), json!(rx.rssi));
                o.insert("snr".into(), json!(rx.snr));
                o.shift_remove("location");
                o.insert("uplink_token".into(), json!(rx.uplink_token));
                o.insert("channel_index".into(), json!(rx.channel_index));
                o.insert("received_at".into(), json!(format_rfc3339(rx.received_at)));
            }
            out.push(m);
        }
        *v = Value::Array(out);
    }

    fn walk(&mut self, v: &mut Value, key: Option<&str>) {
        let s = self.s;
        if let Some(k) = key {
            let replacement = match k {
                "device_ids" | "end_device_ids" if v.is_object() => s.device.clone(),
                "gateway_ids" if v.is_object() => s.gateway.clone(),
                "application_ids" if v.is_object() => s.application.clone(),
                "user_ids" if v.is_object() => s.user.clone(),
                "organization_ids" if v.is_object() => s.organization.clone(),
                "client_ids" if v.is_object() => s.client.clone(),
                "correlation_ids" if v.is_array() => Some(json!(self.cids)),
                "dev_eui" if v.is_string() => s.dev_eui.clone().map(Value::from),
                "join_eui" if v.is_string() => s.join_eui.clone().map(Value::from),
                "dev_addr" if v.is_string() => s.dev_addr.clone().map(Value::from),
                "session_key_id" if v.is_string() => s.session_key_id.clone().map(Value::from),
                "f_cnt" | "full_f_cnt" if v.is_number() => {
                    s.uplink.as_ref().map(|u| json!(u.f_cnt))
                }
                "f_port" if v.is_number() => s.uplink.as_ref().map(|u| json!(u.f_port)),
                "frm_payload" if v.is_string() => {
                    s.uplink.as_ref().map(|u| json!(base64(&u.frm_payload)))
                }
                "decoded_payload" => s.uplink.as_ref().and_then(|u| u.decoded.clone()),
                "spreading_factor" => s.radio.map(|r| json!(r.0)),
                "frequency" if v.is_string() => s.radio.map(|r| json!(r.1.to_string())),
                "timestamp" if v.is_number() => s.radio.map(|r| json!(r.2)),
                "raw_payload" if v.is_string() => match &s.raw_payload {
                    Some(raw) => Some(json!(base64(raw))),
                    None => {
                        let n = s.uplink.as_ref().map_or(17, |u| u.frm_payload.len() + 13);
                        Some(json!(base64(&self.p.bytes(n))))
                    }
                },
                "mic" if v.is_string() => s
                    .raw_payload
                    .as_ref()
                    .filter(|r| r.len() >= 4)
                    .map(|r| json!(base64(&r[r.len() - 4..]))),
                "dev_nonce" if v.is_string() => s.dev_nonce.clone().map(Value::from),
                // TTS computes it from the frame's length and data rate.
                "consumed_airtime" if v.is_string() => match (&s.radio, &s.raw_payload) {
                    (Some(r), Some(raw)) => Some(json!(proto_duration(airtime(r.0, raw.len())))),
                    _ => None,
                },
                "f_ctrl" if v.is_object() && s.uplink.as_ref().is_some_and(|u| u.ack) => {
                    let mut f = v.clone();
                    if let Value::Object(m) = &mut f {
                        m.insert("ack".into(), json!(true));
                    }
                    Some(f)
                }
                "uplink_token" if v.is_string() => Some(json!(s
                    .uplink_token
                    .clone()
                    .unwrap_or_else(|| base64(&self.p.bytes(32))))),
                "received_at" if v.is_string() && s.received_at.is_some() => {
                    s.received_at.map(|t| json!(format_rfc3339(t)))
                }
                k if is_time_key(k) && v.is_string() => Some(self.stamp()),
                _ => None,
            };
            if let Some(r) = replacement {
                *v = r;
                return;
            }
            if k == "rx_metadata" && !s.rx.is_empty() {
                self.rx_metadata(v);
                return;
            }
        }
        match v {
            Value::Object(m) => {
                let keys: Vec<String> = m.keys().cloned().collect();
                for k in keys {
                    if let Some(child) = m.get_mut(&k) {
                        self.walk(child, Some(&k));
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.walk(x, None)),
            _ => {}
        }
    }
}

/// Builds an event body from the template `name` (`nth` example) with `s` substituted.
/// `time`, `unique_id`, `origin`, `context` and `visibility` are set later, at emission.
pub fn instantiate(name: &str, nth: usize, s: &Subst, p: &mut Prng) -> Option<Value> {
    let mut v = templates().get(name, nth)?.clone();
    let mut cids = match &s.correlation_ids {
        Some(c) => c.clone(),
        None => v
            .get("correlation_ids")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|c| match (c.starts_with("gs:conn:"), &s.gateway_conn) {
                        (true, Some(conn)) => conn.clone(),
                        _ => {
                            let prefix = c.rsplit_once(':').map_or(c, |(p, _)| p);
                            format!("{prefix}:{}", p.ulid(s.time))
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    cids.sort();
    cids.dedup();
    let mut w = Walker { s, p, cids };
    if let Value::Object(m) = &mut v {
        let keys: Vec<String> = m.keys().cloned().collect();
        for k in keys {
            if k == "time" || k == "unique_id" {
                continue;
            }
            if let Some(child) = m.get_mut(&k) {
                w.walk(child, Some(&k));
            }
        }
        if let (Some(d), Some(Value::Object(data))) = (&s.data_value, m.get_mut("data")) {
            data.insert("value".into(), d.clone());
        }
    }
    Some(v)
}

/// Sets the emission-time fields: `time`, `origin`, `context`, `visibility`, `unique_id`.
pub fn finalize(v: &mut Value, now: Nanos, unique_id: String, origin: &str, token_id: &str) {
    let Value::Object(m) = v else { return };
    let name = m
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    m.insert("time".into(), json!(format_rfc3339(now)));
    m.insert("origin".into(), json!(origin));
    m.insert("context".into(), Value::Object(Map::new()));
    match crate::catalog::catalog().get(&name) {
        Some(d) if !d.rights.is_empty() => {
            m.insert("visibility".into(), json!({ "rights": d.rights }));
        }
        _ => {
            m.shift_remove("visibility");
        }
    }
    if let Some(Value::Object(a)) = m.get_mut("authentication") {
        a.insert("token_type".into(), json!("APIKey"));
        a.insert("token_id".into(), json!(token_id));
    }
    m.insert("unique_id".into(), json!(unique_id));
}
