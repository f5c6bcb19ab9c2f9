//! What a viewer meets when it is pointed at the wrong server, for end-to-end tests of how it
//! explains that: a reverse proxy's own HTML error page in front of TTS (the `status` fault with
//! `body=html`, `--fault-status N --fault-body-html`), and a plain web server that is not a TTS
//! cluster at all (`--plain-web-server`: Go's `404 page not found` under `/api/`, with permissive
//! CORS so the browser lets the page read it).
//!
//! Exists so these foreign answers live in one place, away from the faithful TTS code. Its
//! answers must never look like TTS (no `google.rpc.Status` JSON, no TTS headers of its own),
//! and `--plain-web-server` must never touch anything outside `/api/` (the static viewer and
//! `/sim/*` keep working).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Go's `http.NotFound` body (`http.Error` appends the newline).
pub const NOT_FOUND_BODY: &str = "404 page not found\n";

/// nginx's error page for `status` (`ngx_http_special_response.c`), as `text/html`.
pub fn proxy_page(status: StatusCode) -> Response {
    let title = match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    };
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n\
         <center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("text/html"));
    headers.insert("server", HeaderValue::from_static("nginx"));
    (status, headers, page).into_response()
}

fn under_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Middleware for `--plain-web-server`: every request under `/api/` gets Go's plain 404 (a
/// preflight gets a permissive CORS answer first); anything else goes on to the simulator.
pub async fn plain_web_server(req: Request, next: Next) -> Response {
    if !under_api(req.uri().path()) {
        return next.run(req).await;
    }
    let h = req.headers();
    let preflight = req.method() == Method::OPTIONS
        && h.contains_key("origin")
        && h.contains_key("access-control-request-method");
    if preflight {
        return permissive_preflight(h);
    }
    let mut resp = (StatusCode::NOT_FOUND, NOT_FOUND_BODY).into_response();
    let out = resp.headers_mut();
    out.insert("content-type", HeaderValue::from_static("text/plain"));
    out.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    out.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    resp
}

/// A preflight answer allowing any origin, `GET`/`POST`, and the requested headers (by default
/// `Authorization` and `Content-Type`), as a permissive CORS middleware gives.
fn permissive_preflight(request: &HeaderMap) -> Response {
    let allow_headers = request
        .get("access-control-request-headers")
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("Authorization, Content-Type"));
    let mut resp = (StatusCode::NO_CONTENT, Body::empty()).into_response();
    let out = resp.headers_mut();
    out.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    out.insert(
        "access-control-allow-methods",
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    out.insert("access-control-allow-headers", allow_headers);
    out.insert("access-control-max-age", HeaderValue::from_static("600"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_api_paths_are_taken_over() {
        assert!(under_api("/api/v3/events"));
        assert!(under_api("/api"));
        assert!(!under_api("/apiary"));
        assert!(!under_api("/sim/faults"));
    }
}
