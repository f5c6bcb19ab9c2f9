//! The multi-event flows of API.md §8 — data uplink, OTAA join, confirmed downlink — plus drops
//! and registry events, as methods of [`Generator`] that queue template-built events.
//!
//! Exists to keep the generator's state machine (`mod.rs`) apart from the shape of each flow.
//! Every event of one flow must carry the flow's shared correlation IDs, in the documented order.

use serde_json::{json, Value};

use super::template::{instantiate, Subst, Uplink};
use super::{payload, Generator};
use crate::clock::Nanos;
use crate::prng::base64;

// Correlation ID prefixes, one per hop (API.md §8).
const NS_UPLINK: &str = "ns:uplink:";
const GS_NS_UPLINK: &str = "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:";
const AS_UP: &str = "as:up:";
const NS_AS_UPLINK: &str = "rpc:/ttn.lorawan.v3.NsAs/HandleUplink:";
const NS_DOWNLINK: &str = "ns:downlink:";
const NS_TRANSMISSION: &str = "ns:transmission:";
const NS_GS_SCHEDULE: &str = "rpc:/ttn.lorawan.v3.NsGs/ScheduleDownlink:";
const GS_TX_ACK: &str = "gs:tx_ack:";

impl Generator {
    /// Data uplink: gs.up.receive (per gateway) → ns.up.data.receive → ns.up.data.process →
    /// ns.up.data.forward → gs.up.forward (per gateway) → as.up.data.receive →
    /// [as.up.data.decode.fail] → as.up.data.forward.
    pub(super) fn uplink(&mut self, d: usize, now: Nanos, decode_fail: bool) {
        let n = 1 + self.p.below(3) as usize;
        let gws = self.pick_gateways(n);
        let rx = self.receptions(&gws);
        let radio = payload::radio(&mut self.p);
        let (f_port, bytes, decoded) = payload::reading(self.sensor(d), &mut self.p);
        let f_cnt = match self.devices.get_mut(d) {
            Some(ds) => {
                ds.f_cnt = ds.f_cnt.wrapping_add(1);
                ds.last_gateway = gws.first().copied().unwrap_or(0);
                ds.f_cnt
            }
            None => 0,
        };
        let mut gs_ids = Vec::new();
        let mut per_gw = Vec::new();
        for &g in &gws {
            let up = format!("gs:uplink:{}", self.ulid(now));
            if let Some(gs) = self.gateways.get(g) {
                let set = vec![gs.conn.clone(), gs.host.clone(), up.clone()];
                gs_ids.extend(set.iter().cloned());
                per_gw.push((g, vec![gs.conn.clone(), up], set));
            }
        }
        let ns = self.hop(&gs_ids, &[NS_UPLINK, GS_NS_UPLINK], now);
        let asc = self.hop(&ns, &[AS_UP, NS_AS_UPLINK], now);

        let mut s = self.device_subst(d, now);
        s.rx = rx.clone();
        s.radio = Some(radio);
        s.uplink = Some(Uplink {
            f_cnt,
            f_port,
            frm_payload: bytes,
            decoded: (!decode_fail).then_some(decoded),
        });
        for (g, recv, _) in &per_gw {
            let mut sg = self.with_gateway(s.clone(), *g);
            sg.rx = rx
                .iter()
                .filter(|r| r.gateway_ids == sg.gateway.clone().unwrap_or_default())
                .cloned()
                .collect();
            sg.correlation_ids = Some(recv.clone());
            self.push("gs.up.receive", 1, &sg);
        }
        s.correlation_ids = Some(ns.clone());
        self.push("ns.up.data.receive", 0, &s);
        self.push("ns.up.data.process", 0, &s);
        self.push("ns.up.data.forward", 0, &s);
        for (g, _, set) in &per_gw {
            let mut sg = self.with_gateway(s.clone(), *g);
            sg.correlation_ids = Some(set.clone());
            self.push("gs.up.forward", 0, &sg);
        }
        s.correlation_ids = Some(asc);
        self.push("as.up.data.receive", 0, &s);
        if decode_fail {
            self.push("as.up.data.decode.fail", 0, &s);
        }
        if let Some(mut v) = instantiate("as.up.data.forward", 0, &s, &mut self.p) {
            if decode_fail {
                if let Some(Value::Object(m)) = v.pointer_mut("/data/uplink_message") {
                    m.shift_remove("decoded_payload");
                }
            }
            self.queue.push_back(v);
        }
    }

    /// OTAA join (API.md §8 order), through one gateway; the device gets a new DevAddr.
    pub(super) fn join(&mut self, d: usize, now: Nanos) {
        let g = self.pick_gateways(1).first().copied().unwrap_or(0);
        let rx = self.receptions(&[g]);
        let radio = payload::radio(&mut self.p);
        let new_addr = format!("260B{}", self.p.hex(2));
        let new_skey = base64(&self.p.bytes(16));
        if let Some(ds) = self.devices.get_mut(d) {
            ds.dev_addr = new_addr;
            ds.session_key_id = new_skey;
            ds.f_cnt = 0;
            ds.last_gateway = g;
        }
        let Some(gs) = self.gateways.get(g) else {
            return;
        };
        let (conn, host) = (gs.conn.clone(), gs.host.clone());
        let up = format!("gs:uplink:{}", self.ulid(now));
        let base = vec![conn.clone(), host, up.clone()];
        let ns = self.hop(&base, &[NS_UPLINK, GS_NS_UPLINK], now);
        let js = self.hop(&ns, &["rpc:/ttn.lorawan.v3.NsJs/HandleJoin:"], now);
        let dl = self.hop(&ns, &[NS_DOWNLINK, NS_TRANSMISSION, NS_GS_SCHEDULE], now);
        let asc = self.hop(&ns, &[AS_UP, NS_AS_UPLINK], now);
        let tx = self.hop(&dl, &[GS_TX_ACK], now);

        let mut s = self.with_gateway(self.device_subst(d, now), g);
        s.rx = rx;
        s.radio = Some(radio);
        let steps: [(&str, usize, &Vec<String>); 17] = [
            ("gs.up.receive", 0, &vec![conn, up]),
            ("ns.up.join.receive", 0, &ns),
            ("ns.up.join.cluster.attempt", 0, &ns),
            ("js.join.accept", 0, &js),
            ("ns.up.join.cluster.success", 0, &ns),
            ("ns.up.join.process", 0, &ns),
            ("gs.up.forward", 0, &base),
            ("ns.down.join.schedule.attempt", 0, &dl),
            ("gs.down.schedule.attempt", 0, &dl),
            ("gs.down.send", 0, &dl),
            ("ns.down.join.schedule.success", 0, &dl),
            ("ns.up.join.accept.forward", 0, &asc),
            ("as.up.join.receive", 0, &asc),
            ("as.up.join.forward", 0, &asc),
            ("gs.txack.receive", 0, &tx),
            ("gs.down.tx.success", 0, &tx),
            ("ns.down.transmission.success", 0, &tx),
        ];
        for (name, nth, cids) in steps {
            let mut si = s.clone();
            si.correlation_ids = Some(cids.clone());
            self.push(name, nth, &si);
        }
    }

    /// Confirmed downlink: push → schedule → send → sent, then ack / nack / failure.
    pub(super) fn downlink(&mut self, d: usize, now: Nanos) {
        let g = self.devices.get(d).map_or(0, |ds| ds.last_gateway);
        let radio = payload::radio(&mut self.p);
        let mut base = vec![
            format!("as:downlink:{}", self.ulid(now)),
            format!(
                "rpc:/ttn.lorawan.v3.AppAs/DownlinkQueuePush:{}",
                self.ulid(now)
            ),
        ];
        let mut s = self.with_gateway(self.device_subst(d, now), g);
        s.radio = Some(radio);
        s.correlation_ids = Some(base.clone());
        self.push("as.down.data.receive", 0, &s);
        self.push("as.down.data.forward", 0, &s);
        if let Some(gs) = self.gateways.get(g) {
            base.push(gs.conn.clone());
        }
        let base = self.hop(&base, &[NS_DOWNLINK, NS_TRANSMISSION, NS_GS_SCHEDULE], now);
        s.correlation_ids = Some(base.clone());
        for name in [
            "ns.down.data.schedule.attempt",
            "gs.down.schedule.attempt",
            "gs.down.send",
        ] {
            self.push(name, 1, &s);
        }
        self.push("ns.down.data.schedule.success", 0, &s);
        self.push("as.down.data.sent.forward", 0, &s);
        s.correlation_ids = Some(self.hop(&base, &[GS_TX_ACK], now));
        self.push("gs.txack.receive", 0, &s);
        match self.p.below(20) {
            0..=11 => {
                self.push("gs.down.tx.success", 0, &s);
                self.push("as.down.data.ack.forward", 0, &s);
            }
            12..=16 => {
                self.push("gs.down.tx.success", 0, &s);
                self.push("as.down.data.nack.forward", 0, &s);
            }
            _ => {
                self.push("gs.down.tx.fail", 0, &s);
                self.push("as.down.data.failed.forward", 0, &s);
            }
        }
    }

    pub(super) fn gs_drop(&mut self, now: Nanos) {
        let g = self.p.below(self.gateways.len() as u64) as usize;
        let mut s = self.with_gateway(self.entity_subst(now), g);
        let conn = s.gateway_conn.clone().unwrap_or_default();
        s.correlation_ids = Some(vec![conn, format!("gs:uplink:{}", self.ulid(now))]);
        self.push("gs.up.drop", 0, &s);
    }

    fn drop_prefix(&mut self, d: usize, now: Nanos) -> (Subst, Vec<String>) {
        let g = self.pick_gateways(1).first().copied().unwrap_or(0);
        let rx = self.receptions(&[g]);
        let mut s = self.with_gateway(self.device_subst(d, now), g);
        s.rx = rx;
        s.radio = Some(payload::radio(&mut self.p));
        let conn = s.gateway_conn.clone().unwrap_or_default();
        let up = format!("gs:uplink:{}", self.ulid(now));
        s.correlation_ids = Some(vec![conn.clone(), up.clone()]);
        self.push("gs.up.receive", 1, &s);
        let ns = vec![
            conn,
            up,
            format!("ns:uplink:{}", self.ulid(now)),
            format!("rpc:/ttn.lorawan.v3.GsNs/HandleUplink:{}", self.ulid(now)),
        ];
        (s, ns)
    }

    pub(super) fn ns_drop(&mut self, d: usize, now: Nanos) {
        let (mut s, ns) = self.drop_prefix(d, now);
        s.correlation_ids = Some(ns);
        self.push("ns.up.data.drop", 0, &s);
    }

    pub(super) fn as_drop(&mut self, d: usize, now: Nanos) {
        let (mut s, ns) = self.drop_prefix(d, now);
        s.correlation_ids = Some(ns.clone());
        self.push("ns.up.data.receive", 0, &s);
        s.correlation_ids = Some(self.hop(&ns, &[AS_UP, NS_AS_UPLINK], now));
        self.push("as.up.data.drop", 0, &s);
    }

    pub(super) fn registry(&mut self, now: Nanos) {
        let apps = self.fleet.applications.len() as u64;
        let a = self.p.below(apps.max(1)) as usize;
        let mut s = self.entity_subst(now);
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
                let mut sd = self.device_subst(d, now);
                sd.data_value = Some(json!(pick));
                self.push("end_device.update", 0, &sd);
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
        self.push(name, 0, &s);
    }
}
