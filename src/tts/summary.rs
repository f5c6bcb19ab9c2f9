//! Which kind of thing an event is, by its name, for the row's icon and
//! colour (what the row says is `tts::preview`'s). Pure; never panics.

/// Which kind of thing happened, for the row's icon and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Uplink,
    Downlink,
    Join,
    /// Gateway connection, status and statistics.
    GatewayStatus,
    /// Entity and registry changes: create/update/delete, API keys, collaborators.
    Registry,
    /// Failures, drops, rejections and warnings.
    Problem,
    Other,
}

impl Family {
    /// The CSS class suffix and a word for screen readers.
    pub const fn as_str(self) -> &'static str {
        match self {
            Family::Uplink => "uplink",
            Family::Downlink => "downlink",
            Family::Join => "join",
            Family::GatewayStatus => "gateway",
            Family::Registry => "registry",
            Family::Problem => "problem",
            Family::Other => "other",
        }
    }

    /// A one-character glyph shown in the row (decorative; the name carries the meaning).
    pub const fn glyph(self) -> &'static str {
        match self {
            Family::Uplink => "↑",
            Family::Downlink => "↓",
            Family::Join => "⚷",
            Family::GatewayStatus => "◉",
            Family::Registry => "✎",
            Family::Problem => "!",
            Family::Other => "·",
        }
    }
}

/// The family of an event name.
pub fn family(name: &str) -> Family {
    let last = name.rsplit('.').next().unwrap_or(name);
    let is_problem = matches!(last, "fail" | "drop" | "warning" | "reject" | "nack")
        || name.contains(".fail.")
        || name.contains(".drop.")
        || name.ends_with(".failed.forward")
        || name.ends_with(".tx.fail")
        || name == "account.user.login_failed";
    if is_problem {
        return Family::Problem;
    }
    if name.contains(".join.") || name.starts_with("js.") {
        return Family::Join;
    }
    if name.starts_with("gs.gateway.")
        || name.starts_with("gs.status.")
        || name.starts_with("gcs.")
        || name.starts_with("dcs.gateway.")
    {
        return Family::GatewayStatus;
    }
    if name.contains(".up.") || name.starts_with("gs.up") {
        return Family::Uplink;
    }
    if name.contains(".down.") || name.contains(".txack.") || name.contains(".transmission.") {
        return Family::Downlink;
    }
    let registry_verbs = [
        "create", "update", "delete", "restore", "purge", "claim", "unclaim",
    ];
    if registry_verbs.contains(&last)
        || name.contains(".api-key.")
        || name.contains(".collaborator.")
        || name.starts_with("oauth.")
    {
        return Family::Registry;
    }
    Family::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_the_event_names() {
        assert_eq!(family("as.up.data.forward"), Family::Uplink);
        assert_eq!(family("gs.up.receive"), Family::Uplink);
        assert_eq!(family("ns.down.data.schedule.attempt"), Family::Downlink);
        assert_eq!(family("gs.txack.receive"), Family::Downlink);
        assert_eq!(family("js.join.accept"), Family::Join);
        assert_eq!(family("ns.up.join.process"), Family::Join);
        assert_eq!(family("gs.gateway.connection.stats"), Family::GatewayStatus);
        assert_eq!(family("gs.status.receive"), Family::GatewayStatus);
        assert_eq!(family("end_device.update"), Family::Registry);
        assert_eq!(family("application.api-key.create"), Family::Registry);
        assert_eq!(family("as.up.data.decode.fail"), Family::Problem);
        assert_eq!(family("gs.up.drop"), Family::Problem);
        assert_eq!(family("as.down.data.nack.forward"), Family::Downlink);
        assert_eq!(family("as.down.data.failed.forward"), Family::Problem);
        assert_eq!(family("ns.mac.link_adr.answer.reject"), Family::Problem);
    }

    #[test]
    fn every_catalogue_name_has_a_family() {
        for d in crate::tts::definitions() {
            let _ = family(d.name);
        }
    }
}
