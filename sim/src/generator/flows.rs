//! The short flows: gateway connect / status / stats / disconnect, drops (Gateway, Network
//! Server) and registry events, as methods of [`Generator`] that plan template-built events.
//!
//! Exists to keep the generator's state machine (`mod.rs`) and the long message flows
//! (`uplink.rs`, `join.rs`, `downlink.rs`) apart from these one- and two-event ones. A gateway's
//! events carry its connection's `gs:conn:` ID; a dropped frame gets message IDs of its own.

use serde_json::json;

use super::uplink::{GS_NS_UPLINK, NS_UPLINK};
use super::{payload, Generator};
use crate::clock::Nanos;

impl Generator {
    /// Marks gateway `g` busy until `t` (virtual): it does not disconnect before.
    pub(super) fn gateway_busy(&mut self, g: usize, t: Nanos) {
        if let Some(gs) = self.gateways.get_mut(g) {
            gs.busy_until = gs.busy_until.max(t);
        }
    }

    pub(super) fn connect(&mut self, g: usize, t0: Nanos) {
        let (conn, host) = (
            format!("gs:conn:{}", self.ulid(t0)),
            format!("gs:up:host:{}", self.ulid(t0)),
        );
        let Some(gs) = self.gateways.get_mut(g) else {
            return;
        };
        gs.connected = true;
        gs.conn = conn;
        gs.host = host;
        let nth = usize::from(gs.gw.protocol != "udp");
        let s = self.with_gateway(self.entity_subst(), g);
        self.put(t0, "gs.gateway.connect", nth, &s);
        let t = t0 + self.ms(30.0, 50.0);
        self.put(t, "gs.status.receive", 0, &s);
        self.gateway_busy(g, t);
    }

    pub(super) fn stats(&mut self, g: usize, t0: Nanos) {
        let every = self.stats_every;
        if let Some(gs) = self.gateways.get_mut(g) {
            gs.stats_due = gs.stats_due.saturating_add(every);
        }
        let s = self.with_gateway(self.entity_subst(), g);
        self.put(t0, "gs.gateway.connection.stats", 0, &s);
        if self.p.below(2) == 0 {
            let t = t0 + self.ms(1.0, 50.0);
            self.put(t, "gs.status.receive", 0, &s);
            self.gateway_busy(g, t);
        }
    }

    /// A gateway (not the scenario's flaky one, which keeps its timetable) loses its
    /// connection and connects again with the next flow.
    pub(super) fn reconnect(&mut self, t0: Nanos) {
        let flaky = self.cast.flaky;
        let candidates: Vec<usize> = (0..self.gateways.len())
            .filter(|&g| Some(g) != flaky && self.gateways.get(g).is_some_and(|gs| gs.connected))
            .collect();
        let i = self.p.below(candidates.len() as u64) as usize;
        if let Some(&g) = candidates.get(i) {
            self.disconnect(g, t0, t0);
        }
    }

    /// Gateway `g` disconnects at `t0` (a gateway event with its connection's ID); it hears
    /// nothing from now on, until it connects again, with a new connection, at `back_at` or
    /// later (with the next flow; `Nanos::MAX`: when the timetable says).
    pub(super) fn disconnect(&mut self, g: usize, t0: Nanos, back_at: Nanos) {
        let s = self.with_gateway(self.entity_subst(), g);
        self.put(t0, "gs.gateway.disconnect", 0, &s);
        if let Some(gs) = self.gateways.get_mut(g) {
            gs.connected = false;
            gs.back_at = back_at;
        }
    }

    pub(super) fn gs_drop(&mut self, t0: Nanos) {
        let Some(&g) = self.pick_gateways(1).first() else {
            return self.registry(t0);
        };
        let mut s = self.with_gateway(self.entity_subst(), g);
        let conn = s.gateway_conn.clone().unwrap_or_default();
        s.correlation_ids = Some(vec![conn, format!("gs:uplink:{}", self.ulid(t0))]);
        self.put(t0, "gs.up.drop", 0, &s);
        self.gateway_busy(g, t0);
    }

    /// A frame of device `d` the Network Server drops (e.g. a replayed frame counter).
    pub(super) fn ns_drop(&mut self, d: usize, t0: Nanos) {
        let gws = self.audience(d, 1);
        let heard = self.hear(d, &gws, t0);
        let radio = self.radio_of(d);
        let (f_port, bytes, _) = payload::reading(self.sensor(d), &mut self.p);
        let (Some(first), Some(ds)) = (heard.first(), self.devices.get(d)) else {
            return;
        };
        // A replay of its last frame counter.
        let (dev_addr, f_cnt) = (ds.dev_addr.clone(), ds.f_cnt.saturating_sub(1));
        let mut s = self.device_subst(d);
        s.radio = Some((radio.0, radio.1, first.rx.timestamp));
        s.raw_payload = Some(payload::data_frame(
            payload::UNCONFIRMED_UP,
            &dev_addr,
            false,
            f_cnt,
            f_port,
            &bytes,
            &mut self.p,
        ));
        let t = self.gs_receive(&heard, &s, 1);
        let t = t + self.ms(4.0, 10.0);
        s.correlation_ids = Some(self.hop(
            &[first.conn.clone(), first.up.clone()],
            &[NS_UPLINK, GS_NS_UPLINK],
            t,
        ));
        s.rx = vec![first.rx.clone()];
        self.put(t, "ns.up.data.drop", 0, &s);
        self.busy(d, t);
    }

    pub(super) fn registry(&mut self, t0: Nanos) {
        let apps = self.fleet.applications.len() as u64;
        let a = self.p.below(apps.max(1)) as usize;
        let mut s = self.entity_subst();
        if let Some(app) = self.fleet.applications.get(a) {
            s.application = Some(json!({"application_id": app.application_id}));
        }
        let paths: &[&[&str]] = &[
            &["attributes", "description", "name"],
            &["name"],
            &["description"],
            &["attributes"],
            &["locations"],
        ];
        let pick = paths[self.p.below(paths.len() as u64) as usize];
        s.data_value = Some(json!(pick));
        let choice = self.p.below(8);
        if !self.gateways.is_empty() {
            let g = self.p.below(self.gateways.len() as u64) as usize;
            s = self.with_gateway(s, g);
        }
        let name = match choice {
            0 if !self.devices.is_empty() => {
                let d = self.p.below(self.devices.len() as u64) as usize;
                let mut sd = self.device_subst(d);
                sd.data_value = Some(json!(pick));
                self.put(t0, "end_device.update", 0, &sd);
                return;
            }
            1 => "application.update",
            2 if !self.gateways.is_empty() => "gateway.update",
            3 => "application.api-key.create",
            4 => "application.collaborator.update",
            5 => "organization.update",
            6 => "client.update",
            _ => "user.update",
        };
        if name.ends_with("api-key.create") || name.ends_with("collaborator.update") {
            s.data_value = None;
        }
        self.put(t0, name, 0, &s);
    }
}
