//! This browser's local storage for what the user chose to keep: the keys
//! saved per cluster and the clusters used (one entry, see
//! [`crate::trust::SavedKeys`]). Nothing else of the user's is stored.

use crate::trust::{SavedKeys, LEGACY_STORAGE_KEY, STORAGE_KEY};

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// What is saved, and whether a key saved by an older version (for no
/// particular cluster) was found and removed.
pub fn load() -> (SavedKeys, bool) {
    let Some(storage) = local_storage() else {
        return (SavedKeys::default(), false);
    };
    let legacy = storage
        .get_item(LEGACY_STORAGE_KEY)
        .ok()
        .flatten()
        .is_some();
    if legacy {
        let _ = storage.remove_item(LEGACY_STORAGE_KEY);
    }
    let stored = storage.get_item(STORAGE_KEY).ok().flatten();
    (SavedKeys::parse(stored.as_deref()), legacy)
}

/// Writes what is saved.
pub fn store(saved: &SavedKeys) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(STORAGE_KEY, &saved.to_json());
    }
}
