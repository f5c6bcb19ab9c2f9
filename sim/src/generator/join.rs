//! The OTAA join flow (API.md §8 order): the join-request through the Gateway and Network Server,
//! the Join Server's answer (`js.join.accept`, or `js.join.reject` and `ns.up.join.cluster.fail`),
//! then the join-accept scheduled for the 5 s Rx1 window of the join-request and transmitted.
//!
//! Exists apart from the data flows because its IDs differ: the Join Server's event carries only
//! its own RPC ID (`rpc:/ttn.lorawan.v3.NsJs/HandleJoin:`), never the uplink's, exactly as in the
//! example stream; and an accepted join gives the device a new DevAddr and session.

use serde_json::json;

use super::downlink::{Schedule, NS_DOWNLINK, NS_TRANSMISSION};
use super::schedule::{Edit, SEC};
use super::uplink::{AS_UP, NS_AS_UPLINK};
use super::{payload, Generator};
use crate::clock::Nanos;
use crate::prng::base64;

const NS_JS_JOIN: &str = "rpc:/ttn.lorawan.v3.NsJs/HandleJoin:";

/// The Join Server's answer to a join-request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    /// Accepted: a new DevAddr and session.
    Accept,
    /// Rejected with the templates' error, `reuse_dev_nonce` ("DevNonce has already been used").
    ReuseDevNonce,
    /// Rejected, `dev_nonce_too_small` ("DevNonce is too small"): a LoRaWAN 1.0.4/1.1 device
    /// whose DevNonce did not increase.
    DevNonceTooSmall,
}

impl Generator {
    /// Device `d` sends a join-request at `t0`; the Join Server answers `answer`.
    pub(super) fn join(&mut self, d: usize, t0: Nanos, answer: Answer) {
        let accept = answer == Answer::Accept;
        let gws = self.audience(d, 1);
        let heard = self.hear(d, &gws, t0);
        let radio = self.radio_of(d);
        let dev_nonce = if self.cast.rejoiner == Some(d) {
            self.cast.rejoin_nonce(accept)
        } else {
            self.p.hex(2)
        };
        let new_addr = format!("260B{}", self.p.hex(2));
        let new_skey = base64(&self.p.bytes(16));
        let (Some(first), Some(ds)) = (heard.first(), self.devices.get_mut(d)) else {
            return;
        };
        if accept {
            ds.dev_addr = new_addr;
            ds.session_key_id = new_skey;
            ds.f_cnt = 0; // the new session's first uplink has FCnt 0
            ds.down_f_cnt = 0;
            ds.pending = None;
            ds.awaiting = None;
        }
        let (join_eui, dev_eui) = (ds.dev.join_eui.clone(), ds.dev.dev_eui.clone());
        let raw = payload::join_request(&join_eui, &dev_eui, &dev_nonce, &mut self.p);
        let mut s = self.device_subst(d);
        s.radio = Some((radio.0, radio.1, first.rx.timestamp));
        s.raw_payload = Some(raw);
        s.dev_nonce = Some(dev_nonce);
        let t_gs = self.gs_receive(&heard, &s, 0);

        let ns_at = t_gs + self.ms(1.0, 3.0);
        let ns = self.ns_ids(first, ns_at);
        s.correlation_ids = Some(ns.clone());
        s.received_at = Some(ns_at);
        s.rx = vec![first.rx.clone()];
        let t_recv = ns_at + self.ms(2.0, 6.0);
        self.put(t_recv, "ns.up.join.receive", 0, &s);
        let t = t_recv + self.ms(0.5, 2.0);
        self.put(t, "ns.up.join.cluster.attempt", 0, &s);
        // The Join Server answers in its own RPC's context.
        let t = t + self.ms(2.0, 6.0);
        let mut js = s.clone();
        js.correlation_ids = Some(vec![format!("{NS_JS_JOIN}{}", self.ulid(t))]);
        let t_ns = t + self.ms(0.5, 2.0);
        if !accept {
            // The Join Server's error, with an error correlation ID of its own; the Network
            // Server reports the same error (as it got it over gRPC).
            let mut error = vec![Edit::set(
                "/data",
                "correlation_id",
                json!(self.p.hex(16).to_lowercase()),
            )];
            if answer == Answer::DevNonceTooSmall {
                error.push(Edit::set("/data", "name", json!("dev_nonce_too_small")));
                error.push(Edit::set(
                    "/data",
                    "message_format",
                    json!("DevNonce is too small"),
                ));
            }
            self.put_edited(t, "js.join.reject", 0, &js, error.clone());
            self.put_edited(t_ns, "ns.up.join.cluster.fail", 0, &s, error);
            return self.busy(d, t_ns);
        }
        self.put(t, "js.join.accept", 0, &js);
        self.put(t_ns, "ns.up.join.cluster.success", 0, &s);
        let t = t_recv + self.ms(195.0, 205.0);
        self.put(t, "ns.up.join.process", 0, &s);
        let t = t + self.ms(0.5, 2.0);
        let mut sg = self.with_gateway(s.clone(), first.g);
        sg.correlation_ids = Some(vec![
            first.conn.clone(),
            first.host.clone(),
            first.up.clone(),
        ]);
        self.put(t, "gs.up.forward", 0, &sg);

        // The join-accept, in the Rx1 window 5 s after the join-request.
        let tx = first.rx.received_at + 5 * SEC;
        let attempt = tx - self.ms(150.0, 450.0);
        let ns_ids = self.hop(&ns, &[NS_DOWNLINK, NS_TRANSMISSION], attempt);
        let mut dl = s.clone();
        dl.raw_payload = Some(payload::join_accept(&mut self.p));
        let plan = Schedule {
            ns: "ns.down.join.schedule",
            nth: 0,
            ns_ids: &ns_ids,
            gateway: first,
            attempt,
            tx,
        };
        let (success, served) = self.schedule(&mut dl, &plan);
        let t = success + self.ms(2.0, 4.0);
        self.put(t, "ns.up.join.accept.forward", 0, &s);
        let t = t + self.ms(1.0, 3.0);
        let asc = self.hop(&ns, &[AS_UP, NS_AS_UPLINK], t);
        s.correlation_ids = Some(asc);
        self.put(t, "as.up.join.receive", 0, &s);
        let t = t + self.ms(1.0, 3.0);
        self.put(t, "as.up.join.forward", 0, &s);
        let end = self.transmit(&mut dl, &served, tx, None);
        self.busy(d, end.max(t));
    }
}
