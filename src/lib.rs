//! Eventline: a live timeline of The Things Stack events, in the browser.
//!
//! Bytes flow one way: form → request → transport → decoder → store → views.
//! Everything between "bytes arrived" and "what the user sees" is plain Rust
//! with no browser in it, so it is tested natively; the browser-only parts
//! (fetch, DOM) are thin shells at both ends (see `docs/ARCHITECTURE.md`).
//!
//! This crate must never log, store or put into a URL the user's API key.

pub mod config;
pub mod form;
pub mod insight;
pub mod journey;
pub mod json;
pub mod model;
pub mod share;
pub mod sort;
pub mod store;
pub mod stream;
pub mod trust;
pub mod tts;
pub mod ui;
