//! The JSON tree's pure core: paths, value kinds, truncation, summaries,
//! which nodes start open, and what "copy" puts on the clipboard.
//!
//! It exists so that every decision the event inspector makes about a value
//! is plain Rust, tested natively; `ui::json_tree` only renders what these
//! functions answer. It must never touch the DOM, never produce HTML (event
//! content is shown as text), and never panic on any JSON value.

pub mod bytes;
mod display;
mod limited;
mod path;
mod tree;

pub use display::{
    classify, copy_text, display_string, summary, DisplayString, StrKind, ValueKind,
};
pub use limited::{event_tree, parse_limited, too_deep_note, MAX_TREE_DEPTH};
pub use path::{JsonPath, PathSegment};
pub use tree::{OpenPolicy, TreeMode, BLOB_LIMIT, TEXT_LIMIT};
