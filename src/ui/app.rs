//! The page: header, the deployment banner, the connect form.
//!
//! Loads the optional `config.json` (see [`crate::config`]) once at start;
//! a missing or broken file only logs a warning to the console.

use leptos::prelude::*;

use super::ConnectForm;
use crate::config::{LoadedConfig, ViewerConfig};

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    let config = RwSignal::new(ViewerConfig::default());
    leptos::task::spawn_local(async move {
        let loaded = fetch_config().await;
        if let Some(warning) = &loaded.warning {
            leptos::logging::warn!("{warning}");
        }
        config.set(loaded.config);
    });

    view! {
        <header class="topbar">
            <h1 class="brand">"Eventline"</h1>
            <p class="tagline">"Live events from The Things Stack"</p>
        </header>
        <main class="page">
            {move || {
                config
                    .with(|c| c.banner.clone())
                    .map(|text| view! { <p class="banner" role="note">{text}</p> })
            }}
            <ConnectForm config=config.read_only() />
        </main>
    }
}

/// Reads `config.json` next to `index.html` (a relative URL, so the app works
/// under any sub-path).
async fn fetch_config() -> LoadedConfig {
    match gloo_net::http::Request::get("config.json").send().await {
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            ViewerConfig::from_response(status, &body)
        }
        Err(e) => LoadedConfig {
            config: ViewerConfig::default(),
            warning: Some(format!(
                "config.json could not be fetched ({e}); using the built-in defaults"
            )),
        },
    }
}
