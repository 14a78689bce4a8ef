//! The page's code made ready for a learner's first paste while they read the page.
//!
//! The browser compiles the wasm lazily, a function at its first call, into baseline code
//! (V8's Liftoff), and compiles a function again, optimized, only once it has run for a
//! while. The default page draws without parsing anything (the scenario's reports are
//! known, `scenario::known_report`) and its cluster starts empty, so the first paste or
//! `kubectl apply` a learner makes runs the YAML reader, the admission and the
//! controllers for the first time: every function compiled on the spot, then run as
//! baseline code. Measured on the Argo CD install (BENCHMARKS.md, "Paste, session 14"):
//! parse 70 ms and apply 84 ms that way, 33 and 57 ms with every function optimized.
//!
//! So after the first paint, in the browser's idle time, this parses the default
//! scenario's files a few times and applies them to a scratch session that nobody sees,
//! letting it converge; then drops it. Nothing the learner sees or has changes: the
//! scratch session is not the page's, the parses are not remembered
//! (`manifest::REMEMBER_BYTES`), and the work is done in slices that fit the idle
//! periods between frames (`requestIdleCallback`; a task at a time where the browser
//! has none), so that no frame or input waits for it.

// Natively (the unit tests) only the test runs the work; the page's loop is wasm-only.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use crate::report::FileReport;
use crate::scenario;
use orrery::shell::Session;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::{JsCast, JsValue};

/// Parses of the scenario's files: enough runs of the reader's loops for the browser to
/// optimize them (one parse of each did about a third of what six did, measured).
const PARSE_ROUNDS: usize = 12;

/// Scratch sessions the scenario is applied to and converged in, one after the other.
const CLUSTER_ROUNDS: u64 = 3;

/// Virtual time the scratch session converges for, in the steps the page's clock takes
/// (`clock::MAX_FRAME_ADVANCE_MS`).
const CONVERGE_MS: orrery::time::Millis = 30_000;
const STEP_MS: orrery::time::Millis = 2_000;

/// Idle time a slice leaves unused (ms): a unit of work is not started with less.
const MARGIN_MS: f64 = 3.0;

/// Starts the warm-up after the page's first paint (once per page load).
pub fn start() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::Relaxed) {
        return;
    }
    #[cfg(target_arch = "wasm32")]
    leptos::task::spawn_local(run());
}

/// One piece of the warm-up.
enum Unit {
    Parse(&'static str),
    /// A new scratch session (the `n`th).
    Start(u64),
    Apply,
    Advance,
    /// What the canvas works out from the cluster at each step (its scene and layout).
    Draw,
}

fn units() -> Vec<Unit> {
    let mut units = vec![];
    for _ in 0..PARSE_ROUNDS {
        for f in scenario::DEFAULT.files {
            units.push(Unit::Parse(f.text));
        }
    }
    for round in 0..CLUSTER_ROUNDS {
        units.push(Unit::Start(round));
        units.push(Unit::Apply);
        for _ in 0..CONVERGE_MS / STEP_MS {
            units.push(Unit::Advance);
            units.push(Unit::Draw);
        }
    }
    units
}

/// The scratch session's seed: not one a page's session has (the canvas remembers pods'
/// cards by UID and version across sessions, `scene::VisualCache`, and UIDs come from
/// the seed).
const SEED: u64 = u64::from_le_bytes(*b"orrwarm1");

/// The scratch session, with the scenario's files in it.
fn scratch(n: u64) -> Session {
    let mut session = Session::new(SEED + n);
    for f in scenario::DEFAULT.files {
        session.files.insert(f.name.to_string(), f.text.to_string());
    }
    session
}

/// Does one unit; the apply's output (for the tests).
fn work(session: &mut Session, unit: Unit) -> Option<orrery::shell::Output> {
    match unit {
        Unit::Parse(text) => {
            let parsed = orrery::manifest::parse(text);
            std::hint::black_box(FileReport::of_parsed(&parsed));
            None
        }
        Unit::Start(n) => {
            *session = scratch(n);
            None
        }
        Unit::Apply => {
            let line = scenario::DEFAULT
                .files
                .iter()
                .fold("kubectl apply".to_string(), |line, f| {
                    line + " -f " + f.name
                });
            Some(session.exec(&line, None))
        }
        Unit::Advance => {
            session.sim.advance(STEP_MS);
            None
        }
        Unit::Draw => {
            std::hint::black_box(crate::canvas::Layout::of(&session.sim));
            None
        }
    }
}

#[cfg(target_arch = "wasm32")]
async fn run() {
    crate::state::first_paint().await;
    let mut session = scratch(0);
    let mut units = units().into_iter().peekable();
    while units.peek().is_some() {
        let (start, budget) = idle().await;
        // At least one unit a slice, then more while the idle period lasts.
        while let Some(unit) = units.next() {
            std::hint::black_box(work(&mut session, unit));
            if crate::clock::now_ms() - start > budget - MARGIN_MS {
                break;
            }
        }
    }
    drop(session);
    crate::bench::mark("orrery:warm-done");
}

/// Waits for an idle period; returns when it began and how long it lasts (ms). Where
/// the browser has no `requestIdleCallback` (Safari), the next task and 8 ms.
#[cfg(target_arch = "wasm32")]
async fn idle() -> (f64, f64) {
    let mut asked = false;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(ric) = js_sys::Reflect::get(&window, &JsValue::from_str("requestIdleCallback"))
        else {
            return;
        };
        let Some(ric) = ric.dyn_ref::<js_sys::Function>() else {
            return;
        };
        asked = ric.call1(&window, &resolve).is_ok();
    });
    if !asked {
        crate::editor::next_task().await;
        return (crate::clock::now_ms(), 8.0);
    }
    let deadline = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .unwrap_or(JsValue::UNDEFINED);
    let start = crate::clock::now_ms();
    let budget = js_sys::Reflect::get(&deadline, &JsValue::from_str("timeRemaining"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&deadline).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(8.0);
    (start, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The warm-up does what it is for: the scenario's objects are made in the scratch
    /// session and its pods run by the end (a warm-up whose apply failed would warm
    /// nothing but the error path). Its PodSecurityPolicy is refused, as on the newest
    /// Kubernetes (R7.11, R9.5: the scratch session is the default cluster).
    #[test]
    fn the_scratch_session_applies_the_scenario_and_converges() {
        let mut session = scratch(0);
        let mut applied = vec![];
        for unit in units() {
            applied.extend(work(&mut session, unit));
        }
        // Each round's session starts empty: everything is created every time.
        assert_eq!(applied.len() as u64, CLUSTER_ROUNDS);
        for out in &applied {
            for made in [
                "statefulset.apps/mongo created",
                "deployment.apps/pacman created",
                "ingress.networking.k8s.io/pacman-ingress created",
            ] {
                assert!(out.text.contains(made), "{}", out.text);
            }
        }
        let pods = session.exec("kubectl get pods -A", None);
        assert_eq!(pods.code, 0);
        assert!(
            pods.text
                .lines()
                .skip(1)
                .filter(|l| l.contains("Running"))
                .count()
                >= 2,
            "{}",
            pods.text
        );
    }
}
