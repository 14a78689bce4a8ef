//! The kept `session` fuzz hangs (fuzz/regressions/session/, FUZZING.md), natively: each
//! is one workload at the 5,000-pod quota cap plus the fuzz target's `sleep 10m`. Prints
//! the CPU time of each and a digest of the final state (pods, events, rounds), so a
//! speed-up can be checked to leave the simulation alone.
//!
//! `cargo run --profile profiling -p orrery --example fuzzhangs [backoff|deploy|scale|sts]...`

use orrery::shell::Session;

fn cpu_seconds() -> f64 {
    // utime + stime of this thread, in clock ticks (fields 14 and 15 of stat).
    let s = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / 100.0
}

fn deployment(replicas: &str, image: &str) -> String {
    format!(
        r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "web"}},
  "spec": {{"replicas": {replicas}, "selector": {{"matchLabels": {{"app": "web"}}}},
    "template": {{"metadata": {{"labels": {{"app": "web"}}}},
      "spec": {{"terminationGracePeriodSeconds": 3, "containers": [{{
        "name": "main", "image": "{image}", "ports": [{{"containerPort": 80}}]}}]}}}}}}}}"#
    )
}

fn statefulset(replicas: u64) -> String {
    format!(
        r#"{{"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {{"name": "db"}},
  "spec": {{"serviceName": "db", "replicas": {replicas}, "podManagementPolicy": "Parallel",
    "selector": {{"matchLabels": {{"app": "db"}}}},
    "template": {{"metadata": {{"labels": {{"app": "db"}}}},
      "spec": {{"terminationGracePeriodSeconds": 3, "containers": [{{
        "name": "main", "image": "mongo:4.2", "ports": [{{"containerPort": 80}}],
        "volumeMounts": [{{"name": "data", "mountPath": "/data/db"}}]}}]}}}},
    "volumeClaimTemplates": [{{"metadata": {{"name": "data"}},
      "spec": {{"accessModes": ["ReadWriteOnce"], "resources": {{"requests": {{"storage": "1Gi"}}}}}}}}]}}}}"#
    )
}

fn run(which: &str) {
    let cpu0 = cpu_seconds();
    let mut s = Session::new(11);
    match which {
        // timeout-6648…: 5,000 pods in image-pull back-off.
        "backoff" => {
            s.exec(
                "kubectl apply -f - <<EOF",
                Some(&deployment("2000000000", "nginx:does-not-exist")),
            );
        }
        // timeout-d595…
        "deploy" => {
            s.exec(
                "kubectl apply -f - <<EOF",
                Some(&deployment("1859887953", "nginx:1.14.2")),
            );
        }
        // timeout-3bd3…
        "scale" => {
            s.exec(
                "kubectl apply -f - <<EOF",
                Some(&deployment("4", "nginx:1.14.2")),
            );
            s.exec("kubectl scale deployment/web --replicas=3035730976", None);
        }
        // timeout-2d21…
        "sts" => {
            s.exec("kubectl apply -f - <<EOF", Some(&statefulset(86)));
            s.exec("kubectl scale statefulset/db --replicas=937980104", None);
        }
        other => {
            eprintln!("unknown scenario {other}");
            return;
        }
    }
    s.exec("sleep 10m", None);
    let cpu = cpu_seconds() - cpu0;
    let pods = s.sim.store.list("Pod", "default").count();
    let events = s.sim.events.len();
    let count: u64 = s.sim.events.iter().map(|e| e.count as u64).sum();
    let digest = s
        .exec("kubectl get deployments,statefulsets,replicasets", None)
        .text;
    println!(
        "{which}: {cpu:.2} s CPU; pods {pods}, events {events} (count {count}), rounds {}, writes {}\n{digest}",
        s.sim.rounds(),
        s.sim.store.resource_version()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = ["backoff", "deploy", "scale", "sts"];
    let which: Vec<&str> = if args.is_empty() {
        all.to_vec()
    } else {
        args.iter().map(|s| s.as_str()).collect()
    };
    for w in which {
        run(&w);
    }
}
