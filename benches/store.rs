//! The timeline store at 100,000 events: insert rate (below and at the
//! capacity, where every insert evicts), filter re-application over all
//! retained events, and the heap bytes a retained event costs.
//!
//! Events are the 72 examples of `data/example-events.jsonl`, repeated with
//! distinct `unique_id`s, times and correlation IDs, decoded once up front.
//!
//! Run: `CARGO_TARGET_DIR=… cargo bench -p eventline --bench store`.
//! Measures only; asserts nothing about time.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BatchSize, Criterion, Throughput};
    use eventline::store::{Filter, Timeline};
    use eventline::tts::{EntityIds, Event, Shared, Timestamp};
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::hint::black_box;
    use std::sync::atomic::{AtomicIsize, Ordering};

    /// Counts live heap bytes, to measure what the store holds.
    pub struct Counting;
    pub static LIVE: AtomicIsize = AtomicIsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            // SAFETY: forwarded unchanged to the system allocator.
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
            // SAFETY: forwarded unchanged to the system allocator.
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
            LIVE.fetch_add(new as isize - layout.size() as isize, Ordering::Relaxed);
            // SAFETY: forwarded unchanged to the system allocator.
            unsafe { System.realloc(ptr, layout, new) }
        }
    }

    const EXAMPLES: &str = include_str!("../data/example-events.jsonl");
    pub const N: usize = 100_000;

    /// `n` events with distinct IDs, times 1.2 ms apart, one correlation ID
    /// shared by each group of 4 (an uplink's journey) plus the example's own.
    fn events(n: usize) -> (Vec<Event>, usize) {
        let examples: Vec<serde_json::Value> = EXAMPLES
            .lines()
            .map(|l| serde_json::from_str(l).expect("example event"))
            .collect();
        let base_ns: i64 = 1_730_106_840_000_000_000;
        let mut json_bytes = 0;
        let out = (0..n)
            .map(|i| {
                let mut e = examples[i % examples.len()].clone();
                let t = Timestamp::from_unix_nanos(base_ns + i as i64 * 1_234_567);
                e["time"] = t.to_rfc3339().into();
                e["unique_id"] = format!("01JB{i:022}").into();
                let mut corr = vec![serde_json::Value::from(format!("as:up:01JB{:022}", i / 4))];
                if let Some(own) = e["correlation_ids"].as_array() {
                    corr.extend(own.iter().cloned());
                }
                e["correlation_ids"] = corr.into();
                let text = e.to_string();
                json_bytes += text.len();
                Event::from_json(text.as_bytes()).expect("event")
            })
            .collect();
        (out, json_bytes / n)
    }

    fn filled(events: &[Event]) -> Timeline {
        let mut t = Timeline::new();
        for e in events {
            t.push(e.clone());
        }
        t
    }

    fn bench(c: &mut Criterion) {
        let (events, json_per_event) = events(N);
        // Memory: live heap with 100,000 retained, minus the events given to it.
        let before = LIVE.load(Ordering::Relaxed);
        let store = filled(&events);
        let held = LIVE.load(Ordering::Relaxed) - before;
        println!(
            "memory: {} retained, {} bytes of heap per event in the store ({} bytes of JSON per event on the wire)",
            store.len(),
            held / N as isize,
            json_per_event
        );
        drop(store);

        let mut group = c.benchmark_group("store");
        group.sample_size(10);
        group.throughput(Throughput::Elements(N as u64));
        group.bench_function("insert_100k", |b| {
            b.iter_batched(
                || events.clone(),
                |batch| {
                    let mut t = Timeline::new();
                    for e in batch {
                        t.push(e);
                    }
                    t
                },
                BatchSize::PerIteration,
            )
        });
        // A real application: 10,000 devices, so 10,000 lanes (issue: scale in entities).
        let spread: Vec<Event> = events
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut e = e.clone();
                let mut ids = e.identifiers.to_vec();
                for ids in &mut ids {
                    if let EntityIds::Device { device_id, .. } = ids {
                        *device_id = format!("dev-{:05}", i % 10_000);
                    }
                }
                // As the decoder would read them: through the identifiers' cache.
                let json = serde_json::to_string(&ids).expect("serializes");
                e.identifiers = Shared::from_json(&json).expect("reads back");
                e
            })
            .collect();
        // Memory per lane: the same events over 10,000 device lanes against
        // their few lanes above (the events' own heap is the same in both).
        let before = LIVE.load(Ordering::Relaxed);
        let many = filled(&spread);
        let held_many = LIVE.load(Ordering::Relaxed) - before;
        let lanes = (many.lanes().count(), filled(&events).lanes().count());
        drop(many);
        println!(
            "memory per lane: {} bytes of heap ({} lanes against {}; {} against {} bytes per event)",
            (held_many - held) / (lanes.0 - lanes.1).max(1) as isize,
            lanes.0,
            lanes.1,
            held_many / N as isize,
            held / N as isize
        );
        group.bench_function("insert_100k_over_10k_devices", |b| {
            b.iter_batched(
                || spread.clone(),
                |batch| {
                    let mut t = Timeline::new();
                    for e in batch {
                        t.push(e);
                    }
                    t
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_function("insert_100k_at_capacity_evicting", |b| {
            b.iter_batched(
                || (filled(&events), events.clone()),
                |(mut t, batch)| {
                    // The next 100,000 events of the stream: newer, new IDs.
                    let later = N as i64 * 1_234_567;
                    for (i, mut e) in batch.into_iter().enumerate() {
                        e.unique_id = format!("02JB{i:022}").into();
                        e.time = Timestamp::from_unix_nanos(e.time.unix_nanos() + later);
                        t.push(e);
                    }
                    t
                },
                BatchSize::PerIteration,
            )
        });
        group.finish();

        let mut t = filled(&events);
        let mut group = c.benchmark_group("filter_100k");
        group.sample_size(10);
        for (label, query) in [
            ("text_lowercase_deveui", "70b3d57ed0061a2b"),
            ("text_exact_case", "EventlineNotThere"),
            ("text_absent_full_scan", "zzqx-not-there"),
            ("name_glob", "as.up.*"),
            ("kind_gateway", "kind:gateway"),
            ("correlation", "corr:as:up:01JB0000000000000000012345"),
            ("text_and_kind", "kind:device -as.up.* rssi"),
            ("pred_rssi", "rssi<-110"),
            ("pred_fcnt_range", "fcnt:100..200"),
            ("pred_gateway", "gw:rooftop-gw-01"),
        ] {
            let filter = Filter::parse(query).expect("filter");
            t.set_filter(filter.clone());
            println!(
                "filter {query:?}: {} of {} events match",
                t.shown(),
                t.len()
            );
            group.bench_function(label, |b| {
                b.iter(|| {
                    // From no filter: the same filter again would re-test
                    // only its own matches (a filter typed on narrows).
                    t.set_filter(Filter::default());
                    t.set_filter(black_box(filter.clone()));
                    t.shown()
                })
            });
        }
        group.finish();

        // The first filter after ingest: previews are computed on first need,
        // so a term that reads them (text not in the payload, a field) pays
        // for every row once; later filters (above) find them cached.
        let mut group = c.benchmark_group("filter_100k_cold");
        group.sample_size(10);
        for (label, query) in [
            ("name_glob", "as.up.*"),
            ("text_absent_full_scan", "zzqx-not-there"),
            ("pred_rssi", "rssi<-110"),
        ] {
            let filter = Filter::parse(query).expect("filter");
            group.bench_function(label, |b| {
                b.iter_batched(
                    || filled(&events),
                    |mut t| {
                        t.set_filter(black_box(filter.clone()));
                        t
                    },
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();

        // A device Health panel recomputes over the device's events in memory:
        // the busiest device lane of the 100,000.
        let store = filled(&events);
        if let Some(lane) = store
            .lanes()
            .filter(|l| matches!(l.entity, Some(EntityIds::Device { .. })))
            .max_by_key(|l| l.count())
        {
            let key = lane.key.clone();
            let count = lane.count();
            let now = base_time(&store);
            let mut health = c.benchmark_group("insight");
            health.sample_size(10);
            health.bench_function(format!("device_health_{count}_events"), |b| {
                b.iter(|| eventline::insight::device_health(&store, black_box(&key), now))
            });
            health.finish();
        }
    }

    /// The newest retained event's time (ns): "now" for the health computation.
    fn base_time(store: &Timeline) -> i64 {
        store
            .in_time_order()
            .last()
            .map_or(0, |e| e.time.unix_nanos())
    }

    criterion_group!(benches, bench);
}

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: native::Counting = native::Counting;

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

/// Benchmarks run natively only; this keeps `--all-targets` building for wasm.
#[cfg(target_arch = "wasm32")]
fn main() {}
