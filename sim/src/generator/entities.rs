//! Who an event is about: the identifiers the templates get for a device (with its current
//! DevAddr and session), a gateway (with its current connection) and the fleet's user,
//! organization and OAuth client.
//!
//! Exists to keep these substitutions, shared by every flow, out of the generator's state
//! machine (`mod.rs`).

use serde_json::{json, Value};

use super::template::Subst;
use super::Generator;
use crate::fleet::Gateway;

/// `{id_key: id}`.
fn ids(id_key: &str, id: &str) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(id_key.into(), json!(id));
    Value::Object(m)
}

impl Generator {
    pub(super) fn device_subst(&self, d: usize) -> Subst {
        let Some(ds) = self.devices.get(d) else {
            return Subst::default();
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
            ..self.entity_subst()
        }
    }

    pub(super) fn entity_subst(&self) -> Subst {
        Subst {
            user: Some(ids("user_id", &self.fleet.user_id)),
            organization: Some(ids("organization_id", &self.fleet.organization_id)),
            client: Some(ids("client_id", &self.fleet.client_id)),
            gateway: self.gateways.first().map(|g| self.gw_ids(&g.gw)),
            ..Subst::default()
        }
    }

    pub(super) fn gw_ids(&self, g: &Gateway) -> Value {
        json!({"gateway_id": g.gateway_id, "eui": g.eui})
    }

    pub(super) fn with_gateway(&self, mut s: Subst, g: usize) -> Subst {
        if let Some(gs) = self.gateways.get(g) {
            s.gateway = Some(self.gw_ids(&gs.gw));
            s.gateway_conn = Some(gs.conn.clone());
        }
        s
    }
}
