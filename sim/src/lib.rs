//! `eventline-sim`: a faithful simulator of The Things Stack v3.32 events streaming API
//! (`POST /api/v3/events`, see `docs/tts/API.md`), for developing and testing the Eventline
//! viewer without a real LoRaWAN network.
//!
//! Shape (axum's testing example): [`app`] builds the `Router` from an [`AppState`], [`serve`]
//! runs it on a listener until a shutdown future resolves, [`spawn_traffic`] starts the live or
//! replay source. This root declares every module and depends on them; no module depends on it
//! (they import what they need from `state`, `framing`, …), so the module graph has no cycles.
//! Nothing here may panic on request data, and no key secret is ever logged.

// `TtsError` is deliberately a plain, inspectable struct (tests and handlers read its fields);
// errors are the cold path of a request, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod api_key_request;
pub mod api_keys;
pub mod auth;
pub mod catalog;
pub mod clock;
pub mod cors;
pub mod error;
pub mod faults;
pub mod fleet;
pub mod flood;
pub mod framing;
pub mod generator;
pub mod hub;
pub mod ids;
pub mod keyring;
pub mod prng;
pub mod replay;
pub mod request;
pub mod rights;
pub mod seen;
pub mod source;
pub mod state;
pub mod stream;
pub mod web;
pub mod writer;
pub mod wrong_server;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use auth::{KeyStore, DEMO_API_KEY, EXPIRED_API_KEY, INFO_ONLY_API_KEY, LIMITED_API_KEY};
pub use faults::Faults;
pub use fleet::Fleet;
pub use hub::Hub;
pub use state::{AppState, Config, SimState, Traffic};

/// Normalises a `--base` value to `/…/`.
pub fn normalize_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// The router: the events API, the API keys of applications and gateways, the fault control endpoint and (optionally) the static viewer;
/// with `plain_web_server`, a plain web server's 404 under `/api/` instead of the API.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route(
            "/api/v3/events",
            post(stream::stream_events).fallback(web::method_not_allowed),
        )
        .route(
            "/api/v3/events/related",
            get(web::find_related).fallback(web::method_not_allowed),
        )
        .route(
            "/api/v3/applications/{application_id}/api-keys",
            keys_collection(),
        )
        .route(
            "/api/v3/applications/{application_id}/api-keys/{key_id}",
            keys_item(),
        )
        .route("/api/v3/gateways/{gateway_id}/api-keys", keys_collection())
        .route(
            "/api/v3/gateways/{gateway_id}/api-keys/{key_id}",
            keys_item(),
        )
        .route("/api/v3/{*rest}", axum::routing::any(web::not_found))
        .route("/sim/requests", get(web::requests_seen))
        .route(
            "/sim/faults",
            get(web::faults_get)
                .post(web::faults_post)
                .delete(web::faults_delete),
        )
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024));
    // `--no-cors`: a server that does not allow the page's origin (gorilla's answer to one).
    let api = if state.config.cors {
        api.layer(from_fn(cors::cors))
    } else {
        api.layer(from_fn(cors::deny))
    };
    let api = api.layer(from_fn(web::common_headers));
    let mut router = api;
    if state.config.viewer_config {
        let path = format!("{}config.json", normalize_base(&state.config.base));
        router = router.route(&path, get(web::viewer_config));
    }
    if let Some(dir) = &state.config.serve_dir {
        let base = normalize_base(&state.config.base);
        let files = tower_http::services::ServeDir::new(dir).append_index_html_on_directories(true);
        if base == "/" {
            router = router.fallback_service(files);
        } else {
            let target = base.clone();
            let redirect = move || {
                let t = target.clone();
                async move { Redirect::temporary(&t) }
            };
            // `/base` (no slash) must redirect too, or the viewer's relative URLs break.
            let bare = base.trim_end_matches('/').to_string();
            let target = base.clone();
            let slash = from_fn(
                move |req: axum::extract::Request, next: axum::middleware::Next| {
                    let redirect = req.uri().path() == bare;
                    let t = target.clone();
                    async move {
                        if redirect {
                            Redirect::temporary(&t).into_response()
                        } else {
                            next.run(req).await
                        }
                    }
                },
            );
            router = router
                .route("/", get(redirect))
                .nest_service(base.trim_end_matches('/'), files)
                .layer(slash);
        }
    }
    let seen = Arc::clone(&state.seen);
    let plain = state.config.plain_web_server;
    let mut router: Router = router.with_state(state);
    if plain {
        // Before routing (not a per-route layer): under `/api/` nothing of the simulator
        // answers, not even its CORS or its method router's `Allow`.
        router = Router::new()
            .fallback_service(router)
            .layer(from_fn(wrong_server::plain_web_server));
    }
    router.layer(from_fn_with_state(seen, seen::record))
}

/// `…/api-keys`: list and create (API.md §11).
fn keys_collection() -> axum::routing::MethodRouter<AppState> {
    get(api_keys::list)
        .post(api_keys::create)
        .fallback(web::method_not_allowed)
}

/// `…/api-keys/{key_id}`: get, update, delete (API.md §11).
fn keys_item() -> axum::routing::MethodRouter<AppState> {
    get(api_keys::get_key)
        .put(api_keys::update)
        .delete(api_keys::delete)
        .fallback(web::method_not_allowed)
}

/// Serves `app(state)` on `listener` until `shutdown` resolves, then ends every open stream.
///
/// # Errors
/// I/O errors from the listener.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(Arc::clone(&state));
    let st = Arc::clone(&state);
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = st.shutdown.send(true);
        })
        .await
}

/// Starts the background traffic source: the live generator or the replay (their task is
/// returned), or the thread building flood mode's event pool.
pub fn spawn_traffic(state: &AppState) -> Option<JoinHandle<()>> {
    match state.config.traffic.clone() {
        Traffic::Live { rate, limit } if rate > 0.0 => {
            let st = Arc::clone(state);
            Some(tokio::spawn(async move { live(st, rate, limit).await }))
        }
        Traffic::Replay {
            path,
            speed,
            looped,
        } => {
            let st = Arc::clone(state);
            Some(tokio::spawn(async move {
                replay::run(st, path, speed, looped).await
            }))
        }
        Traffic::Flood => {
            // A thread of its own: streams are served (generating) meanwhile.
            let st = Arc::clone(state);
            std::thread::spawn(move || {
                let pool = flood::Pool::generate(
                    st.fleet.clone(),
                    st.config.seed,
                    st.config.flood_pool_events,
                );
                let _ = st.flood_pool.set(Arc::new(pool));
            });
            None
        }
        _ => None,
    }
}

/// How far the live generator may fall behind the wall clock before it skips ahead (its
/// remaining events move later) instead of catching up in a burst.
const MAX_LAG: Duration = Duration::from_secs(1);

async fn live(state: AppState, rate: f64, limit: Option<u64>) {
    // Each gateway reports connection stats about once a minute (API.md §3.5), staggered.
    let stats_every = (rate * 60.0).max(1.0) as u64;
    let mut g = generator::Generator::new(state.fleet.clone(), state.config.seed, stats_every)
        .with_rate(rate);
    // Virtual time 0 of the generator is now: an event is published when the wall clock reaches
    // its planned time, stamped with that time (flows overlap, hops take milliseconds).
    g.start(clock::now());
    let lag = MAX_LAG.as_nanos() as i64;
    // `published`: events sent, which `--limit` counts.
    let mut published: u64 = 0;
    let mut shutdown = state.shutdown.subscribe();
    loop {
        let now = clock::now();
        // A simulator that cannot keep up (a debug build on a busy machine) sends later instead
        // of starving its streams while it catches up.
        if let Some(behind) = g.due().map(|due| now - due).filter(|b| *b > lag) {
            g.delay(behind - lag / 10);
        }
        while limit.is_none_or(|l| published < l) && g.due().is_some_and(|due| due <= now) {
            state.hub.publish(g.next_event(now));
            published += 1;
            if published.is_multiple_of(64) {
                tokio::task::yield_now().await;
            }
        }
        if limit == Some(published) {
            // Test harnesses wait for this line (stdout, after the ready line).
            println!("traffic: generated {published} events (--limit), no more live traffic");
            return;
        }
        // Until the next event is due (at most 100 ms, at least 1 ms).
        let wait = g
            .due()
            .map_or(100_000_000, |due| due - clock::now())
            .clamp(1_000_000, 100_000_000);
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_nanos(wait as u64)) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
    }
}
