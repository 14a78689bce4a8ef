//! Deployment and ReplicaSet behaviour that a transcript cannot state (R4, §11.2): names
//! against the HASH and SUFFIX regexes, the same hash in two namespaces, the rolling-update
//! bounds at every step, scale-down victims over many seeds, and event texts.

use orrery::api::Object;
use orrery::shell::Session;
use orrery::sim::Sim;

const F3: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
";

fn f3_with(extra_spec: &str, replicas: i64) -> String {
    F3.replace(
        "  replicas: 3\n",
        &format!("  replicas: {replicas}\n{extra_spec}"),
    )
}

fn session(seed: u64, version: Option<&str>) -> Session {
    let mut s = Session::new(seed);
    if let Some(v) = version {
        let o = s.exec(&format!("minikube start --kubernetes-version={v}"), None);
        assert_eq!(o.code, 0, "{}", o.text);
    }
    s
}

fn run(s: &mut Session, line: &str) -> String {
    let o = s.exec(line, None);
    assert_eq!(o.code, 0, "{line}: {}", o.text);
    o.text
}

fn apply(s: &mut Session, manifest: &str) {
    let o = s.exec("kubectl apply -f -", Some(manifest));
    assert_eq!(o.code, 0, "{}", o.text);
}

fn is_hash(h: &str) -> bool {
    // HASH: ^[5-9bcdf][456789bcdf]{0,9}$ (a leading 4 only for the value 0).
    let b = h.as_bytes();
    !b.is_empty()
        && b.len() <= 10
        && (b"56789bcdf".contains(&b[0]) || h == "4")
        && b.iter().all(|c| b"456789bcdf".contains(c))
}

fn is_suffix(s: &str) -> bool {
    s.len() == 5
        && s.bytes()
            .all(|c| b"bcdfghjklmnpqrstvwxz2456789".contains(&c))
}

fn objects<'a>(sim: &'a Sim, gk: &str) -> Vec<&'a Object> {
    sim.store.list(gk, "default").collect()
}

fn live_pods(sim: &Sim) -> Vec<&Object> {
    objects(sim, "Pod")
        .into_iter()
        .filter(|p| !p.is_deleting())
        .collect()
}

#[test]
fn dp01_names_labels_and_revision_match_the_regexes() {
    for seed in 1..=20 {
        let mut s = session(seed, None);
        apply(&mut s, F3);
        s.exec("sleep 30s", None);
        let rss = objects(&s.sim, "ReplicaSet.apps");
        assert_eq!(rss.len(), 1);
        let rs = rss[0];
        let hash = rs.meta.name.strip_prefix("nginx-deployment-").unwrap();
        assert!(is_hash(hash), "hash {hash}");
        assert_eq!(
            rs.meta.labels.get("pod-template-hash").map(String::as_str),
            Some(hash)
        );
        assert_eq!(
            rs.meta
                .annotations
                .get("deployment.kubernetes.io/revision")
                .map(String::as_str),
            Some("1")
        );
        let pods = live_pods(&s.sim);
        assert_eq!(pods.len(), 3);
        for p in pods {
            let rest = p
                .meta
                .name
                .strip_prefix(&format!("{}-", rs.meta.name))
                .unwrap();
            assert!(is_suffix(rest), "suffix {rest}");
            assert_eq!(
                p.meta.labels.get("pod-template-hash").map(String::as_str),
                Some(hash)
            );
            assert_eq!(p.controller_ref().unwrap().uid, rs.meta.uid);
        }
    }
}

#[test]
fn dp03_same_template_same_hash_different_suffixes() {
    let mut s = session(1, None);
    run(&mut s, "kubectl create namespace other");
    apply(&mut s, F3);
    let o = s.exec("kubectl apply -n other -f -", Some(F3));
    assert_eq!(o.code, 0);
    s.exec("sleep 10s", None);
    let a: Vec<&Object> = s.sim.store.list("ReplicaSet.apps", "default").collect();
    let b: Vec<&Object> = s.sim.store.list("ReplicaSet.apps", "other").collect();
    assert_eq!(a[0].meta.name, b[0].meta.name);
    let pa: Vec<String> = s
        .sim
        .store
        .list("Pod", "default")
        .map(|p| p.meta.name.clone())
        .collect();
    let pb: Vec<String> = s
        .sim
        .store
        .list("Pod", "other")
        .map(|p| p.meta.name.clone())
        .collect();
    assert!(pa.iter().all(|n| !pb.contains(n)));
    // Another cluster (another seed): same hash again.
    let mut t = session(99, None);
    apply(&mut t, F3);
    let c: Vec<&Object> = t.sim.store.list("ReplicaSet.apps", "default").collect();
    assert_eq!(a[0].meta.name, c[0].meta.name);
}

/// Sum of RS spec.replicas and available pods of the Deployment, checked at every instant.
fn check_bounds(sim: &Sim, max_total: i64, min_available: i64, seen: &mut Vec<(i64, i64)>) {
    let rss = objects(sim, "ReplicaSet.apps");
    let total: i64 = rss
        .iter()
        .map(|r| r.i64_at(&["spec", "replicas"]).unwrap_or(0))
        .sum();
    let available = live_pods(sim)
        .iter()
        .filter(|p| orrery::controllers::replicaset::is_pod_available(sim, p, 0))
        .count() as i64;
    assert!(
        total <= max_total,
        "RS replicas {total} > {max_total} at {}",
        sim.now
    );
    assert!(
        available >= min_available,
        "available {available} < {min_available} at {}",
        sim.now
    );
    let last = (rss.len() as i64, total);
    if seen.last() != Some(&last) {
        seen.push(last);
    }
}

/// Changes the image through the API (no settling), then runs controller rounds one at a
/// time and returns each distinct list of RS `spec.replicas` (oldest RS first).
fn set_image_round_by_round(s: &mut Session, image: &str) -> Vec<Vec<i64>> {
    let mut d = s
        .sim
        .store
        .find("Deployment.apps", "default", "nginx-deployment")
        .unwrap()
        .clone();
    d.set(
        &["spec", "template", "spec", "containers"],
        serde_json::json!([{"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]),
    );
    s.sim.update(d).unwrap();
    let mut states = vec![rs_desired(&s.sim)];
    for _ in 0..100 {
        let n = s.sim.round();
        let now = rs_desired(&s.sim);
        if states.last() != Some(&now) {
            states.push(now);
        }
        if n == 0 {
            break;
        }
    }
    states
}

fn scaling_events(sim: &Sim, from: usize) -> Vec<String> {
    sim.events
        .iter()
        .skip(from)
        .filter(|e| e.reason == "ScalingReplicaSet")
        .map(|e| e.message.clone())
        .collect()
}

fn rs_desired(sim: &Sim) -> Vec<i64> {
    let mut rss = objects(sim, "ReplicaSet.apps");
    rss.sort_by_key(|r| r.meta.creation_ms);
    rss.iter()
        .map(|r| r.i64_at(&["spec", "replicas"]).unwrap_or(0))
        .collect()
}

#[test]
fn dp08_rolling_update_with_four_replicas_keeps_the_bounds() {
    for seed in [1, 2, 3] {
        let mut s = session(seed, None);
        apply(&mut s, &f3_with("", 4));
        s.exec("sleep 30s", None);
        let events_before = s.sim.events.len();
        let states = set_image_round_by_round(&mut s, "nginx:1.16.1");
        // First step: new RS 1, then old RS 3 (surge 1, unavailable 1), then new RS 2 —
        // the first two API calls of one sync, as the real controller makes them.
        assert_eq!(states[..3], [vec![4], vec![3, 1], vec![3, 2]]);
        let scaling = scaling_events(&s.sim, events_before);
        assert!(scaling[0].contains("from 0 to 1"), "{scaling:?}");
        assert!(
            scaling[1].starts_with("Scaled down") && scaling[1].ends_with("from 4 to 3"),
            "{scaling:?}"
        );
        assert!(
            scaling[2].starts_with("Scaled up") && scaling[2].ends_with("from 1 to 2"),
            "{scaling:?}"
        );
        let mut seen = vec![];
        let deadline = s.sim.now + 120_000;
        s.sim.advance_until(deadline, |sim| {
            check_bounds(sim, 5, 3, &mut seen);
            false
        });
        assert_eq!(rs_desired(&s.sim), vec![0, 4]);
        let mut rss = objects(&s.sim, "ReplicaSet.apps");
        rss.sort_by_key(|r| r.meta.creation_ms);
        let rev = |r: &Object| r.meta.annotations["deployment.kubernetes.io/revision"].clone();
        assert_eq!((rev(rss[0]).as_str(), rev(rss[1]).as_str()), ("1", "2"));
        assert_ne!(rss[0].meta.name, rss[1].meta.name);
    }
}

#[test]
fn dp09_surge_one_unavailable_zero_waits_for_availability() {
    let mut s = session(1, None);
    apply(&mut s, F3);
    s.exec("sleep 30s", None);
    let states = set_image_round_by_round(&mut s, "nginx:1.16.1");
    assert_eq!(states, [vec![3], vec![3, 1]]);
    let mut seen = vec![];
    let deadline = s.sim.now + 120_000;
    s.sim.advance_until(deadline, |sim| {
        check_bounds(sim, 4, 3, &mut seen);
        // The old RS is decremented only once a new pod is available.
        let d = rs_desired(sim);
        if d.len() == 2 && d[0] < 3 {
            let new_available = objects(sim, "ReplicaSet.apps")
                .iter()
                .max_by_key(|r| r.meta.creation_ms)
                .and_then(|r| r.i64_at(&["status", "availableReplicas"]))
                .unwrap_or(0);
            assert!(
                new_available >= 3 - d[0],
                "{d:?} with {new_available} new available"
            );
        }
        false
    });
    assert_eq!(rs_desired(&s.sim), vec![0, 3]);
}

#[test]
fn dp10_max_surge_zero_scales_old_down_first() {
    let mut s = session(1, None);
    let strategy =
        "  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 25%\n";
    apply(&mut s, &f3_with(strategy, 3));
    s.exec("sleep 30s", None);
    let states = set_image_round_by_round(&mut s, "nginx:1.16.1");
    // The new RS is created at 0; the old RS goes 3→2 before the new one goes 0→1.
    assert_eq!(states, [vec![3], vec![2, 0], vec![2, 1]]);
    let mut seen = vec![];
    let deadline = s.sim.now + 120_000;
    s.sim.advance_until(deadline, |sim| {
        check_bounds(sim, 3, 2, &mut seen);
        false
    });
    assert_eq!(rs_desired(&s.sim), vec![0, 3]);
    // The scaling events: down first, then up.
    let scaling: Vec<&str> = s
        .sim
        .events
        .iter()
        .filter(|e| e.reason == "ScalingReplicaSet")
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        scaling[1].starts_with("Scaled down replica set nginx-deployment-"),
        "{scaling:?}"
    );
    assert!(scaling[1].ends_with("from 3 to 2"), "{scaling:?}");
    assert!(
        scaling[2].starts_with("Scaled up replica set nginx-deployment-"),
        "{scaling:?}"
    );
    assert!(scaling[2].ends_with("from 0 to 1"), "{scaling:?}");
}

#[test]
fn dp12_revision_history_limit_keeps_two_old_replica_sets() {
    let mut s = session(1, None);
    apply(&mut s, &f3_with("  revisionHistoryLimit: 2\n", 3));
    s.exec("sleep 30s", None);
    for v in ["1.15.0", "1.16.0", "1.17.0", "1.18.0"] {
        run(
            &mut s,
            &format!("kubectl set image deployment/nginx-deployment nginx=nginx:{v}"),
        );
        s.exec("sleep 60s", None);
        assert!(objects(&s.sim, "ReplicaSet.apps").len() <= 3);
    }
    let mut revs: Vec<String> = objects(&s.sim, "ReplicaSet.apps")
        .iter()
        .map(|r| r.meta.annotations["deployment.kubernetes.io/revision"].clone())
        .collect();
    revs.sort();
    assert_eq!(revs, ["3", "4", "5"]);
}

#[test]
fn dp13_rollback_reuses_the_replica_set_and_bumps_its_revision() {
    let mut s = session(1, None);
    apply(&mut s, F3);
    s.exec("sleep 30s", None);
    let first = objects(&s.sim, "ReplicaSet.apps")[0].meta.name.clone();
    run(
        &mut s,
        "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1",
    );
    s.exec("sleep 60s", None);
    assert_eq!(
        run(&mut s, "kubectl rollout undo deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment rolled back\n"
    );
    s.exec("sleep 60s", None);
    let rss = objects(&s.sim, "ReplicaSet.apps");
    assert_eq!(rss.len(), 2, "no new ReplicaSet");
    let back = rss.iter().find(|r| r.meta.name == first).unwrap();
    assert_eq!(
        back.meta.annotations["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(
        back.meta.annotations["deployment.kubernetes.io/revision-history"],
        "1"
    );
    assert_eq!(back.i64_at(&["spec", "replicas"]), Some(3));
}

/// Creates a ReplicaSet whose pods get different ages, then scales it down by one and
/// returns the name of the deleted pod and the pods by age.
fn scale_down_victim(
    seed: u64,
    version: Option<&str>,
    waits: &[&str],
) -> (String, Vec<(String, i64)>) {
    let mut s = session(seed, version);
    let rs = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
";
    apply(&mut s, rs);
    for (i, w) in waits.iter().enumerate() {
        s.exec(&format!("sleep {w}"), None);
        if i + 1 < waits.len() {
            run(
                &mut s,
                &format!("kubectl scale rs web --replicas={}", i + 2),
            );
        }
    }
    let now = s.sim.now;
    let ages: Vec<(String, i64)> = live_pods(&s.sim)
        .iter()
        .map(|p| (p.meta.name.clone(), (now - p.meta.creation_ms) / 1000))
        .collect();
    let n = ages.len();
    run(
        &mut s,
        &format!("kubectl scale rs web --replicas={}", n - 1),
    );
    let deleted: Vec<String> = objects(&s.sim, "Pod")
        .iter()
        .filter(|p| p.is_deleting())
        .map(|p| p.meta.name.clone())
        .collect();
    assert_eq!(deleted.len(), 1);
    (deleted[0].clone(), ages)
}

fn age_of(ages: &[(String, i64)], name: &str) -> i64 {
    ages.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn dp04_the_ten_second_pod_is_deleted() {
    for seed in 1..=10 {
        // Ages 10 min, 10 min, 10 s.
        let mut s = session(seed, None);
        let rs = F3
            .replace("kind: Deployment", "kind: ReplicaSet")
            .replace("  replicas: 3\n", "  replicas: 2\n");
        apply(&mut s, &rs);
        s.exec("sleep 590s", None);
        run(&mut s, "kubectl scale rs nginx-deployment --replicas=3");
        s.exec("sleep 10s", None);
        run(&mut s, "kubectl scale rs nginx-deployment --replicas=2");
        let now = s.sim.now;
        let deleted: Vec<&Object> = objects(&s.sim, "Pod")
            .into_iter()
            .filter(|p| p.is_deleting())
            .collect();
        assert_eq!(deleted.len(), 1);
        assert_eq!(
            (now - deleted[0].meta.creation_ms) / 1000,
            10,
            "seed {seed}"
        );
    }
}

#[test]
fn dp07_same_log2_bucket_is_a_uid_tie_and_the_old_pod_stays() {
    let mut outcomes = std::collections::BTreeSet::new();
    for seed in 1..=30 {
        // Pod ages 1 h + 60 s, 60 s, 40 s.
        let (victim, ages) = scale_down_victim(seed, None, &["3600s", "20s", "40s"]);
        let age = age_of(&ages, &victim);
        assert!(
            age == 40 || age == 60,
            "seed {seed}: deleted the {age}s pod"
        );
        outcomes.insert(age);
    }
    // The UID tie-break picks either, depending on the seed.
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
}

#[test]
fn dp07_on_1_21_exactly_the_newest_pod_goes() {
    for seed in 1..=10 {
        let (victim, ages) = scale_down_victim(seed, Some("v1.21.2"), &["3600s", "20s", "40s"]);
        assert_eq!(age_of(&ages, &victim), 40, "seed {seed}");
    }
}

/// DP-06: a bare pod, annotated with a deletion cost and adopted by a ReplicaSet.
fn deletion_cost_victim(seed: u64, version: Option<&str>) -> String {
    let mut s = session(seed, version);
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: oldest
  labels:
    app: web
  annotations:
    controller.kubernetes.io/pod-deletion-cost: \"-100\"
spec:
  containers:
  - name: nginx
    image: nginx:1.14.2
";
    apply(&mut s, pod);
    s.exec("sleep 5s", None);
    let rs = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
";
    apply(&mut s, rs);
    s.exec("sleep 60s", None);
    assert_eq!(live_pods(&s.sim).len(), 3);
    run(&mut s, "kubectl scale rs web --replicas=2");
    let deleted: Vec<String> = objects(&s.sim, "Pod")
        .iter()
        .filter(|p| p.is_deleting())
        .map(|p| p.meta.name.clone())
        .collect();
    assert_eq!(deleted.len(), 1);
    deleted[0].clone()
}

#[test]
fn dp06_pod_deletion_cost_is_honoured_from_1_22() {
    for seed in 1..=5 {
        assert_eq!(deletion_cost_victim(seed, None), "oldest");
        assert_ne!(deletion_cost_victim(seed, Some("v1.21.2")), "oldest");
    }
}

#[test]
fn dp02_replacement_is_immediate_with_a_new_suffix() {
    let mut s = session(1, None);
    apply(&mut s, F3);
    s.exec("sleep 30s", None);
    let victim = live_pods(&s.sim)[0].meta.name.clone();
    let before: Vec<String> = live_pods(&s.sim)
        .iter()
        .map(|p| p.meta.name.clone())
        .collect();
    run(&mut s, &format!("kubectl delete pod {victim}"));
    let all = objects(&s.sim, "Pod");
    assert_eq!(all.len(), 4);
    let live: Vec<String> = live_pods(&s.sim)
        .iter()
        .map(|p| p.meta.name.clone())
        .collect();
    assert_eq!(live.len(), 3);
    let new: Vec<&String> = live.iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(new.len(), 1);
    assert_ne!(new[0], &victim);
    s.exec("sleep 60s", None);
    assert_eq!(objects(&s.sim, "Pod").len(), 3);
}

#[test]
fn events_have_the_r4_12_texts() {
    let mut s = session(1, None);
    apply(&mut s, F3);
    s.exec("sleep 30s", None);
    let rs = objects(&s.sim, "ReplicaSet.apps")[0].meta.name.clone();
    let msgs: Vec<(String, String)> = s
        .sim
        .events
        .iter()
        .filter(|e| e.kind != "Pod")
        .map(|e| (e.reason.clone(), e.message.clone()))
        .collect();
    assert_eq!(
        msgs[0],
        (
            "ScalingReplicaSet".into(),
            format!("Scaled up replica set {rs} from 0 to 3")
        )
    );
    let created: Vec<&(String, String)> = msgs
        .iter()
        .filter(|(r, _)| r == "SuccessfulCreate")
        .collect();
    assert_eq!(created.len(), 3);
    for (_, m) in created {
        let pod = m.strip_prefix("Created pod: ").unwrap();
        assert!(s.sim.store.find("Pod", "default", pod).is_some(), "{pod}");
    }
    run(
        &mut s,
        "kubectl scale deployment nginx-deployment --replicas=1",
    );
    let last: Vec<&str> = s
        .sim
        .events
        .iter()
        .rev()
        .take(10)
        .filter(|e| e.kind != "Pod")
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        last.iter()
            .any(|m| *m == format!("Scaled down replica set {rs} from 3 to 1")),
        "{last:?}"
    );
    assert_eq!(
        last.iter()
            .filter(|m| m.starts_with("Deleted pod: "))
            .count(),
        2
    );

    let mut old = session(1, Some("v1.21.2"));
    apply(&mut old, F3);
    let e = old
        .sim
        .events
        .iter()
        .find(|e| e.reason == "ScalingReplicaSet")
        .unwrap();
    assert!(
        e.message.ends_with(" to 3") && !e.message.contains("from"),
        "{}",
        e.message
    );
}

#[test]
fn the_same_seed_gives_the_same_events() {
    let go = |seed| {
        let mut s = session(seed, None);
        apply(&mut s, F3);
        s.exec("sleep 30s", None);
        run(
            &mut s,
            "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1",
        );
        s.exec("kubectl rollout status deployment/nginx-deployment", None);
        s.exec(
            "kubectl scale deployment nginx-deployment --replicas=5",
            None,
        );
        s.exec("sleep 30s", None);
        s.sim
            .events
            .iter()
            .map(|e| format!("{} {} {}", e.first_ms, e.object, e.message))
            .collect::<Vec<_>>()
    };
    for seed in [1, 7] {
        assert_eq!(go(seed), go(seed), "seed {seed}");
    }
}

#[test]
fn orphaned_replica_set_is_adopted_by_the_recreated_deployment() {
    let mut s = session(1, None);
    apply(&mut s, F3);
    s.exec("sleep 30s", None);
    let rs = objects(&s.sim, "ReplicaSet.apps")[0].meta.name.clone();
    let pods: Vec<String> = live_pods(&s.sim)
        .iter()
        .map(|p| p.meta.name.clone())
        .collect();
    run(
        &mut s,
        "kubectl delete deployment nginx-deployment --cascade=orphan",
    );
    assert!(objects(&s.sim, "ReplicaSet.apps")[0]
        .controller_ref()
        .is_none());
    apply(&mut s, F3);
    s.exec("sleep 10s", None);
    let rss = objects(&s.sim, "ReplicaSet.apps");
    assert_eq!(rss.len(), 1);
    assert_eq!(rss[0].meta.name, rs);
    let d = s
        .sim
        .store
        .find("Deployment.apps", "default", "nginx-deployment")
        .unwrap();
    assert_eq!(rss[0].controller_ref().unwrap().uid, d.meta.uid);
    let now: Vec<String> = live_pods(&s.sim)
        .iter()
        .map(|p| p.meta.name.clone())
        .collect();
    assert_eq!(now, pods, "the pods survive");
}

#[test]
fn r1_6_a_name_taken_by_another_template_bumps_collision_count() {
    // Learn the hash F3 gets, then occupy that name with a different template.
    let mut probe = session(1, None);
    apply(&mut probe, F3);
    let taken = objects(&probe.sim, "ReplicaSet.apps")[0].meta.name.clone();
    let mut s = session(1, None);
    let squatter = F3
        .replace("kind: Deployment", "kind: ReplicaSet")
        .replace("name: nginx-deployment", &format!("name: {taken}"))
        .replace("  replicas: 3\n", "  replicas: 0\n")
        .replace("nginx:1.14.2", "nginx:1.16.1");
    apply(&mut s, &squatter);
    apply(&mut s, F3);
    s.exec("sleep 30s", None);
    let d = s
        .sim
        .store
        .find("Deployment.apps", "default", "nginx-deployment")
        .unwrap();
    assert_eq!(d.i64_at(&["status", "collisionCount"]), Some(1));
    let rss = objects(&s.sim, "ReplicaSet.apps");
    assert_eq!(rss.len(), 2);
    let new = rss.iter().find(|r| r.meta.name != taken).unwrap();
    assert!(is_hash(
        new.meta.name.strip_prefix("nginx-deployment-").unwrap()
    ));
    assert_eq!(new.i64_at(&["status", "readyReplicas"]), Some(3));
    assert_eq!(d.i64_at(&["status", "availableReplicas"]), Some(3));
}

#[test]
fn min_ready_seconds_delays_availability_and_the_rollout() {
    let mut s = session(1, None);
    apply(&mut s, &f3_with("  minReadySeconds: 10\n", 3));
    s.exec("sleep 5s", None);
    let d = s
        .sim
        .store
        .find("Deployment.apps", "default", "nginx-deployment")
        .unwrap();
    assert_eq!(d.i64_at(&["status", "readyReplicas"]), Some(3));
    assert_eq!(
        d.i64_at(&["status", "availableReplicas"]),
        None,
        "Ready, not yet available"
    );
    s.exec("sleep 10s", None);
    let d = s
        .sim
        .store
        .find("Deployment.apps", "default", "nginx-deployment")
        .unwrap();
    assert_eq!(d.i64_at(&["status", "availableReplicas"]), Some(3));
    let rs = objects(&s.sim, "ReplicaSet.apps")[0];
    assert_eq!(rs.i64_at(&["spec", "minReadySeconds"]), Some(10));
    // A rolling update waits minReadySeconds for each new pod before the old set shrinks.
    run(
        &mut s,
        "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1",
    );
    s.exec("sleep 8s", None);
    assert_eq!(
        rs_desired(&s.sim),
        vec![3, 1],
        "new pod Ready but not available yet"
    );
    s.exec("sleep 5s", None);
    assert_eq!(rs_desired(&s.sim)[0], 2);
}
