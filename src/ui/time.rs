//! How times are shown: UTC or the browser's local zone, millisecond
//! precision, everywhere (rows, lane headers, the JSON tree).

use crate::tts::Timestamp;

/// `("2024-10-28", "10:02:11.518")` for `ts` shifted by `offset_minutes` east of UTC.
pub fn clock_parts(ts: Timestamp, offset_minutes: i32) -> (String, String) {
    let shifted = Timestamp::from_unix_nanos(
        ts.unix_nanos()
            .saturating_add(i64::from(offset_minutes) * 60_000_000_000),
    );
    let text = shifted.to_rfc3339_millis();
    let date = text.get(..10).unwrap_or_default().to_owned();
    let time = text.get(11..23).unwrap_or_default().to_owned();
    (date, time)
}

/// Minutes east of UTC of the browser's zone at `ts` (0 outside a browser).
pub fn local_offset_minutes(ts: Timestamp) -> i32 {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = ts.unix_millis() as f64;
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
        -(date.get_timezone_offset() as i32)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = ts;
        0
    }
}

/// The zone suffix shown next to times.
pub fn zone_label(utc: bool, offset_minutes: i32) -> String {
    if utc {
        return "UTC".into();
    }
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Date and time of `ts` in the chosen zone.
pub fn display(ts: Timestamp, utc: bool) -> (String, String) {
    let offset = if utc { 0 } else { local_offset_minutes(ts) };
    clock_parts(ts, offset)
}

/// A raw RFC 3339 string from an event's JSON, shown in the chosen zone
/// (`None` when it is not a timestamp or UTC is chosen and it is already UTC).
pub fn display_raw(raw: &str, utc: bool) -> Option<String> {
    let ts = Timestamp::parse(raw).ok()?;
    let (date, time) = display(ts, utc);
    let offset = if utc { 0 } else { local_offset_minutes(ts) };
    Some(format!("{date} {time} {}", zone_label(utc, offset)))
}

/// The time since the previous event of a list: `+0 ms`, `+120 ms`,
/// `+1.25 s`, `+2 min 05 s`, `+3 h 20 min`; `first` for a list's oldest row.
pub fn since(previous: Option<Timestamp>, ts: Timestamp) -> String {
    let Some(previous) = previous else {
        return "first".into();
    };
    let ns = ts.unix_nanos().saturating_sub(previous.unix_nanos()).max(0);
    let ms = ns / 1_000_000;
    match ms {
        0..=999 => format!("+{ms} ms"),
        1_000..=59_999 => {
            let s = ms as f64 / 1000.0;
            if s < 10.0 {
                format!("+{s:.2} s")
            } else {
                format!("+{s:.1} s")
            }
        }
        60_000..=3_599_999 => format!("+{} min {:02} s", ms / 60_000, (ms / 1000) % 60),
        _ => format!("+{} h {:02} min", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

/// The full time, as the tooltip gives it: RFC 3339 with every fraction digit
/// TTS sent (nanoseconds), in UTC.
pub fn full(ts: Timestamp) -> String {
    ts.to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_milliseconds_in_the_chosen_offset() {
        let ts = Timestamp::parse("2024-10-28T23:30:00.123456789Z").unwrap();
        assert_eq!(
            clock_parts(ts, 0),
            ("2024-10-28".into(), "23:30:00.123".into())
        );
        assert_eq!(
            clock_parts(ts, 60),
            ("2024-10-29".into(), "00:30:00.123".into())
        );
        assert_eq!(
            clock_parts(ts, -330),
            ("2024-10-28".into(), "18:00:00.123".into())
        );
        assert_eq!(zone_label(false, -330), "UTC-05:30");
        let t = |s: &str| Timestamp::parse(s).unwrap();
        let at = t("2024-10-28T10:00:00Z");
        assert_eq!(since(None, at), "first");
        assert_eq!(since(Some(at), t("2024-10-28T10:00:00.120Z")), "+120 ms");
        assert_eq!(since(Some(at), t("2024-10-28T10:00:01.25Z")), "+1.25 s");
        assert_eq!(since(Some(at), t("2024-10-28T10:02:05Z")), "+2 min 05 s");
        assert_eq!(since(Some(at), t("2024-10-28T13:20:00Z")), "+3 h 20 min");
        assert_eq!(
            since(Some(t("2024-10-28T10:00:01Z")), at),
            "+0 ms",
            "late events never show a negative gap"
        );
        assert_eq!(
            full(t("2024-10-28T10:02:40.104776123Z")),
            "2024-10-28T10:02:40.104776123Z"
        );
        assert_eq!(zone_label(true, 120), "UTC");
    }

    #[test]
    fn raw_json_timestamps_are_reformatted() {
        assert_eq!(
            display_raw("2024-10-28T09:15:14.612090077Z", true).as_deref(),
            Some("2024-10-28 09:15:14.612 UTC")
        );
        assert_eq!(display_raw("soil-node-01", true), None);
    }
}
