//! Field predicates of the filter — `rssi<-110`, `snr<0`, `sf>=10`,
//! `fport:2`, `fcnt:100..200`, `freq:868.1`, `dr:5`, `gw:rooftop-gw-01`,
//! `devaddr:260BB94F`, `deveui:70B3D57ED0061A2B`, `confirmed`, `problem` —
//! read from one term and matched against an event's [`Fields`] (computed
//! at arrival) and identifiers.
//!
//! Rules: a predicate holds only for events that carry the field (`-` then
//! keeps the others); `rssi`/`snr` are the best gateway's, `any-rssi`/
//! `any-snr` any gateway's; `freq` is in MHz and equal within 0.0005 MHz;
//! a term that looks like a predicate but names no field is an error, so a
//! typo never silently becomes a text search. Never panics.

mod syntax;
mod values;

use super::fields::Fields;
use super::glob::glob;
use crate::tts::{EntityIds, Event};
pub use syntax::continues_comparison;
use syntax::{field, split, unknown, Field, Op};
use values::{bounds, hex_value};

pub use values::{Bounds, Numeric};

/// A condition on what an event means.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    Number(Numeric, Bounds),
    /// A gateway ID (lower case), or a pattern with `*`/`?` (`glob`).
    Gateway {
        id: String,
        glob: bool,
    },
    /// Upper-case hex (matched against identifiers) and its value.
    DevAddr(String, u32),
    DevEui(String, u64),
    Confirmed,
    Problem,
}

/// Reads a term as a predicate: `Ok(None)` when it is not one (text, a
/// name glob, `kind:`…), an error sentence when it names no field or its
/// value cannot be read.
///
/// # Errors
/// A sentence naming the term, and the fields or the value expected.
pub fn parse(word: &str) -> Result<Option<Predicate>, String> {
    if word.eq_ignore_ascii_case("confirmed") {
        return Ok(Some(Predicate::Confirmed));
    }
    if word.eq_ignore_ascii_case("problem") {
        return Ok(Some(Predicate::Problem));
    }
    let Some((key, op, value)) = split(word) else {
        return Ok(None);
    };
    let lower = key.to_ascii_lowercase();
    let Some(field) = field(&lower) else {
        return unknown(word, &lower, op, value).map(|()| None);
    };
    let equality = matches!(op, Op::Eq | Op::Colon);
    let example = |ex: &str| format!("“{word}”: {lower} {ex}");
    Ok(Some(match field {
        None => return Ok(None),
        Some(Field::Num(n)) => Predicate::Number(n, bounds(n, op, value, word)?),
        Some(Field::Flag) => {
            return Err(example(&format!(
                "takes no value: write {lower}, or -{lower} for the other events"
            )))
        }
        Some(Field::Gateway) if equality && !value.is_empty() => Predicate::Gateway {
            id: value.to_ascii_lowercase(),
            glob: value.contains(['*', '?']),
        },
        Some(Field::Gateway) => {
            return Err(example(
                "needs a gateway ID, e.g. gw:rooftop-gw-01 (or a pattern, gw:rooftop-*)",
            ))
        }
        Some(Field::DevAddr) => match hex_value(value, 8).filter(|_| equality) {
            Some((text, n)) => Predicate::DevAddr(text, n as u32),
            None => return Err(example("needs 8 hex digits, e.g. devaddr:260BB94F")),
        },
        Some(Field::DevEui) => match hex_value(value, 16).filter(|_| equality) {
            Some((text, n)) => Predicate::DevEui(text, n),
            None => return Err(example("needs 16 hex digits, e.g. deveui:70B3D57ED0061A2B")),
        },
    }))
}

impl Predicate {
    /// Whether `event`, with these fields, satisfies the predicate.
    pub fn matches(&self, event: &Event, fields: Option<&Fields>) -> bool {
        match self {
            Predicate::Number(n, b) => fields.is_some_and(|f| number_matches(*n, b, f)),
            Predicate::Gateway { id, glob: pattern } => {
                let hit = |gw: &str| match pattern {
                    true => glob(id.as_bytes(), gw.as_bytes(), true),
                    false => gw.eq_ignore_ascii_case(id),
                };
                event.identifiers.iter().any(|i| match i {
                    EntityIds::Gateway { gateway_id, .. } => hit(gateway_id),
                    _ => false,
                }) || fields.is_some_and(|f| f.heard.iter().any(|h| hit(&h.gateway_id)))
            }
            Predicate::DevAddr(text, n) => {
                fields.is_some_and(|f| f.dev_addr == Some(*n))
                    || event.identifiers.iter().any(|i| match i {
                        EntityIds::Device { dev_addr, .. } => dev_addr
                            .as_deref()
                            .is_some_and(|a| a.eq_ignore_ascii_case(text)),
                        _ => false,
                    })
            }
            Predicate::DevEui(text, n) => {
                fields.is_some_and(|f| f.dev_eui == Some(*n))
                    || event.identifiers.iter().any(|i| match i {
                        EntityIds::Device { dev_eui, .. } => dev_eui
                            .as_deref()
                            .is_some_and(|e| e.eq_ignore_ascii_case(text)),
                        _ => false,
                    })
            }
            Predicate::Confirmed => fields.is_some_and(|f| f.confirmed),
            Predicate::Problem => fields.is_some_and(|f| f.problem),
        }
    }
}

fn number_matches(field: Numeric, b: &Bounds, f: &Fields) -> bool {
    let has = |v: Option<f32>| v.is_some_and(|v| b.contains(f64::from(v)));
    match field {
        Numeric::Rssi => has(f.rssi),
        Numeric::Snr => has(f.snr),
        Numeric::AnyRssi => f.heard.iter().any(|h| has(h.rssi)),
        Numeric::AnySnr => f.heard.iter().any(|h| has(h.snr)),
        Numeric::Sf => f.sf.is_some_and(|v| b.contains(v.into())),
        Numeric::Dr => f.dr.is_some_and(|v| b.contains(v.into())),
        Numeric::FPort => f.f_port.is_some_and(|v| b.contains(v.into())),
        Numeric::Freq => f.freq_hz.is_some_and(|v| b.contains(v.into())),
        // A gateway's copy holds only the low 16 bits of a 32-bit count.
        Numeric::FCnt => f
            .f_cnt
            .is_some_and(|v| b.contains(v.into()) || (f.f_cnt_16 && b.has_low16(v))),
    }
}

#[cfg(test)]
#[path = "predicate_tests.rs"]
mod tests;
