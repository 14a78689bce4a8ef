//! A whole session: random manifests (workload templates with fuzzed fields) and random
//! commands against them, with virtual time advancing, through `shell::Session` — as the
//! page's console and buttons drive it. After every command `invariants::check` holds;
//! no panic, no hang.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use orrery::shell::Session;
use serde_json::{json, Value};

/// At most this many operations per input.
const MAX_OPS: usize = 32;

const NAMES: &[&str] = &["web", "db", "api", "data-db-0", "web-0", "x"];
const IMAGES: &[&str] = &[
    "nginx:1.14.2",
    "nginx:does-not-exist",
    "mongo:4.2",
    "busybox:1.36",
    "quay.io/ifont/pacman-nodejs-app:latest",
];
const KINDS: &[&str] = &[
    "deployment",
    "statefulset",
    "service",
    "pvc",
    "pod",
    "replicaset",
    "ingress",
    "configmap",
    "namespace",
    "storageclass",
    "pv",
];

/// A field somewhere in a manifest, set to a fuzzed value.
const PATHS: &[&[&str]] = &[
    &["spec", "replicas"],
    &["spec", "selector"],
    &["spec", "selector", "matchLabels", "app"],
    &["spec", "template", "metadata", "labels"],
    &["spec", "template", "spec", "containers"],
    &["spec", "template", "spec", "containers", "0", "image"],
    &["spec", "template", "spec", "containers", "0", "ports"],
    &["spec", "template", "spec", "containers", "0", "readinessProbe"],
    &["spec", "template", "spec", "containers", "0", "command"],
    &["spec", "template", "spec", "terminationGracePeriodSeconds"],
    &["spec", "template", "spec", "volumes"],
    &["spec", "strategy"],
    &["spec", "strategy", "rollingUpdate", "maxSurge"],
    &["spec", "strategy", "rollingUpdate", "maxUnavailable"],
    &["spec", "minReadySeconds"],
    &["spec", "revisionHistoryLimit"],
    &["spec", "podManagementPolicy"],
    &["spec", "volumeClaimTemplates"],
    &["spec", "persistentVolumeClaimRetentionPolicy"],
    &["spec", "ports"],
    &["spec", "type"],
    &["spec", "clusterIP"],
    &["spec", "rules"],
    &["spec", "storageClassName"],
    &["spec", "resources", "requests", "storage"],
    &["metadata", "name"],
    &["metadata", "namespace"],
    &["metadata", "labels"],
    &["metadata", "annotations"],
    &["metadata", "finalizers"],
    &["metadata", "ownerReferences"],
    &["kind"],
    &["apiVersion"],
];

#[derive(Arbitrary, Debug)]
enum Fuzzed {
    Null,
    Bool(bool),
    Int(i64),
    Small(u8),
    Str(String),
    Name(u8),
    List(Vec<u8>),
    Map(String, u8),
}

impl Fuzzed {
    fn value(&self) -> Value {
        match self {
            Fuzzed::Null => Value::Null,
            Fuzzed::Bool(b) => json!(b),
            Fuzzed::Int(i) => json!(i),
            Fuzzed::Small(i) => json!(i),
            Fuzzed::Str(s) => json!(s),
            Fuzzed::Name(i) => json!(pick(NAMES, *i)),
            Fuzzed::List(l) => Value::Array(l.iter().map(|i| json!(pick(NAMES, *i))).collect()),
            Fuzzed::Map(k, v) => json!({ k.clone(): pick(NAMES, *v) }),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Op {
    Deployment { name: u8, replicas: u8, image: u8, edits: Vec<(u8, Fuzzed)> },
    StatefulSet { name: u8, replicas: u8, claims: bool, parallel: bool, edits: Vec<(u8, Fuzzed)> },
    Service { name: u8, edits: Vec<(u8, Fuzzed)> },
    Claim { name: u8, edits: Vec<(u8, Fuzzed)> },
    Ingress { name: u8, edits: Vec<(u8, Fuzzed)> },
    Manifest(String),
    Delete { kind: u8, name: u8, now: bool },
    DeletePod(u8),
    Scale { kind: u8, name: u8, replicas: u32 },
    SetImage { name: u8, image: u8 },
    Rollout { what: u8, name: u8 },
    Exec { pod: u8, n: u16 },
    Curl { host: u8, path: String },
    Addon { enable: bool, which: u8 },
    Patch { kind: u8, name: u8, patch: String },
    Label { kind: u8, name: u8, label: String },
    Get { kind: u8, output: u8 },
    Describe { kind: u8, name: u8 },
    Sleep(u16),
    /// A kubectl generator (`run`, `expose`, `create service|deployment|ingress`) with
    /// fuzzed ports and extra flags, against whatever the session holds; or `kubectl
    /// replace [--force]` of an object's own JSON with a fuzzed label and replica count.
    /// (One variant for all of them: a new variant would change how every kept input
    /// decodes, and the regressions would no longer replay what they were kept for.)
    Generate { what: u8, name: u8, image: u8, port: u16, target: u16, extra: u8, more: String },
    Line(String),
}

/// Flags the generators take (and some they refuse), one picked per `Generate`.
const GENERATOR_FLAGS: &[&str] = &[
    "",
    "--expose",
    "--dry-run=client -o yaml",
    "--dry-run",
    "--type=NodePort",
    "--type=LoadBalancer",
    "--labels=tier=web,app=x",
    "--selector=app=web",
    "--name=other",
    "--restart=Never",
    "--restart=OnFailure",
    "--env=A=1 --env=B",
    "--command -- sh -c 'sleep 1'",
    "-i -t",
    "--clusterip=None",
    "--node-port=30080",
    "--protocol=UDP",
    "-o name",
    "-n kube-public",
];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

fn edit(mut v: Value, edits: &[(u8, Fuzzed)]) -> Value {
    for (p, f) in edits.iter().take(4) {
        set(&mut v, PATHS[*p as usize % PATHS.len()], f.value());
    }
    v
}

/// Sets `path` to `value`, making maps on the way; a list index past the end does nothing.
fn set(cur: &mut Value, path: &[&str], value: Value) {
    let Some((key, rest)) = path.split_first() else {
        *cur = value;
        return;
    };
    if let Ok(n) = key.parse::<usize>() {
        if let Some(item) = cur.as_array_mut().and_then(|a| a.get_mut(n)) {
            set(item, rest, value);
        }
        return;
    }
    if !cur.is_object() {
        *cur = json!({});
    }
    let next = cur.as_object_mut().unwrap().entry(key.to_string()).or_insert(Value::Null);
    set(next, rest, value);
}

fn pod_template(name: &str, image: &str) -> Value {
    json!({
        "metadata": {"labels": {"app": name}},
        "spec": {"terminationGracePeriodSeconds": 3, "containers": [{
            "name": "main", "image": image, "ports": [{"containerPort": 80}],
            "command": if image.starts_with("busybox") { json!(["sh", "-c", "sleep 3600"]) } else { Value::Null },
        }]}
    })
}

fn apply(s: &mut Session, v: &Value) {
    s.exec("kubectl apply -f - <<EOF", Some(&v.to_string()));
}

fn run(s: &mut Session, op: &Op) {
    match op {
        Op::Deployment { name, replicas, image, edits } => {
            let name = pick(NAMES, *name);
            let v = json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name},
                "spec": {"replicas": replicas % 12, "selector": {"matchLabels": {"app": name}},
                    "template": pod_template(name, pick(IMAGES, *image))}});
            apply(s, &edit(v, edits));
        }
        Op::StatefulSet { name, replicas, claims, parallel, edits } => {
            let name = pick(NAMES, *name);
            let mut v = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": name},
                "spec": {"serviceName": name, "replicas": replicas % 6,
                    "podManagementPolicy": if *parallel { "Parallel" } else { "OrderedReady" },
                    "selector": {"matchLabels": {"app": name}},
                    "template": pod_template(name, "mongo:4.2")}});
            if *claims {
                v["spec"]["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]);
                v["spec"]["template"]["spec"]["containers"][0]["volumeMounts"] =
                    json!([{"name": "data", "mountPath": "/data/db"}]);
            }
            apply(s, &edit(v, edits));
        }
        Op::Service { name, edits } => {
            let name = pick(NAMES, *name);
            let v = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
                "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 80}]}});
            apply(s, &edit(v, edits));
        }
        Op::Claim { name, edits } => {
            let v = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                "metadata": {"name": pick(NAMES, *name)},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
            apply(s, &edit(v, edits));
        }
        Op::Ingress { name, edits } => {
            let name = pick(NAMES, *name);
            let v = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                "metadata": {"name": name},
                "spec": {"rules": [{"host": format!("{name}.com"), "http": {"paths": [{
                    "path": "/", "pathType": "Prefix",
                    "backend": {"service": {"name": name, "port": {"number": 80}}}}]}}]}});
            apply(s, &edit(v, edits));
        }
        Op::Manifest(text) => {
            s.exec("kubectl apply -f - <<EOF", Some(text));
        }
        Op::Delete { kind, name, now } => {
            let now = if *now { " --now" } else { "" };
            s.exec(&format!("kubectl delete {} {}{now}", pick(KINDS, *kind), pick(NAMES, *name)), None);
        }
        Op::DeletePod(i) => {
            let pods: Vec<String> = s.sim.store.list("Pod", "default").map(|p| p.meta.name.clone()).collect();
            if !pods.is_empty() {
                let p = &pods[*i as usize % pods.len()];
                s.exec(&format!("kubectl delete pod {p}"), None);
            }
        }
        Op::Scale { kind, name, replicas } => {
            let kind = ["deployment", "statefulset", "replicaset"][*kind as usize % 3];
            // Mostly small, sometimes anything a u32 holds.
            let r = if replicas % 4 == 0 { *replicas as u64 } else { (*replicas % 8) as u64 };
            s.exec(&format!("kubectl scale {kind}/{} --replicas={r}", pick(NAMES, *name)), None);
        }
        Op::SetImage { name, image } => {
            s.exec(&format!("kubectl set image deployment/{} main={}", pick(NAMES, *name), pick(IMAGES, *image)), None);
        }
        Op::Rollout { what, name } => {
            let what = ["undo", "restart", "status", "history", "pause", "resume"][*what as usize % 6];
            s.exec(&format!("kubectl rollout {what} deployment/{} --timeout=30s", pick(NAMES, *name)), None);
        }
        Op::Exec { pod, n } => {
            let pods: Vec<String> = s.sim.store.list("Pod", "default").map(|p| p.meta.name.clone()).collect();
            if !pods.is_empty() {
                let p = &pods[*pod as usize % pods.len()];
                // The top of n's range (so kept inputs below it replay as before): the
                // network tools inside a pod, `kubectl run -i` of one, taints on the node
                // (a conflicting change among them, and removals), batch Jobs that end,
                // fail or run on (session 18), and watches under `timeout`.
                let host = pick(NAMES, (*n % 251) as u8);
                let line = match n {
                    0..=59_999 => format!("kubectl exec {p} -- sh -c 'echo {n} >> /data/db/log'"),
                    _ => match n % 8 {
                        6 if n % 32 == 6 => format!("kubectl delete job job{}", n % 3),
                        6 if n % 32 == 14 => format!("kubectl patch job job{} -p '{{\"spec\":{{\"suspend\":{}}}}}'", n % 3, n % 2 == 0),
                        6 => {
                            let cmd = ["echo ok", "exit 1", "sleep 40", "false"][(n / 8 % 4) as usize];
                            format!("kubectl create job job{} --image=busybox -- sh -c '{cmd}'", n % 3)
                        }
                        7 => {
                            let what = ["pods", "jobs", "pods --output-watch-events", "pods --watch-only -l app=web", "deployments -A"][(n / 8 % 5) as usize];
                            format!("timeout {}s kubectl get {what} -w", n % 40)
                        }
                        4 => "kubectl taint nodes minikube maintenance=now:NoExecute dedicated=gpu:NoSchedule --overwrite".to_string(),
                        5 if n % 12 == 5 => "kubectl taint nodes minikube maintenance- dedicated-".to_string(),
                        5 => format!("kubectl taint nodes minikube {host}=x:NoSchedule {host}-"),
                        0 => format!("kubectl exec {p} -- curl -s -m 1 http://{host}/"),
                        1 => format!("kubectl exec {p} -- sh -c 'curl -sv {host}.default:{} | grep -c nginx'", n % 90),
                        2 => format!("kubectl run -i --rm --restart=Never probe{} --image=busybox:1.28 -- nslookup {host}", n % 3),
                        _ => format!("kubectl run -i --restart=Never probe{} --image=busybox -- wget -qO- -T 1 {host}", n % 3),
                    },
                };
                s.exec(&line, None);
            }
        }
        Op::Curl { host, path } => {
            let path: String = path.chars().filter(|c| !c.is_whitespace() && *c != '\'').take(40).collect();
            s.exec(&format!("curl -s http://{}.com/{path}", pick(NAMES, *host)), None);
        }
        Op::Addon { enable, which } => {
            let verb = if *enable { "enable" } else { "disable" };
            let which = ["ingress", "default-storageclass", "storage-provisioner"][*which as usize % 3];
            s.exec(&format!("minikube addons {verb} {which}"), None);
        }
        Op::Patch { kind, name, patch } => {
            let patch = patch.replace('\'', "");
            s.exec(&format!("kubectl patch {} {} -p '{patch}'", pick(KINDS, *kind), pick(NAMES, *name)), None);
        }
        Op::Label { kind, name, label } => {
            let label: String = label.chars().filter(|c| !c.is_whitespace()).take(80).collect();
            s.exec(&format!("kubectl label --overwrite {} {} '{}'", pick(KINDS, *kind), pick(NAMES, *name), label.replace('\'', "")), None);
        }
        Op::Get { kind, output } => {
            let o = ["", " -o wide", " -o yaml", " -o json", " -o name", " --show-labels", " -A"][*output as usize % 7];
            s.exec(&format!("kubectl get {}{o}", pick(KINDS, *kind)), None);
        }
        Op::Describe { kind, name } => {
            s.exec(&format!("kubectl describe {} {}", pick(KINDS, *kind), pick(NAMES, *name)), None);
        }
        Op::Sleep(secs) => {
            s.exec(&format!("sleep {}s", secs % 900), None);
        }
        Op::Generate { what, name, image, port, target, extra, more } => {
            let (n, flags) = (pick(NAMES, *name), pick(GENERATOR_FLAGS, *extra));
            let more: String = more.chars().take(64).collect();
            if what % 9 == 8 {
                let (k, n) = (pick(KINDS, *image), pick(NAMES, *name));
                let got = s.exec(&format!("kubectl get {k} {n} -o json"), None);
                let text = match serde_json::from_str::<Value>(&got.text) {
                    Ok(mut v) => {
                        set(&mut v, &["metadata", "labels", "fuzz"], Value::String(more.clone()));
                        set(&mut v, &["spec", "replicas"], json!(port % 12));
                        serde_json::to_string(&v).unwrap_or_default()
                    }
                    Err(_) => got.text,
                };
                s.files.insert("replace.json".into(), text);
                let force = if extra % 2 == 1 { " --force --grace-period=1" } else { "" };
                s.exec(&format!("kubectl replace{force} -f replace.json"), None);
                return;
            }
            let line = match what % 9 {
                6 => format!("kubectl create ingress {n} --rule={more} {flags}"),
                7 => format!("kubectl create ingress {n} --class=nginx --rule=web.local/{more}={}:{port},tls {flags}", pick(NAMES, *image)),
                0 => format!("kubectl run {n} --image={} --port={port} {flags} {more}", pick(IMAGES, *image)),
                1 => format!("kubectl expose {} {n} --port={port} --target-port={target} {flags} {more}", pick(KINDS, *image)),
                2 => format!("kubectl create service clusterip {n} --tcp={port}:{target} {flags} {more}"),
                3 => format!("kubectl create service nodeport {n} --tcp={port} {flags} {more}"),
                4 => format!("kubectl create deployment {n} --image={} --port={port} --replicas={} {flags} {more}", pick(IMAGES, *image), target % 8),
                _ => format!("kubectl create service loadbalancer {n} --tcp={port}:{target},{target} {flags} {more}"),
            };
            s.exec(&line, None);
        }
        Op::Line(line) => {
            s.exec(line, None);
        }
    }
}

/// The simulated pod quota per namespace in this target (the page's is 5,000,
/// `sim::MAX_PODS`). Every path of the quota is reached at 100 as at 5,000 — the
/// refusals, the controllers' back-off, the StatefulSet's last ordinal — while one input
/// stays far below libFuzzer's 10 s hang limit. The target looks for panics, broken
/// invariants and work that never ends; the cost of large workloads is not its question,
/// and at the page's quota it dominated every run: 5,000 pods in image-pull back-off for
/// ten virtual minutes took 7–11 s of CPU in this build, and an OrderedReady StatefulSet
/// with claims costs the square of its pods (each step syncs every pod and claim, as the
/// real controllers do): 300 pods in ten minutes took 12 s here, 1,000 over an hour 46 s
/// natively (FUZZING.md, "Session 10"). Those costs are bounded by the work-counting
/// tests instead (`crates/orrery/tests/quota_work.rs`, `sts_claims_work.rs`,
/// `backoff_work.rs`) and measured by `crates/orrery/examples/fuzzhangs.rs`.
const POD_QUOTA: usize = 100;

fuzz_target!(|ops: Vec<Op>| {
    let mut s = Session::new(11);
    s.sim.set_pod_quota(POD_QUOTA);
    for op in ops.iter().take(MAX_OPS) {
        run(&mut s, op);
        if let Err(e) = orrery::invariants::check(&s.sim) {
            panic!("invariant broken after {op:?}: {e}\n(all ops: {ops:?})");
        }
    }
    // Settling: ten minutes bring every workload to its spec.
    s.exec("sleep 10m", None);
    if let Err(e) = orrery::invariants::check(&s.sim) {
        panic!("invariant broken after settling: {e}\n(all ops: {ops:?})");
    }
});
