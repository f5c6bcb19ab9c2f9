//! Trust boundaries: which cluster may receive the user's API key, which
//! keys this browser remembers (and for which cluster each), and which
//! capture addresses a link may make the app fetch.
//!
//! Why: a link, a capture file and `config.json` come from outside. A link
//! must never be able to send a key to a host the user did not choose, nor
//! fill the trusted app's timeline from someone else's server. These rules
//! are plain Rust, tested natively; the browser shell stores and fetches.
//! Nothing here may log or format a key's secret (`SavedKey`'s `Debug`
//! hides it).

mod capture;
mod cluster;
mod keys;

pub use capture::capture_path;
pub use cluster::{owner_domain, ClusterCheck, ClusterPolicy, ClusterSource, ConfirmReason};
pub use keys::{SavedKey, SavedKeys, LEGACY_STORAGE_KEY, STORAGE_KEY};
