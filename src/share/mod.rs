//! What a teammate needs to see what you see: the view state in the URL
//! fragment (`#…`, never sent to a server), readable and short; and captures
//! of the events themselves, exported as files or carried in a snapshot link.
//!
//! It must never carry the API key: the key is not part of [`ViewState`] at
//! all, so no code path can put it into a link.

mod array;
pub mod base64url;
pub mod capture;
mod fragment;
pub mod import;
pub mod key_grant;
pub mod key_link;
pub mod key_list;
pub mod redact;
mod secrets;
pub mod snapshot;

pub use fragment::ViewState;
