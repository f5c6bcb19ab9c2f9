//! The simulated fleet: applications with their devices, gateways, one user, one organization
//! and one OAuth client, with deterministic EUIs and DevAddrs derived from the seed.
//!
//! Exists so the generator, the default API keys and the tests share one list of entity IDs.
//! It must never depend on wall-clock time: the same seed and sizes give the same fleet.

use crate::prng::Prng;

/// The application/device naming families of the demo fleet.
const APPS: [(&str, &str); 4] = [
    ("soil-sensors", "soil-node"),
    ("cold-chain", "fridge"),
    ("parking-lot", "bay"),
    ("weather-stations", "ws-roof"),
];

const GATEWAYS: [&str; 4] = [
    "rooftop-gw-01",
    "warehouse-ttig",
    "parking-gw-north",
    "field-gw-03",
];

/// What kind of payload an application's devices send (drives `decoded_payload`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorKind {
    /// Soil moisture/temperature.
    Soil,
    /// Fridge temperature and door contact.
    Fridge,
    /// Parking bay occupancy.
    Parking,
    /// Weather station.
    Weather,
    /// A generic counter.
    Generic,
}

/// One end device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Device ID, e.g. `soil-node-01`.
    pub device_id: String,
    /// Application ID.
    pub application_id: String,
    /// DevEUI, upper-case hex.
    pub dev_eui: String,
    /// JoinEUI, upper-case hex.
    pub join_eui: String,
    /// DevAddr assigned by the first join, upper-case hex.
    pub dev_addr: String,
}

/// One application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Application ID, e.g. `soil-sensors`.
    pub application_id: String,
    /// Its devices.
    pub devices: Vec<Device>,
    /// Payload family.
    pub sensor: SensorKind,
}

/// One gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    /// Gateway ID, e.g. `rooftop-gw-01`.
    pub gateway_id: String,
    /// Gateway EUI, upper-case hex.
    pub eui: String,
    /// Connection protocol (`udp` or `semtechws/lbslns`).
    pub protocol: String,
}

/// The whole simulated fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    /// Applications (default 2).
    pub applications: Vec<Application>,
    /// Gateways (default 3).
    pub gateways: Vec<Gateway>,
    /// The user (`alice-eng`).
    pub user_id: String,
    /// The organization (`acme-iot`).
    pub organization_id: String,
    /// The OAuth client (`acme-dashboard`).
    pub client_id: String,
}

impl Fleet {
    /// Builds a fleet of `apps` applications × `devices` devices and `gateways` gateways.
    pub fn new(seed: u64, apps: usize, devices: usize, gateways: usize) -> Self {
        let mut p = Prng::new(seed ^ 0xF1EE7);
        let applications = (0..apps)
            .map(|a| {
                let (app_id, prefix, sensor) = match APPS.get(a) {
                    Some((id, prefix)) => (
                        id.to_string(),
                        prefix.to_string(),
                        [
                            SensorKind::Soil,
                            SensorKind::Fridge,
                            SensorKind::Parking,
                            SensorKind::Weather,
                        ][a],
                    ),
                    None => (
                        format!("app-{}", a + 1),
                        "dev".to_string(),
                        SensorKind::Generic,
                    ),
                };
                let devices = (0..devices)
                    .map(|d| Device {
                        device_id: format!("{prefix}-{:02}", d + 1),
                        application_id: app_id.clone(),
                        dev_eui: format!("70B3D57ED00{}", &p.hex(3)[..5]),
                        join_eui: "0000000000000000".into(),
                        dev_addr: format!("260B{}", p.hex(2)),
                    })
                    .collect();
                Application {
                    application_id: app_id,
                    devices,
                    sensor,
                }
            })
            .collect();
        let gateways = (0..gateways)
            .map(|g| Gateway {
                gateway_id: GATEWAYS
                    .get(g)
                    .map_or_else(|| format!("gw-{:02}", g + 1), |s| s.to_string()),
                eui: if g % 2 == 0 {
                    format!("AC1F09FFFE{}", p.hex(3))
                } else {
                    format!("58A0CBFFFE{}", p.hex(3))
                },
                protocol: if g % 3 == 2 {
                    "semtechws/lbslns".into()
                } else {
                    "udp".into()
                },
            })
            .collect();
        Self {
            applications,
            gateways,
            user_id: "alice-eng".into(),
            organization_id: "acme-iot".into(),
            client_id: "acme-dashboard".into(),
        }
    }

    /// The default demo fleet (2 applications × 3 devices, 3 gateways).
    pub fn demo(seed: u64) -> Self {
        Self::new(seed, 2, 3, 3)
    }

    /// All devices of all applications.
    pub fn devices(&self) -> impl Iterator<Item = &Device> {
        self.applications.iter().flat_map(|a| a.devices.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_fleet_ids() {
        let f = Fleet::demo(1);
        assert_eq!(f.applications[0].application_id, "soil-sensors");
        assert_eq!(f.applications[1].devices[2].device_id, "fridge-03");
        assert_eq!(f.gateways.len(), 3);
        assert_eq!(
            Fleet::new(1, 6, 1, 6).applications[5].application_id,
            "app-6"
        );
        assert_eq!(Fleet::new(1, 6, 1, 6).gateways[5].gateway_id, "gw-06");
        assert_eq!(f, Fleet::demo(1));
        assert!(f
            .devices()
            .all(|d| d.dev_eui.len() == 16 && d.dev_addr.len() == 8));
    }
}
