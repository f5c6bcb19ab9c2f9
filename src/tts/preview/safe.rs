//! What a preview may never show: IP addresses (of gateways, of callers, in
//! error messages) and The Things Stack keys or tokens. Addresses become
//! their category (`private network`, `public address`, …), which is what a
//! person debugging a connection needs; keys become `(redacted)`.
//!
//! Why: rows are on screen, in screenshots and in shared captures. Every
//! fact passes through [`scrub`] before it leaves the preview, so no single
//! preview file has to remember. Pure; never panics.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::tts::sensitive::{address_runs, key_spans};

/// The kind of network an address belongs to, for people.
pub fn category(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(v4) => v4_category(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_category(v4);
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                "loopback"
            } else if v6.is_unspecified() {
                "unspecified address"
            } else if first & 0xfe00 == 0xfc00 {
                "private network"
            } else if first & 0xffc0 == 0xfe80 {
                "link-local"
            } else if v6.is_multicast() {
                "multicast"
            } else {
                "public address"
            }
        }
    }
}

fn v4_category(ip: Ipv4Addr) -> &'static str {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        "loopback"
    } else if ip.is_private() {
        "private network"
    } else if ip.is_link_local() {
        "link-local"
    } else if a == 100 && (64..128).contains(&b) {
        "carrier-grade NAT"
    } else if ip.is_unspecified() {
        "unspecified address"
    } else if ip.is_multicast() || ip.is_broadcast() {
        "multicast"
    } else {
        // Documentation ranges (192.0.2.0/24, …) stand for public addresses in examples.
        "public address"
    }
}

/// The address in `text` (`1.2.3.4`, `1.2.3.4:1700`, `[::1]:80`, `fe80::1%eth0`), if it is one.
pub fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if text.len() < 2 || text.len() > 64 {
        return None;
    }
    let unzoned = |t: &str| t.split('%').next().unwrap_or(t).parse::<IpAddr>().ok();
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| unzoned(text))
        .or_else(|| {
            let inner = text.strip_prefix('[')?.split(']').next()?;
            unzoned(inner)
        })
        .or_else(|| {
            // `1.2.3.4:1700` is a SocketAddr; `fe80::1%eth0:1700` is not worth more care.
            let (host, port) = text.rsplit_once(':')?;
            port.parse::<u16>().ok()?;
            host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
        })
}

/// Whether `ip` is IPv6 text that is really just `::` (an empty-looking token).
fn is_trivial(token: &str, ip: IpAddr) -> bool {
    token.len() < 3 && ip == IpAddr::V6(Ipv6Addr::UNSPECIFIED)
}

/// `text` with every IP address replaced by `(its category)` (unless
/// `versions`: then `1.2.3.4` is a firmware version, left alone) and every
/// key or token by `(redacted)`.
pub fn scrub(text: &str, versions: bool) -> String {
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for (start, end) in address_runs(text) {
        let token = text.get(start..end).unwrap_or_default();
        if let Some(ip) = parse_ip(token).filter(|ip| !is_trivial(token, *ip)) {
            if !(versions && ip.is_ipv4()) {
                spans.push((start, end, format!("({})", category(ip))));
            }
        }
    }
    for (start, end) in key_spans(text) {
        spans.push((start, end, "(redacted)".into()));
    }
    if spans.is_empty() {
        return text.to_owned();
    }
    crate::sort::sort_by_key(&mut spans, |s| s.0);
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (start, end, replacement) in spans {
        if start < from {
            continue;
        }
        out.push_str(text.get(from..start).unwrap_or_default());
        out.push_str(&replacement);
        from = end;
    }
    out.push_str(text.get(from..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_their_category() {
        assert_eq!(
            scrub("dial tcp 10.1.2.3:1700: connection refused", false),
            "dial tcp (private network): connection refused"
        );
        assert_eq!(scrub("from 203.0.113.17", false), "from (public address)");
        assert_eq!(
            scrub("[::1]:80 and fe80::1%eth0", false),
            "(loopback) and (link-local)"
        );
        assert_eq!(
            scrub("peer 2001:db8::7 gone", false),
            "peer (public address) gone"
        );
        assert_eq!(scrub("100.64.1.1", false), "(carrier-grade NAT)");
    }

    #[test]
    fn times_versions_and_hex_are_not_addresses() {
        for text in [
            "09:14:03",
            "AC1F09FFFE0512A7",
            "2.0.5",
            "a :: b",
            "DE:AD:BE:EF:00:01",
            "1.5",
        ] {
            assert_eq!(scrub(text, false), text);
        }
        assert_eq!(scrub("4.0.1.2", true), "4.0.1.2");
        assert_eq!(scrub("4.0.1.2", false), "(public address)");
    }

    #[test]
    fn keys_and_tokens_are_redacted() {
        // TTS's shape, built here so no key-shaped literal is committed.
        let key = format!("NNSXS.{}.{}", "A".repeat(32), "B".repeat(36));
        assert_eq!(scrub(&format!("key {key}."), false), "key (redacted).");
        assert_eq!(scrub("t eyJhbGciOi.eyJzdWIi.sig", false), "t (redacted)");
    }

    #[test]
    fn categories_cover_the_usual_networks() {
        let cat = |s: &str| parse_ip(s).map(category);
        assert_eq!(cat("192.168.1.20"), Some("private network"));
        assert_eq!(cat("127.0.0.1"), Some("loopback"));
        assert_eq!(cat("169.254.0.1"), Some("link-local"));
        assert_eq!(cat("fd00::1"), Some("private network"));
        assert_eq!(cat("::ffff:10.0.0.1"), Some("private network"));
        assert_eq!(cat("8.8.8.8:53"), Some("public address"));
        assert_eq!(cat("gateway.example.com"), None);
    }
}
