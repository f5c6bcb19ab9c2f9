//! Native tests of the model: every transition a user can cause, and the
//! races the browser can produce (a late chunk of an aborted stream, a
//! disconnect during backoff, an import while streaming). Shared helpers
//! here; written without `unwrap` so the tidy check reads every file whole.

mod connection;
mod failures;
mod health;
mod journey;
mod snapshot;
mod viewing;

use super::*;
use crate::form::{FormInput, ValidForm};
use crate::stream::session::{ConnId, EndCause};
use crate::tts::{ApiError, Timestamp};

pub(super) const BASE_MS: i64 = 1_730_000_000_000;

pub(super) fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(BASE_MS + ms)
}

pub(super) fn form(entities: &str) -> ValidForm {
    let input = FormInput {
        cluster_url: "http://127.0.0.1:1885".into(),
        api_key: "NNSXS.ABC.DEF".into(),
        entities: entities.into(),
        ..FormInput::default()
    };
    match input.validate() {
        Ok(v) => v,
        Err(e) => panic!("test form: {e:?}"),
    }
}

pub(super) fn view(entities: &str) -> ViewState {
    ViewState::of_form(&FormInput {
        cluster_url: "http://127.0.0.1:1885".into(),
        entities: entities.into(),
        ..FormInput::default()
    })
}

/// One `{"result":…}` frame of an uplink event, as TTS sends it.
pub(super) fn frame(id: &str, ms: i64) -> String {
    format!(
        "{{\"result\":{{\"name\":\"as.up.data.forward\",\"time\":\"{}\",\"identifiers\":[{{\"device_ids\":{{\"device_id\":\"dev-1\",\"application_ids\":{{\"application_id\":\"app-1\"}}}}}}],\"unique_id\":\"{id}\"}}}}\n\n",
        at(ms).to_rfc3339()
    )
}

pub(super) fn start_frame(ms: i64) -> String {
    format!(
        "{{\"result\":{{\"name\":\"events.stream.start\",\"time\":\"{}\",\"identifiers\":[{{\"application_ids\":{{\"application_id\":\"app-1\"}}}}],\"unique_id\":\"start-{ms}\"}}}}\n\n",
        at(ms).to_rfc3339()
    )
}

pub(super) fn open_of(todo: Todo) -> Open {
    match todo {
        Todo::Open(open) => open,
        other => panic!("expected Open, got {other:?}"),
    }
}

pub(super) fn wait_of(todo: Todo) -> Timestamp {
    match todo {
        Todo::WaitUntil(t) => t,
        other => panic!("expected WaitUntil, got {other:?}"),
    }
}

/// A model streaming `app-1` since `ms`, with its connection.
pub(super) fn streaming(ms: i64) -> (Model, ConnId) {
    let mut m = Model::new();
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(ms), 7));
    assert_eq!(
        m.opened(open.conn, at(ms), Some("text/event-stream"), None),
        Todo::Continue
    );
    (m, open.conn)
}

pub(super) fn rejected(status: u16, content_type: &str, body: &[u8]) -> EndCause {
    EndCause::Rejected {
        status,
        retry_after_secs: None,
        error: ApiError::from_response(status, Some(content_type), body),
    }
}

/// (received, shown) as the status bar reads them.
pub(super) fn numbers(m: &Model) -> (u64, usize) {
    (m.stats().received, m.store().shown())
}
