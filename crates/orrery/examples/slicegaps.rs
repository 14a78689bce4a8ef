//! The page's frames benchmark played natively (`?bench=frames`: 1,000 pods created until
//! ready, then scaled to 0 until gone), with the page's slicing: a command's settle and
//! the clock's advances done by `Timeline::work` / `advance_sliced` with a time budget per
//! "frame". Prints the longest stretches of work between two `should_yield` questions —
//! the pieces no budget can cut — and the longest calls, so the frames row's work-only
//! long frames can be found without a browser.
//!
//! `cargo run --profile profiling -p orrery --example slicegaps [BUDGET_MS] [PODS]`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use orrery::shell::Session;
use orrery::timeline::Timeline;

/// One call of the work: what it was, how long, its longest gap between questions and
/// where that gap was (after which question; `tail`: from the last question to the end).
struct Call {
    what: &'static str,
    ms: f64,
    gap_ms: f64,
    gap_at: String,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let budget: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(2.0);
    let pods: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mut t = Timeline::new(Session::new(1));
    let calls: Rc<RefCell<Vec<Call>>> = Rc::default();
    // Frames at 60 Hz, the clock at 8× (the bench's speed): 133 virtual ms a frame.
    let frame_virtual = 133;
    let pods_wanted = pods;
    let phases = [
        format!("kubectl create deployment bench --image=nginx --replicas={pods}"),
        "kubectl scale deployment bench --replicas=0".to_string(),
    ];
    for (i, line) in phases.iter().enumerate() {
        let start = Instant::now();
        let q = Rc::new(RefCell::new((
            Instant::now(),
            0.0f64,
            String::new(),
            0usize,
        )));
        let yielder = |deadline: Instant, q: Rc<RefCell<(Instant, f64, String, usize)>>| {
            move || {
                let now = Instant::now();
                let mut q = q.borrow_mut();
                let gap = (now - q.0).as_secs_f64() * 1e3;
                q.3 += 1;
                if gap > q.1 {
                    q.1 = gap;
                    q.2 = format!("question {}", q.3);
                }
                q.0 = now;
                now >= deadline
            }
        };
        let record =
            |what: &'static str, t0: Instant, q: &Rc<RefCell<(Instant, f64, String, usize)>>| {
                let end = Instant::now();
                let mut q = q.borrow_mut();
                let tail = (end - q.0).as_secs_f64() * 1e3;
                if tail > q.1 {
                    q.1 = tail;
                    q.2 = "tail".into();
                }
                calls.borrow_mut().push(Call {
                    what,
                    ms: (end - t0).as_secs_f64() * 1e3,
                    gap_ms: q.1,
                    gap_at: q.2.clone(),
                });
            };
        let reset = |q: &Rc<RefCell<(Instant, f64, String, usize)>>| {
            *q.borrow_mut() = (Instant::now(), 0.0, String::new(), 0);
        };
        reset(&q);
        let t0 = Instant::now();
        t.exec_sliced(line, None);
        record("exec", t0, &q);
        let done = |t: &Timeline| {
            let pods: Vec<_> = t.session.sim.store.list("Pod", "default").collect();
            if i == 0 {
                pods.len() == pods_wanted
                    && pods
                        .iter()
                        .all(|p| orrery::controllers::replicaset::is_pod_ready(p))
            } else {
                pods.is_empty()
            }
        };
        let mut frames = 0;
        loop {
            frames += 1;
            reset(&q);
            let t0 = Instant::now();
            let deadline = t0 + std::time::Duration::from_secs_f64(budget / 1e3);
            let checkpoints = t.checkpoint_count();
            if t.busy() {
                t.work(yielder(deadline, q.clone()));
                let what = match (t.session.sim.cut_pass(), t.checkpoint_count() > checkpoints) {
                    (_, true) => "work, then a checkpoint",
                    (Some(_), _) => "work (cut in a pass)",
                    (None, _) => "work",
                };
                record(what, t0, &q);
            } else if t.checkpoint_due() || t.chores() {
                // As the page (`clock::drive`): a checkpoint due, the freeze of the past,
                // in frames of their own before time moves on.
                let due = t.checkpoint_due();
                t.tidy(yielder(deadline, q.clone()));
                record(if due { "tidy: the checkpoint" } else { "tidy" }, t0, &q);
            } else {
                if done(&t) {
                    break;
                }
                t.advance_sliced(frame_virtual, yielder(deadline, q.clone()));
                let cp = t.checkpoint_count() > checkpoints;
                record(
                    if cp {
                        "advance, a checkpoint"
                    } else {
                        "advance"
                    },
                    t0,
                    &q,
                );
            }
            assert!(frames < 100_000);
        }
        println!(
            "phase {i} ({line}): {frames} frames, {:.0} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
    }
    let calls = calls.borrow();
    let mut by_gap: Vec<&Call> = calls.iter().collect();
    by_gap.sort_by(|a, b| b.gap_ms.total_cmp(&a.gap_ms));
    println!(
        "budget {budget} ms; {} calls; the 12 longest gaps:",
        calls.len()
    );
    for c in by_gap.iter().take(12) {
        println!(
            "  gap {:7.2} ms at {:12}  call {:7.2} ms  {}",
            c.gap_ms, c.gap_at, c.ms, c.what
        );
    }
    let over: Vec<&Call> = calls.iter().filter(|c| c.ms > budget * 2.0).collect();
    println!("calls over twice the budget: {}", over.len());
}
