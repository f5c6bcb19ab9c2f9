//! The reception of an uplink: every gateway that heard it, with RSSI, SNR,
//! channel, frequency, data rate and the gateway's own timestamp, and the one
//! the Network Server chose for the downlink path.
//!
//! Why: "which gateways heard it, and how well" is the first question about a
//! weak or missing uplink. Gateway events (`gs.up.receive`) are only streamed
//! to whoever follows the gateway, so the Network and Application Server's
//! `rx_metadata` (which lists every gateway the NS merged) is read too.

use serde_json::Value;

use super::{How, Step};
use crate::tts::preview::{data_rate, frequency, number, text};

/// One gateway's reception of an uplink.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heard {
    pub gateway_id: String,
    pub rssi: Option<f64>,
    pub snr: Option<f64>,
    pub channel: Option<u64>,
    /// `868.1 MHz`.
    pub frequency: Option<String>,
    /// `SF9BW125`.
    pub data_rate: Option<String>,
    /// The gateway's concentrator timestamp (µs, wraps at 2³²).
    pub timestamp: Option<u64>,
    /// RFC 3339, when the Gateway Server received it.
    pub received_at: Option<String>,
    /// The gateway the Network Server chose for the downlink path.
    pub chosen: bool,
    uplink_token: Option<String>,
}

/// The gateways that heard the journey's uplink, best SNR first.
pub fn reception(steps: &[Step]) -> Vec<Heard> {
    let mut heard: Vec<Heard> = Vec::new();
    for step in steps.iter().filter(|s| s.how != How::Reply) {
        let Some(data) = parse(&step.event) else {
            continue;
        };
        let message = match step.event.name.as_str() {
            "gs.up.receive" => data.get("message"),
            _ if data.get("uplink_message").is_some() => data.get("uplink_message"),
            _ => Some(&data),
        };
        let Some(message) = message else { continue };
        let settings = message.get("settings");
        let Some(list) = message.get("rx_metadata").and_then(Value::as_array) else {
            continue;
        };
        for rx in list {
            merge(&mut heard, read(rx, settings));
        }
    }
    mark_chosen(&mut heard, steps);
    crate::sort::sort_by(&mut heard, |a, b| {
        best_signal_first((a.snr, a.rssi), (b.snr, b.rssi))
    });
    heard
}

/// Orders receptions `(SNR, RSSI)` best signal first: the higher SNR, then
/// the higher RSSI; a missing reading after one that is there (never an SNR
/// against an RSSI: they are not in the same unit).
pub fn best_signal_first(
    a: (Option<f64>, Option<f64>),
    b: (Option<f64>, Option<f64>),
) -> std::cmp::Ordering {
    use crate::sort::missing_last;
    let higher_first = |x: f64, y: f64| y.total_cmp(&x);
    missing_last(a.0, b.0, higher_first).then_with(|| missing_last(a.1, b.1, higher_first))
}

fn parse(event: &crate::tts::Event) -> Option<Value> {
    serde_json::from_str(event.data.as_ref()?.as_str()).ok()
}

fn read(rx: &Value, settings: Option<&Value>) -> Heard {
    let gateway_id = text(rx, &["gateway_ids", "gateway_id"])
        .or_else(|| text(rx, &["gateway_ids", "eui"]))
        .unwrap_or("(unknown gateway)")
        .to_owned();
    Heard {
        gateway_id,
        rssi: number(rx.get("rssi")).or_else(|| number(rx.get("channel_rssi"))),
        snr: number(rx.get("snr")),
        channel: number(rx.get("channel_index"))
            .filter(|n| *n >= 0.0 && n.fract() == 0.0)
            .map(|n| n as u64)
            .or(Some(0).filter(|_| rx.get("rssi").is_some())),
        frequency: settings.and_then(|s| frequency(s.get("frequency"))),
        data_rate: settings
            .and_then(|s| s.get("data_rate"))
            .and_then(data_rate),
        timestamp: number(rx.get("timestamp"))
            .filter(|n| *n >= 0.0)
            .map(|n| n as u64),
        received_at: text(rx, &["received_at"]).map(str::to_owned),
        chosen: false,
        uplink_token: text(rx, &["uplink_token"]).map(str::to_owned),
    }
}

/// Adds a gateway's reception, filling in what an earlier source lacked.
fn merge(heard: &mut Vec<Heard>, new: Heard) {
    match heard.iter_mut().find(|h| h.gateway_id == new.gateway_id) {
        Some(h) => {
            h.rssi = h.rssi.or(new.rssi);
            h.snr = h.snr.or(new.snr);
            h.channel = h.channel.or(new.channel);
            h.frequency = h.frequency.take().or(new.frequency);
            h.data_rate = h.data_rate.take().or(new.data_rate);
            h.timestamp = h.timestamp.or(new.timestamp);
            h.received_at = h.received_at.take().or(new.received_at);
            h.uplink_token = h.uplink_token.take().or(new.uplink_token);
        }
        None => heard.push(new),
    }
}

/// The gateway a reply was sent through (`gs.down.send`), or whose uplink
/// token the Network Server's schedule result names.
fn mark_chosen(heard: &mut [Heard], steps: &[Step]) {
    let mut chosen: Vec<String> = Vec::new();
    for step in steps.iter().filter(|s| s.how == How::Reply) {
        if step.event.name == "gs.down.send" {
            for ids in &step.event.identifiers {
                if let crate::tts::EntityIds::Gateway { gateway_id, .. } = ids {
                    chosen.push(gateway_id.clone());
                }
            }
        }
        if step.event.name.ends_with(".schedule.success") {
            if let Some(token) = parse(&step.event)
                .as_ref()
                .and_then(|d| text(d, &["downlink_path", "uplink_token"]).map(str::to_owned))
            {
                if let Some(h) = heard
                    .iter()
                    .find(|h| h.uplink_token.as_deref() == Some(&token))
                {
                    chosen.push(h.gateway_id.clone());
                }
            }
        }
    }
    for h in heard.iter_mut() {
        h.chosen = chosen.contains(&h.gateway_id);
    }
}

#[cfg(test)]
mod tests {
    use super::best_signal_first;

    #[test]
    fn best_signal_first_compares_snr_then_rssi_never_one_against_the_other() {
        let mut heard = vec![
            ("rssi only, strong", None, Some(-60.0)),
            ("snr 2", Some(2.0), Some(-110.0)),
            ("nothing", None, None),
            ("snr 9", Some(9.0), Some(-100.0)),
            ("snr 2, louder", Some(2.0), Some(-90.0)),
            ("rssi only, weak", None, Some(-120.0)),
        ];
        crate::sort::sort_by(&mut heard, |a, b| best_signal_first((a.1, a.2), (b.1, b.2)));
        let order: Vec<&str> = heard.iter().map(|h| h.0).collect();
        assert_eq!(
            order,
            [
                "snr 9",
                "snr 2, louder",
                "snr 2",
                "rssi only, strong",
                "rssi only, weak",
                "nothing"
            ]
        );
    }
}
