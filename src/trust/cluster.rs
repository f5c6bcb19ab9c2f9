//! Whether the cluster in the form may receive the user's key now, or the
//! user must first confirm it, or the deployment forbids it.
//!
//! The rule (README, "Sharing a view"):
//! - A deployment may pin its clusters (`clusters_allowed` in `config.json`):
//!   any other cluster is refused, however it got into the form.
//! - The deployment's own cluster (`cluster_url`) is trusted.
//! - A cluster the user typed is theirs — unless it is still the origin a
//!   link set (editing the path of a linked URL does not make it the user's).
//! - A cluster set by anything else (a link, the back button) needs the
//!   user's deliberate confirmation when it differs from the deployment's
//!   cluster, or, where the deployment names none, when the user has never
//!   connected to it from this browser. If the deployment's `config.json`
//!   could not be read, every linked cluster is confirmed: the page cannot
//!   know what the deployment allows. The confirmation names the full host.
//!
//! Pure: the caller passes what it knows; nothing here stores anything.

use crate::stream::ClusterUrl;

use super::SavedKeys;

/// Where the form's cluster URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClusterSource {
    /// Typed (or pasted) into the field by the user.
    #[default]
    Typed,
    /// The deployment's `config.json`.
    Config,
    /// A link's fragment (opening it, or back/forward).
    Link,
}

/// What the deployment says about clusters (from `config.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterPolicy {
    /// The deployment's own cluster, if it names one.
    own: Option<ClusterUrl>,
    /// With `clusters_allowed`: the only clusters a key may go to (the
    /// deployment's own included; empty if every entry was unreadable).
    pinned: Option<Vec<ClusterUrl>>,
    /// Whether `config.json` was read (or is absent): if it could not be,
    /// nothing is known about what the deployment allows.
    known: bool,
}

impl Default for ClusterPolicy {
    /// A deployment without `config.json`: no own cluster, no pin.
    fn default() -> Self {
        ClusterPolicy {
            own: None,
            pinned: None,
            known: true,
        }
    }
}

impl ClusterPolicy {
    /// The policy of a deployment naming `cluster_url` and pinning `allowed`
    /// (its own cluster is always allowed). Entries that are not cluster URLs
    /// are ignored, so a typo cannot open the pin to everything: a pin whose
    /// every entry is unreadable allows nothing but the deployment's own.
    pub fn new(cluster_url: Option<&str>, allowed: &[String]) -> Self {
        let own = cluster_url.and_then(|u| ClusterUrl::parse(u).ok());
        let pinned = (!allowed.is_empty()).then(|| {
            let mut pinned: Vec<ClusterUrl> = allowed
                .iter()
                .filter_map(|s| ClusterUrl::parse(s).ok())
                .chain(own.clone())
                .collect();
            crate::sort::sort_by(&mut pinned, |a, b| a.origin().cmp(b.origin()));
            pinned.dedup_by(|a, b| a.origin() == b.origin());
            pinned
        });
        ClusterPolicy {
            own,
            pinned,
            known: true,
        }
    }

    /// The policy while `config.json` could not be read.
    pub fn unknown() -> Self {
        ClusterPolicy {
            known: false,
            ..ClusterPolicy::default()
        }
    }
}

/// The part of a host name that says who runs it: the last two labels
/// (`evil.example` in `eu1.cloud.thethings.network.evil.example`), three
/// under a two-level country suffix (`example.co.uk`); an IP address or a
/// one-label host whole. A reading aid next to the full host, not a rule.
pub fn owner_domain(host: &str) -> &str {
    let name = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') {
            h
        } else {
            host
        }
    });
    let is_ip = name.starts_with('[') || name.parse::<std::net::Ipv4Addr>().is_ok();
    let labels: Vec<&str> = name.split('.').collect();
    if is_ip || labels.len() <= 2 {
        return name;
    }
    let n = labels.len();
    let two_level_suffix = labels[n - 1].len() == 2 && labels[n - 2].len() <= 3;
    let keep = if two_level_suffix { 3 } else { 2 }.min(n);
    let start: usize = labels[..n - keep].iter().map(|l| l.len() + 1).sum();
    &name[start..]
}

/// Why a cluster needs confirming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmReason {
    /// Not the deployment's cluster (whose host is given).
    NotTheDeployments(String),
    /// Never connected to from this browser.
    NeverUsed,
    /// The deployment's `config.json` could not be read.
    DeploymentUnknown,
}

impl ConfirmReason {
    /// The reason, as a sentence.
    pub fn sentence(&self) -> String {
        match self {
            ConfirmReason::NeverUsed => {
                "You have not connected to this cluster from this browser before.".into()
            }
            ConfirmReason::NotTheDeployments(own) => {
                format!("It is not the cluster this Eventline is set up for ({own}).")
            }
            ConfirmReason::DeploymentUnknown => "This Eventline's settings (config.json) could \
                 not be read, so it cannot tell whether this cluster is one it may use."
                .into(),
        }
    }
}

/// The verdict on sending a key to the form's cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterCheck {
    /// Go ahead.
    Trusted,
    /// Show the full host and let the user confirm it first.
    Confirm {
        /// The host name and port, in full.
        host: String,
        reason: ConfirmReason,
    },
    /// This deployment does not connect there; the sentence says so.
    Refused(String),
}

impl ClusterCheck {
    /// Judges `cluster`, which came from `source`; `confirmed` is the origin
    /// the user confirmed on this page, if any.
    pub fn of(
        cluster: &ClusterUrl,
        source: ClusterSource,
        policy: &ClusterPolicy,
        saved: &SavedKeys,
        confirmed: Option<&str>,
    ) -> Self {
        let origin = cluster.origin();
        if let Some(pinned) = &policy.pinned {
            if !pinned.iter().any(|p| p.origin() == origin) {
                // Origins, not hosts: `http://x` and `https://x` are different clusters.
                let origins: Vec<&str> = pinned.iter().map(ClusterUrl::origin).collect();
                let allowed = if origins.is_empty() {
                    "the clusters its operator allowed".to_owned()
                } else {
                    origins.join(", ")
                };
                return ClusterCheck::Refused(format!(
                    "This Eventline only connects to {allowed}; it will not send a key to {origin}"
                ));
            }
        }
        let own = policy.own.as_ref().is_some_and(|o| o.origin() == origin);
        if source == ClusterSource::Typed || own || confirmed == Some(origin) {
            return ClusterCheck::Trusted;
        }
        let reason = match &policy.own {
            _ if !policy.known => ConfirmReason::DeploymentUnknown,
            Some(own) => ConfirmReason::NotTheDeployments(own.host().to_owned()),
            None if saved.was_used(cluster) => return ClusterCheck::Trusted,
            None => ConfirmReason::NeverUsed,
        };
        ClusterCheck::Confirm {
            host: cluster.host().to_owned(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> ClusterUrl {
        ClusterUrl::parse(s).expect("valid")
    }

    const EVIL: &str = "https://eu1.cloud.thethings.network.evil.example/x";

    #[test]
    fn a_link_to_a_cluster_never_used_here_must_be_confirmed_with_its_full_host() {
        let check = ClusterCheck::of(
            &url(EVIL),
            ClusterSource::Link,
            &ClusterPolicy::default(),
            &SavedKeys::default(),
            None,
        );
        assert_eq!(
            check,
            ClusterCheck::Confirm {
                host: "eu1.cloud.thethings.network.evil.example".into(),
                reason: ConfirmReason::NeverUsed
            }
        );
        // Confirmed on this page: trusted; a confirmation of another origin is not.
        let confirmed = ClusterCheck::of(
            &url(EVIL),
            ClusterSource::Link,
            &ClusterPolicy::default(),
            &SavedKeys::default(),
            Some("https://eu1.cloud.thethings.network.evil.example"),
        );
        assert_eq!(confirmed, ClusterCheck::Trusted);
        let other = ClusterCheck::of(
            &url(EVIL),
            ClusterSource::Link,
            &ClusterPolicy::default(),
            &SavedKeys::default(),
            Some("https://eu1.cloud.thethings.network"),
        );
        assert!(matches!(other, ClusterCheck::Confirm { .. }));
    }

    #[test]
    fn the_owner_domain_is_the_end_of_the_host() {
        assert_eq!(
            owner_domain("eu1.cloud.thethings.network.evil.example"),
            "evil.example"
        );
        assert_eq!(
            owner_domain("eu1.cloud.thethings.network"),
            "thethings.network"
        );
        assert_eq!(owner_domain("tts.example.co.uk:8443"), "example.co.uk");
        assert_eq!(owner_domain("127.0.0.1:1885"), "127.0.0.1");
        assert_eq!(owner_domain("[::1]:1885"), "[::1]");
        assert_eq!(owner_domain("localhost"), "localhost");
    }

    #[test]
    fn a_typed_cluster_or_one_used_before_is_trusted() {
        let none = SavedKeys::default();
        let policy = ClusterPolicy::default();
        let typed = ClusterCheck::of(&url(EVIL), ClusterSource::Typed, &policy, &none, None);
        assert_eq!(typed, ClusterCheck::Trusted);
        let mut used = SavedKeys::default();
        used.mark_used(&url("https://eu1.cloud.thethings.network"));
        let link = url("https://eu1.cloud.thethings.network/api/v3");
        assert_eq!(
            ClusterCheck::of(&link, ClusterSource::Link, &policy, &used, None),
            ClusterCheck::Trusted
        );
        assert!(matches!(
            ClusterCheck::of(&url(EVIL), ClusterSource::Link, &policy, &used, None),
            ClusterCheck::Confirm { .. }
        ));
        // Without the deployment's settings, even a cluster used before is confirmed.
        assert_eq!(
            ClusterCheck::of(
                &link,
                ClusterSource::Link,
                &ClusterPolicy::unknown(),
                &used,
                None
            ),
            ClusterCheck::Confirm {
                host: "eu1.cloud.thethings.network".into(),
                reason: ConfirmReason::DeploymentUnknown
            }
        );
    }

    #[test]
    fn a_link_overriding_the_deployments_cluster_must_be_confirmed_even_if_used_before() {
        let policy = ClusterPolicy::new(Some("https://tts.example.com"), &[]);
        let mut used = SavedKeys::default();
        used.mark_used(&url("https://other.example"));
        let check = ClusterCheck::of(
            &url("https://other.example"),
            ClusterSource::Link,
            &policy,
            &used,
            None,
        );
        assert_eq!(
            check,
            ClusterCheck::Confirm {
                host: "other.example".into(),
                reason: ConfirmReason::NotTheDeployments("tts.example.com".into())
            }
        );
        let own = ClusterCheck::of(
            &url("https://tts.example.com/api/v3"),
            ClusterSource::Link,
            &policy,
            &SavedKeys::default(),
            None,
        );
        assert_eq!(own, ClusterCheck::Trusted);
    }

    #[test]
    fn a_pinned_deployment_refuses_every_other_cluster_however_it_came() {
        let policy = ClusterPolicy::new(
            Some("https://tts.example.com"),
            &[
                "https://backup.example.com".into(),
                "not a url at all".into(),
            ],
        );
        for source in [
            ClusterSource::Typed,
            ClusterSource::Link,
            ClusterSource::Config,
        ] {
            let check = ClusterCheck::of(&url(EVIL), source, &policy, &SavedKeys::default(), None);
            let ClusterCheck::Refused(sentence) = check else {
                panic!("{source:?}: {check:?}");
            };
            assert!(
                sentence.contains("https://backup.example.com, https://tts.example.com;"),
                "{sentence}"
            );
            assert!(sentence.ends_with("https://eu1.cloud.thethings.network.evil.example"));
        }
        for ok in ["https://backup.example.com", "https://tts.example.com/x"] {
            let check = ClusterCheck::of(
                &url(ok),
                ClusterSource::Typed,
                &policy,
                &SavedKeys::default(),
                None,
            );
            assert_eq!(check, ClusterCheck::Trusted, "{ok}");
        }
        // A pin with only unreadable entries allows nothing (no own cluster here).
        let broken = ClusterPolicy::new(None, &["nonsense here".into()]);
        assert!(matches!(
            ClusterCheck::of(
                &url("https://a.example"),
                ClusterSource::Typed,
                &broken,
                &SavedKeys::default(),
                None
            ),
            ClusterCheck::Refused(_)
        ));
    }
}
