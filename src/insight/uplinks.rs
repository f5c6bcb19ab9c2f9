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
    /// Its FCnt is a gateway's copy's 16 low bits (an uplink the Application
    /// Server dropped), widened once every uplink is read.
    pub low_f_cnt: bool,
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

/// The uplinks in a device lane, oldest first; and when the Application
/// Server dropped an uplink that nothing else in memory tells more of (not
/// an uplink here: its FCnt is unknown; but the network received it).
pub fn uplinks(store: &Timeline, lane: &str) -> (Vec<Uplink>, Vec<i64>) {
    let Some(l) = store.lane(lane) else {
        return (Vec::new(), Vec::new());
    };
    let seqs: Vec<Seq> = l.all().iter().rev().take(SCAN).collect();
    let mut out: Vec<Uplink> = Vec::new();
    let mut unknown_drops: Vec<i64> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for &seq in seqs.iter().rev() {
        let Some(event) = store.event(seq).filter(|e| is_uplink_event(&e.name)) else {
            continue;
        };
        let Some(data) = parse(event) else { continue };
        let mut up = read(event, &data, seq);
        let key = key_of(event, &up);
        // Known already (the NS's events of it): nothing more to look for.
        // Else the gateways' copies say what it was; with none, nothing is
        // known but that it was dropped: not an uplink here (its FCnt, if a
        // gap shows it missing, stays "missed").
        if event.name == "as.up.data.drop"
            && !by_key.contains_key(&key)
            && !from_gateway_copies(store, event, &mut up)
        {
            unknown_drops.push(up.time);
            continue;
        }
        match by_key.get(&key).and_then(|&i| out.get_mut(i)) {
            Some(known) => merge(known, up),
            None => {
                by_key.insert(key, out.len());
                out.push(up);
            }
        }
    }
    crate::sort::sort_by_key(&mut out, |u| u.time);
    widen_all(&mut out);
    (out, unknown_drops)
}

/// Widens each gateway copy's 16-bit FCnt (`low_f_cnt`) to the full value
/// nearest the closest uplink in time of its session whose FCnt is full
/// (before or after it: a device whose uplinks are all dropped until its
/// session is restored has its full FCnt only after).
fn widen_all(ups: &mut [Uplink]) {
    for i in 0..ups.len() {
        let Some(low) = ups[i].f_cnt.filter(|_| ups[i].low_f_cnt) else {
            continue;
        };
        let (time, session) = (ups[i].time, ups[i].session.clone());
        let near = ups
            .iter()
            .filter(|u| !u.low_f_cnt && (session.is_none() || u.session == session))
            .filter_map(|u| Some(((u.time - time).abs(), u.f_cnt?)))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, f)| f);
        ups[i].f_cnt = Some(widen(low, near));
    }
}

/// What the gateways that heard an uplink the Application Server dropped
/// say of it (the drop says only why): FCnt, DevAddr, data rate and each
/// gateway's reception, from the `gs.up.receive` sharing its `gs:uplink:` ID
/// (retained when a gateway is followed) and the other gateways' copies of
/// the same frame (the NS keeps only the first copy's IDs: the same
/// `raw_payload` within [`COPIES_WITHIN_NS`]). Only a data uplink of the
/// drop's DevAddr. False when no copy was found.
fn from_gateway_copies(store: &Timeline, event: &Event, up: &mut Uplink) -> bool {
    let dev_addr = event.identifiers.iter().find_map(|i| i.dev_addr());
    let is_ours = |copy: &Uplink| {
        copy.f_cnt.is_some()
            && match (dev_addr, copy.session.as_deref()) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => true,
            }
    };
    let mut frame: Option<(String, i64)> = None;
    let ids = event
        .correlation_ids
        .iter()
        .filter(|c| c.starts_with("gs:uplink:"));
    for id in ids {
        for seq in store.correlated(id) {
            let Some((copy, data)) = gateway_copy(store, seq) else {
                continue;
            };
            let heard = read(copy, &data, seq);
            if is_ours(&heard) {
                frame = frame.or_else(|| raw_payload(&data).map(|r| (r, heard.time)));
                merge_copy(up, heard);
            }
        }
    }
    if let Some((raw, time)) = frame {
        for seq in store.seqs_between(time - COPIES_WITHIN_NS, time + COPIES_WITHIN_NS) {
            let Some((copy, data)) = gateway_copy(store, seq) else {
                continue;
            };
            if raw_payload(&data).as_deref() == Some(raw.as_str()) {
                let heard = read(copy, &data, seq);
                if is_ours(&heard) {
                    merge_copy(up, heard);
                }
            }
        }
    }
    up.low_f_cnt = up.f_cnt.is_some();
    up.f_cnt.is_some()
}

/// How far apart in time two gateways' copies of one frame may be (ns).
const COPIES_WITHIN_NS: i64 = 2_000_000_000;

/// A retained `gs.up.receive` and its data.
fn gateway_copy(store: &Timeline, seq: Seq) -> Option<(&Event, Value)> {
    let copy = store.event(seq).filter(|e| e.name == "gs.up.receive")?;
    Some((copy, parse(copy)?))
}

/// A gateway copy's frame as received (`message.raw_payload`).
fn raw_payload(data: &Value) -> Option<String> {
    text(data.get("message")?, &["raw_payload"]).map(str::to_owned)
}

/// Adds a gateway's copy (not an event of the device's lane: not one of its events).
fn merge_copy(up: &mut Uplink, mut heard: Uplink) {
    heard.events.clear();
    merge(up, heard);
}

/// The full FCnt whose low 16 bits are `low`, nearest `near` (a full FCnt of
/// the same session); `low` itself with nothing to go by.
fn widen(low: u32, near: Option<u32>) -> u32 {
    let Some(near) = near.map(i64::from) else {
        return low;
    };
    let low16 = i64::from(low & 0xFFFF);
    let base = near & !0xFFFF;
    [base - 0x1_0000, base, base + 0x1_0000]
        .into_iter()
        .map(|b| b + low16)
        .filter(|c| (0..=i64::from(u32::MAX)).contains(c))
        .min_by_key(|c| (c - near).abs())
        .and_then(|c| u32::try_from(c).ok())
        .unwrap_or(low)
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
        low_f_cnt: false,
    }
}

/// Adds what another event of the same uplink knows.
fn merge(known: &mut Uplink, other: Uplink) {
    known.time = known.time.min(other.time);
    if known.low_f_cnt && other.f_cnt.is_some() && !other.low_f_cnt {
        known.f_cnt = None;
        known.low_f_cnt = false;
    }
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
        // Across a 16-bit wrap either way, from a 16-bit or a full neighbour.
        assert_eq!(widen(2, Some(65_530)), 65_538);
        assert_eq!(widen(0x0002, Some(0x1_FFFE)), 0x2_0002);
        assert_eq!(widen(0xFFF0, Some(0x2_0005)), 0x1_FFF0);
        assert_eq!(widen(65_530, Some(3)), 65_530);
        // A device at 70,000 whose neighbour comes after it.
        assert_eq!(widen(70_000 & 0xFFFF, Some(70_003)), 70_000);
        // No overflow at the top.
        assert_eq!(widen(7, Some(u32::MAX)), 0xFFFF_0007);
    }
}
