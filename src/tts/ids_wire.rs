//! The JSON form of [`EntityIds`]: the `EntityIdentifiers` oneof of API.md
//! §1.3, written snake_case (as the server writes it) and read in snake_case
//! or lowerCamelCase (as the server accepts it, §1.4).
//!
//! Why separate: the wire shape is nested (`{"device_ids":{"application_ids":
//! {…}}}`) while the enum is flat; this file is the only place that knows the
//! nesting. It must never accept an entry naming no entity kind.

use super::ids::EntityIds;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

#[derive(Serialize, Deserialize)]
struct AppIds {
    #[serde(alias = "applicationId")]
    application_id: String,
}

#[derive(Serialize, Deserialize)]
struct DeviceIds {
    #[serde(alias = "deviceId")]
    device_id: String,
    #[serde(alias = "applicationIds")]
    application_ids: AppIds,
    #[serde(alias = "devEui", default, skip_serializing_if = "Option::is_none")]
    dev_eui: Option<String>,
    #[serde(alias = "joinEui", default, skip_serializing_if = "Option::is_none")]
    join_eui: Option<String>,
    #[serde(alias = "devAddr", default, skip_serializing_if = "Option::is_none")]
    dev_addr: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct GatewayIds {
    #[serde(alias = "gatewayId")]
    gateway_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    eui: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ClientIds {
    #[serde(alias = "clientId")]
    client_id: String,
}

#[derive(Serialize, Deserialize)]
struct OrgIds {
    #[serde(alias = "organizationId")]
    organization_id: String,
}

#[derive(Serialize, Deserialize)]
struct UserIds {
    #[serde(alias = "userId")]
    user_id: String,
}

#[derive(Default, Serialize, Deserialize)]
struct WireEntity {
    #[serde(
        alias = "applicationIds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    application_ids: Option<AppIds>,
    #[serde(alias = "clientIds", default, skip_serializing_if = "Option::is_none")]
    client_ids: Option<ClientIds>,
    #[serde(alias = "deviceIds", default, skip_serializing_if = "Option::is_none")]
    device_ids: Option<DeviceIds>,
    #[serde(alias = "gatewayIds", default, skip_serializing_if = "Option::is_none")]
    gateway_ids: Option<GatewayIds>,
    #[serde(
        alias = "organizationIds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    organization_ids: Option<OrgIds>,
    #[serde(alias = "userIds", default, skip_serializing_if = "Option::is_none")]
    user_ids: Option<UserIds>,
}

impl Serialize for EntityIds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut w = WireEntity::default();
        match self.clone() {
            EntityIds::Application { application_id } => {
                w.application_ids = Some(AppIds { application_id })
            }
            EntityIds::Client { client_id } => w.client_ids = Some(ClientIds { client_id }),
            EntityIds::Device {
                application_id,
                device_id,
                dev_eui,
                join_eui,
                dev_addr,
            } => {
                w.device_ids = Some(DeviceIds {
                    device_id,
                    application_ids: AppIds { application_id },
                    dev_eui,
                    join_eui,
                    dev_addr,
                })
            }
            EntityIds::Gateway { gateway_id, eui } => {
                w.gateway_ids = Some(GatewayIds { gateway_id, eui })
            }
            EntityIds::Organization { organization_id } => {
                w.organization_ids = Some(OrgIds { organization_id })
            }
            EntityIds::User { user_id } => w.user_ids = Some(UserIds { user_id }),
        }
        w.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for EntityIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let w = WireEntity::deserialize(deserializer)?;
        if let Some(d) = w.device_ids {
            return Ok(EntityIds::Device {
                application_id: d.application_ids.application_id,
                device_id: d.device_id,
                dev_eui: d.dev_eui,
                join_eui: d.join_eui,
                dev_addr: d.dev_addr,
            });
        }
        if let Some(a) = w.application_ids {
            return Ok(EntityIds::Application {
                application_id: a.application_id,
            });
        }
        if let Some(g) = w.gateway_ids {
            return Ok(EntityIds::Gateway {
                gateway_id: g.gateway_id,
                eui: g.eui,
            });
        }
        if let Some(o) = w.organization_ids {
            return Ok(EntityIds::Organization {
                organization_id: o.organization_id,
            });
        }
        if let Some(u) = w.user_ids {
            return Ok(EntityIds::User { user_id: u.user_id });
        }
        if let Some(c) = w.client_ids {
            return Ok(EntityIds::Client {
                client_id: c.client_id,
            });
        }
        Err(de::Error::custom(
            "an identifiers entry names none of the six entity kinds",
        ))
    }
}
