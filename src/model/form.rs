//! [`FormModel`]: the connect form's state and rules — what is typed, the
//! deployment's `config.json`, the keys saved on this device, the cluster the
//! user confirmed — and its transitions: config loaded, a link opened, a field
//! typed, Trust, Remember, Forget, Connect.
//!
//! Pure: the shell stores [`FormModel::saved`] when a transition says it
//! changed, and renders the rest. The key is only ever filled in for the
//! cluster it was saved for (see `trust`).

use crate::config::{LoadedConfig, ViewerConfig};
use crate::form::{Field, FormErrors, FormInput, ValidForm};
use crate::share::ViewState;
use crate::trust::{ClusterCheck, ClusterPolicy, ClusterSource, SavedKeys};

/// Whether the deployment's `config.json` has been read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConfigState {
    /// Not yet: Connect waits for it (it may pin the clusters).
    #[default]
    Loading,
    /// Read (or there is none).
    Read,
    /// It exists but could not be read: every linked cluster is confirmed.
    Unreadable,
}

/// The connect form and what it knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormModel {
    /// The fields as typed.
    pub input: FormInput,
    /// What Connect found wrong, by field.
    pub errors: FormErrors,
    /// The deployment's `config.json` (defaults until it loads).
    pub config: ViewerConfig,
    /// Whether it has been read.
    pub config_state: ConfigState,
    /// Keys saved on this device, per cluster, and the clusters used.
    pub saved: SavedKeys,
    /// The cluster origin the user trusted on this page.
    pub confirmed: Option<String>,
    /// A key saved by an older version, for no cluster, was removed at start.
    pub legacy_key_removed: bool,
    /// What was wrong with `config.json`, for the operator (shown on the page).
    pub config_warning: Option<String>,
    /// The form is folded into its one-line summary (after Connect).
    pub folded: bool,
    /// What Connect will save once the stream opened: the cluster, and the
    /// key to remember for it (a key the server refuses is never saved).
    pending_save: Option<(crate::stream::ClusterUrl, Option<crate::form::ApiKey>)>,
    /// A share key a link brought (see `form_shared.rs`).
    pub shared: Option<super::form_shared::SharedLink>,
    /// Why a link's share key cannot be used.
    pub shared_error: Option<String>,
}

/// Whether a transition changed what is saved on this device (store it).
pub type SavedChanged = bool;

impl FormModel {
    /// The form at start, with what this browser saved.
    pub fn new(saved: SavedKeys, legacy_key_removed: bool) -> Self {
        FormModel {
            saved,
            legacy_key_removed,
            ..FormModel::default()
        }
    }

    /// `config.json` arrived: its cluster, entities and demo key fill what
    /// is still empty (never what the user typed or a link set).
    pub fn config_loaded(&mut self, loaded: LoadedConfig) {
        self.config = loaded.config;
        self.config_warning = loaded.warning;
        self.config_state = if loaded.unreadable {
            ConfigState::Unreadable
        } else {
            ConfigState::Read
        };
        let (saved, config) = (&self.saved, &self.config);
        match &config.cluster_url {
            Some(url) if self.input.cluster_url.is_empty() => {
                self.input
                    .set_cluster(url.clone(), ClusterSource::Config, saved, config);
            }
            _ => self.input.offer_saved_key(saved, config),
        }
        if self.input.entities.is_empty() && !config.entities.is_empty() {
            self.input.entities = config.entities.join("\n");
        }
    }

    /// What the deployment allows (nothing is known while its settings could not be read).
    pub fn policy(&self) -> ClusterPolicy {
        match self.config_state {
            ConfigState::Unreadable => ClusterPolicy::unknown(),
            _ => self.config.cluster_policy(),
        }
    }

    /// A confirmation counts for the origin it was given for only: it goes
    /// when the field names another one.
    fn forget_other_confirmation(&mut self) {
        let origin = self.key_origin();
        if self.confirmed.is_some() && self.confirmed != origin {
            self.confirmed = None;
        }
    }

    /// A link (or back/forward) names a view: its request part goes into the
    /// form, the cluster marked as set by a link; the key is never touched
    /// except to take out a saved key of another cluster.
    pub fn link_opened(&mut self, view: &ViewState) {
        if !view.cluster_url.is_empty() && view.cluster_url != self.input.cluster_url {
            self.input.set_cluster(
                view.cluster_url.clone(),
                ClusterSource::Link,
                &self.saved,
                &self.config,
            );
            self.cluster_changed();
            // A link that names another cluster shows the whole form (and its warning).
            self.folded = false;
        }
        if !view.entities.is_empty() {
            self.input.entities = view.entities.join("\n");
        }
        self.input.event_names = view.names.join(", ");
        self.input.tail = view.tail.map(|t| t.to_string()).unwrap_or_default();
        self.input.after = view.after.clone().unwrap_or_default();
    }

    /// The user typed into the cluster field.
    pub fn type_cluster(&mut self, text: String) {
        self.input.type_cluster(text, &self.saved, &self.config);
        self.cluster_changed();
    }

    /// After the cluster field changed: a confirmation of another origin and
    /// the field's old problems no longer apply.
    fn cluster_changed(&mut self) {
        self.forget_other_confirmation();
        self.errors
            .0
            .retain(|(field, _)| *field != Field::ClusterUrl);
    }

    /// "Don't trust it": the linked cluster leaves the field, for the
    /// deployment's own (if it names one) or nothing.
    pub fn distrust(&mut self) {
        let own = self.config.cluster_url.clone().unwrap_or_default();
        self.input
            .set_cluster(own, ClusterSource::Config, &self.saved, &self.config);
        self.input.link_origin = None;
        self.confirmed = None;
        self.cluster_changed();
    }

    /// Whether the key may go to the form's cluster now.
    pub fn cluster_check(&self) -> Option<ClusterCheck> {
        self.input
            .cluster_check(&self.policy(), &self.saved, self.confirmed.as_deref())
    }

    /// The user pressed "Trust ‹host›" for the form's cluster.
    pub fn trust(&mut self) {
        self.trust_origin(self.key_origin());
    }

    /// The user pressed "Trust ‹host›" shown for `origin`: it counts only
    /// while the field still names that origin.
    pub fn trust_origin(&mut self, origin: Option<String>) {
        if origin.is_some() && origin == self.key_origin() {
            self.confirmed = origin;
            self.errors
                .0
                .retain(|(field, _)| *field != Field::ClusterUrl);
        }
    }

    /// The origin the key field's key would be saved for.
    pub fn key_origin(&self) -> Option<String> {
        self.input.cluster().map(|c| c.origin().to_owned())
    }

    /// "Remember on this device" ticked or unticked: unticking forgets the
    /// key saved for this cluster at once.
    pub fn set_remember(&mut self, on: bool) -> SavedChanged {
        self.input.remember = on;
        match (on, self.key_origin()) {
            (false, Some(origin)) => self.saved.forget(&origin),
            _ => false,
        }
    }

    /// Forget the key saved for `origin` (and take it out of the field).
    pub fn forget(&mut self, origin: &str) -> SavedChanged {
        if self.input.key_filled_for.as_deref() == Some(origin) {
            self.input.clear_filled_key();
        }
        self.saved.forget(origin)
    }

    /// Connect pressed: the request, if the form is valid and the cluster
    /// may receive the key; else the problems, next to their fields. With
    /// Remember off, a key saved for the cluster is forgotten now; with it
    /// on, the key is saved once the stream opened ([`FormModel::connected`]).
    pub fn submit(&mut self) -> Option<ValidForm> {
        if self.config_state == ConfigState::Loading {
            // Every field's problems now; the settings' wait on the cluster field.
            let mut errors = self.input.validate().err().unwrap_or_default();
            errors.0.insert(
                0,
                (
                    Field::ClusterUrl,
                    "Eventline is still loading this deployment's settings (config.json); press \
                     Connect again in a moment"
                        .into(),
                ),
            );
            self.errors = errors;
            return None;
        }
        if let Some(shared) = self.submit_shared() {
            // The shared key is never saved, and trusts the cluster for nothing else.
            self.pending_save = None;
            return match shared {
                Ok(valid) => {
                    self.errors = FormErrors::default();
                    self.folded = true;
                    Some(valid)
                }
                Err(problems) => {
                    self.errors = problems;
                    None
                }
            };
        }
        match self.validated() {
            Ok(valid) => {
                self.errors = FormErrors::default();
                if !self.input.remember {
                    self.saved.forget(valid.cluster.origin());
                }
                let key = self.input.remember.then(|| valid.api_key.clone());
                self.pending_save = Some((valid.cluster.clone(), key));
                self.folded = true;
                Some(valid)
            }
            Err(problems) => {
                self.errors = problems;
                None
            }
        }
    }

    /// The form as typed, checked (fields, and whether the cluster may get
    /// the key), with no effect on what the form shows.
    fn validated(&self) -> Result<ValidForm, FormErrors> {
        self.input
            .validate_for(&self.policy(), &self.saved, self.confirmed.as_deref())
    }

    /// Whether the form, as typed, is not `running` (another cluster, key
    /// or request, or something no longer valid): edits to apply.
    pub fn differs_from(&self, running: &ValidForm) -> bool {
        if running.shared_until.is_some() || self.shared_in_use().is_some() {
            return false; // a link's key and view: nothing of the form to apply
        }
        self.validated().map_or(true, |typed| {
            typed.cluster != running.cluster
                || typed.request != running.request
                || typed.api_key != running.api_key
        })
    }

    /// Reconnect pressed while `running` is the session's request: when the
    /// form now holds another key for the same cluster and request (a key
    /// corrected after a refusal), the form is submitted as Connect would
    /// (the session resumes with that key); otherwise nothing changes and
    /// Reconnect retries as it was.
    pub fn resubmit_with_new_key(&mut self, running: &ValidForm) -> Option<ValidForm> {
        if running.shared_until.is_some() {
            return None; // a link's key: the form has no other to offer
        }
        let typed = self.validated().ok()?;
        let new_key = typed.cluster == running.cluster
            && typed.request == running.request
            && typed.api_key != running.api_key;
        if new_key {
            self.submit()
        } else {
            None
        }
    }

    /// A stream to `origin` opened: the cluster is remembered as used, and
    /// the key saved for it if Remember was on at Connect.
    pub fn connected(&mut self, origin: &str) -> SavedChanged {
        match self.pending_save.take() {
            Some((cluster, key)) if cluster.origin() == origin => {
                self.saved.mark_used(&cluster);
                if let Some(key) = key {
                    self.saved.save(&cluster, key.expose());
                }
                true
            }
            other => {
                self.pending_save = other;
                false
            }
        }
    }

    /// Opens the folded form again ("Edit").
    pub fn unfold(&mut self) {
        self.folded = false;
    }

    /// The form in one line, as its summary shows it: entities, cluster and
    /// event names — never the key.
    pub fn summary(&self) -> String {
        let view = self.request_view();
        let entities = match view.entities.len() {
            0 => "no entities".to_owned(),
            1..=3 => view.entities.join(", "),
            n => format!("{}, … ({n} entities)", view.entities[..2].join(", ")),
        };
        let host = self
            .input
            .cluster()
            .map_or_else(|| view.cluster_url.clone(), |c| c.host().to_owned());
        let names = match view.names.len() {
            0 => "all event names".to_owned(),
            1 => view.names[0].clone(),
            n => format!("{n} event names"),
        };
        let shared = if self.shared_in_use().is_some() {
            " · shared key"
        } else {
            ""
        };
        format!("{entities} on {host} · {names}{shared}")
    }

    /// The request part of the link, as the form holds it.
    pub fn request_view(&self) -> ViewState {
        ViewState::of_form(&self.input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::ClusterUrl;

    fn url(s: &str) -> ClusterUrl {
        ClusterUrl::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn loaded(config: ViewerConfig) -> LoadedConfig {
        LoadedConfig {
            config,
            warning: None,
            unreadable: false,
        }
    }

    fn demo_config() -> LoadedConfig {
        loaded(ViewerConfig {
            cluster_url: Some("http://127.0.0.1:1885".into()),
            demo_api_key: Some("NNSXS.DEMO.KEY".into()),
            entities: vec!["soil-sensors".into(), "gw:rooftop-gw-01".into()],
            ..ViewerConfig::default()
        })
    }

    #[test]
    fn config_fills_what_is_empty_and_never_what_a_link_set() {
        let mut form = FormModel::default();
        form.config_loaded(demo_config());
        assert_eq!(form.input.cluster_url, "http://127.0.0.1:1885");
        assert_eq!(form.input.api_key, "NNSXS.DEMO.KEY");
        assert_eq!(form.input.entities, "soil-sensors\ngw:rooftop-gw-01");
        assert_eq!(form.cluster_check(), Some(ClusterCheck::Trusted));

        // A link opened before config.json arrived keeps its cluster and entities.
        let mut linked = FormModel::default();
        linked.link_opened(&ViewState::from_fragment(
            "cluster=https://other.example&entities=app-9",
        ));
        linked.config_loaded(demo_config());
        assert_eq!(linked.input.cluster_url, "https://other.example");
        assert_eq!(linked.input.entities, "app-9");
        assert_eq!(
            linked.input.api_key, "",
            "the demo key is for the demo cluster only"
        );
        assert!(matches!(
            linked.cluster_check(),
            Some(ClusterCheck::Confirm { .. })
        ));
    }

    #[test]
    fn connect_waits_for_the_deployments_settings_and_an_unreadable_file_trusts_no_link() {
        let mut used = SavedKeys::default();
        used.mark_used(&url("https://tts.example.com"));
        let mut form = FormModel::new(used, false);
        form.link_opened(&ViewState::from_fragment(
            "cluster=https://tts.example.com&entities=app-1",
        ));
        form.input.type_key("NNSXS.MINE.KEY".into());
        assert!(form.submit().is_none());
        assert!(form.errors.for_field(Field::ClusterUrl)[0].contains("still loading"));
        form.config_loaded(LoadedConfig {
            config: ViewerConfig::default(),
            warning: Some("HTTP 500".into()),
            unreadable: true,
        });
        assert!(matches!(
            form.cluster_check(),
            Some(ClusterCheck::Confirm { .. })
        ));
        form.trust();
        assert!(form.submit().is_some());
    }

    /// A key refused, corrected in the form, then Reconnect: the form is
    /// taken with the new key; without a new key, or with another request,
    /// Reconnect leaves the form alone (another request is Connect's).
    #[test]
    fn reconnect_takes_a_key_corrected_in_the_form_and_nothing_else() {
        let mut form = FormModel::default();
        form.config_loaded(demo_config());
        let running = form.submit().expect("the demo form is valid");
        assert_eq!(form.resubmit_with_new_key(&running), None, "the same key");
        form.input.type_key("NNSXS.FIXED.KEY".into());
        let taken = form.resubmit_with_new_key(&running).expect("a new key");
        assert_eq!(taken.api_key.expose(), "NNSXS.FIXED.KEY");
        assert_eq!(
            (&taken.cluster, &taken.request),
            (&running.cluster, &running.request)
        );
        assert!(!form.differs_from(&taken), "nothing to apply");

        form.input.type_key("NNSXS.OTHER.KEY".into());
        form.input.entities = "cold-chain".into();
        assert!(form.differs_from(&taken), "changes to apply");
        assert_eq!(
            form.resubmit_with_new_key(&running),
            None,
            "another request"
        );
    }

    #[test]
    fn a_confirmation_goes_when_the_field_names_another_origin() {
        let mut form = FormModel::default();
        form.config_loaded(loaded(ViewerConfig::default()));
        form.link_opened(&ViewState::from_fragment(
            "cluster=https://a.example&entities=x",
        ));
        let shown = form.key_origin();
        form.trust_origin(shown.clone());
        assert_eq!(form.cluster_check(), Some(ClusterCheck::Trusted));
        form.link_opened(&ViewState::from_fragment(
            "cluster=https://b.example&entities=x",
        ));
        assert_eq!(form.confirmed, None);
        // A Trust click for the host shown before counts for nothing now.
        form.trust_origin(shown);
        assert!(matches!(
            form.cluster_check(),
            Some(ClusterCheck::Confirm { .. })
        ));
    }

    #[test]
    fn trust_then_connect_remembers_the_cluster_and_saves_the_key_only_when_asked() {
        let mut form = FormModel::default();
        form.config_loaded(loaded(ViewerConfig::default()));
        form.link_opened(&ViewState::from_fragment(
            "cluster=https://tts.example.com&entities=app-1",
        ));
        form.input.type_key("NNSXS.MINE.KEY".into());
        assert!(form.submit().is_none());
        assert!(form.errors.for_field(Field::ClusterUrl)[0].contains("tts.example.com"));
        form.trust();
        let valid = form.submit().unwrap_or_else(|| panic!("{:?}", form.errors));
        assert_eq!(valid.cluster.origin(), "https://tts.example.com");
        assert!(
            !form.saved.was_used(&url("https://tts.example.com")),
            "not before it worked"
        );
        assert!(form.connected("https://tts.example.com"));
        assert!(form.saved.was_used(&url("https://tts.example.com")));
        assert!(form.saved.clusters().is_empty(), "saved without Remember");
        assert!(!form.set_remember(true));
        assert!(form.submit().is_some());
        assert!(
            form.saved.clusters().is_empty(),
            "a key the server has not taken yet is not saved"
        );
        assert!(!form.connected("https://other.example"));
        assert!(form.connected("https://tts.example.com"));
        assert_eq!(form.saved.clusters(), ["https://tts.example.com"]);
        // Unticking forgets it at once; Forget takes it out of the field.
        assert!(form.set_remember(false));
        assert!(form.saved.clusters().is_empty());
    }

    #[test]
    fn distrust_puts_the_deployments_cluster_back_and_clears_the_old_error() {
        let mut form = FormModel::default();
        form.config_loaded(demo_config());
        form.link_opened(&ViewState::from_fragment(
            "cluster=https://evil.example&entities=x",
        ));
        form.input.type_key("NNSXS.TYPED.KEY".into());
        assert!(form.submit().is_none());
        assert!(!form.errors.for_field(Field::ClusterUrl).is_empty());
        form.distrust();
        assert_eq!(form.input.cluster_url, "http://127.0.0.1:1885");
        assert_eq!(form.cluster_check(), Some(ClusterCheck::Trusted));
        assert!(form.errors.for_field(Field::ClusterUrl).is_empty());
    }

    #[test]
    fn forget_takes_a_filled_in_key_out_of_the_field() {
        let mut saved = SavedKeys::default();
        saved.save(&url("https://tts.example.com"), "NNSXS.SAVED.KEY");
        let mut form = FormModel::new(saved, false);
        form.config_loaded(loaded(ViewerConfig::default()));
        form.type_cluster("https://tts.example.com".into());
        assert_eq!(form.input.api_key, "NNSXS.SAVED.KEY");
        assert!(form.forget("https://tts.example.com"));
        assert_eq!(form.input.api_key, "");
        assert!(!form.input.remember);
    }

    #[test]
    fn connect_folds_the_form_into_a_summary_without_the_key() {
        let mut form = FormModel::default();
        form.config_loaded(demo_config());
        form.input.event_names = "as.up.data.forward".into();
        assert!(!form.folded);
        assert!(form.submit().is_some());
        assert!(form.folded);
        let summary = form.summary();
        assert_eq!(
            summary,
            "soil-sensors, gw:rooftop-gw-01 on 127.0.0.1:1885 · as.up.data.forward"
        );
        assert!(!summary.contains("DEMO"));
        form.unfold();
        assert!(!form.folded);
    }

    #[test]
    fn the_link_view_is_what_the_form_holds() {
        let mut form = FormModel::default();
        form.type_cluster(" https://eu1.cloud.thethings.network ".into());
        form.input.entities = "app-1, app-1/dev-2\ngw:gw-3".into();
        form.input.event_names = "as.up.data.forward /^js\\./".into();
        form.input.tail = "10".into();
        let view = form.request_view();
        assert_eq!(view.cluster_url, "https://eu1.cloud.thethings.network");
        assert_eq!(view.entities, ["app-1", "app-1/dev-2", "gw:gw-3"]);
        assert_eq!(view.names, ["as.up.data.forward", "/^js\\./"]);
        assert_eq!(view.tail, Some(10));
    }
}
