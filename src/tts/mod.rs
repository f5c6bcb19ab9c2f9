//! The Things Stack vocabulary: events, entity identifiers, timestamps, error
//! answers, the stream request and the built-in catalogue of event names.
//!
//! Why: every other module speaks these types, so they carry the meaning of
//! the wire format (API.md) once. Nothing here does I/O or reads the clock,
//! and nothing here may panic on input from the network or the form.

pub mod catalogue;
mod correlation;
mod error;
mod event;
mod hints;
mod ids;
mod ids_wire;
mod paste;
pub mod presets;
pub mod preview;
mod request;
pub(crate) mod sensitive;
mod shared;
mod summary;
mod timestamp;
mod unique_id;

pub use catalogue::{
    definition, definitions, resolve_name, resolve_names, EventDefinition, NameError,
};
pub use correlation::CorrelationIds;
pub use error::{fill_format, http_of_grpc_code, ApiError, ErrorDetails, ErrorSource, Status};
pub use event::{Authentication, Context, Event, RawJson, Visibility, STREAM_START};
pub use hints::right_to_see_traffic;
pub use ids::{validate_id, EntityIds, EntityKind, IdError};
pub use paste::{parse_entities, parse_entity, PasteError, PasteProblem};
pub use preview::{Fact, Part, Preview};
pub use request::{ProblemKind, RequestProblem, StreamRequest};
pub(crate) use shared::text_hash;
pub use shared::Shared;
pub use summary::{family, Family};
pub use timestamp::{Timestamp, TimestampError};
pub use unique_id::UniqueId;
