//! Simulated sensor readings and radio conditions: the values that vary between uplinks
//! (`frm_payload`/`decoded_payload` per application family, RSSI/SNR/SF/frequency).
//!
//! Exists to keep the flow logic in `mod.rs` free of number juggling. It must only draw
//! randomness from the `Prng` it is given, so the seed fully determines the output.

use serde_json::{json, Value};

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
