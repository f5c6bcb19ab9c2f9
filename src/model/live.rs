//! The live connection's transitions: connect, the session's actions, bytes
//! arriving, the stream ending, the user's disconnect / reconnect / retry,
//! the browser going offline — each answering the shell's next [`Todo`].
//!
//! The request of each attempt is built here (a resume asks for history
//! `after` what arrived, without `tail`, the least far identifiers first), so
//! the shell only sends what it is given. Reports about a connection that is
//! not the current one (a late chunk from an aborted stream) change nothing:
//! the session's [`ConnId`] makes them harmless by construction.

use std::time::Duration;

use super::failure::{explain, for_shared_key, Failure, Reached};
use super::{Model, SkippedFrame, Source};
use crate::form::{ApiKey, ValidForm};
use crate::share::ViewState;
use crate::stream::session::{Accept, Action, ConnId, EndCause, Session, State};
use crate::stream::{Decoder, Frame};
use crate::tts::{ApiError, Timestamp};

/// What the shell must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum Todo {
    /// Nothing new: keep reading the open stream, or keep waiting (polling
    /// the clock and the browser's online state now and then).
    Continue,
    /// Abort any running stream and open this one.
    Open(Open),
    /// Nothing to do before this time; call [`Model::tick`] then.
    WaitUntil(Timestamp),
    /// Make sure no stream runs; nothing more to do.
    Stop,
}

impl Default for Todo {
    /// What to do when there is no model to ask (it was dropped): nothing.
    fn default() -> Self {
        Todo::Stop
    }
}

/// One stream request to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Open {
    /// Report its fate with this connection's ID.
    pub conn: ConnId,
    /// `POST` here.
    pub url: String,
    /// As `Authorization: Bearer …`, to this URL only.
    pub key: ApiKey,
    /// The JSON body.
    pub body: String,
}

/// A live source: the user's request, its session, the current stream.
#[derive(Debug)]
pub(super) struct Live {
    pub(super) form: ValidForm,
    pub(super) session: Session,
    /// The open stream's connection and decoder.
    stream: Option<(ConnId, Decoder)>,
    /// The latest failed attempt, explained (kept until a stream opens).
    pub(super) failure: Option<Failure>,
}

impl Live {
    fn url(&self) -> String {
        self.form.cluster.events_url()
    }

    /// The request for a connection the session asked for.
    fn open(&self, conn: ConnId, after: Option<Timestamp>) -> Open {
        let mut request = self.form.request.clone();
        if let Some(after) = after {
            request.after = Some(after);
            request.tail = 0;
            let ordered: Vec<_> = self
                .session
                .resume_order()
                .iter()
                .filter_map(|&i| self.form.request.identifiers.get(i).cloned())
                .collect();
            if ordered.len() == request.identifiers.len() {
                request.identifiers = ordered;
            }
        }
        Open {
            conn,
            url: self.url(),
            key: self.form.api_key.clone(),
            body: request.to_json(),
        }
    }

    fn todo(&self, action: Action) -> Todo {
        match action {
            Action::Connect { conn, after } => Todo::Open(self.open(conn, after)),
            Action::WaitUntil(t) => Todo::WaitUntil(t),
            Action::Stop(_) => Todo::Stop,
            Action::Idle => Todo::Continue,
        }
    }

    fn is_streaming(&self, conn: ConnId) -> bool {
        self.stream.as_ref().is_some_and(|(c, _)| *c == conn)
    }
}

impl Model {
    fn live(&mut self) -> Option<&mut Live> {
        match &mut self.source {
            Source::Live(live) => Some(live),
            _ => None,
        }
    }

    /// The live session, if any (its reconnects and their markers).
    pub(super) fn session(&self) -> Option<&Session> {
        match &self.source {
            Source::Live(live) => Some(&live.session),
            _ => None,
        }
    }

    /// The live request, if any (for the Reconnect button and the link).
    pub fn live_request(&self) -> Option<&ValidForm> {
        match &self.source {
            Source::Live(live) => Some(&live.form),
            _ => None,
        }
    }

    /// How long a stream may send nothing before it is given up on.
    pub fn stall_timeout(&self) -> Option<Duration> {
        match &self.source {
            Source::Live(live) => live.session.config().stall_timeout,
            _ => self.policy.stall_timeout,
        }
    }

    /// Connect pressed with a valid form (`view`: the request part of the link).
    /// The same request as the current session's resumes it (nothing shown
    /// twice, a "Stopped: Disconnected." marker); another request starts a new
    /// session on an empty timeline. `seed` seeds the backoff's jitter.
    pub fn connect(&mut self, form: ValidForm, view: ViewState, now: Timestamp, seed: u64) -> Todo {
        self.shared = ViewState {
            capture: None,
            snapshot: None,
            ..view
        };
        self.refused_capture = None;
        self.ask_follow();
        self.touch();
        let same = self.live_request().is_some_and(|current| {
            current.cluster == form.cluster && current.request == form.request
        });
        if same {
            if let Some(live) = self.live() {
                live.form = form; // the key may be another one
            }
            return self.user_reconnect(now);
        }
        self.reset_for_new_source();
        let session = Session::new(self.policy.clone(), seed).for_request(&form.request);
        let mut live = Live {
            form,
            session,
            stream: None,
            failure: None,
        };
        let action = live.session.tick(now);
        let todo = live.todo(action);
        self.source = Source::Live(Box::new(live));
        todo
    }

    /// A timer the model asked for is due (or a poll): what now.
    pub fn tick(&mut self, now: Timestamp) -> Todo {
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        let before = live.session.state().clone();
        let action = live.session.tick(now);
        let todo = live.todo(action);
        let changed = live.session.state() != &before;
        if changed || matches!(todo, Todo::Open(_)) {
            self.touch();
        }
        todo
    }

    /// The stream `conn` is open: its `Content-Type` and `X-Warning`.
    pub fn opened(
        &mut self,
        conn: ConnId,
        now: Timestamp,
        content_type: Option<&str>,
        warning: Option<String>,
    ) -> Todo {
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        let has_store = warning.is_none();
        let action = live.session.connected(now, conn, has_store);
        if matches!(live.session.state(), State::Streaming { .. }) && live.stream.is_none() {
            live.stream = Some((conn, Decoder::new(content_type)));
            live.failure = None;
        }
        let todo = live.todo(action);
        if self.live().is_some_and(|l| l.is_streaming(conn)) {
            self.stats.warning = warning;
        }
        self.touch();
        todo
    }

    /// Body bytes of stream `conn`, at `now`. [`Todo::Continue`] while it
    /// goes on; anything else when the server ended it with an error message
    /// (the shell drops the stream and does that instead).
    pub fn bytes(&mut self, conn: ConnId, now: Timestamp, chunk: &[u8]) -> Todo {
        let frames = match self.live() {
            Some(live) if live.is_streaming(conn) => match live.stream.as_mut() {
                Some((_, decoder)) => decoder.feed(chunk),
                None => return Todo::Continue,
            },
            _ => return Todo::Continue, // a late chunk of an older stream
        };
        match self.frames(frames) {
            None => Todo::Continue,
            Some(error) => self.ended(conn, now, EndCause::StreamError(error)),
        }
    }

    /// Decoded frames: accepted events are queued, bad frames counted; the
    /// server's error message, if one came, is returned (it ends the stream).
    fn frames(&mut self, frames: Vec<Frame>) -> Option<ApiError> {
        let mut events = Vec::new();
        let mut skipped = Vec::new();
        let mut failed = None;
        let live = self.live()?;
        for frame in frames {
            match frame {
                Frame::Event(e) => {
                    if live.session.event(&e) == Accept::New {
                        events.push(*e);
                    }
                }
                Frame::Malformed { reason, excerpt } => {
                    skipped.push(SkippedFrame { reason, excerpt });
                }
                Frame::ApiError(error) => failed = Some(error),
            }
        }
        if !skipped.is_empty() {
            self.stats.skip(skipped);
            self.touch();
        }
        self.queue(events);
        failed
    }

    /// The stream (or the attempt to open it) `conn` ended with `cause`. A
    /// clean end decodes what the server sent last; a broken connection drops
    /// a partial frame (the resume fetches that event again whole).
    pub fn ended(&mut self, conn: ConnId, now: Timestamp, cause: EndCause) -> Todo {
        let page = self.page.clone();
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        let current = live.session.is_current_conn(conn);
        let opened = live.is_streaming(conn);
        let last = match live.stream.take() {
            Some((c, mut decoder)) if c == conn => {
                let frames = decoder.finish();
                if cause == EndCause::Eof {
                    frames
                } else {
                    Vec::new()
                }
            }
            other => {
                live.stream = other;
                Vec::new()
            }
        };
        let cause = match self.frames(last) {
            Some(error) => EndCause::StreamError(error),
            None => cause,
        };
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        if current {
            let reached = if opened {
                Reached::ThisStream
            } else if live.session.ever_connected() {
                Reached::EarlierStream
            } else {
                Reached::Nothing
            };
            let failure = explain(&cause, &live.url(), reached, &page);
            live.failure = match live.form.shared_until {
                Some(until) => failure.map(|f| for_shared_key(f, &cause, until)),
                None => failure,
            };
        }
        let action = live.session.ended(now, conn, cause);
        let todo = live.todo(action);
        self.touch();
        todo
    }

    /// The user pressed Disconnect.
    pub fn user_disconnect(&mut self, now: Timestamp) -> Todo {
        if let Some(live) = self.live() {
            live.stream = None;
            live.session.user_disconnect(now);
        }
        self.touch();
        Todo::Stop
    }

    /// The user pressed Reconnect: the same session resumes at once.
    pub fn user_reconnect(&mut self, now: Timestamp) -> Todo {
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        live.stream = None;
        let action = live.session.user_reconnect(now);
        let todo = live.todo(action);
        self.ask_follow();
        self.touch();
        todo
    }

    /// The user pressed "Retry now" while a retry was scheduled.
    pub fn retry_now(&mut self, now: Timestamp) -> Todo {
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        let action = live.session.retry_now(now);
        let todo = live.todo(action);
        self.touch();
        todo
    }

    /// The browser went offline (a running stream is left alone).
    pub fn offline(&mut self, now: Timestamp) -> Todo {
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        let action = live.session.offline(now);
        let todo = live.todo(action);
        self.touch();
        todo
    }

    /// The browser is back online (a paused retry happens at once).
    pub fn online(&mut self, now: Timestamp) -> Todo {
        let Some(live) = self.live() else {
            return Todo::Stop;
        };
        let action = live.session.online(now);
        let todo = live.todo(action);
        self.touch();
        todo
    }
}
