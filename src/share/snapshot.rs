//! Snapshot links: the events a user chose (a journey's steps, a Health
//! panel's lane, the filtered view), redacted exactly as Export redacts them,
//! carried in the link itself (`#snapshot=…`), so a teammate sees exactly
//! those events — offline, without a key, without any server.
//!
//! The text, before compression (UTF-8, one JSON object per line):
//!
//! ```text
//! {"eventline_snapshot":1,"shared_at":"2024-10-28T09:15:00Z","of":"journey","open":"ns:uplink:01JB…","events":37,"left_out":12}
//! {"name":"gs.up.receive","time":"…",…}      ← one event per line, as `Export NDJSON` writes it (redacted)
//! ```
//!
//! `of` is `journey` (`open`: the message ID whose journey opens), `health`
//! (`open`: the lane whose Health panel opens) or `view` (the filtered view;
//! no `open`). `left_out`: the chosen events the link does not hold. The
//! browser compresses the text (`CompressionStream("deflate-raw")`, in
//! `ui/snapshot.rs`: no compression code in the bundle), and the link carries
//! it as base64url without padding (RFC 4648 §5).
//!
//! Limits. Made: at most [`MAX_EVENTS`] events and [`MAX_LINK`] characters
//! of payload (a journey keeps its first steps, a lane or view its newest
//! events; the rest is counted as left out). Read — a link is untrusted input
//! — at most [`MAX_READ`] characters, [`MAX_UNPACKED`] bytes unpacked (the
//! shell stops reading there), a header of at most [`MAX_HEADER`] bytes.
//! Everything else is a sentence ([`SnapshotError`]); nothing here panics.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::base64url;
use super::capture::event_line;
use super::fragment::journey_id_ok;
use crate::tts::{Event, Timestamp};

/// The most events a link holds.
pub const MAX_EVENTS: usize = 1_000;
/// The most characters of payload a link is made with (base64url).
pub const MAX_LINK: usize = 100_000;
/// The most characters of payload read from a link.
pub const MAX_READ: usize = 1_000_000;
/// The most bytes a payload may unpack to (16 MiB).
pub const MAX_UNPACKED: usize = 16 << 20;
/// The longest header line read.
pub const MAX_HEADER: usize = 4_096;
/// The longest lane key a header may name.
const MAX_LANE: usize = 300;
/// The one format version.
const VERSION: u32 = 1;

/// What the events were chosen from, and so which panel opens with them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Of {
    /// A journey's steps; its message ID (opens the journey).
    Journey(String),
    /// A lane's events (its Health panel opens).
    Health(String),
    /// The current filtered view.
    View,
}

impl Of {
    /// A journey tells its story from the start; a lane or view is about now.
    fn keeps_newest(&self) -> bool {
        !matches!(self, Of::Journey(_))
    }
}

/// What the first line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub shared_at: Timestamp,
    pub of: Of,
    /// Events the link holds (as its sender counted them).
    pub events: usize,
    /// Chosen events the link does not hold.
    pub left_out: usize,
}

/// The header as JSON.
#[derive(Debug, Serialize, Deserialize)]
struct HeaderJson {
    eventline_snapshot: u32,
    shared_at: Timestamp,
    of: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    open: Option<String>,
    #[serde(default)]
    events: usize,
    #[serde(default)]
    left_out: usize,
}

/// Why a snapshot link cannot be opened (or made), in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// The payload is longer than any link Eventline makes.
    TooLong { chars: usize },
    /// Not base64url: the character at `at` (0-based) is `found`.
    NotBase64 { at: usize, found: char },
    /// The payload's length cannot be base64 (cut short).
    CutShort,
    /// The compressed data could not be unpacked (the browser's reason).
    NotPacked(String),
    /// It unpacks to more than [`MAX_UNPACKED`] bytes.
    TooBig,
    /// The first line is not a snapshot header (why).
    NotSnapshot(String),
    /// A newer format.
    Version(u32),
    /// Not a single event fits in a link (the first one is too large).
    NothingFits,
    /// Nothing was chosen.
    Empty,
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::TooLong { chars } => write!(
                f,
                "it carries {chars} characters of events, more than the {MAX_READ} a snapshot link may hold"
            ),
            SnapshotError::NotBase64 { at, found } => write!(
                f,
                "it is damaged: character {} of its events ({found:?}) cannot be part of a snapshot",
                at + 1
            ),
            SnapshotError::CutShort => {
                f.write_str("it is cut short: copy the whole link and try again")
            }
            SnapshotError::NotPacked(why) => {
                write!(f, "it is damaged: its events cannot be unpacked ({why})")
            }
            SnapshotError::TooBig => write!(
                f,
                "its events unpack to more than {} MB, more than a snapshot may hold",
                MAX_UNPACKED >> 20
            ),
            SnapshotError::NotSnapshot(why) => {
                write!(f, "it is not an Eventline snapshot ({why})")
            }
            SnapshotError::Version(v) => write!(
                f,
                "it was made by a newer Eventline (snapshot format {v}); open it with that version"
            ),
            SnapshotError::NothingFits => f.write_str(
                "the first event alone is too large for a link; use Export to share it as a file",
            ),
            SnapshotError::Empty => f.write_str("there are no events to share"),
        }
    }
}

/// The compressed bytes a link's `snapshot=` value carries.
///
/// # Errors
/// Too long, not base64url (which character), or cut short.
pub fn payload(text: &str) -> Result<Vec<u8>, SnapshotError> {
    let text = text.trim_end_matches('=');
    if text.len() > MAX_READ {
        return Err(SnapshotError::TooLong { chars: text.len() });
    }
    base64url::decode(text).map_err(|e| match e {
        base64url::Damaged::At { at, found } => SnapshotError::NotBase64 { at, found },
        base64url::Damaged::CutShort => SnapshotError::CutShort,
    })
}

// --- making a link ------------------------------------------------------------

/// The chosen events, redacted, ready to be written with as many as fit.
#[derive(Debug, Clone)]
pub struct Draft {
    of: Of,
    shared_at: Timestamp,
    /// Redacted lines of at most [`MAX_EVENTS`] events, oldest first.
    lines: Vec<String>,
    /// How many events were chosen.
    chosen: usize,
}

impl Draft {
    /// The events chosen from `of` (oldest first), shared at `shared_at`:
    /// at most [`MAX_EVENTS`] of them (a journey's first, otherwise the
    /// newest), each redacted as Export does.
    pub fn new<'a>(
        of: Of,
        events: impl IntoIterator<Item = &'a Event>,
        shared_at: Timestamp,
    ) -> Self {
        let events: Vec<&Event> = events.into_iter().collect();
        let chosen = events.len();
        let skip = if of.keeps_newest() {
            chosen.saturating_sub(MAX_EVENTS)
        } else {
            0
        };
        let lines = events
            .into_iter()
            .skip(skip)
            .take(MAX_EVENTS)
            .filter_map(|e| event_line(e, true).ok().map(|(line, _)| line))
            .collect();
        Draft {
            of,
            shared_at,
            lines,
            chosen,
        }
    }

    /// The most events a link can hold of these (before its length is known).
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The `n` kept (a journey's first, otherwise the newest), oldest first.
    fn kept(&self, n: usize) -> &[String] {
        let n = n.min(self.lines.len());
        let from = if self.of.keeps_newest() {
            self.lines.len() - n
        } else {
            0
        };
        self.lines.get(from..from + n).unwrap_or_default()
    }

    /// The header for a link holding `n` events.
    pub fn header(&self, n: usize) -> Header {
        let n = n.min(self.lines.len());
        Header {
            shared_at: self.shared_at,
            of: self.of.clone(),
            events: n,
            left_out: self.chosen - n,
        }
    }

    /// The text (header and `n` events) to compress into a link.
    pub fn text(&self, n: usize) -> String {
        let header = self.header(n);
        let (of, open) = match header.of {
            Of::Journey(id) => ("journey", Some(id)),
            Of::Health(lane) => ("health", Some(lane)),
            Of::View => ("view", None),
        };
        let json = HeaderJson {
            eventline_snapshot: VERSION,
            shared_at: header.shared_at,
            of: of.to_owned(),
            open,
            events: header.events,
            left_out: header.left_out,
        };
        let mut text = serde_json::to_string(&json).unwrap_or_default();
        text.push('\n');
        for line in self.kept(n) {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// How many events to try next, when a link of `n` came out `chars`
    /// long: `n` when it fits, else fewer (in proportion, with a margin).
    ///
    /// # Errors
    /// [`SnapshotError::NothingFits`] when not even one event fits.
    pub fn fit(&self, n: usize, chars: usize) -> Result<usize, SnapshotError> {
        if chars <= MAX_LINK {
            return if n == 0 && self.chosen > 0 {
                Err(SnapshotError::NothingFits)
            } else {
                Ok(n)
            };
        }
        if n <= 1 {
            return Err(SnapshotError::NothingFits);
        }
        let scaled = (n as f64 * MAX_LINK as f64 * 0.95 / chars as f64) as usize;
        Ok(scaled.clamp(1, n - 1))
    }

    /// What the copied link holds, in words (`n` events in it).
    pub fn summary(&self, n: usize) -> String {
        let header = self.header(n);
        let mut text = format!(
            "Link to {} copied (redacted as Export).",
            events(header.events)
        );
        if header.left_out > 0 {
            let which = if self.of.keeps_newest() {
                "older"
            } else {
                "later"
            };
            text.push_str(&format!(
                " {} {which} event{} left out: a link holds at most {MAX_EVENTS} events or {MAX_LINK} characters.",
                header.left_out,
                if header.left_out == 1 { " was" } else { "s were" },
            ));
        }
        text.push_str(" Nothing was sent anywhere: the events are in the link itself.");
        text
    }
}

/// `1 event`, `37 events`.
fn events(n: usize) -> String {
    format!("{n} event{}", if n == 1 { "" } else { "s" })
}

// --- opening a link -------------------------------------------------------------

/// An unpacked snapshot: its header, and the events' lines (NDJSON, for the
/// capture reader).
#[derive(Debug, PartialEq, Eq)]
pub struct Opened<'a> {
    pub header: Header,
    pub events: &'a [u8],
}

/// Reads an unpacked snapshot's header; the events are read by the capture
/// import (`share::import`), line by line, like any capture.
///
/// # Errors
/// No header, a damaged one, or a newer format.
pub fn open(unpacked: &[u8]) -> Result<Opened<'_>, SnapshotError> {
    if unpacked.len() > MAX_UNPACKED {
        return Err(SnapshotError::TooBig);
    }
    let end = memchr::memchr(b'\n', unpacked).unwrap_or(unpacked.len());
    if end > MAX_HEADER {
        return Err(SnapshotError::NotSnapshot(format!(
            "its first line is longer than {MAX_HEADER} bytes"
        )));
    }
    let (first, rest) = unpacked.split_at(end);
    let json: HeaderJson = serde_json::from_slice(first).map_err(|e| {
        SnapshotError::NotSnapshot(format!("its first line is not a snapshot header: {e}"))
    })?;
    if json.eventline_snapshot != VERSION {
        return Err(SnapshotError::Version(json.eventline_snapshot));
    }
    let open = json.open.filter(|o| !o.is_empty());
    // What cannot be opened is shown as a plain view.
    let of = match (json.of.as_str(), open) {
        ("journey", Some(id)) if journey_id_ok(&id) => Of::Journey(id),
        ("health", Some(lane)) if lane.len() <= MAX_LANE && !lane.contains(char::is_control) => {
            Of::Health(lane)
        }
        _ => Of::View,
    };
    Ok(Opened {
        header: Header {
            shared_at: json.shared_at,
            of,
            events: json.events,
            left_out: json.left_out,
        },
        events: rest.get(1..).unwrap_or_default(),
    })
}

impl Header {
    /// The note an opened snapshot shows (`shown`: the events it holds).
    pub fn note(&self, shown: usize) -> String {
        let at = self.shared_at.to_rfc3339();
        let day = at.get(..10).unwrap_or_default();
        let time = at.get(11..16).unwrap_or_default();
        let mut text = format!(
            "Snapshot of {} shared on {day} {time} UTC; not live.",
            events(shown)
        );
        if self.left_out > 0 {
            text.push_str(&format!(
                " {} more {} left out of the link.",
                self.left_out,
                if self.left_out == 1 { "was" } else { "were" }
            ));
        }
        text
    }
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
