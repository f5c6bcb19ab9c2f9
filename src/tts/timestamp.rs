//! `Timestamp`: an instant as integer nanoseconds since the Unix epoch, parsed
//! from RFC 3339 and formatted back to it.
//!
//! Why: TTS writes event times with 0, 3, 6 or 9 fraction digits, so RFC 3339
//! strings do not sort as text; the timeline orders by integers instead. This
//! module must never read the clock ("now" is always a parameter elsewhere)
//! and never compare strings.
//!
//! Grammar accepted (RFC 3339 §5.6, with 0–9 fraction digits):
//!
//! ```text
//! date-time = full-date ("T" / "t" / " ") full-time
//! full-date = 4DIGIT "-" 2DIGIT "-" 2DIGIT
//! full-time = 2DIGIT ":" 2DIGIT ":" 2DIGIT ["." 1*9DIGIT] ("Z" / "z" / ("+" / "-") 2DIGIT ":" 2DIGIT)
//! ```

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// An instant: nanoseconds since 1970-01-01T00:00:00Z. Covers 1677–2262.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

/// Why a string is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampError {
    /// The text does not have the `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` shape.
    Syntax {
        input: String,
        expected: &'static str,
    },
    /// A field is out of its range (month 13, 31 April, hour 24, …).
    Range { input: String, field: &'static str },
    /// A valid date that nanoseconds since 1970 in 64 bits cannot hold.
    OutOfRange { input: String },
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimestampError::Syntax { input, expected } => write!(
                f,
                "`{input}` is not an RFC 3339 time like 2024-10-28T09:00:00Z: expected {expected}"
            ),
            TimestampError::Range { input, field } => {
                write!(f, "`{input}` has an impossible {field}")
            }
            TimestampError::OutOfRange { input } => {
                write!(f, "`{input}` is outside the supported years 1678–2261")
            }
        }
    }
}

impl std::error::Error for TimestampError {}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    input: &'a str,
}

impl Cursor<'_> {
    fn syntax(&self, expected: &'static str) -> TimestampError {
        TimestampError::Syntax {
            input: self.input.to_owned(),
            expected,
        }
    }

    fn digits(&mut self, n: usize, expected: &'static str) -> Result<i64, TimestampError> {
        let mut value = 0i64;
        for _ in 0..n {
            match self.bytes.get(self.pos) {
                Some(b) if b.is_ascii_digit() => value = value * 10 + i64::from(b - b'0'),
                _ => return Err(self.syntax(expected)),
            }
            self.pos += 1;
        }
        Ok(value)
    }

    fn byte(&mut self, allowed: &[u8], expected: &'static str) -> Result<u8, TimestampError> {
        match self.bytes.get(self.pos) {
            Some(b) if allowed.contains(b) => {
                self.pos += 1;
                Ok(*b)
            }
            _ => Err(self.syntax(expected)),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Timestamp {
    /// The instant `nanos` nanoseconds after the Unix epoch.
    pub const fn from_unix_nanos(nanos: i64) -> Self {
        Timestamp(nanos)
    }

    /// Nanoseconds since the Unix epoch.
    pub const fn unix_nanos(self) -> i64 {
        self.0
    }

    /// Milliseconds since the Unix epoch (rounded down), e.g. for `Date` in the browser.
    pub const fn unix_millis(self) -> i64 {
        self.0.div_euclid(1_000_000)
    }

    /// The instant `millis` milliseconds after the Unix epoch (saturating).
    pub const fn from_unix_millis(millis: i64) -> Self {
        Timestamp(millis.saturating_mul(1_000_000))
    }

    /// Parses RFC 3339 with 0–9 fraction digits and any offset.
    ///
    /// # Errors
    ///
    /// [`TimestampError`] naming what was expected, an impossible field, or a
    /// year outside 1678–2261.
    pub fn parse(input: &str) -> Result<Self, TimestampError> {
        let mut c = Cursor {
            bytes: input.as_bytes(),
            pos: 0,
            input,
        };
        let year = c.digits(4, "a 4-digit year")?;
        c.byte(b"-", "`-` after the year")?;
        let month = c.digits(2, "a 2-digit month")?;
        c.byte(b"-", "`-` after the month")?;
        let day = c.digits(2, "a 2-digit day")?;
        c.byte(b"Tt ", "`T` between date and time")?;
        let hour = c.digits(2, "a 2-digit hour")?;
        c.byte(b":", "`:` after the hour")?;
        let minute = c.digits(2, "2-digit minutes")?;
        c.byte(b":", "`:` after the minutes")?;
        let second = c.digits(2, "2-digit seconds")?;
        let mut nanos = 0i64;
        if c.byte(b".", "").is_ok() {
            let start = c.pos;
            while c.bytes.get(c.pos).is_some_and(u8::is_ascii_digit) {
                c.pos += 1;
            }
            let n = c.pos - start;
            if n == 0 || n > 9 {
                return Err(c.syntax("1 to 9 fraction digits after `.`"));
            }
            c.pos = start;
            nanos = c.digits(n, "fraction digits")? * 10i64.pow(9 - n as u32);
        }
        let offset_secs = match c.byte(b"Zz+-", "`Z` or an offset like +02:00")? {
            b'+' | b'-' => {
                let sign = if c.bytes.get(c.pos - 1) == Some(&b'-') {
                    -1
                } else {
                    1
                };
                let oh = c.digits(2, "a 2-digit offset hour")?;
                c.byte(b":", "`:` in the offset")?;
                let om = c.digits(2, "2-digit offset minutes")?;
                if oh > 23 || om > 59 {
                    return Err(TimestampError::Range {
                        input: input.to_owned(),
                        field: "offset",
                    });
                }
                sign * (oh * 3600 + om * 60)
            }
            _ => 0,
        };
        if c.pos != c.bytes.len() {
            return Err(c.syntax("nothing after the offset"));
        }
        let range = |field| TimestampError::Range {
            input: input.to_owned(),
            field,
        };
        if !(1..=12).contains(&month) {
            return Err(range("month"));
        }
        if day < 1 || day > days_in_month(year, month) {
            return Err(range("day"));
        }
        if hour > 23 {
            return Err(range("hour"));
        }
        if minute > 59 {
            return Err(range("minute"));
        }
        if second > 59 {
            return Err(range("second"));
        }
        let secs =
            days_from_civil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 + second
                - offset_secs;
        secs.checked_mul(NANOS_PER_SEC)
            .and_then(|n| n.checked_add(nanos))
            .map(Timestamp)
            .ok_or(TimestampError::OutOfRange {
                input: input.to_owned(),
            })
    }

    fn parts(self) -> (i64, i64, i64, i64, i64, i64, i64) {
        let secs = self.0.div_euclid(NANOS_PER_SEC);
        let nanos = self.0.rem_euclid(NANOS_PER_SEC);
        let days = secs.div_euclid(SECS_PER_DAY);
        let sod = secs.rem_euclid(SECS_PER_DAY);
        let (y, mo, d) = civil_from_days(days);
        (y, mo, d, sod / 3600, sod % 3600 / 60, sod % 60, nanos)
    }

    /// RFC 3339 in UTC with exactly 3 fraction digits, e.g. `2024-10-28T10:02:11.518Z` (for people).
    pub fn to_rfc3339_millis(self) -> String {
        let (y, mo, d, h, mi, s, n) = self.parts();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z",
            n / 1_000_000
        )
    }

    /// RFC 3339 in UTC with full precision, trailing zeros trimmed like Go's
    /// `RFC3339Nano`, e.g. `2024-10-28T10:02:11.518923Z` (for `after`, exports).
    pub fn to_rfc3339(self) -> String {
        let (y, mo, d, h, mi, s, n) = self.parts();
        let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if n != 0 {
            let fraction = format!("{n:09}");
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 time string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn fraction_digits_do_not_change_order() {
        // As strings, "…11Z" > "…11.5Z" ('Z' > '.'); as instants it is earlier.
        assert!(ts("2024-10-28T10:02:11Z") < ts("2024-10-28T10:02:11.5Z"));
        assert!(ts("2024-10-28T10:02:11.518Z") < ts("2024-10-28T10:02:11.518923Z"));
        assert!(ts("2024-10-28T10:02:11.518923Z") < ts("2024-10-28T10:02:11.518923001Z"));
        assert_eq!(
            ts("2024-10-28T10:02:11.5Z"),
            ts("2024-10-28T10:02:11.500000000Z")
        );
    }

    #[test]
    fn known_instants_and_offsets() {
        assert_eq!(ts("1970-01-01T00:00:00Z").unix_nanos(), 0);
        assert_eq!(
            ts("2024-10-28T09:14:00.000390077Z").unix_nanos(),
            1_730_106_840_000_390_077
        );
        assert_eq!(ts("2024-10-28T11:14:00+02:00"), ts("2024-10-28T09:14:00Z"));
        assert_eq!(ts("2024-10-28t04:44:00-04:30"), ts("2024-10-28T09:14:00Z"));
        assert_eq!(ts("1969-12-31T23:59:59.999999999Z").unix_nanos(), -1);
        assert_eq!(
            ts("2024-02-29T00:00:00z").unix_nanos() - ts("2024-02-28T00:00:00Z").unix_nanos(),
            86_400 * NANOS_PER_SEC
        );
    }

    #[test]
    fn formats_back_to_rfc3339() {
        let t = ts("2024-10-28T12:02:11.518923+02:00");
        assert_eq!(t.to_rfc3339(), "2024-10-28T10:02:11.518923Z");
        assert_eq!(t.to_rfc3339_millis(), "2024-10-28T10:02:11.518Z");
        assert_eq!(
            ts("2024-10-28T10:02:11Z").to_rfc3339(),
            "2024-10-28T10:02:11Z"
        );
        assert_eq!(
            ts("1969-12-31T23:59:59.999999999Z").to_rfc3339(),
            "1969-12-31T23:59:59.999999999Z"
        );
        for s in [
            "2000-02-29T00:00:00Z",
            "2262-01-01T00:00:00Z",
            "1678-01-01T00:00:00.000000001Z",
        ] {
            assert_eq!(ts(s).to_rfc3339(), s);
        }
    }

    #[test]
    fn bad_input_names_the_problem() {
        for bad in [
            "",
            "2024-10-28",
            "2024-10-28T10:02:11",
            "2024-10-28T10:02:11.Z",
            "2024-10-28T10:02:11.1234567890Z",
            "2024-10-28T10:02:11Zjunk",
            "2024-1-28T10:02:11Z",
            "２０２４-10-28T10:02:11Z",
        ] {
            assert!(
                matches!(Timestamp::parse(bad), Err(TimestampError::Syntax { .. })),
                "{bad}"
            );
        }
        let e = Timestamp::parse("2023-02-29T00:00:00Z").expect_err("no 29 Feb in 2023");
        assert_eq!(
            e.to_string(),
            "`2023-02-29T00:00:00Z` has an impossible day"
        );
        assert!(matches!(
            Timestamp::parse("2024-10-28T24:00:00Z"),
            Err(TimestampError::Range { field: "hour", .. })
        ));
        assert!(matches!(
            Timestamp::parse("9999-01-01T00:00:00Z"),
            Err(TimestampError::OutOfRange { .. })
        ));
    }
}
