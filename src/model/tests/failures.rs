//! Every failed attempt is explained from the first, and a first connection
//! that never worked stops retrying after a few.

use super::*;
use crate::stream::session::StopReason;

fn failure_of(m: &Model) -> Failure {
    match m.status() {
        Status::Retrying {
            failure: Some(f), ..
        }
        | Status::Connecting {
            failure: Some(f), ..
        }
        | Status::Stopped {
            failure: Some(f), ..
        } => f.clone(),
        other => panic!("no failure in {other:?}"),
    }
}

#[test]
fn the_first_failed_attempt_is_explained_with_the_url_and_a_countdown() {
    let mut m = Model::new();
    m.set_page(Page {
        origin: "http://127.0.0.1:8080".into(),
    });
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    let wait = wait_of(m.ended(
        open.conn,
        at(50),
        EndCause::Network("Failed to fetch".into()),
    ));
    let Status::Retrying {
        at: due, attempt, ..
    } = m.status()
    else {
        panic!("{:?}", m.status());
    };
    assert_eq!((due, attempt), (wait, 2));
    let f = failure_of(&m);
    assert!(
        f.what.contains("http://127.0.0.1:1885/api/v3/events"),
        "{}",
        f.what
    );
    assert!(f.causes.iter().any(|c| c.contains("CORS")));
    // Retry now: at once, same outage; the explanation stays until a stream opens.
    let open = open_of(m.retry_now(at(100)));
    assert!(matches!(
        m.status(),
        Status::Connecting {
            attempt: 2,
            failure: Some(_),
            ..
        }
    ));
    m.opened(open.conn, at(150), Some("text/event-stream"), None);
    assert!(matches!(m.status(), Status::Streaming { .. }));
}

#[test]
fn a_proxy_error_page_is_named_and_retried() {
    let mut m = Model::new();
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    let html = rejected(
        502,
        "text/html",
        b"<html><body>502 Bad Gateway</body></html>",
    );
    wait_of(m.ended(open.conn, at(10), html));
    let f = failure_of(&m);
    assert!(f.what.contains("HTTP 502 with text/html"), "{}", f.what);
    assert!(
        f.what.contains("does not look like The Things Stack"),
        "{}",
        f.what
    );
}

#[test]
fn a_plain_web_server_answering_404_stops_and_says_it_is_not_tts() {
    let mut m = Model::new();
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    let todo = m.ended(
        open.conn,
        at(10),
        rejected(404, "text/html", b"<h1>Not Found</h1>"),
    );
    assert_eq!(todo, Todo::Stop);
    let f = failure_of(&m);
    assert!(f.what.contains("HTTP 404 with text/html"), "{}", f.what);
    assert!(f.causes[0].contains("not a The Things Stack cluster"));
}

#[test]
fn a_first_connection_that_never_works_gives_up_after_five_attempts() {
    let mut m = Model::new();
    let mut todo = m.connect(form("app-1"), view("app-1"), at(0), 1);
    let mut now = 0;
    let mut attempts = 0;
    while let Todo::Open(open) = todo {
        attempts += 1;
        todo = m.ended(open.conn, at(now), EndCause::Network("refused".into()));
        if let Todo::WaitUntil(t) = todo {
            now = t.unix_nanos() / 1_000_000 - BASE_MS;
            todo = m.tick(t);
        }
    }
    assert_eq!(attempts, 5);
    assert_eq!(todo, Todo::Stop);
    let Status::Stopped {
        reason: StopReason::GaveUp { attempts: 5, .. },
        failure: Some(f),
    } = m.status()
    else {
        panic!("{:?}", m.status());
    };
    assert!(f.what.contains("Could not reach"));
    assert!(m.can_reconnect());
}

#[test]
fn a_connection_that_worked_keeps_retrying_however_long_the_outage() {
    let (mut m, conn) = streaming(0);
    let mut todo = m.ended(conn, at(1_000), EndCause::Eof);
    for _ in 0..20 {
        let t = wait_of(todo);
        let open = open_of(m.tick(t));
        todo = m.ended(open.conn, t, EndCause::Network("refused".into()));
    }
    assert!(matches!(m.status(), Status::Retrying { .. }));
    // The address was right: an outage is the likely cause, not a wrong URL.
    let f = failure_of(&m);
    assert!(
        f.causes.iter().all(|c| !c.contains("address or the port")),
        "{:?}",
        f.causes
    );
    assert!(f.causes[0].contains("restarting or down"), "{:?}", f.causes);
    assert!(f.hint.is_some_and(|h| h.contains("keeps retrying")));
}

#[test]
fn a_rate_limit_waits_what_the_server_asked() {
    let mut m = Model::new();
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    let cause = EndCause::Rejected {
        status: 429,
        retry_after_secs: Some(30),
        error: ApiError::from_response(
            429,
            Some("application/json"),
            br#"{"code":8,"message":"rate"}"#,
        ),
    };
    let wait = wait_of(m.ended(open.conn, at(0), cause));
    assert_eq!(wait, at(30_000));
    assert!(failure_of(&m).what.contains("wait 30 s"));
}

#[test]
fn a_refusal_stops_with_the_servers_words() {
    let mut m = Model::new();
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    let body = br#"{"code":16,"message":"error:pkg/identityserver:api_key_not_found (API key not found)","details":[{"@type":"type.googleapis.com/ttn.lorawan.v3.ErrorDetails","namespace":"pkg/identityserver","name":"api_key_not_found","message_format":"API key not found","code":16}]}"#;
    assert_eq!(
        m.ended(open.conn, at(0), rejected(401, "application/json", body)),
        Todo::Stop
    );
    assert_eq!(m.status().word(), "error");
    let f = failure_of(&m);
    assert!(f.what.contains("API key was not found"), "{}", f.what);
    assert!(f.hint.is_some());
}

#[test]
fn a_report_about_an_older_attempt_does_not_replace_the_current_explanation() {
    let mut m = Model::new();
    let first = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    let wait = wait_of(m.ended(first.conn, at(10), EndCause::Network("refused".into())));
    let second = open_of(m.tick(wait));
    m.ended(first.conn, at(20), rejected(502, "text/html", b"old"));
    assert!(matches!(m.status(), Status::Connecting { .. }));
    assert!(failure_of(&m).what.contains("Could not reach"));
    m.opened(
        second.conn,
        at(30),
        None,
        Some("Events storage is not enabled".into()),
    );
    assert_eq!(
        m.stats().warning.as_deref(),
        Some("Events storage is not enabled")
    );
}

fn auth_error(name: &str) -> crate::tts::ApiError {
    let body = format!(
        r#"{{"code":16,"message":"m","details":[{{"namespace":"pkg/identityserver","name":"{name}","message_format":"x","code":16}}]}}"#
    );
    crate::tts::ApiError::from_response(401, Some("application/json"), body.as_bytes())
}

#[test]
fn a_shared_keys_refusal_is_said_in_words_and_ends_the_retries() {
    let until = crate::tts::Timestamp::parse("2030-01-01T10:00:00Z").unwrap_or_default();
    for (name, mid_stream, sentence) in [
        (
            "api_key_not_found",
            true,
            "The shared key was revoked or does not exist any more.".to_owned(),
        ),
        (
            "api_key_expired",
            false,
            "The shared key expired at 2030-01-01 10:00 UTC.".to_owned(),
        ),
    ] {
        let mut m = Model::new();
        let shared = ValidForm {
            shared_until: Some(until),
            ..form("app-1")
        };
        let open = open_of(m.connect(shared, view("app-1"), at(0), 1));
        let cause = if mid_stream {
            m.opened(open.conn, at(10), Some("text/event-stream"), None);
            EndCause::StreamError(auth_error(name))
        } else {
            EndCause::Rejected {
                status: 401,
                retry_after_secs: None,
                error: auth_error(name),
            }
        };
        assert_eq!(m.ended(open.conn, at(50), cause), Todo::Stop, "{name}");
        assert_eq!(failure_of(&m).what, sentence);
    }
    // The user's own key keeps today's sentence.
    let mut m = Model::new();
    let open = open_of(m.connect(form("app-1"), view("app-1"), at(0), 1));
    let cause = EndCause::Rejected {
        status: 401,
        retry_after_secs: None,
        error: auth_error("api_key_expired"),
    };
    m.ended(open.conn, at(50), cause);
    assert_eq!(failure_of(&m).what, "The API key has expired.");
}
