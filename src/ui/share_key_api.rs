//! The share-key calls, the browser side: `POST …/api-keys` to create one and
//! `DELETE …/api-keys/{id}` to revoke one (API.md §11), each with the user's
//! own key, to the connected cluster only (the caller passes the live
//! request's cluster and key). Sends exactly `Authorization`, `Accept` and
//! (create) `Content-Type`, no cookies, follows no redirect. Never logs the key.

use gloo_net::http::{Request, RequestBuilder};
use web_sys::{RequestCredentials, RequestRedirect};

use crate::form::ApiKey;
use crate::tts::ApiError;

/// How a call ended.
pub enum Answer {
    /// 2xx: the body.
    Ok(Vec<u8>),
    /// The cluster refused: its error.
    Refused(ApiError),
    /// No answer at all: a sentence.
    Unreachable(String),
}

fn with_key(builder: RequestBuilder, key: &ApiKey) -> RequestBuilder {
    builder
        .header("Authorization", &format!("Bearer {}", key.expose()))
        .header("Accept", "application/json")
        .credentials(RequestCredentials::Omit)
        .redirect(RequestRedirect::Error)
}

async fn send(request: Result<Request, gloo_net::Error>) -> Answer {
    let unreachable = || {
        Answer::Unreachable(
            "The cluster could not be reached (the network, or it does not allow this page's \
             origin)."
                .into(),
        )
    };
    let Ok(request) = request else {
        return unreachable();
    };
    let Ok(response) = request.send().await else {
        return unreachable();
    };
    let body = response.binary().await.unwrap_or_default();
    if response.ok() {
        Answer::Ok(body)
    } else {
        let content_type = response.headers().get("content-type");
        Answer::Refused(ApiError::from_response(
            response.status(),
            content_type.as_deref(),
            &body,
        ))
    }
}

/// `POST url` with `body` (JSON).
pub async fn create(url: &str, key: &ApiKey, body: String) -> Answer {
    let builder = with_key(Request::post(url), key).header("Content-Type", "application/json");
    send(builder.body(body)).await
}

/// `DELETE url`.
pub async fn delete(url: &str, key: &ApiKey) -> Answer {
    send(with_key(Request::delete(url), key).build()).await
}
