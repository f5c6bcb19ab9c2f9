//! [`Marker`]: a point in the timeline that is not an entity's event — the
//! moment a stream went live (`events.stream.start`) and the event names the
//! server resolved for it. Plain data; nothing here panics.

use crate::tts::{Event, Timestamp};

/// What a marker in the timeline stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerKind {
    /// `events.stream.start`: the stream is live; the names it resolved, if any.
    StreamStarted { names: Vec<String> },
}

/// A point in the timeline that is not an entity's event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub time: Timestamp,
    pub kind: MarkerKind,
}

/// The event names an `events.stream.start` resolved (API.md §2.3).
pub(super) fn stream_start_names(event: &Event) -> Vec<String> {
    event
        .data
        .as_ref()
        .and_then(|d| d.to_value().ok())
        .and_then(|v| v.get("value").cloned())
        .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
        .unwrap_or_default()
}
