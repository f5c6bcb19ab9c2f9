//! Parts of the Health panels: the reception table, joins, downlinks and
//! problems (the last two shared with gateways). Reasons and counts are
//! buttons that filter the timeline to the events behind them.

use leptos::prelude::*;

use super::state::{now_ms, Viewer};
use super::time;
use crate::insight::{DeviceHealth, Outcome, Problem};
use crate::tts::preview::decimal;

/// A Health panel (region "Health of <lane label>"): what it says, then
/// "Share these events" (sharing is what one does once it is read).
#[component]
pub fn HealthSection(label: String, lane: String, children: Children) -> impl IntoView {
    view! {
        <section class="health" role="region" aria-label=format!("Health of {label}")>
            {children()}
            <super::snapshot::ShareEvents what=crate::model::Share::Lane(lane) />
        </section>
    }
}

/// "12.5 %" from a ratio.
pub fn percent(p: f64) -> String {
    format!("{} %", decimal(p * 100.0, 1))
}

/// A panel's value, recomputed at each clock tick unless the last
/// computation was costly (`model::recompute_due`): then the previous
/// value stays a little longer.
pub fn paced<T: Clone>(
    prev: Option<&T>,
    pace: StoredValue<Option<(f64, f64)>>,
    compute: impl FnOnce() -> T,
) -> T {
    let start = now_ms();
    match prev {
        Some(prev) if !crate::model::recompute_due(pace.get_value(), start) => prev.clone(),
        _ => {
            let value = compute();
            pace.set_value(Some((start, now_ms() - start)));
            value
        }
    }
}

/// What a list shortened to its `shown` newest leaves out, e.g. "+4 earlier
/// gaps" (nothing when it shows them all), so counts and lists agree.
pub fn more(total: usize, shown: usize, what: &str) -> Option<impl IntoView + use<>> {
    let left = total.saturating_sub(shown);
    (left > 0).then(|| view! { <span class="muted health-more">{format!("+{left} {what}")}</span> })
}

/// "10:42:07" in the viewer's time zone.
pub fn clock(viewer: Viewer, ns: i64) -> String {
    time::display(
        crate::tts::Timestamp::from_unix_nanos(ns),
        viewer.with_untracked(|m| m.settings().utc),
    )
    .1
}

pub fn reception(h: &DeviceHealth) -> impl IntoView {
    let max = h
        .reception
        .iter()
        .map(|r| r.heard)
        .max()
        .unwrap_or(1)
        .max(1);
    let rows = h
        .reception
        .iter()
        .map(|r| {
            let share = format!("{:.0}%", f64::from(r.heard) / f64::from(max) * 100.0);
            let q = r.snr_quality.map(|q| format!("q-{}", q.as_str())).unwrap_or_default();
            view! {
                <tr>
                    <th scope="row">{r.gateway_id.clone()}</th>
                    <td>
                        <span class="meter" aria-hidden="true"><span class="meter-fill" style:width=share></span></span>
                        {r.heard}
                    </td>
                    <td>{r.per.map(percent).unwrap_or_default()}</td>
                    <td>{r.rssi.map(|v| decimal(v, 1)).unwrap_or_default()}</td>
                    <td class=q>{r.snr.map(|v| decimal(v, 2)).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    (!h.reception.is_empty()).then(|| {
        view! {
            <table class="health-table">
                <caption>"Reception"</caption>
                <thead><tr>
                    <th scope="col">"Gateway"</th><th scope="col">"Uplinks heard"</th><th scope="col" title="Share of the device's uplinks this gateway did not hear">"Not heard"</th>
                    <th scope="col">"Median RSSI (dBm)"</th><th scope="col" title="Coloured by what each uplink's SNR had to spare over its spreading factor's floor (SF7 −7.5 dB … SF12 −20 dB), not by the value alone">"Median SNR (dB)"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

const JOINS_SHOWN: usize = 10;
const PROBLEMS_SHOWN: usize = 12;

pub fn joins(viewer: Viewer, lane: StoredValue<String>, h: &DeviceHealth) -> impl IntoView {
    if h.joins.is_empty() {
        return None;
    }
    let items = h
        .joins
        .iter()
        .rev()
        .take(JOINS_SHOWN)
        .map(|j| {
            let failed = matches!(j.outcome, Outcome::Rejected(_) | Outcome::NotAnswered);
            let events = j.events.clone();
            let nonce = j.dev_nonce.clone().map(|n| format!(" · DevNonce {n}")).unwrap_or_default();
            view! {
                <li class:failed=failed>
                    <span class="muted">{clock(viewer, j.time)}</span>" "
                    <button type="button" class="link" title="Show this join's events"
                        on:click=move |_| lane.with_value(|l| viewer.act(|m| m.filter_events(l, &events)))>
                        {j.outcome.text()}
                    </button>
                    {nonce}
                </li>
            }
        })
        .collect_view();
    let repeated = h
        .repeated_joins
        .clone()
        .map(|r| view! { <p class="health-note strong">{format!("Repeated joins: {r}")}</p> });
    Some(view! {
        <div class="health-part">
            <h4>{format!("Joins ({})", h.joins.len())}</h4>
            {repeated}
            <ul class="health-list">{items}</ul>
            {more(h.joins.len(), JOINS_SHOWN, "earlier joins")}
        </div>
    })
}

pub fn downlinks(viewer: Viewer, lane: StoredValue<String>, h: &DeviceHealth) -> impl IntoView {
    let d = &h.downlinks;
    if d.total == 0 {
        return None;
    }
    let stages: Vec<String> = d.by_stage.iter().map(|(s, n)| format!("{s} {n}")).collect();
    let failures = d
        .failures
        .iter()
        .map(|(what, n)| {
            let name = if what.starts_with("nacked") { "as.down.data.nack.forward" } else { "as.down.data.failed.forward" };
            let reason = what.split_once(": ").map(|(_, r)| r.to_owned()).unwrap_or_default();
            view! {
                <li class="failed">
                    <button type="button" class="link" title="Show these events"
                        on:click=move |_| lane.with_value(|l| viewer.act(|m| m.filter_reason(l, name, "")))>
                        {format!("{what} ×{n}")}
                    </button>
                    <span class="sr-only">{reason}</span>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <div class="health-part">
            <h4>{format!("Downlinks ({})", d.total)}</h4>
            <p>{if stages.is_empty() { "none completed".to_owned() } else { stages.join(" · ") }}</p>
            <ul class="health-list">{failures}</ul>
        </div>
    })
}

pub fn problems(viewer: Viewer, lane: StoredValue<String>, list: &[Problem]) -> impl IntoView {
    if list.is_empty() {
        return None;
    }
    let items = list
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|p| {
            let (name, reason, latest) = (p.name.clone(), p.reason.clone(), p.latest);
            let open_latest = move |_| {
                let list = lane.get_value();
                viewer.act(|m| m.open_event(&list, latest));
                viewer.pending_focus.set(Some((list, latest)));
            };
            view! {
                <li>
                    <button type="button" class="link" title="Show these events"
                        on:click=move |_| lane.with_value(|l| viewer.act(|m| m.filter_reason(l, &name, &reason)))>
                        {format!("{} ×{}", p.reason, p.count)}
                    </button>
                    " "<span class="muted mono">{p.name.clone()}</span>" · "
                    <button type="button" class="link" on:click=open_latest>{format!("latest {}", clock(viewer, p.latest_time))}</button>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <div class="health-part">
            <h4>{format!("Problems ({})", list.iter().map(|p| p.count).sum::<usize>())}</h4>
            <ul class="health-list">{items}</ul>
            {more(list.len(), PROBLEMS_SHOWN, "more kinds")}
        </div>
    })
}
