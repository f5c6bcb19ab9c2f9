//! [`Filter`]: the timeline's client-side filter, typed by the user.
//!
//! Syntax (terms separated by spaces, all must match; `-` in front negates):
//! - `text` — found, ignoring case, in the event name, an entity (IDs,
//!   DevEUI, DevAddr), a correlation ID, anywhere in the payload, or in what
//!   the row shows (`SF7`, `868.1`, a decoded value).
//! - `"Exact Text"` — the same, but matching case exactly (a phrase may hold spaces).
//! - `as.up.*`, `name:gs.*.drop` — event-name glob (`*` any run, `?` one character).
//! - `kind:device` (also `application`/`app`, `gateway`/`gw`, `organization`/`org`, `user`, `client`).
//! - `corr:as:up:01J…` — events carrying this correlation ID (follow one message through the stack).
//! - Field predicates (see `predicate`): `rssi<-110`, `any-snr<0`, `sf>=10`,
//!   `dr:5`, `freq:868.1`, `fport:2`, `fcnt:100..200`, `gw:rooftop-gw-01`,
//!   `devaddr:260BB94F`, `deveui:70B3D57ED0061A2B`, `confirmed`, `problem`.
//!
//! Matching reads the raw payload bytes as they were received, and only
//! when a term needs them the row's text and fields ([`LazyRow`]: computed
//! once per event, then kept), so re-filtering 100,000 events stays well
//! under 100 ms.

use memchr::memmem;

use super::glob::glob;
use super::memo::SharedMemo;
use super::predicate::{self, Predicate};
use super::preview::LazyRow;
use super::scan::Caseless;
use crate::tts::{EntityKind, Event};

/// One condition on an event.
#[derive(Debug, Clone)]
enum Cond {
    Text(Box<Needle>),
    Name(Vec<u8>),
    Kind(EntityKind),
    Corr(String),
    Field(Predicate),
}

#[derive(Debug, Clone)]
struct Term {
    negate: bool,
    cond: Cond,
    /// The word as typed (without its `-` and quotes), and whether quoted.
    word: Box<str>,
    quoted: bool,
}

impl Term {
    /// Whether every event passing this term passes `other` too: the same
    /// word, or (text) this one's text contains `other`'s, ignoring case
    /// where `other` does, case and all where `other` is quoted (so typing
    /// a text on only narrows).
    fn implies(&self, other: &Term) -> bool {
        if self.negate == other.negate && self.quoted == other.quoted && self.word == other.word {
            return true;
        }
        let contains = |hay: &str, needle: &str| memmem::find(hay.as_bytes(), needle.as_bytes());
        matches!((&self.cond, &other.cond), (Cond::Text(_), Cond::Text(_)))
            && !self.negate
            && !other.negate
            && if other.quoted {
                // Exact text: only exact text containing it, case and all.
                self.quoted && contains(&self.word, &other.word).is_some()
            } else {
                contains(
                    &self.word.to_ascii_lowercase(),
                    &other.word.to_ascii_lowercase(),
                )
                .is_some()
            }
    }
}

/// A parsed filter. The empty filter matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    query: String,
    terms: Vec<Term>,
}

/// Text to find, case-sensitive or not.
#[derive(Debug, Clone)]
enum Needle {
    /// Case-sensitive search (the text was quoted).
    Exact(Box<memmem::Finder<'static>>),
    Caseless(Caseless),
}

impl Needle {
    /// Text to find ignoring case, or (`exact`) as written.
    fn new(text: &str, exact: bool) -> Self {
        if exact {
            Needle::Exact(Box::new(memmem::Finder::new(text.as_bytes()).into_owned()))
        } else {
            Needle::Caseless(Caseless::new(text))
        }
    }

    fn found_in(&self, hay: &[u8]) -> bool {
        match self {
            Needle::Exact(finder) => finder.find(hay).is_some(),
            Needle::Caseless(text) => text.found_in(hay),
        }
    }
}

/// The value after `keyword:` (any case; `=` too, as the field terms take
/// it), so `Kind:device` or `name=as.up.*` never silently become text.
fn strip_keyword<'a>(word: &'a str, keyword: &str) -> Option<&'a str> {
    let head = word.get(..keyword.len())?;
    let rest = word.get(keyword.len()..)?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    rest.strip_prefix(':').or_else(|| rest.strip_prefix('='))
}

fn kind_named(word: &str) -> Option<EntityKind> {
    Some(match word.to_ascii_lowercase().as_str() {
        "application" | "app" | "applications" => EntityKind::Application,
        "device" | "dev" | "end_device" | "devices" => EntityKind::Device,
        "gateway" | "gw" | "gateways" => EntityKind::Gateway,
        "organization" | "org" | "organisation" => EntityKind::Organization,
        "user" | "users" => EntityKind::User,
        "client" | "clients" => EntityKind::Client,
        _ => return None,
    })
}

/// One word of the query: its text and whether it was quoted.
#[derive(Debug, PartialEq, Eq)]
struct Word {
    text: String,
    quoted: bool,
}

/// Splits at spaces, keeping `"quoted phrases"` (and `-"…"`) together.
///
/// # Errors
/// A sentence naming a quote that is never closed.
fn words(query: &str) -> Result<Vec<Word>, String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    for c in query.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            c if c.is_whitespace() && !quoted => {
                end_word(&mut out, std::mem::take(&mut word), was_quoted);
                was_quoted = false;
            }
            c => word.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "“\"{word}” opens a quote that is not closed: end it with \" (quotes match text exactly, case included)"
        ));
    }
    end_word(&mut out, word, was_quoted);
    Ok(out)
}

/// Ends a word: joined to the last one when it continues a comparison typed
/// with spaces (`rssi < -100` is `rssi<-100`), else a word of its own.
fn end_word(out: &mut Vec<Word>, text: String, quoted: bool) {
    let last = out.last_mut().filter(|last| {
        !last.quoted && !quoted && predicate::continues_comparison(&last.text, &text)
    });
    if let Some(last) = last {
        last.text.push_str(&text);
    } else if !text.is_empty() || quoted {
        out.push(Word { text, quoted });
    }
}

/// A name pattern may use `*` and `?`; brackets have no meaning in one.
fn name_pattern(word: &str) -> Result<Vec<u8>, String> {
    if word.contains(['[', ']', '{', '}']) {
        return Err(format!(
            "“{word}”: brackets have no meaning in an event-name pattern; use * for any run and ? for one character, e.g. name:gs.up.*"
        ));
    }
    Ok(word.as_bytes().to_vec())
}

impl Filter {
    /// Parses what the user typed.
    ///
    /// # Errors
    ///
    /// A sentence naming the term that cannot be understood (an unknown kind,
    /// an empty `name:`, an unknown field, a field's value that is not one).
    pub fn parse(query: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for Word { text, quoted } in words(query)? {
            let (negate, word) = match text.strip_prefix('-') {
                Some(rest) if !rest.is_empty() || quoted => (true, rest),
                _ => (false, text.as_str()),
            };
            if quoted {
                if !word.is_empty() {
                    terms.push(Term {
                        negate,
                        cond: Cond::Text(Box::new(Needle::new(word, true))),
                        word: word.into(),
                        quoted,
                    });
                }
                continue;
            }
            let cond = if let Some(kind) = strip_keyword(word, "kind") {
                Cond::Kind(kind_named(kind).ok_or_else(|| {
                    format!(
                        "“{kind}” is not an entity kind: use application, device, gateway, organization, user or client."
                    )
                })?)
            } else if let Some(name) = strip_keyword(word, "name") {
                if name.is_empty() {
                    return Err("“name:” needs an event name or a pattern like as.up.*".into());
                }
                Cond::Name(name_pattern(name)?)
            } else if let Some(id) = strip_keyword(word, "corr") {
                if id.is_empty() {
                    return Err("“corr:” needs a correlation ID.".into());
                }
                Cond::Corr(id.to_owned())
            } else if let Some(p) = predicate::parse(word)? {
                Cond::Field(p)
            } else if word.contains(['*', '?']) {
                Cond::Name(name_pattern(word)?)
            } else {
                Cond::Text(Box::new(Needle::new(word, false)))
            };
            terms.push(Term {
                negate,
                cond,
                word: word.into(),
                quoted,
            });
        }
        Ok(Filter {
            query: query.trim().to_owned(),
            terms,
        })
    }

    /// What the user typed (trimmed).
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Whether the filter lets everything through.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// A correlation ID every match must carry, if the filter names one (lets
    /// the store look only at the events of that ID).
    pub fn required_correlation(&self) -> Option<&str> {
        self.terms.iter().find_map(|t| match (&t.cond, t.negate) {
            (Cond::Corr(id), false) => Some(id.as_str()),
            _ => None,
        })
    }

    /// Whether `event` passes every term; `row` is what its row shows
    /// (searched like the payload) and its fields (for predicates).
    pub fn matches(&self, event: &Event, row: &LazyRow) -> bool {
        self.terms
            .iter()
            .all(|t| cond_matches(&t.cond, event, row, None) != t.negate)
    }

    /// Whether every event this filter lets through, `wider` lets through
    /// too (so applying it after `wider` needs to look only at what `wider`
    /// let through): each of `wider`'s terms is one of this filter's, or a
    /// text that one of this filter's texts contains (a word typed on).
    pub fn narrows(&self, wider: &Filter) -> bool {
        wider
            .terms
            .iter()
            .all(|w| self.terms.iter().any(|t| t.implies(w)))
    }

    /// This filter applied to many events in turn, in one pass over a
    /// timeline that drops none meanwhile (see [`FilterPass`]).
    pub(super) fn pass(&self) -> FilterPass<'_> {
        FilterPass {
            filter: self,
            memos: self
                .terms
                .iter()
                .map(|t| matches!(t.cond, Cond::Text(_)).then(TextMemo::new))
                .collect(),
        }
    }
}

/// A filter applied to the events of one pass, remembering what each text
/// term found in the names, identifier sets and correlation IDs the events share (see
/// [`SharedMemo`]): the events must all stay alive until the pass ends.
#[derive(Debug)]
pub(super) struct FilterPass<'f> {
    filter: &'f Filter,
    /// One per term, for text terms.
    memos: Vec<Option<TextMemo>>,
}

impl FilterPass<'_> {
    /// Whether `event` passes every term (as [`Filter::matches`]).
    pub(super) fn matches(&mut self, event: &Event, row: &LazyRow) -> bool {
        self.filter
            .terms
            .iter()
            .zip(self.memos.iter_mut())
            .all(|(t, memo)| cond_matches(&t.cond, event, row, memo.as_mut()) != t.negate)
    }
}

/// What a text term found in event names, identifier sets and correlation IDs.
#[derive(Debug)]
struct TextMemo {
    names: SharedMemo,
    identifiers: SharedMemo,
    correlation: SharedMemo,
}

impl TextMemo {
    fn new() -> Self {
        TextMemo {
            names: SharedMemo::new(8),
            identifiers: SharedMemo::new(12),
            correlation: SharedMemo::new(12),
        }
    }
}

/// Whether `needle` is in the event's name, one of its entities' IDs or one
/// of its correlation IDs (the parts events share), from `memo` when given.
fn in_shared(needle: &Needle, event: &Event, memo: Option<&mut TextMemo>) -> bool {
    let name = || needle.found_in(event.name.as_bytes());
    let ids = || {
        event.identifiers.iter().any(|i| {
            [
                Some(i.id()),
                i.application_id(),
                i.eui(),
                i.join_eui(),
                i.dev_addr(),
            ]
            .into_iter()
            .flatten()
            .any(|v| needle.found_in(v.as_bytes()))
        })
    };
    let found = |id: &str| needle.found_in(id.as_bytes());
    match memo {
        Some(m) => {
            m.names.get_or(event.name.addr(), name)
                || m.identifiers.get_or(event.identifiers.addr(), ids)
                || event
                    .correlation_ids
                    .shared()
                    .any(|(addr, id)| m.correlation.get_or(addr, || found(id)))
        }
        None => name() || ids() || event.correlation_ids.iter().any(found),
    }
}

fn cond_matches(cond: &Cond, event: &Event, row: &LazyRow, memo: Option<&mut TextMemo>) -> bool {
    match cond {
        Cond::Field(p) => p.matches(event, row.get(event).fields()),
        Cond::Name(pattern) => glob(pattern, event.name.as_bytes(), false),
        Cond::Kind(kind) => event.identifiers.iter().any(|i| i.kind() == *kind),
        Cond::Corr(id) => event.correlation_ids.iter().any(|c| c == id),
        Cond::Text(needle) => {
            in_shared(needle, event, memo)
                || event
                    .data
                    .as_ref()
                    .is_some_and(|d| needle.found_in(d.as_str().as_bytes()))
                || needle.found_in(row.get(event).text().as_bytes())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::RowPreview;

    fn event(name: &str, ids: &str, data: &str) -> Event {
        let json = format!(
            r#"{{"name":"{name}","time":"2024-10-28T10:00:00Z","identifiers":[{ids}],"data":{data},"correlation_ids":["as:up:01JBK0","gs:uplink:01JBK1"],"unique_id":"U"}}"#
        );
        Event::from_json(json.as_bytes()).expect("test event")
    }

    const DEV: &str = r#"{"device_ids":{"device_id":"soil-node-01","application_ids":{"application_id":"soil-sensors"},"dev_eui":"70B3D57ED0061A2B"}}"#;
    const GW: &str = r#"{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}"#;

    fn hit(query: &str, e: &Event) -> bool {
        Filter::parse(query).expect("valid filter").matches(
            e,
            &LazyRow::ready(RowPreview::showing(
                e,
                "SF7BW125 868.1 MHz temperature 21.5",
            )),
        )
    }

    #[test]
    fn text_is_found_in_name_entities_correlation_and_payload() {
        let up = event(
            "as.up.data.forward",
            DEV,
            r#"{"@type":"x","uplink_message":{"f_cnt":42,"rx_metadata":[{"rssi":-97}]}}"#,
        );
        assert!(hit("forward", &up));
        assert!(hit("soil-node-01", &up));
        assert!(hit("70b3d57ed0061a2b", &up), "text ignores case");
        assert!(hit("70B3D57ED0061A2B", &up));
        assert!(hit("Soil-Node-01", &up), "capitals too");
        assert!(!hit("\"Soil-Node-01\"", &up), "quotes match case exactly");
        assert!(hit("\"soil-node-01\"", &up));
        assert!(hit("gs:uplink", &up) && hit("01jbk1", &up));
        assert!(!hit("JBK0gs", &up), "never across two correlation IDs");
        assert!(hit("rssi", &up) && hit("uplink_message", &up));
        assert!(hit("F_CNT", &up));
        assert!(
            hit("sf7", &up) && hit("868.1", &up),
            "what the row shows is searched"
        );
        assert!(!hit("rooftop", &up));
        assert!(hit("", &up));
    }

    #[test]
    fn globs_kinds_correlation_and_negation() {
        let up = event("as.up.data.forward", DEV, "{}");
        let gw = event("gs.up.receive", GW, "{}");
        assert!(hit("as.up.*", &up) && !hit("as.up.*", &gw));
        assert!(hit("name:*.up.*", &gw));
        assert!(hit("name:gs.up.receiv?", &gw));
        assert!(
            !hit("name:gs.up", &gw),
            "a name pattern matches the whole name"
        );
        assert!(hit("kind:gw", &gw) && !hit("kind:gateway", &up));
        assert!(hit("kind:device soil", &up));
        assert!(!hit("kind:device rooftop", &up));
        assert!(hit("-kind:device", &gw) && !hit("-kind:device", &up));
        // Keywords in any case, or with `=`, are keywords, never text.
        assert!(hit("Kind:Device", &up) && !hit("KIND:device", &gw));
        assert!(hit("kind=gateway", &gw) && hit("NAME:as.up.*", &up));
        assert!(Filter::parse("Kind:nothing").is_err());
        assert!(hit("corr:as:up:01JBK0", &up) && !hit("corr:as:up:01JBK", &up));
        assert!(hit("\"data forward\"", &event("data forward", GW, "{}")));
    }

    #[test]
    fn a_pass_answers_as_each_event_alone() {
        // Names and identifier sets repeat, so events share them (the
        // pass remembers answers by the shared value).
        let names = ["as.up.data.forward", "gs.up.receive", "ns.up.data.process"];
        let ids = [
            DEV,
            GW,
            r#"{"device_ids":{"device_id":"other","application_ids":{"application_id":"app"}}}"#,
        ];
        // Correlation IDs too: a journey's events carry the same ones.
        let events: Vec<Event> = (0..60)
            .map(|i| {
                let mut e = event(names[i % 3], ids[i / 3 % 3], r#"{"f_cnt":7}"#);
                e.correlation_ids = [format!("gs:uplink:J{}", i / 5), format!("as:up:{i}")]
                    .into_iter()
                    .collect();
                e
            })
            .collect();
        let uplink = |e: &Event| e.correlation_ids.shared().next().map(|(addr, _)| addr);
        assert_eq!(uplink(&events[0]), uplink(&events[4]), "IDs are shared");
        assert_eq!(
            events[0].name.addr(),
            events[3].name.addr(),
            "names are shared"
        );
        assert_eq!(
            events[0].identifiers.addr(),
            events[1].identifiers.addr(),
            "identifier sets are shared"
        );
        let rows: Vec<LazyRow> = events.iter().map(|_| LazyRow::default()).collect();
        for query in [
            "soil",
            "up",
            "RECEIVE",
            "-rooftop",
            "soil forward",
            "other -receive",
            "f_cnt",
            "uplink:J1",
            "-gs:uplink:J3",
            "as:up:4 soil",
        ] {
            let filter = Filter::parse(query).expect("valid filter");
            let mut pass = filter.pass();
            let by_pass: Vec<bool> = events
                .iter()
                .zip(&rows)
                .map(|(e, row)| pass.matches(e, row))
                .collect();
            let alone: Vec<bool> = events
                .iter()
                .zip(&rows)
                .map(|(e, row)| filter.matches(e, row))
                .collect();
            assert_eq!(by_pass, alone, "{query}");
            assert!(alone.contains(&true), "{query} finds something");
        }
        // Text is found within one ID, never across two (`…J0` then `as:up:…`).
        let across = Filter::parse("J0as").expect("valid filter");
        let mut pass = across.pass();
        assert!(events
            .iter()
            .zip(&rows)
            .all(|(e, row)| !pass.matches(e, row)));
    }

    #[test]
    fn unknown_terms_are_explained() {
        let e = Filter::parse("kind:sensor").unwrap_err();
        assert!(e.contains("sensor") && e.contains("gateway"), "{e}");
        assert!(Filter::parse("name:").is_err());
        assert!(Filter::parse("   ").unwrap().is_empty());
        let e = Filter::parse("soil \"unterminated").unwrap_err();
        assert!(
            e.contains("\"unterminated") && e.contains("not closed"),
            "{e}"
        );
        let e = Filter::parse("name:[").unwrap_err();
        assert!(e.contains("“[”") && e.contains("brackets"), "{e}");
        assert!(Filter::parse("\"\"").unwrap().is_empty());
    }
}
