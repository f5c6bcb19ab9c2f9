//! The binary trunk builds: mounts `<App/>` on the page body, nothing else.
//! It must never hold logic: everything lives in the library so tests reach it.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(eventline::ui::App);
}
