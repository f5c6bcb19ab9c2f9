//! The timeline's memory: events kept once, in arrival order, with the views
//! the UI needs — one lane per entity, a flat chronological order, connection
//! markers — ordered by integer-nanosecond event time so late events land in
//! their place.
//!
//! Plain data, no signals: the UI wraps the whole store in one signal and
//! reads it. Nothing here may panic on what a server sent.

mod timeline;

pub use timeline::{EventRef, Lane, Marker, MarkerKind, Timeline};
