//! Managed gateways (`gcs.managed.*`) in a row: each backhaul's state
//! (cellular operator and RSSI, Wi-Fi SSID and RSSI, Ethernet DHCP), which
//! interface reaches the controller and the Gateway Server, the CPU
//! temperature, and the gateway's model and firmware.
//!
//! Why: a managed gateway that drops off is usually a backhaul problem, and
//! these events say which. Never: its IP addresses, subnet, gateway or DNS
//! servers (`network_interface.addresses` is not read), nor an address of
//! the Gateway Server other than its category.

use serde_json::Value;

use super::read::{decimal, number, number_at, text, words};
use super::safe::{category, parse_ip};
use super::Facts;

/// `MANAGED_GATEWAY_NETWORK_INTERFACE_TYPE_WIFI` → `Wi-Fi`.
fn interface(kind: &str) -> String {
    let rest = kind
        .strip_prefix("MANAGED_GATEWAY_NETWORK_INTERFACE_TYPE_")
        .unwrap_or(kind);
    match rest {
        "WIFI" => "Wi-Fi".into(),
        "ETHERNET" => "Ethernet".into(),
        "CELLULAR" => "cellular".into(),
        other => words(other),
    }
}

/// The `network_interface` state: `up`, DHCP.
fn push_interface(data: &Value, out: &mut Facts) {
    let Some(info) = data.get("network_interface").filter(|i| i.is_object()) else {
        return;
    };
    if let Some(status) = text(info, &["status"]) {
        let word = words(
            status
                .strip_prefix("MANAGED_GATEWAY_NETWORK_INTERFACE_STATUS_")
                .unwrap_or(status),
        );
        if word == "failed" || word == "down" {
            out.strong("", word);
        } else {
            out.add("", word);
        }
    }
    if super::read::is_true(info, &["dhcp_enabled"]) {
        out.add("", "DHCP");
    }
}

/// An RSSI wrapper (`FloatValue`, number or `{"value": …}`).
fn push_rssi(data: &Value, out: &mut Facts) {
    if let Some(rssi) = number(data.get("rssi")) {
        out.add("RSSI", format!("{} dBm", decimal(rssi, 1)));
    }
}

/// The Gateway Server's address: its host name, or the category of an IP.
fn push_server(address: &str, out: &mut Facts) {
    let host = address
        .split_once("://")
        .map_or(address, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    match parse_ip(host) {
        Some(ip) => out.add("server", category(ip)),
        None => {
            let name = host
                .rsplit_once(':')
                .filter(|(_, p)| p.parse::<u16>().is_ok())
                .map_or(host, |(h, _)| h);
            out.cut("server", super::read::shorten(name, 64));
        }
    }
}

/// Any `ManagedGateway*` data type.
pub fn describe(type_name: &str, data: &Value, out: &mut Facts) {
    match type_name {
        "ManagedGatewayCellularBackhaul" => {
            push_interface(data, out);
            if let Some(operator) = text(data, &["operator"]) {
                out.add("operator", operator);
            }
            push_rssi(data, out);
        }
        "ManagedGatewayWiFiBackhaul" => {
            push_interface(data, out);
            if let Some(ssid) = text(data, &["ssid"]) {
                out.cut("SSID", super::read::shorten(ssid, 32));
            }
            push_rssi(data, out);
            if let Some(channel) = number_at(data, &["channel"]) {
                out.add("channel", decimal(channel, 0));
            }
            if let Some(mode) = text(data, &["authentication_mode"]) {
                out.add("", mode);
            }
        }
        "ManagedGatewayEthernetBackhaul" => push_interface(data, out),
        "ManagedGatewayControllerConnection" | "ManagedGatewayGatewayServerConnection" => {
            if let Some(kind) = text(data, &["network_interface_type"]) {
                out.add("via", interface(kind));
            }
            if let Some(address) = text(data, &["address"]) {
                push_server(address, out);
            }
        }
        "ManagedGatewaySystemStatus" => {
            if let Some(t) = number(data.get("cpu_temperature")) {
                out.add("CPU", format!("{} °C", decimal(t, 1)));
            }
        }
        _ => {
            // `ManagedGateway` (`gcs.managed.update`) and anything newer.
            for (key, label) in [
                ("model_id", "model"),
                ("firmware_version", "firmware"),
                ("hardware_version", "hardware"),
            ] {
                if let Some(v) = text(data, &["version_ids", key]) {
                    out.version(label, v);
                }
            }
            if text(data, &["cellular_imei"]).is_some() {
                out.add("", "cellular");
            }
            if text(data, &["wifi_profile_id"]).is_some() {
                out.add("", "Wi-Fi profile");
            }
            if text(data, &["ethernet_profile_id"]).is_some() {
                out.add("", "Ethernet profile");
            }
        }
    }
}
