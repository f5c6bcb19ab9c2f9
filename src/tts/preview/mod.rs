//! What a timeline row says about an event: a short list of facts (`FCnt
//! 1843`, `SF9BW125`, `868.1 MHz`, a decoded `temperature 21.5`, an error's
//! reason), chosen per data type and ordered the way a LoRaWAN engineer scans
//! a row — the most telling first. It replaces the one-line `summary::preview`.
//!
//! Why: the row is where people spot the bad uplink or the failed downlink
//! without opening the JSON, so it must say at least what the TTS Console's
//! previews say (shared/tts/console-live-data.md §1.5), for every data type.
//!
//! Never: a panic on odd `data` (missing fields, wrong types, undecodable
//! base64, huge payloads give a shorter preview), an IP address, or a key or
//! token secret in a fact (every fact passes `safe::scrub`; session keys,
//! key envelopes, an API key's secret and the caller's token ID are never read).

mod app_up;
pub mod codec;
mod downlink;
mod gateway;
mod join;
mod mac;
mod mac_values;
mod managed;
mod payload;
mod problem;
mod radio;
mod read;
mod registry;
mod safe;
mod uplink;

#[cfg(test)]
mod tests;

use serde_json::Value;

use super::{EntityIds, Event};

pub use codec::{decode_base64, decode_hex, encode_base64, encode_hex};
pub use downlink::tx_result;
pub use radio::{beats, data_rate, frequency, rx_signal};
pub use read::{age, decimal, duration, number, text};

/// One fact of a row: a label and a value, e.g. (`FCnt`, `1843`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fact {
    /// Empty for a fact that is a value alone (`SF9BW125`, `confirmed`, a sentence).
    pub label: String,
    pub value: String,
    /// The full value when `value` is shortened (shown on hover/focus).
    pub full: Option<String>,
    /// Shown prominently (FCnt, the error reason).
    pub strong: bool,
    /// Which part of the row the fact is in: what a cut row keeps.
    pub part: Part,
}

/// The parts of a row's facts, in order. A row too narrow for all of them
/// cuts [`Part::After`] first, then [`Part::Lead`] down to a few characters;
/// [`Part::Radio`] stays, so a long decoded payload never pushes an uplink's
/// RSSI and SNR off the row's end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Part {
    /// The row's own facts (FCnt, the payload, an error's reason…).
    #[default]
    Lead,
    /// An uplink's data rate, RSSI and SNR (what tells the link's quality).
    Radio,
    /// What follows the radio (gateways, airtime, DevAddr, who did it).
    After,
}

/// The facts of a row, in the order to show them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preview {
    pub facts: Vec<Fact>,
}

impl Preview {
    /// `facts` as one line of text, each value in full (`FCnt 42 · SF7BW125
    /// · RSSI -97 dBm`): a row's second line on hover, as the row cuts it at
    /// its edge.
    pub fn line_of(facts: &[Fact]) -> String {
        facts
            .iter()
            .map(|f| {
                let value = f.full.as_deref().unwrap_or(&f.value);
                if f.label.is_empty() {
                    value.to_owned()
                } else {
                    format!("{} {value}", f.label)
                }
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Computes the preview of an event (reads `data` once).
    pub fn of(event: &Event) -> Preview {
        let data = event.data.as_ref().and_then(|d| d.to_value().ok());
        Self::of_data(event, data.as_ref())
    }

    /// The preview of an event whose `data` the caller has already parsed
    /// (`None`: absent or not JSON), so it can read other things from the same tree.
    pub fn of_data(event: &Event, data: Option<&Value>) -> Preview {
        let mut out = Facts::default();
        if let Some(data) = data {
            describe(event, data, &mut out);
        }
        if out.is_empty() && !event.is_stream_start() {
            out.part(Part::Lead);
            registry::identifiers(event, &mut out);
        }
        registry::authentication(event, &mut out);
        out.finish()
    }

    /// All the text the row shows, space-separated, for searching (`SF7`,
    /// `868.1`, decoded values…); shortened values count with their full text.
    pub fn text(&self) -> String {
        let mut parts: Vec<&str> = Vec::with_capacity(self.facts.len() * 3);
        for fact in &self.facts {
            for part in [Some(&fact.label), Some(&fact.value), fact.full.as_ref()]
                .into_iter()
                .flatten()
                .filter(|p| !p.is_empty())
            {
                parts.push(part);
            }
        }
        parts.join(" ")
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}

/// The facts being collected; [`Facts::finish`] scrubs them.
#[derive(Default)]
struct Facts {
    list: Vec<Fact>,
    /// Per fact: it holds version numbers (`1.2.3.4` there is not an address).
    versions: Vec<bool>,
    /// The part of the row the facts pushed from now on are in.
    part: Part,
}

impl Facts {
    fn push(&mut self, mut fact: Fact, version: bool) {
        if fact.value.is_empty() && fact.label.is_empty() {
            return;
        }
        if fact.part == Part::Lead {
            fact.part = self.part;
        }
        self.list.push(fact);
        self.versions.push(version);
    }

    /// A plain fact; an empty value adds nothing.
    fn add(&mut self, label: &str, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.push(
                Fact {
                    label: label.into(),
                    value,
                    ..Fact::default()
                },
                false,
            );
        }
    }

    /// A fact shown prominently.
    fn strong(&mut self, label: &str, value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.push(
                Fact {
                    label: label.into(),
                    value,
                    full: None,
                    strong: true,
                    part: Part::Lead,
                },
                false,
            );
        }
    }

    /// A fact whose value may be shortened, with the whole in `full`.
    fn cut(&mut self, label: &str, (value, full): (String, Option<String>)) {
        if !value.is_empty() {
            self.push(
                Fact {
                    label: label.into(),
                    value,
                    full,
                    strong: false,
                    part: Part::Lead,
                },
                false,
            );
        }
    }

    /// A version number (firmware, package): dotted quads stay as they are.
    fn version(&mut self, label: &str, value: &str) {
        let (value, full) = read::shorten(value, 40);
        if !value.is_empty() {
            self.push(
                Fact {
                    label: label.into(),
                    value,
                    full,
                    strong: false,
                    part: Part::Lead,
                },
                true,
            );
        }
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The facts pushed after this are in `part` of the row.
    fn part(&mut self, part: Part) {
        self.part = part;
    }

    fn finish(self) -> Preview {
        let facts = self
            .list
            .into_iter()
            .zip(self.versions)
            .map(|(f, version)| Fact {
                label: safe::scrub(&f.label, false),
                value: safe::scrub(&f.value, version),
                full: f.full.map(|t| safe::scrub(&t, version)),
                strong: f.strong,
                part: f.part,
            })
            .collect();
        Preview { facts }
    }
}

/// The message name of `data`'s `@type` without its package when it is
/// `ttn.lorawan.v3`: `ApplicationUp`, `MACCommand.LinkADRReq`, `google.protobuf.Value`.
fn type_name(data: &Value) -> &str {
    let url = data
        .get("@type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let full = url.rsplit_once('/').map_or(url, |(_, name)| name);
    full.strip_prefix("ttn.lorawan.v3.").unwrap_or(full)
}

/// Whether the event belongs to a device (its DevAddr is then a detail,
/// not the way to tell devices apart, as it is on a gateway's traffic).
fn about_device(event: &Event) -> bool {
    event
        .identifiers
        .iter()
        .any(|ids| matches!(ids, EntityIds::Device { .. }))
}

fn describe(event: &Event, data: &Value, out: &mut Facts) {
    let ty = type_name(data);
    match ty {
        "ApplicationUp" => app_up::describe(event, data, out),
        "ApplicationUplink" => uplink::application_uplink(data, out),
        "UplinkMessage" => uplink::uplink_message(event, data, out),
        "GatewayUplinkMessage" => {
            if let Some(message) = data.get("message") {
                uplink::uplink_message(event, message, out);
            }
        }
        "ApplicationDownlink" => downlink::application_downlink(data, out),
        "DownlinkMessage" => downlink::downlink_message(event, data, out),
        "TxAcknowledgment" => downlink::tx_acknowledgment(event, data, out),
        "ScheduleDownlinkResponse" => downlink::schedule_response(data, out),
        "JoinRequest" => join::join_request(data, out),
        "JoinResponse" => join::join_response(event, data, out),
        "GatewayConnectionStats" => gateway::connection_stats(event, data, out),
        "GatewayStatus" => gateway::status(event, data, out),
        "Location" => gateway::location(data, out),
        "GatewayIdentifiers" => gateway::identifiers(data, out),
        "ErrorDetails" => problem::error_details(data, out),
        "google.protobuf.StringValue" => problem::string_value(data, out),
        "google.protobuf.Value" => registry::value(event, data, out),
        "EndDeviceIdentifiersList" => registry::device_list(data, out),
        "GatewayIdentifiersList" => registry::gateway_list(data, out),
        "APIKey" => registry::api_key(data, out),
        "Collaborator" => registry::collaborator(data, out),
        "Notification" => registry::notification(data, out),
        "UpdateNotificationStatusRequest" => registry::notification_status(data, out),
        "MACCommands" => mac::commands(data, out),
        "MACCommand" => mac::command(data, out),
        t if t.starts_with("MACCommand.") => mac::payload(&t["MACCommand.".len()..], data, out),
        t if t.starts_with("ALCSyncCommand") => mac::alcsync(t, data, out),
        t if t.starts_with("ManagedGateway") => managed::describe(t, data, out),
        _ => registry::other(data, out),
    }
}
