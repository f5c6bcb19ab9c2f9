//! The radio side of a message as LoRaWAN engineers write it: `SF9BW125`,
//! `868.1 MHz`, the best gateway's RSSI and SNR, how many gateways heard it,
//! the airtime, and a downlink's Tx power.
//!
//! Why: these are the facts scanned first when a device's link is bad. The
//! best gateway is the one with the highest SNR, as in the TTS Console.
//! Must never fail on a missing or odd field: it is left out instead.

use serde_json::Value;

use super::read::{at, decimal, duration, number, number_at, seconds, text};
use super::{Facts, Part};

/// `SF7BW125` (LoRa), `FSK 50 kbps`, `LR-FHSS M0CW137` from a `DataRate`.
pub fn data_rate(dr: &Value) -> Option<String> {
    if let Some(lora) = dr.get("lora").filter(|l| l.is_object()) {
        let sf = number_at(lora, &["spreading_factor"])?;
        return Some(match number_at(lora, &["bandwidth"]) {
            Some(bw) => format!("SF{}BW{}", decimal(sf, 0), decimal(bw / 1000.0, 1)),
            None => format!("SF{}", decimal(sf, 0)),
        });
    }
    if let Some(fsk) = dr.get("fsk").filter(|f| f.is_object()) {
        let rate = number_at(fsk, &["bit_rate"])?;
        return Some(format!("FSK {} kbps", decimal(rate / 1000.0, 1)));
    }
    if let Some(lr) = dr.get("lrfhss").filter(|l| l.is_object()) {
        let m = number_at(lr, &["modulation_type"]).unwrap_or(0.0);
        let cw = number_at(lr, &["operating_channel_width"])?;
        return Some(format!(
            "LR-FHSS M{}CW{}",
            decimal(m, 0),
            decimal(cw / 1000.0, 1)
        ));
    }
    None
}

/// A frequency in Hz (number or string) as `868.1 MHz`.
pub fn frequency(hz: Option<&Value>) -> Option<String> {
    let hz = number(hz).filter(|f| *f > 0.0)?;
    Some(format!("{} MHz", decimal(hz / 1e6, 6)))
}

/// An RSSI as `-112 dBm`.
pub fn dbm(v: f64) -> String {
    format!("{} dBm", decimal(v, 1))
}

/// The signal of the best gateway of `rx_metadata` and how many gateways heard.
#[derive(Debug, Default, PartialEq)]
pub struct Reception {
    pub rssi: Option<f64>,
    pub snr: Option<f64>,
    pub gateways: usize,
}

/// Best = highest SNR (then highest RSSI when no gateway reports an SNR).
pub fn reception(rx_metadata: Option<&Value>) -> Reception {
    let Some(list) = rx_metadata.and_then(Value::as_array) else {
        return Reception::default();
    };
    let mut ids: Vec<String> = Vec::new();
    let mut best: Option<(Option<f64>, Option<f64>)> = None;
    for (i, rx) in list.iter().enumerate().filter(|(_, rx)| rx.is_object()) {
        let id = text(rx, &["gateway_ids", "gateway_id"])
            .or_else(|| text(rx, &["gateway_ids", "eui"]))
            .map_or_else(|| format!("#{i}"), str::to_owned);
        if !ids.contains(&id) {
            ids.push(id);
        }
        let (rssi, snr) = rx_signal(rx);
        if beats((rssi, snr), best) {
            best = Some((rssi, snr));
        }
    }
    let (rssi, snr) = best.unwrap_or_default();
    Reception {
        rssi,
        snr,
        gateways: ids.len(),
    }
}

/// Data rate and frequency of `TxSettings` (`settings` of uplinks, `scheduled` of downlinks).
pub fn push_settings(settings: Option<&Value>, out: &mut Facts) {
    push_data_rate(settings, out);
    push_frequency(settings, out);
}

/// `SF7BW125` (or `DR5`) of `TxSettings`.
fn push_data_rate(settings: Option<&Value>, out: &mut Facts) {
    let Some(settings) = settings else { return };
    if let Some(dr) = settings.get("data_rate").and_then(data_rate) {
        out.add("", dr);
    } else if let Some(index) = number_at(settings, &["data_rate_index"]) {
        out.add("", format!("DR{}", decimal(index, 0)));
    }
}

/// `868.1 MHz` of `TxSettings`.
fn push_frequency(settings: Option<&Value>, out: &mut Facts) {
    if let Some(f) = settings.and_then(|s| frequency(s.get("frequency"))) {
        out.add("", f);
    }
}

/// An uplink's data rate, best RSSI and SNR (the row's [`Part::Radio`]:
/// what tells the link's quality), then its frequency, gateway count and
/// airtime (with what follows them, its [`Part::After`]).
pub fn push_uplink(message: &Value, out: &mut Facts) {
    out.part(Part::Radio);
    let settings = message.get("settings");
    push_data_rate(settings, out);
    let heard = reception(message.get("rx_metadata"));
    if let Some(rssi) = heard.rssi {
        out.add("RSSI", dbm(rssi));
    }
    if let Some(snr) = heard.snr {
        out.add("SNR", format!("{} dB", decimal(snr, 2)));
    }
    out.part(Part::After);
    push_frequency(settings, out);
    if heard.gateways > 1 {
        out.add("", format!("{} gateways", heard.gateways));
    }
    push_airtime(message, out);
}

/// `consumed_airtime` as `airtime 185 ms`.
pub fn push_airtime(message: &Value, out: &mut Facts) {
    if let Some(secs) = seconds(message.get("consumed_airtime")).filter(|s| *s > 0.0) {
        out.add("airtime", duration(secs));
    }
}

/// Tx power, data rate and frequency of a scheduled downlink (`TxSettings`).
pub fn push_scheduled(scheduled: &Value, out: &mut Facts) {
    if let Some(power) = number_at(scheduled, &["downlink", "tx_power"]) {
        out.add("Tx power", format!("{} dBm", decimal(power, 2)));
    }
    push_settings(Some(scheduled), out);
}

/// The Rx windows of a downlink request (`TxRequest`): class, Rx1 delay,
/// Rx1 and Rx2 frequency and data rate.
pub fn push_request(request: &Value, out: &mut Facts) {
    if let Some(class) = text(request, &["class"]) {
        out.add("", class_name(class));
    }
    if let Some(delay) = number_at(request, &["rx1_delay"]) {
        // RxDelay 0 means 1 s, as in LoRaWAN.
        out.add("Rx1 delay", format!("{} s", decimal(delay.max(1.0), 0)));
    }
    for window in ["rx1", "rx2"] {
        let mut parts = Vec::new();
        if let Some(f) = frequency(request.get(format!("{window}_frequency").as_str())) {
            parts.push(f);
        }
        if let Some(dr) = at(request, &[&format!("{window}_data_rate")]).and_then(data_rate) {
            parts.push(dr);
        } else if let Some(i) = number_at(request, &[&format!("{window}_data_rate_index")]) {
            parts.push(format!("DR{}", decimal(i, 0)));
        }
        if !parts.is_empty() {
            let label = if window == "rx1" { "Rx1" } else { "Rx2" };
            out.add(label, parts.join(" "));
        }
    }
}

/// `CLASS_A` → `Class A`.
pub fn class_name(class: &str) -> String {
    match class.strip_prefix("CLASS_") {
        Some(letter) => format!("Class {letter}"),
        None => class.to_owned(),
    }
}

/// A gateway's (RSSI, SNR) from one `rx_metadata` entry (`channel_rssi`
/// when `rssi` is absent).
pub fn rx_signal(rx: &Value) -> (Option<f64>, Option<f64>) {
    let rssi = number(rx.get("rssi")).or_else(|| number(rx.get("channel_rssi")));
    (rssi, number(rx.get("snr")))
}

/// Whether a gateway's (RSSI, SNR) beats the best so far: the highest SNR,
/// a gateway with an SNR before one without, else the highest RSSI. The row
/// and the filter's `rssi`/`snr` both mean this gateway.
pub fn beats(
    (rssi, snr): (Option<f64>, Option<f64>),
    best: Option<(Option<f64>, Option<f64>)>,
) -> bool {
    match best {
        None => true,
        Some((best_rssi, best_snr)) => match (snr, best_snr) {
            (Some(a), Some(b)) => a > b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => rssi.unwrap_or(f64::MIN) > best_rssi.unwrap_or(f64::MIN),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_rates_read_like_the_console() {
        let lora = json!({"lora": {"bandwidth": 125000, "spreading_factor": 7}});
        assert_eq!(data_rate(&lora).as_deref(), Some("SF7BW125"));
        let wide = json!({"lora": {"bandwidth": 812500, "spreading_factor": 12}});
        assert_eq!(data_rate(&wide).as_deref(), Some("SF12BW812.5"));
        let fsk = json!({"fsk": {"bit_rate": 50000}});
        assert_eq!(data_rate(&fsk).as_deref(), Some("FSK 50 kbps"));
        let lr = json!({"lrfhss": {"modulation_type": 0, "operating_channel_width": 137000}});
        assert_eq!(data_rate(&lr).as_deref(), Some("LR-FHSS M0CW137"));
        assert_eq!(data_rate(&json!({"lora": "SF7"})), None);
        assert_eq!(data_rate(&json!({"lora": {"spreading_factor": "x"}})), None);
    }

    #[test]
    fn frequencies_are_in_megahertz() {
        assert_eq!(
            frequency(Some(&json!("868100000"))).as_deref(),
            Some("868.1 MHz")
        );
        assert_eq!(
            frequency(Some(&json!(869525000))).as_deref(),
            Some("869.525 MHz")
        );
        assert_eq!(frequency(Some(&json!("loud"))), None);
        assert_eq!(frequency(Some(&json!(0))), None);
    }

    #[test]
    fn the_best_gateway_has_the_highest_snr() {
        let rx = json!([
            {"gateway_ids": {"gateway_id": "a"}, "rssi": -90, "snr": -2},
            {"gateway_ids": {"gateway_id": "b"}, "channel_rssi": -110, "snr": 7.5},
            {"gateway_ids": {"gateway_id": "b"}, "rssi": -120, "snr": 1},
            7, null, {"rssi": "loud"}
        ]);
        let heard = reception(Some(&rx));
        assert_eq!(
            (heard.rssi, heard.snr, heard.gateways),
            (Some(-110.0), Some(7.5), 3)
        );
        assert_eq!(reception(Some(&json!("none"))), Reception::default());
    }
}
