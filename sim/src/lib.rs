//! `eventline-sim`: a faithful simulator of The Things Stack v3.32 events streaming API
//! (`POST /api/v3/events`, see `shared/tts/API.md`), for developing and testing the Eventline
//! viewer without a real LoRaWAN network.
//!
//! Shape (axum's testing example): [`app`] builds the `Router` from an [`AppState`], [`serve`]
//! runs it on a listener until a shutdown future resolves, [`spawn_traffic`] starts the live or
//! replay source. Nothing here may panic on request data, and no key secret is ever logged.

// `TtsError` is deliberately a plain, inspectable struct (tests and handlers read its fields);
// errors are the cold path of a request, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod catalog;
pub mod clock;
pub mod cors;
pub mod error;
pub mod faults;
pub mod fleet;
pub mod flood;
pub mod generator;
pub mod hub;
pub mod ids;
pub mod prng;
pub mod replay;
pub mod request;
pub mod seen;
pub mod stream;
pub mod web;

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use auth::{KeyStore, DEMO_API_KEY, EXPIRED_API_KEY, INFO_ONLY_API_KEY, LIMITED_API_KEY};
pub use faults::Faults;
pub use fleet::Fleet;
pub use hub::Hub;

/// Where events come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Traffic {
    /// One background generator at `rate` events/s into the hub (`0` = no traffic).
    Live {
        /// Events per second.
        rate: f64,
        /// Stop after this many events (`None` = never).
        limit: Option<u64>,
    },
    /// Each stream cycles through a pool of generated events (fresh `time` and `unique_id`
    /// each), as fast as the client reads (not stored).
    Flood,
    /// Replay a capture through the hub.
    Replay {
        /// The JSONL file.
        path: PathBuf,
        /// Pace multiplier (`0` = as fast as possible).
        speed: f64,
        /// Start over at the end.
        looped: bool,
    },
}

/// Everything the simulator is configured with.
#[derive(Debug, Clone)]
pub struct Config {
    /// PRNG seed.
    pub seed: u64,
    /// Number of applications.
    pub applications: usize,
    /// Devices per application.
    pub devices_per_application: usize,
    /// Number of gateways.
    pub gateways: usize,
    /// Keep history (`tail`/`after`, FindRelated).
    pub store: bool,
    /// Events the history keeps per entity (TTS: `events.redis.store.entity-count`, 100).
    pub history_limit: usize,
    /// Write every published event to this file, created anew (JSONL, a capture `--replay` reads).
    pub record: Option<PathBuf>,
    /// Traffic source.
    pub traffic: Traffic,
    /// Flood mode: how many generated events streams cycle through.
    pub flood_pool_events: usize,
    /// Faults applied to every stream.
    pub faults: Faults,
    /// API keys (`None` = the demo key set).
    pub keys: Option<KeyStore>,
    /// Static viewer directory.
    pub serve_dir: Option<PathBuf>,
    /// URL base of the static viewer (`/` or `/sub/path/`).
    pub base: String,
    /// Serve `<base>config.json` pre-filling the viewer with this simulator's
    /// URL and (with the built-in keys) the demo API key — for `cargo xtask demo`.
    pub viewer_config: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            seed: 1,
            applications: 2,
            devices_per_application: 3,
            gateways: 3,
            store: true,
            history_limit: hub::HISTORY_LIMIT,
            record: None,
            traffic: Traffic::Live {
                rate: 5.0,
                limit: None,
            },
            flood_pool_events: flood::POOL_EVENTS,
            faults: Faults::default(),
            keys: None,
            serve_dir: None,
            base: "/".into(),
            viewer_config: false,
        }
    }
}

/// Shared state of one simulator instance.
pub struct SimState {
    /// Configuration.
    pub config: Config,
    /// The fleet.
    pub fleet: Fleet,
    /// API keys.
    pub keys: KeyStore,
    /// The event hub.
    pub hub: Hub,
    /// Faults armed via `/sim/faults`.
    pub faults: faults::FaultControl,
    /// Set to `true` to end all streams (shutdown).
    pub shutdown: watch::Sender<bool>,
    /// Flood mode's pool of generated events, once built (see [`spawn_traffic`]).
    pub flood_pool: OnceLock<Arc<flood::Pool>>,
    /// Every request that reached the simulator (`GET /sim/requests`).
    pub seen: seen::SeenRequests,
}

/// The state handle passed to handlers.
pub type AppState = Arc<SimState>;

impl SimState {
    /// Builds the state for `config`.
    ///
    /// # Errors
    /// The `record` file cannot be created.
    pub fn try_new(config: Config) -> std::io::Result<AppState> {
        let record = match &config.record {
            Some(path) => Some(
                Box::new(std::io::LineWriter::new(std::fs::File::create(path)?))
                    as Box<dyn std::io::Write + Send>,
            ),
            None => None,
        };
        Ok(Self::build(config, record))
    }

    /// Builds the state for `config`; a `record` file that cannot be created is reported on
    /// stderr and not written (see [`SimState::try_new`]).
    pub fn new(config: Config) -> AppState {
        let fallback = config.clone();
        Self::try_new(config).unwrap_or_else(|e| {
            eprintln!("eventline-sim: cannot record: {e}");
            Self::build(fallback, None)
        })
    }

    fn build(config: Config, record: Option<Box<dyn std::io::Write + Send>>) -> AppState {
        let fleet = Fleet::new(
            config.seed,
            config.applications,
            config.devices_per_application,
            config.gateways,
        );
        let keys = config
            .keys
            .clone()
            .unwrap_or_else(|| KeyStore::demo(&fleet));
        let mut hub = Hub::new(config.store).with_entity_limit(config.history_limit);
        if let Some(out) = record {
            hub = hub.recording_to(out);
        }
        Arc::new(Self {
            fleet,
            keys,
            hub,
            faults: faults::FaultControl::default(),
            shutdown: watch::channel(false).0,
            flood_pool: OnceLock::new(),
            seen: seen::SeenRequests::default(),
            config,
        })
    }
}

/// Normalises a `--base` value to `/…/`.
pub fn normalize_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// The router: the events API, the fault control endpoint and (optionally) the static viewer.
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
        .route("/api/v3/{*rest}", axum::routing::any(web::not_found))
        .route("/sim/requests", get(seen::list))
        .route(
            "/sim/faults",
            get(web::faults_get)
                .post(web::faults_post)
                .delete(web::faults_delete),
        )
        .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
        .layer(from_fn(cors::cors))
        .layer(from_fn(web::common_headers));
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
    router
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            seen::record,
        ))
        .with_state(state)
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

async fn live(state: AppState, rate: f64, limit: Option<u64>) {
    // Each gateway reports connection stats about once a minute (API.md §3.5), staggered.
    let stats_every = (rate * 60.0).max(1.0) as u64;
    let mut g = generator::Generator::new(state.fleet.clone(), state.config.seed, stats_every);
    let tick = Duration::from_secs_f64((1.0 / rate).max(0.01));
    let started = tokio::time::Instant::now();
    // `slot`: how far the schedule (rate × time) has been served; `published`: events sent,
    // which `--limit` counts.
    let mut slot: u64 = 0;
    let mut published: u64 = 0;
    let mut shutdown = state.shutdown.subscribe();
    loop {
        let due = (started.elapsed().as_secs_f64() * rate) as u64 + 1;
        // At most 100 ms of traffic at once: a simulator that cannot keep up (a debug build
        // on a busy machine) sends later instead of starving its streams while it catches up.
        let burst = ((rate / 10.0) as u64).max(1);
        slot = slot.max(due.saturating_sub(burst));
        while slot < due && limit.is_none_or(|l| published < l) {
            state.hub.publish(g.next_event(clock::now()));
            slot += 1;
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
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = shutdown.wait_for(|s| *s) => return,
        }
    }
}
