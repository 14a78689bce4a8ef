//! The slowest class of the `session` fuzz target's inputs (FUZZING.md: `timeout-dfb9…`,
//! `timeout-6648…`): a Deployment far beyond the simulated pod quota (sim::MAX_PODS) whose
//! image does not exist, so 5,000 pods go through image-pull back-off (R4: ErrImagePull,
//! then ImagePullBackOff with the delay doubling from 10 s to 5 minutes) for ten virtual
//! minutes. The fuzz target runs with a lower quota since session 10; this test keeps the
//! class at the page's own quota.
//!
//! It bounds the *work*, not the time (a shared machine makes timed tests flaky): store
//! writes and controller rounds, counts the simulator makes the same on every machine. A
//! change that writes each pod's status more often than its container's state changes, or
//! syncs pods one instant at a time, fails here.

use orrery::shell::Session;
use orrery::sim::MAX_PODS;

const BACKOFF: &str = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
  "spec": {"replicas": 2147483647, "selector": {"matchLabels": {"app": "web"}},
    "template": {"metadata": {"labels": {"app": "web"}},
      "spec": {"terminationGracePeriodSeconds": 3, "containers": [{
        "name": "main", "image": "nginx:does-not-exist"}]}}}}"#;

#[test]
fn five_thousand_pods_in_image_pull_back_off_for_ten_minutes_do_bounded_work() {
    let mut s = Session::new(11);
    let out = s.exec("kubectl apply -f - <<EOF", Some(BACKOFF));
    assert!(out.text.contains("deployment.apps/web created"), "{}", out.text);
    let rounds0 = s.sim.rounds();
    s.sim.drain_steps();
    s.exec("sleep 10m", None);
    orrery::invariants::check(&s.sim).unwrap();

    let pods: Vec<_> = s.sim.store.list("Pod", "default").collect();
    assert_eq!(pods.len(), MAX_PODS);
    // Every pod is in back-off (or pulling again), as a real kubelet shows it.
    for p in &pods {
        let reason = p
            .status()
            .pointer("/containerStatuses/0/state/waiting/reason")
            .and_then(|r| r.as_str())
            .unwrap_or("");
        assert!(
            matches!(reason, "ImagePullBackOff" | "ErrImagePull" | "ContainerCreating"),
            "pod {} waiting for {reason:?}",
            p.meta.name
        );
    }

    let rounds = s.sim.rounds() - rounds0;
    let steps = s.sim.drain_steps().len();
    eprintln!("rounds {rounds}, steps {steps}");
    // The retries of ten minutes: at 10, 30, 70, 150, 310 s after the first failure (the
    // delay doubles to 300 s), each an ErrImagePull write and an ImagePullBackOff write,
    // plus the writes of a pod's start: 17 writes a pod when this test was written
    // (85,000). A quarter more fails; so does a back-off that stops doubling.
    assert!(steps <= 21 * MAX_PODS, "{steps} store writes for {MAX_PODS} pods");
    // The pods fail in step, so each retry is a few instants of a few rounds each: 52
    // rounds when this test was written.
    assert!(rounds <= 80, "{rounds} controller rounds in ten minutes");
}
