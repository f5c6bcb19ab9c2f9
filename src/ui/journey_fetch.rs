//! Fetching a journey's steps that are not in memory: `GET
//! /api/v3/events/related?correlation_id=…` of the connected cluster, once
//! per message ID the model asks for ([`Model::journey_fetches`]), answers
//! handed back to the model. Runs whenever a journey is open and a live
//! stream is connected.
//!
//! Sends exactly `Authorization` and `Accept` (both allowed by TTS's CORS),
//! no cookies, and follows no redirect (the key goes to the cluster only).

use gloo_net::http::Request;
use leptos::prelude::*;
use web_sys::{RequestCredentials, RequestRedirect};

use super::state::{now, Viewer};
use crate::model::{Answer, Fetch};

/// Keeps the open journey's fetches going.
pub fn install(viewer: Viewer) {
    let wanted = Memo::new(move |_| {
        viewer.with(|m| {
            (
                m.journey_is_open(),
                m.live_request().is_some(),
                m.journey_link_id(),
            )
        })
    });
    Effect::new(move |_| {
        if let (true, true, _) = wanted.get() {
            start(viewer);
        }
    });
}

fn start(viewer: Viewer) {
    for fetch in viewer.act(|m| m.journey_fetches()) {
        leptos::task::spawn_local(async move {
            let answer = get(&fetch).await;
            let more = viewer.act(|m| m.journey_answer(&fetch, answer, now()));
            if more {
                start(viewer);
            }
        });
    }
}

async fn get(fetch: &Fetch) -> Answer {
    let request = Request::get(&fetch.url)
        .header("Authorization", &format!("Bearer {}", fetch.key.expose()))
        .header("Accept", "application/json")
        .credentials(RequestCredentials::Omit)
        .redirect(RequestRedirect::Error);
    let response = match request.send().await {
        Ok(r) => r,
        Err(_) => {
            return Answer::Unreachable(
                "no answer (the network, or the server does not allow this page's origin)".into(),
            )
        }
    };
    let body = response.binary().await.unwrap_or_default();
    if response.ok() {
        Answer::Body(body)
    } else {
        Answer::Error {
            status: response.status(),
            content_type: response.headers().get("content-type"),
            body,
        }
    }
}
