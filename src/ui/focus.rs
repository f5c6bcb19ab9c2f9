//! Moving the keyboard's place (or the page) to an element found by a CSS selector.

use leptos::prelude::request_animation_frame;
use wasm_bindgen::JsCast;

/// The first element matching `selector`, if it can take the focus.
fn element(selector: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

/// Focuses the first element matching `selector` (moving it into view).
pub fn first(selector: &str) {
    if let Some(el) = element(selector) {
        let _ = el.focus();
    }
}

/// Focuses the first element matching `selector` and shows the whole of
/// the first element matching `around` (the box that says what the focused
/// button is for): focusing alone scrolls only the button into view, which
/// can leave the box's first lines above the window.
pub fn first_within(selector: &str, around: &str) {
    let Some(el) = element(selector) else { return };
    let options = web_sys::FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = el.focus_with_options(&options);
    let (Some(boxed), Some(height)) = (
        element(around),
        web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64()),
    ) else {
        return;
    };
    let rect = boxed.get_bounding_client_rect();
    if rect.top() < 0.0 || rect.height() > height {
        boxed.scroll_into_view_with_bool(true);
    } else if rect.bottom() > height {
        boxed.scroll_into_view_with_bool(false);
    }
}

/// [`first`], a frame later: for an element a change just made visible
/// (drawn by then).
pub fn first_next_frame(selector: &'static str) {
    request_animation_frame(move || first(selector));
}

/// Scrolls the page just enough to show the bottom of the first element
/// matching `selector` (a frame later, once drawn), if it is below the window.
pub fn reveal_next_frame(selector: &'static str) {
    request_animation_frame(move || {
        let Some(el) = element(selector) else { return };
        let below = web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64())
            .is_some_and(|h| el.get_bounding_client_rect().bottom() > h);
        if below {
            el.scroll_into_view_with_bool(false);
        }
    });
}

/// After Connect folds the form (hiding the focused button), the keyboard's
/// place is the summary's Edit, without scrolling the page (it follows the
/// newest events). A frame later: the summary is drawn by then.
pub fn after_connect() {
    request_animation_frame(|| {
        if let Some(edit) = element(".form-summary button") {
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = edit.focus_with_options(&options);
        }
    });
}
