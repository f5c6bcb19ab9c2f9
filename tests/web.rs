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

    // Labels that wrap their checkbox (e.g. "Remember on this device") need no `for`.
    // The form's own labels (the page has others, e.g. the share dialog's).
    let form = host.query_selector("form#connect-form").unwrap().unwrap();
    let labels = form.query_selector_all("label[for]").unwrap();
    let mut texts = Vec::new();
    for i in 0..labels.length() {
        let label: web_sys::HtmlElement = labels.item(i).unwrap().unchecked_into();
        let target = label.get_attribute("for").unwrap();
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

fn set_value(host: &web_sys::HtmlElement, selector: &str, value: &str) {
    let element = host.query_selector(selector).unwrap().unwrap();
    js_sys::Reflect::set(&element, &"value".into(), &value.into()).unwrap();
    let event = web_sys::Event::new_with_event_init_dict("input", &{
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        init
    })
    .unwrap();
    element.dispatch_event(&event).unwrap();
}

fn text_of(host: &web_sys::HtmlElement, selector: &str) -> Option<String> {
    host.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
}

/// Bad input is refused before connecting, each problem next to its field,
/// and fixing it clears the message.
#[wasm_bindgen_test]
async fn form_validation_names_each_problem_next_to_its_field() {
    let host = host();
    let _handle = leptos::mount::mount_to(host.clone(), eventline::ui::App);
    leptos::task::tick().await;

    set_value(&host, "#cluster-url", "ftp://example.com");
    set_value(&host, "#api-key", "not a key");
    set_value(&host, "#entities", "Soil Sensors, gw:rooftop-gw-01");
    set_value(&host, "#event-names", "as.up.foo, /^zz\\./");
    set_value(&host, "#tail", "-3");
    set_value(&host, "#after", "yesterday");
    leptos::task::tick().await;
    let submit: web_sys::HtmlElement = host
        .query_selector("button[type=submit]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    submit.click();
    leptos::task::tick().await;

    // The cluster field says what is wrong with it (and, if config.json is
    // still loading, that too).
    let cluster = text_of(&host, "#cluster-url-error").expect("cluster URL problem");
    assert!(cluster.contains("https://"), "{cluster}");
    let key = text_of(&host, "#api-key-error").expect("API key problem");
    assert!(key.contains("API key"), "{key}");
    let entities = text_of(&host, "#entities-error").expect("entities problem");
    assert!(entities.contains("Soil Sensors"), "{entities}");
    let names = text_of(&host, "#event-names-error").expect("names problem");
    assert!(names.contains("as.up.foo"), "{names}");
    assert!(
        names.contains("zz"),
        "the regexp that matches nothing: {names}"
    );
    assert!(text_of(&host, "#tail-error").is_some());
    assert!(text_of(&host, "#after-error").is_some());
    let entities_field = host.query_selector("#entities").unwrap().unwrap();
    assert_eq!(
        entities_field.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    // Nothing was sent: the connection never left "not connected".
    assert_eq!(
        text_of(&host, ".status-bar .state").as_deref(),
        Some("not connected")
    );

    // Fixing the entities clears their message on the next try.
    set_value(&host, "#entities", "soil-sensors");
    leptos::task::tick().await;
    submit.click();
    leptos::task::tick().await;
    assert!(text_of(&host, "#entities-error").is_none());
    assert!(text_of(&host, "#cluster-url-error").is_some());
}

/// The text filter's scan in the browser (wasm SIMD, 16 positions at once)
/// finds exactly what a naive search finds: needles at every offset, across
/// block ends, in mixed case, among bytes that differ from a letter by its
/// case bit only (`@`/`` ` ``, `[`/`{`, `\r`/`-`), and bytes past ASCII.
#[wasm_bindgen_test]
fn caseless_scan_agrees_with_a_naive_search() {
    // Also the two bytes of "é" (0xC3 0xA9): a byte past ASCII never folds.
    let alphabet = b"aAbB-@`[{\rz0\xc3\xa9";
    let mut seed = 0x2545_f491_u32;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as usize % n
    };
    let mut checked = 0;
    for _ in 0..3000 {
        let hay: Vec<u8> = (0..next(70))
            .map(|_| alphabet[next(alphabet.len())])
            .collect();
        let needle: Vec<u8> = if !hay.is_empty() && next(2) == 0 {
            // A piece of the hay, its case flipped at random: always found.
            let from = next(hay.len());
            let len = 1 + next((hay.len() - from).min(20));
            hay[from..from + len]
                .iter()
                .map(|&b| {
                    if next(2) == 0 {
                        b.to_ascii_uppercase()
                    } else {
                        b
                    }
                })
                .collect()
        } else {
            (0..1 + next(5))
                .map(|_| alphabet[next(alphabet.len())])
                .collect()
        };
        // The filter's text is a `str`: a needle cut inside "é" is no needle.
        let Ok(needle) = String::from_utf8(needle) else {
            continue;
        };
        let naive = hay
            .to_ascii_lowercase()
            .windows(needle.len())
            .any(|w| w == needle.to_ascii_lowercase().as_bytes());
        assert_eq!(
            eventline::store::Caseless::new(&needle).found_in(&hay),
            naive,
            "{needle:?} in {:?}",
            String::from_utf8_lossy(&hay)
        );
        checked += usize::from(naive);
    }
    assert!(checked > 800, "only {checked} of the needles were there");
}
