//! Property test: many seeds × random command sequences (apply, delete pod, scale, set
//! image, sleep, delete workloads, write in a pod, a one-shot `kubectl run -i --rm`, taint
//! the node, run a Job). After every command the invariants hold
//! (`orrery::invariants::check`); at the end the cluster converges within a bound; and
//! each seed runs twice to prove the history is byte-identical. A failure prints its
//! seed and the commands so far, ready to paste into a transcript.
//!
//! `ORRERY_PROPTEST_SEEDS` and `ORRERY_PROPTEST_STEPS` scale it (CI uses the defaults;
//! `make bench` runs 1,000 × 200).

use orrery::rng::Rng;
use orrery::shell::Session;

const IMAGES: &[&str] = &[
    "nginx:1.14.2",
    "nginx:1.16.1",
    "nginx:does-not-exist",
    "busybox:1.36",
];

fn deployment(rng: &mut Rng, name: &str) -> String {
    let replicas = rng.below(5);
    let image = IMAGES[rng.below(IMAGES.len() as u64) as usize];
    let cmd = if image.starts_with("busybox") {
        "\n        command: [\"sh\", \"-c\", \"sleep 3600\"]"
    } else {
        ""
    };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: main\n        image: {image}{cmd}\n        ports:\n        - containerPort: 80\n"
    )
}

fn statefulset(rng: &mut Rng, name: &str, claims: bool) -> String {
    let replicas = rng.below(4);
    let policy = if rng.below(2) == 0 {
        "OrderedReady"
    } else {
        "Parallel"
    };
    let vct = if claims {
        "\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi"
    } else {
        ""
    };
    let mount = if claims {
        "\n        volumeMounts:\n        - name: data\n          mountPath: /data"
    } else {
        ""
    };
    format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\nspec:\n  serviceName: {name}\n  replicas: {replicas}\n  podManagementPolicy: {policy}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      terminationGracePeriodSeconds: 5\n      containers:\n      - name: main\n        image: nginx:1.14.2{mount}{vct}\n"
    )
}

/// A Job whose pods succeed, fail, take a while or never end, restarted in place or
/// replaced, sometimes with a deadline or a time to live.
fn job(rng: &mut Rng, name: &str) -> String {
    let (image, cmd) = [
        ("busybox:1.36", "[\"sh\", \"-c\", \"echo done\"]"),
        ("busybox:1.36", "[\"sh\", \"-c\", \"exit 1\"]"),
        ("busybox:1.36", "[\"sh\", \"-c\", \"sleep 20\"]"),
        ("nginx:1.14.2", "[]"),
    ][rng.below(4) as usize];
    let policy = ["Never", "OnFailure"][rng.below(2) as usize];
    let mut extra = String::new();
    if rng.below(3) == 0 {
        extra.push_str(&format!("\n  activeDeadlineSeconds: {}", 5 + rng.below(60)));
    }
    if rng.below(3) == 0 {
        extra.push_str(&format!("\n  ttlSecondsAfterFinished: {}", rng.below(30)));
    }
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n  completions: {}\n  parallelism: {}\n  backoffLimit: {}{extra}\n  template:\n    spec:\n      restartPolicy: {policy}\n      containers:\n      - name: main\n        image: {image}\n        command: {cmd}\n",
        1 + rng.below(3),
        1 + rng.below(3),
        rng.below(4),
    )
}

fn service(name: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  clusterIP: None\n  selector:\n    app: {name}\n  ports:\n  - port: 80\n")
}

/// One random command (and its heredoc), drawn from what exists now.
fn random_command(rng: &mut Rng, s: &Session) -> (String, Option<String>) {
    let pods: Vec<String> = s
        .sim
        .store
        .list("Pod", "default")
        .map(|p| p.meta.name.clone())
        .collect();
    match rng.below(14) {
        0 | 1 => {
            let name = ["web", "api"][rng.below(2) as usize];
            (
                "kubectl apply -f - <<EOF".into(),
                Some(deployment(rng, name)),
            )
        }
        2 => {
            let claims = rng.below(2) == 0;
            let name = ["db", "cache"][rng.below(2) as usize];
            (
                "kubectl apply -f - <<EOF".into(),
                Some(statefulset(rng, name, claims)),
            )
        }
        3 => (
            "kubectl apply -f - <<EOF".into(),
            Some(service(["db", "web"][rng.below(2) as usize])),
        ),
        4 if !pods.is_empty() => (
            format!(
                "kubectl delete pod {}",
                pods[rng.below(pods.len() as u64) as usize]
            ),
            None,
        ),
        5 => {
            let target = [
                "deployment/web",
                "deployment/api",
                "statefulset/db",
                "statefulset/cache",
            ][rng.below(4) as usize];
            (
                format!("kubectl scale {target} --replicas={}", rng.below(6)),
                None,
            )
        }
        6 => {
            let image = IMAGES[rng.below(IMAGES.len() as u64) as usize];
            (
                format!(
                    "kubectl set image deployment/{} main={image}",
                    ["web", "api"][rng.below(2) as usize]
                ),
                None,
            )
        }
        7 => {
            let target = [
                "deployment/web",
                "statefulset/db",
                "service/web",
                "pvc/data-db-0",
            ][rng.below(4) as usize];
            (format!("kubectl delete {target}"), None)
        }
        // A request from inside the cluster: a one-shot pod, attached and removed (its
        // pod comes and goes; its wait and its command advance time).
        8 => {
            let cmd = [
                "wget -qO- -T 1 web",
                "nslookup db-0.db",
                "sh -c 'wget -qO- web | grep -c nginx'",
            ][rng.below(3) as usize];
            (
                format!("kubectl run -i --rm --restart=Never probe --image=busybox:1.28 -- {cmd}"),
                None,
            )
        }
        // Write to a StatefulSet pod's claim (issue 4: data on a PV is never lost while
        // the PV exists).
        9 => {
            let pod = ["db-0", "db-1", "cache-0"][rng.below(3) as usize];
            (
                format!(
                    "kubectl exec {pod} -- sh -c 'echo {} >> /data/log'",
                    rng.below(1000)
                ),
                None,
            )
        }
        // Taint the node or take a taint off (NoExecute evicts the pods on it; the
        // workloads' new pods wait Pending until it goes).
        10 => {
            let change = [
                "maintenance=now:NoExecute",
                "maintenance-",
                "dedicated=gpu:NoSchedule",
                "dedicated-",
            ][rng.below(4) as usize];
            (format!("kubectl taint nodes minikube {change}"), None)
        }
        // A Job, from a manifest or `kubectl create job`, or one deleted (its pods go
        // with it).
        11 => match rng.below(3) {
            0 => {
                let name = ["batch", "once"][rng.below(2) as usize];
                ("kubectl apply -f - <<EOF".into(), Some(job(rng, name)))
            }
            1 => (
                "kubectl create job quick --image=busybox:1.36 -- sh -c 'echo hi'".into(),
                None,
            ),
            _ => (
                format!(
                    "kubectl delete job {}",
                    ["batch", "once", "quick"][rng.below(3) as usize]
                ),
                None,
            ),
        },
        _ => (format!("sleep {}s", 1 + rng.below(40)), None),
    }
}

/// A byte string that changes if anything observable differs.
fn fingerprint(s: &Session) -> String {
    let mut out = String::new();
    for o in s.sim.store.all() {
        out.push_str(&serde_json::to_string(&o.to_json()).unwrap());
        out.push('\n');
    }
    for e in &s.sim.events {
        out.push_str(&format!("{:?}\n", e));
    }
    out
}

fn run_seed(seed: u64, steps: usize) -> Result<String, String> {
    let mut rng = Rng::new(seed.wrapping_mul(7919));
    let mut s = Session::new(seed);
    // Every skipped controller pass is checked to have had nothing to do.
    s.sim.verify_skips = true;
    let mut log = String::new();
    let mut transcript = String::new();
    let mut witness = orrery::controllers::persistentvolume::DataWitness::default();
    let mut claims = sts_claims(&s);
    // Claims the user deleted that are still there: a claim in use by a pod is kept
    // until the pod is gone (the pvc-protection finalizer, R5.10), so it disappears
    // later — during a sleep — which is not a loss.
    let mut deleted = std::collections::BTreeSet::new();
    for step in 0..steps {
        let (line, heredoc) = random_command(&mut rng, &s);
        transcript.push_str(&format!("$ {line}\n"));
        if let Some(h) = &heredoc {
            transcript.push_str(h);
            transcript.push_str("EOF\n");
        }
        let out = s.exec(&line, heredoc.as_deref());
        for (uid, name) in &claims {
            if line == format!("kubectl delete pvc/{name}") {
                deleted.insert(uid.clone());
            }
        }
        log.push_str(&out.text);
        let broken = orrery::invariants::check(&s.sim)
            .and_then(|()| witness.check(&s.sim))
            .and_then(|()| claims_outlive_pods(&claims, &deleted, &s, &line));
        if let Err(e) = broken {
            return Err(format!("seed {seed}, step {step}: invariant broken: {e}\n--- commands so far ---\n{transcript}"));
        }
        claims = sts_claims(&s);
    }
    // Convergence: with the node's taints taken off (a tainted node may keep pods
    // Pending for ever, as a real one does), ten minutes without commands bring every
    // workload to its spec.
    for change in ["maintenance-", "dedicated-"] {
        let line = format!("kubectl taint nodes minikube {change}");
        let out = s.exec(&line, None);
        log.push_str(&out.text);
    }
    s.exec("sleep 10m", None);
    orrery::invariants::check(&s.sim)
        .map_err(|e| format!("seed {seed}: after settling: {e}\n{transcript}"))?;
    orrery::invariants::converged(&s.sim).map_err(|e| {
        format!("seed {seed}: did not converge: {e}\n--- commands ---\n{transcript}")
    })?;
    Ok(log + &fingerprint(&s))
}

/// The claims StatefulSets made (`<template>-<set>-<ordinal>`), by UID.
fn sts_claims(s: &Session) -> Vec<(String, String)> {
    s.sim
        .store
        .list("PersistentVolumeClaim", "default")
        .filter(|c| c.meta.name.starts_with("data-"))
        .map(|c| (c.meta.uid.clone(), c.meta.name.clone()))
        .collect()
}

/// A StatefulSet's claims outlive its pods and the set itself (the default retention
/// policy is Retain/Retain, R3.9, R3.16): one only goes when the user deletes it — at
/// once, or later when a pod still used it (`deleted` remembers the request).
fn claims_outlive_pods(
    before: &[(String, String)],
    deleted: &std::collections::BTreeSet<String>,
    s: &Session,
    line: &str,
) -> Result<(), String> {
    for (uid, name) in before {
        let gone = s.sim.store.by_uid(uid).is_none();
        if gone && !deleted.contains(uid) {
            return Err(format!(
                "claim {name} disappeared though nobody deleted it (`{line}`)"
            ));
        }
    }
    Ok(())
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_sessions_keep_invariants_converge_and_replay_identically() {
    let seeds = env_or("ORRERY_PROPTEST_SEEDS", 40) as u64;
    let steps = env_or("ORRERY_PROPTEST_STEPS", 40);
    for seed in 1..=seeds {
        let first = run_seed(seed, steps).unwrap_or_else(|e| panic!("{e}"));
        let second = run_seed(seed, steps).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            first == second,
            "seed {seed}: same seed and commands gave a different history"
        );
    }
}
