//! The connect form with a share key from a link: the note the recipient
//! reads before anything is sent, "Watch with the shared key", and Connect
//! using that key (never the user's own) while the form names the cluster
//! the link named.
//!
//! Pressing Watch trusts the link's cluster for this shared key only: it
//! confirms nothing for the user's own keys (`FormModel::confirmed` is left
//! alone, the cluster is not marked as used), and the shared key is never
//! saved. A deployment that pins its clusters still refuses others.

use super::FormModel;
use crate::form::{ApiKey, FormErrors, ValidForm};
use crate::share::key_grant::ShareTarget;
use crate::share::key_link::{anyone_can_watch, SharedKey};
use crate::share::ViewState;
use crate::stream::ClusterUrl;
use crate::trust::ClusterCheck;

/// A share key a link brought, for the cluster that link named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedLink {
    pub key: SharedKey,
    /// The cluster origin it is for (the link's).
    pub origin: String,
    /// That cluster's host, for the note.
    pub host: String,
    /// The entities the link names, in words (`application soil-sensors`).
    pub what: String,
    /// The recipient pressed "Watch with the shared key".
    pub accepted: bool,
}

impl SharedLink {
    /// "Anyone with this link can watch … on … until …."
    pub fn note(&self) -> String {
        anyone_can_watch(&self.what, &self.host, self.key.until)
    }
}

/// The link's entities in words.
fn in_words(entities: &[String]) -> String {
    let words: Vec<String> = entities
        .iter()
        .map(|e| ShareTarget::from_entity(e).map_or_else(|| e.clone(), |t| t.words()))
        .collect();
    if words.is_empty() {
        "nothing".into()
    } else {
        words.join(", ")
    }
}

impl FormModel {
    /// A link carried a share key (or something that was meant to be one).
    /// Nothing is sent until [`FormModel::watch_shared`].
    pub fn shared_link_opened(&mut self, read: Result<SharedKey, String>, view: &ViewState) {
        self.shared = None;
        self.shared_error = None;
        let cluster = ClusterUrl::parse(&view.cluster_url);
        match (read, cluster) {
            (Ok(key), Ok(cluster)) => {
                self.shared = Some(SharedLink {
                    key,
                    origin: cluster.origin().to_owned(),
                    host: cluster.host().to_owned(),
                    what: in_words(&view.entities),
                    accepted: false,
                });
                self.folded = false;
            }
            (Err(sentence), _) => self.shared_error = Some(sentence),
            (Ok(_), Err(_)) => {
                self.shared_error =
                    Some("This link's shared key names no cluster it works on.".into());
            }
        }
    }

    /// The shared key waiting for the recipient's press, if any, while the
    /// form still names its cluster (its note and button show only then).
    pub fn shared_pending(&self) -> Option<&SharedLink> {
        let origin = self.key_origin();
        self.shared
            .as_ref()
            .filter(|s| !s.accepted && Some(&s.origin) == origin.as_ref())
    }

    /// The shared key Connect uses now: accepted, and the form still names its cluster.
    pub fn shared_in_use(&self) -> Option<&SharedLink> {
        let origin = self.key_origin();
        self.shared
            .as_ref()
            .filter(|s| s.accepted && Some(&s.origin) == origin.as_ref())
    }

    /// "Watch with the shared key": the request with the shared key.
    /// Nothing happens when the form no longer names the key's cluster (the
    /// button then must not connect with the user's own key instead), and the
    /// key stays waiting when the form cannot be sent yet (config.json loading).
    pub fn watch_shared(&mut self) -> Option<ValidForm> {
        self.shared_pending()?;
        if let Some(shared) = self.shared.as_mut() {
            shared.accepted = true;
        }
        let valid = self.submit();
        if valid.is_none() {
            if let Some(shared) = self.shared.as_mut() {
                shared.accepted = false;
            }
        }
        valid
    }

    /// "Use my own key": the shared key is forgotten.
    pub fn drop_shared(&mut self) {
        self.shared = None;
        self.shared_error = None;
    }

    /// Connect with the shared key, when one is in use; `None` otherwise
    /// (the user's own key and the usual cluster check apply).
    pub(super) fn submit_shared(&mut self) -> Option<Result<ValidForm, FormErrors>> {
        let shared = self.shared_in_use()?.clone();
        if let Some(ClusterCheck::Refused(sentence)) = self.cluster_check() {
            return Some(Err(FormErrors(vec![(
                crate::form::Field::ClusterUrl,
                sentence,
            )])));
        }
        let mut input = self.input.clone();
        input.api_key = shared.key.key.expose().to_owned();
        Some(input.validate().map(|valid| ValidForm {
            api_key: ApiKey::from_secret(shared.key.key.expose().to_owned()),
            shared_until: Some(shared.key.until),
            ..valid
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{LoadedConfig, ViewerConfig};
    use crate::share::key_link;

    fn key() -> String {
        format!("NNSXS.{}.{}", "S".repeat(39), "T".repeat(52))
    }

    fn link(cluster: &str) -> String {
        format!(
            "cluster={cluster}&entities=soil-sensors&share_key={}&share_until=2030-01-01T10:00:00Z",
            key()
        )
    }

    fn opened(form: &mut FormModel, fragment: &str) {
        let view = ViewState::from_fragment(fragment);
        form.link_opened(&view);
        if let Some(read) = key_link::read(fragment) {
            form.shared_link_opened(read, &view);
        }
    }

    fn loaded() -> LoadedConfig {
        LoadedConfig {
            config: ViewerConfig {
                cluster_url: Some("http://127.0.0.1:1885".into()),
                demo_api_key: Some("NNSXS.DEMO.KEY".into()),
                ..ViewerConfig::default()
            },
            warning: None,
            unreadable: false,
        }
    }

    #[test]
    fn a_shared_key_is_used_only_after_the_press_and_only_for_its_cluster() {
        let mut form = FormModel::default();
        form.config_loaded(loaded());
        opened(&mut form, &link("https://tts.example.com"));
        let pending = form.shared_pending().cloned().unwrap();
        assert_eq!(
            pending.note(),
            "Anyone with this link can watch application soil-sensors on tts.example.com until 2030-01-01 10:00 UTC."
        );
        assert_eq!(form.shared_in_use(), None);
        let valid = form
            .watch_shared()
            .unwrap_or_else(|| panic!("{:?}", form.errors));
        assert_eq!(valid.api_key.expose(), key());
        assert_eq!(valid.cluster.origin(), "https://tts.example.com");
        assert!(valid.shared_until.is_some());
        // Trusting the cluster for the shared key trusts it for nothing else.
        assert_eq!(form.confirmed, None);
        assert!(!form.connected("https://tts.example.com"));
        assert!(form.saved.clusters().is_empty());
        assert!(!form
            .saved
            .was_used(&ClusterUrl::parse("https://tts.example.com").unwrap()));
        // Another cluster in the field: the shared key stays out of it.
        form.type_cluster("https://other.example".into());
        assert_eq!(form.shared_in_use(), None);
        form.input.type_key("NNSXS.MINE.KEY".into());
        let valid = form.submit().unwrap();
        assert_eq!(valid.api_key.expose(), "NNSXS.MINE.KEY");
        assert_eq!(valid.shared_until, None);
    }

    #[test]
    fn watch_never_connects_with_the_users_own_key_when_the_cluster_changed() {
        let mut form = FormModel::default();
        form.config_loaded(loaded());
        opened(&mut form, &link("https://tts.example.com"));
        form.type_cluster("http://127.0.0.1:1885".into());
        assert_eq!(form.shared_pending(), None, "the note hides");
        assert_eq!(form.watch_shared(), None, "the button does nothing");
        form.type_cluster("https://tts.example.com".into());
        assert!(form.shared_pending().is_some(), "back on its cluster");
        assert_eq!(
            form.watch_shared().map(|v| v.api_key.expose().to_owned()),
            Some(key())
        );
    }

    #[test]
    fn watch_before_config_json_is_read_keeps_the_key_waiting() {
        let mut form = FormModel::default();
        opened(&mut form, &link("https://tts.example.com"));
        assert_eq!(form.watch_shared(), None, "config.json is not read yet");
        assert!(form.shared_pending().is_some(), "the note stays up");
    }

    #[test]
    fn editing_the_entities_keeps_the_shared_key_and_drop_forgets_it() {
        let mut form = FormModel::default();
        form.config_loaded(loaded());
        opened(&mut form, &link("http://127.0.0.1:1885"));
        assert!(form.watch_shared().is_some());
        form.input.entities = "cold-chain".into();
        let valid = form.submit().unwrap();
        assert_eq!(valid.api_key.expose(), key());
        form.drop_shared();
        assert_eq!(form.submit().unwrap().api_key.expose(), "NNSXS.DEMO.KEY");
    }

    #[test]
    fn a_damaged_key_is_a_sentence_and_no_key() {
        let mut form = FormModel::default();
        opened(
            &mut form,
            "cluster=https://tts.example.com&entities=a&share_key=NNSXS.A.B&share_until=2030-01-01T00:00:00Z",
        );
        assert_eq!(form.shared, None);
        assert!(form
            .shared_error
            .as_deref()
            .is_some_and(|e| e.contains("damaged")));
    }
}
