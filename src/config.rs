//! Deploy-time defaults read from an optional `config.json` next to
//! `index.html`, so an operator (or `cargo xtask demo`) can pre-fill the form
//! without rebuilding.
//!
//! Parsing is pure and never fails: a missing or broken file yields the
//! built-in defaults plus a warning for the console, never a blank page.

use std::time::Duration;

use serde::Deserialize;

use crate::stream::session::SessionConfig;

/// The public The Things Stack clusters offered as suggestions in the form.
pub const PUBLIC_CLUSTERS: [&str; 3] = [
    "https://eu1.cloud.thethings.network",
    "https://nam1.cloud.thethings.network",
    "https://au1.cloud.thethings.network",
];

/// What a deployment may pre-set. Every field is optional in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ViewerConfig {
    /// Cluster URL filled into the form on load.
    pub cluster_url: Option<String>,
    /// Extra cluster URLs suggested next to the public ones.
    pub cluster_suggestions: Vec<String>,
    /// Pins the clusters a key may be sent to (with `cluster_url`): a link or
    /// a typed URL naming any other cluster is refused. Empty: any cluster,
    /// after the user confirms one that a link set (see `trust::ClusterCheck`).
    pub clusters_allowed: Vec<String>,
    /// An API key filled into the form on load. Meant for the simulator's
    /// demo only (`cargo xtask demo`); a real deployment must not set it.
    pub demo_api_key: Option<String>,
    /// Entities filled into the form on load, in its quick-paste syntax
    /// (`my-app`, `my-app/my-device`, `gw:my-gateway`, …).
    pub entities: Vec<String>,
    /// A line of text shown above the form (e.g. "Staging cluster").
    pub banner: Option<String>,
    /// Seconds without a byte after which a stream is presumed dead and resumed
    /// (`0`: never; default: [`SessionConfig::default`]'s 120 s). TTS sends no
    /// heartbeats, so a lower value also resumes quiet streams more often.
    pub stall_timeout_secs: Option<u64>,
    /// `clusters_allowed` was in the file but could not be read: the pin
    /// fails closed (only `cluster_url` is allowed), never open.
    #[serde(skip)]
    pub pin_unreadable: bool,
}

/// [`ViewerConfig`] that refuses unknown fields: used to check each field
/// of the file on its own (a misspelled `cluster_allowed` is reported).
#[derive(Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(dead_code)] // read only to check the file's fields
struct StrictConfig {
    cluster_url: Option<String>,
    cluster_suggestions: Vec<String>,
    clusters_allowed: Vec<String>,
    demo_api_key: Option<String>,
    entities: Vec<String>,
    banner: Option<String>,
    stall_timeout_secs: Option<u64>,
}

/// The outcome of reading `config.json`: the config to use and, when the file
/// (or part of it) could not be used, a sentence saying why (for the console).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedConfig {
    pub config: ViewerConfig,
    pub warning: Option<String>,
    /// The file exists but could not be read at all (an error status, not
    /// JSON, not an object): what the deployment allows is unknown.
    pub unreadable: bool,
}

/// Whether one of the fields left out was the pin.
fn object_has_bad_pin(problems: &[String]) -> bool {
    problems.iter().any(|p| p.starts_with("clusters_allowed:"))
}

impl ViewerConfig {
    /// Interprets the HTTP answer for `config.json`. `status` 404 (no file) is
    /// normal and silent. A field of the wrong shape, or an unknown one, is
    /// left out with a warning and the rest still applies — one typo must not
    /// drop `clusters_allowed`. A file that cannot be read at all gives the
    /// defaults, a warning and `unreadable`.
    pub fn from_response(status: u16, body: &str) -> LoadedConfig {
        let unreadable = |warning: String| LoadedConfig {
            config: ViewerConfig::default(),
            warning: Some(warning),
            unreadable: true,
        };
        match status {
            200 => {}
            404 => {
                return LoadedConfig {
                    config: ViewerConfig::default(),
                    warning: None,
                    unreadable: false,
                }
            }
            other => {
                return unreadable(format!(
                    "config.json could not be loaded (HTTP {other}); using the built-in defaults"
                ))
            }
        }
        let object = match serde_json::from_str::<serde_json::Value>(body) {
            Ok(serde_json::Value::Object(object)) => object,
            Ok(_) => {
                return unreadable(
                    "config.json is not a JSON object; using the built-in defaults".into(),
                )
            }
            Err(e) => {
                return unreadable(format!(
                    "config.json is not valid JSON ({e}); using the built-in defaults"
                ))
            }
        };
        let mut config = serde_json::Map::new();
        let mut problems = Vec::new();
        for (key, value) in object {
            // Each field on its own: a bad one is reported and left out.
            let mut one = serde_json::Map::new();
            one.insert(key.clone(), value.clone());
            match serde_json::from_value::<StrictConfig>(serde_json::Value::Object(one)) {
                Ok(_) => {
                    config.insert(key, value);
                }
                Err(e) => problems.push(format!("{key}: {e}")),
            }
        }
        let pin_unreadable = object_has_bad_pin(&problems);
        let mut config = serde_json::from_value::<ViewerConfig>(serde_json::Value::Object(config))
            .unwrap_or_default();
        config.pin_unreadable = pin_unreadable;
        LoadedConfig {
            config,
            warning: (!problems.is_empty()).then(|| {
                format!(
                    "config.json: these fields were left out: {}",
                    problems.join("; ")
                )
            }),
            unreadable: false,
        }
    }

    /// Which clusters this deployment trusts and allows.
    pub fn cluster_policy(&self) -> crate::trust::ClusterPolicy {
        if self.pin_unreadable {
            // An entry that is no cluster URL pins to the deployment's own cluster only.
            return crate::trust::ClusterPolicy::new(
                self.cluster_url.as_deref(),
                &["(clusters_allowed could not be read)".to_owned()],
            );
        }
        crate::trust::ClusterPolicy::new(self.cluster_url.as_deref(), &self.clusters_allowed)
    }

    /// The demo key, offered only for the deployment's own cluster (the
    /// simulator it was printed by), never for a cluster a link names.
    pub fn demo_key_for(&self, cluster: &crate::stream::ClusterUrl) -> Option<&str> {
        let own = crate::stream::ClusterUrl::parse(self.cluster_url.as_deref()?).ok()?;
        (own.origin() == cluster.origin())
            .then_some(self.demo_api_key.as_deref())
            .flatten()
    }

    /// The reconnect policy this deployment asks for.
    pub fn session_config(&self) -> SessionConfig {
        let defaults = SessionConfig::default();
        SessionConfig {
            stall_timeout: match self.stall_timeout_secs {
                None => defaults.stall_timeout,
                Some(0) => None,
                Some(secs) => Some(Duration::from_secs(secs)),
            },
            ..defaults
        }
    }

    /// The cluster suggestions to offer: the deployment's first, then the
    /// public clusters, without duplicates.
    pub fn suggestions(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        // A pinned deployment suggests only what it allows.
        let public: &[&str] = if self.clusters_allowed.is_empty() {
            &PUBLIC_CLUSTERS
        } else {
            &[]
        };
        let candidates = self
            .cluster_url
            .iter()
            .chain(&self.clusters_allowed)
            .chain(
                self.cluster_suggestions
                    .iter()
                    .filter(|_| !public.is_empty()),
            )
            .map(String::as_str)
            .chain(public.iter().copied());
        for url in candidates {
            if !url.trim().is_empty() && !all.iter().any(|u| u == url) {
                all.push(url.to_owned());
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_file_prefills_the_form() {
        let loaded = ViewerConfig::from_response(
            200,
            r#"{"cluster_url":"http://127.0.0.1:1885","demo_api_key":"NNSXS.X.Y","banner":"Demo","entities":["app1","gw:gw2"]}"#,
        );
        assert_eq!(loaded.warning, None);
        assert_eq!(
            loaded.config.cluster_url.as_deref(),
            Some("http://127.0.0.1:1885")
        );
        assert_eq!(loaded.config.banner.as_deref(), Some("Demo"));
        assert_eq!(loaded.config.entities, ["app1", "gw:gw2"]);
    }

    #[test]
    fn the_stall_timeout_can_be_set_or_switched_off() {
        let timeout = |body: &str| {
            ViewerConfig::from_response(200, body)
                .config
                .session_config()
                .stall_timeout
        };
        assert_eq!(timeout("{}"), Some(Duration::from_secs(120)));
        assert_eq!(
            timeout(r#"{"stall_timeout_secs":5}"#),
            Some(Duration::from_secs(5))
        );
        assert_eq!(timeout(r#"{"stall_timeout_secs":0}"#), None);
        let broken = ViewerConfig::from_response(200, r#"{"stall_timeout_secs":-1}"#);
        assert!(broken.warning.is_some());
        assert_eq!(broken.config.session_config(), SessionConfig::default());
    }

    #[test]
    fn a_missing_file_is_silent_and_gives_defaults() {
        let loaded = ViewerConfig::from_response(404, "<html>Not Found</html>");
        assert_eq!(loaded.config, ViewerConfig::default());
        assert_eq!(loaded.warning, None);
    }

    #[test]
    fn one_bad_or_unknown_field_is_left_out_and_the_rest_applies() {
        let loaded = ViewerConfig::from_response(
            200,
            r#"{"clusters_allowed":["https://tts.example.com"],"stall_timeout_secs":-1,"cluster_allowed":["x"]}"#,
        );
        assert_eq!(loaded.config.clusters_allowed, ["https://tts.example.com"]);
        assert!(!loaded.unreadable);
        assert!(!loaded.config.pin_unreadable);
        let warning = loaded.warning.unwrap_or_default();
        assert!(warning.contains("stall_timeout_secs"), "{warning}");
        assert!(warning.contains("cluster_allowed"), "{warning}");
    }

    #[test]
    fn a_pin_that_cannot_be_read_fails_closed() {
        let loaded = ViewerConfig::from_response(
            200,
            r#"{"cluster_url":"https://tts.example.com","clusters_allowed":"https://other.example"}"#,
        );
        assert!(loaded.config.pin_unreadable);
        let policy = loaded.config.cluster_policy();
        let check = |url: &str| {
            crate::trust::ClusterCheck::of(
                &crate::stream::ClusterUrl::parse(url).expect("url"),
                crate::trust::ClusterSource::Typed,
                &policy,
                &crate::trust::SavedKeys::default(),
                None,
            )
        };
        assert_eq!(
            check("https://tts.example.com"),
            crate::trust::ClusterCheck::Trusted
        );
        assert!(matches!(
            check("https://other.example"),
            crate::trust::ClusterCheck::Refused(_)
        ));
    }

    #[test]
    fn a_broken_file_gives_defaults_and_says_why() {
        let loaded = ViewerConfig::from_response(200, "{\"cluster_url\": 42");
        assert_eq!(loaded.config, ViewerConfig::default());
        assert!(loaded.unreadable);
        let warning = loaded.warning.expect("a warning");
        assert!(warning.contains("config.json is not valid"), "{warning}");

        let loaded = ViewerConfig::from_response(500, "oops");
        assert!(loaded.unreadable);
        assert!(loaded.warning.expect("a warning").contains("HTTP 500"));
        assert!(ViewerConfig::from_response(200, "[1]").unreadable);
    }

    #[test]
    fn suggestions_put_the_deployment_first_without_duplicates() {
        let config = ViewerConfig {
            cluster_url: Some("https://tts.example.com".into()),
            cluster_suggestions: vec!["https://tts.example.com".into(), PUBLIC_CLUSTERS[0].into()],
            ..ViewerConfig::default()
        };
        assert_eq!(
            config.suggestions(),
            vec![
                "https://tts.example.com".to_owned(),
                PUBLIC_CLUSTERS[0].to_owned(),
                PUBLIC_CLUSTERS[1].to_owned(),
                PUBLIC_CLUSTERS[2].to_owned(),
            ]
        );
    }
}
