//! [`Lane`]: one entity seen in the stream and the events that name it —
//! its key, the identifiers the stream revealed (EUIs, DevAddr), when it was
//! last heard of, its rows (all, and those passing the filter) — and the
//! rules the timeline places lanes by. Plain data; nothing here panics.

use super::ordered::Ordered;
use crate::tts::{EntityIds, EntityKind, Event, Timestamp};

/// The key of the lane of events that name no entity.
pub const NO_ENTITY: &str = "(none)";

/// One entity seen in the stream, with the events that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The stable grouping key (`app/dev`, `gw:x`, …), or [`NO_ENTITY`].
    pub key: String,
    /// The entity, with the newest EUIs/DevAddr the stream revealed; `None`
    /// for the lane of events without identifiers.
    pub entity: Option<EntityIds>,
    /// The event time of the newest event in the lane.
    pub last_seen: Timestamp,
    pub(super) all: Ordered,
    /// The events passing the active filter (empty without one).
    pub(super) matched: Ordered,
}

impl Lane {
    /// How many retained events name this entity.
    pub fn count(&self) -> usize {
        self.all.len()
    }

    /// How many of its events the lane shows: all, or (`filtered`) those
    /// passing the active filter.
    pub fn shown(&self, filtered: bool) -> usize {
        if filtered {
            self.matched.len()
        } else {
            self.all.len()
        }
    }

    /// Every retained event of the lane, in time order (the filter aside).
    pub fn all(&self) -> &Ordered {
        &self.all
    }

    /// The ARIA label of the lane: `device app1/dev2`, `gateway gw2`.
    pub fn label(&self) -> String {
        match &self.entity {
            Some(EntityIds::Device {
                application_id,
                device_id,
                ..
            }) => format!("device {application_id}/{device_id}"),
            Some(other) => format!("{} {}", other.kind(), other.id()),
            None => "events without an entity".to_owned(),
        }
    }
}

/// Lanes are listed applications first, then their devices, gateways, and the rest.
pub(super) fn kind_rank(entity: Option<&EntityIds>) -> u8 {
    match entity.map(EntityIds::kind) {
        Some(EntityKind::Application) => 0,
        Some(EntityKind::Device) => 1,
        Some(EntityKind::Gateway) => 2,
        Some(EntityKind::Organization) => 3,
        Some(EntityKind::User) => 4,
        Some(EntityKind::Client) => 5,
        None => 6,
    }
}

/// Merge what an event revealed about an entity (EUIs, DevAddr) into the lane's copy.
pub(super) fn merge_ids(known: &mut EntityIds, seen: &EntityIds) {
    match (known, seen) {
        (
            EntityIds::Device {
                dev_eui,
                join_eui,
                dev_addr,
                ..
            },
            EntityIds::Device {
                dev_eui: new_eui,
                join_eui: new_join,
                dev_addr: new_addr,
                ..
            },
        ) => {
            for (old, new) in [
                (dev_eui, new_eui),
                (join_eui, new_join),
                (dev_addr, new_addr),
            ] {
                if new.is_some() {
                    old.clone_from(new);
                }
            }
        }
        (EntityIds::Gateway { eui, .. }, EntityIds::Gateway { eui: new_eui, .. })
            if new_eui.is_some() =>
        {
            eui.clone_from(new_eui);
        }
        _ => {}
    }
}

/// The lane keys of an event (one per identifier, or [`NO_ENTITY`]).
pub(super) fn lane_keys(event: &Event) -> Vec<String> {
    if event.identifiers.is_empty() {
        vec![NO_ENTITY.to_owned()]
    } else {
        event.identifiers.iter().map(EntityIds::key).collect()
    }
}
