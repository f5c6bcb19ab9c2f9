//! What ties a step to a message when no correlation ID does: the device it
//! names (the Join Server's answer), the radio frame it carries (another
//! gateway's reception of the same uplink).

use serde_json::Value;

use crate::tts::{EntityIds, Event};

/// The PHYPayload of an uplink step (`GatewayUplinkMessage.message` or `UplinkMessage`).
pub fn raw_payload(event: &Event) -> Option<String> {
    let wanted = event.name == "gs.up.receive"
        || (event.name.starts_with("ns.up.") && event.name.ends_with(".receive"));
    if !wanted {
        return None;
    }
    let data: Value = serde_json::from_str(event.data.as_ref()?.as_str()).ok()?;
    let message = data.get("message").unwrap_or(&data);
    message
        .get("raw_payload")
        .and_then(Value::as_str)
        .filter(|p| p.len() >= 8)
        .map(str::to_owned)
}

/// Which device an event names: its DevEUI when known, else its IDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceKey {
    application_id: String,
    device_id: String,
    dev_eui: Option<String>,
}

impl DeviceKey {
    pub fn of(event: &Event) -> Option<DeviceKey> {
        event.identifiers.iter().find_map(|ids| match ids {
            EntityIds::Device { .. } => Some(DeviceKey {
                application_id: ids.application_id().unwrap_or_default().to_owned(),
                device_id: ids.id().to_owned(),
                dev_eui: ids.eui().map(str::to_ascii_uppercase),
            }),
            _ => None,
        })
    }

    /// The same device: equal DevEUIs when both are known, else equal IDs.
    pub fn same(&self, other: &DeviceKey) -> bool {
        match (&self.dev_eui, &other.dev_eui) {
            (Some(a), Some(b)) => a == b,
            _ => self.application_id == other.application_id && self.device_id == other.device_id,
        }
    }
}
