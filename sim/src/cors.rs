//! CORS exactly like TTS's API router (API.md §6): gorilla/handlers v1.5.2 `CORS` with
//! `AllowedOrigins: *`, methods GET/POST/PUT/PATCH/DELETE, headers Authorization/Content-Type/
//! X-CSRF-Token (+ gorilla's defaults), the exposed-headers list and `MaxAge: 600`.
//!
//! Written by hand because tower-http's `CorsLayer` does not reproduce gorilla's bare 403 for an
//! unknown requested header, its 400 without `Access-Control-Request-Method`, or its echo of the
//! requested headers. It must never add `Access-Control-Allow-Credentials`.
//!
//! [`deny`] (`--no-cors`) stands for a server that does not allow the page's origin (gorilla's
//! answer to an origin not in `AllowedOrigins`): no CORS header at all, preflights answered 200
//! without `Access-Control-Allow-*`, so a browser on another origin gets a network error.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const ALLOWED_METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const SIMPLE_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];
const ALLOWED_HEADERS: [&str; 3] = ["Authorization", "Content-Type", "X-Csrf-Token"];
const DEFAULT_HEADERS: [&str; 4] = ["Accept", "Accept-Language", "Content-Language", "Origin"];
/// `Access-Control-Expose-Headers` on non-preflight responses.
pub const EXPOSED: &str = "Date,Content-Length,X-Rate-Limit-Limit,X-Rate-Limit-Available,X-Rate-Limit-Reset,X-Rate-Limit-Retry,X-Request-Id,X-Total-Count,X-Warning";

/// Go's `http.CanonicalHeaderKey`: `x-requested-with` → `X-Requested-With`; keys with invalid
/// characters are returned unchanged.
pub fn canonical_header_key(s: &str) -> String {
    let valid = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid {
        return s.to_string();
    }
    let mut upper = true;
    s.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

fn status(code: StatusCode) -> Response {
    (code, Body::empty()).into_response()
}

/// The middleware.
pub async fn cors(req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get("origin")
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let is_options = req.method() == Method::OPTIONS;
    if origin.is_empty() {
        return if is_options {
            status(StatusCode::OK)
        } else {
            next.run(req).await
        };
    }
    if is_options {
        let Some(method) = req.headers().get("access-control-request-method") else {
            return status(StatusCode::BAD_REQUEST);
        };
        let method = String::from_utf8_lossy(method.as_bytes()).to_string();
        if !ALLOWED_METHODS.contains(&method.as_str()) {
            return status(StatusCode::METHOD_NOT_ALLOWED);
        }
        let requested = req
            .headers()
            .get("access-control-request-headers")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).to_string())
            .unwrap_or_default();
        let mut allowed = Vec::new();
        for h in requested.split(',') {
            let c = canonical_header_key(h.trim());
            if c.is_empty() || DEFAULT_HEADERS.contains(&c.as_str()) {
                continue;
            }
            if !ALLOWED_HEADERS.contains(&c.as_str()) {
                return status(StatusCode::FORBIDDEN);
            }
            allowed.push(c);
        }
        let mut resp = status(StatusCode::OK);
        let h = resp.headers_mut();
        if !allowed.is_empty() {
            if let Ok(v) = HeaderValue::from_str(&allowed.join(",")) {
                h.insert("access-control-allow-headers", v);
            }
        }
        h.insert("access-control-max-age", HeaderValue::from_static("600"));
        if !SIMPLE_METHODS.contains(&method.as_str()) {
            if let Ok(v) = HeaderValue::from_str(&method) {
                h.insert("access-control-allow-methods", v);
            }
        }
        h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        return resp;
    }
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "access-control-expose-headers",
        HeaderValue::from_static(EXPOSED),
    );
    h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    resp
}

/// The middleware for `--no-cors`: preflights get a bare 200, other requests pass unchanged.
pub async fn deny(req: Request, next: Next) -> Response {
    if req.method() == Method::OPTIONS {
        status(StatusCode::OK)
    } else {
        next.run(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_keys() {
        assert_eq!(canonical_header_key("authorization"), "Authorization");
        assert_eq!(canonical_header_key("x-csrf-token"), "X-Csrf-Token");
        assert_eq!(canonical_header_key("CONTENT-TYPE"), "Content-Type");
    }
}
