//! Small SVG plots: a signal over time with its two thresholds, and bars
//! (uplinks per minute). Drawn with SVG attributes only (the page's CSP
//! allows no inline styles); colours come from CSS classes.

use leptos::prelude::*;

use crate::insight::Quality;

const W: f64 = 260.0;
const H: f64 = 64.0;

/// A measure over time: dots coloured by their quality, dashed lines at the
/// good and bad thresholds.
#[component]
pub fn SignalPlot(
    /// What is plotted, for screen readers ("SNR over time").
    label: String,
    /// (time ns, value, its quality).
    points: Vec<(i64, f64, Quality)>,
    /// (good, bad): the dashed lines.
    thresholds: (f64, f64),
) -> impl IntoView {
    let (good, bad) = thresholds;
    let (t0, t1) = points
        .iter()
        .fold((i64::MAX, i64::MIN), |(a, b), (t, _, _)| {
            (a.min(*t), b.max(*t))
        });
    let (lo, hi) = points
        .iter()
        .fold((bad - 4.0, good + 4.0), |(a, b), (_, v, _)| {
            (a.min(*v - 1.0), b.max(*v + 1.0))
        });
    let x = move |t: i64| {
        if t1 > t0 {
            4.0 + (t - t0) as f64 / (t1 - t0) as f64 * (W - 8.0)
        } else {
            W / 2.0
        }
    };
    let y = move |v: f64| 2.0 + (hi - v) / (hi - lo) * (H - 4.0);
    let line = |v: f64, class: &'static str| {
        let yy = format!("{:.1}", y(v));
        view! { <line class=class x1="0" x2=W.to_string() y1=yy.clone() y2=yy></line> }
    };
    let dots = points
        .iter()
        .map(|&(t, v, q)| {
            let class = format!("dot q-{}", q.as_str());
            view! { <circle class=class cx=format!("{:.1}", x(t)) cy=format!("{:.1}", y(v)) r="2.5"></circle> }
        })
        .collect_view();
    // The caption says what the picture is, for everyone (the image's label).
    let caption = format!("{label}; dashed: {good} (good) and {bad} (bad)");
    view! {
        <figure class="plot-figure">
            <svg class="plot" viewBox=format!("0 0 {W} {H}") role="img" aria-label=caption.clone()>
                {line(good, "threshold good")}
                {line(bad, "threshold bad")}
                {dots}
            </svg>
            <figcaption aria-hidden="true">{caption}</figcaption>
        </figure>
    }
}

/// Bars, oldest first (uplinks per minute).
#[component]
pub fn Bars(label: String, values: Vec<u32>) -> impl IntoView {
    let highest = values.iter().copied().max().unwrap_or(0);
    // The scale is at least 1; the caption says what the values are.
    let max = highest.max(1);
    let n = values.len().max(1) as f64;
    let w = W / n;
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let h = f64::from(v) / f64::from(max) * (H - 2.0);
            view! {
                <rect class="bar" x=format!("{:.1}", i as f64 * w + 0.5) y=format!("{:.1}", H - h)
                    width=format!("{:.1}", (w - 1.0).max(1.0)) height=format!("{h:.1}")></rect>
            }
        })
        .collect_view();
    let caption = match highest {
        0 => format!("{label} (none)"),
        n => format!("{label} (highest: {n})"),
    };
    view! {
        <figure class="plot-figure">
            <svg class="plot" viewBox=format!("0 0 {W} {H}") role="img" aria-label=caption.clone()>{bars}</svg>
            <figcaption aria-hidden="true">{caption}</figcaption>
        </figure>
    }
}
