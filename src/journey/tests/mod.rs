//! Journeys built from the example stream (the seed-style join, the
//! two-gateway uplink, the confirmed downlink) and from hand-made streams
//! for the counter-examples: IDs shared per connection or host never merge
//! messages; a downlink's scheduling and an ack refer to, but do not merge,
//! the uplink they carry.

mod examples;
mod rules;

use crate::store::Timeline;
use crate::tts::Event;

use super::{Journey, Pool, Seed};

const EXAMPLES: &str = include_str!("../../../data/example-events.jsonl");

fn example_store() -> Timeline {
    let mut store = Timeline::new();
    for line in EXAMPLES.lines().filter(|l| !l.trim().is_empty()) {
        if let Ok(event) = Event::from_json(line.as_bytes()) {
            store.push(event);
        }
    }
    store
}

/// The stored event named `name` whose JSON contains `marker`.
fn find<'a>(store: &'a Timeline, name: &str, marker: &str) -> &'a Event {
    store
        .in_time_order()
        .find(|e| {
            e.name == name
                && (e.correlation_ids.iter().any(|c| c.contains(marker))
                    || e.data.as_ref().is_some_and(|d| d.as_str().contains(marker))
                    || e.identifiers.iter().any(|i| i.key().contains(marker)))
        })
        .unwrap_or_else(|| panic!("no {name} with {marker}"))
}

fn journey_of(store: &Timeline, event: &Event) -> Journey {
    let seed = Seed::of(event).expect("a message event");
    Journey::build(
        Pool {
            store,
            fetched: &[],
        },
        &seed,
    )
    .expect("a journey")
}

fn names(j: &Journey) -> Vec<&str> {
    j.steps.iter().map(|s| s.event.name.as_str()).collect()
}

/// An event with the given name, second (of 2024-10-28T10:00), device or
/// gateway, correlation IDs and data.
fn event(name: &str, ms: u32, entity: &str, cids: &[&str], data: &str) -> Event {
    let ids = match entity.strip_prefix("gw:") {
        Some(gw) => format!(r#"{{"gateway_ids":{{"gateway_id":"{gw}"}}}}"#),
        None => format!(
            r#"{{"device_ids":{{"device_id":"{entity}","application_ids":{{"application_id":"app"}}}}}}"#
        ),
    };
    let cids: Vec<String> = cids.iter().map(|c| format!("\"{c}\"")).collect();
    let data = if data.is_empty() { "null" } else { data };
    let json = format!(
        r#"{{"name":"{name}","time":"2024-10-28T10:00:{:02}.{:03}Z","identifiers":[{ids}],"data":{data},"correlation_ids":[{}],"unique_id":"{name}-{ms}-{entity}"}}"#,
        ms / 1000,
        ms % 1000,
        cids.join(",")
    );
    Event::from_json(json.as_bytes()).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn store_of(events: Vec<Event>) -> Timeline {
    let mut store = Timeline::new();
    for e in events {
        store.push(e);
    }
    store
}
