//! [`SavedKeys`]: the API keys a user chose to remember on this device, each
//! bound to the one cluster origin it was saved for, and the origins the user
//! has connected to from this browser.
//!
//! A saved key is offered only for its own cluster: [`SavedKeys::for_cluster`]
//! compares origins (`https://host[:port]`), never prefixes or host suffixes,
//! so `https://eu1.cloud.thethings.network.evil.example` gets nothing saved
//! for `https://eu1.cloud.thethings.network`. What is stored is one JSON
//! object in local storage; a file that is not ours reads as empty. It must
//! never print a secret: `Debug` shows only the cluster.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::stream::ClusterUrl;

/// The local-storage entry holding the saved keys and the clusters used.
pub const STORAGE_KEY: &str = "eventline.trust";

/// Where versions before cluster-bound keys kept one key for any cluster.
/// It is removed on start: nobody can say which cluster it belongs to.
pub const LEGACY_STORAGE_KEY: &str = "eventline.api-key";

/// Clusters remembered as used (the oldest are forgotten first).
const MAX_USED: usize = 50;

/// One remembered key and the cluster origin it may be sent to.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedKey {
    /// `https://host[:port]`.
    pub cluster: String,
    key: String,
}

impl SavedKey {
    /// The key itself, for the form's field and the request only.
    pub fn secret(&self) -> &str {
        &self.key
    }
}

impl fmt::Debug for SavedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SavedKey {{ cluster: {:?}, key: <hidden> }}",
            self.cluster
        )
    }
}

/// What this browser remembers about clusters and keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedKeys {
    #[serde(default)]
    keys: Vec<SavedKey>,
    /// Origins the user connected to from this browser, newest last.
    #[serde(default)]
    used: Vec<String>,
}

/// The origin of a stored cluster, if it still reads as one (and is one).
fn stored_origin(text: &str) -> Option<String> {
    let url = ClusterUrl::parse(text).ok()?;
    (url.origin() == text).then(|| text.to_owned())
}

impl SavedKeys {
    /// Reads the storage entry; anything unreadable gives nothing saved.
    pub fn parse(stored: Option<&str>) -> Self {
        let Some(mut saved) = stored.and_then(|s| serde_json::from_str::<SavedKeys>(s).ok()) else {
            return Self::default();
        };
        saved
            .keys
            .retain(|k| stored_origin(&k.cluster).is_some() && !k.key.trim().is_empty());
        saved.used.retain(|u| stored_origin(u).is_some());
        saved
    }

    /// The storage entry's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The key saved for this cluster's origin, if any.
    pub fn for_cluster(&self, cluster: &ClusterUrl) -> Option<&str> {
        self.keys
            .iter()
            .find(|k| k.cluster == cluster.origin())
            .map(SavedKey::secret)
    }

    /// Saves `key` for this cluster's origin (replacing one saved before).
    pub fn save(&mut self, cluster: &ClusterUrl, key: &str) {
        let origin = cluster.origin().to_owned();
        self.keys.retain(|k| k.cluster != origin);
        self.keys.push(SavedKey {
            cluster: origin,
            key: key.trim().to_owned(),
        });
    }

    /// Forgets the key saved for `origin`; whether there was one.
    pub fn forget(&mut self, origin: &str) -> bool {
        let before = self.keys.len();
        self.keys.retain(|k| k.cluster != origin);
        before != self.keys.len()
    }

    /// The clusters that have a key saved, in the order they were saved.
    pub fn clusters(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.cluster.clone()).collect()
    }

    /// Remembers that the user connected to this cluster from this browser.
    pub fn mark_used(&mut self, cluster: &ClusterUrl) {
        let origin = cluster.origin().to_owned();
        self.used.retain(|u| *u != origin);
        self.used.push(origin);
        while self.used.len() > MAX_USED {
            self.used.remove(0);
        }
    }

    /// Whether the user connected to this cluster from this browser before.
    pub fn was_used(&self, cluster: &ClusterUrl) -> bool {
        self.used.iter().any(|u| u == cluster.origin())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> ClusterUrl {
        ClusterUrl::parse(s).expect("a valid URL")
    }

    #[test]
    fn a_key_is_offered_only_for_the_origin_it_was_saved_for() {
        let mut saved = SavedKeys::default();
        saved.save(
            &url("https://eu1.cloud.thethings.network/api/v3"),
            "NNSXS.A.B",
        );
        assert_eq!(
            saved.for_cluster(&url("eu1.cloud.thethings.network")),
            Some("NNSXS.A.B")
        );
        for other in [
            "https://eu1.cloud.thethings.network.evil.example",
            "http://eu1.cloud.thethings.network",
            "https://eu1.cloud.thethings.network:8443",
            "https://nam1.cloud.thethings.network",
            "https://evil.example/eu1.cloud.thethings.network",
        ] {
            assert_eq!(saved.for_cluster(&url(other)), None, "{other}");
        }
    }

    #[test]
    fn each_cluster_keeps_its_own_key_and_can_be_forgotten() {
        let mut saved = SavedKeys::default();
        saved.save(&url("https://a.example"), "NNSXS.A.A");
        saved.save(&url("https://b.example"), "NNSXS.B.B");
        saved.save(&url("https://a.example/api/v3"), "NNSXS.A.NEW");
        assert_eq!(saved.clusters(), ["https://b.example", "https://a.example"]);
        assert_eq!(saved.for_cluster(&url("a.example")), Some("NNSXS.A.NEW"));
        assert!(saved.forget("https://b.example"));
        assert!(!saved.forget("https://b.example"));
        assert_eq!(saved.for_cluster(&url("b.example")), None);
        let again = SavedKeys::parse(Some(&saved.to_json()));
        assert_eq!(again, saved);
    }

    #[test]
    fn used_clusters_are_remembered_by_origin() {
        let mut saved = SavedKeys::default();
        assert!(!saved.was_used(&url("https://a.example")));
        saved.mark_used(&url("https://a.example/tts"));
        assert!(saved.was_used(&url("https://a.example")));
        assert!(!saved.was_used(&url("https://a.example.evil.example")));
        for i in 0..100 {
            saved.mark_used(&url(&format!("https://h{i}.example")));
        }
        assert_eq!(saved.used.len(), MAX_USED);
        assert!(saved.was_used(&url("https://h99.example")));
    }

    #[test]
    fn storage_that_is_not_ours_reads_as_nothing_saved() {
        for junk in [
            None,
            Some(""),
            Some("NNSXS.OLD.KEY"),
            Some("[1,2]"),
            Some(r#"{"keys":[{"cluster":"javascript:alert(1)","key":"NNSXS.X.Y"}]}"#),
            Some(r#"{"keys":[{"cluster":"https://a.example/path","key":"NNSXS.X.Y"}]}"#),
        ] {
            let saved = SavedKeys::parse(junk);
            assert!(saved.clusters().is_empty(), "{junk:?}");
        }
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let mut saved = SavedKeys::default();
        saved.save(&url("https://a.example"), "NNSXS.PUBLIC.SECRETPART");
        let shown = format!("{saved:?}");
        assert!(!shown.contains("SECRETPART"), "{shown}");
        assert!(shown.contains("https://a.example"));
    }
}
