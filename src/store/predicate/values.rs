//! How each numeric field's values are written and compared: `rssi` and
//! `snr` in dB(m) as stored (f32), `freq` in MHz (or Hz) with 0.0005 MHz of
//! slack, whole numbers for `sf`, `dr`, `fport`, `fcnt`; the operators
//! `<`, `<=`, `>`, `>=`, `=`/`:` and `:a..b` as [`Bounds`]; and the error
//! sentence for a value that is not one. Pure; never panics.

use super::syntax::Op;

/// A numeric field and how its values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numeric {
    Rssi,
    Snr,
    AnyRssi,
    AnySnr,
    Sf,
    Dr,
    Freq,
    FPort,
    FCnt,
}

/// Inclusive or exclusive bounds on a value (in Hz for `freq`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub lo: f64,
    pub hi: f64,
    pub lo_open: bool,
    pub hi_open: bool,
    /// `fcnt:a..b` with `a > b`: from `a` up through the counter's wrap to `b`.
    pub wrap: bool,
}

impl Bounds {
    pub fn contains(&self, v: f64) -> bool {
        if self.wrap {
            return v >= self.lo || v <= self.hi;
        }
        let above = if self.lo_open {
            v > self.lo
        } else {
            v >= self.lo
        };
        let below = if self.hi_open {
            v < self.hi
        } else {
            v <= self.hi
        };
        above && below
    }

    /// Whether a gateway's copy of a frame counter (its low 16 bits, `v`)
    /// can be a count within these bounds: `fcnt:70000` finds 4464 and
    /// `fcnt:65530..65540` finds 65530–65535 and 0–4.
    pub fn has_low16(&self, v: u32) -> bool {
        if self.wrap || !(self.lo.is_finite() && self.hi.is_finite()) || self.hi <= 65_535.0 {
            return false;
        }
        let (lo, hi) = (self.lo as u64, self.hi as u64);
        let width = hi.saturating_sub(lo);
        width >= 0xFFFF || (u64::from(v) + 0x1_0000 - (lo & 0xFFFF)) & 0xFFFF <= width
    }
}

/// A finite decimal number as people write it: `-110`, `7.5`, `.5`.
pub fn number(text: &str) -> Option<f64> {
    let first = text.chars().next()?;
    if !(first.is_ascii_digit() || matches!(first, '-' | '+' | '.')) {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Exactly `digits` hex digits, as upper-case text and value.
pub fn hex_value(text: &str, digits: usize) -> Option<(String, u64)> {
    if text.len() != digits || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((
        text.to_ascii_uppercase(),
        u64::from_str_radix(text, 16).ok()?,
    ))
}

impl Numeric {
    /// What a value of this field is, with an example (for error sentences).
    fn wants(self) -> &'static str {
        match self {
            Numeric::Rssi => "needs a number in dBm, e.g. rssi<-110",
            Numeric::AnyRssi => "needs a number in dBm, e.g. any-rssi<-110",
            Numeric::Snr => "needs a number in dB, e.g. snr<0",
            Numeric::AnySnr => "needs a number in dB, e.g. any-snr<-5",
            Numeric::Sf => "needs a whole spreading factor, e.g. sf>=10",
            Numeric::Dr => "needs a whole data rate index, e.g. dr:5",
            Numeric::Freq => "needs a frequency in MHz, e.g. freq:868.1 or freq>=868",
            Numeric::FPort => "needs a port from 0 to 255, e.g. fport:2",
            Numeric::FCnt => "needs a whole frame count, e.g. fcnt:100, fcnt>=100 or fcnt:100..200",
        }
    }

    /// A value as typed, in the unit compared (Hz for `freq`); `None` when
    /// it is not one this field can have.
    fn value(self, text: &str) -> Option<f64> {
        let n = number(text)?;
        match self {
            // As stored: f32, so `snr=7.8` finds 7.8.
            Numeric::Rssi | Numeric::Snr | Numeric::AnyRssi | Numeric::AnySnr => {
                Some(f64::from(n as f32))
            }
            // MHz, or Hz when written as Hz (868100000).
            Numeric::Freq => Some(if n.abs() > 100_000.0 { n } else { n * 1e6 }),
            Numeric::Sf | Numeric::Dr => whole(n, 255.0),
            Numeric::FPort => whole(n, 255.0),
            Numeric::FCnt => whole(n, f64::from(u32::MAX)),
        }
    }
}

fn whole(n: f64, max: f64) -> Option<f64> {
    (n >= 0.0 && n.fract() == 0.0 && n <= max).then_some(n)
}

/// The bounds a term sets on `field`: `<x`, `<=x`, `>x`, `>=x`, `=x`/`:x`, `:a..b`.
pub fn bounds(field: Numeric, op: Op, value: &str, word: &str) -> Result<Bounds, String> {
    let bad = || format!("“{word}”: {} {}", name(field), field.wants());
    let read = |text: &str| field.value(text).ok_or_else(bad);
    // Frequencies within 0.0005 MHz are the same frequency.
    let slack = if field == Numeric::Freq { 500.0 } else { 0.0 };
    let (inf, open, closed) = (f64::INFINITY, true, false);
    let (lo, hi, lo_open, hi_open) = match op {
        Op::Lt => (-inf, read(value)? - slack, closed, open),
        Op::Le => (-inf, read(value)? + slack, closed, closed),
        Op::Gt => (read(value)? + slack, inf, open, closed),
        Op::Ge => (read(value)? - slack, inf, closed, closed),
        Op::Eq | Op::Colon => match value.split_once("..") {
            Some((a, b)) => {
                if a.is_empty() || b.is_empty() {
                    return Err(format!(
                        "“{word}”: a range needs a number on each side of “..”, e.g. {}:100..200",
                        name(field)
                    ));
                }
                let (a, b) = (read(a)?, read(b)?);
                if a > b && field == Numeric::FCnt {
                    return Ok(Bounds {
                        lo: a,
                        hi: b,
                        lo_open: closed,
                        hi_open: closed,
                        wrap: true,
                    });
                }
                if a > b {
                    return Err(format!(
                        "“{word}”: a range goes from the smaller number to the larger, e.g. {}:100..200",
                        name(field)
                    ));
                }
                (a - slack, b + slack, closed, closed)
            }
            None => {
                let v = read(value)?;
                (v - slack, v + slack, closed, closed)
            }
        },
    };
    Ok(Bounds {
        lo,
        hi,
        lo_open,
        hi_open,
        wrap: false,
    })
}

pub fn name(field: Numeric) -> &'static str {
    match field {
        Numeric::Rssi => "rssi",
        Numeric::Snr => "snr",
        Numeric::AnyRssi => "any-rssi",
        Numeric::AnySnr => "any-snr",
        Numeric::Sf => "sf",
        Numeric::Dr => "dr",
        Numeric::Freq => "freq",
        Numeric::FPort => "fport",
        Numeric::FCnt => "fcnt",
    }
}
