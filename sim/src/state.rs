//! The simulator's configuration ([`Config`], [`Traffic`]) and the state every handler shares
//! ([`SimState`] behind [`AppState`]): fleet, key ring, hub, armed faults, flood pool, requests seen.
//!
//! Exists apart from the crate root so that handlers depend on this module and the root depends
//! on them, never the other way round (no import cycles). It must never hold a request's data:
//! what lives here outlives every stream.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use tokio::sync::watch;

use crate::auth::KeyStore;
use crate::clock::Nanos;
use crate::faults::{FaultControl, Faults};
use crate::fleet::Fleet;
use crate::flood::{Pool, POOL_EVENTS};
use crate::hub::{Hub, HISTORY_LIMIT, RELATED_CAPACITY, RELATED_TTL};
use crate::keyring::Keyring;
use crate::seen::SeenRequests;

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
    /// How long FindRelated finds an event after it was stored (TTS's payload TTL, 10 min).
    pub related_ttl: Nanos,
    /// At most this many events are retained for FindRelated.
    pub related_capacity: usize,
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
    /// Send CORS headers like TTS (`false`: like a server that does not allow the page's
    /// origin, `--no-cors`).
    pub cors: bool,
    /// Stand for a plain web server that is not a TTS cluster: `/api/…` answers Go's
    /// `404 page not found` (`--plain-web-server`).
    pub plain_web_server: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            seed: 1,
            applications: 2,
            devices_per_application: 3,
            gateways: 3,
            store: true,
            history_limit: HISTORY_LIMIT,
            related_ttl: RELATED_TTL,
            related_capacity: RELATED_CAPACITY,
            record: None,
            traffic: Traffic::Live {
                rate: 5.0,
                limit: None,
            },
            flood_pool_events: POOL_EVENTS,
            faults: Faults::default(),
            keys: None,
            serve_dir: None,
            base: "/".into(),
            viewer_config: false,
            cors: true,
            plain_web_server: false,
        }
    }
}

/// Shared state of one simulator instance.
pub struct SimState {
    /// Configuration.
    pub config: Config,
    /// The fleet.
    pub fleet: Fleet,
    /// API keys: the configured ones and those created at run time (`api_keys.rs`).
    pub keys: Keyring,
    /// The event hub.
    pub hub: Hub,
    /// Faults armed via `/sim/faults`.
    pub faults: FaultControl,
    /// Set to `true` to end all streams (shutdown).
    pub shutdown: watch::Sender<bool>,
    /// Flood mode's pool of generated events, once built (see `spawn_traffic` in the crate root).
    pub flood_pool: OnceLock<Arc<Pool>>,
    /// Every request that reached the simulator (`GET /sim/requests`).
    pub seen: Arc<SeenRequests>,
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
        let keys = Keyring::new(
            config
                .keys
                .clone()
                .unwrap_or_else(|| KeyStore::demo(&fleet)),
        );
        let mut hub = Hub::new(config.store)
            .with_entity_limit(config.history_limit)
            .with_related(config.related_ttl, config.related_capacity);
        if let Some(out) = record {
            hub = hub.recording_to(out);
        }
        Arc::new(Self {
            fleet,
            keys,
            hub,
            faults: FaultControl::default(),
            shutdown: watch::channel(false).0,
            flood_pool: OnceLock::new(),
            seen: Arc::default(),
            config,
        })
    }
}
