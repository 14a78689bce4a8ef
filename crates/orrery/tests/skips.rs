//! The simulator skips controller passes (and, inside the kubelet, deployment,
//! replicaset, endpointslice and garbage-collector passes, objects) whose inputs did not
//! change. `Sim::verify_skips` runs every skipped pass anyway and panics if it would have
//! returned anything, and compares incremental passes with full ones; `orrery check` and
//! the property test run with it. This test drives a busy session through it.

use orrery::shell::Session;

fn manifest(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        readinessProbe:\n          httpGet:\n            path: /\n            port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\nspec:\n  selector:\n    app: app-{i}\n  ports:\n  - port: 80\n"
        ));
    }
    s
}

#[test]
fn skipped_passes_would_have_done_nothing() {
    let mut s = Session::new(7);
    s.sim.verify_skips = true;
    s.files.insert("m.yaml".into(), manifest(8));
    for line in [
        "kubectl apply -f m.yaml",
        "sleep 40s",
        "kubectl scale deployment/app-1 --replicas=4",
        "kubectl label pod --all tier=web",
        "kubectl set image deployment/app-2 web=nginx:1.26",
        "sleep 30s",
        "kubectl delete deployment app-3",
        "kubectl delete service app-4",
        "sleep 1m",
    ] {
        s.exec(line, None);
        orrery::invariants::check(&s.sim).unwrap_or_else(|e| panic!("after {line}: {e}"));
    }
    // Settled: a round changes nothing, and without verification skips every pass.
    assert_eq!(s.sim.round(), 0);
    s.sim.verify_skips = false;
    assert_eq!(s.sim.round(), 0);
}
