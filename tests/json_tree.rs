//! Browser tests of the event inspector's JSON tree: a real TTS event from
//! `data/example-events.jsonl`, mounted in headless Chromium.
#![cfg(target_arch = "wasm32")]

use eventline::ui::JsonTree;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EXAMPLES: &str = include_str!("../data/example-events.jsonl");
const UPLINK_PATH: &str = "data.uplink_message";
/// A container that starts closed (the uplink's radio settings).
const SETTINGS_PATH: &str = "data.uplink_message.settings";
const RSSI_PATH: &str = "data.uplink_message.rx_metadata[0].rssi";

/// `ns.up.data.forward` of soil-node-01: nested objects, two `rx_metadata`,
/// base64 payloads and tokens, hex EUIs, int64 numbers as strings.
fn uplink_event() -> Value {
    EXAMPLES
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|e| e["unique_id"] == "01JB96GY0QYTX6EG8PWWNHRCC0")
        .expect("the example uplink event")
}

fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    host.unchecked_into()
}

async fn mount(event: Value) -> web_sys::HtmlElement {
    let host = host();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        view! { <JsonTree value=event.clone() /> }
    });
    handle.forget();
    leptos::task::tick().await;
    host
}

fn row(host: &web_sys::HtmlElement, path: &str) -> Option<web_sys::HtmlElement> {
    host.query_selector(&format!("[role=treeitem][data-path='{path}']"))
        .unwrap()
        .map(JsCast::unchecked_into)
}

fn expanded(host: &web_sys::HtmlElement, path: &str) -> Option<String> {
    row(host, path)
        .unwrap_or_else(|| panic!("row {path} is rendered"))
        .get_attribute("aria-expanded")
}

/// The text of the row's value (not of its children).
fn value_text(host: &web_sys::HtmlElement, path: &str) -> String {
    let row = row(host, path).unwrap_or_else(|| panic!("row {path} is rendered"));
    row.query_selector(":scope > .json-row > [class^=json-]:not(.json-key):not(.json-colon):not(.json-toggle):not(.json-actions)")
        .unwrap()
        .expect("a value span")
        .text_content()
        .unwrap()
}

fn button(host: &web_sys::HtmlElement, text: &str) -> web_sys::HtmlElement {
    let buttons = host.query_selector_all("button").unwrap();
    (0..buttons.length())
        .map(|i| {
            buttons
                .item(i)
                .unwrap()
                .unchecked_into::<web_sys::HtmlElement>()
        })
        .find(|b| b.text_content().as_deref() == Some(text))
        .unwrap_or_else(|| panic!("a button {text:?}"))
}

/// Waits on a real timer (clipboard promises settle outside the microtask queue).
async fn sleep(ms: i32) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

async fn press(item: &web_sys::HtmlElement, key: &str) {
    item.focus().unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    item.dispatch_event(&event).unwrap();
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn what_matters_starts_open_and_the_rest_closed() {
    let host = mount(uplink_event()).await;
    assert!(host.query_selector("[role=tree]").unwrap().is_some());
    for path in ["name", "time", "identifiers", "data", "unique_id"] {
        assert!(row(&host, path).is_some(), "{path} is visible");
    }
    assert_eq!(value_text(&host, "name"), "ns.up.data.forward");
    assert_eq!(expanded(&host, "data").as_deref(), Some("true"));
    // The message, its payload and its reception are open; the rest is not.
    assert_eq!(expanded(&host, UPLINK_PATH).as_deref(), Some("true"));
    assert_eq!(value_text(&host, "data.uplink_message.f_cnt"), "1843");
    assert_eq!(
        expanded(&host, "data.uplink_message.rx_metadata").as_deref(),
        Some("true")
    );
    assert_eq!(
        expanded(&host, "data.uplink_message.rx_metadata[0]").as_deref(),
        Some("false")
    );
    assert_eq!(expanded(&host, SETTINGS_PATH).as_deref(), Some("false"));
    assert_eq!(value_text(&host, SETTINGS_PATH), "{…} 3 keys");
    assert_eq!(expanded(&host, "correlation_ids").as_deref(), Some("false"));
    assert_eq!(value_text(&host, "identifiers[0]"), "{…} 1 key");
    // Children of a closed container are not in the DOM at all.
    assert!(row(&host, "data.uplink_message.settings.frequency").is_none());
    assert!(host
        .query_selector("[data-path^='data.uplink_message.settings.']")
        .unwrap()
        .is_none());
    // A row is named by its key and value (not its buttons or children).
    let labelled_by = row(&host, "name")
        .unwrap()
        .get_attribute("aria-labelledby")
        .unwrap();
    let name: Vec<String> = labelled_by
        .split(' ')
        .map(|id| {
            host.query_selector(&format!("#{id}"))
                .unwrap()
                .unwrap()
                .text_content()
                .unwrap()
        })
        .collect();
    assert_eq!(name, ["name", "ns.up.data.forward"]);
    // Leaves have no aria-expanded; containers' children sit in a group.
    assert_eq!(expanded(&host, "name"), None);
    assert!(row(&host, "data")
        .unwrap()
        .query_selector(":scope > [role=group]")
        .unwrap()
        .is_some());
}

#[wasm_bindgen_test]
async fn clicking_the_toggle_opens_and_closes() {
    let host = mount(uplink_event()).await;
    let toggle: web_sys::HtmlElement = row(&host, SETTINGS_PATH)
        .unwrap()
        .query_selector(":scope > .json-row > .json-toggle")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(
        toggle.get_attribute("aria-label").as_deref(),
        Some("Expand settings")
    );
    toggle.click();
    leptos::task::tick().await;
    assert_eq!(expanded(&host, SETTINGS_PATH).as_deref(), Some("true"));
    assert_eq!(
        value_text(&host, "data.uplink_message.settings.frequency"),
        "867500000"
    );
    assert_eq!(
        expanded(&host, "data.uplink_message.settings.data_rate").as_deref(),
        Some("false")
    );
    toggle.click();
    leptos::task::tick().await;
    assert_eq!(expanded(&host, SETTINGS_PATH).as_deref(), Some("false"));
    assert!(row(&host, "data.uplink_message.settings.frequency").is_none());
}

#[wasm_bindgen_test]
async fn keyboard_opens_closes_and_moves() {
    let host = mount(uplink_event()).await;
    let settings = row(&host, SETTINGS_PATH).unwrap();
    press(&settings, "ArrowRight").await;
    assert_eq!(expanded(&host, SETTINGS_PATH).as_deref(), Some("true"));
    assert!(row(&host, "data.uplink_message.settings.timestamp").is_some());
    press(&settings, "ArrowLeft").await;
    assert_eq!(expanded(&host, SETTINGS_PATH).as_deref(), Some("false"));
    assert!(row(&host, "data.uplink_message.settings.timestamp").is_none());
    press(&settings, "Enter").await;
    assert_eq!(expanded(&host, SETTINGS_PATH).as_deref(), Some("true"));
    press(&settings, " ").await;
    assert_eq!(expanded(&host, SETTINGS_PATH).as_deref(), Some("false"));

    // ArrowLeft on a closed row goes to its parent; Down goes to the next row.
    press(&settings, "ArrowLeft").await;
    let document = web_sys::window().unwrap().document().unwrap();
    let focused = || {
        document
            .active_element()
            .and_then(|e| e.get_attribute("data-path"))
    };
    assert_eq!(focused().as_deref(), Some(UPLINK_PATH));
    assert_eq!(
        row(&host, UPLINK_PATH).unwrap().tab_index(),
        0,
        "the focused row holds the tab stop"
    );
    assert_eq!(settings.tab_index(), -1);
    let at_type = row(&host, "data[\"@type\"]").unwrap();
    press(&at_type, "ArrowDown").await;
    // Keys keep the order TTS sent them in: `@type`, then `end_device_ids`.
    assert_eq!(focused().as_deref(), Some("data.end_device_ids"));

    // Closing the container of the focused row keeps focus in the tree.
    press(&settings, "ArrowRight").await;
    let timestamp = row(&host, "data.uplink_message.settings.timestamp").unwrap();
    timestamp.focus().unwrap();
    leptos::task::tick().await;
    let toggle: web_sys::HtmlElement = settings
        .query_selector(":scope > .json-row > .json-toggle")
        .unwrap()
        .unwrap()
        .unchecked_into();
    toggle.click();
    leptos::task::tick().await;
    assert!(row(&host, "data.uplink_message.settings.timestamp").is_none());
    assert_eq!(focused().as_deref(), Some(SETTINGS_PATH));
    assert_eq!(settings.tab_index(), 0);
}

#[wasm_bindgen_test]
async fn expand_all_shows_deep_values_and_collapse_all_hides_them() {
    let host = mount(uplink_event()).await;
    assert!(row(&host, RSSI_PATH).is_none());
    button(&host, "Expand all").click();
    leptos::task::tick().await;
    assert_eq!(value_text(&host, RSSI_PATH), "-112");
    assert_eq!(
        value_text(&host, "data.uplink_message.rx_metadata[1].snr"),
        "-9.25"
    );
    button(&host, "Collapse all").click();
    leptos::task::tick().await;
    assert!(row(&host, RSSI_PATH).is_none());
    assert_eq!(expanded(&host, "data").as_deref(), Some("false"));
    assert!(
        row(&host, "name").is_some(),
        "the first level stays visible"
    );
}

#[wasm_bindgen_test]
async fn long_base64_is_truncated_until_show_all() {
    let host = mount(uplink_event()).await;
    button(&host, "Expand all").click();
    leptos::task::tick().await;
    let path = "data.uplink_message.rx_metadata[0].uplink_token";
    let token = "Rsj38ayHMwGRPuUg+7+yaiotu7oKg5r7AaJlaAsLaEEqcujIPU62bpllBQQ=";
    assert_eq!(value_text(&host, path), format!("{}…", &token[..24]));
    let more: web_sys::HtmlElement = row(&host, path)
        .unwrap()
        .query_selector(".json-more")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(more.text_content().unwrap(), "show all (60 chars)");
    more.click();
    leptos::task::tick().await;
    assert_eq!(value_text(&host, path), token);
    // Short blobs and EUIs are shown whole, styled as blobs; numbers as numbers.
    assert_eq!(
        value_text(&host, "data.uplink_message.frm_payload"),
        "+SOZW2iZDQ=="
    );
    let eui = row(&host, "data.end_device_ids.dev_eui").unwrap();
    assert!(eui.query_selector(".json-blob").unwrap().is_some());
    let f_cnt = row(&host, "data.uplink_message.f_cnt").unwrap();
    assert!(f_cnt.query_selector(".json-num").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn event_content_is_text_never_html() {
    let mut event = uplink_event();
    let attack = "<img src=x onerror=alert(1)>";
    event["name"] = Value::String(attack.into());
    event["data"]["uplink_message"]["decoded_payload"] = serde_json::json!({ "note": attack });
    let host = mount(event).await;
    button(&host, "Expand all").click();
    leptos::task::tick().await;
    assert_eq!(value_text(&host, "name"), attack);
    assert_eq!(
        value_text(&host, "data.uplink_message.decoded_payload.note"),
        attack
    );
    assert!(host.query_selector("img").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn copy_buttons_name_the_path_and_report_the_outcome() {
    let host = mount(uplink_event()).await;
    button(&host, "Expand all").click();
    leptos::task::tick().await;
    let copy_path: web_sys::HtmlElement = host
        .query_selector(&format!("button[aria-label='Copy path {RSSI_PATH}']"))
        .unwrap()
        .expect("a copy-path button for rssi")
        .unchecked_into();
    assert!(host
        .query_selector(&format!("button[aria-label='Copy value {RSSI_PATH}']"))
        .unwrap()
        .is_some());
    assert!(host
        .query_selector("button[aria-label='Copy path context[\"tenant-id\"]']")
        .unwrap()
        .is_some());
    copy_path.click();
    // Headless Chromium may grant or refuse the clipboard: either way the
    // status line says so, and nothing panics.
    let status = host.query_selector("[role=status]").unwrap().unwrap();
    let mut text = String::new();
    for _ in 0..100 {
        sleep(50).await;
        text = status.text_content().unwrap_or_default();
        if !text.is_empty() {
            break;
        }
    }
    assert!(
        text == format!("Copied path {RSSI_PATH}")
            || text == "Copy failed: the browser blocked clipboard access",
        "status: {text:?}"
    );
}

#[wasm_bindgen_test]
async fn timestamps_use_the_formatter() {
    let host = host();
    let event = uplink_event();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        let format_time = Callback::new(|raw: String| {
            raw.strip_suffix('Z')
                .map(|t| format!("{} UTC", t.replace('T', " ")))
        });
        view! { <JsonTree value=event.clone() format_time=format_time /> }
    });
    handle.forget();
    leptos::task::tick().await;
    assert_eq!(
        value_text(&host, "time"),
        "2024-10-28 09:15:14.839447463 UTC"
    );
    let time = row(&host, "time").unwrap();
    let span = time.query_selector(".json-time").unwrap().unwrap();
    assert_eq!(
        span.get_attribute("title").as_deref(),
        Some("2024-10-28T09:15:14.839447463Z")
    );
    // Strings that are not timestamps are untouched.
    assert_eq!(value_text(&host, "name"), "ns.up.data.forward");
}
