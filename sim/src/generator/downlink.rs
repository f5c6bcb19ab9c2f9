//! Downlinks (API.md §8): the application's confirmed downlink push (`as.down.data.receive` →
//! `as.down.data.forward`, or `as.down.data.failed.forward` when the Network Server refuses it),
//! and the scheduling and transmission shared by data downlinks and join-accepts:
//! `ns.down.*.schedule.attempt` → `gs.down.schedule.attempt` → `gs.down.send` →
//! `ns.down.*.schedule.success`, then at the receive window `gs.txack.receive` →
//! `gs.down.tx.success` → `ns.down.transmission.success` (→ `as.down.data.sent.forward`), or
//! `gs.down.tx.fail` → `ns.down.transmission.fail` (→ `as.down.data.failed.forward`), as TTS's
//! `ReportTxAcknowledgment` does. A confirmed downlink that went on air stays pending at the
//! Network Server: the device's next uplink acknowledges it or not (`as.down.data.nack.forward`).
//!
//! Exists to keep the IDs of a downlink as TTS sets them: the Network Server's events carry the
//! downlink's own IDs (`as:downlink:`, the AppAs push RPC, `ns:downlink:`, `ns:transmission:`)
//! plus the IDs of the uplink whose receive window it uses; the Gateway Server's add the NsGs
//! RPC, and the transmission acknowledgement adds `gs:tx_ack:`.

use serde_json::{json, Value};

use super::schedule::{Edit, SEC};
use super::template::{Subst, Uplink};
use super::uplink::{best, sorted, Heard, NS_AS_UPLINK};
use super::{duration, payload, Downlink, Generator, Outcome};
use crate::clock::Nanos;

const AS_DOWNLINK: &str = "as:downlink:";
const APP_AS_PUSH: &str = "rpc:/ttn.lorawan.v3.AppAs/DownlinkQueuePush:";
pub(super) const NS_DOWNLINK: &str = "ns:downlink:";
pub(super) const NS_TRANSMISSION: &str = "ns:transmission:";
pub(super) const NS_GS_SCHEDULE: &str = "rpc:/ttn.lorawan.v3.NsGs/ScheduleDownlink:";
const GS_TX_ACK: &str = "gs:tx_ack:";

/// `TxAcknowledgment.Result` of a failed transmission: (enum name, number).
type TxError = (&'static str, i64);

const TOO_LATE: TxError = ("TOO_LATE", 2);

/// A failed transmission: the gateway's result and the Network Server's error for it.
pub(super) struct TxFailure {
    result: TxError,
    /// `errTransmission` (ErrorDetails without `@type`).
    error: Value,
}

const TX_ERRORS: [TxError; 4] = [
    ("UNKNOWN_ERROR", 1),
    ("TOO_LATE", 2),
    ("TOO_EARLY", 3),
    ("COLLISION_PACKET", 4),
];

/// One downlink being scheduled: which events, which IDs, when it goes on air.
pub(super) struct Schedule<'a> {
    /// `ns.down.data.schedule` or `ns.down.join.schedule`.
    pub ns: &'static str,
    /// Template variant of the gateway events (0 join-accept, 1 data).
    pub nth: usize,
    /// The Network Server's IDs of the downlink (with the uplink's).
    pub ns_ids: &'a [String],
    /// The gateway this goes through.
    pub gateway: &'a Heard,
    /// Virtual time of the schedule attempt.
    pub attempt: Nanos,
    /// Virtual time of the transmission (the receive window).
    pub tx: Nanos,
}

impl Generator {
    /// The application pushes a confirmed downlink to device `d` at `t0`; it waits for the
    /// device's next uplink (one queued at a time: a device with one queued sends an uplink now).
    pub(super) fn push_downlink(&mut self, d: usize, t0: Nanos) {
        let queued = self.devices.get(d).is_none_or(|ds| ds.pending.is_some());
        if queued {
            return self.uplink(d, t0, super::uplink::UpKind::Normal);
        }
        let f_port = 1 + self.p.below(4) as u32;
        let outcome = self.cast.outcome(d);
        let too_long = self.p.below(10) == 0 && outcome.is_none();
        let len = if too_long {
            60
        } else {
            1 + self.p.below(4) as usize
        };
        let frm_payload = self.p.bytes(len);
        let ids = vec![
            format!("{AS_DOWNLINK}{}", self.ulid(t0)),
            format!("{APP_AS_PUSH}{}", self.ulid(t0)),
        ];
        let f_cnt = self.devices.get(d).map_or(0, |ds| ds.down_f_cnt + 1);
        let mut s = self.device_subst(d);
        s.uplink = Some(Uplink {
            f_cnt,
            f_port,
            frm_payload: frm_payload.clone(),
            decoded: None,
            ack: false,
        });
        s.correlation_ids = Some(ids.clone());
        self.put(t0, "as.down.data.receive", 0, &s);
        let t = t0 + self.ms(5.0, 15.0);
        self.put(t, "as.down.data.forward", 0, &s);
        if too_long {
            let t = t + self.ms(2.0, 8.0);
            self.put(t, "as.down.data.failed.forward", 0, &s);
            return self.busy(d, t);
        }
        if let Some(ds) = self.devices.get_mut(d) {
            ds.down_f_cnt = f_cnt;
            ds.pending = Some(Downlink {
                ids,
                f_port,
                frm_payload,
                f_cnt,
                delivered: false,
                on_air: 0,
                outcome,
            });
        }
        self.busy(d, t);
    }

    /// Sends `dl` in the Rx1 window (1 s) of the uplink `heard` with NS IDs `ns`, through the
    /// gateway that heard it best, scheduling right after the uplink was forwarded (`after`).
    /// Returns the virtual time of the last event.
    pub(super) fn send_downlink(
        &mut self,
        d: usize,
        mut dl: Downlink,
        up: &Subst,
        heard: &[Heard],
        ns: &[String],
        after: Nanos,
    ) -> Nanos {
        let Some(gw) = best(heard) else {
            return after;
        };
        let attempt = after + self.ms(1.0, 3.0);
        let mut base = ns.to_vec();
        base.extend(dl.ids.iter().cloned());
        let ns_ids = self.hop(&base, &[NS_DOWNLINK, NS_TRANSMISSION], attempt);
        let dev_addr = up.dev_addr.clone().unwrap_or_default();
        let raw = payload::data_frame(
            payload::CONFIRMED_DOWN,
            &dev_addr,
            false,
            dl.f_cnt,
            dl.f_port,
            &dl.frm_payload,
            &mut self.p,
        );
        let mut s = up.clone();
        s.raw_payload = Some(raw);
        s.uplink = Some(Uplink {
            f_cnt: dl.f_cnt,
            f_port: dl.f_port,
            frm_payload: dl.frm_payload.clone(),
            decoded: None,
            ack: false,
        });
        let plan = Schedule {
            ns: "ns.down.data.schedule",
            nth: 1,
            ns_ids: &ns_ids,
            gateway: gw,
            attempt,
            tx: gw.rx.received_at + SEC,
        };
        let (success, served) = self.schedule(&mut s, &plan);
        let result = match dl.outcome {
            Some(Outcome::TooLate) => Some(TOO_LATE),
            Some(_) => None,
            None => (self.p.below(8) == 0).then(|| TX_ERRORS[self.p.below(4) as usize]),
        };
        let failure = result.map(|result| TxFailure {
            result,
            error: self.tx_error(result.0),
        });
        dl.delivered = failure.is_none();
        dl.on_air = plan.tx;
        let end = self.transmit(&mut s, &served, plan.tx, failure.as_ref());
        let end = self.application_down(&s, &dl, failure.as_ref(), end);
        // A downlink that never went on air is failed, not pending: TTS drops it (its
        // `as.down.data.failed.forward` is the last word), so no later uplink nacks it.
        if let Some(ds) = self.devices.get_mut(d).filter(|_| dl.delivered) {
            ds.awaiting = Some(dl);
        }
        end.max(success)
    }

    /// What the Application Server hears of the transmission of `dl` (gateway downlink `s`),
    /// after the Network Server's event at `after`: `as.down.data.sent.forward`, or
    /// `as.down.data.failed.forward` with the Network Server's `transmission` error. Returns the
    /// time of the event.
    fn application_down(
        &mut self,
        s: &Subst,
        dl: &Downlink,
        failure: Option<&TxFailure>,
        after: Nanos,
    ) -> Nanos {
        let t = after + self.ms(2.0, 5.0);
        let mut sa = s.clone();
        let ids = sa.correlation_ids.clone().unwrap_or_default();
        sa.correlation_ids = Some(self.hop(&ids, &[NS_AS_UPLINK], t));
        match failure {
            None => self.put(t, "as.down.data.sent.forward", 0, &sa),
            Some(f) => {
                let at = "/data/downlink_failed/downlink";
                let edits = vec![
                    Edit::set("/data/downlink_failed", "error", f.error.clone()),
                    Edit::set(at, "f_cnt", json!(dl.f_cnt)),
                    Edit::set(at, "session_key_id", json!(s.session_key_id)),
                ];
                self.put_edited(t, "as.down.data.failed.forward", 0, &sa, edits);
            }
        }
        t
    }

    /// The Network Server's error for a failed transmission (`errTransmission`).
    fn tx_error(&mut self, result: &str) -> Value {
        json!({
            "namespace": "pkg/networkserver",
            "name": "transmission",
            "message_format": "downlink transmission failed with result `{result}`",
            "attributes": {"result": result},
            "correlation_id": self.p.hex(16).to_lowercase(),
            "code": 2
        })
    }

    /// Plans the schedule attempt, the gateway's schedule attempt and send, and the schedule
    /// success (with the delay until `plan.tx`); `s` becomes the gateway's downlink. Returns the
    /// time of the success and the IDs the transmission carries.
    pub(super) fn schedule(&mut self, s: &mut Subst, plan: &Schedule) -> (Nanos, Vec<String>) {
        let gw = plan.gateway;
        *s = self.with_gateway(std::mem::take(s), gw.g);
        s.rx = Vec::new();
        s.received_at = None;
        s.uplink_token = Some(gw.rx.uplink_token.clone());
        let window = (plan.tx - gw.rx.received_at) / 1000;
        if let Some(r) = s.radio.as_mut() {
            r.2 = gw.rx.timestamp.wrapping_add(window as u32);
        }
        let gs_ids = self.hop(plan.ns_ids, &[NS_GS_SCHEDULE], plan.attempt);
        // Its events of this downlink end with the transmission acknowledgement.
        self.gateway_busy(gw.g, plan.tx + SEC / 10);
        // The gateway's connection sends it (another one than the uplink's first reception's).
        let mut served = gs_ids.clone();
        served.push(gw.conn.clone());
        let (attempt, success) = match plan.ns {
            "ns.down.join.schedule" => (
                "ns.down.join.schedule.attempt",
                "ns.down.join.schedule.success",
            ),
            _ => (
                "ns.down.data.schedule.attempt",
                "ns.down.data.schedule.success",
            ),
        };
        s.correlation_ids = Some(plan.ns_ids.to_vec());
        self.put(plan.attempt, attempt, 0, s);
        let t = plan.attempt + self.ms(0.5, 1.5);
        s.correlation_ids = Some(gs_ids);
        self.put(t, "gs.down.schedule.attempt", plan.nth, s);
        let t = t + self.ms(0.1, 0.3);
        s.correlation_ids = Some(served.clone());
        self.put(t, "gs.down.send", plan.nth, s);
        let t = t + self.ms(0.3, 0.8);
        s.correlation_ids = Some(plan.ns_ids.to_vec());
        let delay = Edit::set("/data", "delay", duration(plan.tx - t));
        self.put_edited(t, success, 0, s, vec![delay]);
        (t, served)
    }

    /// The gateway's transmission acknowledgement shortly after `tx`: success or `failure`,
    /// and the NS's `ns.down.transmission.success` / `.fail`. Returns the time of the last
    /// event; `s` keeps the acknowledgement's IDs.
    pub(super) fn transmit(
        &mut self,
        s: &mut Subst,
        served: &[String],
        tx: Nanos,
        failure: Option<&TxFailure>,
    ) -> Nanos {
        let t = tx + self.ms(1.0, 30.0);
        let acked = self.hop(served, &[GS_TX_ACK], t);
        s.correlation_ids = Some(acked);
        let mut edits = vec![Edit::set(
            "/data/downlink_message",
            "correlation_ids",
            sorted(served),
        )];
        if let Some(f) = failure {
            edits.push(Edit::set("/data", "result", json!(f.result.0)));
        }
        self.put_edited(t, "gs.txack.receive", 0, s, edits);
        let t = t + self.ms(0.2, 0.6);
        match failure {
            Some(f) => {
                let value = Edit::set("/data", "value", json!(f.result.1));
                self.put_edited(t, "gs.down.tx.fail", 0, s, vec![value]);
                // No template of its own: an ErrorDetails event of the device, renamed.
                let t = t + self.ms(1.0, 3.0);
                let mut error = json!({"@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails"});
                if let (Some(m), Some(e)) = (error.as_object_mut(), f.error.as_object()) {
                    m.extend(e.clone());
                }
                let edits = vec![
                    Edit::set("", "name", json!("ns.down.transmission.fail")),
                    Edit::set("", "data", error),
                ];
                self.put_edited(t, "ns.up.join.cluster.fail", 0, s, edits);
                t
            }
            None => {
                self.put(t, "gs.down.tx.success", 0, s);
                let t = t + self.ms(1.0, 3.0);
                self.put(t, "ns.down.transmission.success", 0, s);
                t
            }
        }
    }
}
