//! A device's uplinks, each once however many gateways and events report it:
//! its time, FCnt, session, data rate, size, airtime and every gateway's
//! RSSI/SNR — read from the Network and Application Server's events
//! (`ns.up.data.*`, `as.up.data.forward`, which list every gateway the NS
//! merged), and for an uplink the Application Server dropped
//! (`as.up.data.drop`, which says only why) from the gateways' copies that
//! share its `gs:uplink:` ID: it was heard, not missed.
//!
//! Why: every device number (missed uplinks, PER, radio, reception) counts
//! uplinks, not events: one uplink is a dozen events and N gateway receptions.

use std::collections::HashMap;

use serde_json::Value;

use super::radio::{airtime, LoraFrame};
use crate::store::{Seq, Timeline};
use crate::tts::preview::{data_rate, number, text};
use crate::tts::Event;

/// How many of a lane's newest events the health is computed from.
pub const SCAN: usize = 20_000;

/// One gateway's reception of an uplink.
#[derive(Debug, Clone, PartialEq)]
pub struct Rx {
    pub gateway_id: String,
    pub rssi: Option<f64>,
    pub snr: Option<f64>,
}

/// One uplink of a device.
#[derive(Debug, Clone, PartialEq)]
pub struct Uplink {
    /// Its first event's time (ns).
    pub time: i64,
    pub f_cnt: Option<u32>,
    /// The session it belongs to: its DevAddr (a join gives a new one).
    pub session: Option<String>,
    /// `SF9BW125`.
    pub data_rate: Option<String>,
    pub sf: Option<u8>,
    /// Time on air (s): TTS's `consumed_airtime`, else computed.
    pub airtime: Option<f64>,
    pub gateways: Vec<Rx>,
    /// The events behind it.
    pub events: Vec<Seq>,
}

impl Uplink {
    /// The best gateway's reception (highest SNR, then RSSI).
    pub fn best(&self) -> Option<&Rx> {
        self.gateways.iter().max_by(|a, b| {
            let key = |r: &Rx| (r.snr.unwrap_or(f64::MIN), r.rssi.unwrap_or(f64::MIN));
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
        })
    }
}

/// The events that describe an uplink.
fn is_uplink_event(name: &str) -> bool {
    matches!(
        name,
        "ns.up.data.receive"
            | "ns.up.data.process"
            | "ns.up.data.forward"
            | "as.up.data.forward"
            | "as.up.data.drop"
    )
}

/// The uplinks in a device lane, oldest first.
pub fn uplinks(store: &Timeline, lane: &str) -> Vec<Uplink> {
    let Some(l) = store.lane(lane) else {
        return Vec::new();
    };
    let seqs: Vec<Seq> = l.all().iter().rev().take(SCAN).collect();
    let mut out: Vec<Uplink> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for &seq in seqs.iter().rev() {
        let Some(event) = store.event(seq).filter(|e| is_uplink_event(&e.name)) else {
            continue;
        };
        let Some(data) = parse(event) else { continue };
        let mut up = read(event, &data, seq);
        if up.f_cnt.is_none() && event.name == "as.up.data.drop" {
            from_gateway_copies(store, event, &mut up, &out);
            // Nothing known of it but that it was dropped: not counted (its
            // FCnt, if the gap shows it missing, stays "missed").
            if up.f_cnt.is_none() {
                continue;
            }
        }
        let key = key_of(event, &up);
        match by_key.get(&key).and_then(|&i| out.get_mut(i)) {
            Some(known) => merge(known, up),
            None => {
                by_key.insert(key, out.len());
                out.push(up);
            }
        }
    }
    crate::sort::sort_by_key(&mut out, |u| u.time);
    out
}

/// What the gateways that heard an uplink the Application Server dropped
/// say of it (`gs.up.receive` sharing its `gs:uplink:` ID, retained when a
/// gateway is followed): FCnt, DevAddr, data rate and each gateway's
/// reception. A gateway's copy has the FCnt's low 16 bits: widened from the
/// session's previous uplink in `before`.
fn from_gateway_copies(store: &Timeline, event: &Event, up: &mut Uplink, before: &[Uplink]) {
    let ids = event
        .correlation_ids
        .iter()
        .filter(|c| c.starts_with("gs:uplink:"));
    for id in ids {
        for seq in store.correlated(id) {
            let Some(copy) = store.event(seq).filter(|e| e.name == "gs.up.receive") else {
                continue;
            };
            let Some(data) = parse(copy) else { continue };
            let mut heard = read(copy, &data, seq);
            // The events behind an uplink are the device's own.
            heard.events.clear();
            merge(up, heard);
        }
    }
    let session = up.session.as_deref();
    let previous = before
        .iter()
        .rev()
        .filter(|u| session.is_none() || u.session.as_deref() == session)
        .find_map(|u| u.f_cnt);
    up.f_cnt = up.f_cnt.map(|low| widen(low, previous));
}

/// The full FCnt whose low 16 bits are `low`, nearest the previous one's.
fn widen(low: u32, previous: Option<u32>) -> u32 {
    match previous {
        Some(p) if p > 0xFFFF && low <= 0xFFFF => {
            let full = (p & !0xFFFF) | low;
            if full + 0x8000 < p {
                full + 0x1_0000
            } else if full > p + 0x8000 {
                full - 0x1_0000
            } else {
                full
            }
        }
        _ => low,
    }
}

/// One uplink's key: its `ns:uplink:` ID, else its FCnt in a 10 s window.
fn key_of(event: &Event, up: &Uplink) -> String {
    event
        .correlation_ids
        .iter()
        .find(|c| c.starts_with("ns:uplink:"))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("fcnt:{:?}@{}", up.f_cnt, up.time / 10_000_000_000))
}

fn parse(event: &Event) -> Option<Value> {
    serde_json::from_str(event.data.as_ref()?.as_str()).ok()
}

fn read(event: &Event, data: &Value, seq: Seq) -> Uplink {
    // ApplicationUp and GatewayUplinkMessage wrap the uplink; UplinkMessage is it.
    let up = data
        .get("uplink_message")
        .or_else(|| data.get("message"))
        .unwrap_or(data);
    let mac = up.pointer("/payload/mac_payload");
    let f_cnt = up
        .get("f_cnt")
        .or_else(|| mac.and_then(|m| m.get("full_f_cnt")))
        .or_else(|| mac.and_then(|m| m.pointer("/f_hdr/f_cnt")))
        .and_then(|v| number(Some(v)))
        .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
        .map(|n| n as u32)
        .or(Some(0).filter(|_| mac.is_some() || up.get("f_port").is_some()));
    let session = mac
        .and_then(|m| text(m, &["f_hdr", "dev_addr"]))
        .or_else(|| text(data, &["end_device_ids", "dev_addr"]))
        .map(str::to_owned);
    let lora = up.pointer("/settings/data_rate/lora");
    let sf = lora
        .and_then(|l| number(l.get("spreading_factor")))
        .filter(|n| (5.0..=12.0).contains(n))
        .map(|n| n as u8);
    let bandwidth = lora.and_then(|l| number(l.get("bandwidth")));
    let coding_rate = lora
        .and_then(|l| text(l, &["coding_rate"]))
        .and_then(|c| c.strip_prefix("4/"))
        .and_then(|c| c.parse::<u8>().ok())
        .unwrap_or(5);
    let payload_len = text(up, &["raw_payload"])
        .and_then(crate::tts::preview::decode_base64)
        .map(|b| b.len())
        .or_else(|| {
            text(up, &["frm_payload"])
                .and_then(crate::tts::preview::decode_base64)
                .map(|b| b.len() + 13)
        });
    let computed = match (sf, bandwidth, payload_len) {
        (Some(sf), Some(bw), Some(len)) => airtime(LoraFrame {
            sf,
            bandwidth_hz: bw,
            coding_rate,
            payload_len: len,
            crc: true,
        }),
        _ => None,
    };
    let consumed = text(up, &["consumed_airtime"])
        .and_then(|s| s.strip_suffix('s'))
        .and_then(|s| s.parse::<f64>().ok());
    let gateways = up
        .get("rx_metadata")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|rx| {
                    Some(Rx {
                        gateway_id: text(rx, &["gateway_ids", "gateway_id"])?.to_owned(),
                        rssi: number(rx.get("rssi")).or_else(|| number(rx.get("channel_rssi"))),
                        snr: number(rx.get("snr")),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Uplink {
        time: event.time.unix_nanos(),
        f_cnt,
        session,
        data_rate: up.pointer("/settings/data_rate").and_then(data_rate),
        sf,
        airtime: consumed.or(computed),
        gateways,
        events: vec![seq],
    }
}

/// Adds what another event of the same uplink knows.
fn merge(known: &mut Uplink, other: Uplink) {
    known.time = known.time.min(other.time);
    known.f_cnt = known.f_cnt.or(other.f_cnt);
    known.session = known.session.take().or(other.session);
    known.data_rate = known.data_rate.take().or(other.data_rate);
    known.sf = known.sf.or(other.sf);
    known.airtime = known.airtime.or(other.airtime);
    for rx in other.gateways {
        if !known.gateways.iter().any(|k| k.gateway_id == rx.gateway_id) {
            known.gateways.push(rx);
        }
    }
    known.events.extend(other.events);
}

#[cfg(test)]
mod tests {
    use super::widen;

    #[test]
    fn a_gateways_16_bit_fcnt_widens_to_the_sessions() {
        assert_eq!(widen(5, Some(3)), 5);
        assert_eq!(widen(5, None), 5);
        assert_eq!(widen(0x0003, Some(0x1_0001)), 0x1_0003);
        // Past a 16-bit wrap, and before one.
        assert_eq!(widen(0x0002, Some(0x1_FFFE)), 0x2_0002);
        assert_eq!(widen(0xFFF0, Some(0x2_0005)), 0x1_FFF0);
    }
}
