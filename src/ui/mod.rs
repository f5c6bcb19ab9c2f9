//! Components only: they read signals and call core functions, and hold no
//! protocol or store logic. Event content is always rendered as text.

mod app;
mod connect_form;
mod event_row;
mod export;
mod format;
mod import;
mod json_tree;
mod live;
mod name_input;
mod share;
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
