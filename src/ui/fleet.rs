//! The fleet (region "Fleet"): one row per followed device — missed %,
//! last seen, median RSSI/SNR, most used data rate, join state, problems —
//! sortable (worst first), the device × gateway reception matrix, and one
//! row per followed gateway (the disconnected first).

use leptos::prelude::*;

use super::health_parts::{paced, percent};
use super::state::{now, Viewer};
use crate::insight::{matrix_gateways, Column, FleetRow, GatewayRow};
use crate::tts::preview::{age, decimal};

const COLUMNS: [(Column, &str); 8] = [
    (Column::Device, "Device"),
    // Missed (the default sort) beside the name: in view on a phone too.
    (Column::Missed, "Missed"),
    (Column::LastSeen, "Last seen"),
    (Column::Rssi, "RSSI (dBm)"),
    (Column::Snr, "SNR (dB)"),
    (Column::DataRate, "Data rate"),
    (Column::Join, "Join"),
    (Column::Problems, "Problems"),
];

#[component]
pub fn Fleet() -> impl IntoView {
    let viewer = Viewer::expect();
    // Recomputed at the clock's tick or when the sort changes, not at every
    // event: each row is a device's health. Paced like a Health panel.
    let view = Memo::new(move |_| viewer.with(|m| m.fleet_view()));
    let open = Memo::new(move |_| view.get().open);
    let pace = StoredValue::new(None);
    let sorted_by = StoredValue::new(None);
    let rows = Memo::new(move |prev: Option<&Vec<FleetRow>>| {
        viewer.clock.track();
        let view = view.get();
        if !view.open {
            return Vec::new();
        }
        // A new sort order is shown at once.
        let resorted = sorted_by.get_value() != Some(view);
        sorted_by.set_value(Some(view));
        paced(prev.filter(|_| !resorted), pace, || {
            viewer.with_untracked(|m| m.fleet_rows(now().unix_nanos()))
        })
    });
    let head = move || {
        let view = view.get();
        COLUMNS
            .iter()
            .map(|&(col, name)| {
                // What the column's values read as, top to bottom (RSSI's worst
                // first is its lowest first).
                let sort = if view.by == col {
                    if col.reads_descending(view.descending) { "descending" } else { "ascending" }
                } else {
                    "none"
                };
                view! {
                    <th scope="col" aria-sort=sort>
                        <button type="button" class="link" on:click=move |_| viewer.act(|m| m.sort_fleet(col))>{name}</button>
                    </th>
                }
            })
            .collect_view()
    };
    let body = move || rows.with(|rows| rows.iter().map(|r| row(viewer, r)).collect_view());
    let matrix = move || rows.with(|rows| matrix(rows));
    // Paced like the devices' rows (each row is a gateway's health).
    let gateways_pace = StoredValue::new(None);
    let gateways = Memo::new(move |prev: Option<&Vec<GatewayRow>>| {
        viewer.clock.track();
        if !open.get() {
            return Vec::new();
        }
        paced(prev.filter(|p| !p.is_empty()), gateways_pace, || {
            viewer.with_untracked(|m| m.fleet_gateways(now().unix_nanos()))
        })
    });
    let gateways = move || {
        let utc = viewer.with(|m| m.settings().utc);
        gateways.with(|g| gateway_table(viewer, g, utc))
    };
    view! {
        <Show when=move || open.get()>
            <section class="fleet" role="region" aria-label="Fleet">
                <table class="health-table fleet-table">
                    <caption>"Devices (click a heading to sort; worst first)"</caption>
                    <thead><tr>{head}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
                {matrix}
                {gateways}
            </section>
        </Show>
    }
}

fn row(viewer: Viewer, r: &FleetRow) -> impl IntoView {
    let lane = r.lane.clone();
    let jump = move |_| {
        viewer.act(|m| m.focus_lane(Some(&lane)));
    };
    let snr_class = r
        .snr_quality
        .map(|q| format!("q-{}", q.as_str()))
        .unwrap_or_default();
    view! {
        <tr>
            <th scope="row"><button type="button" class="link" on:click=jump>{r.lane.clone()}</button></th>
            <td class:strong={r.missed > 0}>{r.per.map(|p| format!("{} ({})", percent(p), r.missed)).unwrap_or_default()}</td>
            <td>{r.last_seen_ns.map(|n| format!("{} {}", age(n), viewer.with_untracked(|m| m.ago()))).unwrap_or_default()}</td>
            <td>{r.rssi.map(|v| decimal(v, 1)).unwrap_or_default()}</td>
            <td class=snr_class>{r.snr.map(|v| decimal(v, 2)).unwrap_or_default()}</td>
            <td>{r.data_rate.clone().unwrap_or_default()}</td>
            <td>{r.join.clone().unwrap_or_default()}</td>
            <td>{problems_cell(viewer, &r.lane, r.problems, &r.problem_reasons)}</td>
        </tr>
    }
}

/// A lane's problem count: what they are on hover, its Health panel on a press.
fn problems_cell(
    viewer: Viewer,
    lane: &str,
    count: usize,
    reasons: &str,
) -> Option<impl IntoView + use<>> {
    (count > 0).then(|| {
        let lane = lane.to_owned();
        let noun = if count == 1 { "problem" } else { "problems" };
        view! {
            <button type="button" class="link" title=reasons.to_owned()
                aria-label=match reasons.split_once('\n') {
                    Some((first, _)) => format!("{count} {noun}: {first}, and more"),
                    None => format!("{count} {noun}: {reasons}"),
                }
                on:click=move |_| viewer.act(|m| m.show_health_of(&lane))>
                {count}
            </button>
        }
    })
}

/// The gateways: connected or since when not, last seen, traffic, problems.
fn gateway_table(viewer: Viewer, rows: &[GatewayRow], utc: bool) -> Option<impl IntoView> {
    if rows.is_empty() {
        return None;
    }
    let ago = viewer.with_untracked(|m| m.ago());
    let body = rows
        .iter()
        .map(|r| {
            let lane = r.lane.clone();
            let jump = move |_| viewer.act(|m| m.focus_lane(Some(&lane)));
            let since = r.disconnected_since.map(|t| {
                super::time::display(crate::tts::Timestamp::from_unix_nanos(t), utc)
            });
            let state = match &since {
                Some((_, clock)) => format!("disconnected since {clock}"),
                // Its events arrive, and none says it went away.
                None => "connected".to_owned(),
            };
            let down = match r.downlinks_failed {
                0 => r.downlinks_sent.to_string(),
                f => format!("{} ({f} failed)", r.downlinks_sent),
            };
            view! {
                <tr>
                    <th scope="row">
                        <button type="button" class="link" on:click=jump>
                            {r.lane.strip_prefix("gw:").unwrap_or(&r.lane).to_owned()}
                        </button>
                    </th>
                    <td class:failed=since.is_some() title=since.as_ref().map(|(date, _)| date.clone())>{state}</td>
                    <td>{format!("{} {ago}", age(r.last_seen_ns))}</td>
                    <td>{r.uplinks}</td>
                    <td>{r.devices}</td>
                    <td>{down}</td>
                    <td>{problems_cell(viewer, &r.lane, r.problems, &r.problem_reasons)}</td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <table class="health-table fleet-gateways">
            <caption>{format!("Gateways (disconnected first; {})", viewer.with_untracked(|m| m.health_as_of()))}</caption>
            <thead><tr>
                <th scope="col">"Gateway"</th><th scope="col">"State"</th><th scope="col">"Last seen"</th>
                <th scope="col">"Uplinks"</th><th scope="col">"DevAddrs heard"</th>
                <th scope="col">"Downlinks sent"</th><th scope="col">"Problems"</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
    })
}

fn matrix(rows: &[FleetRow]) -> impl IntoView {
    let gateways = matrix_gateways(rows);
    if gateways.is_empty() {
        return None;
    }
    let head = gateways
        .iter()
        .map(|g| view! { <th scope="col">{g.clone()}</th> })
        .collect_view();
    let body = rows
        .iter()
        .map(|r| {
            let total = r.heard.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
            let cells = gateways
                .iter()
                .map(|g| {
                    let n = r.heard.iter().find(|(h, _)| h == g).map_or(0, |(_, n)| *n);
                    let level = (f64::from(n) / f64::from(total) * 4.0).ceil() as u32;
                    view! { <td class=format!("heat h{level}")>{(n > 0).then_some(n)}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{r.lane.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    Some(view! {
        <table class="health-table matrix">
            <caption>"Reception: uplinks each gateway heard from each device"</caption>
            <thead><tr><th scope="col">"Device"</th>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    })
}
