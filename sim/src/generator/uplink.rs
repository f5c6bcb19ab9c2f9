//! The data uplink flow (API.md §8): every gateway that heard the frame reports it
//! (`gs.up.receive`, the same `raw_payload` and radio settings, its own reception), the Network
//! Server takes the first report, waits out its de-duplication window and merges the others
//! (`ns.up.data.receive` → `ns.up.data.process` → `ns.up.data.forward`), each gateway's report is
//! answered (`gs.up.forward`), the Application Server decodes and forwards it. A confirmed
//! downlink waiting for this uplink is sent in its Rx1 window (`downlink.rs`); one sent earlier
//! is acknowledged (or not) by it.
//!
//! Exists to keep the correlation IDs of one uplink exactly as TTS sets them: a gateway's own
//! events carry only its connection, host and `gs:uplink:` IDs; the NS and AS events carry only
//! the first-reception gateway's, plus their own (`ns:uplink:`, `as:up:`, the RPC IDs).

use serde_json::{json, Value};

use super::schedule::{Edit, SEC};
use super::template::{Rx, Subst, Uplink};
use super::{payload, Downlink, Generator, Outcome};
use crate::clock::Nanos;
use crate::prng::base64;

pub(super) const NS_UPLINK: &str = "ns:uplink:";
pub(super) const GS_NS_UPLINK: &str = "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:";
pub(super) const AS_UP: &str = "as:up:";
pub(super) const NS_AS_UPLINK: &str = "rpc:/ttn.lorawan.v3.NsAs/HandleUplink:";

const MS: Nanos = SEC / 1000;

/// What happens to an uplink at the Application Server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UpKind {
    /// Decoded and forwarded.
    Normal,
    /// The payload formatter fails: forwarded without `decoded_payload`.
    DecodeFail,
    /// Dropped by the Application Server.
    AsDrop,
}

/// One gateway's part of an uplink: its index, reception and correlation IDs.
pub(super) struct Heard {
    pub g: usize,
    pub rx: Rx,
    /// `gs:conn:`, `gs:up:host:`, `gs:uplink:`.
    pub conn: String,
    pub host: String,
    pub up: String,
}

impl Heard {
    /// What its `gs.up.forward` carries.
    fn forward_ids(&self) -> Vec<String> {
        vec![self.conn.clone(), self.host.clone(), self.up.clone()]
    }
}

impl Generator {
    /// Receptions of one frame device `d` sent at `t0` by the gateways `gws`, in the order the
    /// Gateway Server received them (the first at `t0`, the others up to ~45 ms apart), each
    /// with a fresh `gs:uplink:` ID.
    pub(super) fn hear(&mut self, d: usize, gws: &[usize], t0: Nanos) -> Vec<Heard> {
        let mut out = Vec::new();
        let mut at = t0;
        let signals = self.signals(d, gws);
        for (&g, &(rssi, snr)) in gws.iter().zip(&signals) {
            let timestamp = self.p.next_u64() as u32;
            let channel_index = self.p.below(8) as i64;
            let uplink_token = base64(&self.p.bytes(36));
            if !out.is_empty() {
                at += self.ms(1.0, 45.0);
            }
            let up = format!("gs:uplink:{}", self.ulid(at));
            // Its own events of this frame end with the NS's answer, ~250 ms later.
            self.gateway_busy(g, at + 400 * MS);
            let Some(gs) = self.gateways.get(g) else {
                continue;
            };
            out.push(Heard {
                g,
                rx: Rx {
                    gateway_ids: self.gw_ids(&gs.gw),
                    rssi,
                    snr,
                    timestamp,
                    channel_index,
                    uplink_token,
                    received_at: at,
                },
                conn: gs.conn.clone(),
                host: gs.host.clone(),
                up,
            });
        }
        out
    }

    /// Each gateway's `gs.up.receive` (`nth` template), a few ms after its reception and in
    /// reception order; returns the time of the first.
    pub(super) fn gs_receive(&mut self, heard: &[Heard], s: &Subst, nth: usize) -> Nanos {
        let mut first = None;
        let mut prev: Option<Nanos> = None;
        for h in heard {
            let mut at = h.rx.received_at + self.ms(2.0, 20.0);
            if let Some(p) = prev {
                at = at.max(p + self.ms(0.1, 1.0));
            }
            prev = Some(at);
            first.get_or_insert(at);
            let mut sg = self.with_gateway(s.clone(), h.g);
            sg.rx = vec![h.rx.clone()];
            sg.received_at = Some(h.rx.received_at);
            if let Some(r) = sg.radio.as_mut() {
                r.2 = h.rx.timestamp;
            }
            sg.correlation_ids = Some(vec![h.conn.clone(), h.up.clone()]);
            self.put(at, "gs.up.receive", nth, &sg);
        }
        first.unwrap_or_default()
    }

    /// The NS's IDs of an uplink first reported by `first`: its connection, host and
    /// `gs:uplink:`, plus `ns:uplink:` and the GsNs RPC.
    pub(super) fn ns_ids(&mut self, first: &Heard, t: Nanos) -> Vec<String> {
        self.hop(&first.forward_ids(), &[NS_UPLINK, GS_NS_UPLINK], t)
    }

    /// Data uplink of device `d`, sent at `t0`.
    pub(super) fn uplink(&mut self, d: usize, t0: Nanos, kind: UpKind) {
        let n = 1 + self.p.below(3) as usize;
        let gws = self.audience(d, n);
        let heard = self.hear(d, &gws, t0);
        let radio = self.radio_of(d);
        let (f_port, bytes, decoded) = payload::reading(self.sensor(d), &mut self.p);
        // A lossy device's uplinks that never reach a gateway still count.
        let lost = if heard.is_empty() {
            0
        } else {
            self.cast.lost_after(d)
        };
        let (Some(first), Some(ds)) = (heard.first(), self.devices.get_mut(d)) else {
            return;
        };
        let (f_cnt, dev_addr) = (ds.f_cnt, ds.dev_addr.clone());
        ds.f_cnt = ds.f_cnt.wrapping_add(1 + lost);
        // Only a downlink already on air can be acknowledged (flows of one device may overlap
        // at high rates).
        let acked = match &ds.awaiting {
            Some(a) if a.on_air < t0 => ds.awaiting.take(),
            _ => None,
        };
        let pending = if ds.awaiting.is_none() {
            ds.pending.take()
        } else {
            None
        };
        // A confirmed downlink the device received is acknowledged (most of the time, or as
        // the scenario says).
        let ack = match acked.as_ref().map(|a| (a.delivered, a.outcome)) {
            Some((_, Some(outcome))) => outcome == Outcome::Ack,
            Some((delivered, None)) => delivered && self.p.below(4) != 0,
            None => false,
        };
        let raw = payload::data_frame(
            payload::UNCONFIRMED_UP,
            &dev_addr,
            ack,
            f_cnt,
            f_port,
            &bytes,
            &mut self.p,
        );
        let mut s = self.device_subst(d);
        s.radio = Some((radio.0, radio.1, first.rx.timestamp));
        s.raw_payload = Some(raw);
        s.uplink = Some(Uplink {
            f_cnt,
            f_port,
            frm_payload: bytes,
            decoded: (kind == UpKind::Normal).then_some(decoded),
            ack,
        });
        let t_gs = self.gs_receive(&heard, &s, 1);

        // Network Server: first report, de-duplication window, merged receptions.
        let ns_at = t_gs + self.ms(1.0, 3.0);
        let ns = self.ns_ids(first, ns_at);
        s.correlation_ids = Some(ns.clone());
        s.received_at = Some(ns_at);
        s.rx = vec![first.rx.clone()];
        let t = ns_at + self.ms(2.0, 6.0);
        self.put(t, "ns.up.data.receive", 0, &s);
        s.rx = heard.iter().map(|h| h.rx.clone()).collect();
        let t = t + self.ms(195.0, 210.0);
        self.put(t, "ns.up.data.process", 0, &s);
        let t_fwd = t + self.ms(0.5, 2.0);
        self.put(t_fwd, "ns.up.data.forward", 0, &s);
        let mut t = t_fwd;
        for h in &heard {
            t += self.ms(0.3, 6.0);
            let mut sg = self.with_gateway(s.clone(), h.g);
            sg.correlation_ids = Some(h.forward_ids());
            self.put(t, "gs.up.forward", 0, &sg);
        }
        let mut last = t;

        // Application Server.
        let t = t_fwd + self.ms(2.0, 5.0);
        let asc = self.hop(&ns, &[AS_UP, NS_AS_UPLINK], t);
        s.correlation_ids = Some(asc.clone());
        self.put(t, "as.up.data.receive", 0, &s);
        let mut t = t;
        if kind == UpKind::DecodeFail {
            t += self.ms(0.5, 2.0);
            self.put(t, "as.up.data.decode.fail", 0, &s);
        }
        t += self.ms(1.0, 3.0);
        match kind {
            UpKind::AsDrop => self.put(t, "as.up.data.drop", 0, &s),
            UpKind::DecodeFail => self.put_edited(
                t,
                "as.up.data.forward",
                0,
                &s,
                vec![Edit::remove("/data/uplink_message", "decoded_payload")],
            ),
            UpKind::Normal => self.put(t, "as.up.data.forward", 0, &s),
        }
        last = last.max(t);
        if let Some(dl) = acked {
            t += self.ms(0.5, 2.0);
            self.acknowledge(&s, &dl, &asc, ack, t);
            last = last.max(t);
        }
        if let Some(dl) = pending {
            let end = self.send_downlink(d, dl, &s, &heard, &ns, t_fwd);
            last = last.max(end);
        }
        self.busy(d, last);
    }

    /// `as.down.data.ack.forward` / `nack.forward` of `dl`, carried by the uplink with AS IDs
    /// `asc`.
    fn acknowledge(&mut self, s: &Subst, dl: &Downlink, asc: &[String], ack: bool, t: Nanos) {
        let mut sa = s.clone();
        let mut cids = asc.to_vec();
        cids.extend(dl.ids.iter().cloned());
        sa.correlation_ids = Some(cids);
        sa.uplink = Some(Uplink {
            f_cnt: dl.f_cnt,
            f_port: dl.f_port,
            frm_payload: dl.frm_payload.clone(),
            decoded: None,
            ack: false,
        });
        let (name, at) = if ack {
            ("as.down.data.ack.forward", "/data/downlink_ack")
        } else {
            ("as.down.data.nack.forward", "/data/downlink_nack")
        };
        let mut own = dl.ids.clone();
        own.sort();
        let edits = vec![Edit::set(at, "correlation_ids", json!(own))];
        self.put_edited(t, name, 0, &sa, edits);
    }
}

/// The best reception (highest SNR, then RSSI): where a downlink goes.
pub(super) fn best(heard: &[Heard]) -> Option<&Heard> {
    heard.iter().max_by(|a, b| {
        (a.rx.snr, a.rx.rssi)
            .partial_cmp(&(b.rx.snr, b.rx.rssi))
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

/// Sorted, unique correlation IDs (how events carry them).
pub(super) fn sorted(ids: &[String]) -> Value {
    let mut v = ids.to_vec();
    v.sort();
    v.dedup();
    json!(v)
}
