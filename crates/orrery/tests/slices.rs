//! Work in slices: the page does a busy instant a few milliseconds per frame
//! (`Timeline::exec_sliced`, `Timeline::advance_sliced`, `Timeline::work`), and that
//! must not change what happens. For random scenarios and random places to cut the work,
//! the sliced run's outputs, store (with resource versions), events, steps, kubelet state
//! and recorded history equal the atomic run's; and every transcript prints the same
//! when its commands' settles are done in slices.

use std::path::Path;

use orrery::rng::Rng;
use orrery::shell::Session;
use orrery::time::Millis;
use orrery::timeline::Timeline;

/// A byte string that changes if anything observable differs.
fn fingerprint(s: &Session) -> String {
    let sim = &s.sim;
    let mut out = format!("now={} wake={:?}\n", sim.now, sim.next_wake());
    for o in sim.store.all() {
        out.push_str(&serde_json::to_string(&o.to_json()).unwrap());
        out.push('\n');
    }
    for e in &sim.events {
        out.push_str(&format!("{e:?}\n"));
    }
    for st in &sim.steps {
        out.push_str(&format!("{st:?}\n"));
    }
    out.push_str(&format!("{:?}\n{:?}\n", sim.runtime, sim.node_images));
    out.push_str(&format!("{:?}\n", sim.create_failures));
    out
}

fn statefulset(replicas: u64) -> String {
    format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  replicas: {replicas}\n  podManagementPolicy: Parallel\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      terminationGracePeriodSeconds: 5\n      containers:\n      - name: main\n        image: nginx:1.14.2\n        volumeMounts:\n        - name: data\n          mountPath: /data\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n")
}

/// Static volumes left to the scheduler (WaitForFirstConsumer), fewer than the pods that
/// want them: in one scheduler pass, the volumes earlier pods took are not offered to
/// later ones, so a cut pass must see the same ones taken.
fn local_volumes(volumes: u64, replicas: u64) -> String {
    let mut y = String::from("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: local\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n");
    for i in 0..volumes {
        y.push_str(&format!("---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: local-{i}\nspec:\n  capacity: {{storage: {}Gi}}\n  accessModes: [ReadWriteOnce]\n  storageClassName: local\n  local: {{path: /mnt/disks/vol{i}}}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {{key: kubernetes.io/hostname, operator: In, values: [minikube]}}\n", 1 + i % 3));
    }
    y.push_str(&format!("---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: cache\nspec:\n  serviceName: cache\n  replicas: {replicas}\n  podManagementPolicy: Parallel\n  selector:\n    matchLabels:\n      app: cache\n  template:\n    metadata:\n      labels:\n        app: cache\n    spec:\n      containers:\n      - name: main\n        image: nginx:1.14.2\n        volumeMounts:\n        - name: data\n          mountPath: /data\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      storageClassName: local\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n"));
    y
}

enum Op {
    Exec(String, Option<String>),
    Advance(Millis),
}

fn random_op(rng: &mut Rng, s: &Session) -> Op {
    let pods: Vec<String> = s
        .sim
        .store
        .list("Pod", "default")
        .map(|p| p.meta.name.clone())
        .collect();
    let cmd = |l: String| Op::Exec(l, None);
    match rng.below(13) {
        0 => cmd(format!(
            "kubectl create deployment web --image=nginx --replicas={}",
            rng.below(80)
        )),
        1 => cmd(format!(
            "kubectl scale deployment web --replicas={}",
            rng.below(80)
        )),
        2 => cmd("kubectl delete deployment web".into()),
        3 => Op::Exec(
            "kubectl apply -f - <<EOF".into(),
            Some(statefulset(rng.below(12))),
        ),
        4 if !pods.is_empty() => cmd(format!(
            "kubectl delete pod {}",
            pods[rng.below(pods.len() as u64) as usize]
        )),
        5 => cmd("kubectl set image deployment/web nginx=nginx:does-not-exist".into()),
        6 => cmd("kubectl expose deployment web --port=80".into()),
        7 => cmd("kubectl delete statefulset db".into()),
        8 => cmd(format!("sleep {}s", 1 + rng.below(20))),
        9 => Op::Exec(
            "kubectl apply -f - <<EOF".into(),
            Some(local_volumes(2 + rng.below(6), 1 + rng.below(10))),
        ),
        _ => Op::Advance(1 + rng.below(30_000) as Millis),
    }
}

/// A `should_yield` that says stop after a random number (1–`max`) of questions, anew
/// for every call of the work.
fn budget(rng: &mut Rng, max: u64) -> impl FnMut() -> bool {
    let n = 1 + rng.below(max);
    let mut asked = 0;
    move || {
        asked += 1;
        asked >= n
    }
}

/// Does the pending work in random slices, or (sometimes) leaves it for the next call
/// to finish.
fn work_some(t: &mut Timeline, rng: &mut Rng, max: u64) {
    if rng.below(4) == 0 {
        return;
    }
    let mut slices = 0;
    while !t.work(budget(rng, max)) {
        slices += 1;
        assert!(slices < 1_000_000, "the work makes progress");
    }
}

fn run_seed(seed: u64, ops: usize) {
    let mut rng = Rng::new(seed ^ 0x51ce5);
    // Slices from one action to a few hundred.
    let max = [1, 3, 20, 300][rng.below(4) as usize];
    let mut atomic = Timeline::new(Session::new(seed));
    let mut sliced = Timeline::new(Session::new(seed));
    atomic.session.sim.verify_skips = true;
    sliced.session.sim.verify_skips = true;
    let mut log = String::new();
    for step in 0..ops {
        let op = random_op(&mut rng, &atomic.session);
        match op {
            Op::Exec(line, stdin) => {
                log.push_str(&format!("$ {line}\n"));
                let a = atomic.exec(&line, stdin.as_deref());
                let b = sliced.exec_sliced(&line, stdin.as_deref());
                assert_eq!(a.text, b.text, "seed {seed} step {step}: {line}\n{log}");
                assert_eq!(a.code, b.code);
                work_some(&mut sliced, &mut rng, max);
            }
            Op::Advance(ms) => {
                log.push_str(&format!("(advance {ms})\n"));
                let end = atomic.now() + ms;
                atomic.advance(ms);
                // As the page's clock: a cut advance stops at the busy instant; the
                // time left is advanced once the work is done.
                while sliced.now() < end || sliced.busy() {
                    if sliced.busy() {
                        work_some(&mut sliced, &mut rng, max);
                        sliced.finish();
                    } else {
                        let now = sliced.now();
                        sliced.advance_sliced(end - now, budget(&mut rng, max));
                    }
                }
            }
        }
        if rng.below(5) == 0 {
            sliced.finish();
            assert_eq!(
                fingerprint(&atomic.session),
                fingerprint(&sliced.session),
                "seed {seed} step {step}\n{log}"
            );
        }
    }
    sliced.finish();
    assert_eq!(
        fingerprint(&atomic.session),
        fingerprint(&sliced.session),
        "seed {seed} at the end\n{log}"
    );
    orrery::invariants::check(&sliced.session.sim).unwrap();
    // The sliced run's recorded history replays to the same moments.
    let (start, end) = (atomic.start(), atomic.now());
    for i in 0..=6 {
        let t = start + (end - start) * i / 6;
        let a = atomic.state_at(t);
        let b = sliced.state_at(t);
        assert_eq!(a.sim.now, b.sim.now);
        assert_eq!(
            store_and_events(&a),
            store_and_events(&b),
            "seed {seed}: the moment {t}\n{log}"
        );
    }
    assert_eq!(
        store_and_events(&sliced.state_at(end)),
        store_and_events(&sliced.session)
    );
}

fn store_and_events(s: &Session) -> String {
    let mut out = String::new();
    for o in s.sim.store.all() {
        out.push_str(&serde_json::to_string(&o.to_json()).unwrap());
        out.push('\n');
    }
    for e in &s.sim.events {
        out.push_str(&format!("{e:?}\n"));
    }
    out
}

#[test]
fn sliced_work_equals_atomic_work() {
    let seeds: u64 = std::env::var("ORRERY_SLICES_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    for seed in 0..seeds {
        run_seed(seed, 30);
    }
}

/// A busy instant is really cut: creating 300 pods takes many slices, each applying a
/// bounded number of actions, and the store grows between them.
#[test]
fn a_busy_instant_is_done_in_bounded_slices() {
    let mut t = Timeline::new(Session::new(1));
    let out = t.exec_sliced(
        "kubectl create deployment web --image=nginx --replicas=300",
        None,
    );
    assert_eq!(out.text, "deployment.apps/web created\n");
    assert!(t.busy());
    let entries = t.entries().len();
    let mut pods = vec![];
    let mut slices = 0;
    let fifty = || {
        let mut asked = 0;
        move || {
            asked += 1;
            asked >= 50
        }
    };
    while !t.work(fifty()) {
        slices += 1;
        pods.push(t.session.sim.store.list("Pod", "default").count());
    }
    assert!(slices > 10, "{slices}");
    assert!(pods.windows(2).all(|w| w[0] <= w[1]), "{pods:?}");
    assert!(pods.iter().any(|&n| n > 0 && n < 300), "{pods:?}");
    assert_eq!(t.session.sim.store.list("Pod", "default").count(), 300);
    assert_eq!(t.entries().len(), entries);
    // Commands and advances finish pending work first.
    t.exec_sliced("kubectl scale deployment web --replicas=0", None);
    assert!(t.busy());
    t.advance(1_000);
    assert!(!t.busy());
}

/// The long passes — the ReplicaSet controller creating `burstReplicas` pods, the
/// scheduler binding them, the kubelet syncing hundreds — are cut in the middle and resumed (`controllers::Slice`),
/// with the same result as the uncut pass: random budgets over scenarios big enough to
/// reach the burst cap, compared with the atomic run after every operation.
#[test]
fn long_passes_cut_in_the_middle_give_the_same_cluster() {
    let seeds: u64 = std::env::var("ORRERY_SLICES_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(3, |n: u64| n.div_ceil(4));
    let mut cut_in = std::collections::BTreeSet::new();
    for seed in 0..seeds {
        let mut rng = Rng::new(seed ^ 0xca7);
        let mut atomic = Timeline::new(Session::new(seed));
        let mut sliced = Timeline::new(Session::new(seed));
        let n = 520 + rng.below(200);
        let ops = [
            format!("kubectl create deployment web --image=nginx --replicas={n}"),
            "(advance)".into(),
            format!("kubectl scale deployment web --replicas={}", rng.below(n)),
            "(advance)".into(),
            "kubectl set image deployment/web nginx=nginx:1.25".into(),
            "(advance)".into(),
            "kubectl delete deployment web".into(),
            "(advance)".into(),
        ];
        for (step, line) in ops.iter().enumerate() {
            let max = [2, 10, 60][rng.below(3) as usize];
            let slice =
                |t: &mut Timeline, rng: &mut Rng, cut_in: &mut std::collections::BTreeSet<_>| {
                    let done = t.work(budget(rng, max));
                    if let Some(c) = t.session.sim.cut_pass() {
                        cut_in.insert(c);
                    }
                    done
                };
            if line == "(advance)" {
                let ms = 1_000 + rng.below(20_000) as Millis;
                let end = atomic.now() + ms;
                atomic.advance(ms);
                while sliced.now() < end || sliced.busy() {
                    if sliced.busy() {
                        while !slice(&mut sliced, &mut rng, &mut cut_in) {}
                    } else {
                        let now = sliced.now();
                        sliced.advance_sliced(end - now, budget(&mut rng, max));
                        if let Some(c) = sliced.session.sim.cut_pass() {
                            cut_in.insert(c);
                        }
                    }
                }
            } else {
                let a = atomic.exec(line, None);
                let b = sliced.exec_sliced(line, None);
                assert_eq!(a.text, b.text, "seed {seed} step {step}: {line}");
                while !slice(&mut sliced, &mut rng, &mut cut_in) {}
            }
            assert_eq!(
                fingerprint(&atomic.session),
                fingerprint(&sliced.session),
                "seed {seed} step {step}: {line}"
            );
        }
        orrery::invariants::check(&sliced.session.sim).unwrap();
    }
    assert!(cut_in.contains("replicaset-controller"), "{cut_in:?}");
    assert!(cut_in.contains("default-scheduler"), "{cut_in:?}");
    assert!(cut_in.contains("kubelet"), "{cut_in:?}");
}

/// A slice of work stops inside a long pass: the ReplicaSet controller's pass creating
/// 500 pods is done over many slices, none of which applies anything (the store does not
/// change until the pass has returned all its actions).
#[test]
fn a_pass_creating_500_pods_is_cut() {
    let mut t = Timeline::new(Session::new(1));
    t.exec_sliced(
        "kubectl create deployment web --image=nginx --replicas=1000",
        None,
    );
    let mut cuts = 0;
    let ten = || {
        let mut asked = 0;
        move || {
            asked += 1;
            asked >= 10
        }
    };
    while !t.work(ten()) {
        if t.session.sim.cut_pass() == Some("replicaset-controller") {
            let before = t.session.sim.store.resource_version();
            cuts += 1;
            // Resumed: still in the pass, or it ended and its actions began.
            t.work(ten());
            if t.session.sim.cut_pass() == Some("replicaset-controller") {
                assert_eq!(t.session.sim.store.resource_version(), before);
            }
        }
    }
    // 500 creates in slices of about ten items: dozens of cuts in each of two passes.
    assert!(cuts > 40, "{cuts}");
    assert_eq!(t.session.sim.store.list("Pod", "default").count(), 1000);
}

/// Every transcript prints the same when each command's settle is left pending and
/// done in slices (as on the page): no command reads the cluster after its settle.
#[test]
fn transcripts_print_the_same_when_sliced() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![];
    for dir in ["tests/transcripts", "lessons"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "{}", files.len());
    let mut rng = Rng::new(99);
    for f in files {
        let items = orrery::transcript::parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let session = |dir: &Path| {
            let mut s = Session::new(0);
            let dir = dir.to_path_buf();
            s.loader = Some(std::rc::Rc::new(move |name: &str| {
                std::fs::read_to_string(dir.join(name)).ok()
            }));
            s
        };
        let dir = f.parent().unwrap();
        let mut a = session(dir);
        let ran = orrery::transcript::run(&mut a, &items);
        let mut b = Timeline::new(session(dir));
        let mut i = 0;
        for item in &items {
            if let orrery::transcript::Item::Command(c) = item {
                let out = b.exec_sliced(&c.line, c.heredoc.as_ref().map(|(h, _)| h.as_str()));
                assert_eq!(
                    (&out.text, out.code),
                    (&ran[i].actual, ran[i].code),
                    "{}: {}",
                    f.display(),
                    c.line
                );
                i += 1;
                work_some(&mut b, &mut rng, 40);
            }
        }
        b.finish();
        assert_eq!(
            store_and_events(&a),
            store_and_events(&b.session),
            "{}",
            f.display()
        );
    }
}
