//! Simulated sensor readings and radio conditions: the values that vary between uplinks
//! (`frm_payload`/`decoded_payload` per application family, RSSI/SNR/SF/frequency).
//!
//! Exists to keep the flow logic in `mod.rs` free of number juggling. It must only draw
//! randomness from the `Prng` it is given, so the seed fully determines the output.

use serde_json::{json, Value};

use crate::clock::Nanos;
use crate::fleet::SensorKind;
use crate::prng::Prng;

/// EU868 uplink channels (Hz).
pub const EU868: [u64; 8] = [
    868_100_000,
    868_300_000,
    868_500_000,
    867_100_000,
    867_300_000,
    867_500_000,
    867_700_000,
    867_900_000,
];

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// A reading: (FPort, encoded bytes, decoded JSON).
pub fn reading(kind: SensorKind, p: &mut Prng) -> (u32, Vec<u8>, Value) {
    let battery = round(3.0 + p.unit() * 0.3, 3);
    let batt_mv = (battery * 1000.0) as u16;
    let mut bytes = vec![0x01];
    bytes.extend_from_slice(&batt_mv.to_be_bytes());
    match kind {
        SensorKind::Soil => {
            let moisture = round(10.0 + p.unit() * 35.0, 1);
            let temp = round(5.0 + p.unit() * 20.0, 1);
            bytes.extend_from_slice(&[0x02, (moisture * 2.0) as u8, 0x03, (temp * 4.0) as u8]);
            (
                2,
                bytes,
                json!({"battery_v": battery, "soil_moisture_pct": moisture, "soil_temperature_c": temp}),
            )
        }
        SensorKind::Fridge => {
            let temp = round(2.0 + p.unit() * 6.0, 2);
            let door = p.below(10) == 0;
            bytes.extend_from_slice(&[0x04, (temp * 10.0) as u8, 0x05, u8::from(door)]);
            (
                1,
                bytes,
                json!({"battery_v": battery, "door_open": door, "temperature_c": temp}),
            )
        }
        SensorKind::Parking => {
            let occupied = p.below(2) == 0;
            bytes.extend_from_slice(&[0x06, u8::from(occupied)]);
            (
                3,
                bytes,
                json!({"battery_v": battery, "occupied": occupied}),
            )
        }
        SensorKind::Weather => {
            let temp = round(-5.0 + p.unit() * 30.0, 1);
            let hum = round(30.0 + p.unit() * 65.0, 1);
            let pressure = round(990.0 + p.unit() * 40.0, 1);
            let wind = round(p.unit() * 15.0, 1);
            bytes.extend_from_slice(&[0x07, (temp + 40.0) as u8, (hum) as u8, (wind * 10.0) as u8]);
            (
                4,
                bytes,
                json!({"humidity_pct": hum, "pressure_hpa": pressure, "temperature_c": temp, "wind_speed_ms": wind}),
            )
        }
        SensorKind::Generic => {
            let counter = p.below(65_536);
            bytes.extend_from_slice(&(counter as u16).to_be_bytes());
            (1, bytes, json!({"counter": counter}))
        }
    }
}

/// Radio settings of one transmission: (SF, frequency, concentrator timestamp).
pub fn radio(p: &mut Prng) -> (u32, u64, u32) {
    let sf = 7 + p.below(6) as u32;
    let freq = EU868[p.below(8) as usize];
    (sf, freq, p.next_u64() as u32)
}

/// RSSI and SNR of one reception.
pub fn signal(p: &mut Prng) -> (i64, f64) {
    let rssi = p.range(-121, -58);
    let snr = p.range(-60, 40) as f64 / 4.0;
    (rssi, snr)
}

/// Bandwidth (Hz) of every generated transmission (the templates' `data_rate`).
pub const BANDWIDTH_HZ: i64 = 125_000;
/// The `x` of the templates' coding rate 4/x.
pub const CODING_RATE: i64 = 5;

/// LoRa time on air of an uplink of `len` PHYPayload bytes at spreading factor `sf` (125 kHz,
/// coding rate 4/5), what TTS reports as `consumed_airtime`: Semtech's formula (SX127x
/// datasheet, AN1200.13) with 8 preamble symbols, an explicit header, the payload CRC, and low
/// data rate optimisation when a symbol lasts more than 16 ms (SF11, SF12). Exact in whole
/// nanoseconds: counted in quarter symbols.
pub fn airtime(sf: u32, len: usize) -> Nanos {
    let sf = i64::from(sf.clamp(6, 12));
    let symbol_ns = (1i64 << sf) * 1_000_000_000 / BANDWIDTH_HZ;
    let ldro = i64::from(symbol_ns > 16_000_000);
    let num = 8 * len as i64 - 4 * sf + 28 + 16;
    let den = 4 * (sf - 2 * ldro);
    let blocks = ((num + den - 1).div_euclid(den)).max(0);
    // Preamble 8 + 4.25 symbols, then 8 + blocks × (4/x) payload symbols.
    let quarters = 4 * 8 + 17 + 4 * (8 + blocks * CODING_RATE);
    quarters * (1i64 << sf) * 1_000_000_000 / (4 * BANDWIDTH_HZ)
}

/// A duration as protobuf JSON writes it: 0, 3, 6 or 9 fractional digits (`"0.185344s"`).
pub fn proto_duration(d: Nanos) -> String {
    let d = d.max(0);
    let (secs, nanos) = (d / 1_000_000_000, d % 1_000_000_000);
    if nanos == 0 {
        format!("{secs}s")
    } else if nanos % 1_000_000 == 0 {
        format!("{secs}.{:03}s", nanos / 1_000_000)
    } else if nanos % 1000 == 0 {
        format!("{secs}.{:06}s", nanos / 1000)
    } else {
        format!("{secs}.{nanos:09}s")
    }
}

/// MHDR of an unconfirmed data uplink.
pub const UNCONFIRMED_UP: u8 = 0x40;
/// MHDR of a confirmed data downlink.
pub const CONFIRMED_DOWN: u8 = 0xA0;

/// The bytes of a hex string (a bad pair reads as 0).
fn hex_bytes(s: &str) -> Vec<u8> {
    s.as_bytes()
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .unwrap_or(0)
        })
        .collect()
}

/// A hex identifier (DevAddr, EUI) as LoRaWAN sends it: little-endian.
fn le(hex: &str) -> Vec<u8> {
    let mut b = hex_bytes(hex);
    b.reverse();
    b
}

/// A data frame: MHDR | DevAddr | FCtrl (ADR, ACK) | FCnt | FPort | FRMPayload | MIC.
pub fn data_frame(
    mhdr: u8,
    dev_addr: &str,
    ack: bool,
    f_cnt: u32,
    f_port: u32,
    payload: &[u8],
    p: &mut Prng,
) -> Vec<u8> {
    let mut f = vec![mhdr];
    f.extend(le(dev_addr));
    let adr = if mhdr == UNCONFIRMED_UP { 0x80 } else { 0 };
    f.push(adr | if ack { 0x20 } else { 0 });
    f.extend_from_slice(&(f_cnt as u16).to_le_bytes());
    f.push(f_port as u8);
    f.extend_from_slice(payload);
    f.extend(p.bytes(4));
    f
}

/// A join-request: MHDR | JoinEUI | DevEUI | DevNonce | MIC (23 bytes).
pub fn join_request(join_eui: &str, dev_eui: &str, dev_nonce: &str, p: &mut Prng) -> Vec<u8> {
    let mut f = vec![0x00];
    f.extend(le(join_eui));
    f.extend(le(dev_eui));
    f.extend(le(dev_nonce));
    f.extend(p.bytes(4));
    f
}

/// An (encrypted) join-accept with a CFList: MHDR and 32 bytes.
pub fn join_accept(p: &mut Prng) -> Vec<u8> {
    let mut f = vec![0x20];
    f.extend(p.bytes(32));
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_the_lorawan_layout() {
        let mut p = Prng::new(1);
        let f = data_frame(UNCONFIRMED_UP, "260B1C4F", true, 1843, 2, &[9, 9], &mut p);
        assert_eq!(
            &f[..9],
            &[0x40, 0x4F, 0x1C, 0x0B, 0x26, 0xA0, 0x33, 0x07, 2]
        );
        assert_eq!(f.len(), 9 + 2 + 4);
        let j = join_request("0000000000000000", "70B3D57ED0061A2C", "01A7", &mut p);
        assert_eq!(j.len(), 23);
        assert_eq!(&j[9..17], &[0x2C, 0x1A, 0x06, 0xD0, 0x7E, 0xD5, 0xB3, 0x70]);
        assert_eq!(&j[17..19], &[0xA7, 0x01]);
    }

    #[test]
    fn airtime_is_lora_time_on_air_as_tts_writes_it() {
        // The example uplink: SF9, a 20-byte PHYPayload (TTS: 0.185344s).
        assert_eq!(proto_duration(airtime(9, 20)), "0.185344s");
        assert_eq!(proto_duration(airtime(7, 23)), "0.061696s");
        assert_eq!(proto_duration(airtime(10, 23)), "0.370688s");
        // SF11/SF12: low data rate optimisation.
        assert_eq!(proto_duration(airtime(12, 23)), "1.482752s");
        assert_eq!(proto_duration(airtime(11, 23)), "0.823296s");
        assert_eq!(proto_duration(2 * 1_000_000_000), "2s");
        assert_eq!(proto_duration(1_500_000_000), "1.500s");
        assert_eq!(proto_duration(1), "0.000000001s");
    }
}
