//! Components only: they read signals and call core functions, and hold no
//! protocol or store logic. Event content is always rendered as text.

mod app;
mod connect_form;
mod json_tree;

pub use app::App;
pub use connect_form::ConnectForm;
pub use json_tree::JsonTree;
