//! The timeline's memory: events kept once, in arrival order, up to a
//! capacity (the oldest are evicted, and counted), with the views the UI
//! needs — one lane per entity, a flat chronological order, the events of a
//! correlation ID, the filtered versions of these — ordered by
//! integer-nanosecond event time so late events land in their place.
//!
//! Plain data, no signals: the UI wraps the whole store in one signal and
//! reads it. Nothing here may panic on what a server sent.

mod corr;
mod fields;
mod filter;
mod glob;
mod ids;
mod lane;
mod lane_memo;
mod lanes;
mod marker;
mod memo;
mod ordered;
mod predicate;
mod preview;
mod room;
mod scan;
mod slots;
mod timeline;

pub use fields::{Fields, Heard};
pub use filter::Filter;
pub use lane::{Lane, NO_ENTITY};
pub use marker::{Marker, MarkerKind};
pub use ordered::{Ordered, Seq};
pub use preview::{FactRef, LazyRow, RowPreview};
pub use scan::Caseless;
pub use timeline::{Timeline, DEFAULT_CAPACITY};

/// A stored event's reference (its arrival number).
pub type EventRef = Seq;
