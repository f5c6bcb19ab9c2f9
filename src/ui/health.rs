//! The Health panel of a device lane (region "Health of device app/dev"):
//! missed uplinks, interval, PER, radio, airtime, reception, joins,
//! downlinks, problems — recomputed every second from the store by
//! `src/insight`. Numbers that stand for events are buttons that filter the
//! timeline to them. The gateway panel is `health_gateway.rs`.

use leptos::prelude::*;

use super::health_parts::{more, paced, percent};
use super::plot::SignalPlot;
use super::state::{now, Viewer};
use crate::insight::{
    esp_quality, lora_sf, snr_thresholds, DeviceHealth, Quality, Spread, ESP_THRESHOLDS,
};
use crate::journey::span;
use crate::tts::preview::{age, decimal};

/// `33.3 %`.
fn db(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{} {unit}", decimal(v, 1)))
}

fn quality_class(q: Option<Quality>) -> String {
    q.map_or_else(String::new, |q| format!("q-{}", q.as_str()))
}

/// "median −83 dBm, worst −121 dBm", coloured by the qualities given.
fn spread(
    s: Spread,
    unit: &'static str,
    (qm, qw): (Option<Quality>, Option<Quality>),
) -> impl IntoView {
    view! {
        "median " <span class=quality_class(qm)>{db(s.median, unit)}</span>
        ", worst " <span class=quality_class(qw)>{db(s.worst, unit)}</span>
    }
}

/// A device lane's Health panel.
#[component]
pub fn DeviceHealthPanel(lane: String, label: String) -> impl IntoView {
    let viewer = Viewer::expect();
    let key = lane.clone();
    let pace = StoredValue::new(None);
    let health = Memo::new(move |prev| {
        viewer.clock.track();
        paced(prev, pace, || {
            viewer.with_untracked(|m| m.device_health(&key, now().unix_nanos()))
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

/// The newest gaps listed; the rest are counted.
const GAPS_SHOWN: usize = 8;
const RESETS_SHOWN: usize = 3;

fn body(viewer: Viewer, lane: StoredValue<String>, h: &DeviceHealth) -> AnyView {
    let c = &h.counters;
    let gaps = c
        .gaps
        .iter()
        .rev()
        .take(GAPS_SHOWN)
        .enumerate()
        .map(|(i, g)| {
            let gap = g.clone();
            let text = g.range();
            let title = match &g.session {
                Some(addr) => format!("Show the uplinks around this gap (session DevAddr {addr})"),
                None => "Show the uplinks around this gap".to_owned(),
            };
            view! {
                {(i > 0).then_some(", ")}
                <button type="button" class="link" title=title
                    on:click=move |_| lane.with_value(|l| viewer.act(|m| m.filter_gap(l, &gap)))>{text}</button>
            }
        })
        .collect_view();
    // After a restart the range is the latest session's; gaps can be earlier.
    let since = if c.restarted() {
        " since the last counter restart"
    } else {
        ""
    };
    let range = c
        .range
        .map(|(a, b)| {
            if a == b {
                format!(" · FCnt {a}{since}")
            } else {
                format!(" · FCnt {a}–{b}{since}")
            }
        })
        .unwrap_or_default();
    let resets = (!c.resets.is_empty()).then(|| {
        let items: Vec<String> = c
            .resets
            .iter()
            .rev()
            .take(RESETS_SHOWN)
            .map(crate::insight::Reset::words)
            .collect();
        let what = c.resets_heading();
        view! { <p class="health-note">{format!("{what}, newest first: {}.", items.join("; "))} {more(c.resets.len(), RESETS_SHOWN, "earlier")}</p> }
    });
    let per = c.per().map_or_else(|| "–".to_owned(), percent);
    // The median is of uplinks; a silence ends at anything heard, a
    // join-request too (so it can be shorter than the median: say so).
    let interval = format!(
        "median {} between uplinks · longest silence {}{} · {}",
        h.median_interval_ns.map_or_else(|| "–".to_owned(), span),
        h.longest_silence_ns.map_or_else(|| "–".to_owned(), span),
        if h.joins.is_empty() {
            ""
        } else {
            " (join-requests count as heard)"
        },
        h.last_seen_ns.map_or_else(
            || "no uplink in memory".to_owned(),
            |n| format!(
                "last seen {} {}",
                age(n),
                viewer.with_untracked(|m| m.ago())
            )
        ),
    );
    let rates = h
        .data_rates
        .iter()
        .map(|(dr, n)| {
            let class = quality_class(lora_sf(dr).map(crate::insight::sf_quality));
            view! { <span class=format!("chip {class}")>{format!("{dr} ×{n}")}</span>" " }
        })
        .collect_view();
    // SNR reads against the floor of the spreading factor most used.
    let sf = h.main_sf();
    let snr = snr_thresholds(sf);
    let snr_at = sf
        .map(|sf| format!(" (each uplink judged at its SF; lines for SF{sf})"))
        .unwrap_or_default();
    // Each uplink judged at its own SF: the median of their margins over the
    // floor, the worst, each dot; the dashed lines are the most used SF's.
    let snr_qualities = (h.snr_median_quality(), h.snr_worst_quality());
    let esp_qualities = (h.esp.median.map(esp_quality), h.esp.worst.map(esp_quality));
    let snr_points: Vec<(i64, f64, Quality)> = h
        .points
        .iter()
        .filter_map(|p| Some((p.time, p.snr?, p.snr_quality()?)))
        .collect();
    let esp_points: Vec<(i64, f64, Quality)> = h
        .points
        .iter()
        .filter_map(|p| p.esp.map(|v| (p.time, v, esp_quality(v))))
        .collect();
    let airtime = h.airtime.map_or_else(
        || "–".to_owned(),
        |(total, n)| {
            let s = if n == 1 { "" } else { "s" };
            format!(
                "{} over {n} uplink{s} ({} each on average)",
                span((total * 1e9) as i64),
                span((total / n as f64 * 1e9) as i64)
            )
        },
    );
    view! {
        <dl class="health-grid">
            <dt>"Uplinks"</dt>
            <dd>{format!("{} seen{range}", h.uplinks)}" · " {if c.missed == 0 { view! { "none missed" }.into_any() } else { view! { <span class="strong">{format!("{} missed{}", c.missed, if c.restarted() { " in all sessions" } else { "" })}</span>": " {gaps} " " {more(c.gaps.len(), GAPS_SHOWN, "earlier gaps")} }.into_any() }}
                {(c.retransmissions > 0).then(|| format!(" · {} retransmitted", c.retransmissions))}
                {resets}
            </dd>
            <dt>"Packet error rate"</dt>
            <dd>{per}" "<span class="muted">"(missed ÷ (received + missed))"</span></dd>
            <dt>"Interval"</dt>
            <dd>{interval}</dd>
            <dt>"Data rate"</dt>
            <dd>{(h.data_rates.is_empty()).then_some("–")}{rates}</dd>
            <dt>"Signal (best gateway)"</dt>
            <dd>
                <div>"RSSI " {spread(h.rssi, "dBm", (None, None))}</div>
                <div>"SNR " {spread(h.snr, "dB", snr_qualities)}</div>
                <div>"ESP " {spread(h.esp, "dBm", esp_qualities)}</div>
                <div class="plots">
                    <SignalPlot label=format!("SNR over time, dB{snr_at}") points=snr_points thresholds=snr />
                    <SignalPlot label="ESP over time, dBm".into() points=esp_points thresholds=ESP_THRESHOLDS />
                </div>
            </dd>
            <dt>"Airtime"</dt>
            <dd>{airtime}</dd>
        </dl>
        {super::health_parts::reception(h)}
        {super::health_parts::joins(viewer, lane, h)}
        {super::health_parts::downlinks(viewer, lane, h)}
        {super::health_parts::problems(viewer, lane, &h.problems)}
    }
    .into_any()
}
