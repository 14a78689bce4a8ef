//! The fuzz finding `fuzz/regressions/session/timeout-d595…` (FUZZING.md): one Deployment
//! whose `spec.replicas` is about 1.9e18 (since session 8 the API server's decoding
//! refuses that, as a real one does: `replicas` is an int32, `decode.rs`; the test uses
//! the largest int32, which takes the same path). The simulated pod quota (sim::MAX_PODS) stops its
//! ReplicaSet at 5,000 pods, and the refused creations are retried with the workqueue's
//! back-off; then ten virtual minutes pass. That took 21 s of CPU in the fuzz build.
//!
//! Wall-clock assertions are flaky on a shared machine, so this test bounds the *work*
//! instead: how many controller rounds ran, how many store writes (steps) and how many
//! pod creations the API server refused. Each is a count the simulator makes the same on
//! every machine; a change that makes the scenario do much more of them (a retry loop
//! without back-off, a controller re-writing every pod, rounds spent at one instant) fails
//! here.

use orrery::shell::Session;
use orrery::sim::{MAX_PODS, POD_QUOTA};

const REPLICAS: &str = "2147483647";

fn deployment() -> String {
    format!(
        r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "web"}},
  "spec": {{"replicas": {REPLICAS}, "selector": {{"matchLabels": {{"app": "web"}}}},
    "template": {{"metadata": {{"labels": {{"app": "web"}}}},
      "spec": {{"terminationGracePeriodSeconds": 3, "containers": [{{
        "name": "main", "image": "nginx:1.14.2", "ports": [{{"containerPort": 80}}]}}]}}}}}}}}"#
    )
}

#[test]
fn a_deployment_far_beyond_the_pod_quota_settles_with_bounded_work() {
    let mut s = Session::new(11);
    let out = s.exec("kubectl apply -f - <<EOF", Some(&deployment()));
    assert!(
        out.text.contains("deployment.apps/web created"),
        "{}",
        out.text
    );
    let rounds0 = s.sim.rounds();
    s.sim.drain_steps();
    s.exec("sleep 10m", None);
    orrery::invariants::check(&s.sim).unwrap();

    // The behaviour a real cluster shows: the quota's limit of pods, and the refusals as
    // FailedCreate events with the quota plugin's message, repeated with back-off.
    let pods = s.sim.store.list("Pod", "default").count();
    assert_eq!(pods, MAX_PODS);
    let refusals: u32 = s
        .sim
        .events
        .iter()
        .filter(|e| e.reason == "FailedCreate" && e.message.contains(POD_QUOTA))
        .map(|e| e.count)
        .sum();
    assert!(refusals >= 2, "the refusals are retried: {refusals}");

    // The work. Measured when this test was written: see the numbers printed below.
    let rounds = s.sim.rounds() - rounds0;
    let steps = s.sim.drain_steps().len();
    eprintln!("rounds {rounds}, steps {steps}, refused creations {refusals}");
    // Each pod is created, bound, given an IP and its status written a few times as it
    // starts: about 5 writes a pod. Twice that is a regression.
    assert!(
        steps <= 10 * MAX_PODS,
        "{steps} store writes for {MAX_PODS} pods"
    );
    // The back-off doubles from 5 ms to 1,000 s: about 20 refusals in ten minutes.
    assert!(
        refusals <= 40,
        "{refusals} refused creations in ten minutes"
    );
    // A round runs every controller once; the pods start in a few instants each of a few
    // rounds, and the back-off adds a few rounds per retry: 24 when this test was
    // written, 144 with a probe timer per container without probes.
    assert!(rounds <= 60, "{rounds} controller rounds in ten minutes");
}

/// `Sim::set_pod_quota` (the `session` fuzz target runs with 1,000): the same refusals at
/// the lowered limit, in the quota plugin's words with that limit, and a StatefulSet stops
/// one ordinal past it.
#[test]
fn a_lowered_pod_quota_refuses_at_its_own_limit() {
    let mut s = Session::new(11);
    s.sim.set_pod_quota(7);
    assert_eq!(s.sim.pod_quota(), 7);
    s.exec("kubectl apply -f - <<EOF", Some(&deployment()));
    s.exec("sleep 1m", None);
    assert_eq!(s.sim.store.list("Pod", "default").count(), 7);
    assert!(
        s.sim.events.iter().any(|e| e.reason == "FailedCreate"
            && e.message.contains(&format!("exceeded quota: {POD_QUOTA}"))
            && e.message.ends_with("used: pods=7, limited: pods=7")),
        "{:?}",
        s.sim.events.iter().map(|e| &e.message).collect::<Vec<_>>()
    );
    s.exec("kubectl delete deployment web", None);
    s.exec("sleep 1m", None);
    let sts = r#"{"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
  "spec": {"serviceName": "db", "replicas": 100, "podManagementPolicy": "Parallel",
    "selector": {"matchLabels": {"app": "db"}},
    "template": {"metadata": {"labels": {"app": "db"}},
      "spec": {"containers": [{"name": "main", "image": "mongo:4.2"}]}}}}"#;
    s.exec("kubectl apply -f - <<EOF", Some(sts));
    s.exec("sleep 1m", None);
    let mut names: Vec<String> = s
        .sim
        .store
        .list("Pod", "default")
        .map(|p| p.meta.name.clone())
        .collect();
    names.sort();
    assert_eq!(names, (0..7).map(|i| format!("db-{i}")).collect::<Vec<_>>());
    // The ordinal one past the limit was tried and refused; none beyond it.
    let tried = |n: &str| {
        s.sim
            .events
            .iter()
            .any(|e| e.reason == "FailedCreate" && e.message.contains(&format!("\"{n}\"")))
    };
    assert!(tried("db-7"));
    assert!(!tried("db-8"));
    orrery::invariants::check(&s.sim).unwrap();
}
