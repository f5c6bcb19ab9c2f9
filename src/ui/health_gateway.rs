//! The Health panel of a gateway lane (region "Health of gateway <id>"):
//! uplinks per minute, devices heard (and unknown DevAddrs), connections,
//! the last status message, downlinks sent and failed, problems.

use leptos::prelude::*;

use super::health_parts::{clock, more, paced};
use super::plot::Bars;
use super::state::{now, Viewer};
use crate::insight::{GatewayHealth, MINUTES};

#[component]
pub fn GatewayHealthPanel(lane: String, label: String) -> impl IntoView {
    let viewer = Viewer::expect();
    let key = lane.clone();
    let pace = StoredValue::new(None);
    let health = Memo::new(move |prev| {
        viewer.clock.track();
        paced(prev, pace, || {
            viewer.with_untracked(|m| m.gateway_health(&key, now().unix_nanos()))
        })
    });
    let shared = lane.clone();
    let lane = StoredValue::new(lane);
    view! {
        <super::health_parts::HealthSection label lane=shared>
            {move || health.with(|h| body(viewer, lane, h))}
        </super::health_parts::HealthSection>
    }
}

const DEVADDRS_SHOWN: usize = 12;
const CONNECTIONS_SHOWN: usize = 8;

fn body(viewer: Viewer, lane: StoredValue<String>, h: &GatewayHealth) -> AnyView {
    let recent: u32 = h.per_minute.iter().sum();
    let unknown = h.devices.iter().filter(|d| d.device.is_none()).count();
    let devices = h
        .devices
        .iter()
        .take(DEVADDRS_SHOWN)
        .map(|d| {
            view! {
                <tr>
                    <th scope="row" class="mono">{d.dev_addr.clone()}</th>
                    <td>{d.device.clone().unwrap_or_else(|| "not followed here".to_owned())}</td>
                    <td>{d.uplinks}</td>
                </tr>
            }
        })
        .collect_view();
    let connections = h
        .connections
        .iter()
        .rev()
        .take(CONNECTIONS_SHOWN)
        .map(|c| {
            view! {
                <li class:failed=!c.connected>
                    <span class="muted">{clock(viewer, c.time)}</span>" "
                    {if c.connected { "connected" } else { "disconnected" }}
                </li>
            }
        })
        .collect_view();
    let status = h.status.as_ref().map(|(t, facts)| {
        let facts = facts
            .iter()
            .map(|f| format!("{} {}", f.label, f.value).trim().to_owned())
            .collect::<Vec<_>>()
            .join(" · ");
        format!("at {}: {facts}", clock(viewer, *t))
    });
    let failures = h
        .downlink_failures
        .iter()
        .map(|(why, n)| format!("{why} ×{n}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let away = h.disconnected_since.map(|since| {
        view! {
            <p class="health-alert">
                {format!("Disconnected since {}: nothing is received or sent through it until it connects again.", clock(viewer, since))}
            </p>
        }
    });
    view! {
        {away}
        <dl class="health-grid">
            <dt>"Uplinks"</dt>
            <dd>
                {format!("{} in memory · {recent} in the last {MINUTES} min", h.uplinks)}
                <div class="plots"><Bars label=format!("Uplinks per minute, last {MINUTES} minutes") values=h.per_minute.clone() /></div>
            </dd>
            <dt>"Devices heard"</dt>
            <dd>{match (h.devices.len(), unknown) {
                (0, _) => "none in memory".to_owned(),
                (1, 0) => "1 DevAddr, of a device followed here".to_owned(),
                (n, 0) => format!("{n} DevAddrs, each of a device followed here"),
                (1, _) => "1 DevAddr, of a device this view does not follow".to_owned(),
                (n, 1) => format!("{n} DevAddrs, 1 of a device this view does not follow"),
                (n, u) => format!("{n} DevAddrs, {u} of devices this view does not follow"),
            }}</dd>
            <dt>"Last status"</dt>
            <dd>{status.unwrap_or_else(|| match h.status_received_at {
                Some(t) => format!("at {} (the connection stats' time; the message is not in memory)", clock(viewer, t)),
                None => "none in memory".to_owned(),
            })}</dd>
            <dt>"Downlinks"</dt>
            // In memory, like the uplinks: the status's txin/txok are the gateway's own counts.
            <dd>{format!("{} sent in memory", h.downlinks_sent)}{(!failures.is_empty()).then(|| format!(" · failed: {failures}"))}</dd>
        </dl>
        {(!h.devices.is_empty()).then(|| view! {
            <table class="health-table">
                <caption>"By DevAddr"</caption>
                <thead><tr><th scope="col">"DevAddr"</th><th scope="col">"Device"</th><th scope="col">"Uplinks"</th></tr></thead>
                <tbody>{devices}</tbody>
            </table>
            {more(h.devices.len(), DEVADDRS_SHOWN, "more DevAddrs")}
        })}
        {(!h.connections.is_empty()).then(|| view! {
            <div class="health-part"><h4>"Connections"</h4><ul class="health-list">{connections}</ul>{more(h.connections.len(), CONNECTIONS_SHOWN, "earlier")}</div>
        })}
        {super::health_parts::problems(viewer, lane, &h.problems)}
    }
    .into_any()
}
