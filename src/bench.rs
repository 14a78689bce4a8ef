//! The benchmark page: the release page opened with `?bench` (or `#bench`) mounts this
//! harness instead of the app. It is the real page — the same `Page`, `Canvas` and clock
//! over a `Playground` — driven by a script, and it reports what it measured as one JSON
//! blob in `data-testid="bench-results"` (`data-state` goes `running` → `done`).
//! `scripts/bench.mjs` reads it and prints the budget table (BENCHMARKS.md).
//!
//! What it measures (issue 7's budgets):
//! - `frames`: requestAnimationFrame deltas while 100, 500 and 1,000 pods are created
//!   (`kubectl create deployment bench --image=nginx --replicas=N`, played by the page's
//!   own clock at the fastest speed the time panel offers, 8×, until every replica is
//!   ready) and then deleted (`kubectl scale … --replicas=0` until no pod is left, then
//!   `kubectl delete deployment bench` until the ReplicaSet is gone). The canvas
//!   re-renders all along, as it does for a learner.
//! - `scrub`: with a history of at least 10,000 events (a 1,000-pod Deployment, scaled
//!   down and up until the count is reached), `Playground::view_at(t)` for 50 seeded
//!   random earlier moments: the simulator's part (`view_at` alone) and until the page
//!   has re-rendered and laid out (`to_drawn`).
//! - `memory`: then, back at the present with 1,000 pods: the wasm memory and the JS heap
//!   (`performance.memory`, Chromium only).
//! - `paste` (`?bench=paste`, driven by the script): the text put in the harness's text
//!   box is parsed as the editor does (`editor::parse_in_steps`), applied (`kubectl apply
//!   --server-side -f`, as Argo CD's docs install it;
//!   which re-uses that parse, as after a paste in the editor),
//!   converged (30 virtual seconds, as the simulator's criterion benchmark does, in
//!   steps of the most one frame may advance) and drawn. Each stage is its own task, as
//!   in the editor and the clock; `performance.mark`s around it let the script pick the
//!   long tasks that fall inside.
//!
//! Query: `?bench` runs frames, scrub and memory; `?bench=frames,scrub` a subset;
//! `&sizes=100,500` other pod counts. The harness ships in the release build (about 7 KB
//! of brotli): it measures the page people get, not a special build.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use orrery::sim::{EventRecord, Sim};
use orrery::time::Millis;

use crate::app::Page;
use crate::clock;
use crate::report::FileReport;
use crate::scenario;
use crate::state::{Playground, MAX_FRAME_ADVANCE_MS};

/// The playback speed of the frame benchmark: the fastest the time panel offers.
pub const SPEED: f64 = 8.0;
/// Pod counts of the frame benchmark.
pub const SIZES: [usize; 3] = [100, 500, 1_000];
/// Size of the history the scrub and memory benchmarks need.
pub const HISTORY_EVENTS: u64 = 10_000;
/// Pods alive for the scrub and memory benchmarks.
pub const HISTORY_PODS: usize = 1_000;
/// Random earlier moments the scrub benchmark jumps to.
pub const SCRUB_JUMPS: usize = 50;
/// Virtual time the paste benchmark lets the cluster converge.
pub const PASTE_CONVERGE_MS: Millis = 30_000;
/// The longest any one phase may play before it is reported as not converged (real ms).
const PHASE_TIMEOUT_MS: f64 = 90_000.0;

// ------------------------------------------------------------------ pure, tested natively

/// Which benchmarks a URL asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tasks {
    pub frames: bool,
    pub scrub: bool,
    pub memory: bool,
    pub paste: bool,
    pub sizes: Vec<usize>,
    /// `&libyaml`: every document read by serde_yaml (libyaml), without the fast YAML
    /// reader — to compare the two in one build, at one machine load.
    pub libyaml: bool,
}

/// Reads `?bench[=a,b]&sizes=…` or `#bench[=a,b]` (`search` and `hash` as `location`
/// gives them). `None`: not a benchmark URL.
pub fn parse_request(search: &str, hash: &str) -> Option<Tasks> {
    let pairs = |s: &str| -> Vec<(String, String)> {
        s.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect()
    };
    let mut all = pairs(search.trim_start_matches('?'));
    all.extend(pairs(hash.trim_start_matches('#')));
    let (_, which) = all.iter().find(|(k, _)| k == "bench")?;
    let which: Vec<&str> = which.split(',').filter(|w| !w.is_empty()).collect();
    let on = |name: &str| {
        if which.is_empty() {
            name != "paste"
        } else {
            which.contains(&name)
        }
    };
    let sizes = all
        .iter()
        .find(|(k, _)| k == "sizes")
        .map(|(_, v)| {
            v.split(',')
                .filter_map(|n| n.parse::<usize>().ok())
                .filter(|n| (1..=5_000).contains(n))
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| SIZES.to_vec());
    Some(Tasks {
        frames: on("frames"),
        scrub: on("scrub"),
        memory: on("memory"),
        paste: on("paste"),
        sizes,
        libyaml: all.iter().any(|(k, _)| k == "libyaml"),
    })
}

/// Median, 95th percentile (nearest rank) and maximum of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    pub count: usize,
    pub median: f64,
    pub p95: f64,
    pub max: f64,
}

impl Stats {
    pub fn of(values: &[f64]) -> Stats {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let rank = |p: f64| -> f64 {
            if v.is_empty() {
                return 0.0;
            }
            let i = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
            v[i]
        };
        Stats {
            count: v.len(),
            median: rank(0.5),
            p95: rank(0.95),
            max: v.last().copied().unwrap_or(0.0),
        }
    }

    pub fn to_json(self) -> Value {
        json!({
            "count": self.count,
            "median_ms": round2(self.median),
            "p95_ms": round2(self.p95),
            "max_ms": round2(self.max),
        })
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Counts the Events a simulator records over a history, although its log keeps only
/// the newest `MAX_EVENTS`: observe it often enough (fewer new records between two looks
/// than the log holds) and every new record is counted once. Repeats of a record (`x3`)
/// are not new records, so the count never overstates the history.
#[derive(Clone, Debug, Default)]
pub struct EventCounter {
    pub total: u64,
    last: Option<(Millis, String, String, String)>,
}

impl EventCounter {
    fn is(e: &EventRecord, k: &(Millis, String, String, String)) -> bool {
        e.first_ms == k.0 && e.uid == k.1 && e.reason == k.2 && e.message == k.3
    }

    pub fn observe(&mut self, events: &VecDeque<std::sync::Arc<EventRecord>>) {
        let new = match &self.last {
            None => events.len(),
            Some(k) => events
                .iter()
                .rev()
                .position(|e| Self::is(e, k))
                .unwrap_or(events.len()),
        };
        self.total += new as u64;
        self.last = events.back().map(|e| {
            (
                e.first_ms,
                e.uid.clone(),
                e.reason.clone(),
                e.message.clone(),
            )
        });
    }
}

/// A small seeded generator for the scrub's moments, so every run jumps to the same ones.
#[derive(Clone, Debug)]
pub struct Lcg(pub u64);

impl Lcg {
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Pods of the Deployment `name` in `default`, and how many of them are ready.
fn pods_of(sim: &Sim, name: &str) -> (usize, usize) {
    let prefix = format!("{name}-");
    let mut pods = 0;
    let mut ready = 0;
    for p in sim.store.list("Pod", "default") {
        if !p.meta.name.starts_with(&prefix) {
            continue;
        }
        pods += 1;
        let is_ready = p
            .get(&["status", "conditions"])
            .as_array()
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            });
        if is_ready && !p.is_deleting() {
            ready += 1;
        }
    }
    (pods, ready)
}

/// Every one of `n` replicas of Deployment `name` is ready, and no other pod of it lives.
pub fn deployment_ready(sim: &Sim, name: &str, n: usize) -> bool {
    pods_of(sim, name) == (n, n)
}

/// Deployment `name` has no pod left (scaled to 0, or deleted with its ReplicaSet).
pub fn deployment_empty(sim: &Sim, name: &str) -> bool {
    pods_of(sim, name).0 == 0
}

/// Deployment `name` and its ReplicaSets are gone.
pub fn deployment_gone(sim: &Sim, name: &str) -> bool {
    let prefix = format!("{name}-");
    sim.store.find("Deployment.apps", "default", name).is_none()
        && !sim
            .store
            .list("ReplicaSet.apps", "default")
            .any(|r| r.meta.name.starts_with(&prefix))
        && deployment_empty(sim, name)
}

// ------------------------------------------------------------------ the browser side

#[wasm_bindgen]
extern "C" {
    type Performance;
    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: Performance;
    #[wasm_bindgen(method)]
    fn now(this: &Performance) -> f64;
    #[wasm_bindgen(method, catch)]
    fn mark(this: &Performance, name: &str) -> Result<JsValue, JsValue>;
    /// `performance.memory`: Chromium only.
    #[wasm_bindgen(method, getter)]
    fn memory(this: &Performance) -> Option<MemoryInfo>;
    type MemoryInfo;
    #[wasm_bindgen(method, getter, js_name = usedJSHeapSize)]
    fn used_js_heap_size(this: &MemoryInfo) -> f64;

    type Location;
    #[wasm_bindgen(thread_local_v2, js_name = location)]
    static LOCATION: Location;
    #[wasm_bindgen(method, getter)]
    fn search(this: &Location) -> String;
    #[wasm_bindgen(method, getter)]
    fn hash(this: &Location) -> String;

    type Navigator;
    #[wasm_bindgen(thread_local_v2, js_name = navigator)]
    static NAVIGATOR: Navigator;
    #[wasm_bindgen(method, getter, js_name = userAgent)]
    fn user_agent(this: &Navigator) -> String;
    #[wasm_bindgen(method, getter, js_name = hardwareConcurrency)]
    fn hardware_concurrency(this: &Navigator) -> f64;

    type WasmMemory;
    #[wasm_bindgen(method, getter)]
    fn buffer(this: &WasmMemory) -> ByteBuffer;
    type ByteBuffer;
    #[wasm_bindgen(method, getter, js_name = byteLength)]
    fn byte_length(this: &ByteBuffer) -> f64;
}

fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.now())
}

/// `performance.mark(name)`: the page's startup marks (`orrery:*`, BENCHMARKS.md) and
/// the harness's own.
pub fn mark(name: &str) {
    PERFORMANCE.with(|p| {
        let _ = p.mark(name);
    });
}

/// Sets `performance.mark("orrery:first-render")`. `main` calls it right after the app
/// is mounted: the canvas has drawn its first scene into the DOM and every handler is
/// attached, so the page is drawn (at the next paint) and interactive.
pub fn mark_first_render() {
    mark("orrery:first-render");
}

fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<WasmMemory>()
        .buffer()
        .byte_length()
}

fn js_heap_bytes() -> Option<f64> {
    PERFORMANCE.with(|p| p.memory().map(|m| m.used_js_heap_size()))
}

/// Mounts the harness instead of the app if the URL asks for it.
pub fn mount_if_requested() -> bool {
    let (search, hash) = LOCATION.with(|l| (l.search(), l.hash()));
    let Some(tasks) = parse_request(&search, &hash) else {
        return false;
    };
    leptos::mount::mount_to_body(move || view! { <BenchApp tasks=tasks /> });
    true
}

/// requestAnimationFrame deltas, recorded while `recording`.
#[derive(Default)]
struct Frames {
    recording: bool,
    last: Option<f64>,
    deltas: Vec<f64>,
    running: bool,
}

#[derive(Clone)]
struct Sampler(Rc<RefCell<Frames>>);

/// The frame callback, shared with itself so that it can ask for the next frame.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

impl Sampler {
    fn start() -> Sampler {
        let s = Sampler(Rc::new(RefCell::new(Frames {
            running: true,
            ..Frames::default()
        })));
        let inner = s.0.clone();
        let cb: FrameCallback = Rc::new(RefCell::new(None));
        let again = cb.clone();
        *cb.borrow_mut() = Some(Closure::new(move |t: f64| {
            let running = {
                let mut f = inner.borrow_mut();
                if f.recording {
                    if let Some(last) = f.last {
                        f.deltas.push(t - last);
                    }
                    f.last = Some(t);
                }
                f.running
            };
            if running {
                request_frame(&again);
            }
        }));
        request_frame(&cb);
        s
    }

    fn record(&self) {
        let mut f = self.0.borrow_mut();
        f.recording = true;
        f.last = None;
        f.deltas.clear();
    }

    fn take(&self) -> Vec<f64> {
        let mut f = self.0.borrow_mut();
        f.recording = false;
        std::mem::take(&mut f.deltas)
    }

    /// The loop ends at its next frame. The closure is leaked on purpose: the benchmark
    /// page lives until it is closed, and a dropped closure must never be called.
    fn stop(&self) {
        self.0.borrow_mut().running = false;
    }
}

fn request_frame(cb: &FrameCallback) {
    if let (Some(w), Some(c)) = (web_sys::window(), cb.borrow().as_ref()) {
        let _ = w.request_animation_frame(c.as_ref().unchecked_ref());
    }
}

/// Lets the page catch up: a new task (so every pending render effect has run), then a
/// forced style and layout.
/// Lets the page render what changed: a new task of the browser's event loop (a message
/// the page posts to itself, [`crate::editor::next_task`]), then a forced layout. Not a
/// `setTimeout(0)`: the browser holds a timer nested more than five deep for at least
/// 4 ms, idle time every phase would have counted from its sixth step on.
async fn settle() {
    crate::editor::next_task().await;
    if let Some(body) = document().body() {
        let _ = body.offset_height();
    }
}

/// What the harness shows and reports.
#[derive(Clone, Copy)]
struct Report {
    status: RwSignal<String>,
    state: RwSignal<&'static str>,
    results: RwSignal<String>,
}

impl Report {
    fn say(&self, s: impl Into<String>) {
        self.status.set(s.into());
    }

    fn finish(&self, v: &Value, errors: &[String]) {
        let mut v = v.clone();
        v["errors"] = json!(errors);
        self.results
            .set(serde_json::to_string_pretty(&v).unwrap_or_default());
        self.state
            .set(if errors.is_empty() { "done" } else { "error" });
    }
}

/// The frames of one phase of play.
struct Played {
    deltas: Vec<f64>,
    real_ms: f64,
    virtual_ms: Millis,
    converged: bool,
}

impl Played {
    fn to_json(&self) -> Value {
        let mut v = Stats::of(&self.deltas).to_json();
        v["real_ms"] = json!(round2(self.real_ms));
        v["virtual_ms"] = json!(self.virtual_ms);
        v["converged"] = json!(self.converged);
        // Frames that took two vsync intervals or more (at 60 Hz).
        v["dropped"] = json!(self.deltas.iter().filter(|d| **d > 25.0).count());
        v
    }
}

struct Bench {
    pg: Playground,
    frames: Sampler,
    events: EventCounter,
    errors: Vec<String>,
    /// Where the wasm memory grew (it never shrinks, so this finds its high-water mark):
    /// what was happening, and the new size.
    growth: Vec<Value>,
    memory_seen: f64,
}

impl Bench {
    /// Notes the wasm memory's size if it grew since the last look.
    fn watch_memory(&mut self, during: &str, real_ms: f64) {
        let bytes = wasm_memory_bytes();
        if bytes > self.memory_seen {
            self.memory_seen = bytes;
            self.growth.push(json!({
                "during": during,
                "real_ms": round2(real_ms),
                "virtual_ms": self.pg.now(),
                "mb": round2(bytes / 1_048_576.0),
            }));
        }
    }

    fn count_events(&mut self) {
        let events = &mut self.events;
        untrack(|| self.pg.with_sim(|s| events.observe(&s.events)));
    }

    fn run(&mut self, line: &str) {
        let out = self.pg.run(line, None, "bench");
        if out.code != 0 {
            self.errors.push(format!("{line}: {}", out.text.trim()));
        }
    }

    /// Runs `line`, then plays the clock at [`SPEED`] until `done`, recording frames.
    async fn play(&mut self, line: &str, done: impl Fn(&Sim) -> bool) -> Played {
        self.frames.record();
        TimeoutFuture::new(20).await;
        let v0 = self.pg.now();
        let t0 = now_ms();
        self.run(line);
        self.watch_memory(line, now_ms() - t0);
        self.pg.playing.set(true);
        let mut converged = false;
        while now_ms() - t0 < PHASE_TIMEOUT_MS {
            TimeoutFuture::new(30).await;
            self.watch_memory(line, now_ms() - t0);
            self.count_events();
            // Converged: settled (no slice of work pending) and done. Checked only then,
            // so the harness's own scan of a thousand pods does not land in busy frames.
            if !self.pg.pending() && untrack(|| self.pg.with_sim(&done)) {
                converged = true;
                break;
            }
        }
        self.pg.playing.set(false);
        let real_ms = now_ms() - t0;
        let deltas = self.frames.take();
        if !converged {
            self.errors
                .push(format!("{line}: not converged after {real_ms:.0} ms"));
        }
        Played {
            deltas,
            real_ms,
            virtual_ms: self.pg.now() - v0,
            converged,
        }
    }
}

async fn run(pg: Playground, tasks: Tasks, report: Report) {
    settle().await;
    let mut b = Bench {
        pg,
        frames: Sampler::start(),
        events: EventCounter::default(),
        errors: vec![],
        growth: vec![],
        memory_seen: wasm_memory_bytes(),
    };
    let memory_at_start = wasm_memory_bytes();
    let mut out = json!({
        "speed": SPEED,
        "user_agent": NAVIGATOR.with(|n| n.user_agent()),
        "cores": NAVIGATOR.with(|n| n.hardware_concurrency()),
        "cross_origin_isolated": web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"crossOriginIsolated".into()).ok())
            .and_then(|v| v.as_bool()),
    });

    if tasks.frames {
        let mut frames = serde_json::Map::new();
        // The floor of the measurement: a second of frames with nothing to do. Its p95
        // is what a perfect run would read (16.67 at 60 Hz when the page is cross-origin
        // isolated; up to 16.8 when it is not and timestamps are coarsened to 100 µs).
        report.say("frames: idle");
        b.frames.record();
        TimeoutFuture::new(1_000).await;
        out["frames_idle"] = Stats::of(&b.frames.take()).to_json();
        for &n in &tasks.sizes {
            report.say(format!("frames: creating {n} pods"));
            let create = b
                .play(
                    &format!("kubectl create deployment bench --image=nginx --replicas={n}"),
                    |s| deployment_ready(s, "bench", n),
                )
                .await;
            report.say(format!("frames: deleting {n} pods"));
            let scale = b
                .play("kubectl scale deployment bench --replicas=0", |s| {
                    deployment_empty(s, "bench")
                })
                .await;
            let delete = b
                .play("kubectl delete deployment bench", |s| {
                    deployment_gone(s, "bench")
                })
                .await;
            let mut gone = scale.deltas.clone();
            gone.extend(&delete.deltas);
            let mut all = create.deltas.clone();
            all.extend(&gone);
            frames.insert(
                n.to_string(),
                json!({
                    "create": create.to_json(),
                    "scale_to_0": scale.to_json(),
                    "delete": delete.to_json(),
                    "all": Stats::of(&all).to_json(),
                }),
            );
        }
        out["frames"] = Value::Object(frames);
    }

    if tasks.scrub || tasks.memory {
        // A history of at least HISTORY_EVENTS events, ending with HISTORY_PODS pods.
        report.say(format!("history: {HISTORY_PODS} pods"));
        let n = HISTORY_PODS;
        let create = b
            .play(
                &format!("kubectl create deployment history --image=nginx --replicas={n}"),
                |s| deployment_ready(s, "history", n),
            )
            .await;
        let mut rounds = 0;
        while b.events.total < HISTORY_EVENTS && rounds < 10 {
            rounds += 1;
            report.say(format!(
                "history: {} events, churn round {rounds}",
                b.events.total
            ));
            b.play("kubectl scale deployment history --replicas=0", |s| {
                deployment_empty(s, "history")
            })
            .await;
            b.play(
                &format!("kubectl scale deployment history --replicas={n}"),
                |s| deployment_ready(s, "history", n),
            )
            .await;
        }
        b.count_events();
        let (pods, ready) = untrack(|| pg.with_sim(|s| pods_of(s, "history")));
        out["history"] = json!({
            "events": b.events.total,
            "pods": pods,
            "ready": ready,
            "start_ms": pg.start(),
            "now_ms": pg.now(),
            "churn_rounds": rounds,
            "create_frames": create.to_json(),
        });
        if b.events.total < HISTORY_EVENTS {
            b.errors.push(format!(
                "history has only {} events (wanted {HISTORY_EVENTS})",
                b.events.total
            ));
        }
    }

    if tasks.scrub {
        report.say("scrub");
        b.frames.stop();
        let (start, present) = (pg.start(), pg.now());
        let mut rng = Lcg(0x0bb1_7e57);
        let mut sim_ms = vec![];
        let mut drawn_ms = vec![];
        let mut moments = vec![];
        // Jumps that showed another moment than the one asked for (should stay 0).
        let mut wrong_moment = 0;
        // The pods each jump showed (untimed).
        let mut pods_shown = vec![];
        for i in 0..SCRUB_JUMPS {
            report.say(format!("scrub: jump {}/{SCRUB_JUMPS}", i + 1));
            let t = start + rng.below((present - start).max(1) as u64) as Millis;
            moments.push(t);
            let t0 = now_ms();
            pg.view_at(t);
            let t1 = now_ms();
            settle().await;
            let t2 = now_ms();
            b.watch_memory(&format!("scrub jump {}", i + 1), t2 - t0);
            sim_ms.push(t1 - t0);
            drawn_ms.push(t2 - t0);
            if untrack(|| pg.with_sim(|s| s.now)) != t {
                wrong_moment += 1;
            }
            pods_shown.push(untrack(|| pg.with_sim(|s| s.store.list_all("Pod").count())));
        }
        pg.view_at(present);
        settle().await;
        out["scrub"] = json!({
            "jumps": SCRUB_JUMPS,
            "view_at": Stats::of(&sim_ms).to_json(),
            "to_drawn": Stats::of(&drawn_ms).to_json(),
            "wrong_moment": wrong_moment,
            "moments_ms": moments,
            // Each jump's times, in order (which jumps are the slow ones).
            "view_at_each_ms": sim_ms.iter().map(|&x| round2(x)).collect::<Vec<_>>(),
            "to_drawn_each_ms": drawn_ms.iter().map(|&x| round2(x)).collect::<Vec<_>>(),
            "pods_each": pods_shown,
        });
    } else {
        b.frames.stop();
    }

    if tasks.memory {
        report.say("memory");
        TimeoutFuture::new(500).await;
        let (pods, ready) = untrack(|| pg.with_sim(|s| pods_of(s, "history")));
        out["memory"] = json!({
            "wasm_bytes": wasm_memory_bytes(),
            "js_heap_bytes": js_heap_bytes(),
            "pods": pods,
            "ready": ready,
            "events": b.events.total,
            "wasm_bytes_at_start": memory_at_start,
            "growth": b.growth.clone(),
        });
    }

    report.say("done");
    report.finish(&out, &b.errors);
}

/// The paste benchmark, on the text the script put in the harness's text box.
async fn paste(pg: Playground, text: String, report: Report) {
    let mut errors = vec![];
    report.say("paste: parsing");
    settle().await;
    mark("orrery-bench:paste-start");
    let t0 = now_ms();
    // The editor's report on the text (diagnostics and kinds), as on paste: parsed a
    // few documents at a time, the browser getting the thread back in between, and
    // remembered for the apply.
    let file = match crate::editor::parse_in_steps(&text, || true).await {
        Some(parsed) => FileReport::of_parsed(&parsed),
        None => FileReport::of(&text),
    };
    settle().await;
    let t_parse = now_ms();
    pg.set_file("install.yaml", &text);
    // Server-side, as Argo CD's docs install it: client-side apply refuses its
    // ApplicationSet CRD (its last-applied annotation would be over 256 KiB).
    let out = pg.run("kubectl apply --server-side -f install.yaml", None, "bench");
    if out.code != 0 {
        errors.push(format!("kubectl apply: {}", out.text.trim()));
    }
    settle().await;
    let t_apply = now_ms();
    let mut chunks = vec![];
    let mut left = PASTE_CONVERGE_MS;
    while left > 0 {
        let c0 = now_ms();
        let ms = left.min(MAX_FRAME_ADVANCE_MS);
        pg.advance(ms);
        left -= ms;
        settle().await;
        chunks.push(now_ms() - c0);
    }
    let t_end = now_ms();
    mark("orrery-bench:paste-end");
    let count = |id: &str| {
        document()
            .query_selector_all(&format!("[data-testid=\"{id}\"]"))
            .map(|l| l.length())
            .unwrap_or(0)
    };
    let objects = untrack(|| pg.with_sim(|s| s.store.len()));
    let result = json!({
        "paste": {
            "bytes": text.len(),
            "documents": file.documents,
            "diagnostics": file.diagnostics.len(),
            "applied_lines": out.text.lines().count(),
            "objects": objects,
            "parse_ms": round2(t_parse - t0),
            "apply_ms": round2(t_apply - t_parse),
            "converge_ms": round2(t_end - t_apply),
            "converge_virtual_ms": PASTE_CONVERGE_MS,
            "converge_chunk": Stats::of(&chunks).to_json(),
            "total_ms": round2(t_end - t0),
            "drawn": {
                "deployments": count("deployment"),
                "statefulsets": count("statefulset"),
                "pods": count("pod"),
                "services": count("service"),
            },
        }
    });
    report.say("done");
    report.finish(&result, &errors);
}

#[component]
fn BenchApp(tasks: Tasks) -> impl IntoView {
    let pg = Playground::new(1);
    provide_context(pg);
    clock::use_clock(pg);
    pg.speed.set(SPEED);
    let report = Report {
        status: RwSignal::new("starting".to_string()),
        state: RwSignal::new("running"),
        results: RwSignal::new(String::new()),
    };
    let input = NodeRef::<leptos::html::Textarea>::new();
    let paste_mode = tasks.paste;
    if tasks.libyaml {
        orrery::yaml_fast::set_enabled(false);
    }
    if paste_mode {
        report.state.set("waiting");
        report.say("paste: put a manifest in the box and press Run");
    } else {
        spawn_local(run(pg, tasks.clone(), report));
    }
    let on_run = move |_| {
        // The box is emptied: 2 MB of text in it would be repainted with every frame
        // and counted against the page.
        let text = input
            .get_untracked()
            .map(|t| {
                let v = t.value();
                t.set_value("");
                v
            })
            .unwrap_or_default();
        report.state.set("running");
        spawn_local(paste(pg, text, report));
    };
    let paste_box = paste_mode.then(|| {
        view! {
            <textarea node_ref=input data-testid="bench-paste" aria-label="Manifest to paste"
                rows="2" cols="60" spellcheck="false"></textarea>
            <button type="button" data-testid="bench-paste-run" on:click=on_run>"Run"</button>
        }
    });
    view! {
        // `style:` sets each property through the CSSOM, which the page's
        // Content-Security-Policy allows; a `style="…"` attribute it would refuse.
        <section data-testid="bench" aria-label="Benchmark"
            style:font="13px/1.4 ui-monospace, monospace" style:padding="8px 12px"
            style:border-bottom="1px solid #8884">
            <strong>"Orrery benchmark · "</strong>
            <span data-testid="bench-status" aria-live="polite">{move || report.status.get()}</span>
            {paste_box}
            <details>
                <summary>"Results (JSON)"</summary>
                <pre data-testid="bench-results" data-state=move || report.state.get()
                    style:max-height="40vh" style:overflow="auto">{move || report.results.get()}</pre>
            </details>
        </section>
        <Page scenario=scenario::DEFAULT />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::shell::Session;

    #[test]
    fn urls_name_the_benchmarks() {
        assert_eq!(parse_request("", ""), None);
        assert_eq!(parse_request("?benchmark", ""), None);
        let all = parse_request("?bench", "").unwrap();
        assert!(all.frames && all.scrub && all.memory && !all.paste);
        assert_eq!(all.sizes, vec![100, 500, 1_000]);
        assert_eq!(parse_request("", "#bench"), Some(all.clone()));
        let some = parse_request("?bench=paste&sizes=10,x,20000,50", "").unwrap();
        assert!(some.paste && !some.frames && !some.scrub);
        assert_eq!(some.sizes, vec![10, 50]);
        let two = parse_request("?x=1&bench=frames,scrub", "").unwrap();
        assert!(two.frames && two.scrub && !two.memory);
        assert!(!two.libyaml);
        assert!(parse_request("?bench=paste&libyaml", "").unwrap().libyaml);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let s = Stats::of(&v);
        assert_eq!((s.count, s.median, s.p95, s.max), (100, 50.0, 95.0, 100.0));
        let s = Stats::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.p95, s.max), (2.0, 3.0, 3.0));
        assert_eq!(Stats::of(&[]).count, 0);
        assert_eq!(Stats::of(&[f64::NAN, 4.0]).max, 4.0);
    }

    #[test]
    fn the_event_counter_sees_past_the_log_bound() {
        let mut s = Session::new(1);
        let mut c = EventCounter::default();
        c.observe(&s.sim.events);
        let mut total_log = 0;
        for _ in 0..3 {
            s.exec(
                "kubectl create deployment web --image=nginx --replicas=400",
                None,
            );
            s.exec("sleep 5s", None);
            c.observe(&s.sim.events);
            s.exec("kubectl delete deployment web", None);
            s.exec("sleep 40s", None);
            c.observe(&s.sim.events);
            total_log = s.sim.events.len();
        }
        assert!(
            c.total as usize > total_log,
            "{} counted, {} in the log",
            c.total,
            total_log
        );
        // Observing again without change adds nothing.
        let before = c.total;
        c.observe(&s.sim.events);
        assert_eq!(c.total, before);
    }

    #[test]
    fn readiness_checks_follow_the_deployment() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment bench --image=nginx --replicas=3",
            None,
        );
        assert!(!deployment_ready(&s.sim, "bench", 3));
        s.exec("sleep 30s", None);
        assert!(deployment_ready(&s.sim, "bench", 3));
        assert!(!deployment_empty(&s.sim, "bench"));
        s.exec("kubectl scale deployment bench --replicas=0", None);
        s.exec("sleep 60s", None);
        assert!(deployment_empty(&s.sim, "bench"));
        assert!(!deployment_gone(&s.sim, "bench"));
        s.exec("kubectl delete deployment bench", None);
        s.exec("sleep 30s", None);
        assert!(deployment_gone(&s.sim, "bench"));
    }

    #[test]
    fn moments_are_seeded() {
        let a: Vec<u64> = {
            let mut r = Lcg(7);
            (0..5).map(|_| r.below(1000)).collect()
        };
        let b: Vec<u64> = {
            let mut r = Lcg(7);
            (0..5).map(|_| r.below(1000)).collect()
        };
        assert_eq!(a, b);
        assert!(a.iter().all(|x| *x < 1000));
    }
}
