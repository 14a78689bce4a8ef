//! Simulator benchmarks (issue: simulator core; budgets in BENCHMARKS.md):
//! parse + admit + converge for 10, 100, 1,000 and 5,000 objects, one controller pass
//! over a settled cluster of 1,000 and 5,000 pods, and a jump to a moment of a
//! 10,000-step history (`Timeline::state_at`), and the canvas's scene of a settled
//! cluster of 1,000 and 5,000 pods behind Services (`scene::build_cached`, with a cold
//! and a warm pod cache: what the page works out at each draw). Run with
//! `cargo bench -p orrery`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use orrery::shell::Session;
use orrery::timeline::Timeline;

/// A manifest of `n` objects: Deployments (1 replica each) and Services, alternating.
fn manifest(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i % 2 == 0 {
            s.push_str(&format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        ports:\n        - containerPort: 80\n"
            ));
        } else {
            s.push_str(&format!(
                "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{}\nspec:\n  selector:\n    app: app-{}\n  ports:\n  - port: 80\n",
                i - 1,
                i - 1
            ));
        }
    }
    s
}

/// A settled cluster with `pods` pods (Deployments of 100 replicas).
fn cluster_with_pods(pods: usize) -> Session {
    let mut s = Session::new(1);
    let mut m = String::new();
    for d in 0..pods.div_ceil(100) {
        let r = (pods - d * 100).min(100);
        m.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big-{d}\nspec:\n  replicas: {r}\n  selector:\n    matchLabels:\n      app: big-{d}\n  template:\n    metadata:\n      labels:\n        app: big-{d}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n"
        ));
    }
    s.files.insert("big.yaml".into(), m);
    s.exec("kubectl apply -f big.yaml", None);
    s.exec("sleep 2m", None);
    s
}

fn parse_admit_converge(c: &mut Criterion) {
    let mut g = c.benchmark_group("parse_admit_converge");
    g.sample_size(10);
    for n in [10usize, 100, 1_000, 5_000] {
        let text = manifest(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter_batched(
                || {
                    let mut s = Session::new(1);
                    s.files.insert("m.yaml".into(), text.clone());
                    s
                },
                |mut s| {
                    s.exec("kubectl apply -f m.yaml", None);
                    s.exec("sleep 30s", None);
                    s
                },
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

fn one_pass(c: &mut Criterion) {
    let mut g = c.benchmark_group("controller_pass");
    g.sample_size(20);
    for pods in [1_000usize, 5_000] {
        let mut s = cluster_with_pods(pods);
        g.bench_function(BenchmarkId::new("settled_pods", pods), |b| {
            b.iter(|| s.sim.round())
        });
    }
    g.finish();
}

/// A timeline of at least `steps` simulator steps: a Deployment scaled up and down and
/// rolled to new images, with time passing between the commands.
fn history(steps: usize) -> Timeline {
    let mut tl = Timeline::new(Session::new(1));
    tl.exec(
        "kubectl create deployment web --image=nginx:1.14.2 --replicas=10",
        None,
    );
    tl.advance(30_000);
    let mut total = 0;
    let mut i = 0;
    while total < steps {
        let before = tl.session.sim.steps.len();
        let line = match i % 3 {
            0 => format!(
                "kubectl scale deployment/web --replicas={}",
                10 + (i % 7) * 5
            ),
            1 => format!(
                "kubectl set image deployment/web nginx=nginx:1.{}.0",
                14 + i % 2
            ),
            _ => "kubectl scale deployment/web --replicas=10".to_string(),
        };
        tl.exec(&line, None);
        tl.advance(20_000);
        total += tl.session.sim.steps.len().saturating_sub(before);
        i += 1;
    }
    tl
}

fn replay_to_moment(c: &mut Criterion) {
    let mut g = c.benchmark_group("replay_to_moment");
    g.sample_size(10);
    let tl = history(10_000);
    let (start, end) = (tl.start(), tl.now());
    for (name, t) in [("middle", start + (end - start) / 2), ("end", end)] {
        g.bench_function(BenchmarkId::new("steps_10000", name), |b| {
            b.iter(|| tl.state_at(t))
        });
    }
    g.finish();
}

fn scene_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("scene_build");
    g.sample_size(20);
    for pods in [1_000usize, 5_000] {
        let mut s = cluster_with_pods(pods);
        // A Service in front of every Deployment: the scene draws an endpoint edge to
        // each ready pod, which reads the pod's READY count.
        let mut m = String::new();
        for d in 0..pods.div_ceil(100) {
            m.push_str(&format!(
                "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: big-{d}\nspec:\n  selector:\n    app: big-{d}\n  ports:\n  - port: 80\n"
            ));
        }
        s.files.insert("svc.yaml".into(), m);
        s.exec("kubectl apply -f svc.yaml", None);
        s.exec("sleep 10s", None);
        g.bench_function(BenchmarkId::new("cold_cache", pods), |b| {
            b.iter(|| orrery::scene::build(&s.sim))
        });
        let mut cache = orrery::scene::VisualCache::default();
        g.bench_function(BenchmarkId::new("warm_cache", pods), |b| {
            b.iter(|| orrery::scene::build_cached(&s.sim, &mut cache))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    parse_admit_converge,
    one_pass,
    replay_to_moment,
    scene_build
);
criterion_main!(benches);
