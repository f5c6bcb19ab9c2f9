//! The deterministic traffic generator: turns a `Fleet` and a seed into an endless sequence of
//! internally consistent TTS events — OTAA joins, uplinks heard by 1–3 gateways, confirmed
//! downlinks (ack/nack/failure), gateway connect/status/stats/disconnect, drops and decode
//! failures, registry events — following the flows of API.md §8.
//!
//! Exists so the viewer can be developed and benchmarked without a real network. The same seed
//! must always give the same sequence of names and entity choices; only `time` and the time part
//! of ULIDs come from the clock. It must never panic, whatever the fleet size (even empty).

mod flows;
mod payload;
pub mod template;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use serde_json::{json, Value};

use crate::clock::Nanos;
use crate::fleet::{Device, Fleet, Gateway, SensorKind};
use crate::prng::{base64, Prng};
use template::{finalize, instantiate, Rx, Subst};

/// The `origin` of generated events (a self-hosted open-source server's hostname).
pub const ORIGIN: &str = "eventline-sim";

struct GatewayState {
    gw: Gateway,
    connected: bool,
    conn: String,
    host: String,
    stats_due: u64,
}

struct DeviceState {
    dev: Device,
    app_index: usize,
    dev_addr: String,
    f_cnt: u32,
    session_key_id: String,
    last_gateway: usize,
}

/// The generator. Call [`Generator::next_event`] forever.
pub struct Generator {
    p: Prng,
    fleet: Fleet,
    gateways: Vec<GatewayState>,
    devices: Vec<DeviceState>,
    queue: VecDeque<Value>,
    emitted: u64,
    stats_every: u64,
    token_id: String,
}

fn ids(id_key: &str, id: &str) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(id_key.into(), json!(id));
    Value::Object(m)
}

impl Generator {
    /// A generator for `fleet`; `stats_every` = events between two connection-stats messages of
    /// one gateway (≈ one per gateway per minute at the configured rate).
    pub fn new(fleet: Fleet, seed: u64, stats_every: u64) -> Self {
        let mut p = Prng::new(seed);
        let stats_every = stats_every.max(1);
        let n_gw = fleet.gateways.len().max(1) as u64;
        let gateways = fleet
            .gateways
            .iter()
            .enumerate()
            .map(|(i, g)| GatewayState {
                gw: g.clone(),
                connected: false,
                conn: String::new(),
                host: String::new(),
                stats_due: stats_every * (i as u64 + 1) / n_gw,
            })
            .collect();
        let devices = fleet
            .applications
            .iter()
            .enumerate()
            .flat_map(|(ai, a)| a.devices.iter().map(move |d| (ai, d.clone())))
            .map(|(app_index, dev)| DeviceState {
                dev_addr: dev.dev_addr.clone(),
                f_cnt: p.below(2000) as u32,
                session_key_id: base64(&p.bytes(16)),
                last_gateway: 0,
                app_index,
                dev,
            })
            .collect();
        let token_id = crate::auth::DEMO_API_KEY
            .split('.')
            .nth(1)
            .unwrap_or_default()
            .to_string();
        Self {
            p,
            fleet,
            gateways,
            devices,
            queue: VecDeque::new(),
            emitted: 0,
            stats_every,
            token_id,
        }
    }

    /// The next event, stamped with `now` (RFC 3339 `time`, time-ordered `unique_id`).
    pub fn next_event(&mut self, now: Nanos) -> Value {
        let mut guard = 0;
        while self.queue.is_empty() && guard < 100 {
            self.plan(now);
            guard += 1;
        }
        let mut v = self
            .queue
            .pop_front()
            .unwrap_or_else(|| json!({"name": "gs.up.drop"}));
        let uid = self.p.ulid(now);
        finalize(&mut v, now, uid, ORIGIN, &self.token_id);
        self.emitted += 1;
        v
    }

    fn push(&mut self, name: &str, nth: usize, s: &Subst) {
        if let Some(v) = instantiate(name, nth, s, &mut self.p) {
            self.queue.push_back(v);
        }
    }

    fn ulid(&mut self, t: Nanos) -> String {
        self.p.ulid(t)
    }

    /// `base` plus one new correlation ID per prefix (`ns:uplink:`, `rpc:/…:`),
    /// as each hop through the stack adds its own.
    fn hop(&mut self, base: &[String], prefixes: &[&str], t: Nanos) -> Vec<String> {
        let mut ids = base.to_vec();
        for prefix in prefixes {
            ids.push(format!("{prefix}{}", self.ulid(t)));
        }
        ids
    }

    fn device_subst(&self, d: usize, t: Nanos) -> Subst {
        let Some(ds) = self.devices.get(d) else {
            return Subst {
                time: t,
                ..Subst::default()
            };
        };
        Subst {
            device: Some(json!({
                "device_id": ds.dev.device_id,
                "application_ids": {"application_id": ds.dev.application_id},
                "dev_eui": ds.dev.dev_eui,
                "join_eui": ds.dev.join_eui,
                "dev_addr": ds.dev_addr,
            })),
            dev_eui: Some(ds.dev.dev_eui.clone()),
            join_eui: Some(ds.dev.join_eui.clone()),
            dev_addr: Some(ds.dev_addr.clone()),
            session_key_id: Some(ds.session_key_id.clone()),
            application: Some(json!({"application_id": ds.dev.application_id})),
            time: t,
            ..self.entity_subst(t)
        }
    }

    fn entity_subst(&self, t: Nanos) -> Subst {
        Subst {
            user: Some(ids("user_id", &self.fleet.user_id)),
            organization: Some(ids("organization_id", &self.fleet.organization_id)),
            client: Some(ids("client_id", &self.fleet.client_id)),
            gateway: self.gateways.first().map(|g| self.gw_ids(&g.gw)),
            time: t,
            ..Subst::default()
        }
    }

    fn gw_ids(&self, g: &Gateway) -> Value {
        json!({"gateway_id": g.gateway_id, "eui": g.eui})
    }

    fn with_gateway(&self, mut s: Subst, g: usize) -> Subst {
        if let Some(gs) = self.gateways.get(g) {
            s.gateway = Some(self.gw_ids(&gs.gw));
            s.gateway_conn = Some(gs.conn.clone());
        }
        s
    }

    fn plan(&mut self, now: Nanos) {
        if let Some(g) = self.gateways.iter().position(|g| !g.connected) {
            return self.connect(g, now);
        }
        if let Some(g) = self
            .gateways
            .iter()
            .position(|g| g.stats_due <= self.emitted)
        {
            return self.stats(g, now);
        }
        if self.devices.is_empty() || self.gateways.is_empty() {
            return self.registry(now);
        }
        let d = self.p.below(self.devices.len() as u64) as usize;
        match self.p.below(100) {
            0..=59 => self.uplink(d, now, false),
            60..=67 => self.downlink(d, now),
            68..=73 => self.join(d, now),
            74..=76 => self.uplink(d, now, true),
            77..=79 => self.gs_drop(now),
            80..=82 => self.ns_drop(d, now),
            83..=84 => self.as_drop(d, now),
            85..=98 => self.registry(now),
            _ => self.reconnect(now),
        }
    }

    fn connect(&mut self, g: usize, now: Nanos) {
        let (conn, host) = (
            format!("gs:conn:{}", self.ulid(now)),
            format!("gs:up:host:{}", self.ulid(now)),
        );
        let Some(gs) = self.gateways.get_mut(g) else {
            return;
        };
        gs.connected = true;
        gs.conn = conn;
        gs.host = host;
        let nth = usize::from(gs.gw.protocol != "udp");
        let s = self.with_gateway(self.entity_subst(now), g);
        self.push("gs.gateway.connect", nth, &s);
        self.push("gs.status.receive", 0, &s);
    }

    fn stats(&mut self, g: usize, now: Nanos) {
        let every = self.stats_every;
        if let Some(gs) = self.gateways.get_mut(g) {
            gs.stats_due = gs.stats_due.saturating_add(every);
        }
        let s = self.with_gateway(self.entity_subst(now), g);
        self.push("gs.gateway.connection.stats", 0, &s);
        if self.p.below(2) == 0 {
            self.push("gs.status.receive", 0, &s);
        }
    }

    fn reconnect(&mut self, now: Nanos) {
        let g = self.p.below(self.gateways.len() as u64) as usize;
        let s = self.with_gateway(self.entity_subst(now), g);
        self.push("gs.gateway.disconnect", 0, &s);
        if let Some(gs) = self.gateways.get_mut(g) {
            gs.connected = false;
        }
    }

    fn pick_gateways(&mut self, n: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..self.gateways.len()).collect();
        let mut out = Vec::new();
        while out.len() < n && !all.is_empty() {
            let i = self.p.below(all.len() as u64) as usize;
            out.push(all.remove(i));
        }
        out
    }

    fn receptions(&mut self, gws: &[usize]) -> Vec<Rx> {
        let mut rx = Vec::new();
        for &g in gws {
            let (rssi, snr) = payload::signal(&mut self.p);
            let timestamp = self.p.next_u64() as u32;
            let channel_index = self.p.below(8) as i64;
            if let Some(gs) = self.gateways.get(g) {
                rx.push(Rx {
                    gateway_ids: self.gw_ids(&gs.gw),
                    rssi,
                    snr,
                    timestamp,
                    channel_index,
                });
            }
        }
        rx
    }

    fn sensor(&self, d: usize) -> SensorKind {
        self.devices
            .get(d)
            .and_then(|ds| self.fleet.applications.get(ds.app_index))
            .map_or(SensorKind::Generic, |a| a.sensor)
    }
}
