//! The `eventline-sim` binary: parses the command line, prints the ready line
//! (`eventline-sim listening on http://<ip>:<port>` — always the first stdout line, test harnesses
//! read it), the API keys by ID with their rights and the fleet, then serves until Ctrl-C/SIGTERM.
//!
//! It must never print a key's rights without saying which key, and never crash on bad flags:
//! clap reports them, a bad keys file is an error message and exit code 2.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use eventline_sim::faults::{FaultBody, FaultError, Faults};
use eventline_sim::{normalize_base, serve, spawn_traffic, Config, KeyStore, SimState, Traffic};

const AFTER_HELP: &str = "\
KEYS FILE (--keys): TOML (*.toml) or JSON, a list of keys:
  [[keys]]
  key = \"NNSXS.<39 base32 chars>.<52 base32 chars>\"
  name = \"optional label\"
  expires = \"2030-01-01T00:00:00Z\"            # optional, RFC 3339
  [keys.rights]                                # entity -> rights
  \"application:soil-sensors\" = [\"RIGHT_APPLICATION_TRAFFIC_READ\"]
  \"gateway:rooftop-gw-01\" = [\"RIGHT_GATEWAY_ALL\"]
  \"*\" = [\"RIGHT_ALL\"]                         # every entity
  JSON: {\"keys\":[{\"key\":\"NNSXS…\",\"expires\":\"…\",\"rights\":{\"application:soil-sensors\":[\"RIGHT_ALL\"]}}]}
  Without --keys: a demo key (all rights), a limited key (first application + gateways),
  an info-only key and an expired key; all are printed at start.

PER-REQUEST FAULTS (query parameters of POST /api/v3/events):
  end_after=N  end_after_ms=T  cut_after=N  stall_after=N
  error_after=N [error=expired|revoked|unavailable]  malformed_after=N  chunk=1  status=429&retry=S
  status=N [body=json|html]  (N 400-599: that status instead of a stream; html = an nginx error page)
  With --flood, also the stream's pace: rate=R (events/s) [rate_after=N: the first N unpaced],
  e.g. ?rate=1000&rate_after=100000 fills a viewer with 100,000 events, then streams 1,000/s.
CONTROL ENDPOINT: POST /sim/faults {\"end_after\":3,\"chunk\":true,\"streams\":2}  arms the next K streams;
  a JSON array of such objects arms a queue, consumed in order ([{\"cut_after\":5},{\"stall_after\":2}]:
  the next stream is cut, the one after stalls). GET /sim/faults shows what is armed (an array when
  several); DELETE /sim/faults clears. (JSON keys = query names; 429 is \"status_429_retry\": S;
  {\"status\":502,\"body\":\"html\"} answers a proxy's error page.)

API KEYS OF AN ENTITY (TTS's ApplicationAccess/GatewayAccess, docs/tts/API.md section 11), under /api/v3:
  POST /applications/ID/api-keys {\"name\":\"viewer\",\"rights\":[\"RIGHT_APPLICATION_TRAFFIC_READ\"],\"expires_at\":\"2030-01-01T00:00:00Z\"}
  answers the new key's token once (\"key\"); GET .../api-keys lists without secrets (X-Total-Count);
  GET, PUT (empty rights deletes) and DELETE .../api-keys/KEY_ID; the same under /gateways/ID/. Needs
  RIGHT_*_SETTINGS_API_KEYS on the entity and every right handed out. Created keys stream with exactly their
  rights; deleting one, or its expiry, ends its open streams (api_key_not_found / api_key_expired).

LIVE TRAFFIC (--rate R events/s on average): flows as TTS runs them, overlapping, each event sent at its
  planned time and stamped with it: a data uplink heard by 1-3 gateways (every gs.up.receive carries the same
  raw_payload; the NS and AS events carry the first reception's gs:conn/gs:up:host/gs:uplink plus their own
  IDs; NS de-duplication ~200 ms), OTAA joins (js.join.accept carries only its NsJs RPC ID; the join-accept
  goes out in the Rx1 window 5 s after the join-request; now and then js.join.reject), confirmed downlinks
  (queued, sent through the best gateway 1 s after the device's next uplink, acknowledged or not by the one
  after). The same --seed gives the same sequence of events and entities; only times differ.

DEMO SCENARIOS (live traffic of the default fleet, whatever the --seed; times from the start):
  cold-chain/fridge-02        lossy: FCnt gaps from its 3rd uplink on (1-3 missed uplinks, e.g.
                              \"2 missed (FCnt 13-14)\"), again every 4 uplinks
  soil-sensors/soil-node-02   rejoins at 5 s, then every 2 min: js.join.reject \"DevNonce is too small\"
                              (dev_nonce_too_small, the NS's ns.up.join.cluster.fail says the same),
                              accepted 6.5-9 s later (new DevAddr, FCnt 0)
  cold-chain/fridge-01        from 3 s, then every 2 min: 3 confirmed downlinks, each sent after an
                              uplink: acked, nacked, too late (gs.down.tx.fail TOO_LATE,
                              as.down.data.failed.forward), in turn
  soil-sensors/soil-node-01   heard by every connected gateway: rooftop-gw-01 near (-85..-70 dBm),
                              warehouse-ttig mid (-105..-95 dBm), parking-gw-north far (-120..-112 dBm)
  cold-chain/fridge-03        weak: every reception below -110 dBm, SF11/SF12
  parking-gw-north            gs.gateway.disconnect at 40 s, then every 3 min; gs.gateway.connect
                              (a new connection) about 60 s later; hears nothing in between
  consumed_airtime is LoRa time on air (Semtech's formula: SF, 125 kHz, CR 4/5, frame length).
  --flood streams play no scenario.

FIND RELATED: GET /api/v3/events/related?correlation_id=ID  newest first, at most 100 (per ID), only events
  stored in the last --related-ttl seconds (TTS: while payloads are retained, 10 min); at most
  --related-capacity events in all. 400 storage_disabled with --no-store (--no-event-store).

WRONG SERVERS (what a viewer pointed at the wrong place meets):
  --fault-status 502 --fault-body-html   a reverse proxy's HTML error page (CORS headers still sent)
  --no-cors                              no CORS headers: another origin's page gets a network error
  --plain-web-server                     not a TTS cluster: /api/... answers 404 text/plain
                                         \"404 page not found\" (permissive CORS); --serve, /sim/* work

EXAMPLE:
  curl -N -X POST http://127.0.0.1:1885/api/v3/events -H 'Accept: text/event-stream' \\
    -H 'Authorization: Bearer <demo key printed at start>' \\
    -d '{\"identifiers\":[{\"application_ids\":{\"application_id\":\"soil-sensors\"}}]}'";

/// A simulator of The Things Stack v3.32 events streaming API (POST /api/v3/events).
#[derive(Parser, Debug)]
#[command(name = "eventline-sim", version, after_help = AFTER_HELP)]
struct Cli {
    /// Address to listen on (use port 0 for any free port; the ready line shows the real one).
    #[arg(long, default_value = "127.0.0.1:1885")]
    listen: SocketAddr,
    /// Seed of the deterministic generator (same seed ⇒ same sequence of events).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of applications in the fleet.
    #[arg(long, default_value_t = 2)]
    applications: usize,
    /// Devices per application.
    #[arg(long, default_value_t = 3)]
    devices_per_application: usize,
    /// Number of gateways.
    #[arg(long, default_value_t = 3)]
    gateways: usize,
    /// Live traffic rate in events per second, on average (0 = no traffic). Flows overlap and
    /// each event is sent at its planned time (hops of milliseconds, receive windows of 1 s and
    /// 5 s), stamped with that time.
    #[arg(long, default_value_t = 5.0)]
    rate: f64,
    /// Stop the live traffic after N events (prints "traffic: generated N events …" then).
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
    /// Write every event the simulator publishes (live or replayed) to FILE (created anew), one
    /// JSON object per line: a capture that --replay reads and tests compare against.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Flood mode for benchmarks: each stream gets its own generator, as fast as the client reads
    /// (or at the pace of the per-request `rate`, see below).
    #[arg(long, conflicts_with = "replay")]
    flood: bool,
    /// Distinct generated events a flood replays (more spread them over more devices: about one
    /// device per 10 events until every device is reached).
    #[arg(long, value_name = "N", default_value_t = eventline_sim::flood::POOL_EVENTS)]
    flood_pool: usize,
    /// Replay a capture (JSONL, one Event per line) instead of generated traffic.
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Replay speed multiplier (1 = original pace, 0 = as fast as possible).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Replay in a loop.
    #[arg(long = "loop")]
    looped: bool,
    /// Disable the events store (TTS's default `internal` backend): no history, `X-Warning` on
    /// tail/after, /api/v3/events/related answers 400 storage_disabled.
    #[arg(long, visible_alias = "no-event-store")]
    no_store: bool,
    /// Events the store keeps per entity (TTS's events.redis.store.entity-count; 24 h at most).
    #[arg(long, value_name = "N", default_value_t = eventline_sim::hub::HISTORY_LIMIT)]
    history_limit: usize,
    /// How long /api/v3/events/related finds an event after it was stored, in seconds (TTS
    /// returns events only while their payloads are retained, 10 min by default).
    #[arg(long, value_name = "SECS", default_value_t = 600.0)]
    related_ttl: f64,
    /// At most N events are retained for /api/v3/events/related (oldest go first; at most 100
    /// per correlation ID, like TTS).
    #[arg(long, value_name = "N", default_value_t = eventline_sim::hub::RELATED_CAPACITY)]
    related_capacity: usize,
    /// API keys file (TOML or JSON, see below); default: the demo keys.
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,
    /// Serve the static viewer from this directory on the same origin.
    #[arg(long, value_name = "DIR")]
    serve: Option<PathBuf>,
    /// URL base of the static viewer, e.g. /eventline/ ("/" redirects there).
    #[arg(long, default_value = "/")]
    base: String,
    /// Also serve <base>config.json pre-filling the viewer with this simulator's
    /// URL and the demo API key (what `cargo xtask demo` uses). Demo only.
    #[arg(long)]
    viewer_config: bool,
    /// Fault for every stream: end (EOF) after N events.
    #[arg(long, value_name = "N")]
    fault_end_after: Option<u64>,
    /// Fault for every stream: end (EOF) after T milliseconds.
    #[arg(long, value_name = "T")]
    fault_end_after_ms: Option<u64>,
    /// Fault for every stream: after N events, write half of the next frame and break the
    /// connection (no clean end of the body).
    #[arg(long, value_name = "N")]
    fault_cut_after: Option<u64>,
    /// Fault for every stream: stop writing after N events, keep the connection open.
    #[arg(long, value_name = "N")]
    fault_stall_after: Option<u64>,
    /// Fault for every stream: send a mid-stream {"error":…} after N events, then end.
    #[arg(long, value_name = "N")]
    fault_error_after: Option<u64>,
    /// Which error --fault-error-after sends.
    #[arg(long, value_enum, value_name = "KIND")]
    fault_error: Option<FaultError>,
    /// Fault for every stream: one malformed frame after N events.
    #[arg(long, value_name = "N")]
    fault_malformed_after: Option<u64>,
    /// Fault for every stream: write every byte as its own chunk.
    #[arg(long)]
    fault_chunk: bool,
    /// Fault for every stream: answer 429 with X-Rate-Limit-Retry: S.
    #[arg(long, value_name = "S")]
    fault_429_retry: Option<u64>,
    /// Answer every POST /api/v3/events with HTTP status CODE (400-599) instead of a stream,
    /// with a TTS-shaped JSON body (429: TTS's rate-limit error, see --fault-429-retry).
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(400..=599))]
    fault_status: Option<u16>,
    /// With --fault-status: answer an HTML error page like a reverse proxy's (nginx), with
    /// Content-Type: text/html, instead of the JSON body.
    #[arg(long, requires = "fault_status")]
    fault_body_html: bool,
    /// Send no CORS headers at all and answer preflights without Access-Control-Allow-*, like a
    /// server that does not allow the page's origin: a browser on another origin gets a network
    /// error.
    #[arg(long)]
    no_cors: bool,
    /// Stand for a plain web server that is not a TTS cluster: every request under /api/ gets
    /// 404 text/plain "404 page not found" (Go's default), with permissive CORS so the browser
    /// can read it. --serve and /sim/* keep working.
    #[arg(long)]
    plain_web_server: bool,
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let keys = match &cli.keys {
        None => None,
        Some(p) => match KeyStore::load(p) {
            Ok(k) => Some(k),
            Err(e) => {
                eprintln!("eventline-sim: {e}");
                return std::process::ExitCode::from(2);
            }
        },
    };
    let traffic = if cli.flood {
        Traffic::Flood
    } else if let Some(path) = cli.replay.clone() {
        Traffic::Replay {
            path,
            speed: cli.speed.max(0.0),
            looped: cli.looped,
        }
    } else {
        Traffic::Live {
            rate: cli.rate.max(0.0),
            limit: cli.limit,
        }
    };
    let config = Config {
        seed: cli.seed,
        flood_pool_events: cli.flood_pool.max(1),
        applications: cli.applications,
        devices_per_application: cli.devices_per_application,
        gateways: cli.gateways,
        store: !cli.no_store,
        history_limit: cli.history_limit,
        related_ttl: (cli.related_ttl.max(0.0) * 1e9) as i64,
        related_capacity: cli.related_capacity,
        record: cli.record.clone(),
        traffic,
        faults: Faults {
            end_after: cli.fault_end_after,
            end_after_ms: cli.fault_end_after_ms,
            cut_after: cli.fault_cut_after,
            stall_after: cli.fault_stall_after,
            error_after: cli.fault_error_after,
            error: cli.fault_error,
            malformed_after: cli.fault_malformed_after,
            chunk: cli.fault_chunk.then_some(true),
            status_429_retry: cli.fault_429_retry,
            status: cli.fault_status,
            body: cli.fault_body_html.then_some(FaultBody::Html),
            rate: None,
            rate_after: None,
        }
        .with_status_429_as_retry(None),
        keys,
        serve_dir: cli.serve.clone(),
        base: normalize_base(&cli.base),
        viewer_config: cli.viewer_config,
        cors: !cli.no_cors,
        plain_web_server: cli.plain_web_server,
    };
    let listener = match tokio::net::TcpListener::bind(cli.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("eventline-sim: cannot listen on {}: {e}", cli.listen);
            return std::process::ExitCode::from(1);
        }
    };
    let addr = listener.local_addr().unwrap_or(cli.listen);
    let state = match SimState::try_new(config) {
        Ok(state) => state,
        Err(e) => {
            eprintln!("eventline-sim: cannot record: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "eventline-sim listening on http://{addr}");
    let _ = out.flush();
    for k in state.keys.configured().keys() {
        let rights: Vec<String> = k
            .rights
            .iter()
            .map(|(e, r)| format!("{e}={}", r.join("+")))
            .collect();
        let token = [
            eventline_sim::DEMO_API_KEY,
            eventline_sim::LIMITED_API_KEY,
            eventline_sim::INFO_ONLY_API_KEY,
            eventline_sim::EXPIRED_API_KEY,
        ]
        .into_iter()
        .find(|t| cli.keys.is_none() && t.split('.').nth(1) == Some(k.id.as_str()));
        let shown = token.map_or_else(|| format!("key ID {}", k.id), str::to_string);
        let _ = writeln!(
            out,
            "api key [{}]: {shown}\n    rights: {}",
            k.name,
            rights.join(", ")
        );
    }
    for a in &state.fleet.applications {
        let devs: Vec<&str> = a.devices.iter().map(|d| d.device_id.as_str()).collect();
        let _ = writeln!(
            out,
            "application {}: devices {}",
            a.application_id,
            devs.join(", ")
        );
    }
    let gws: Vec<&str> = state
        .fleet
        .gateways
        .iter()
        .map(|g| g.gateway_id.as_str())
        .collect();
    let _ = writeln!(out, "gateways: {}", gws.join(", "));
    let f = &state.fleet;
    let _ = writeln!(
        out,
        "user: {}  organization: {}  client: {}",
        f.user_id, f.organization_id, f.client_id
    );
    if cli.serve.is_some() {
        let _ = writeln!(out, "viewer: http://{addr}{}", state.config.base);
    }
    let _ = out.flush();
    drop(out);
    let _traffic = spawn_traffic(&state);
    match serve(listener, state, shutdown_signal()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eventline-sim: server error: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
