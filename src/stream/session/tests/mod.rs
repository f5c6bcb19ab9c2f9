//! Tests of the session state machine: what a user would notice about
//! reconnects (when, from where, which events show once, when it gives up).
//! Shared helpers here; written without `unwrap`/`expect` so the tidy check
//! can read every file whole.

mod cuts;
mod recovery;
mod stopping;

use super::*;
use crate::tts::ApiError;

pub(super) const BASE_MS: i64 = 1_730_000_000_000;

pub(super) fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(BASE_MS + ms)
}

pub(super) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

pub(super) fn ev(name: &str, id: &str, ms: i64) -> Event {
    let json = format!(
        r#"{{"name":"{name}","time":"{}","unique_id":"{id}"}}"#,
        at(ms).to_rfc3339()
    );
    match Event::from_json(json.as_bytes()) {
        Ok(e) => e,
        Err(e) => panic!("test event: {e}"),
    }
}

pub(super) fn up(id: &str, ms: i64) -> Event {
    ev("as.up.data.forward", id, ms)
}

pub(super) fn connect(action: Action) -> (ConnId, Option<Timestamp>) {
    match action {
        Action::Connect { conn, after } => (conn, after),
        other => panic!("expected Connect, got {other:?}"),
    }
}

pub(super) fn wait(action: Action) -> Timestamp {
    match action {
        Action::WaitUntil(t) => t,
        other => panic!("expected WaitUntil, got {other:?}"),
    }
}

pub(super) fn api_error(code: u32, name: &str) -> ApiError {
    let json = format!(
        r#"{{"code":{code},"message":"error:pkg/x:{name} ({name})","details":[{{"namespace":"pkg/x","name":"{name}","code":{code}}}]}}"#
    );
    match ApiError::from_status_json(json.as_bytes(), None) {
        Ok(e) => e,
        Err(e) => panic!("test error: {e}"),
    }
}

pub(super) fn rejected(status: u16, retry_after_secs: Option<u64>) -> EndCause {
    let code = match status {
        400 => 3,
        401 => 16,
        403 => 7,
        404 => 5,
        429 => 8,
        _ => 14,
    };
    EndCause::Rejected {
        status,
        retry_after_secs,
        error: api_error(code, "refused"),
    }
}

/// A session that is streaming since `ms`, with the id of its connection.
pub(super) fn streaming(ms: i64) -> (Session, ConnId) {
    let mut s = Session::new(SessionConfig::default(), 7);
    let (conn, after) = connect(s.tick(at(ms)));
    assert_eq!(
        after, None,
        "the first connection is the user's own request"
    );
    assert_eq!(s.connected(at(ms), conn, true), Action::Idle);
    (s, conn)
}

pub(super) fn delay_ms(from: Timestamp, to: Timestamp) -> i64 {
    to.unix_millis() - from.unix_millis()
}
