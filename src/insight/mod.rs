//! Health, computed live from the events in memory: a device's missed
//! uplinks, PER, radio, airtime, reception, joins, downlinks and problems; a
//! gateway's traffic, devices, connections, status and downlinks; the fleet.
//!
//! Why: users open a live view because something is wrong, and these are the
//! answers (insight-anchors.md: PER, reception tables with thresholds and
//! ESP, downlink failure causes, a fleet sorted by PER and SNR). Pure: the
//! store in, numbers out; the time "now" is a parameter.

mod device;
mod fcnt;
mod fleet;
mod gateway;
mod joins;
mod problems;
mod radio;
mod uplinks;

#[cfg(test)]
mod tests;

pub use device::{device_health, DeviceHealth, Downlinks, GatewayReception, Point, Spread};
pub use fcnt::{counters, Counters, Gap, Reset, MAX_GAP};
pub use fleet::{fleet, gateways, matrix_gateways, sort, Column, FleetRow, GatewayRow};
pub use gateway::{
    disconnected_since, gateway_health, Connection, GatewayHealth, HeardDevice, MINUTES,
};
pub use joins::{joins, repeated, Join, Outcome};
pub use problems::{problems, Problem};
pub use radio::{
    airtime, esp, esp_quality, lora_sf, median, sf_quality, snr_thresholds, worst, LoraFrame,
    Quality, ESP_THRESHOLDS,
};
pub use uplinks::{uplinks, Rx, Uplink, SCAN};
