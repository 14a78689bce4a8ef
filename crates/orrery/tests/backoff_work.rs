//! The fuzz findings `fuzz/regressions/session/timeout-dfb9…` and `timeout-6648…`
//! (FUZZING.md, "Session 9"): a Deployment of an image that does not exist, its pods in
//! image-pull back-off for ten minutes. Each step of the back-off writes every pod's
//! status (ErrImagePull, ImagePullBackOff, ContainerCreating); at 5,000 pods that took
//! 10.6 s of CPU in the fuzz build, most of it building, comparing and freeing JSON
//! trees. The kubelet now writes a typed status (`api::pod_status`), rendered to JSON
//! only when something reads it as JSON.
//!
//! Not a timed test (the machine is shared): it counts the work. The status writes
//! happen (the behaviour), and the JSON renders stay a few per pod, not one per write.
//! Alone in its test binary: the render counter is the process's.

use orrery::api::pod_status::renders;
use orrery::shell::Session;

const PODS: usize = 200;

#[test]
fn pods_in_image_pull_back_off_write_typed_statuses_without_rendering_them() {
    let mut s = Session::new(11);
    let manifest = format!(
        r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "web"}},
  "spec": {{"replicas": {PODS}, "selector": {{"matchLabels": {{"app": "web"}}}},
    "template": {{"metadata": {{"labels": {{"app": "web"}}}},
      "spec": {{"containers": [{{"name": "main", "image": "nginx:does-not-exist"}}]}}}}}}}}"#
    );
    let out = s.exec("kubectl apply -f - <<EOF", Some(&manifest));
    assert!(
        out.text.contains("deployment.apps/web created"),
        "{}",
        out.text
    );
    s.sim.drain_steps();
    let renders0 = renders();
    s.exec("sleep 10m", None);
    let renders = renders() - renders0;
    let writes = s
        .sim
        .drain_steps()
        .iter()
        .filter(|st| st.kind == "Pod" && st.verb == orrery::sim::StepVerb::Updated)
        .count();

    // The behaviour: every pod in back-off, its status written at each step.
    let text = s.exec("kubectl get pods", None).text;
    assert_eq!(text.lines().count(), PODS + 1, "{text}");
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.contains("ImagePullBackOff") || l.contains("ErrImagePull")),
        "{text}"
    );
    eprintln!("{PODS} pods: {writes} pod writes, {renders} status renders");
    assert!(
        writes >= 10 * PODS,
        "{writes} pod writes: the back-off writes each pod's status at every step"
    );
    // Measured when written: two renders per pod (the IP assignment writes into the
    // status as JSON, and the kubelet's next write compares its typed status with that
    // JSON once). A render per kubelet write would be 17 per pod (3,400 writes).
    assert!(
        renders <= 3 * PODS as u64,
        "{renders} JSON renders of pod statuses for {writes} pod writes"
    );
}
