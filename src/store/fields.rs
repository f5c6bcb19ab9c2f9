//! [`Fields`]: what an event means in LoRaWAN terms — the best gateway's
//! RSSI and SNR, every gateway that heard it, spreading factor, data rate,
//! frequency, FPort, FCnt, DevAddr, DevEUI, confirmed, problem — read once
//! from the event's parsed `data` when it arrives, for the filter's field
//! predicates (`rssi<-110`, `fcnt:100..200`, `gw:rooftop-gw-01`).
//!
//! Why: the filter re-runs over up to 100,000 events whenever it changes; it
//! must compare numbers, not parse JSON. Kept small: an event with none of
//! these stores nothing. Never panics on odd `data`: a missing field or one
//! of the wrong type is absent. The first place a value is found wins (a
//! frame header before the application layer; a downlink's `scheduled`
//! before its `request`, whose Rx1 window comes before Rx2).

use serde_json::Value;

use crate::tts::preview::codec::hex_or_base64;
use crate::tts::preview::{beats, number, rx_signal, text};
use crate::tts::{family, Event, Family};

/// One gateway that heard an uplink (an entry of `rx_metadata`).
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    /// The gateway ID (its EUI when it has none; empty when neither is known).
    pub gateway_id: Box<str>,
    pub rssi: Option<f32>,
    pub snr: Option<f32>,
}

/// The LoRaWAN fields of one event; `None`/`false` where it carries none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    /// The best gateway's (highest SNR, then highest RSSI, as the row shows).
    pub rssi: Option<f32>,
    pub snr: Option<f32>,
    /// Every gateway that heard it, in `rx_metadata` order.
    pub heard: Box<[Heard]>,
    pub sf: Option<u8>,
    /// `data_rate_index`, else derived EU868-style from SF and bandwidth.
    pub dr: Option<u8>,
    pub freq_hz: Option<u32>,
    pub f_port: Option<u8>,
    pub f_cnt: Option<u32>,
    /// `f_cnt` is a frame header's 16 bits (a gateway's copy, no `full_f_cnt`).
    pub f_cnt_16: bool,
    pub dev_addr: Option<u32>,
    pub dev_eui: Option<u64>,
    /// A confirmed frame (`CONFIRMED_UP`/`CONFIRMED_DOWN`) or `confirmed: true`.
    pub confirmed: bool,
    /// A failure, drop, rejection or warning (the row's family is "problem").
    pub problem: bool,
}

// Never NaN: `number` reads finite values only.
impl Eq for Fields {}

/// `ApplicationUp`'s messages that carry an uplink or a downlink.
const APP_UP_MESSAGES: [&str; 6] = [
    "uplink_message",
    "uplink_normalized",
    "downlink_queued",
    "downlink_sent",
    "downlink_ack",
    "downlink_nack",
];

/// The keys of data rate, data rate index and frequency in `TxSettings`,
/// and in the Rx1 and Rx2 windows of a `TxRequest`.
const TX: [&str; 3] = ["data_rate", "data_rate_index", "frequency"];
const RX1: [&str; 3] = ["rx1_data_rate", "rx1_data_rate_index", "rx1_frequency"];
const RX2: [&str; 3] = ["rx2_data_rate", "rx2_data_rate_index", "rx2_frequency"];

impl Fields {
    /// The fields of `event`, whose `data` the caller parsed (`None` when it has none).
    pub fn of(event: &Event, data: Option<&Value>) -> Option<Box<Fields>> {
        let mut fields = Fields {
            problem: family(&event.name) == Family::Problem,
            ..Fields::default()
        };
        if let Some(data) = data {
            fields.read(data);
        }
        (fields != Fields::default()).then(|| Box::new(fields))
    }

    fn read(&mut self, data: &Value) {
        let url = text(data, &["@type"]).unwrap_or_default();
        let ty = url.rsplit_once('/').map_or(url, |(_, name)| name);
        match ty.strip_prefix("ttn.lorawan.v3.").unwrap_or(ty) {
            "GatewayUplinkMessage" => self.message(data.get("message")),
            "TxAcknowledgment" => self.message(data.get("downlink_message")),
            "ApplicationUp" => {
                let inner = APP_UP_MESSAGES
                    .iter()
                    .find_map(|key| data.get(*key).filter(|m| m.is_object()))
                    .or_else(|| data.get("downlink_failed").and_then(|f| f.get("downlink")));
                self.message(inner);
            }
            "UplinkMessage"
            | "JoinRequest"
            | "DownlinkMessage"
            | "ApplicationUplink"
            | "ApplicationUplinkNormalized"
            | "ApplicationDownlink" => self.message(Some(data)),
            _ => {}
        }
    }

    /// Whatever an uplink, downlink or application message holds.
    fn message(&mut self, message: Option<&Value>) {
        let Some(m) = message.filter(|m| m.is_object()) else {
            return;
        };
        if let Some(payload) = m.get("payload").filter(|p| p.is_object()) {
            self.frame(payload);
        }
        if let Some(list) = m.get("rx_metadata").and_then(Value::as_array) {
            self.rx_metadata(list);
        }
        for settings in [m.get("settings"), m.get("scheduled")]
            .into_iter()
            .flatten()
        {
            self.settings(settings, TX);
        }
        if let Some(request) = m.get("request").filter(|r| r.is_object()) {
            let rx1 = RX1.iter().any(|key| request.get(*key).is_some());
            self.settings(request, if rx1 { RX1 } else { RX2 });
        }
        // The application layer (`ApplicationUplink`/`ApplicationDownlink`), a `JoinRequest`'s DevAddr.
        self.f_port = self
            .f_port
            .or_else(|| whole(m.get("f_port"), 255).map(|n| n as u8));
        // TTS leaves zero values out of its JSON: an application uplink with
        // an FPort and no FCnt has FCnt 0.
        let uplink = m.get("f_port").is_some() && m.get("rx_metadata").is_some();
        self.f_cnt = self.f_cnt.or_else(|| {
            whole(m.get("f_cnt"), u32::MAX.into())
                .map(|n| n as u32)
                .or(uplink.then_some(0))
        });
        self.confirmed |= m.get("confirmed").and_then(Value::as_bool) == Some(true);
        self.dev_addr = self
            .dev_addr
            .or_else(|| hex(m, "dev_addr", 4).map(|a| a as u32));
    }

    /// A LoRaWAN frame (`Message`): MType, FHDR, FPort, a join's DevEUI or new DevAddr.
    fn frame(&mut self, payload: &Value) {
        let m_type = text(payload, &["m_hdr", "m_type"]).unwrap_or_default();
        self.confirmed |= matches!(m_type, "CONFIRMED_UP" | "CONFIRMED_DOWN");
        if let Some(mac) = payload.get("mac_payload").filter(|m| m.is_object()) {
            let f_hdr = mac.get("f_hdr").unwrap_or(&Value::Null);
            self.dev_addr = self
                .dev_addr
                .or_else(|| hex(f_hdr, "dev_addr", 4).map(|a| a as u32));
            let full = whole(mac.get("full_f_cnt"), u32::MAX.into());
            // Zero values are left out of TTS's JSON: a frame header without
            // an FCnt has FCnt 0, a frame with a payload and no FPort FPort 0.
            let header =
                whole(f_hdr.get("f_cnt"), u32::MAX.into()).or(f_hdr.is_object().then_some(0));
            if self.f_cnt.is_none() {
                self.f_cnt = full.or(header).map(|n| n as u32);
                self.f_cnt_16 = full.is_none() && header.is_some_and(|n| n <= 0xFFFF);
            }
            self.f_port = self.f_port.or_else(|| {
                whole(mac.get("f_port"), 255)
                    .map(|n| n as u8)
                    .or(mac.get("frm_payload").map(|_| 0))
            });
        }
        for key in ["join_request_payload", "rejoin_request_payload"] {
            if let Some(join) = payload.get(key).filter(|j| j.is_object()) {
                self.dev_eui = self.dev_eui.or_else(|| hex(join, "dev_eui", 8));
            }
        }
        if let Some(accept) = payload.get("join_accept_payload").filter(|a| a.is_object()) {
            self.dev_addr = self
                .dev_addr
                .or_else(|| hex(accept, "dev_addr", 4).map(|a| a as u32));
        }
    }

    /// Each gateway's RSSI and SNR; the best is chosen as the row preview
    /// chooses it (`tts::preview` radio `reception`): the highest SNR, a
    /// gateway with an SNR before one without, else the highest RSSI.
    fn rx_metadata(&mut self, list: &[Value]) {
        let mut heard = Vec::with_capacity(list.len());
        let mut best: Option<(Option<f64>, Option<f64>)> = None;
        for rx in list.iter().filter(|rx| rx.is_object()) {
            let id = text(rx, &["gateway_ids", "gateway_id"])
                .or_else(|| text(rx, &["gateway_ids", "eui"]))
                .unwrap_or_default();
            let (rssi, snr) = rx_signal(rx);
            if beats((rssi, snr), best) {
                best = Some((rssi, snr));
            }
            heard.push(Heard {
                gateway_id: id.into(),
                rssi: rssi.map(|v| v as f32),
                snr: snr.map(|v| v as f32),
            });
        }
        if self.heard.is_empty() {
            let (rssi, snr) = best.unwrap_or_default();
            self.rssi = rssi.map(|v| v as f32);
            self.snr = snr.map(|v| v as f32);
            self.heard = heard.into_boxed_slice();
        }
    }

    /// `TxSettings` (`settings`, `scheduled`) or one window of a `TxRequest`
    /// (its `keys`): spreading factor, data rate, frequency.
    fn settings(&mut self, settings: &Value, keys: [&str; 3]) {
        let [data_rate, data_rate_index, frequency] = keys;
        let lora = settings
            .get(data_rate)
            .and_then(|dr| dr.get("lora"))
            .filter(|l| l.is_object());
        let sf = lora.and_then(|l| whole(l.get("spreading_factor"), 255));
        let bandwidth = lora.and_then(|l| number(l.get("bandwidth")));
        self.sf = self.sf.or(sf.map(|n| n as u8));
        let index = whole(settings.get(data_rate_index), 15);
        self.dr = self
            .dr
            .or_else(|| index.or_else(|| eu868_dr(sf?, bandwidth?)).map(|n| n as u8));
        let hz =
            number(settings.get(frequency)).filter(|hz| *hz > 0.0 && *hz <= f64::from(u32::MAX));
        self.freq_hz = self.freq_hz.or(hz.map(|hz| hz.round() as u32));
    }
}

/// The EU868 data rate of LoRa `sf` at `bandwidth` Hz: DR0 = SF12BW125 …
/// DR5 = SF7BW125, DR6 = SF7BW250; other combinations have none.
pub fn eu868_dr(sf: u64, bandwidth: f64) -> Option<u64> {
    match (sf, bandwidth.round() as u64) {
        (7..=12, 125_000) => Some(12 - sf),
        (7, 250_000) => Some(6),
        _ => None,
    }
}

/// A whole number from 0 to `max` (JSON number or numeric string).
fn whole(value: Option<&Value>, max: u64) -> Option<u64> {
    number(value)
        .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n <= max as f64)
        .map(|n| n as u64)
}

/// A hex field of `len` bytes (upper-case hex, or base64 as a `JoinRequest` writes it).
fn hex(value: &Value, key: &str, len: usize) -> Option<u64> {
    let hex = hex_or_base64(text(value, &[key])?, len)?;
    u64::from_str_radix(&hex, 16).ok()
}
