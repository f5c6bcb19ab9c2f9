//! Components and the browser shells. Components read the model through the
//! [`Viewer`] context and call its methods; they hold no protocol, store or
//! view logic (that is `crate::model`'s). The shells (`live.rs`, `import.rs`,
//! `share.rs`, `snapshot.rs`, `viewport.rs`) perform I/O and report to the model. Event
//! content is always rendered as text.

mod app;
mod banner;
mod cluster_warning;
mod connect_form;
mod event_row;
mod export;
mod fleet;
mod focus;
mod format;
mod health;
mod health_gateway;
mod health_parts;
mod import;
mod journey;
mod journey_fetch;
mod json_tree;
mod lane_list;
mod live;
mod markers;
mod messages;
mod name_input;
mod plot;
mod row_events;
mod share;
mod share_key;
mod share_key_api;
mod shared_note;
mod snapshot;
mod state;
mod status_bar;
mod storage;
pub mod time;
mod timeline;
mod toolbar;
mod viewport;
mod virtual_rows;

pub use app::App;
pub use connect_form::ConnectForm;
pub use json_tree::JsonTree;
pub use live::Connection;
pub use state::Viewer;

/// Asks the user `question` (the browser's OK / Cancel); `false` when they
/// cancel or the page cannot ask.
fn ask(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
