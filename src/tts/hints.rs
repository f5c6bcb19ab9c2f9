//! Sentences and hints for [`ApiError`]: what went wrong, in words a person
//! understands, and what to do about it.
//!
//! Why: "error:pkg/auth/rights:no_application_rights" tells a developer
//! something; "this API key has no rights for application soil-sensors — it
//! needs RIGHT_APPLICATION_TRAFFIC_READ to see uplinks" tells everyone. This
//! module must never invent facts: it only rephrases what the server sent.

use super::error::{ApiError, ErrorDetails, ErrorSource};

/// The right a key needs to see the usual traffic of an entity kind (API.md §5).
pub fn right_to_see_traffic(kind: &str) -> &'static str {
    match kind {
        "application" | "device" => "RIGHT_APPLICATION_TRAFFIC_READ",
        "gateway" => "RIGHT_GATEWAY_TRAFFIC_READ (and RIGHT_GATEWAY_STATUS_READ for status events)",
        "organization" => "RIGHT_ORGANIZATION_INFO",
        "user" => "RIGHT_USER_INFO",
        "client" => "RIGHT_CLIENT_INFO",
        _ => "a right on that entity",
    }
}

/// `application` for `no_application_rights`.
fn rights_kind(name: &str) -> Option<&str> {
    name.strip_prefix("no_")?
        .strip_suffix("_rights")
        .filter(|k| !k.is_empty())
}

fn deepest_validation(chain: &[&ErrorDetails]) -> Option<(String, String)> {
    chain
        .iter()
        .rev()
        .find(|d| d.name == "validation" || d.attributes.contains_key("field"))
        .map(|d| {
            (
                d.attribute("field").unwrap_or_default(),
                d.attribute("reason").unwrap_or_default(),
            )
        })
}

impl ApiError {
    /// One sentence saying what went wrong.
    pub fn sentence(&self) -> String {
        let status = self.status();
        if let ErrorSource::NotStatus {
            content_type,
            excerpt,
        } = &self.source
        {
            let ct = content_type
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or("no content type");
            let mut s = format!(
                "The server answered HTTP {status} with {ct} instead of a The Things Stack error; a proxy or gateway in front of the cluster may have failed, or the URL is not a The Things Stack cluster."
            );
            if !excerpt.is_empty() {
                s.push_str(&format!(" It said: \"{excerpt}\""));
            }
            return s;
        }
        let Some(d) = &self.details else {
            return match (self.grpc_code, self.message.as_str()) {
                (1, _) => "The server ended the stream (canceled), usually because of a timeout or a restart.".into(),
                (_, "") => format!("The server answered with error code {} (HTTP {status}).", self.grpc_code),
                (_, m) => format!("The server rejected the request (HTTP {status}): {m}."),
            };
        };
        let attr = |k: &str| d.attribute(k).unwrap_or_default();
        let chain = self.chain();
        match (d.namespace.as_str(), d.name.as_str()) {
            (_, "api_key_not_found") => {
                "The API key was not found: it was deleted, or it belongs to another cluster."
                    .into()
            }
            (_, "invalid_authorization") => "The API key's secret part is wrong.".into(),
            (_, "api_key_expired") => "The API key has expired.".into(),
            (_, "token_not_found") => "The access token is not known to the server.".into(),
            (_, "token_expired") => "The access token has expired.".into(),
            (_, "unsupported_authorization") => {
                "The server only accepts `Authorization: Bearer <API key>`.".into()
            }
            ("pkg/auth", "token") => "The API key is not in the form NNSXS.<id>.<secret>.".into(),
            ("pkg/rpcmetadata", "unauthenticated") => "No API key reached the server.".into(),
            (_, name) if rights_kind(name).is_some() => {
                let kind = rights_kind(name).unwrap_or_default();
                format!(
                    "This API key has no rights for {kind} `{}`, or it does not exist.",
                    attr("uid")
                )
            }
            (_, "validation") => match deepest_validation(&chain) {
                Some((field, reason)) if !field.is_empty() => {
                    format!("The server rejected `{field}`: {reason}.")
                }
                _ => format!("The server rejected the request: {}.", d.message()),
            },
            (_, "unknown_event_name") => format!("There is no event called `{}`.", attr("name")),
            (_, "invalid_regexp") => {
                "One of the event-name regular expressions does not compile.".into()
            }
            (_, "no_matching_events") => {
                format!(
                    "The regular expression `{}` matches no event name.",
                    attr("regexp")
                )
            }
            (_, "no_identifiers") => "The request names no entity to follow.".into(),
            (_, "rate_limit_exceeded") => format!(
                "Too many streams were opened: the limit is {} per minute.",
                d.attribute("rate").unwrap_or_else(|| "a few".into())
            ),
            (_, "no_identity_server_conn") => {
                "The cluster cannot reach its Identity Server to check the API key.".into()
            }
            _ if self.grpc_code == 14 => "The server is temporarily unavailable.".into(),
            _ if self.grpc_code == 1 => {
                "The server ended the stream (canceled), usually because of a timeout or a restart."
                    .into()
            }
            _ => {
                let mut s = format!("The server answered: {}", d.message());
                for cause in chain.iter().skip(1) {
                    s.push_str(&format!(", because {}", cause.message()));
                }
                s.push('.');
                s
            }
        }
    }

    /// What to do about it, when there is something useful to say.
    pub fn hint(&self) -> Option<String> {
        if let ErrorSource::NotStatus { .. } = self.source {
            return Some("Check the cluster URL; if it is right, try again in a moment.".into());
        }
        let d = self.details.as_ref()?;
        let hint = match (d.namespace.as_str(), d.name.as_str()) {
            (_, "api_key_not_found" | "invalid_authorization") => {
                "Check that the key was copied whole and that the cluster URL is the one the key was created on.".to_owned()
            }
            (_, "api_key_expired") => "Create a new API key in the Console.".to_owned(),
            (_, "token_not_found" | "token_expired") => "Sign in again, or use an API key instead.".to_owned(),
            (_, "unsupported_authorization") | ("pkg/auth", "token") => {
                "Paste the API key exactly as the Console showed it (NNSXS.…).".to_owned()
            }
            ("pkg/rpcmetadata", "unauthenticated") => "Enter an API key.".to_owned(),
            (_, name) if rights_kind(name).is_some() => {
                let kind = rights_kind(name).unwrap_or_default();
                format!(
                    "Check the {kind} ID; to see its events the key needs {}.",
                    right_to_see_traffic(kind)
                )
            }
            (_, "validation") => "Fix that field and connect again.".to_owned(),
            (_, "unknown_event_name") => {
                "Use an exact event name, or a regular expression between slashes such as /^as\\.up\\./.".to_owned()
            }
            (_, "invalid_regexp") => "Regular expressions use Go (RE2) syntax, between slashes.".to_owned(),
            (_, "no_matching_events") => "Loosen the expression or remove it.".to_owned(),
            (_, "no_identifiers") => {
                "Add an application, device, gateway, organization, user or client.".to_owned()
            }
            (_, "rate_limit_exceeded") => "Wait a minute before connecting again.".to_owned(),
            _ if self.is_transient() => "Reconnecting later should work.".to_owned(),
            _ => return None,
        };
        Some(hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_body(status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, Some("text/event-stream"), body.as_bytes())
    }

    #[test]
    fn missing_rights_name_the_entity_and_the_right() {
        let e = from_body(
            403,
            r#"{"code":7,"message":"error:pkg/auth/rights:no_application_rights (no rights for application `soil-sensors`)","details":[{"@type":"type.googleapis.com/ttn.lorawan.v3.ErrorDetails","namespace":"pkg/auth/rights","name":"no_application_rights","message_format":"no rights for application `{uid}`","attributes":{"uid":"soil-sensors"},"correlation_id":"d4f6a8c0e2b44d6f8a0c2e4b6d8f0a2c","code":7}]}"#,
        );
        assert_eq!(
            e.id().as_deref(),
            Some("pkg/auth/rights:no_application_rights")
        );
        assert_eq!(e.status(), 403);
        assert_eq!(e.correlation_id(), Some("d4f6a8c0e2b44d6f8a0c2e4b6d8f0a2c"));
        assert_eq!(
            e.chain()[0].message(),
            "no rights for application `soil-sensors`"
        );
        let text = e.to_string();
        assert!(text.contains("application `soil-sensors`"), "{text}");
        assert!(text.contains("RIGHT_APPLICATION_TRAFFIC_READ"), "{text}");
        assert!(!e.is_transient());
    }

    #[test]
    fn every_catalogued_error_gets_its_own_sentence() {
        let cases = [
            (
                "pkg/identityserver",
                "api_key_not_found",
                16,
                "was not found",
            ),
            (
                "pkg/identityserver",
                "invalid_authorization",
                16,
                "secret part is wrong",
            ),
            ("pkg/identityserver", "api_key_expired", 16, "has expired"),
            (
                "pkg/identityserver",
                "token_expired",
                16,
                "access token has expired",
            ),
            (
                "pkg/identityserver",
                "token_not_found",
                16,
                "access token is not known",
            ),
            (
                "pkg/identityserver",
                "unsupported_authorization",
                16,
                "Bearer",
            ),
            ("pkg/auth", "token", 3, "NNSXS"),
            (
                "pkg/auth/rights",
                "no_gateway_rights",
                7,
                "RIGHT_GATEWAY_TRAFFIC_READ",
            ),
            (
                "pkg/auth/rights",
                "no_organization_rights",
                7,
                "RIGHT_ORGANIZATION_INFO",
            ),
            ("pkg/auth/rights", "no_user_rights", 7, "RIGHT_USER_INFO"),
            (
                "pkg/auth/rights",
                "no_client_rights",
                7,
                "RIGHT_CLIENT_INFO",
            ),
            ("pkg/events", "invalid_regexp", 3, "does not compile"),
            ("pkg/events/grpc", "no_identifiers", 3, "names no entity"),
            (
                "pkg/auth/rights",
                "no_identity_server_conn",
                14,
                "Identity Server",
            ),
            ("pkg/foo", "unavailable", 14, "temporarily unavailable"),
            ("pkg/foo", "whatever", 1, "canceled"),
        ];
        for (ns, name, code, needle) in cases {
            let body = format!(
                r#"{{"code":{code},"message":"error:{ns}:{name} (x)","details":[{{"namespace":"{ns}","name":"{name}","message_format":"x","code":{code}}}]}}"#
            );
            let text = from_body(400, &body).to_string();
            assert!(text.contains(needle), "{name}: {text}");
        }
    }

    #[test]
    fn names_regexps_rate_limits_and_validation_quote_the_attribute() {
        let e = from_body(
            400,
            r#"{"code":3,"message":"m","details":[{"namespace":"pkg/events","name":"unknown_event_name","message_format":"unknown event `{name}`","attributes":{"name":"as.up.foo"},"code":3}]}"#,
        );
        assert!(
            e.to_string()
                .starts_with("There is no event called `as.up.foo`."),
            "{e}"
        );
        let e = from_body(
            400,
            r#"{"code":3,"message":"m","details":[{"namespace":"pkg/events","name":"no_matching_events","message_format":"no matching events for regexp `{regexp}`","attributes":{"regexp":"^zz\\."},"code":3}]}"#,
        );
        assert!(
            e.to_string().contains(r"`^zz\.` matches no event name"),
            "{e}"
        );
        let e = from_body(
            429,
            r#"{"code":8,"message":"m","details":[{"namespace":"pkg/ratelimit","name":"rate_limit_exceeded","message_format":"rate limit of `{rate}` accesses per minute exceeded for resource `{key}`","attributes":{"key":"k","rate":10},"code":8}]}"#,
        );
        assert!(e.to_string().contains("limit is 10 per minute"), "{e}");
        assert_eq!(
            e.chain()[0].message(),
            "rate limit of `10` accesses per minute exceeded for resource `k`"
        );
        assert!(e.is_transient());
        let e = from_body(
            400,
            r#"{"code":3,"message":"error:pkg/errors:validation (invalid `identifiers[0]`: embedded message failed validation)","details":[{"namespace":"pkg/errors","name":"validation","message_format":"invalid `{field}`: {reason}","attributes":{"field":"identifiers[0]","reason":"embedded message failed validation"},"cause":{"namespace":"pkg/errors","name":"validation","message_format":"invalid `{field}`: {reason}","attributes":{"field":"application_id","reason":"value does not match regex pattern"},"code":3},"code":3}]}"#,
        );
        assert_eq!(e.chain().len(), 2);
        assert!(
            e.to_string().starts_with(
                "The server rejected `application_id`: value does not match regex pattern."
            ),
            "{e}"
        );
    }

    #[test]
    fn a_proxy_page_names_status_and_content_type() {
        let e = ApiError::from_response(
            502,
            Some("text/html"),
            b"<html><body><h1>502 Bad Gateway</h1>\n</body></html>",
        );
        let text = e.to_string();
        assert!(text.contains("HTTP 502 with text/html"), "{text}");
        assert!(text.contains("502 Bad Gateway"), "{text}");
        assert!(e.is_transient());
        let blank = ApiError::from_response(502, Some(" "), b"bad gateway").sentence();
        assert!(blank.contains("HTTP 502 with no content type"), "{blank}");
        let e = ApiError::from_response(
            400,
            Some("application/json"),
            br#"{"code":3,"message":"invalid character 'x' looking for beginning of value"}"#,
        );
        assert_eq!(e.grpc_code, 3);
        assert!(e.to_string().contains("invalid character 'x'"), "{e}");
    }

    #[test]
    fn wrapped_and_bare_status_parse_alike() {
        let bare = br#"{"code":1,"message":"context canceled"}"#;
        let wrapped = br#"{"error":{"code":1,"message":"context canceled"}}"#;
        let a = ApiError::from_status_json(bare, None).expect("bare");
        let b = ApiError::from_status_json(wrapped, None).expect("wrapped");
        assert_eq!(a, b);
        assert_eq!(a.status(), 499);
        assert!(a.to_string().contains("canceled"));
        assert!(ApiError::from_status_json(b"[1]", None).is_err());
        assert!(ApiError::from_status_json(br#"{"name":"x"}"#, None).is_err());
    }
}
