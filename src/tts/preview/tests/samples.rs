//! Small, realistic `data` for every data type of the event catalogue,
//! written by hand from the protos (api/ttn/lorawan/v3/*.proto) — each one
//! laced with the addresses and secrets a preview must never show.

use serde_json::{json, Value};

/// Addresses and secrets planted in the samples; no preview may show one.
pub const PLANTED: [&str; 12] = [
    "10.1.2.3",
    "192.168.7.9",
    "203.0.113.9",
    "2001:db8::42",
    "fd00::9",
    "NNSXS.",
    "00112233445566778899AABBCCDDEEFF",
    "ABEiM0RVZneImaq7zN3u/w==",
    "c2VjcmV0LWtleS1lbnZlbG9wZQ==",
    "TOKENIDOFTHECALLER",
    "8.8.4.4",
    "172.16.0.5",
];

/// A key envelope as TTS writes it (never to be read).
fn envelope() -> Value {
    json!({"key": "00112233445566778899AABBCCDDEEFF", "encrypted_key": "c2VjcmV0LWtleS1lbnZlbG9wZQ==", "kek_label": "as"})
}

fn rx_metadata() -> Value {
    json!([
        {"gateway_ids": {"gateway_id": "gw-a", "eui": "AC1F09FFFE0512A7"}, "rssi": -101, "channel_rssi": -101, "snr": 2.5,
         "uplink_token": "ABEiM0RVZneImaq7zN3u/w==", "location": {"latitude": 52.1, "longitude": 4.2}},
        {"gateway_ids": {"gateway_id": "gw-b"}, "channel_rssi": -95, "snr": 6}
    ])
}

fn settings() -> Value {
    json!({"data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7, "coding_rate": "4/5"}}, "frequency": "868300000", "timestamp": 1})
}

fn uplink_message(join: bool) -> Value {
    let payload = if join {
        json!({"m_hdr": {"m_type": "JOIN_REQUEST"}, "mic": "XhyaOw==",
               "join_request_payload": {"join_eui": "70B3D57ED0000000", "dev_eui": "70B3D57ED0061A2C", "dev_nonce": "00A1"}})
    } else {
        json!({"m_hdr": {"m_type": "CONFIRMED_UP"}, "mic": "QKenRA==",
               "mac_payload": {"f_hdr": {"dev_addr": "260B1C4F", "f_ctrl": {"adr": true, "ack": true}, "f_cnt": 42, "f_opts": "Bg=="}, "f_port": 3, "frm_payload": "AQI=", "full_f_cnt": 42}})
    };
    json!({"raw_payload": "QE8cCyaAMwcC+SOZW2iZDUCnp0Q=", "payload": payload, "settings": settings(),
           "rx_metadata": rx_metadata(), "received_at": "2024-10-28T09:15:14Z", "consumed_airtime": "0.061696s"})
}

fn application_downlink(warnings: bool) -> Value {
    let mut down = json!({"session_key_id": "ABEiM0RVZneImaq7zN3u/w==", "f_port": 2, "f_cnt": 9, "frm_payload": "AQE=",
                          "decoded_payload": {"led": "on", "blink": [1, 2]}, "confirmed": true, "priority": "HIGH"});
    if warnings {
        down["decoded_payload_warnings"] = json!(["field `led` is deprecated; seen from 10.1.2.3"]);
    }
    down
}

fn application_uplink(warnings: bool) -> Value {
    let mut up = json!({"session_key_id": "ABEiM0RVZneImaq7zN3u/w==", "f_port": 1, "f_cnt": 77, "frm_payload": "AOYEGwMA+g==",
                        "decoded_payload": {"temperature": 21.5, "humidity": 48, "gps": {"lat": 52.1, "lon": 4.2}},
                        "rx_metadata": rx_metadata(), "settings": settings(), "consumed_airtime": "0.185344s"});
    if warnings {
        up["decoded_payload_warnings"] = json!(["humidity out of range"]);
        up["normalized_payload_warnings"] = json!(["no air object"]);
    }
    up
}

fn application_up(name: &str) -> Value {
    let ids = json!({"device_id": "dev-1", "application_ids": {"application_id": "app-1"}, "dev_eui": "70B3D57ED0061A2B", "join_eui": "70B3D57ED0000000", "dev_addr": "260B1C4F"});
    let inner = match name {
        n if n.contains(".ack.") => json!({"downlink_ack": application_downlink(false)}),
        n if n.contains(".nack.") => json!({"downlink_nack": application_downlink(false)}),
        n if n.contains(".sent.") => json!({"downlink_sent": application_downlink(false)}),
        n if n.contains(".failed.") => {
            json!({"downlink_failed": {"downlink": application_downlink(false), "error": {
            "namespace": "pkg/networkserver", "name": "gateway_unreachable", "message_format": "gateway at `{address}` unreachable",
            "attributes": {"address": "203.0.113.9:1700"}, "code": 14}}})
        }
        n if n.contains("queue.invalidated") => {
            json!({"downlink_queue_invalidated": {"downlinks": [application_downlink(false)], "last_f_cnt_down": 12, "session_key_id": "ABEiM0RVZneImaq7zN3u/w=="}})
        }
        n if n.contains("join") => {
            json!({"join_accept": {"session_key_id": "ABEiM0RVZneImaq7zN3u/w==", "app_s_key": envelope(), "received_at": "2024-10-28T09:14:09Z"}})
        }
        n if n.contains("location") => {
            json!({"location_solved": {"service": "lora-cloud-gls", "location": {"latitude": 52.37, "longitude": 4.89, "altitude": 3, "accuracy": 20, "source": "SOURCE_WIFI_RSSI_GEOLOCATION"}, "attributes": {"ip": "8.8.4.4"}}})
        }
        n if n.contains("normalized") => {
            json!({"uplink_normalized": {"f_port": 1, "f_cnt": 77, "normalized_payload": {"air": {"temperature": 21.5}}, "rx_metadata": rx_metadata(), "settings": settings(), "received_at": "2024-10-28T09:15:14Z"}})
        }
        n if n.contains("service") => {
            json!({"service_data": {"service": "lora-cloud-dms", "data": {"uplink": {"fcnt": 3}, "gateway": "172.16.0.5"}}})
        }
        _ => json!({"uplink_message": application_uplink(false)}),
    };
    let mut data = json!({"end_device_ids": ids, "correlation_ids": ["as:up:01"], "received_at": "2024-10-28T09:15:14Z"});
    if let (Some(d), Some(i)) = (data.as_object_mut(), inner.as_object()) {
        d.extend(i.clone());
    }
    data
}

fn downlink_message(name: &str) -> Value {
    if name == "gs.down.send" || name.contains("transmission") {
        return json!({"raw_payload": "oJw6CyYABwACOap0et5f", "scheduled": {"data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 9}},
            "frequency": "869525000", "downlink": {"tx_power": 27, "invert_polarization": true}}});
    }
    let payload = if name.contains("join") {
        json!({"m_hdr": {"m_type": "JOIN_ACCEPT"}, "join_accept_payload": {"join_nonce": "00002F", "net_id": "000013", "dev_addr": "260B7E21", "dl_settings": {"rx2_dr": 3}, "rx_delay": 5}})
    } else {
        json!({"m_hdr": {"m_type": "UNCONFIRMED_DOWN"}, "mac_payload": {"f_hdr": {"dev_addr": "260B3A9C", "f_ctrl": {"ack": true}, "f_cnt": 8}, "f_port": 2, "frm_payload": "Oao=", "full_f_cnt": 8}})
    };
    json!({"raw_payload": "oJw6CyYABwACOap0et5f", "payload": payload, "session_key_id": "ABEiM0RVZneImaq7zN3u/w==",
           "request": {"class": "CLASS_C", "downlink_paths": [{"uplink_token": "ABEiM0RVZneImaq7zN3u/w=="}], "rx1_delay": 1,
                       "rx1_data_rate": {"lora": {"bandwidth": 125000, "spreading_factor": 7}}, "rx1_frequency": "868500000",
                       "rx2_data_rate": {"fsk": {"bit_rate": 50000}}, "rx2_frequency": "868800000", "priority": "NORMAL"}})
}

/// A MAC command payload per command name (fields from lorawan.proto).
fn mac_command(command: &str) -> Value {
    let mask: Vec<bool> = (0..16).map(|i| i < 8).collect();
    match command {
        "LinkADRReq" => {
            json!({"data_rate_index": 5, "tx_power_index": 1, "channel_mask": mask, "nb_trans": 1})
        }
        "LinkADRAns" => json!({"channel_mask_ack": true, "data_rate_index_ack": true}),
        "LinkCheckAns" => json!({"margin": 12, "gateway_count": 2}),
        "DutyCycleReq" => json!({"max_duty_cycle": "DUTY_CYCLE_128"}),
        "RxParamSetupReq" => {
            json!({"rx2_data_rate_index": 3, "rx1_data_rate_offset": 1, "rx2_frequency": "869525000"})
        }
        "RxParamSetupAns" => json!({"rx2_data_rate_index_ack": true, "rx2_frequency_ack": true}),
        "DevStatusAns" => json!({"battery": 200, "margin": 7}),
        "NewChannelReq" => {
            json!({"channel_index": 3, "frequency": "867100000", "max_data_rate_index": 5})
        }
        "DLChannelReq" => json!({"channel_index": 3, "frequency": "868900000"}),
        "RxTimingSetupReq" => json!({"delay": 5}),
        "TxParamSetupReq" => json!({"max_eirp_index": "DEVICE_EIRP_16", "uplink_dwell_time": true}),
        "RekeyInd" | "RekeyConf" | "ResetInd" | "ResetConf" => json!({"minor_version": "MINOR_1"}),
        "ADRParamSetupReq" => {
            json!({"adr_ack_limit_exponent": "ADR_ACK_LIMIT_64", "adr_ack_delay_exponent": "ADR_ACK_DELAY_32"})
        }
        "RejoinParamSetupReq" => {
            json!({"max_count_exponent": "REJOIN_COUNT_16", "max_time_exponent": "REJOIN_TIME_3"})
        }
        "RejoinParamSetupAns" => json!({"max_time_exponent_ack": true}),
        "PingSlotInfoReq" => json!({"period": "PING_EVERY_8S"}),
        "PingSlotChannelReq" => json!({"frequency": "869525000", "data_rate_index": 3}),
        "BeaconFreqReq" => json!({"frequency": "869525000"}),
        "DeviceModeInd" | "DeviceModeConf" => json!({"class": "CLASS_C"}),
        "RelayConfReq" => {
            json!({"configuration": {"second_channel": {"frequency": "868100000", "ack_offset": "RELAY_SECOND_CH_ACK_OFFSET_200", "data_rate_index": 3}, "default_channel_index": 1, "cad_periodicity": "RELAY_CAD_PERIODICITY_1_SECOND"}})
        }
        "RelayEndDeviceConfReq" => {
            json!({"configuration": {"always": {}, "backoff": 4, "serving_device_id": "relay-1"}})
        }
        "RelayUpdateUplinkListReq" => {
            json!({"rule_index": 1, "forward_limits": {"bucket_size": "RELAY_LIMIT_BUCKET_SIZE_2", "reload_rate": 4},
            "dev_addr": "260B1234", "w_f_cnt": 3, "root_wor_s_key": "00112233445566778899AABBCCDDEEFF", "device_id": "relayed-1", "session_key_id": "ABEiM0RVZneImaq7zN3u/w=="})
        }
        "RelayCtrlUplinkListReq" => {
            json!({"rule_index": 2, "action": "RELAY_CTRL_UPLINK_LIST_ACTION_READ_W_F_CNT"})
        }
        "RelayCtrlUplinkListAns" => json!({"rule_index_ack": true, "w_f_cnt": 12}),
        "RelayConfigureFwdLimitReq" => {
            json!({"reset_limit_counter": "RELAY_RESET_LIMIT_COUNTER_ZERO", "join_request_limits": {"bucket_size": "RELAY_LIMIT_BUCKET_SIZE_4", "reload_rate": 10}})
        }
        "NewChannelAns" => json!({"frequency_ack": true, "data_rate_ack": true}),
        "DLChannelAns" => json!({"channel_index_ack": true, "frequency_ack": true}),
        "PingSlotChannelAns" => json!({"frequency_ack": true}),
        "BeaconFreqAns" => json!({"frequency_ack": true}),
        "RelayConfAns" => {
            json!({"second_channel_frequency_ack": true, "second_channel_ack_offset_ack": true,
            "second_channel_data_rate_index_ack": true, "second_channel_index_ack": true, "cad_periodicity_ack": true})
        }
        "RelayEndDeviceConfAns" => {
            json!({"second_channel_frequency_ack": true, "backoff_ack": true})
        }
        // `RelayUpdateUplinkListAns`, `RelayConfigureFwdLimitAns`: empty messages.
        _ => json!({}),
    }
}

fn managed(type_name: &str) -> Value {
    let interface = json!({"status": "MANAGED_GATEWAY_NETWORK_INTERFACE_STATUS_UP", "dhcp_enabled": true,
        "addresses": {"ip_addresses": ["192.168.7.9", "fd00::9"], "subnet_mask": "255.255.255.0", "gateway": "192.168.7.1", "dns_servers": ["8.8.4.4"]}});
    match type_name {
        "ManagedGatewayCellularBackhaul" => {
            json!({"network_interface": interface, "operator": "KPN", "rssi": -71})
        }
        "ManagedGatewayWiFiBackhaul" => {
            json!({"network_interface": interface, "ssid": "farm-wifi", "bssid": "DEADBEEF0001", "channel": 6, "authentication_mode": "WPA2", "rssi": {"value": -60}})
        }
        "ManagedGatewayEthernetBackhaul" => json!({"network_interface": interface}),
        "ManagedGatewayControllerConnection" => {
            json!({"network_interface_type": "MANAGED_GATEWAY_NETWORK_INTERFACE_TYPE_CELLULAR"})
        }
        "ManagedGatewayGatewayServerConnection" => {
            json!({"network_interface_type": "MANAGED_GATEWAY_NETWORK_INTERFACE_TYPE_WIFI", "address": "203.0.113.9:8887"})
        }
        "ManagedGatewaySystemStatus" => json!({"cpu_temperature": 54.5}),
        _ => {
            json!({"ids": {"gateway_id": "managed-gw"}, "version_ids": {"brand_id": "tti", "model_id": "tti-gateway", "firmware_version": "1.2.3.4"},
                    "cellular_imei": "356938035643809", "wifi_mac_address": "DEADBEEF0001", "wifi_profile_id": "0c7f3b34-6b1a-4b56-9d5b-8f0b7e9d1a2c"})
        }
    }
}

/// `data` of an event `name` whose catalogue data type is `data_type`
/// (`type.googleapis.com/…`, possibly with a parenthesised note).
pub fn data_for(name: &str, data_type: &str) -> Value {
    let url = data_type.split(' ').next().unwrap_or(data_type);
    let short = url
        .rsplit('/')
        .next()
        .unwrap_or(url)
        .trim_start_matches("ttn.lorawan.v3.");
    let mut data = match short {
        "ErrorDetails" => {
            json!({"namespace": "pkg/gatewayserver/io/udp", "name": "rate_exceeded", "message_format": "rate exceeded for `{remote}`",
            "attributes": {"remote": "10.1.2.3:1700"}, "correlation_id": "8c1b", "code": 8,
            "cause": {"namespace": "pkg/x", "name": "y", "message_format": "dial tcp [2001:db8::42]:1883: refused"}})
        }
        "ApplicationUp" => application_up(name),
        "ApplicationUplink" => application_uplink(true),
        "ApplicationDownlink" => application_downlink(name.contains("warning")),
        "UplinkMessage" => uplink_message(name.contains("join")),
        "GatewayUplinkMessage" => {
            json!({"message": uplink_message(false), "band_id": "EU_863_870"})
        }
        "DownlinkMessage" => downlink_message(name),
        "TxAcknowledgment" => {
            json!({"result": "TOO_EARLY", "downlink_message": downlink_message("gs.down.send")})
        }
        "ScheduleDownlinkResponse" => json!({"delay": "1.5s", "rx2": true}),
        "JoinRequest" => {
            json!({"raw_payload": "AAAAAAAAAAAALBoG0H7Vs3CnAV4cmjs=", "payload": uplink_message(true)["payload"].clone(),
            "dev_addr": "260B7E21", "selected_mac_version": "MAC_V1_1", "net_id": "000013", "downlink_settings": {"rx2_dr": 3}, "rx_delay": 5})
        }
        "JoinResponse" => {
            json!({"raw_payload": "IJqOXgfFVCwQBxk7LLHkTUWyvsYm42YuNPWWoR+Yeii9", "lifetime": "86400s",
            "session_keys": {"session_key_id": "ABEiM0RVZneImaq7zN3u/w==", "f_nwk_s_int_key": envelope(), "app_s_key": envelope()}})
        }
        "GatewayConnectionStats" if name.contains("connect") && !name.contains("stats") => {
            json!({"connected_at": "2024-10-28T09:14:01Z", "protocol": "mqtt", "gateway_remote_address": {"ip": "192.168.7.9"}})
        }
        "GatewayConnectionStats" => {
            json!({"connected_at": "2024-10-28T09:00:00Z", "protocol": "ws", "uplink_count": "12", "downlink_count": "3",
            "last_status": {"ip": ["203.0.113.9"], "versions": {"firmware": "1.0.2.3"}}, "round_trip_times": {"min": "0.02s", "max": "0.1s", "median": "0.04s", "count": 5},
            "last_uplink_received_at": "2024-10-28T09:59:58Z", "gateway_remote_address": {"ip": "2001:db8::42"}})
        }
        "GatewayStatus" => {
            json!({"time": "2024-10-28T10:00:00Z", "boot_time": "2024-10-27T10:00:00Z", "versions": {"firmware": "4.0.1.2", "ttn-lw-gateway-server": "3.32.1"},
            "ip": ["10.1.2.3", "203.0.113.9"], "metrics": {"rxin": 12, "rxok": 11, "txin": 2, "txok": 2, "lmnw": 1}, "antenna_locations": [{"latitude": 52.1, "longitude": 4.2, "altitude": 10}]})
        }
        "GatewayIdentifiers" => json!({"gateway_id": "rooftop-gw-01", "eui": "AC1F09FFFE0512A7"}),
        "GatewayIdentifiersList" => {
            json!({"gateway_ids": [{"gateway_id": "gw-1"}, {"gateway_id": "gw-2"}]})
        }
        "EndDeviceIdentifiersList" => {
            json!({"end_device_ids": [{"device_id": "dev-1", "application_ids": {"application_id": "app-1"}}, {"device_id": "dev-2"}, {"device_id": "dev-3"}, {"device_id": "dev-4"}]})
        }
        "Location" => {
            json!({"latitude": 52.37, "longitude": 4.89, "altitude": 5, "accuracy": 15, "source": "SOURCE_GPS"})
        }
        "Notification" => {
            json!({"id": "3f1c", "created_at": "2024-10-28T09:00:00Z", "entity_ids": {"application_ids": {"application_id": "app-1"}},
            "notification_type": "api_key_created", "data": {"@type": "type.googleapis.com/ttn.lorawan.v3.APIKey", "key": format!("NNSXS.{}.{}", "A".repeat(32), "B".repeat(40))},
            "sender_ids": {"user_id": "alice"}, "receivers": ["NOTIFICATION_RECEIVER_COLLABORATOR"], "email": true})
        }
        "UpdateNotificationStatusRequest" => {
            json!({"receiver_ids": {"user_id": "alice"}, "ids": ["3f1c", "3f1d"], "status": "NOTIFICATION_STATUS_ARCHIVED"})
        }
        "MACCommands" => {
            json!({"commands": [{"cid": "CID_LINK_ADR", "link_adr_req": mac_command("LinkADRReq")}, {"cid": "CID_DEV_STATUS"}]})
        }
        "MACCommand" => json!({"cid": 99, "raw_payload": "AQI="}),
        t if t.starts_with("MACCommand.") => mac_command(&t["MACCommand.".len()..]),
        "ALCSyncCommand.AppTimeReq" => {
            json!({"DeviceTime": "2024-10-28T09:00:00Z", "TokenReq": 3, "AnsRequired": true})
        }
        "ALCSyncCommand.AppTimeAns" => json!({"TimeCorrection": -2, "TokenAns": 3}),
        t if t.starts_with("ManagedGateway") => managed(t),
        "google.protobuf.Value" if data_type.contains("number") => json!({"value": 6}),
        "google.protobuf.Value" => json!({"value": ["name", "description", "attributes"]}),
        other => panic!("no sample for {other} ({name})"),
    };
    data["@type"] = json!(url);
    data
}
