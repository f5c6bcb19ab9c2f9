//! A downlink's lifecycle (or a join-accept's): queued, forwarded, scheduled
//! (on which gateway, Rx1 or Rx2), sent, transmitted, acknowledged — and
//! where it stopped if it did not finish, with the reason.
//!
//! Why: a downlink that never arrives can stop at five places, each with a
//! different fix (insight-anchors: downlink failure causes). Saying which one
//! is the answer; the events alone make the user reconstruct it.

use serde_json::Value;

use super::{How, Kind, Step};
use crate::tts::preview::{text, tx_result};
use crate::tts::{EntityIds, Event, Preview};

/// One stage of a downlink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// "scheduled", "transmitted", …
    pub label: &'static str,
    /// Offset from the journey's start (ns), when reached.
    pub at: Option<i64>,
    /// "on rooftop-gw-01, Rx1", the failure reason, …
    pub detail: String,
    pub failed: bool,
}

/// The stages, and a sentence on where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    pub stages: Vec<Stage>,
    pub summary: String,
}

/// (stage, events that reach it, events that fail it).
const STAGES: [(&str, &[&str], &[&str]); 6] = [
    ("queued", &["as.down.data.receive"], &["as.down.data.drop"]),
    (
        "forwarded to the Network Server",
        &["as.down.data.forward"],
        &[],
    ),
    (
        "scheduled",
        &[
            "ns.down.data.schedule.success",
            "ns.down.join.schedule.success",
        ],
        &[
            "ns.down.data.schedule.fail",
            "ns.down.join.schedule.fail",
            "gs.down.schedule.fail",
        ],
    ),
    (
        "sent to the gateway",
        &["gs.down.send", "as.down.data.sent.forward"],
        &[],
    ),
    (
        "transmitted",
        &["gs.down.tx.success", "ns.down.transmission.success"],
        &["gs.down.tx.fail", "ns.down.transmission.fail"],
    ),
    (
        "acknowledged",
        &["as.down.data.ack.forward"],
        &["as.down.data.nack.forward"],
    ),
];

/// The Application Server's echo of a failure at any stage (TTS sends it
/// after the stage's own failure event, if there is one).
const FAILED_FORWARD: &str = "as.down.data.failed.forward";

/// What an uplink says about the downlink before it (the uplink carried its
/// ACK, or did not): not about the reply to this uplink.
pub(super) const ACK_OF_EARLIER: [&str; 2] =
    ["as.down.data.ack.forward", "as.down.data.nack.forward"];

/// The lifecycle of the journey's downlink: the journey itself for a
/// downlink, the reply (join-accept, class A downlink) for an uplink;
/// `None` when there is no downlink.
pub fn lifecycle(kind: &Kind, steps: &[Step]) -> Option<Lifecycle> {
    let downlink: Vec<&Step> = match kind {
        Kind::Downlink { .. } => steps.iter().collect(),
        _ => steps
            .iter()
            .filter(|s| s.how == How::Reply && !ACK_OF_EARLIER.contains(&s.event.name.as_str()))
            .collect(),
    };
    let is_step = |s: &&&Step| {
        STAGES.iter().any(|(_, ok, bad)| {
            ok.contains(&s.event.name.as_str()) || bad.contains(&s.event.name.as_str())
        })
    };
    let echo = downlink.iter().find(|s| s.event.name == FAILED_FORWARD);
    if echo.is_none() && !downlink.iter().any(|s| is_step(&s)) {
        return None;
    }
    let join = downlink.iter().any(|s| s.event.name.contains(".join."));
    let confirmed = downlink.iter().any(|s| confirmed(&s.event));
    let mut stages = Vec::new();
    for (label, ok, bad) in STAGES {
        // Queued and forwarded happen before the uplink whose window a reply
        // uses (and never for a join-accept): not "not reached" in its lifecycle.
        let before_uplink = join || !matches!(kind, Kind::Downlink { .. });
        let skip = (before_uplink
            && (label == "queued" || label.starts_with("forwarded"))
            && !downlink.iter().any(|s| {
                bad.contains(&s.event.name.as_str()) || ok.contains(&s.event.name.as_str())
            }))
            || (label == "acknowledged"
                && !confirmed
                && !downlink.iter().any(|s| {
                    bad.contains(&s.event.name.as_str()) || ok.contains(&s.event.name.as_str())
                }));
        if skip {
            continue;
        }
        let failed = downlink
            .iter()
            .find(|s| bad.contains(&s.event.name.as_str()));
        let reached = downlink
            .iter()
            .find(|s| ok.contains(&s.event.name.as_str()));
        let stage = match (failed, reached) {
            (Some(f), _) => Stage {
                label,
                at: Some(f.offset_ns),
                detail: reason(&f.event),
                failed: true,
            },
            (None, Some(r)) => Stage {
                label,
                at: Some(r.offset_ns),
                detail: detail(label, &downlink, &r.event),
                failed: false,
            },
            (None, None) => Stage {
                label,
                at: None,
                detail: String::new(),
                failed: false,
            },
        };
        stages.push(stage);
    }
    // Only the echo says it failed: at the first stage after the last one reached.
    if let Some(echo) = echo.filter(|_| !stages.iter().any(|s| s.failed)) {
        let next = stages
            .iter()
            .rposition(|s| s.at.is_some())
            .map_or(0, |i| i + 1);
        if let Some(stage) = stages.get_mut(next) {
            stage.at = Some(echo.offset_ns);
            stage.detail = reason(&echo.event);
            stage.failed = true;
        }
    }
    let summary = summary(&stages, join);
    Some(Lifecycle { stages, summary })
}

fn summary(stages: &[Stage], join: bool) -> String {
    let what = if join { "join-accept" } else { "downlink" };
    if let Some(f) = stages.iter().find(|s| s.failed) {
        return match f.label {
            "acknowledged" => format!(
                "The {what} was transmitted but not acknowledged: {}.",
                f.detail
            ),
            label => format!("The {what} stopped at “{label}”: {}.", f.detail),
        };
    }
    let last = stages.iter().rposition(|s| s.at.is_some());
    match last {
        Some(i) if i + 1 == stages.len() => format!("The {what} completed: {}.", stages[i].label),
        Some(i) => format!(
            "The {what} got as far as “{}”; no event says it was {} (yet).",
            stages[i].label,
            stages.get(i + 1).map_or("", |s| s.label)
        ),
        None => format!("No event shows the {what} being handled."),
    }
}

fn parse(event: &Event) -> Option<Value> {
    serde_json::from_str(event.data.as_ref()?.as_str()).ok()
}

fn confirmed(event: &Event) -> bool {
    let Some(data) = parse(event) else {
        return false;
    };
    data.pointer("/payload/m_hdr/m_type")
        .and_then(Value::as_str)
        == Some("CONFIRMED_DOWN")
        || data.get("confirmed").and_then(Value::as_bool) == Some(true)
        || data
            .pointer("/downlink_ack/confirmed")
            .and_then(Value::as_bool)
            == Some(true)
        || data
            .pointer("/downlink_nack/confirmed")
            .and_then(Value::as_bool)
            == Some(true)
        || data
            .pointer("/downlink_sent/confirmed")
            .and_then(Value::as_bool)
            == Some(true)
}

/// What a reached stage adds: the gateway and receive window of scheduling.
fn detail(label: &str, steps: &[&Step], event: &Event) -> String {
    match label {
        "scheduled" => {
            let gateway = steps
                .iter()
                .filter(|s| s.event.name == "gs.down.send")
                .flat_map(|s| s.event.identifiers.iter())
                .find_map(|ids| match ids {
                    EntityIds::Gateway { gateway_id, .. } => Some(gateway_id.clone()),
                    _ => None,
                });
            let window = parse(event).and_then(|d| {
                if d.get("rx1").and_then(Value::as_bool) == Some(true) {
                    Some("Rx1")
                } else if d.get("rx2").and_then(Value::as_bool) == Some(true) {
                    Some("Rx2")
                } else {
                    None
                }
            });
            // A protobuf Duration, "0.774436s": read as the journey's other times.
            let delay = parse(event).and_then(|d| {
                let text = text(&d, &["delay"])?;
                Some(
                    match text.strip_suffix('s').and_then(|n| n.parse::<f64>().ok()) {
                        Some(secs) => super::time::span((secs * 1e9) as i64),
                        None => text.to_owned(),
                    },
                )
            });
            let mut parts = Vec::new();
            if let Some(g) = gateway {
                parts.push(format!("on {g}"));
            }
            if let Some(w) = window {
                parts.push(w.to_owned());
            }
            if let Some(d) = delay {
                parts.push(format!("in {d}"));
            }
            parts.join(", ")
        }
        _ => String::new(),
    }
}

/// Why a stage failed, in words: the Tx acknowledgment's result, or the
/// error the row shows.
fn reason(event: &Event) -> String {
    if event.name == "gs.down.tx.fail" {
        if let Some((words, _)) = parse(event)
            .as_ref()
            .and_then(|d| tx_result(d.get("value").or(d.get("result"))))
        {
            return words.to_owned();
        }
    }
    if event.name == "as.down.data.nack.forward" {
        return "the device's next uplink did not acknowledge it".to_owned();
    }
    let preview = Preview::of(event);
    preview
        .facts
        .iter()
        .find(|f| f.strong && f.label.is_empty())
        .or_else(|| preview.facts.first())
        .map(|f| f.full.clone().unwrap_or_else(|| f.value.clone()))
        .unwrap_or_else(|| {
            event
                .definition()
                .map_or(event.name.to_string(), |d| d.description.to_owned())
        })
}
