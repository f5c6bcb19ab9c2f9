//! [`Viewer`]: the one context every component reads the app through. It
//! wraps the pure [`Model`] and [`FormModel`] in a signal each (the bridge,
//! not the state) and adds what only a browser has: a wall-clock tick and the
//! page's geometry. Components read with [`Viewer::with`] / [`Viewer::form`]
//! and change things only by calling model methods through [`Viewer::act`] /
//! [`Viewer::edit_form`]; a change notifies readers only when the model says
//! something visible changed.
//!
//! Arriving events are applied in one batch per frame: the model queues them
//! and this schedules its `flush`, in a task of its own after the next frame
//! ([`after_next_frame`]).

use std::collections::HashMap;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::model::{FormModel, Model, MAX_QUEUED};

/// The drawn lanes estimated far out of view (more than a viewport's height
/// away): their rows wait for a measurement ([`crate::model::window::Measured`]).
#[derive(Clone, Copy)]
pub struct FarLanes(pub Memo<std::collections::HashSet<String>>);

/// The page's viewport and row sizes (CSS px), for the virtualized lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewport {
    /// The window's inner height (0 before the first measurement).
    pub height: f64,
    /// The height of a closed row, measured from the DOM.
    pub row_h: f64,
    /// How much taller than a closed row the open row (its JSON tree) is.
    pub extra: f64,
    /// Each virtualized list's visible band, in px from its top, by lane key
    /// (`""` = flat view): the viewport or its lane's scroll box, whichever is narrower.
    pub bands: HashMap<String, (f64, f64)>,
    /// Bumped by every measurement, so lists look again at where they are.
    pub tick: u64,
    /// The visible band of the lane area, in px from its top (lanes view only).
    pub lanes_band: Option<(f64, f64)>,
    /// The last measured height (with its gap) of each lane drawn with a
    /// panel open (health, messages): such lanes count with it.
    pub lane_heights: HashMap<String, f64>,
    /// Sizes of a lane's parts, for every other lane's height.
    pub lane_sizes: crate::model::lane_window::LaneSizes,
    /// The lane area's width when `lane_sizes` was measured.
    pub lanes_width: f64,
    /// A lane the lane list jumped to, drawn until it has been shown.
    pub pinned_lane: Option<String>,
    /// The lane list: (scroll offset, visible height) and an entry's height.
    pub list_view: Option<(f64, f64)>,
    pub list_item_h: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Self {
            height: 0.0,
            row_h: 44.0,
            extra: 0.0,
            bands: HashMap::new(),
            tick: 0,
            lanes_band: None,
            lane_heights: HashMap::new(),
            lane_sizes: Default::default(),
            lanes_width: 0.0,
            pinned_lane: None,
            list_view: None,
            list_item_h: 26.0,
        }
    }
}

/// The wall clock in milliseconds.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// The wall clock as a [`crate::tts::Timestamp`].
pub fn now() -> crate::tts::Timestamp {
    crate::tts::Timestamp::from_unix_millis(now_ms() as i64)
}

/// Runs `f` in a task of its own once the next frame is drawn: work that
/// changes the page (a flush, a slice of an import) never shares a task
/// with the browser's rendering of the frame before, or with the viewport's
/// measuring of it (each is tens of ms in a flood: together, a long task).
pub fn after_next_frame(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// Everything the components share.
#[derive(Clone, Copy)]
pub struct Viewer {
    model: RwSignal<Model>,
    form: RwSignal<FormModel>,
    /// Ticks once a second (wall-clock ms) so "3 s ago", events/s and
    /// countdowns refresh.
    pub clock: RwSignal<f64>,
    /// Where the page is scrolled, for the virtualized lists.
    pub viewport: RwSignal<Viewport>,
    /// A row the keyboard moved to, to be focused once its list rendered it:
    /// (list key, `""` for the flat view; the event's seq).
    pub pending_focus: RwSignal<Option<(String, crate::store::Seq)>>,
    flush_scheduled: StoredValue<bool>,
    warm_scheduled: StoredValue<bool>,
}

impl Viewer {
    /// A viewer with `form` (what this browser saved) and an empty model.
    pub fn new(form: FormModel) -> Self {
        Self {
            model: RwSignal::new(Model::new()),
            form: RwSignal::new(form),
            clock: RwSignal::new(now_ms()),
            viewport: RwSignal::new(Viewport::default()),
            pending_focus: RwSignal::new(None),
            flush_scheduled: StoredValue::new(false),
            warm_scheduled: StoredValue::new(false),
        }
    }

    /// The viewer provided by `<App/>`.
    pub fn expect() -> Self {
        expect_context::<Viewer>()
    }

    /// Reads the model (and re-runs the reader when it changes).
    pub fn with<T>(&self, read: impl FnOnce(&Model) -> T) -> T {
        self.model.with(read)
    }

    /// Reads the model without subscribing.
    pub fn with_untracked<T>(&self, read: impl FnOnce(&Model) -> T) -> T {
        self.model.with_untracked(read)
    }

    /// Calls a model method; readers re-run only if it changed something
    /// visible. Events it queued are applied after the next frame.
    pub fn act<T: Default>(&self, change: impl FnOnce(&mut Model) -> T) -> T {
        let out = self
            .model
            .try_maybe_update(|m| {
                let out = change(m);
                (m.take_dirty(), out)
            })
            .unwrap_or_default();
        self.schedule_flush();
        out
    }

    /// Reads the connect form (and re-runs the reader when it changes).
    pub fn form<T>(&self, read: impl FnOnce(&FormModel) -> T) -> T {
        self.form.with(read)
    }

    /// Reads the connect form without subscribing.
    pub fn form_untracked<T>(&self, read: impl FnOnce(&FormModel) -> T) -> T {
        self.form.with_untracked(read)
    }

    /// Calls a form method.
    pub fn edit_form<T: Default>(&self, change: impl FnOnce(&mut FormModel) -> T) -> T {
        self.form.try_update(change).unwrap_or_default()
    }

    fn schedule_flush(&self) {
        // Nothing to do on a page unmounted since (tests mount several).
        let queued = self.model.try_with_untracked(Model::incoming).unwrap_or(0);
        if queued == 0 {
            return;
        }
        // A hidden tab gets no animation frames: past a bound, apply at once.
        if queued >= MAX_QUEUED || !cfg!(target_arch = "wasm32") {
            self.flush();
        } else if !self.flush_scheduled.try_get_value().unwrap_or(true) {
            self.flush_scheduled.set_value(true);
            let this = *self;
            let wait = self.model.with_untracked(|m| m.flush_wait(now_ms()));
            if wait <= 0.0 {
                after_next_frame(move || this.flush());
            } else {
                set_timeout(
                    move || after_next_frame(move || this.flush()),
                    std::time::Duration::from_millis(wait.ceil() as u64),
                );
            }
        }
    }

    /// The filter box now says `text`: the waiting events are applied first,
    /// so the filter covers what has arrived.
    pub fn type_filter(&self, text: &str) {
        self.flush();
        self.act(|m| m.type_filter(text));
    }

    /// Applies the waiting events now.
    pub fn flush(&self) {
        self.flush_scheduled.set_value(false);
        let now = now_ms();
        let applied = self
            .model
            .try_maybe_update(|m| {
                let before = m.incoming();
                m.flush(now);
                (m.take_dirty(), before > 0)
            })
            .unwrap_or_default();
        if applied && cfg!(target_arch = "wasm32") {
            self.measure_flush(now);
        }
        self.schedule_warm();
    }

    /// What the flush begun at `start` cost, drawing included, for the model's
    /// pacing: its own task (the store, then the effects that redraw, run as
    /// microtasks after this call returns) and the next frame's rendering of
    /// it (the viewport's measuring, layout, paint) — not the idle wait
    /// between the two.
    fn measure_flush(&self, start: f64) {
        let model = self.model;
        let task = std::rc::Rc::new(std::cell::Cell::new(0.0));
        let in_task = std::rc::Rc::clone(&task);
        // Queued after the redraw's effects, which the flush just woke.
        leptos::task::spawn_local(async move { in_task.set(now_ms() - start) });
        request_animation_frame(move || {
            let frame = now_ms();
            set_timeout(
                move || {
                    let cost = task.get() + now_ms() - frame;
                    model.try_update_untracked(|m| m.flush_cost(cost));
                },
                std::time::Duration::ZERO,
            );
        });
    }

    /// Computes row previews while the page is idle, a few hundred at a
    /// time, so a first text or field filter finds them ready (ingest never
    /// computes them, and a page busy with a flood is never idle).
    fn schedule_warm(&self) {
        // A page unmounted since (tests mount several) counts as scheduled.
        if !cfg!(target_arch = "wasm32") || self.warm_scheduled.try_get_value().unwrap_or(true) {
            return;
        }
        self.warm_scheduled.set_value(true);
        let this = *self;
        let work = Closure::once_into_js(move |deadline: web_sys::IdleDeadline| {
            this.warm_scheduled.set_value(false);
            // Small batches, and never more than 20 ms a callback: idle time
            // must not turn into a long task when events start again.
            let until = now_ms() + deadline.time_remaining().min(20.0) - 3.0;
            let mut more = true;
            while more && now_ms() < until {
                more = this
                    .model
                    .try_update_untracked(|m| m.warm_previews(32))
                    .unwrap_or(false);
            }
            if more {
                this.schedule_warm();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.request_idle_callback(work.unchecked_ref());
        }
    }
}
