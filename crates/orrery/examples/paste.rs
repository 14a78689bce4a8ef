//! The paste benchmark natively: the argo-cd install (or `$1`) parsed as the editor does,
//! applied with `kubectl apply --server-side -f` (as the page's paste row; it re-uses that
//! parse), converged for 30 virtual seconds in 2 s steps. Prints the time of each stage.
//! `cargo run --release -p orrery --example paste [FILE]` (`--profile profiling` for perf;
//! `REPS=20`: twenty runs, then the fastest of each stage; `SLOW_YAML=1`: without the fast
//! YAML reader; `TIMELINE=1`: through `timeline::Timeline` as the page does, printing each
//! advance — it showed the page's converge stage is not simulator work: 2 ms natively of
//! the 128–206 ms the page's converge takes).

use std::time::Instant;

use orrery::manifest;
use orrery::shell::Session;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        "../shared/fixtures/real-world/argoproj__argo-cd/install.yaml".to_string()
    });
    let text = std::fs::read_to_string(&path).expect("read the manifest");
    let reps: usize = std::env::var("REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    // `SLOW_YAML=1`: every document read by serde_yaml, as before the fast reader.
    if std::env::var("SLOW_YAML").is_ok() {
        orrery::yaml_fast::set_enabled(false);
    }
    let mut best = [f64::MAX; 3];
    for _ in 0..reps {
        let mut s = Session::new(1);
        // As the page's editor does: parsed in steps and remembered (`FRESH=1`: not
        // remembered, so the apply parses again, as before the shared parse).
        manifest::forget_shared();
        let t = Instant::now();
        let parsed = if std::env::var("FRESH").is_ok() {
            std::sync::Arc::new(manifest::parse(&text))
        } else {
            let mut p = manifest::Parse::new(&text);
            while !p.step(32 * 1024) {}
            p.finish_shared(&text)
        };
        let parse = t.elapsed().as_secs_f64() * 1e3;
        s.files.insert("install.yaml".into(), text.clone());
        let (out, apply, converge);
        if std::env::var("TIMELINE").is_ok() {
            // As the page does: through the timeline, which records entries and takes
            // checkpoints. Prints each advance's time.
            let mut tl = orrery::timeline::Timeline::new(s);
            let t = Instant::now();
            out = tl.exec("kubectl apply --server-side -f install.yaml", None);
            apply = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            let mut each = vec![];
            for _ in 0..15 {
                let c = Instant::now();
                tl.advance(2_000);
                each.push(format!("{:.1}", c.elapsed().as_secs_f64() * 1e3));
            }
            converge = t.elapsed().as_secs_f64() * 1e3;
            println!("advances (ms): {}", each.join(" "));
            s = tl.session;
        } else {
            let t = Instant::now();
            out = s.exec("kubectl apply --server-side -f install.yaml", None);
            apply = t.elapsed().as_secs_f64() * 1e3;
            let t = Instant::now();
            for _ in 0..15 {
                s.sim.advance(2_000);
            }
            converge = t.elapsed().as_secs_f64() * 1e3;
        }
        for (b, x) in best.iter_mut().zip([parse, apply, converge]) {
            *b = b.min(x);
        }
        println!(
            "{} bytes, {} documents, {} lines out (code {}), {} objects: parse {parse:.1} ms, apply {apply:.1} ms, converge {converge:.1} ms",
            text.len(),
            parsed.documents.len(),
            out.text.lines().count(),
            out.code,
            s.sim.store.len(),
        );
    }
    // The fastest of each stage: the least disturbed by other work on the machine.
    println!(
        "fastest of {reps}: parse {:.1} ms, apply {:.1} ms, converge {:.1} ms",
        best[0], best[1], best[2]
    );
}
