//! What a teammate needs to open the same live view: the view state in the
//! URL fragment (`#…`, never sent to a server), readable and short.
//!
//! It must never carry the API key: the key is not part of [`ViewState`] at
//! all, so no code path can put it into a link.

mod fragment;

pub use fragment::ViewState;
