//! The fuzz finding `fuzz/regressions/session/timeout-2d21…` (FUZZING.md): a StatefulSet
//! with a volume claim template and `podManagementPolicy: Parallel`, scaled far beyond
//! the simulated pod quota (sim::MAX_PODS), then ten virtual minutes. Each of the 5,000
//! claims is provisioned (WaitForFirstConsumer: the scheduler selects the node, the
//! minikube-hostpath provisioner creates the volume about a second later, the PV
//! controller binds it) and each pod is scheduled once its claim is bound. That took 400 s
//! of CPU in the fuzz build (172 s after the event index of session 3).
//!
//! Like `quota_work.rs`, this bounds the *work*, not the time: controller rounds, store
//! writes, and the objects the StatefulSet controller, the PV controller and the scheduler
//! look at (`Sim::work`), which must grow with what changed, not with the size of the set
//! times the number of instants.
//!
//! `STS_REPLICAS=1000 cargo test --profile profiling -p orrery --test sts_claims_work --
//! --nocapture` prints the counts and the CPU time for another size.

use orrery::shell::Session;
use orrery::sim::MAX_PODS;

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

fn cpu_seconds() -> f64 {
    // utime + stime of this thread, in clock ticks (fields 14 and 15 of stat).
    let s = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let rest = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / 100.0
}

struct Run {
    pods: usize,
    ready: i64,
    bound: usize,
    rounds: u64,
    steps: usize,
}

fn run(start: u64, scale_to: &str) -> Run {
    let cpu0 = cpu_seconds();
    let mut s = Session::new(11);
    let out = s.exec("kubectl apply -f - <<EOF", Some(&statefulset(start)));
    assert!(
        out.text.contains("statefulset.apps/db created"),
        "{}",
        out.text
    );
    let out = s.exec(
        &format!("kubectl scale statefulset/db --replicas={scale_to}"),
        None,
    );
    assert!(out.text.contains("scaled"), "{}", out.text);
    let rounds0 = s.sim.rounds();
    s.sim.drain_steps();
    s.exec("sleep 10m", None);
    orrery::invariants::check(&s.sim).unwrap();
    let r = Run {
        pods: s.sim.store.list("Pod", "default").count(),
        ready: s
            .sim
            .store
            .find("StatefulSet.apps", "default", "db")
            .and_then(|o| o.i64_at(&["status", "readyReplicas"]))
            .unwrap_or(0),
        bound: s
            .sim
            .store
            .list("PersistentVolumeClaim", "default")
            .filter(|c| c.str_at(&["status", "phase"]) == Some("Bound"))
            .count(),
        rounds: s.sim.rounds() - rounds0,
        steps: s.sim.drain_steps().len(),
    };
    eprintln!(
        "scale to {scale_to}: {} pods, {} ready, {} claims bound; {} rounds, {} store writes; {:.2} s CPU",
        r.pods,
        r.ready,
        r.bound,
        r.rounds,
        r.steps,
        cpu_seconds() - cpu0
    );
    r
}

#[test]
fn a_parallel_statefulset_with_claims_at_the_pod_quota_settles_with_bounded_work() {
    // The fuzz input's scale in optimised builds; 1,200 in debug builds (`make test`),
    // which is past the 1,000 events the provisioners once read their claims in progress
    // from (1,000 claims then never provisioned: 602 rounds in ten minutes, none bound).
    let default = if cfg!(debug_assertions) {
        "1200"
    } else {
        "937980104"
    };
    let target = std::env::var("STS_REPLICAS").unwrap_or_else(|_| default.into());
    let r = run(86, &target);
    let n: usize = target.parse::<usize>().unwrap_or(MAX_PODS).min(MAX_PODS);
    // Real behaviour: every pod and claim exists, every claim is bound and every pod ready
    // within ten minutes (a provisioning takes about a second, all run at once).
    assert_eq!(r.pods, n);
    assert_eq!(r.ready as usize, n);
    // Past the quota one more ordinal is tried: its claim is created before the pod is
    // refused (`createPersistentVolumeClaims` comes first, R3.4), and is provisioned too.
    assert!(
        r.bound == n || (n == MAX_PODS && r.bound == n + 1),
        "{} bound",
        r.bound
    );
    // The work, measured when this test was written: 10 rounds and 35,004 writes at
    // 5,000 (7 per pod, claim and volume: created, annotated, provisioned, bound, the pod
    // scheduled, started, ready). Before: 602 rounds at 1,000 replicas (the provisioners
    // restarting every claim each second) and no claim bound.
    assert!(
        r.rounds <= 30,
        "{} controller rounds in ten minutes",
        r.rounds
    );
    assert!(
        r.steps <= 10 * n,
        "{} store writes for {n} pods and their claims",
        r.steps
    );
}

/// The session-10 fuzz finding `fuzz/regressions/session/slow-unit-96bf…`: the same set
/// with `podManagementPolicy: OrderedReady`, scaled beyond the quota. Each pod waits for
/// the one before it to be Running and Ready (R3.6), so the set starts one pod, with its
/// claim and volume, every couple of virtual seconds, and every step syncs every pod and
/// claim of the set (as the real controllers do): the CPU grows with the square of the
/// pods (natively 0.3 s for 100 pods, 3.4 s for 300, 46 s for 1,000). What must not grow
/// faster than the pods is the number of steps: controller rounds and store writes per
/// pod. Here with the quota lowered to 150 (as the fuzz target lowers it), so that the
/// set fills it within ten virtual minutes.
#[test]
fn an_ordered_set_with_claims_starts_each_pod_in_a_bounded_number_of_rounds() {
    const QUOTA: usize = 150;
    let mut s = Session::new(11);
    s.sim.set_pod_quota(QUOTA);
    let set = statefulset(5).replace("\"Parallel\"", "\"OrderedReady\"");
    let out = s.exec("kubectl apply -f - <<EOF", Some(&set));
    assert!(
        out.text.contains("statefulset.apps/db created"),
        "{}",
        out.text
    );
    s.exec("kubectl scale statefulset/db --replicas=648446296", None);
    let rounds0 = s.sim.rounds();
    s.sim.drain_steps();
    s.exec("sleep 10m", None);
    orrery::invariants::check(&s.sim).unwrap();

    // Ordinals 0..QUOTA, in order, each with its claim bound; the next one refused.
    let pods = s.sim.store.list("Pod", "default").count();
    assert_eq!(pods, QUOTA);
    let bound = s
        .sim
        .store
        .list("PersistentVolumeClaim", "default")
        .filter(|c| c.str_at(&["status", "phase"]) == Some("Bound"))
        .count();
    assert_eq!(
        bound,
        QUOTA + 1,
        "the claim of the refused ordinal is created first"
    );
    let rounds = s.sim.rounds() - rounds0;
    let steps = s.sim.drain_steps().len();
    eprintln!("{QUOTA} pods: rounds {rounds}, steps {steps}");
    // About 7 rounds and 13 writes a pod when this test was written (1,056 and 1,950 for
    // 150 pods; 7,014 and 13,019 for 1,000 in `examples/fuzzhangs.rs`).
    assert!(
        rounds <= 8 * QUOTA as u64,
        "{rounds} rounds for {QUOTA} pods"
    );
    assert!(steps <= 15 * QUOTA, "{steps} store writes for {QUOTA} pods");
}
