//! Giving up: refusals and disconnects stop until the user reconnects, stale
//! reports are ignored, and random input sequences never break those rules.

use super::super::backoff::splitmix64;
use super::*;
/// Every input except `user_reconnect`, none of which may answer `Connect`.
fn poke_everything(s: &mut Session, conn: ConnId, from_ms: i64) {
    let later = [from_ms, from_ms + 1_000, from_ms + 3_600_000];
    for ms in later {
        for action in [
            s.tick(at(ms)),
            s.offline(at(ms)),
            s.online(at(ms)),
            s.connected(at(ms), conn, true),
            s.ended(at(ms), conn, EndCause::Network("x".into())),
            s.ended(at(ms), conn, EndCause::Eof),
        ] {
            assert!(
                matches!(action, Action::Stop(_)),
                "stopped, yet answered {action:?}"
            );
        }
        assert!(matches!(s.state(), State::Stopped { .. }));
    }
}

#[test]
fn refusals_stop_and_stay_stopped_until_the_user_reconnects() {
    for status in [400, 401, 403, 404] {
        let mut s = Session::new(SessionConfig::default(), 3);
        let (conn, _) = connect(s.tick(at(0)));
        let action = s.ended(at(0), conn, rejected(status, None));
        assert!(
            matches!(&action, Action::Stop(StopReason::Refused(e)) if e.status() == status),
            "{status}: {action:?}"
        );
        poke_everything(&mut s, conn, 0);
        let (_, after) = connect(s.user_reconnect(at(5_000)));
        assert_eq!(after, None, "never connected: the user's own request again");
    }
}

#[test]
fn revoked_rights_mid_stream_stop_but_a_busy_server_is_retried() {
    let (mut s, conn) = streaming(0);
    s.event(&up("a", 1_500));
    let revoked = EndCause::StreamError(api_error(7, "no_application_rights"));
    assert!(matches!(s.ended(at(2_000), conn, revoked), Action::Stop(_)));
    poke_everything(&mut s, conn, 2_000);
    // Reconnect resumes after the last event, and the marker says why.
    let (conn, after) = connect(s.user_reconnect(at(9_000)));
    assert_eq!(after, Some(at(500)));
    assert!(s
        .markers()
        .any(|m| m.cause.starts_with("Stopped: ") && m.at == at(2_000)));

    s.connected(at(9_000), conn, true);
    let busy = EndCause::StreamError(api_error(14, "unavailable"));
    assert!(matches!(
        s.ended(at(10_000), conn, busy),
        Action::WaitUntil(_)
    ));
    let expired = EndCause::StreamError(api_error(16, "api_key_expired"));
    let (conn, _) = connect(s.tick(at(12_000)));
    assert!(matches!(
        s.ended(at(12_000), conn, expired),
        Action::Stop(_)
    ));
}

#[test]
fn disconnect_stops_until_the_user_reconnects() {
    let (mut s, conn) = streaming(0);
    assert_eq!(
        s.user_disconnect(at(1_000)),
        Action::Stop(StopReason::Disconnected)
    );
    poke_everything(&mut s, conn, 1_000);
    connect(s.user_reconnect(at(2_000)));
}

/// Disconnect, then Connect with a key the server refuses: the outage's line
/// says retrying stopped and why (not "Reconnecting" while nothing retries);
/// Reconnect with a good key continues the same outage, which then ends.
#[test]
fn a_refused_reconnect_says_so_on_its_marker() {
    let (mut s, _) = streaming(0);
    s.user_disconnect(at(1_000));
    let (conn, _) = connect(s.user_reconnect(at(2_000)));
    assert!(matches!(
        s.ended(at(2_100), conn, rejected(401, None)),
        Action::Stop(_)
    ));
    let line = |s: &Session| {
        s.markers()
            .last()
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let refused = line(&s);
    assert!(
        refused.starts_with("Stopped: Disconnected. Not reconnected: "),
        "{refused}"
    );
    assert!(!refused.contains("Reconnecting"), "{refused}");

    let (conn, _) = connect(s.user_reconnect(at(3_000)));
    assert_eq!(s.markers().count(), 1, "the same outage");
    assert!(
        matches!(s.state(), State::Connecting { attempt: 2 }),
        "the status bar counts as the marker does: {:?}",
        s.state()
    );
    assert!(
        line(&s).contains("Reconnecting (2 attempts so far)."),
        "{}",
        line(&s)
    );
    s.connected(at(3_100), conn, true);
    assert!(
        line(&s).contains("Reconnected; 0 events back-filled."),
        "{}",
        line(&s)
    );
}

#[test]
fn reports_about_an_old_stream_are_ignored() {
    let (mut s, old) = streaming(0);
    let (new, _) = connect(s.user_reconnect(at(1_000)));
    assert_ne!(old, new);
    assert_eq!(s.ended(at(1_001), old, EndCause::Aborted), Action::Idle);
    assert_eq!(s.state(), &State::Connecting { attempt: 1 });
    assert_eq!(s.connected(at(1_002), new, true), Action::Idle);
    assert_eq!(s.state(), &State::Streaming { since: at(1_002) });
}

#[test]
fn random_inputs_never_panic_and_never_connect_while_stopped() {
    let (mut connects, mut stops) = (0, 0);
    for seed in 0..200u64 {
        let mut rng = seed;
        let config = SessionConfig {
            seen_capacity: 16,
            marker_capacity: 4,
            ..SessionConfig::default()
        };
        let mut s = Session::new(config, seed);
        let mut now = 0i64;
        let mut conns: Vec<ConnId> = Vec::new();
        let mut outstanding = false;
        for _ in 0..300 {
            now += (splitmix64(&mut rng) % 40_000) as i64;
            let r = splitmix64(&mut rng);
            let conn = conns
                .get((r >> 8) as usize % conns.len().max(1))
                .copied()
                .unwrap_or(ConnId(0));
            let latest = conns.last().copied();
            let stopped = matches!(s.state(), State::Stopped { .. });
            let is_reconnect = r % 12 == 8;
            let action = match r % 12 {
                0 | 1 => s.tick(at(now)),
                2 => s.connected(at(now), conn, !r.is_multiple_of(3)),
                3 => {
                    let id = format!("id{}", r % 50);
                    s.event(&up(&id, now - (r % 5_000) as i64));
                    s.tick(at(now))
                }
                4 => {
                    s.event(&ev(STREAM_START, "", now));
                    s.tick(at(now))
                }
                5 => s.offline(at(now)),
                6 => s.online(at(now)),
                7 => s.user_disconnect(at(now)),
                8 => s.user_reconnect(at(now)),
                _ => {
                    let cause = match (r >> 4) % 7 {
                        0 => EndCause::Eof,
                        1 => EndCause::Network("x".into()),
                        2 => EndCause::Aborted,
                        3 => EndCause::StreamError(api_error(14, "unavailable")),
                        4 => EndCause::StreamError(api_error(7, "no_rights")),
                        5 => rejected(429, Some((r >> 16) % 100)),
                        _ => rejected([400, 401, 403, 404, 500, 503][(r >> 20) as usize % 6], None),
                    };
                    if Some(conn) == latest {
                        outstanding = false;
                    }
                    s.ended(at(now), conn, cause)
                }
            };
            if is_reconnect {
                outstanding = false;
            }
            if let Action::Connect { conn, .. } = action {
                assert!(
                    !stopped || is_reconnect,
                    "seed {seed}: Connect while stopped"
                );
                assert!(
                    !outstanding,
                    "seed {seed}: a second Connect with one in flight"
                );
                outstanding = true;
                conns.push(conn);
                connects += 1;
            }
            if matches!(s.state(), State::Stopped { .. }) {
                stops += 1;
                assert!(matches!(s.tick(at(now + 86_400_000)), Action::Stop(_)));
            }
            assert!(s.seen().len() <= 16);
            assert!(s.markers().count() <= 4);
        }
    }
    assert!(
        connects > 1_000 && stops > 1_000,
        "{connects} connects, {stops} stopped steps"
    );
}

#[test]
fn a_stop_after_a_drop_counts_from_the_drop() {
    let (mut s, conn) = streaming(0);
    assert_eq!(s.stopped_since(), None, "streaming");
    s.ended(at(2_000), conn, EndCause::Network("reset".into()));
    assert_eq!(s.stopped_since(), None, "retrying");
    s.user_disconnect(at(30_000));
    assert_eq!(
        s.stopped_since(),
        Some(at(2_000)),
        "nothing arrived since the drop"
    );
    let (mut s, _) = streaming(0);
    s.user_disconnect(at(5_000));
    assert_eq!(s.stopped_since(), Some(at(5_000)));
}
