//! The connect form's rules, without the DOM: what the user typed becomes a
//! cluster URL and a [`StreamRequest`], or one message per field saying what
//! to fix — before anything is sent.
//!
//! The API key is only checked for shape here; it is never stored or logged.

use crate::config::ViewerConfig;
use crate::stream::ClusterUrl;
use crate::trust::{ClusterCheck, ClusterPolicy, ClusterSource, SavedKeys};
use crate::tts::{parse_entities, EntityIds, ProblemKind, StreamRequest, Timestamp};

/// What the form's fields hold, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormInput {
    pub cluster_url: String,
    /// Where `cluster_url` came from: a cluster set by a link must be
    /// confirmed before a key goes to it (see [`ClusterCheck`]).
    pub cluster_source: ClusterSource,
    /// The origin a link last set: still to be confirmed while the field
    /// names it, even after the user edits the rest of the URL.
    pub link_origin: Option<String>,
    pub api_key: String,
    /// The origin whose saved (or demo) key fills `api_key`, while it does:
    /// the key leaves the field as soon as the cluster changes to another origin.
    pub key_filled_for: Option<String>,
    /// The origin the cluster field named when the user typed the key: a
    /// link that sets another origin takes the key out (it was meant for
    /// the other cluster).
    pub key_typed_for: Option<String>,
    /// The origin whose key (filled in, or typed before a link named another
    /// cluster) left the field (the form says so, until a key is typed or filled).
    pub key_taken_from: Option<String>,
    /// Save the key for this cluster on Connect ("Remember on this device").
    pub remember: bool,
    pub entities: String,
    pub event_names: String,
    pub tail: String,
    pub after: String,
}

/// A field of the form, for placing a message next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    ClusterUrl,
    ApiKey,
    Entities,
    EventNames,
    Tail,
    After,
}

/// Problems found, each next to its field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors(pub Vec<(Field, String)>);

impl FormErrors {
    /// The messages for one field.
    pub fn for_field(&self, field: Field) -> Vec<String> {
        self.0
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An API key in memory. `Debug` hides it, so no log line or panic message
/// can print it; [`ApiKey::expose`] is for the request header and storage only.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key from somewhere else than the form (a share key: created, or read from a link).
    pub fn from_secret(secret: String) -> Self {
        ApiKey(secret)
    }

    /// The key itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<hidden>)")
    }
}

/// A request ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidForm {
    pub cluster: ClusterUrl,
    /// The key, trimmed and without a pasted `Bearer ` prefix.
    pub api_key: ApiKey,
    pub request: StreamRequest,
    /// A share key from a link (not the user's own) and when it expires.
    pub shared_until: Option<Timestamp>,
}

/// Splits the event-names field into entries: separated by commas, spaces or
/// newlines, except inside a `/regexp/` (which may hold commas or spaces).
pub fn split_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut in_regexp = false;
    for c in text.chars() {
        if c == '/' {
            if current.is_empty() {
                in_regexp = true;
            } else if in_regexp {
                in_regexp = false;
            }
            current.push(c);
        } else if !in_regexp && (c == ',' || c.is_whitespace()) {
            if !current.is_empty() {
                names.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.trim().is_empty() {
        names.push(current.trim().to_owned());
    }
    names
}

/// The entities the entities field names, as far as they parse (for the chips
/// that show what Eventline understood).
pub fn understood_entities(text: &str) -> Vec<EntityIds> {
    text.split([',', '\n'])
        .filter_map(|item| crate::tts::parse_entity(item.trim()).ok())
        .collect()
}

fn api_key(input: &str) -> Result<String, String> {
    let key = input.trim();
    let key = key
        .strip_prefix("Bearer ")
        .or_else(|| key.strip_prefix("bearer "))
        .unwrap_or(key)
        .trim();
    if key.is_empty() {
        return Err(
            "Enter an API key with rights on the entities (it stays in this browser tab)".into(),
        );
    }
    let parts: Vec<&str> = key.split('.').collect();
    let well_formed = parts.len() == 3
        && parts.iter().all(|p| !p.is_empty())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
    if !well_formed {
        return Err(
            "This does not look like a The Things Stack API key (NNSXS.…, three parts separated by dots); paste the whole key"
                .into(),
        );
    }
    Ok(key.to_owned())
}

impl FormInput {
    /// The cluster the field names, if it parses.
    pub fn cluster(&self) -> Option<ClusterUrl> {
        ClusterUrl::parse(&self.cluster_url).ok()
    }

    /// The user typed into the cluster field.
    pub fn type_cluster(&mut self, text: String, saved: &SavedKeys, config: &ViewerConfig) {
        self.set_cluster(text, ClusterSource::Typed, saved, config);
    }

    /// Something set the cluster field (`source` says what), e.g. a link.
    pub fn set_cluster(
        &mut self,
        text: String,
        source: ClusterSource,
        saved: &SavedKeys,
        config: &ViewerConfig,
    ) {
        self.cluster_url = text;
        self.cluster_source = source;
        if source == ClusterSource::Link {
            let origin = self.cluster().map(|c| c.origin().to_owned());
            if self.key_typed_for.is_some() && self.key_typed_for != origin {
                // A key the user typed for one cluster never follows a link to another.
                self.api_key.clear();
                self.key_taken_from = self.key_typed_for.take();
            }
            self.link_origin = origin;
        }
        self.offer_saved_key(saved, config);
    }

    /// Takes a key that was filled in (saved or demo) back out of the field.
    pub fn clear_filled_key(&mut self) {
        self.api_key.clear();
        self.key_filled_for = None;
        self.remember = false;
    }

    /// The user typed into the key field: it is theirs now, not a saved
    /// one, and meant for the cluster the field names.
    pub fn type_key(&mut self, text: String) {
        self.api_key = text;
        self.key_filled_for = None;
        self.key_taken_from = None;
        self.key_typed_for = self.cluster().map(|c| c.origin().to_owned());
    }

    /// Puts the key saved for the form's cluster (or the deployment's demo
    /// key, for the deployment's own cluster) into an empty key field, and
    /// takes a filled-in key back out when the cluster is another origin
    /// now. A key the user typed is never touched.
    pub fn offer_saved_key(&mut self, saved: &SavedKeys, config: &ViewerConfig) {
        let cluster = self.cluster();
        let origin = cluster.as_ref().map(|c| c.origin().to_owned());
        if self.key_filled_for.is_some() && self.key_filled_for != origin {
            let from = self.key_filled_for.clone();
            self.clear_filled_key();
            self.key_taken_from = from;
        }
        let Some(cluster) = cluster else {
            return;
        };
        if !self.api_key.trim().is_empty() {
            return;
        }
        if let Some(key) = saved.for_cluster(&cluster) {
            self.api_key = key.to_owned();
            self.remember = true;
        } else if let Some(key) = config.demo_key_for(&cluster) {
            self.api_key = key.to_owned();
        } else {
            return;
        }
        self.key_taken_from = None;
        self.key_filled_for = origin;
    }

    /// Whether the key may go to the form's cluster now (`None` while the
    /// URL does not parse: its own error says why).
    pub fn cluster_check(
        &self,
        policy: &ClusterPolicy,
        saved: &SavedKeys,
        confirmed: Option<&str>,
    ) -> Option<ClusterCheck> {
        let cluster = self.cluster()?;
        // Editing a linked URL without changing its origin keeps it linked.
        let source = if self.link_origin.as_deref() == Some(cluster.origin()) {
            ClusterSource::Link
        } else {
            self.cluster_source
        };
        Some(ClusterCheck::of(&cluster, source, policy, saved, confirmed))
    }

    /// Checks every field, and that the key may be sent to the cluster.
    ///
    /// # Errors
    /// Every problem, each with the field it belongs next to; an unconfirmed
    /// or refused cluster is a problem of the cluster field.
    pub fn validate_for(
        &self,
        policy: &ClusterPolicy,
        saved: &SavedKeys,
        confirmed: Option<&str>,
    ) -> Result<ValidForm, FormErrors> {
        let checked = self.validate();
        let problem = match self.cluster_check(policy, saved, confirmed) {
            Some(ClusterCheck::Refused(sentence)) => Some(sentence),
            Some(ClusterCheck::Confirm { host, reason }) => Some(format!(
                "Confirm the cluster first: your API key would be sent to {host}. {}",
                reason.sentence()
            )),
            Some(ClusterCheck::Trusted) | None => None,
        };
        match (checked, problem) {
            (checked, None) => checked,
            (Ok(_), Some(p)) => Err(FormErrors(vec![(Field::ClusterUrl, p)])),
            (Err(mut errors), Some(p)) => {
                errors.0.insert(0, (Field::ClusterUrl, p));
                Err(errors)
            }
        }
    }

    /// Checks every field.
    ///
    /// # Errors
    /// Every problem, each with the field it belongs next to.
    pub fn validate(&self) -> Result<ValidForm, FormErrors> {
        let mut errors = Vec::new();
        let cluster = ClusterUrl::parse(&self.cluster_url)
            .map_err(|e| errors.push((Field::ClusterUrl, e.to_string())))
            .ok();
        let key = api_key(&self.api_key)
            .map_err(|e| errors.push((Field::ApiKey, e)))
            .ok();
        let mut request = StreamRequest::new();
        match parse_entities(&self.entities) {
            Ok(entities) if entities.is_empty() => errors.push((
                Field::Entities,
                "Add at least one entity, e.g. my-app, my-app/my-device or gw:my-gateway".into(),
            )),
            Ok(entities) => request.identifiers = entities,
            Err(problems) => errors.extend(
                problems
                    .into_iter()
                    .map(|p| (Field::Entities, p.to_string())),
            ),
        }
        request.names = split_names(&self.event_names);
        let tail = self.tail.trim();
        if !tail.is_empty() {
            match tail.parse::<u32>() {
                Ok(n) => request.tail = n,
                Err(_) => errors.push((
                    Field::Tail,
                    "Tail is the number of past events per entity to load first: a whole number like 10, or empty for none".into(),
                )),
            }
        }
        let after = self.after.trim();
        if !after.is_empty() {
            match Timestamp::parse(after) {
                Ok(t) => request.after = Some(t),
                Err(_) => errors.push((
                    Field::After,
                    "After must be a date and time with a zone, like 2024-10-28T09:00:00Z, or empty".into(),
                )),
            }
        }
        if let Err(problems) = request.validate() {
            for p in problems {
                // Entity problems were reported by the paste parser already.
                if let ProblemKind::BadName(e) = &p.problem {
                    errors.push((Field::EventNames, e.to_string()));
                } else if !errors.iter().any(|(f, _)| *f == Field::Entities) {
                    errors.push((Field::Entities, p.to_string()));
                }
            }
        }
        match (cluster, key, errors.is_empty()) {
            (Some(cluster), Some(api_key), true) => Ok(ValidForm {
                cluster,
                api_key: ApiKey(api_key),
                request,
                shared_until: None,
            }),
            _ => Err(FormErrors(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> FormInput {
        FormInput {
            cluster_url: "http://127.0.0.1:1885".into(),
            api_key: "NNSXS.ABC.DEF".into(),
            entities: "soil-sensors\nsoil-sensors/soil-node-01, gw:rooftop-gw-01".into(),
            ..FormInput::default()
        }
    }

    fn url(s: &str) -> ClusterUrl {
        ClusterUrl::parse(s).unwrap()
    }

    #[test]
    fn a_saved_key_fills_in_only_for_its_cluster_and_leaves_when_the_cluster_changes() {
        let mut saved = SavedKeys::default();
        saved.save(
            &url("https://eu1.cloud.thethings.network"),
            "NNSXS.MINE.KEY",
        );
        let config = ViewerConfig::default();
        let mut form = FormInput::default();
        form.type_cluster(
            "https://eu1.cloud.thethings.network".into(),
            &saved,
            &config,
        );
        assert_eq!(form.api_key, "NNSXS.MINE.KEY");
        assert!(form.remember);
        // A link names a look-alike host: the saved key leaves the field.
        form.set_cluster(
            "https://eu1.cloud.thethings.network.evil.example/x".into(),
            ClusterSource::Link,
            &saved,
            &config,
        );
        assert_eq!(form.api_key, "");
        assert!(!form.remember);
        assert_eq!(
            form.key_taken_from.as_deref(),
            Some("https://eu1.cloud.thethings.network"),
            "the form says why the key went"
        );
        // Back to the right cluster: offered again.
        form.type_cluster("eu1.cloud.thethings.network/api/v3".into(), &saved, &config);
        assert_eq!(form.api_key, "NNSXS.MINE.KEY");
        assert_eq!(form.key_taken_from, None);
        // A key the user typed stays whatever the cluster.
        form.type_key("NNSXS.TYPED.KEY".into());
        form.type_cluster("https://other.example".into(), &saved, &config);
        assert_eq!(form.api_key, "NNSXS.TYPED.KEY");
    }

    #[test]
    fn the_demo_key_is_offered_only_for_the_deployments_own_cluster() {
        let config = ViewerConfig {
            cluster_url: Some("http://127.0.0.1:1885".into()),
            demo_api_key: Some("NNSXS.DEMO.KEY".into()),
            ..ViewerConfig::default()
        };
        let saved = SavedKeys::default();
        let mut form = FormInput::default();
        form.set_cluster(
            "http://127.0.0.1:1885".into(),
            ClusterSource::Config,
            &saved,
            &config,
        );
        assert_eq!(form.api_key, "NNSXS.DEMO.KEY");
        assert!(!form.remember, "a demo key is not saved unless asked");
        form.set_cluster(
            "http://127.0.0.1:9999".into(),
            ClusterSource::Link,
            &saved,
            &config,
        );
        assert_eq!(form.api_key, "");
    }

    #[test]
    fn a_link_cluster_is_refused_until_confirmed_then_connects() {
        let saved = SavedKeys::default();
        let policy = ClusterPolicy::default();
        let mut form = input();
        form.cluster_url = "https://eu1.cloud.thethings.network.evil.example".into();
        form.cluster_source = ClusterSource::Link;
        let errors = form.validate_for(&policy, &saved, None).unwrap_err();
        let message = &errors.for_field(Field::ClusterUrl)[0];
        assert!(
            message.contains("eu1.cloud.thethings.network.evil.example"),
            "{message}"
        );
        assert!(message.contains("Confirm"), "{message}");
        let confirmed = Some("https://eu1.cloud.thethings.network.evil.example");
        assert!(form.validate_for(&policy, &saved, confirmed).is_ok());
        form.cluster_source = ClusterSource::Typed;
        assert!(form.validate_for(&policy, &saved, None).is_ok());
    }

    #[test]
    fn editing_a_linked_url_keeps_it_to_be_confirmed_until_another_origin_is_typed() {
        let saved = SavedKeys::default();
        let config = ViewerConfig::default();
        let policy = ClusterPolicy::default();
        let mut form = input();
        form.set_cluster(
            "https://eu1.cloud.thethings.network.evil.example/x".into(),
            ClusterSource::Link,
            &saved,
            &config,
        );
        form.type_cluster(
            "https://eu1.cloud.thethings.network.evil.example/".into(),
            &saved,
            &config,
        );
        assert!(
            form.validate_for(&policy, &saved, None).is_err(),
            "one keystroke trusted the link"
        );
        form.type_cluster(
            "https://eu1.cloud.thethings.network".into(),
            &saved,
            &config,
        );
        assert!(
            form.validate_for(&policy, &saved, None).is_ok(),
            "an origin the user typed is theirs"
        );
    }

    #[test]
    fn a_good_form_becomes_one_request_for_every_entity() {
        let valid = input().validate().expect("valid");
        assert_eq!(valid.request.identifiers.len(), 3);
        assert_eq!(
            valid.cluster.events_url(),
            "http://127.0.0.1:1885/api/v3/events"
        );
        let body: serde_json::Value = serde_json::from_str(&valid.request.to_json()).unwrap();
        assert_eq!(body["identifiers"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn each_problem_is_reported_next_to_its_field() {
        let form = FormInput {
            cluster_url: "ftp://x".into(),
            api_key: "hello".into(),
            entities: "Soil Sensors".into(),
            event_names: "as.up.foo".into(),
            tail: "ten".into(),
            after: "yesterday".into(),
            ..FormInput::default()
        };
        let errors = form.validate().unwrap_err();
        for field in [
            Field::ClusterUrl,
            Field::ApiKey,
            Field::Entities,
            Field::EventNames,
            Field::Tail,
            Field::After,
        ] {
            assert_eq!(errors.for_field(field).len(), 1, "{field:?}: {errors:?}");
        }
        assert!(errors.for_field(Field::EventNames)[0].contains("as.up.foo"));
        assert!(errors.for_field(Field::Entities)[0].contains("Soil Sensors"));
    }

    #[test]
    fn no_entities_is_refused() {
        let form = FormInput {
            entities: " \n ".into(),
            ..input()
        };
        let errors = form.validate().unwrap_err();
        assert!(errors.for_field(Field::Entities)[0].contains("at least one entity"));
    }

    #[test]
    fn names_split_on_separators_but_not_inside_a_regexp() {
        assert_eq!(
            split_names("as.up.data.forward, /^gs\\.up\\.(a|b){1,2}/\n js.join.accept"),
            [
                "as.up.data.forward",
                "/^gs\\.up\\.(a|b){1,2}/",
                "js.join.accept"
            ]
        );
        assert!(split_names("  ").is_empty());
    }

    #[test]
    fn a_pasted_bearer_prefix_is_dropped() {
        let form = FormInput {
            api_key: " Bearer NNSXS.ABC.DEF ".into(),
            ..input()
        };
        let valid = form.validate().unwrap();
        assert_eq!(valid.api_key.expose(), "NNSXS.ABC.DEF");
        assert!(
            !format!("{valid:?}").contains("NNSXS.ABC.DEF"),
            "Debug shows the key"
        );
    }
}
