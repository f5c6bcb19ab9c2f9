//! [`ViewState`] ⇄ URL fragment, e.g.
//! `#cluster=https://eu1.cloud.thethings.network&entities=my-app,gw:my-gw&tail=10&view=flat`,
//! or, for a recorded incident hosted next to the app,
//! `#capture=captures/incident.ndjson&filter=kind:gateway`.
//!
//! Grammar: `key=value` pairs joined by `&`; values percent-encoded (UTF-8)
//! except unreserved characters and `/ : @`; list values are items joined by
//! `,` (an item's own commas are encoded). Defaults are left out, unknown
//! keys ignored, malformed pairs skipped: a hand-edited link still opens.
//!
//! A snapshot link carries its events too: `#snapshot=<base64url>` (last,
//! after the view's settings; read by `share::snapshot`).

use std::sync::Arc;

/// Everything a shared link restores. There is deliberately no API key here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    pub cluster_url: String,
    /// Entities in the form's quick-paste syntax (`app`, `app/dev`, `gw:x`, …).
    pub entities: Vec<String>,
    /// Event names: exact or `/regexp/`.
    pub names: Vec<String>,
    pub tail: Option<u32>,
    /// RFC 3339, as typed.
    pub after: Option<String>,
    pub flat: bool,
    pub utc: bool,
    /// Rows show the time since the previous event in their lane (`+120 ms`).
    pub relative: bool,
    pub newest_first: bool,
    /// The lane given the whole page, if any.
    pub focused: Option<String>,
    /// Keys of collapsed lanes.
    pub collapsed: Vec<String>,
    /// The `unique_id` of the event whose JSON is open.
    pub selected: Option<String>,
    /// The timeline filter, as typed (see `store::Filter`).
    pub filter: String,
    /// A capture to open instead of a live stream: a URL, usually relative to
    /// the app (`captures/incident.ndjson`).
    pub capture: Option<String>,
    /// The message whose journey is open: one message-scoped correlation ID.
    pub journey: Option<String>,
    /// Device lanes shown as one row per message.
    pub messages: Vec<String>,
    /// A snapshot's events, packed (see `share::snapshot`): base64url, kept
    /// as read (shared, as the view is cloned on every change).
    pub snapshot: Option<Arc<str>>,
}

impl Default for ViewState {
    fn default() -> Self {
        Self {
            cluster_url: String::new(),
            entities: Vec::new(),
            names: Vec::new(),
            tail: None,
            after: None,
            flat: false,
            utc: true,
            relative: false,
            newest_first: true,
            focused: None,
            collapsed: Vec::new(),
            selected: None,
            filter: String::new(),
            capture: None,
            journey: None,
            messages: Vec::new(),
            snapshot: None,
        }
    }
}

fn keep(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b':' | b'@')
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| encode(i))
        .collect::<Vec<_>>()
        .join(",")
}

fn unlist(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(decode)
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// A `journey=` value a link may carry: one message-scoped correlation ID,
/// at most 100 characters (the server's limit), of the characters TTS's IDs
/// use (letters, digits, `:/._-`); it is sent to the cluster encoded.
pub fn journey_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'.' | b'_' | b'-'))
        && crate::journey::is_message_scoped(id)
}

impl ViewState {
    /// The fragment without `#`; empty for the default view.
    pub fn to_fragment(&self) -> String {
        let mut pairs: Vec<String> = Vec::new();
        let mut add = |k: &str, v: String| pairs.push(format!("{k}={v}"));
        if !self.cluster_url.is_empty() {
            add("cluster", encode(&self.cluster_url));
        }
        if !self.entities.is_empty() {
            add("entities", list(&self.entities));
        }
        if !self.names.is_empty() {
            add("names", list(&self.names));
        }
        if let Some(t) = self.tail.filter(|t| *t > 0) {
            add("tail", t.to_string());
        }
        if let Some(a) = self.after.as_deref().filter(|a| !a.is_empty()) {
            add("after", encode(a));
        }
        if self.flat {
            add("view", "flat".into());
        }
        if !self.utc {
            add("time", "local".into());
        }
        if self.relative {
            add("clock", "relative".into());
        }
        if let Some(lane) = self.focused.as_deref().filter(|l| !l.is_empty()) {
            add("lane", encode(lane));
        }
        if !self.newest_first {
            add("order", "oldest".into());
        }
        if !self.collapsed.is_empty() {
            add("collapsed", list(&self.collapsed));
        }
        if let Some(s) = &self.selected {
            add("event", encode(s));
        }
        if let Some(c) = self.capture.as_deref().filter(|c| !c.is_empty()) {
            add("capture", encode(c));
        }
        if !self.messages.is_empty() {
            add("messages", list(&self.messages));
        }
        if let Some(j) = self.journey.as_deref().filter(|j| !j.is_empty()) {
            add("journey", encode(j));
        }
        if !self.filter.trim().is_empty() {
            add("filter", encode(self.filter.trim()));
        }
        // Last: the readable parts come first. Base64url needs no encoding.
        if let Some(s) = self.snapshot.as_deref().filter(|s| !s.is_empty()) {
            add("snapshot", encode(s));
        }
        pairs.join("&")
    }

    /// Reads a fragment (with or without `#`). Never fails: what cannot be
    /// read is left at its default.
    pub fn from_fragment(fragment: &str) -> Self {
        let mut state = ViewState::default();
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        for pair in fragment.split('&') {
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            match key {
                "cluster" => state.cluster_url = decode(value),
                "entities" => state.entities = unlist(value),
                "names" => state.names = unlist(value),
                "tail" => state.tail = value.parse().ok(),
                "after" => state.after = Some(decode(value)).filter(|a| !a.is_empty()),
                "view" => state.flat = value == "flat",
                "time" => state.utc = value != "local",
                "clock" => state.relative = value == "relative",
                "lane" => state.focused = Some(decode(value)).filter(|l| !l.is_empty()),
                "order" => state.newest_first = value != "oldest",
                "collapsed" => state.collapsed = unlist(value),
                "event" => state.selected = Some(decode(value)).filter(|s| !s.is_empty()),
                "filter" => state.filter = decode(value),
                "capture" => state.capture = Some(decode(value)).filter(|c| !c.trim().is_empty()),
                "journey" => state.journey = Some(decode(value)).filter(|j| journey_id_ok(j)),
                "messages" => state.messages = unlist(value),
                "snapshot" => {
                    state.snapshot = Some(decode(value).into()).filter(|s: &Arc<str>| !s.is_empty())
                }
                _ => {}
            }
        }
        state
    }

    /// The request part of a view as the connect form holds it: cluster,
    /// entities, names, tail, after (the settings stay at their defaults).
    pub fn of_form(form: &crate::form::FormInput) -> Self {
        ViewState {
            cluster_url: form.cluster_url.trim().to_owned(),
            entities: form
                .entities
                .split([',', '\n'])
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            names: crate::form::split_names(&form.event_names),
            tail: form.tail.trim().parse().ok(),
            after: Some(form.after.trim().to_owned()).filter(|a| !a.is_empty()),
            ..ViewState::default()
        }
    }

    /// Whether the link names something to connect to.
    pub fn is_connectable(&self) -> bool {
        !self.cluster_url.is_empty() && !self.entities.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journey_link_names_one_message_or_nothing() {
        for bad in ["gs:conn:01JB96", "ns:uplink:a b", "ns:uplink:<script>", ""] {
            let v = ViewState::from_fragment(&format!("journey={}", encode(bad)));
            assert_eq!(v.journey, None, "{bad}");
        }
        let long = format!("ns:uplink:{}", "A".repeat(100));
        assert_eq!(
            ViewState::from_fragment(&format!("journey={long}")).journey,
            None
        );
        let ok = ViewState::from_fragment("journey=ns:uplink:01JB96GXT9ESQAH4PYVMF8QS76");
        assert_eq!(
            ok.journey.as_deref(),
            Some("ns:uplink:01JB96GXT9ESQAH4PYVMF8QS76")
        );
    }

    fn full() -> ViewState {
        ViewState {
            cluster_url: "https://eu1.cloud.thethings.network".into(),
            entities: vec![
                "soil-sensors".into(),
                "soil-sensors/soil-node-01".into(),
                "gw:rooftop-gw-01".into(),
            ],
            names: vec![
                "as.up.data.forward".into(),
                "/^gs\\.up\\.(a|b){1,2} x/".into(),
            ],
            tail: Some(10),
            after: Some("2024-10-28T09:00:00+01:00".into()),
            flat: true,
            utc: false,
            relative: true,
            newest_first: false,
            focused: Some("soil-sensors/soil-node-01".into()),
            collapsed: vec!["gw:rooftop-gw-01".into()],
            selected: Some("01JB996A5CB3W8N1R6T0Y4K2QF".into()),
            filter: "kind:device -as.up.* \"rssi\":-9".into(),
            capture: Some("captures/2024-10-28 join storm.ndjson".into()),
            journey: Some(
                "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:01JB96GXT9B49RW8YVTX0AZG9D".into(),
            ),
            messages: vec!["soil-sensors/soil-node-01".into()],
            snapshot: Some("8ZJBb4MwDIX_-Q".into()),
        }
    }

    #[test]
    fn every_field_survives_the_round_trip() {
        let state = full();
        assert_eq!(ViewState::from_fragment(&state.to_fragment()), state);
        assert_eq!(
            ViewState::from_fragment(&format!("#{}", state.to_fragment())),
            state
        );
    }

    #[test]
    fn links_stay_readable() {
        let state = ViewState {
            cluster_url: "https://eu1.cloud.thethings.network".into(),
            entities: vec!["soil-sensors".into(), "gw:rooftop-gw-01".into()],
            tail: Some(10),
            ..ViewState::default()
        };
        assert_eq!(
            state.to_fragment(),
            "cluster=https://eu1.cloud.thethings.network&entities=soil-sensors,gw:rooftop-gw-01&tail=10"
        );
        assert_eq!(ViewState::default().to_fragment(), "");
    }

    #[test]
    fn a_snapshot_comes_last_as_it_is() {
        let state = ViewState {
            flat: true,
            snapshot: Some("Zm9v-_8".into()),
            ..ViewState::default()
        };
        assert_eq!(state.to_fragment(), "view=flat&snapshot=Zm9v-_8");
        assert_eq!(
            ViewState::from_fragment("#snapshot=&view=flat").snapshot,
            None
        );
    }

    #[test]
    fn hand_edited_links_open_with_what_can_be_read() {
        let state = ViewState::from_fragment(
            "#cluster=http%3A%2F%2F127.0.0.1%3A1885&bogus&tail=ten&x=y&entities=a,,b&event=",
        );
        assert_eq!(state.cluster_url, "http://127.0.0.1:1885");
        assert_eq!(state.entities, ["a", "b"]);
        assert_eq!(state.tail, None);
        assert_eq!(state.selected, None);
        assert!(state.is_connectable());
        assert!(!ViewState::from_fragment("%zz&=&&").is_connectable());
    }
}
