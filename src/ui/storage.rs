//! This browser's local storage for what the user chose to keep: the keys
//! saved per cluster and the clusters used (one entry, see
//! [`crate::trust::SavedKeys`]), and the share keys created from this
//! browser — IDs, entities, expiry, never a secret (see
//! [`crate::share::key_list`]). Nothing else of the user's is stored.

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

/// The share keys created from this browser (IDs and expiry, no secrets).
pub fn load_share_keys() -> crate::share::key_list::CreatedKeys {
    let stored = local_storage().and_then(|s| {
        s.get_item(crate::share::key_list::STORAGE_KEY)
            .ok()
            .flatten()
    });
    crate::share::key_list::CreatedKeys::parse(stored.as_deref())
}

/// Writes the list of created share keys.
pub fn store_share_keys(keys: &crate::share::key_list::CreatedKeys) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(crate::share::key_list::STORAGE_KEY, &keys.to_json());
    }
}
