//! Byte fields in the JSON tree: which members hold bytes (by their key, as
//! The Things Stack's protos declare them) and the same bytes in the views a
//! LoRaWAN developer pastes elsewhere — hex, base64, hex with the byte order
//! reversed (LSB, for firmware that stores EUIs little-endian) and a C array.
//!
//! Why: TTS writes `bytes` as base64 (`frm_payload`, `raw_payload`,
//! `session_key_id`) but EUIs, DevAddr and nonces as upper-case hex; neither
//! is what a firmware header wants. Pure; never panics; a value that does
//! not decode as its key says is not bytes (`None`). Root and session keys
//! are deliberately not offered here: the tree must not help copy a secret.

use crate::tts::preview::{decode_base64, decode_hex, encode_base64, encode_hex};

/// How to show a byte field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ByteView {
    /// `70B3D57ED0061A2B` (most significant byte first, as TTS writes EUIs).
    #[default]
    Hex,
    /// `cLPVftAGGis=` (as TTS writes payloads).
    Base64,
    /// `2B1A06D07ED5B370`: the byte order reversed.
    HexLsb,
    /// `{0x70, 0xB3, 0xD5}`.
    CArray,
}

impl ByteView {
    /// Every view, in the order a toggle cycles through them.
    pub const ALL: [ByteView; 4] = [
        ByteView::Hex,
        ByteView::Base64,
        ByteView::HexLsb,
        ByteView::CArray,
    ];

    /// A short name for the toggle: `hex`, `base64`, `LSB`, `C`.
    pub const fn name(self) -> &'static str {
        match self {
            ByteView::Hex => "hex",
            ByteView::Base64 => "base64",
            ByteView::HexLsb => "LSB",
            ByteView::CArray => "C",
        }
    }

    /// The view after this one (the last wraps to the first).
    pub const fn next(self) -> ByteView {
        match self {
            ByteView::Hex => ByteView::Base64,
            ByteView::Base64 => ByteView::HexLsb,
            ByteView::HexLsb => ByteView::CArray,
            ByteView::CArray => ByteView::Hex,
        }
    }
}

/// How a member's bytes are written, and how many there must be when fixed.
enum Written {
    Hex(usize),
    Base64(Option<usize>),
}

/// The encoding of a member by its key (`bytes` fields of the TTS protos).
fn written(key: &str) -> Option<Written> {
    Some(match key {
        "dev_eui"
        | "join_eui"
        | "eui"
        | "gateway_eui"
        | "start_dev_eui"
        | "forwarder_gateway_eui"
        | "ns_id"
        | "home_ns_id" => Written::Hex(8),
        "dev_addr" | "pending_dev_addr" => Written::Hex(4),
        "net_id" | "home_net_id" | "home_network_net_id" | "forwarder_net_id" | "join_nonce" => {
            Written::Hex(3)
        }
        "dev_nonce" => Written::Hex(2),
        "wifi_mac_address" | "ethernet_mac_address" | "bssid" => Written::Hex(6),
        "mic" => Written::Base64(Some(4)),
        "frm_payload"
        | "raw_payload"
        | "payload"
        | "data"
        | "f_opts"
        | "session_key_id"
        | "pending_session_key_id"
        | "uplink_token"
        | "encrypted"
        | "encrypted_key"
        | "encrypted_fine_timestamp"
        | "nonce"
        | "checksum"
        | "authentication_code"
        | "ciphertext"
        | "contents"
        | "provisioning_data"
        | "qr_code" => Written::Base64(None),
        _ => return None,
    })
}

/// The bytes a JSON member holds, judged by its key and value: base64 payload
/// fields (`frm_payload`, `raw_payload`, `payload`, `data`, `session_key_id`, …)
/// and hex EUIs, DevAddr, NetID and nonces (`dev_eui`, `join_eui`, `eui`,
/// `dev_addr`, …). A hex field some server wrote as base64 (or a base64 MIC
/// written as hex) is read either way when the length fits. `None` when the
/// key is not a byte field, the value is empty, or it does not decode.
pub fn bytes_of(key: &str, value: &str) -> Option<Vec<u8>> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let fits = |bytes: &Vec<u8>, len: Option<usize>| len.is_none_or(|n| bytes.len() == n);
    match written(key)? {
        Written::Hex(len) => decode_hex(value)
            .filter(|b| b.len() == len)
            .or_else(|| decode_base64(value).filter(|b| fits(b, Some(len)))),
        Written::Base64(len) => decode_base64(value)
            .filter(|b| fits(b, len))
            .or_else(|| len.and_then(|n| decode_hex(value).filter(|b| b.len() == n))),
    }
}

/// The bytes in a view.
pub fn render(bytes: &[u8], view: ByteView) -> String {
    match view {
        ByteView::Hex => encode_hex(bytes),
        ByteView::Base64 => encode_base64(bytes),
        ByteView::HexLsb => {
            let reversed: Vec<u8> = bytes.iter().rev().copied().collect();
            encode_hex(&reversed)
        }
        ByteView::CArray => {
            let items: Vec<String> = bytes.iter().map(|b| format!("0x{b:02X}")).collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euis_and_payloads_are_bytes_by_their_key() {
        assert_eq!(
            bytes_of("dev_eui", "70B3D57ED0061A2B"),
            Some(vec![0x70, 0xB3, 0xD5, 0x7E, 0xD0, 0x06, 0x1A, 0x2B])
        );
        assert_eq!(
            bytes_of("dev_addr", "260b1c4f"),
            Some(vec![0x26, 0x0B, 0x1C, 0x4F])
        );
        assert_eq!(
            bytes_of("frm_payload", "AQzkAh8DOA=="),
            Some(vec![1, 12, 228, 2, 31, 3, 56])
        );
        assert_eq!(bytes_of("payload", "AQE="), Some(vec![1, 1]));
        assert_eq!(
            bytes_of("mic", "XhyaOw=="),
            Some(vec![0x5E, 0x1C, 0x9A, 0x3B])
        );
        assert_eq!(
            bytes_of("mic", "5E1C9A3B"),
            Some(vec![0x5E, 0x1C, 0x9A, 0x3B])
        );
        assert_eq!(
            bytes_of("session_key_id", "c9hChQTji4QZmHa2dLvaSQ==").map(|b| b.len()),
            Some(16)
        );
    }

    #[test]
    fn hex_fields_written_as_base64_are_read_when_the_length_fits() {
        // `JoinRequest.dev_addr` and `net_id` as base64 (API.md §2.4).
        assert_eq!(
            bytes_of("dev_addr", "Jgt+IQ=="),
            Some(vec![0x26, 0x0B, 0x7E, 0x21])
        );
        assert_eq!(bytes_of("net_id", "AAAT"), Some(vec![0, 0, 0x13]));
    }

    #[test]
    fn wrong_input_is_not_bytes() {
        assert_eq!(
            bytes_of("dev_eui", "70B3D57E"),
            None,
            "too short for an EUI"
        );
        assert_eq!(bytes_of("dev_eui", "not an eui at all"), None);
        assert_eq!(bytes_of("frm_payload", "not base64!"), None);
        assert_eq!(bytes_of("frm_payload", ""), None);
        assert_eq!(
            bytes_of("device_id", "70B3D57ED0061A2B"),
            None,
            "not a byte field"
        );
        assert_eq!(
            bytes_of("app_key", "00112233445566778899AABBCCDDEEFF"),
            None,
            "keys are not offered"
        );
        assert_eq!(bytes_of("mic", "AQE="), None, "a MIC has 4 bytes");
    }

    #[test]
    fn every_view_round_trips() {
        let bytes = vec![0x70, 0xB3, 0xD5, 0x7E, 0x00, 0xFF];
        assert_eq!(render(&bytes, ByteView::Hex), "70B3D57E00FF");
        assert_eq!(render(&bytes, ByteView::HexLsb), "FF007ED5B370");
        assert_eq!(
            render(&bytes, ByteView::CArray),
            "{0x70, 0xB3, 0xD5, 0x7E, 0x00, 0xFF}"
        );
        assert_eq!(render(&[], ByteView::CArray), "{}");
        let base64 = render(&bytes, ByteView::Base64);
        assert_eq!(bytes_of("frm_payload", &base64), Some(bytes.clone()));
        let hex = render(&bytes, ByteView::Hex);
        assert_eq!(bytes_of("bssid", &hex), Some(bytes.clone()));
        let mut view = ByteView::Hex;
        for _ in 0..ByteView::ALL.len() {
            view = view.next();
        }
        assert_eq!(view, ByteView::Hex);
    }
}
