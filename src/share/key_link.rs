//! The share key's part of a link: `…&share_key=NNSXS.….…&share_until=<RFC 3339>`
//! after the view's own fragment. Only a share key made on purpose goes
//! here (never the user's own key: [`ViewState`] has no key field, and this
//! is written only from a [`super::key_grant::Created`]).
//!
//! Reading one is reading untrusted input: the key must have the shape of a
//! The Things Stack API key (`NNSXS.` + 39 + 52 base32 characters) and the
//! time must be RFC 3339, else a sentence. The shell takes both out of the
//! address bar as soon as they are read ([`without_key`]); the key then
//! lives in memory only.

use super::ViewState;
use crate::form::ApiKey;
use crate::tts::Timestamp;

const KEY: &str = "share_key";
const UNTIL: &str = "share_until";

/// A share key read from a link, and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedKey {
    pub key: ApiKey,
    pub until: Timestamp,
}

fn base32(part: &str, len: usize) -> bool {
    part.len() == len
        && part
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// Whether `key` looks like a TTS API key: `NNSXS.<39 base32>.<52 base32>`.
pub fn is_key_shaped(key: &str) -> bool {
    let mut parts = key.split('.');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("NNSXS"), Some(id), Some(secret), None) if base32(id, 39) && base32(secret, 52)
    )
}

fn pairs(fragment: &str) -> impl Iterator<Item = &str> {
    fragment
        .strip_prefix('#')
        .unwrap_or(fragment)
        .split('&')
        .filter(|p| !p.is_empty())
}

fn value<'a>(fragment: &'a str, key: &str) -> Option<&'a str> {
    pairs(fragment).find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
}

/// The share key a link carries: `None` when it carries none.
///
/// # Errors
/// A sentence saying why the link's key cannot be used.
pub fn read(fragment: &str) -> Option<Result<SharedKey, String>> {
    let key = value(fragment, KEY)?;
    if !is_key_shaped(key) {
        return Some(Err(
            "This link's shared key is damaged (it is not a The Things Stack \
                         API key): ask whoever sent it for a new link."
                .into(),
        ));
    }
    let until = value(fragment, UNTIL)
        .map(|t| t.replace("%3A", ":").replace("%3a", ":"))
        .and_then(|t| Timestamp::parse(&t).ok());
    let Some(until) = until else {
        return Some(Err(
            "This link's shared key does not say until when it works: ask whoever sent it \
             for a new link."
                .into(),
        ));
    };
    Some(Ok(SharedKey {
        key: ApiKey::from_secret(key.to_owned()),
        until,
    }))
}

/// The fragment without the share key and its time (the rest as it was).
pub fn without_key(fragment: &str) -> String {
    pairs(fragment)
        .filter(|p| {
            let name = p.split('=').next().unwrap_or_default();
            name != KEY && name != UNTIL
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The fragment of a share link: the view (its cluster and one entity), then
/// the share key and its expiry.
pub fn link_fragment(view: &ViewState, key: &ApiKey, until: Timestamp) -> String {
    let view = view.to_fragment();
    let sep = if view.is_empty() { "" } else { "&" };
    format!(
        "{view}{sep}{KEY}={}&{UNTIL}={}",
        key.expose(),
        until.to_rfc3339()
    )
}

/// A time for people: `2026-11-29 14:05 UTC`.
pub fn time_words(t: Timestamp) -> String {
    let text = t.to_rfc3339_millis();
    format!(
        "{} {} UTC",
        text.get(..10).unwrap_or_default(),
        text.get(11..16).unwrap_or_default()
    )
}

/// The line above the Copy button and on the recipient's page.
pub fn anyone_can_watch(what: &str, host: &str, until: Timestamp) -> String {
    format!(
        "Anyone with this link can watch {what} on {host} until {}.",
        time_words(until)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> String {
        format!("NNSXS.{}.{}", "A".repeat(39), "B".repeat(52))
    }

    #[test]
    fn a_link_carries_the_view_then_the_key_and_gives_both_back() {
        let view = ViewState {
            cluster_url: "https://eu1.cloud.thethings.network".into(),
            entities: vec!["soil-sensors".into()],
            ..ViewState::default()
        };
        let until = Timestamp::parse("2030-01-01T10:00:00Z").unwrap();
        let fragment = link_fragment(&view, &ApiKey::from_secret(key()), until);
        assert_eq!(
            fragment,
            format!(
                "cluster=https://eu1.cloud.thethings.network&entities=soil-sensors&share_key={}&share_until=2030-01-01T10:00:00Z",
                key()
            )
        );
        let shared = read(&format!("#{fragment}")).unwrap().unwrap();
        assert_eq!(shared.key.expose(), key());
        assert_eq!(shared.until, until);
        assert_eq!(
            without_key(&format!("#{fragment}")),
            "cluster=https://eu1.cloud.thethings.network&entities=soil-sensors"
        );
        // The view never picks the key up.
        assert_eq!(ViewState::from_fragment(&fragment), view);
        assert_eq!(read("cluster=x&entities=y"), None);
    }

    #[test]
    fn anything_but_a_key_shaped_key_is_refused_with_a_sentence() {
        let ok = key();
        for bad in [
            "NNSXS.ABC.DEF".to_owned(),
            ok.to_lowercase(),
            ok.replace("NNSXS", "XXXXX"),
            format!("{ok}.C"),
            format!("{ok}%3Cscript%3E"),
            ok.replacen('A', "1", 1),
            String::new(),
        ] {
            let got = read(&format!("share_key={bad}&share_until=2030-01-01T00:00:00Z"));
            assert!(
                matches!(&got, Some(Err(s)) if s.contains("damaged")),
                "{bad}: {got:?}"
            );
        }
        let got = read(&format!("share_key={ok}&share_until=soon"));
        assert!(matches!(&got, Some(Err(s)) if s.contains("until when")));
        let got = read(&format!(
            "share_key={ok}&share_until=2030-01-01T00%3A00%3A00Z"
        ));
        assert!(matches!(got, Some(Ok(_))));
        assert!(format!(
            "{:?}",
            read(&format!("share_key={ok}&share_until=2030-01-01T00:00:00Z"))
        )
        .contains("hidden"));
    }

    #[test]
    fn the_sentence_names_what_where_and_until_when() {
        let until = Timestamp::parse("2026-11-29T14:05:09.5Z").unwrap();
        assert_eq!(
            anyone_can_watch("application soil-sensors", "127.0.0.1:1885", until),
            "Anyone with this link can watch application soil-sensors on 127.0.0.1:1885 until 2026-11-29 14:05 UTC."
        );
    }
}
