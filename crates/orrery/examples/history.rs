//! The browser benchmark's history, natively: a 1,000-pod Deployment played at the page's
//! pace (133 virtual ms a frame, as the clock hands it at 8×), scaled down and up until
//! 10,000+ events, then 50 seeded jumps. Prints time per phase, live heap (counting
//! allocator) and the slowest jumps. `cargo run --release -p orrery --example history`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::Instant;

use orrery::shell::Session;
use orrery::sim::Sim;
use orrery::timeline::Timeline;

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = LIVE.fetch_add(l.size() as isize, Ordering::Relaxed) + l.size() as isize;
        PEAK.fetch_max(n as usize, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let n = LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed) + new as isize
            - l.size() as isize;
        PEAK.fetch_max(n as usize, Ordering::Relaxed);
        System.realloc(p, l, new)
    }
}
#[global_allocator]
static A: Counting = Counting;

fn mb(n: isize) -> f64 {
    n as f64 / 1024.0 / 1024.0
}

fn pods(sim: &Sim) -> (usize, usize) {
    let mut n = 0;
    let mut ready = 0;
    for p in sim.store.list("Pod", "default") {
        n += 1;
        let r = p
            .get(&["status", "conditions"])
            .as_array()
            .is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            });
        if r && !p.is_deleting() {
            ready += 1;
        }
    }
    (n, ready)
}

fn play(tl: &mut Timeline, line: &str, done: impl Fn(&Sim) -> bool, frames: &mut Vec<f64>) {
    let t = Instant::now();
    tl.exec(line, None);
    frames.push(t.elapsed().as_secs_f64() * 1e3);
    for _ in 0..2_000 {
        if done(&tl.session.sim) {
            return;
        }
        let t = Instant::now();
        tl.advance(133);
        frames.push(t.elapsed().as_secs_f64() * 1e3);
    }
    panic!("{line}: not converged");
}

/// This thread's CPU time in ms (Linux `/proc/thread-self/schedstat`), so that the bare
/// numbers do not depend on what else the machine runs; wall-clock time elsewhere.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

fn play_bare(s: &mut Session, line: &str, done: impl Fn(&Sim) -> bool, frames: &mut Vec<f64>) {
    let verbose = std::env::var("VERBOSE").is_ok();
    let t = cpu_ms();
    let steps = s.sim.steps.len();
    s.exec(line, None);
    frames.push(cpu_ms() - t);
    if verbose {
        println!(
            "  {line}: {:.1} ms, {} steps",
            frames[frames.len() - 1],
            s.sim.steps.len() - steps
        );
    }
    for _ in 0..2_000 {
        if done(&s.sim) {
            return;
        }
        let t = cpu_ms();
        let steps = s.sim.steps.len();
        s.sim.advance(133);
        frames.push(cpu_ms() - t);
        if verbose && frames[frames.len() - 1] > 1.0 {
            println!(
                "  frame ending at {} ms: {:.1} ms, {} steps",
                s.sim.now,
                frames[frames.len() - 1],
                s.sim.steps.len() - steps
            );
        }
    }
}

fn main() {
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    if std::env::var("BARE").is_ok() {
        // REPEAT=k plays the bare history k times (more samples for perf).
        let repeat: usize = std::env::var("REPEAT")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(1);
        // One bare history: create n pods, then scale to 0; its frames.
        let play_once = || {
            let mut s = Session::new(1);
            let mut frames = vec![];
            play_bare(
                &mut s,
                &format!("kubectl create deployment history --image=nginx --replicas={n}"),
                |s| pods(s) == (n, n),
                &mut frames,
            );
            play_bare(
                &mut s,
                "kubectl scale deployment history --replicas=0",
                |s| pods(s).0 == 0,
                &mut frames,
            );
            frames
        };
        for _ in 1..repeat {
            play_once();
        }
        let frames = play_once();
        let mut f = frames.clone();
        f.sort_by(f64::total_cmp);
        println!(
            "bare sim (CPU time): {} frames, sum {:.0} ms, max {:.1}, p95 {:.1}, median {:.1}",
            f.len(),
            f.iter().sum::<f64>(),
            f[f.len() - 1],
            f[f.len() * 95 / 100],
            f[f.len() / 2]
        );
        println!("{:?}", frames.iter().map(|x| *x as i64).collect::<Vec<_>>());
        return;
    }
    let mut tl = Timeline::new(Session::new(1));
    // NOFREEZE=1: the checkpoints keep their past pod versions whole (as before
    // session 5), to compare memory and jump times; THAWED=n: keep the newest n whole
    // (default `timeline::THAWED_PAST`).
    if std::env::var("NOFREEZE").is_ok() {
        tl.set_thawed_past(usize::MAX);
    }
    if let Some(n) = std::env::var("THAWED").ok().and_then(|v| v.parse().ok()) {
        tl.set_thawed_past(n);
    }
    // CPSTEPS=n: a checkpoint every n steps (default 150).
    if let Some(n) = std::env::var("CPSTEPS").ok().and_then(|v| v.parse().ok()) {
        tl.set_checkpoint_every_steps(n);
    }
    // MAXCP=n: at most n checkpoints (default `timeline::MAX_CHECKPOINTS`).
    if let Some(n) = std::env::var("MAXCP").ok().and_then(|v| v.parse().ok()) {
        tl.set_max_checkpoints(n);
    }
    let mut frames = vec![];
    let t0 = Instant::now();
    // BROWSER=1: the `?bench` page's whole sequence — the frame benchmark's 100, 500 and
    // 1,000 pods created, scaled to 0 and deleted in the same history first — and no
    // churn after the history's create (the frame runs already wrote 10,000+ events).
    let browser = std::env::var("BROWSER").is_ok();
    if browser {
        for k in [100, 500, 1_000] {
            play(
                &mut tl,
                &format!("kubectl create deployment bench --image=nginx --replicas={k}"),
                |s| pods(s) == (k, k),
                &mut frames,
            );
            play(
                &mut tl,
                "kubectl scale deployment bench --replicas=0",
                |s| pods(s).0 == 0,
                &mut frames,
            );
            play(
                &mut tl,
                "kubectl delete deployment bench",
                |s| s.store.list("ReplicaSet.apps", "default").next().is_none(),
                &mut frames,
            );
            println!(
                "after the {k}-pod frame run: live heap {:.1} MB, peak {:.1} MB",
                mb(LIVE.load(Ordering::Relaxed)),
                mb(PEAK.load(Ordering::Relaxed) as isize)
            );
        }
    }
    play(
        &mut tl,
        &format!("kubectl create deployment history --image=nginx --replicas={n}"),
        |s| pods(s) == (n, n),
        &mut frames,
    );
    for _ in 0..if browser { 0 } else { 3 } {
        play(
            &mut tl,
            "kubectl scale deployment history --replicas=0",
            |s| pods(s).0 == 0,
            &mut frames,
        );
        play(
            &mut tl,
            &format!("kubectl scale deployment history --replicas={n}"),
            |s| pods(s) == (n, n),
            &mut frames,
        );
    }
    let build = t0.elapsed().as_secs_f64() * 1e3;
    frames.sort_by(f64::total_cmp);
    println!(
        "history: {:.0} ms, {} frames, frame max {:.1} ms, p95 {:.1} ms; entries {}, steps {}",
        build,
        frames.len(),
        frames.last().unwrap(),
        frames[frames.len() * 95 / 100],
        tl.entries().len(),
        tl.session.sim.steps.len()
    );
    println!(
        "live heap {:.1} MB, peak {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed)),
        mb(PEAK.load(Ordering::Relaxed) as isize)
    );
    let before = LIVE.load(Ordering::Relaxed);
    let c = tl.session.clone();
    println!(
        "one session clone: {:.1} MB",
        mb(LIVE.load(Ordering::Relaxed) - before)
    );
    drop(c);
    let sim = &tl.session.sim;
    macro_rules! size {
        ($name:expr, $e:expr) => {{
            let b = LIVE.load(Ordering::Relaxed);
            let c = $e;
            println!(
                "  {}: {:.2} MB",
                $name,
                mb(LIVE.load(Ordering::Relaxed) - b)
            );
            drop(c);
        }};
    }
    size!("store", sim.store.clone());
    size!("events", sim.events.clone());
    size!("steps", sim.steps.clone());
    size!("runtime", sim.runtime.clone());
    size!("history", tl.session.history.clone());
    breakdown(&tl);
    // What thawing a checkpoint's frozen pods costs (Timeline::state_at does it on
    // every jump), beside deep-copying as many statuses; CPU time.
    for s in tl.checkpoint_sessions() {
        let mut c = s.clone();
        let t1 = cpu_ms();
        let mut n = 0;
        c.sim.store.swap_each("Pod", |_, o| {
            n += 1;
            o.thawed().map(std::sync::Arc::new)
        });
        let thaw = cpu_ms() - t1;
        let t2 = cpu_ms();
        let copies: Vec<_> = c
            .sim
            .store
            .list_all("Pod")
            .map(|p| p.status().clone())
            .collect();
        let copy = cpu_ms() - t2;
        if n > 100 {
            println!(
                "  checkpoint at {}: {n} pods thawed in {thaw:.2} ms (deep copies of the statuses {copy:.2} ms)",
                s.sim.now
            );
        }
        drop(copies);
    }
    let (start, end) = (tl.start(), tl.now());
    let mut x: u64 = 0x0bb1_7e57;
    let mut jumps = vec![];
    // The same in this thread's CPU time (less at the mercy of the machine's load).
    let mut jumps_cpu = vec![];
    // Per jump: the most it allocated at once, what the rebuilt session kept, its steps.
    let mut transient = vec![];
    for _ in 0..50 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let t = start + ((x >> 33) % (end - start) as u64) as i64;
        let live = LIVE.load(Ordering::Relaxed);
        let peak = PEAK.swap(live as usize, Ordering::Relaxed);
        let t1 = Instant::now();
        let c1 = cpu_ms();
        let (s, parts, ci, replayed) =
            tl.state_at_timed(t, &mut || t1.elapsed().as_secs_f64() * 1e3);
        jumps.push((t1.elapsed().as_secs_f64() * 1e3, t));
        jumps_cpu.push(cpu_ms() - c1);
        if std::env::var("PERJUMP").is_ok() {
            let c = cpu_ms();
            let cl = s.clone();
            let clone = cpu_ms() - c;
            let c = cpu_ms();
            drop(cl);
            let dropped = cpu_ms() - c;
            println!(
                "jump {:2} to {:>8}: cpu {:6.2} ms; wall: restore {:5.2} + steps {:5.2} + replay {:5.2}; checkpoint {ci:2} at {:>8}, replayed {replayed} steps, {} events; a clone {clone:.2}, its drop {dropped:.2}",
                jumps.len(),
                t - start,
                jumps_cpu[jumps_cpu.len() - 1],
                parts[0],
                parts[1],
                parts[2],
                tl.checkpoint_sessions().nth(ci).unwrap().sim.now - start,
                s.sim.events.len(),
            );
        }
        let kept = LIVE.load(Ordering::Relaxed) - live;
        let steps = s.sim.steps.len();
        drop(s);
        let top = PEAK.load(Ordering::Relaxed) as isize - live;
        transient.push((top, kept, steps, t - start));
        PEAK.fetch_max(peak, Ordering::Relaxed);
    }
    jumps.sort_by(|a, b| a.0.total_cmp(&b.0));
    jumps_cpu.sort_by(f64::total_cmp);
    println!(
        "jumps (CPU time): median {:.1} ms, p95 {:.1}, max {:.1} ms",
        jumps_cpu[25], jumps_cpu[47], jumps_cpu[49]
    );
    transient.sort();
    for (top, kept, steps, at) in transient.iter().rev().take(3) {
        println!(
            "  jump to {at}: {:.1} MB at its peak, the rebuilt session {:.1} MB ({steps} steps)",
            mb(*top),
            mb(*kept)
        );
    }
    println!(
        "jumps: median {:.1} ms, max {:.1} ms (at {}), p95 {:.1}",
        jumps[25].0,
        jumps[49].0,
        jumps[49].1 - start,
        jumps[47].0
    );
    let t1 = Instant::now();
    let sc = orrery::scene::build(&tl.session.sim);
    println!(
        "scene::build: {:.1} ms, {} nodes",
        t1.elapsed().as_secs_f64() * 1e3,
        sc.nodes.len()
    );
    println!(
        "peak heap {:.1} MB",
        mb(PEAK.load(Ordering::Relaxed) as isize)
    );
    // What the history costs beyond the present: the live session alone, then nothing.
    let present = tl.session.clone();
    let with_both = LIVE.load(Ordering::Relaxed);
    drop(tl);
    let session_only = LIVE.load(Ordering::Relaxed);
    drop(present);
    println!(
        "timeline's checkpoints and entries {:.1} MB; the present session alone {:.1} MB",
        mb(with_both - session_only),
        mb(session_only - LIVE.load(Ordering::Relaxed))
    );
}

/// What the checkpoints hold: every distinct pod version (by address; versions are shared
/// between checkpoints through `Arc`) and the parts of it, and the per-checkpoint copies.
fn breakdown(tl: &Timeline) {
    use std::collections::BTreeSet;
    fn bytes<T: Clone>(x: &T) -> isize {
        let b = LIVE.load(Ordering::Relaxed);
        let c = x.clone();
        let n = LIVE.load(Ordering::Relaxed) - b;
        drop(c);
        n
    }
    let (mut pods, mut specs, mut statuses) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let (mut meta_b, mut spec_b, mut status_b, mut body_b) = (0, 0, 0, 0);
    let (mut store_b, mut runtime_b, mut other_b, mut n) = (0, 0, 0, 0);
    // Distinct by value (what interning could share).
    let (mut spec_texts, mut status_texts) = (BTreeSet::new(), BTreeSet::new());
    // Statuses frozen in the checkpoints (Timeline::start_freeze).
    let (mut frozen, mut frozen_b) = (BTreeSet::new(), 0);
    let sessions: Vec<&Session> = tl
        .checkpoint_sessions()
        .chain(std::iter::once(&tl.session))
        .collect();
    for s in &sessions {
        n += 1;
        store_b += bytes(&s.sim.store);
        runtime_b += bytes(&s.sim.runtime);
        other_b += bytes(&s.files) + bytes(&s.history) + bytes(&s.sim.volumes);
        for p in s.sim.store.list_all("Pod") {
            if !pods.insert(p as *const _ as usize) {
                continue;
            }
            meta_b += bytes(&p.meta) + bytes(&p.api_version) + bytes(&p.kind);
            body_b += bytes(&p.body);
            if let Some(v) = p.body.get("spec") {
                if specs.insert(v as *const _ as usize) {
                    spec_b += bytes(v);
                    spec_texts.insert(v.to_string());
                }
            }
            if let Some(v) = p.body.get(orrery::api::object::FROZEN_STATUS) {
                if frozen.insert(v as *const _ as usize) {
                    frozen_b += bytes(v);
                }
            }
            if let Some(v) = p.body.get("status") {
                if statuses.insert(v as *const _ as usize) {
                    status_b += bytes(v);
                    status_texts.insert(v.to_string());
                }
            }
        }
    }
    let kb = |b: isize, k: usize| b as f64 / 1024.0 / k.max(1) as f64;
    println!(
        "{} sessions (checkpoints + present): {} distinct pod versions, {} specs, {} statuses",
        n,
        pods.len(),
        specs.len(),
        statuses.len()
    );
    println!(
        "  distinct by value: {} specs, {} statuses; {} statuses frozen, {:.2} KB each",
        spec_texts.len(),
        status_texts.len(),
        frozen.len(),
        kb(frozen_b, frozen.len())
    );
    println!(
        "  per pod version: meta {:.2} KB, body map {:.2} KB; per spec {:.2} KB, per status {:.2} KB",
        kb(meta_b, pods.len()),
        kb(body_b, pods.len()),
        kb(spec_b, specs.len()),
        kb(status_b, statuses.len())
    );
    println!(
        "  pods in all: {:.1} MB; per session copies: store (indexes, pointers) {:.2} MB, runtime {:.2} MB, files+history+volumes {:.2} MB",
        mb(meta_b + body_b + spec_b + status_b + frozen_b),
        mb(store_b) / n as f64,
        mb(runtime_b) / n as f64,
        mb(other_b) / n as f64,
    );
}
