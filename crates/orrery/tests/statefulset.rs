//! StatefulSet controller checks that transcripts cannot show: the order of API steps,
//! invariants at every instant, events (R3.17), the retention policy's ownerReferences
//! (R3.9) and kubectl's rollout-status lines. Claims the PV controller has not bound yet
//! are bound by hand (a PV and its claim bound to each other), so these tests check the
//! StatefulSet controller whatever the provisioner's timing.

use orrery::api::{ObjKey, Object};
use orrery::controllers::statefulset as sts;
use orrery::shell::Session;
use orrery::sim::{Sim, StepVerb};
use serde_json::json;

const SVC: &str = "apiVersion: v1
kind: Service
metadata: {name: nginx, labels: {app: nginx}}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80, name: web}]
";

fn web(extra_spec: &str, claims: bool) -> String {
    let mut s = format!(
        "apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: web}}
spec:
  serviceName: nginx
  replicas: 3
{extra_spec}  selector: {{matchLabels: {{app: nginx}}}}
  template:
    metadata: {{labels: {{app: nginx}}}}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports: [{{containerPort: 80, name: web}}]
"
    );
    if claims {
        s.push_str(
            "        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
",
        );
    }
    s
}

fn apply(s: &mut Session, yaml: &str) {
    let out = s.exec("kubectl apply -f -", Some(yaml));
    assert_eq!(out.code, 0, "{}", out.text);
}

fn pod<'a>(sim: &'a Sim, name: &str) -> Option<&'a Object> {
    sim.store.find("Pod", "default", name)
}

fn set(sim: &Sim) -> &Object {
    sim.store
        .find("StatefulSet.apps", "default", "web")
        .expect("the set exists")
}

/// Binds every unbound claim to a PV made for it, both sides consistent (what the PV
/// controller does after provisioning).
fn bind_claims(sim: &mut Sim) {
    let pending: Vec<Object> = sim
        .store
        .list("PersistentVolumeClaim", "default")
        .filter(|c| !c.is_deleting() && c.str_at(&["status", "phase"]) != Some("Bound"))
        .cloned()
        .collect();
    for mut c in pending {
        // One PV per claim UID: a recreated claim must not take its predecessor's
        // Released volume (the PV controller would refuse it, R5.5).
        let pv_name = format!("fake-{}-{}", c.meta.name, &c.meta.uid[..8]);
        if sim.store.find("PersistentVolume", "", &pv_name).is_none() {
            let mut pv = Object::new("v1", "PersistentVolume", "", &pv_name);
            pv.body.insert(
                "spec".into(),
                json!({"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                       "persistentVolumeReclaimPolicy": "Retain", "hostPath": {"path": format!("/data/{pv_name}")},
                       "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "default", "name": c.meta.name, "uid": c.meta.uid}}),
            );
            sim.create(pv).expect("the fake PV is valid");
            let mut pv = sim
                .store
                .find("PersistentVolume", "", &pv_name)
                .unwrap()
                .clone();
            pv.set(&["status", "phase"], json!("Bound"));
            sim.update(pv).unwrap();
        }
        c.set(&["spec", "volumeName"], json!(pv_name));
        c.set(
            &["status"],
            json!({"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}}),
        );
        let _ = sim.update(c);
    }
    sim.settle();
}

/// Advances `ms` in 100 ms steps, binding claims and checking `inv` after each.
fn run_for(sim: &mut Sim, ms: i64, mut inv: impl FnMut(&Sim)) {
    let end = sim.now + ms;
    while sim.now < end {
        bind_claims(sim);
        inv(sim);
        sim.advance(100);
    }
    bind_claims(sim);
    inv(sim);
}

/// R3.5: whenever web-k exists, web-0..k-1 are Running and Ready.
fn ordered_ready_invariant(sim: &Sim) {
    for k in 1..10 {
        if pod(sim, &format!("web-{k}")).is_some() {
            for j in 0..k {
                let p = pod(sim, &format!("web-{j}"));
                assert!(
                    p.is_some_and(sts::is_running_and_ready),
                    "web-{k} exists at {} but web-{j} is not Running+Ready",
                    sim.now
                );
            }
        }
    }
}

#[test]
fn st01_claims_before_pods_and_ordered_ready() {
    let mut s = Session::new(1);
    s.sim.drain_steps();
    apply(&mut s, &format!("{SVC}---\n{}", web("", true)));
    run_for(&mut s.sim, 30_000, ordered_ready_invariant);
    let created: Vec<String> = s
        .sim
        .drain_steps()
        .into_iter()
        .filter(|st| st.verb == StepVerb::Created)
        .filter(|st| st.kind == "Pod" || st.kind == "PersistentVolumeClaim")
        .map(|st| st.name.clone())
        .collect();
    assert_eq!(
        created,
        vec![
            "www-web-0",
            "web-0",
            "www-web-1",
            "web-1",
            "www-web-2",
            "web-2"
        ]
    );
    assert_eq!(set(&s.sim).i64_at(&["status", "readyReplicas"]), Some(3));
    // The claim events come before the pod's, with the R3.17 texts.
    let msgs: Vec<&str> = s
        .sim
        .events
        .iter()
        .filter(|e| e.kind == "StatefulSet")
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(
        msgs,
        vec![
            "create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "create Pod web-0 in StatefulSet web successful",
            "create Claim www-web-1 Pod web-1 in StatefulSet web success",
            "create Pod web-1 in StatefulSet web successful",
            "create Claim www-web-2 Pod web-2 in StatefulSet web success",
            "create Pod web-2 in StatefulSet web successful",
        ]
    );
    // R3.4: claim labels are the template's plus the selector's; the pod mounts it.
    let c = s
        .sim
        .store
        .find("PersistentVolumeClaim", "default", "www-web-1")
        .unwrap();
    assert_eq!(c.meta.labels.get("app").map(String::as_str), Some("nginx"));
    assert!(
        c.meta.owner_references.is_empty(),
        "Retain/Retain: no owners"
    );
    let p = pod(&s.sim, "web-1").unwrap();
    assert_eq!(
        p.get(&["spec", "volumes"]),
        &json!([{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-1"}}])
    );
}

#[test]
fn st05_deleted_pod_returns_with_its_claim_still_bound() {
    let mut s = Session::new(2);
    apply(&mut s, &format!("{SVC}---\n{}", web("", true)));
    run_for(&mut s.sim, 60_000, |_| {});
    let uid = |sim: &Sim, n: &str| pod(sim, n).map(|p| p.meta.uid.clone());
    let (u0, u1, u2) = (
        uid(&s.sim, "web-0"),
        uid(&s.sim, "web-1"),
        uid(&s.sim, "web-2"),
    );
    let volume = |sim: &Sim| {
        let c = sim
            .store
            .find("PersistentVolumeClaim", "default", "www-web-1")
            .expect("www-web-1 exists throughout");
        assert_eq!(c.str_at(&["status", "phase"]), Some("Bound"));
        c.str_at(&["spec", "volumeName"]).unwrap().to_string()
    };
    let v = volume(&s.sim);
    s.exec("kubectl delete pod web-1", None);
    run_for(&mut s.sim, 10_000, |sim| {
        assert_eq!(volume(sim), v);
        assert_eq!(uid(sim, "web-0"), u0);
        assert_eq!(uid(sim, "web-2"), u2);
        assert_eq!(
            sim.store.list("PersistentVolumeClaim", "default").count(),
            3
        );
    });
    let p = pod(&s.sim, "web-1").unwrap();
    assert_ne!(Some(p.meta.uid.clone()), u1);
    assert!(sts::is_running_and_ready(p));
    assert_eq!(s.sim.store.list("PersistentVolume", "").count(), 3);
}

#[test]
fn st04_identity_and_revisions() {
    let mut s = Session::new(3);
    apply(&mut s, &format!("{SVC}---\n{}", web("", false)));
    s.sim.advance(30_000);
    let st = set(&s.sim);
    let current = st
        .str_at(&["status", "currentRevision"])
        .unwrap()
        .to_string();
    assert_eq!(
        st.str_at(&["status", "updateRevision"]),
        Some(current.as_str())
    );
    let hash = current.strip_prefix("web-").unwrap();
    assert!(!hash.is_empty() && hash.len() <= 10);
    assert!(hash.bytes().all(|b| b"456789bcdf".contains(&b)), "{hash}");
    for k in 0..3 {
        let p = pod(&s.sim, &format!("web-{k}")).unwrap();
        let l = &p.meta.labels;
        assert_eq!(l["controller-revision-hash"], current);
        assert_eq!(l["statefulset.kubernetes.io/pod-name"], format!("web-{k}"));
        assert_eq!(l["apps.kubernetes.io/pod-index"], k.to_string());
        assert_eq!(
            p.str_at(&["spec", "hostname"]),
            Some(format!("web-{k}").as_str())
        );
        assert_eq!(p.str_at(&["spec", "subdomain"]), Some("nginx"));
        let r = p.controller_ref().unwrap();
        assert_eq!((r.kind.as_str(), r.name.as_str()), ("StatefulSet", "web"));
        assert!(r.block_owner_deletion);
    }
    let cr = s
        .sim
        .store
        .find("ControllerRevision.apps", "default", &current)
        .unwrap();
    assert_eq!(cr.i64_at(&["revision"]), Some(1));
    assert_eq!(cr.meta.labels["controller.kubernetes.io/hash"], hash);
    assert_eq!(
        cr.str_at(&["data", "spec", "template", "$patch"]),
        Some("replace")
    );
    // The hash is FNV-1 of the data plus the collision count "0" (R1.7).
    let data = cr.get(&["data"]).clone();
    assert_eq!(sts::hash_revision(&data, 0), hash);
}

#[test]
fn st13_rolling_update_invariants() {
    let mut s = Session::new(5);
    apply(&mut s, &format!("{SVC}---\n{}", web("", false)));
    s.sim.advance(30_000);
    s.sim.drain_steps();
    apply(
        &mut s,
        &web("", false).replace("nginx-slim:0.24", "nginx-slim:0.27"),
    );
    let mut max_missing = 0;
    run_for(&mut s.sim, 60_000, |sim| {
        let missing = (0..3)
            .filter(|k| {
                !pod(sim, &format!("web-{k}"))
                    .is_some_and(|p| sts::is_running_and_ready(p) && !p.is_deleting())
            })
            .count();
        max_missing = max_missing.max(missing);
    });
    assert_eq!(max_missing, 1, "at most one pod missing or NotReady");
    let deletes: Vec<String> = s
        .sim
        .drain_steps()
        .into_iter()
        .filter(|st| st.verb == StepVerb::Deleting && st.kind == "Pod")
        .map(|st| st.name.clone())
        .collect();
    assert_eq!(deletes, vec!["web-2", "web-1", "web-0"]);
    let st = set(&s.sim);
    let update = st.str_at(&["status", "updateRevision"]).unwrap();
    assert_eq!(st.str_at(&["status", "currentRevision"]), Some(update));
    for k in 0..3 {
        let p = pod(&s.sim, &format!("web-{k}")).unwrap();
        assert_eq!(p.meta.labels["controller-revision-hash"], update);
    }
    assert_eq!(
        sts::rollout_status(&s.sim, st),
        (
            true,
            "partitioned roll out complete: 3 new pods have been updated...".to_string()
        )
    );
}

#[test]
fn partition_keeps_low_ordinals_and_recreates_them_at_current_revision() {
    let mut s = Session::new(7);
    let spec =
        "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      partition: 2\n";
    apply(&mut s, &format!("{SVC}---\n{}", web(spec, false)));
    s.sim.advance(30_000);
    let old = set(&s.sim)
        .str_at(&["status", "currentRevision"])
        .unwrap()
        .to_string();
    apply(
        &mut s,
        &web(spec, false).replace("nginx-slim:0.24", "nginx-slim:0.27"),
    );
    s.sim.advance(30_000);
    let st = set(&s.sim);
    let new = st
        .str_at(&["status", "updateRevision"])
        .unwrap()
        .to_string();
    assert_ne!(old, new);
    let rev = |sim: &Sim, k: i32| {
        pod(sim, &format!("web-{k}")).unwrap().meta.labels["controller-revision-hash"].clone()
    };
    assert_eq!(rev(&s.sim, 0), old);
    assert_eq!(rev(&s.sim, 1), old);
    assert_eq!(rev(&s.sim, 2), new);
    assert_eq!(
        st.str_at(&["status", "currentRevision"]),
        Some(old.as_str())
    );
    assert_eq!(
        sts::rollout_status(&s.sim, st).1,
        "partitioned roll out complete: 1 new pods have been updated..."
    );
    // A pod below the partition comes back at the current revision (R3.11).
    s.exec("kubectl delete pod web-0", None);
    s.sim.advance(10_000);
    assert_eq!(rev(&s.sim, 0), old);
}

#[test]
fn failed_pod_is_deleted_and_recreated_with_the_same_name() {
    let mut s = Session::new(9);
    apply(&mut s, &format!("{SVC}---\n{}", web("", false)));
    s.sim.advance(30_000);
    let before = pod(&s.sim, "web-1").unwrap().clone();
    let mut failed = before.clone();
    failed.set(&["status", "phase"], json!("Failed"));
    s.sim.update(failed).unwrap();
    s.sim.settle();
    let after = pod(&s.sim, "web-1").expect("recreated at once");
    assert_ne!(after.meta.uid, before.meta.uid);
    let reasons: Vec<(&str, &str)> = s
        .sim
        .events
        .iter()
        .filter(|e| e.kind == "StatefulSet")
        .map(|e| (e.reason.as_str(), e.message.as_str()))
        .rev()
        .take(2)
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                "SuccessfulDelete",
                "delete Pod web-1 in StatefulSet web successful"
            ),
            (
                "RecreatingFailedPod",
                "StatefulSet default/web is recreating failed Pod web-1"
            ),
        ]
    );
    // The second create of web-1 is counted on the first one's event, as kubectl shows.
    let create = s
        .sim
        .events
        .iter()
        .find(|e| e.message == "create Pod web-1 in StatefulSet web successful")
        .unwrap();
    assert_eq!(create.count, 2);
}

#[test]
fn st20_long_name_fails_with_label_length_event() {
    let name = "web-with-a-name-that-is-exactly-sixty-three-characters-long-xyz";
    let mut s = Session::new(11);
    apply(
        &mut s,
        // The set's name only (`replacen`): the port is named `web` too, and a port
        // name may not be 63 characters (validateContainerPorts).
        &web("", false).replacen("name: web}", &format!("name: {name}}}"), 1),
    );
    s.sim.advance(10_000);
    assert_eq!(s.sim.store.list("Pod", "default").count(), 0);
    let e = s
        .sim
        .events
        .iter()
        .find(|e| e.reason == "FailedCreate")
        .expect("a FailedCreate event");
    assert!(e.warning);
    assert_eq!(e.kind, "StatefulSet");
    let prefix = format!("create Pod {name}-0 in StatefulSet {name} failed error: Pod \"{name}-0\" is invalid: [metadata.labels: Invalid value: \"{name}-");
    assert!(e.message.starts_with(&prefix), "{}", e.message);
    assert!(e.message.contains("must be no more than 63 characters"));
    assert!(e.message.ends_with(&format!(
        "spec.hostname: Invalid value: \"{name}-0\": must be no more than 63 characters]"
    )));
}

#[test]
fn dotted_name_on_1_21_fails_hostname_validation() {
    let mut s = Session::new(13);
    s.exec("minikube start --kubernetes-version=v1.21.2", None);
    apply(
        &mut s,
        &web("", false).replacen("name: web}", "name: my.web}", 1),
    );
    s.sim.advance(5_000);
    let e = s
        .sim
        .events
        .iter()
        .find(|e| e.reason == "FailedCreate")
        .expect("a FailedCreate event");
    assert_eq!(
        e.message,
        "create Pod my.web-0 in StatefulSet my.web failed error: Pod \"my.web-0\" is invalid: spec.hostname: Invalid value: \"my.web-0\": must not contain dots"
    );
}

#[test]
fn st09b_when_deleted_delete_gives_claims_to_the_set() {
    let mut s = Session::new(15);
    let spec =
        "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Retain}\n";
    apply(&mut s, &format!("{SVC}---\n{}", web(spec, true)));
    run_for(&mut s.sim, 30_000, |_| {});
    let uid = set(&s.sim).meta.uid.clone();
    for k in 0..3 {
        let c = s
            .sim
            .store
            .find("PersistentVolumeClaim", "default", &format!("www-web-{k}"))
            .unwrap();
        assert_eq!(c.meta.owner_references.len(), 1);
        assert_eq!(c.meta.owner_references[0].uid, uid);
        assert!(!c.meta.owner_references[0].controller);
    }
    s.exec("kubectl delete sts web", None);
    run_for(&mut s.sim, 60_000, |_| {});
    assert_eq!(s.sim.store.list("Pod", "default").count(), 0);
    assert_eq!(
        s.sim.store.list("PersistentVolumeClaim", "default").count(),
        0
    );
}

#[test]
fn when_scaled_delete_removes_condemned_claims_after_their_pods() {
    let mut s = Session::new(17);
    let spec =
        "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}\n";
    apply(&mut s, &format!("{SVC}---\n{}", web(spec, true)));
    run_for(&mut s.sim, 30_000, |_| {});
    s.sim.drain_steps();
    s.exec("kubectl scale sts web --replicas=1", None);
    run_for(&mut s.sim, 30_000, |_| {});
    let names: Vec<String> = s
        .sim
        .store
        .list("PersistentVolumeClaim", "default")
        .map(|c| c.meta.name.clone())
        .collect();
    assert_eq!(names, vec!["www-web-0"]);
    // Each claim goes only after its pod is gone.
    let steps = s.sim.drain_steps();
    let at = |kind: &str, name: &str, verb: StepVerb| {
        steps
            .iter()
            .position(|st| st.kind == kind && st.name == name && st.verb == verb)
            .unwrap_or_else(|| panic!("{kind} {name} {verb:?}"))
    };
    for k in [1, 2] {
        assert!(
            at("Pod", &format!("web-{k}"), StepVerb::Removed)
                < at(
                    "PersistentVolumeClaim",
                    &format!("www-web-{k}"),
                    StepVerb::Removed
                )
        );
    }
    // Scaling up again makes fresh claims (R3.9).
    s.exec("kubectl scale sts web --replicas=2", None);
    run_for(&mut s.sim, 30_000, |_| {});
    assert!(s
        .sim
        .store
        .find("PersistentVolumeClaim", "default", "www-web-1")
        .is_some());
    assert!(pod(&s.sim, "web-1").is_some_and(sts::is_running_and_ready));
}

#[test]
fn a_claim_being_deleted_blocks_its_pod() {
    let mut s = Session::new(19);
    apply(&mut s, &format!("{SVC}---\n{}", web("", true)));
    run_for(&mut s.sim, 30_000, |_| {});
    // Hold www-web-1 in Terminating with a finalizer, then delete its pod.
    let key = ObjKey::new("PersistentVolumeClaim", "default", "www-web-1");
    let mut c = s.sim.store.get(&key).unwrap().clone();
    c.meta.finalizers = vec!["example.com/hold".into()];
    s.sim.update(c).unwrap();
    s.sim.delete(&key, None).unwrap();
    s.exec("kubectl delete pod web-1", None);
    s.sim.advance(10_000);
    assert!(pod(&s.sim, "web-1").is_none());
    assert!(s.sim.events.iter().any(|e| e.reason == "FailedCreate"
        && e.message
            == "create Pod web-1 in StatefulSet web failed error: pvc www-web-1 is being deleted"));
}

#[test]
fn status_and_rollout_lines() {
    let mut s = Session::new(21);
    apply(&mut s, &format!("{SVC}---\n{}", web("", false)));
    let st = set(&s.sim).clone();
    assert_eq!(
        sts::rollout_status(&s.sim, &st),
        (false, "Waiting for 3 pods to be ready...".to_string())
    );
    s.sim.advance(30_000);
    let mut st = set(&s.sim).clone();
    st.meta.generation += 1;
    assert_eq!(
        sts::rollout_status(&s.sim, &st).1,
        "Waiting for statefulset spec update to be observed..."
    );
    let mut st = set(&s.sim).clone();
    st.body["spec"]["updateStrategy"] = json!({"type": "RollingUpdate"});
    let rev = st
        .str_at(&["status", "currentRevision"])
        .unwrap()
        .to_string();
    assert_eq!(
        sts::rollout_status(&s.sim, &st).1,
        format!("statefulset rolling update complete 3 pods at revision {rev}...")
    );
    st.body["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    assert!(sts::rollout_status(&s.sim, &st).1.starts_with("error: "));
}

#[test]
fn same_seed_same_steps() {
    let run = |seed| {
        let mut s = Session::new(seed);
        apply(
            &mut s,
            &format!(
                "{SVC}---\n{}",
                web("  podManagementPolicy: Parallel\n", true)
            ),
        );
        run_for(&mut s.sim, 20_000, |_| {});
        s.exec("kubectl scale sts web --replicas=1", None);
        run_for(&mut s.sim, 20_000, |_| {});
        s.sim.drain_steps()
    };
    assert_eq!(run(23), run(23));
}

#[test]
fn revision_history_is_truncated_to_the_limit() {
    let mut s = Session::new(25);
    let spec = "  revisionHistoryLimit: 1\n";
    apply(&mut s, &format!("{SVC}---\n{}", web(spec, false)));
    s.sim.advance(30_000);
    for tag in ["0.25", "0.26", "0.27"] {
        apply(
            &mut s,
            &web(spec, false).replace("nginx-slim:0.24", &format!("nginx-slim:{tag}")),
        );
        s.sim.advance(60_000);
    }
    // Live: the current (= update) revision; history: one more, the newest unused one.
    let revs: Vec<i64> = s
        .sim
        .store
        .list("ControllerRevision.apps", "default")
        .map(|c| c.i64_at(&["revision"]).unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(revs, vec![3, 4]);
}

/// The ST- transcripts (tests/transcripts/st-*.txt) pass, as `orrery check` runs them.
#[test]
fn st_transcripts_pass() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/transcripts");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("st-") && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failures = vec![];
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let items = orrery::transcript::parse(&text).unwrap();
        let mut s = Session::new(1);
        let ran = orrery::transcript::run(&mut s, &items);
        failures.extend(orrery::transcript::check(&ran, &f.display().to_string()));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
