//! Which capture a `#capture=…` link may make the app fetch: a path relative
//! to the app, on its own origin — never another server.
//!
//! Why: the timeline of the trusted app must not be filled with someone
//! else's fabricated events by a link. A path below the app cannot leave it;
//! anything that could (a scheme, `//host`, a backslash that browsers read as
//! `/`, an absolute path or `..` that climbs to another app on the host) is
//! refused with a sentence. The shell checks the resolved origin once more
//! and refuses redirects.

/// The capture path a link names, if it is one the app may fetch.
///
/// # Errors
/// A sentence saying why the address is refused.
pub fn capture_path(raw: &str) -> Result<String, String> {
    let path = raw.trim();
    let refuse = |why: &str| {
        Err(format!(
            "the link names {path:?}, {why}; a capture link can only name a file hosted next to \
             Eventline, by a relative path such as captures/incident.ndjson"
        ))
    };
    if path.is_empty() {
        return refuse("which is empty");
    }
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return refuse("which holds characters a path cannot");
    }
    if path.starts_with('/') {
        return refuse("which is not relative to the app");
    }
    if path.split('/').any(|segment| segment == "..") {
        return refuse("which climbs out of the app's folder");
    }
    // A scheme (`http:`, `data:`, `javascript:`): letters, then ':' before any '/'.
    if let Some(colon) = path.find(':') {
        if !path[..colon].contains('/') {
            return refuse("which is on another server or not a file");
        }
    }
    Ok(path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_next_to_the_app_are_allowed() {
        for ok in [
            "captures/incident.ndjson",
            "incident.json",
            "./captures/2024-10-28 join storm.ndjson",
            "captures/a:b.ndjson",
            "captures/..x.ndjson",
        ] {
            assert_eq!(capture_path(ok).as_deref(), Ok(ok), "{ok}");
        }
    }

    #[test]
    fn anything_that_could_reach_another_origin_is_refused() {
        for bad in [
            "http://other.example/x.ndjson",
            "HTTPS://other.example/x",
            "//other.example/x",
            "/\\other.example/x",
            "\\\\other.example\\x",
            "/x.ndjson",
            "../shared/x.ndjson",
            "captures/../../sim/requests",
            "javascript:alert(1)",
            "data:application/json,[]",
            "blob:http://x/y",
            "",
            "  ",
            "captures/x\n.ndjson",
        ] {
            let why = capture_path(bad).expect_err(bad);
            assert!(why.contains("relative path"), "{why}");
        }
    }
}
