//! A device lane as messages: one row per uplink (FCnt), join and downlink,
//! with its status and end-to-end time; a row's button opens its journey.
//! Reads `journey::messages` (pure) through the model.

use leptos::prelude::*;

use super::state::Viewer;
use super::time;
use crate::journey::{messages, span, Message, MessageKind};

/// How many messages a lane shows (the newest).
const SHOWN: usize = 200;

/// The messages of the device lane `lane`.
#[component]
pub fn MessageList(lane: String) -> impl IntoView {
    let viewer = Viewer::expect();
    let key = lane.clone();
    let list = Memo::new(move |_| viewer.with(|m| messages(m.store(), &key, SHOWN)));
    let rows = move || {
        let (list, total) = list.get();
        let more = (total > list.len()).then(|| {
            view! { <li class="messages-more">{format!("The newest {} of {total} messages.", list.len())}</li> }
        });
        let empty = list.is_empty().then(|| {
            view! { <li class="messages-more">"No uplink, join or downlink of this device in memory yet."</li> }
        });
        let items = list
            .into_iter()
            .map(|msg| view! { <MessageRow msg=msg /> })
            .collect_view();
        view! { {empty}{items}{more} }
    };
    view! { <ul class="messages" aria-label=format!("Messages of {lane}")>{rows}</ul> }
}

fn what(msg: &Message) -> String {
    let mut s = match msg.kind {
        MessageKind::Uplink => "Uplink".to_owned(),
        MessageKind::Join => "Join".to_owned(),
        MessageKind::Downlink => "Downlink".to_owned(),
    };
    if let Some(n) = msg.f_cnt {
        s.push_str(&format!(" FCnt {n}"));
    }
    if let Some(p) = msg.f_port {
        s.push_str(&format!(" · FPort {p}"));
    }
    s
}

#[component]
fn MessageRow(msg: Message) -> impl IntoView {
    let viewer = Viewer::expect();
    let ts = msg.time;
    let clock = move || time::display(ts, viewer.with(|m| m.settings().utc)).1;
    let id = msg.seed.ids.first().cloned().unwrap_or_default();
    let open = move |_| {
        viewer.act(|m| m.open_journey_id(&id));
    };
    let label = what(&msg);
    let took = msg.end_to_end_ns.map(|n| match msg.kind {
        MessageKind::Uplink => format!("{} end to end", span(n)),
        _ => format!("{} first to last step", span(n)),
    });
    view! {
        <li class="message" class:failed=msg.status.failed>
            <button type="button" class="message-main" on:click=open aria-label=format!("Journey of {label}")>
                <time class="row-time" datetime=ts.to_rfc3339()>{clock}</time>
                <span class="message-what">{label.clone()}</span>
                <span class="message-status">{msg.status.text.clone()}</span>
                <span class="message-took">{took}</span>
            </button>
        </li>
    }
}
