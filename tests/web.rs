//! Browser tests: the real components in headless Chromium
//! (`wasm-bindgen-test`, run by `cargo xtask test`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host.unchecked_into()
}

/// Every field the form promises has a visible label of exactly that text,
/// tied to an input by `for`/`id`.
#[wasm_bindgen_test]
async fn connect_form_has_every_labelled_field() {
    let host = host();
    let _handle = leptos::mount::mount_to(host.clone(), eventline::ui::App);
    leptos::task::tick().await;

    let labels = host.query_selector_all("label").unwrap();
    let mut texts = Vec::new();
    for i in 0..labels.length() {
        let label: web_sys::HtmlElement = labels.item(i).unwrap().unchecked_into();
        let target = label.get_attribute("for").expect("label has a `for`");
        assert!(
            host.query_selector(&format!("#{target}"))
                .unwrap()
                .is_some(),
            "label {:?} points at a missing field",
            label.inner_text()
        );
        texts.push(label.text_content().unwrap());
    }
    assert_eq!(
        texts,
        [
            "Cluster URL",
            "API key",
            "Entities",
            "Event names",
            "Tail",
            "After"
        ]
    );
    let button = host.query_selector("button[type=submit]").unwrap().unwrap();
    assert_eq!(button.text_content().unwrap(), "Connect");
}

/// The API key is a password field until the user asks to see it.
#[wasm_bindgen_test]
async fn api_key_is_hidden_until_shown() {
    let host = host();
    let _handle = leptos::mount::mount_to(host.clone(), eventline::ui::App);
    leptos::task::tick().await;

    let key = host.query_selector("#api-key").unwrap().unwrap();
    assert_eq!(key.get_attribute("type").as_deref(), Some("password"));
    let toggle: web_sys::HtmlElement = host
        .query_selector("button[aria-controls=api-key]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    toggle.click();
    leptos::task::tick().await;
    assert_eq!(key.get_attribute("type").as_deref(), Some("text"));
    toggle.click();
    leptos::task::tick().await;
    assert_eq!(key.get_attribute("type").as_deref(), Some("password"));
}
