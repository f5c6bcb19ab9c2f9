//! Ready-made event-name sets: the TTS Console's default ("non-verbose")
//! filters for devices, applications and gateways (`docs/tts/console-filters.md`),
//! as the anchored `/regexp/` entries the Console itself sends.
//!
//! Each glob must keep matching at least one defined name, or the server
//! rejects the whole request (`no_matching_events`); a test checks that.

/// A named set of event-name entries for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamePreset {
    /// Shown on the button.
    pub label: &'static str,
    /// What it is for, shown as the button's title.
    pub description: &'static str,
    /// Globs as the Console writes them (`*` = anything).
    pub globs: &'static [&'static str],
    /// More globs on top of `globs` (the application set is the device set plus `application.*`).
    pub extra: &'static [&'static str],
}

const DEVICE: &[&str] = &[
    "as.*.drop",
    "as.down.data.receive",
    "as.up.*.forward",
    "js.join.accept",
    "js.join.reject",
    "ns.up.data.process",
    "ns.up.join.process",
    "ns.down.data.schedule.attempt",
    "ns.mac.*.answer.reject",
    "*.warning",
    "*.fail",
    "end_device.*",
];

const GATEWAY: &[&str] = &[
    "gs.gateway.connect",
    "gs.gateway.disconnect",
    "gs.up.receive",
    "gs.down.send",
    "gs.down.schedule.fail",
    "gs.down.tx.fail",
    "gs.status.receive",
    "gcs.managed.*",
    "gateway.*",
];

/// The presets offered next to the event-names field.
pub const PRESETS: &[NamePreset] = &[
    NamePreset {
        label: "Device set",
        description: "The TTS Console's default for a device (verbose off)",
        globs: DEVICE,
        extra: &[],
    },
    NamePreset {
        label: "Application set",
        description: "The TTS Console's default for an application (verbose off)",
        globs: DEVICE,
        extra: &["application.*"],
    },
    NamePreset {
        label: "Gateway set",
        description: "The TTS Console's default for a gateway (verbose off)",
        globs: GATEWAY,
        extra: &[],
    },
    NamePreset {
        label: "Uplinks",
        description: "The Console's heartbeat filter: every application-layer uplink",
        globs: &["as.up.*.forward"],
        extra: &[],
    },
];

/// A Console glob as the anchored regexp entry the Console sends:
/// `as.up.*.forward` → `/^as\.up\..*\.forward$/`.
pub fn glob_to_entry(glob: &str) -> String {
    let mut out = String::from("/^");
    for c in glob.chars() {
        match c {
            '*' => out.push_str(".*"),
            '.' => out.push_str("\\."),
            c => out.push(c),
        }
    }
    out.push_str("$/");
    out
}

impl NamePreset {
    /// The entries to put in the event-names field.
    pub fn entries(&self) -> Vec<String> {
        self.globs
            .iter()
            .chain(self.extra)
            .map(|g| glob_to_entry(g))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::resolve_name;

    #[test]
    fn globs_become_the_console_s_anchored_regexps() {
        assert_eq!(
            glob_to_entry("as.up.*.forward"),
            "/^as\\.up\\..*\\.forward$/"
        );
        assert_eq!(glob_to_entry("js.join.accept"), "/^js\\.join\\.accept$/");
    }

    #[test]
    fn every_preset_entry_is_accepted_by_the_server_rules() {
        for preset in PRESETS {
            for entry in preset.entries() {
                let names = resolve_name(&entry)
                    .unwrap_or_else(|e| panic!("{}: {entry}: {e}", preset.label));
                assert!(!names.is_empty(), "{entry}");
            }
        }
    }
}
