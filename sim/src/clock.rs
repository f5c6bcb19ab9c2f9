//! Wall-clock time as integer nanoseconds since the Unix epoch, and its RFC 3339 rendering.
//!
//! Exists because TTS writes timestamps with 0, 3, 6 or 9 fraction digits (jsonplugin `WriteTime`
//! trims whole `000` groups) and the simulator must reproduce that exactly without a date crate.
//! It must never panic on a malformed timestamp: parsing returns `None`.

use std::time::{SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch (UTC).
pub type Nanos = i64;

/// The current wall-clock time.
pub fn now() -> Nanos {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// Days since 1970-01-01 to (year, month, day) — Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01 — Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Renders `t` as RFC 3339 UTC with 0, 3, 6 or 9 fraction digits, like TTS.
pub fn format_rfc3339(t: Nanos) -> String {
    let secs = t.div_euclid(1_000_000_000);
    let nanos = t.rem_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    let mut s = format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    );
    if nanos != 0 {
        if nanos % 1_000_000 == 0 {
            s.push_str(&format!(".{:03}", nanos / 1_000_000));
        } else if nanos % 1_000 == 0 {
            s.push_str(&format!(".{:06}", nanos / 1_000));
        } else {
            s.push_str(&format!(".{nanos:09}"));
        }
    }
    s.push('Z');
    s
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an RFC 3339 timestamp (`Z` or `±hh:mm` offset, optional fraction up to 9 digits).
pub fn parse_rfc3339(s: &str) -> Option<Nanos> {
    let b = s.as_bytes();
    if b.len() < 20 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let y = num(s.get(0..4)?)?;
    let mo = u32::try_from(num(s.get(5..7)?)?).ok()?;
    let d = u32::try_from(num(s.get(8..10)?)?).ok()?;
    let h = num(s.get(11..13)?)?;
    let mi = num(s.get(14..16)?)?;
    let se = num(s.get(17..19)?)?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut frac: i64 = 0;
    if let Some(r) = rest.strip_prefix('.') {
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let f = num(r.get(..digits)?)?;
        frac = f * 10_i64.pow(9 - digits as u32);
        rest = r.get(digits..)?;
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes().get(3) != Some(&b':') {
                return None;
            }
            sign * (num(rest.get(1..3)?)? * 3600 + num(rest.get(4..6)?)? * 60)
        }
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset;
    secs.checked_mul(1_000_000_000)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_fraction_groups() {
        let base = parse_rfc3339("2024-10-28T09:14:02Z").unwrap_or_default();
        assert_eq!(format_rfc3339(base), "2024-10-28T09:14:02Z");
        assert_eq!(format_rfc3339(base + 5_000_000), "2024-10-28T09:14:02.005Z");
        assert_eq!(format_rfc3339(base + 5_000), "2024-10-28T09:14:02.000005Z");
        assert_eq!(
            format_rfc3339(base + 226_152),
            "2024-10-28T09:14:02.000226152Z"
        );
    }

    #[test]
    fn parses_offsets_and_rejects_garbage() {
        let a = parse_rfc3339("2024-10-28T10:00:00+01:00");
        assert_eq!(a, parse_rfc3339("2024-10-28T09:00:00Z"));
        assert_eq!(
            parse_rfc3339("2024-10-28T09:14:02.000226152Z")
                .map(format_rfc3339)
                .as_deref(),
            Some("2024-10-28T09:14:02.000226152Z")
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339("2024-13-28T09:00:00Z"), None);
    }
}
