//! Radio arithmetic: LoRa time-on-air (Semtech's formula), ESP, the signal
//! thresholds engineers colour by, medians.
//!
//! Why: "is this device's link healthy?" is answered in SNR, ESP and SF, with
//! the thresholds the best tools use (insight-anchors: SNR ≥ −8 dB good,
//! below −13 dB bad; ESP ≥ −100 dBm good, below −110 dBm bad; SF11 warn,
//! SF12 bad) — SNR's moved with the spreading factor where it is known (the
//! demodulator's floor is 12.5 dB lower at SF12 than at SF7). Pure numbers;
//! nothing here can fail.

/// How a value reads against the usual thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quality {
    Good,
    Fair,
    Bad,
}

impl Quality {
    pub fn as_str(self) -> &'static str {
        match self {
            Quality::Good => "good",
            Quality::Fair => "fair",
            Quality::Bad => "bad",
        }
    }
}

/// How `value` reads against `(good, bad)` thresholds, higher being better:
/// good at or above the first, bad below the second.
pub fn quality_of(value: f64, (good, bad): (f64, f64)) -> Quality {
    if value >= good {
        Quality::Good
    } else if value < bad {
        Quality::Bad
    } else {
        Quality::Fair
    }
}

/// The demodulator's SNR floor at a LoRa spreading factor (dB): SF7 −7.5,
/// 2.5 dB lower a step to SF12's −20 (SX127x/SX126x). For an unknown SF,
/// the floor under which the usual fixed thresholds (−8, −13) sit.
pub fn snr_floor(sf: Option<u8>) -> f64 {
    match sf {
        Some(sf @ 5..=12) => -7.5 - 2.5 * (f64::from(sf) - 7.0),
        _ => -15.5,
    }
}

/// What an SNR has to spare over its spreading factor's floor (dB).
pub fn snr_margin(snr: f64, sf: Option<u8>) -> f64 {
    snr - snr_floor(sf)
}

/// A margin's thresholds `(good, bad)`: 7.5 dB or more to spare is good,
/// under 2.5 dB bad.
pub const MARGIN_THRESHOLDS: (f64, f64) = (7.5, 2.5);

/// The SNR thresholds `(good, bad)` at a LoRa spreading factor: its floor
/// plus [`MARGIN_THRESHOLDS`]. SF10's (−7.5, −12.5) are close to the usual
/// fixed thresholds, which apply when the SF is not known (−8, −13): −7 dB
/// is comfortable at SF12 and at the edge of loss at SF7.
pub fn snr_thresholds(sf: Option<u8>) -> (f64, f64) {
    let floor = snr_floor(sf);
    (floor + MARGIN_THRESHOLDS.0, floor + MARGIN_THRESHOLDS.1)
}

/// SNR against the thresholds of its spreading factor (see [`snr_thresholds`]).
pub fn snr_quality(snr: f64, sf: Option<u8>) -> Quality {
    quality_of(snr, snr_thresholds(sf))
}

/// ESP's thresholds: ≥ −100 dBm good, below −110 dBm bad.
pub const ESP_THRESHOLDS: (f64, f64) = (-100.0, -110.0);

/// ESP: ≥ −100 dBm good, below −110 dBm bad.
pub fn esp_quality(esp: f64) -> Quality {
    quality_of(esp, ESP_THRESHOLDS)
}

/// A LoRa data rate's spreading factor (`SF7BW125` → 7); `None` for FSK,
/// LR-FHSS and anything else.
pub fn lora_sf(data_rate: &str) -> Option<u8> {
    let digits = data_rate.strip_prefix("SF")?;
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits.get(..end)?.parse().ok()
}

/// Spreading factor: SF11 a warning, SF12 bad.
pub fn sf_quality(sf: u8) -> Quality {
    match sf {
        12.. => Quality::Bad,
        11 => Quality::Fair,
        _ => Quality::Good,
    }
}

/// Estimated signal power: RSSI + SNR − 10·log10(1 + 10^(SNR/10)) (dBm).
/// For a strong signal (high SNR) it approaches RSSI; below the noise floor
/// it falls with the SNR.
pub fn esp(rssi: f64, snr: f64) -> f64 {
    rssi + snr - 10.0 * (1.0 + 10f64.powf(snr / 10.0)).log10()
}

/// A LoRa frame's settings, for its time on air.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoraFrame {
    pub sf: u8,
    pub bandwidth_hz: f64,
    /// The `x` of coding rate 4/x (5..=8).
    pub coding_rate: u8,
    /// PHYPayload length in bytes.
    pub payload_len: usize,
    /// Uplinks carry a payload CRC; downlinks do not.
    pub crc: bool,
}

/// Time on air in seconds (Semtech SX127x datasheet / AN1200.13): 8
/// preamble symbols, explicit header, low data rate optimisation for
/// symbols longer than 16 ms (SF11/SF12 at 125 kHz).
pub fn airtime(f: LoraFrame) -> Option<f64> {
    if !(6..=12).contains(&f.sf) || f.bandwidth_hz <= 0.0 || !(5..=8).contains(&f.coding_rate) {
        return None;
    }
    let sf = f64::from(f.sf);
    let t_sym = 2f64.powf(sf) / f.bandwidth_hz;
    let t_preamble = (8.0 + 4.25) * t_sym;
    let de = if t_sym > 0.016 { 1.0 } else { 0.0 };
    let crc = if f.crc { 1.0 } else { 0.0 };
    let pl = f.payload_len as f64;
    let cr = f64::from(f.coding_rate - 4);
    let num = 8.0 * pl - 4.0 * sf + 28.0 + 16.0 * crc;
    let den = 4.0 * (sf - 2.0 * de);
    let symbols = 8.0 + ((num / den).ceil() * (cr + 4.0)).max(0.0);
    Some(t_preamble + symbols * t_sym)
}

/// The median of some values (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    // Selection, not a sort: linear, and a busy device's health computes
    // medians of tens of thousands of readings at each redraw.
    let n = v.len();
    let (below, &mut upper, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    Some(if n % 2 == 1 {
        upper
    } else {
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    })
}

/// The lowest value.
pub fn worst(values: &[f64]) -> Option<f64> {
    values
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .min_by(f64::total_cmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(sf: u8, len: usize) -> LoraFrame {
        LoraFrame {
            sf,
            bandwidth_hz: 125_000.0,
            coding_rate: 5,
            payload_len: len,
            crc: true,
        }
    }

    fn ms(f: LoraFrame) -> f64 {
        (airtime(f).unwrap_or(0.0) * 1e6).round() / 1e3
    }

    #[test]
    fn airtime_matches_published_values() {
        // Semtech's LoRa calculator / the TTN airtime calculator, 13-byte header + 10 bytes.
        assert_eq!(ms(frame(7, 23)), 61.696);
        assert_eq!(ms(frame(9, 23)), 205.824);
        assert_eq!(ms(frame(10, 23)), 370.688);
        assert_eq!(ms(frame(12, 23)), 1482.752);
        // The example uplink: SF9, a 20-byte PHYPayload, TTS says consumed_airtime 0.185344 s.
        assert_eq!(ms(frame(9, 20)), 185.344);
        // SF7 at 250 kHz halves the symbol time.
        let wide = LoraFrame {
            bandwidth_hz: 250_000.0,
            ..frame(7, 23)
        };
        assert_eq!(ms(wide), 30.848);
        assert_eq!(airtime(frame(13, 10)), None);
    }

    #[test]
    fn esp_and_thresholds() {
        // High SNR: ESP ≈ RSSI; at SNR 0 it is 3 dB below; far below the noise floor it follows SNR.
        assert!((esp(-80.0, 10.0) - -80.41).abs() < 0.01);
        assert!((esp(-100.0, 0.0) - -103.01).abs() < 0.01);
        assert!((esp(-118.0, -10.0) - -128.41).abs() < 0.01);
        assert_eq!(snr_quality(-8.0, None), Quality::Good);
        assert_eq!(snr_quality(-10.0, None), Quality::Fair);
        assert_eq!(snr_quality(-13.5, None), Quality::Bad);
        // By spreading factor: −7.25 dB is at SF7's edge, comfortable at SF12.
        assert_eq!(snr_quality(-7.25, Some(7)), Quality::Bad);
        assert_eq!(snr_quality(-3.0, Some(7)), Quality::Fair);
        assert_eq!(snr_quality(0.0, Some(7)), Quality::Good);
        assert_eq!(snr_quality(-7.25, Some(12)), Quality::Good);
        assert_eq!(snr_quality(-18.0, Some(12)), Quality::Bad);
        assert_eq!(snr_thresholds(Some(10)), (-7.5, -12.5));
        assert_eq!(snr_floor(Some(12)), -20.0);
        assert_eq!(snr_margin(-15.0, Some(12)), 5.0);
        assert_eq!(snr_thresholds(None), (-8.0, -13.0));
        assert_eq!(
            snr_thresholds(Some(13)),
            (-8.0, -13.0),
            "no such SF: the fixed ones"
        );
        assert_eq!(lora_sf("SF12BW125"), Some(12));
        assert_eq!(lora_sf("SF7BW250"), Some(7));
        assert_eq!(lora_sf("FSK 50 kbps"), None);
        assert_eq!(lora_sf("LR-FHSS"), None);
        assert_eq!(esp_quality(-99.0), Quality::Good);
        assert_eq!(esp_quality(-111.0), Quality::Bad);
        assert_eq!(sf_quality(11), Quality::Fair);
        assert_eq!(sf_quality(12), Quality::Bad);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[1.0, 2.0, 3.0, 10.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(worst(&[-3.0, -9.5, 1.0]), Some(-9.5));
    }

    #[test]
    fn median_is_the_middle_of_the_sorted_readings() {
        let mut x = 7u64;
        for n in [1usize, 2, 5, 6, 101, 1_000] {
            // Readings with repeats, in no order, and a reading that is not a number.
            let mut readings: Vec<f64> = (0..n)
                .map(|_| {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    -f64::from((x >> 58) as u32) * 1.5
                })
                .collect();
            readings.push(f64::NAN);
            let mut sorted: Vec<f64> = readings.iter().copied().filter(|r| r.is_finite()).collect();
            sorted.sort_by(f64::total_cmp);
            let expected = if n % 2 == 1 {
                sorted[n / 2]
            } else {
                (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
            };
            assert_eq!(median(&readings), Some(expected), "{n} readings");
        }
    }
}
