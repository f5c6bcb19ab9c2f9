//! What reached this simulator: every request's method, path and whether it
//! carried an API key (with the key's public ID, never its secret), kept in
//! memory and shown by `GET /sim/requests` (`web.rs`).
//!
//! Why: end-to-end tests start a second simulator standing for another
//! cluster or origin — an attacker's — and ask it afterwards what arrived:
//! no key, no capture fetch. Bounded (the newest [`KEPT`]); it must never
//! keep or print a key's secret part.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

/// Requests remembered (the oldest are forgotten first).
pub const KEPT: usize = 2_000;

/// One request, as `GET /sim/requests` lists it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SeenRequest {
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// An `Authorization` header was sent.
    pub authorization: bool,
    /// The ID part of a `Bearer NNSXS.<ID>.<secret>` key, if it had that shape.
    pub key_id: Option<String>,
}

/// The log of requests seen.
#[derive(Debug, Default)]
pub struct SeenRequests(Mutex<VecDeque<SeenRequest>>);

impl SeenRequests {
    fn push(&self, seen: SeenRequest) {
        if let Ok(mut log) = self.0.lock() {
            while log.len() >= KEPT {
                log.pop_front();
            }
            log.push_back(seen);
        }
    }

    /// Everything remembered, oldest first.
    pub fn all(&self) -> Vec<SeenRequest> {
        self.0
            .lock()
            .map(|log| log.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// The key's public ID, from `Bearer NNSXS.<ID>.<secret>`.
fn key_id(header: &str) -> Option<String> {
    let key = header.strip_prefix("Bearer ")?.trim();
    let mut parts = key.split('.');
    let (_, id, _) = (parts.next()?, parts.next()?, parts.next()?);
    Some(id.to_owned())
}

/// Middleware: records the request, then serves it.
pub async fn record(State(seen): State<Arc<SeenRequests>>, req: Request, next: Next) -> Response {
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    seen.push(SeenRequest {
        method: req.method().to_string(),
        path: req.uri().path().to_owned(),
        authorization: auth.is_some(),
        key_id: auth.and_then(key_id),
    });
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_public_id_of_a_key_is_kept() {
        assert_eq!(key_id("Bearer NNSXS.ABC.SECRET").as_deref(), Some("ABC"));
        assert_eq!(key_id("Bearer opaque"), None);
        assert_eq!(key_id("Basic abc"), None);
    }

    #[test]
    fn the_log_is_bounded() {
        let log = SeenRequests::default();
        for i in 0..KEPT + 5 {
            log.push(SeenRequest {
                method: "GET".into(),
                path: format!("/{i}"),
                authorization: false,
                key_id: None,
            });
        }
        let all = log.all();
        assert_eq!(all.len(), KEPT);
        assert_eq!(all[0].path, "/5");
    }
}
