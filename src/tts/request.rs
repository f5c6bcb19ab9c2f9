//! `StreamRequest`: the body of `POST /api/v3/events` (API.md §1.2), built by
//! the connect form and checked before anything is sent.
//!
//! ```text
//! {"identifiers":[EntityIdentifiers…], "tail":uint32 (only when > 0),
//!  "after":"<RFC 3339>" (optional), "names":["exact.name" | "/regexp/"…]}
//! ```
//!
//! Why: the server rejects a whole request for one bad ID or name, with a
//! message about `identifiers[3]`; checking here names the field in the form
//! instead. This module must never send (it has no transport) and never let
//! a request through that the server's validation (§1.4, §1.5) would reject.

use super::catalogue::{resolve_name, NameError};
use super::ids::{validate_id, EntityIds, EntityKind, IdError};
use super::Timestamp;
use serde::Serialize;
use std::fmt;

/// What to stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamRequest {
    pub identifiers: Vec<EntityIds>,
    /// Historical events per entity at start (0: none).
    pub tail: u32,
    /// Historical events after this instant.
    pub after: Option<Timestamp>,
    /// Exact names or `/regexp/`; empty means all events.
    pub names: Vec<String>,
}

/// One problem with a request, naming the field (`identifiers[1].device_id`, `names[0]`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestProblem {
    pub field: String,
    pub problem: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    NoIdentifiers,
    BadId(IdError),
    BadName(NameError),
}

impl fmt::Display for RequestProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            ProblemKind::NoIdentifiers => {
                write!(f, "{}: add at least one entity to follow", self.field)
            }
            ProblemKind::BadId(e) => write!(f, "{}: the ID {e}", self.field),
            ProblemKind::BadName(e) => write!(f, "{}: {e}", self.field),
        }
    }
}

impl std::error::Error for RequestProblem {}

#[derive(Serialize)]
struct Body<'a> {
    identifiers: Vec<EntityIds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tail: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<String>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    names: &'a [String],
}

impl StreamRequest {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entity to follow.
    pub fn entity(mut self, ids: EntityIds) -> Self {
        self.identifiers.push(ids);
        self
    }

    /// Asks for up to `tail` historical events per entity.
    pub fn tail(mut self, tail: u32) -> Self {
        self.tail = tail;
        self
    }

    /// Asks for historical events after `after`.
    pub fn after(mut self, after: Timestamp) -> Self {
        self.after = Some(after);
        self
    }

    /// Adds an exact event name or a `/regexp/`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.names.push(name.into());
        self
    }

    /// Checks the request as the server would (API.md §1.4, §1.5).
    ///
    /// # Errors
    ///
    /// Every problem, each naming its field.
    pub fn validate(&self) -> Result<(), Vec<RequestProblem>> {
        let mut problems = Vec::new();
        if self.identifiers.is_empty() {
            problems.push(RequestProblem {
                field: "identifiers".into(),
                problem: ProblemKind::NoIdentifiers,
            });
        }
        for (i, ids) in self.identifiers.iter().enumerate() {
            let mut check = |kind: EntityKind, id: &str| {
                if let Err(e) = validate_id(kind, id) {
                    let path = match (ids.kind(), kind) {
                        (EntityKind::Device, EntityKind::Application) => {
                            "application_ids.application_id"
                        }
                        _ => kind.id_field(),
                    };
                    problems.push(RequestProblem {
                        field: format!("identifiers[{i}].{path}"),
                        problem: ProblemKind::BadId(e),
                    });
                }
            };
            if let EntityIds::Device { application_id, .. } = ids {
                check(EntityKind::Application, application_id);
            }
            check(ids.kind(), ids.id());
        }
        for (i, name) in self.names.iter().enumerate() {
            if let Err(e) = resolve_name(name) {
                problems.push(RequestProblem {
                    field: format!("names[{i}]"),
                    problem: ProblemKind::BadName(e),
                });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The exact POST body: snake_case `identifiers` (IDs only), `tail` only
    /// when > 0, `after` as RFC 3339 UTC, `names` only when given.
    pub fn to_json(&self) -> String {
        let body = Body {
            identifiers: self.identifiers.iter().map(EntityIds::ids_only).collect(),
            tail: (self.tail > 0).then_some(self.tail),
            after: self.after.map(Timestamp::to_rfc3339),
            names: &self.names,
        };
        serde_json::to_string(&body).unwrap_or_else(|_| String::from("{}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_matches_the_wire_example() {
        let req = StreamRequest::new()
            .entity(EntityIds::application("soil-sensors"))
            .name("as.up.data.forward")
            .name(r"/^as\.up\.join\./");
        assert_eq!(req.validate(), Ok(()));
        assert_eq!(
            req.to_json(),
            r#"{"identifiers":[{"application_ids":{"application_id":"soil-sensors"}}],"names":["as.up.data.forward","/^as\\.up\\.join\\./"]}"#
        );
    }

    #[test]
    fn tail_after_and_devices_are_written_as_the_server_reads_them() {
        let mut dev = EntityIds::device("soil-sensors", "soil-node-01");
        if let EntityIds::Device { dev_eui, .. } = &mut dev {
            *dev_eui = Some("70B3D57ED0061A2B".into());
        }
        let req = StreamRequest::new()
            .entity(dev)
            .tail(10)
            .after(Timestamp::parse("2024-10-28T11:00:00.5+02:00").expect("ok"));
        assert_eq!(
            req.to_json(),
            r#"{"identifiers":[{"device_ids":{"device_id":"soil-node-01","application_ids":{"application_id":"soil-sensors"}}}],"tail":10,"after":"2024-10-28T09:00:00.5Z"}"#
        );
        assert!(!StreamRequest::new()
            .entity(EntityIds::gateway("gw-1"))
            .tail(0)
            .to_json()
            .contains("tail"));
    }

    #[test]
    fn each_problem_names_its_field() {
        let problems = StreamRequest::new()
            .name("as.up.foo")
            .validate()
            .expect_err("two problems");
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2);
        assert!(
            text[0].starts_with("identifiers: add at least one entity"),
            "{}",
            text[0]
        );
        assert!(
            text[1].starts_with("names[0]: `as.up.foo` is not an event name"),
            "{}",
            text[1]
        );

        let problems = StreamRequest::new()
            .entity(EntityIds::application("ok-app"))
            .entity(EntityIds::device("Bad App", "x"))
            .entity(EntityIds::single(EntityKind::User, "a").expect("single"))
            .name("/([/")
            .name(r"/^zz\./")
            .validate()
            .expect_err("problems");
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "identifiers[1].application_ids.application_id",
                "identifiers[1].device_id",
                "identifiers[2].user_id",
                "names[0]",
                "names[1]"
            ]
        );
    }
}
