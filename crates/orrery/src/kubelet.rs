//! The simulated kubelet of the node: runs the pods bound to it. Image pulls (and their
//! failures, ErrImagePull → ImagePullBackOff), init containers, container start,
//! readiness and liveness probes judged against the app model (`apps`), exits and
//! restarts with CrashLoopBackOff back-off, graceful termination within
//! `terminationGracePeriodSeconds`, and pod IPs.
//!
//! Its private state (what each container is doing and until when) lives in
//! `Sim::runtime`, keyed by pod UID; the pod's `status` is rendered from it, so the API
//! view always agrees with the runtime. Durations are documented in `apps`.

use serde_json::{json, Map, Value};

use std::collections::{BTreeMap, HashSet};

use crate::api::Object;
use crate::apps::{model_for, AppModel};
use crate::controllers::Slice;
use crate::sim::{Action, EventSpec, Out, Sim};
use crate::time::{rfc3339, Millis};

/// Back-off for image pulls and crash loops: 10 s doubling to 5 min.
pub fn backoff_ms(failures: u32) -> Millis {
    let exp = failures.saturating_sub(1).min(5);
    (10_000i64 << exp).min(300_000)
}

/// Time from a successful pull to the container running.
const START_MS: Millis = 1_000;
/// Time an init container runs before it completes.
const INIT_RUN_MS: Millis = 1_000;
/// After a failed pull, how long ErrImagePull shows before ImagePullBackOff.
const ERR_PULL_MS: Millis = 2_000;

#[derive(Clone, Debug, PartialEq)]
pub enum CState {
    /// Image pull in progress until the instant.
    Pulling {
        until: Millis,
    },
    /// Pull failed (`ErrImagePull`), shown until the instant, then back-off.
    ErrImagePull {
        until: Millis,
    },
    /// `ImagePullBackOff` until the instant, then a new pull.
    PullBackOff {
        until: Millis,
    },
    /// Created, starting until the instant.
    Starting {
        until: Millis,
    },
    /// The container's configuration refers to a Secret/ConfigMap (key) that does not
    /// exist (`CreateContainerConfigError`); the kubelet retries at the instant.
    ConfigError {
        until: Millis,
        message: String,
    },
    Running {
        since: Millis,
    },
    /// Exited; `restart_at` when the restart policy brings it back (CrashLoopBackOff).
    /// `started`: when the instance that exited had started (its `startedAt`).
    Terminated {
        reason: String,
        exit_code: i32,
        at: Millis,
        restart_at: Option<Millis>,
        started: Option<Millis>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerRuntime {
    pub name: String,
    pub image: String,
    pub init: bool,
    pub state: CState,
    pub restarts: u32,
    pub pull_failures: u32,
    pub ready: bool,
    /// When readiness became true (for minReadySeconds and pod ranking).
    pub ready_since: Option<Millis>,
    /// Consecutive failed probes.
    pub liveness_failures: u32,
    pub readiness_failures: u32,
    /// Next probe instant.
    pub next_probe: Option<Millis>,
    pub last_terminated: Option<(String, i32, Millis, Millis)>,
    /// What the running (or last) instance wrote to stdout/stderr, stamped, for
    /// `kubectl logs` (simulated lines: `apps::startup_log` and access lines). Bounded.
    pub log: Vec<(Millis, String)>,
    /// The previous instance's lines (`kubectl logs --previous`).
    pub previous_log: Option<Vec<(Millis, String)>>,
    /// The exit status of the process as the console ran it (`kubectl run -i`'s command
    /// through the pod's shell), in place of the model's guess from the command's text.
    pub exit_code: Option<i32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodRuntime {
    pub started: Millis,
    pub containers: Vec<ContainerRuntime>,
    /// SIGTERM was sent at this instant.
    pub killing_since: Option<Millis>,
    /// The pod's resourceVersion this state was last synced against (the simulator moves
    /// it past the kubelet's own writes of the pod), and the instant the state next has
    /// something to do (None: nothing until the pod changes). The kubelet skips a pod
    /// whose version is unchanged and whose instant has not come.
    pub synced_rv: u64,
    pub due: Option<Millis>,
}

impl PodRuntime {
    /// When the pod last became Ready (all containers ready), if it is Ready.
    pub fn ready_since(&self) -> Option<Millis> {
        let mains: Vec<_> = self.containers.iter().filter(|c| !c.init).collect();
        if mains.is_empty() || !mains.iter().all(|c| c.ready) {
            return None;
        }
        mains.iter().filter_map(|c| c.ready_since).max()
    }
}

struct Spec<'a> {
    name: String,
    image: String,
    model: AppModel,
    c: &'a Value,
}

fn containers<'a>(pod: &'a Object, list: &str) -> &'a [Value] {
    pod.get(&["spec", list])
        .as_array()
        .map_or(&[], Vec::as_slice)
}

fn spec_of(c: &Value) -> Spec<'_> {
    let image = c
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut cmd: Vec<String> = vec![];
    for k in ["command", "args"] {
        if let Some(Value::Array(a)) = c.get(k) {
            cmd.extend(a.iter().filter_map(|x| x.as_str().map(str::to_string)));
        }
    }
    let ports: Vec<i64> = c
        .get("ports")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p.get("containerPort").and_then(Value::as_i64))
                .collect()
        })
        .unwrap_or_default();
    Spec {
        name: c
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        model: model_for(&image, &cmd, &ports),
        image,
        c,
    }
}

/// Resolves a probe's port (number or container port name).
fn probe_port(c: &Value, port: &Value) -> i64 {
    if let Some(n) = port.as_i64() {
        return n;
    }
    let name = port.as_str().unwrap_or("");
    if let Ok(n) = name.parse() {
        return n;
    }
    c.get("ports")
        .and_then(Value::as_array)
        .and_then(|ps| {
            ps.iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        })
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
        .unwrap_or(-1)
}

/// Outcome of one probe against the app: Ok, or the kubelet's failure message.
fn run_probe(spec: &Spec, probe: &Value, running_since: Millis, now: Millis) -> Result<(), String> {
    let warm = now >= running_since + spec.model.warmup_ms;
    if let Some(h) = probe.get("httpGet") {
        let port = probe_port(spec.c, h.get("port").unwrap_or(&Value::Null));
        let path = h.get("path").and_then(Value::as_str).unwrap_or("/");
        if !spec.model.listens(port) || !warm {
            return Err(format!("Get \"http://{{pod-ip}}:{port}{path}\": dial tcp {{pod-ip}}:{port}: connect: connection refused"));
        }
        if !spec.model.serves(port, path) {
            return Err("HTTP probe failed with statuscode: 404".into());
        }
        return Ok(());
    }
    if let Some(t) = probe.get("tcpSocket") {
        let port = probe_port(spec.c, t.get("port").unwrap_or(&Value::Null));
        if spec.model.listens(port) && warm {
            return Ok(());
        }
        return Err(format!(
            "dial tcp {{pod-ip}}:{port}: connect: connection refused"
        ));
    }
    if let Some(e) = probe.get("exec") {
        let cmd: Vec<&str> = e
            .get("command")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let joined = cmd.join(" ");
        let fails = cmd.first() == Some(&"false") || joined.contains("exit 1");
        if fails || !warm {
            return Err(String::new());
        }
        return Ok(());
    }
    Ok(())
}

/// The kubelet's pass over the pods bound to a node: the pods written since its last
/// pass and those whose runtime has something due now (all of them on the first pass).
/// The others would sync to no change: their state is a function of the pod, the
/// runtime and the clock, and the clock only matters at their `due` instant.
pub fn reconcile(sim: &Sim, out: &mut Out) {
    reconcile_sliced(sim, out, &mut Slice::new(0, true, &mut || false));
}

/// The pass in items (see [`Slice`]): one per pod synced. A pass over 1,000 pods is one
/// of the longest there are.
pub fn reconcile_sliced(sim: &Sim, out: &mut Out, slice: &mut Slice) {
    let Some(last) = sim.last_pass() else {
        for pod in sim.store.list_all("Pod") {
            if slice.next() {
                sync_bound(sim, pod, out);
            } else if slice.stopped() {
                return;
            }
        }
        return;
    };
    // Candidates in store order, as a full pass would visit them: the store orders pods
    // by (namespace, name). The stored objects themselves, not keys looked up again.
    let mut pods: BTreeMap<(&str, &str), &Object> = BTreeMap::new();
    for obj in sim.store.written_since(last.rv) {
        if obj.kind == "Pod" && obj.api_version == "v1" && needs_sync(sim, obj) {
            pods.insert((&obj.meta.namespace, &obj.meta.name), obj);
        }
    }
    for uid in sim.kubelet_due_by(sim.now) {
        if let Some(pod) = sim.store.by_uid(uid) {
            if pod.kind == "Pod" && pod.api_version == "v1" {
                pods.insert((&pod.meta.namespace, &pod.meta.name), pod);
            }
        }
    }
    // Membership only (never iterated): hashed, not compared along a B-tree's path.
    let mut synced: HashSet<&str> = HashSet::with_capacity(pods.len());
    for pod in pods.into_values() {
        synced.insert(pod.meta.uid.as_str());
        if slice.next() {
            sync_bound(sim, pod, out);
        } else if slice.stopped() {
            // The last call (the one not cut) finds the same pods and ends the pass.
            return;
        }
    }
    // The pods not synced keep their wake-up.
    if let Some(w) = sim.kubelet_next_due(|uid| !synced.contains(uid)) {
        out.wake_at(w);
    }
    if sim.verifying_skips() {
        for pod in sim.store.list_all("Pod") {
            if synced.contains(pod.meta.uid.as_str()) {
                continue;
            }
            let mut o = Out::default();
            sync_bound(sim, pod, &mut o);
            let due = sim.runtime.get(&pod.meta.uid).and_then(|rt| rt.due);
            assert!(
                o.actions.is_empty() && o.wake == due,
                "kubelet skipped pod {} at {} ms but its sync returns {:?} (wake {:?}, due {:?})",
                pod.meta.name,
                sim.now,
                o.actions,
                o.wake,
                due
            );
        }
    }
}

/// Whether a written pod may need a sync: bound, and not synced at this version.
fn needs_sync(sim: &Sim, pod: &Object) -> bool {
    if pod.str_at(&["spec", "nodeName"]).unwrap_or("").is_empty() {
        return false;
    }
    sim.runtime
        .get(&pod.meta.uid)
        .is_none_or(|rt| rt.synced_rv != pod.meta.resource_version)
}

/// Syncs one pod if it is bound to the node; its wake-up goes to `out`.
fn sync_bound(sim: &Sim, pod: &Object, out: &mut Out) {
    let node = pod.str_at(&["spec", "nodeName"]).unwrap_or("");
    if node.is_empty() {
        return;
    }
    let mut o = Out::default();
    sync_pod(sim, pod, &mut o);
    if let Some(w) = o.wake {
        out.wake_at(w);
    }
    out.actions.append(&mut o.actions);
}

fn sync_pod(sim: &Sim, pod: &Object, out: &mut Out) {
    let now = sim.now;
    let init_specs = containers(pod, "initContainers");
    let main_specs = containers(pod, "containers");
    // The state before this sync: the stored one (borrowed, not copied) or a new pod's.
    let fresh;
    let before: &PodRuntime = match sim.runtime.get(&pod.meta.uid) {
        Some(rt) => rt,
        None => {
            if matches!(
                pod.str_at(&["status", "phase"]),
                Some("Succeeded" | "Failed")
            ) {
                return;
            }
            // A new pod: sandbox, IP (assigned after this pass's status write, so the
            // write does not overwrite it), and the first container's pull begins.
            let mut cs = vec![];
            for (list, init) in [(init_specs, true), (main_specs, false)] {
                for c in list.iter() {
                    let s = spec_of(c);
                    cs.push(ContainerRuntime {
                        name: s.name,
                        image: s.image,
                        init,
                        state: CState::Pulling { until: Millis::MAX },
                        restarts: 0,
                        pull_failures: 0,
                        ready: false,
                        ready_since: None,
                        liveness_failures: 0,
                        readiness_failures: 0,
                        next_probe: None,
                        last_terminated: None,
                        log: vec![],
                        previous_log: None,
                        exit_code: None,
                    });
                }
            }
            fresh = PodRuntime {
                started: now,
                containers: cs,
                killing_since: None,
                synced_rv: 0,
                due: None,
            };
            &fresh
        }
    };
    let mut rt = before.clone();
    let needs_ip = pod.get(&["status", "podIP"]).is_null() && pod.meta.deletion_ms.is_none();
    let all_specs: Vec<&Value> = init_specs.iter().chain(main_specs.iter()).collect();
    let restart_policy = pod
        .str_at(&["spec", "restartPolicy"])
        .unwrap_or("Always")
        .to_string();

    // Termination: SIGTERM, then containers exit within the grace period.
    if let Some(deadline) = pod.meta.deletion_ms {
        let since = *rt.killing_since.get_or_insert(now);
        if before.killing_since.is_none() {
            for (c, s) in rt.containers.iter().zip(&all_specs) {
                if matches!(c.state, CState::Running { .. } | CState::Starting { .. }) && !c.init {
                    let spec = spec_of(s);
                    out.push(EventSpec::normal(
                        pod,
                        "Killing",
                        format!("Stopping container {}", spec.name),
                    ));
                }
            }
        }
        let mut all_stopped = true;
        for (c, s) in rt.containers.iter_mut().zip(&all_specs) {
            let spec = spec_of(s);
            let running = matches!(c.state, CState::Running { .. } | CState::Starting { .. });
            if !running {
                continue;
            }
            let exit_at = match spec.model.stop_ms {
                Some(ms) => (since + ms).min(deadline),
                None => deadline,
            };
            if now >= exit_at {
                let code = if spec.model.stop_ms.is_some() && exit_at < deadline {
                    0
                } else {
                    137
                };
                let started = match c.state {
                    CState::Running { since } => Some(since),
                    _ => None,
                };
                c.state = CState::Terminated {
                    started,
                    reason: if code == 0 {
                        "Completed".into()
                    } else {
                        "Error".into()
                    },
                    exit_code: code,
                    at: now,
                    restart_at: None,
                };
                c.ready = false;
            } else {
                all_stopped = false;
                out.wake_at(exit_at);
            }
        }
        if all_stopped {
            out.push(Action::Remove(pod.key()));
            return;
        }
        emit(sim, pod, before, rt, out);
        return;
    }

    // Containers run in order: init containers one at a time, then all main containers.
    let mut inits_done = true;
    // A pod's containers cannot change (validation's `pod_update`), so the runtime has one
    // entry per container of the spec; `min` keeps a broken invariant from panicking.
    debug_assert_eq!(rt.containers.len(), all_specs.len());
    #[allow(clippy::needless_range_loop)] // two parallel vectors, indexed together
    for i in 0..rt.containers.len().min(all_specs.len()) {
        let spec = spec_of(&all_specs[i]);
        let is_init = rt.containers[i].init;
        if !is_init && !inits_done {
            break;
        }
        step_container(sim, pod, &spec, &mut rt.containers[i], &restart_policy, out);
        if is_init {
            let done = matches!(
                &rt.containers[i].state,
                CState::Terminated { exit_code: 0, .. }
            );
            if !done {
                inits_done = false;
            }
        }
    }
    emit(sim, pod, before, rt, out);
    if needs_ip {
        out.push(Action::AssignPodIp(pod.key()));
    }
}

/// Moves one container forward to `now`.
fn step_container(
    sim: &Sim,
    pod: &Object,
    spec: &Spec,
    c: &mut ContainerRuntime,
    restart_policy: &str,
    out: &mut Out,
) {
    let now = sim.now;
    // Each transition may enable the next one at the same instant; bounded.
    for _ in 0..8 {
        match c.state.clone() {
            CState::Pulling { until } if until == Millis::MAX => {
                let present = sim.node_images.contains(&spec.image);
                let policy = spec
                    .c
                    .get("imagePullPolicy")
                    .and_then(Value::as_str)
                    .unwrap_or("IfNotPresent");
                if present && policy != "Always" && !spec.model.pull_fails {
                    out.push(EventSpec::normal(
                        pod,
                        "Pulled",
                        format!(
                            "Container image \"{}\" already present on machine",
                            spec.image
                        ),
                    ));
                    create_container(sim, pod, spec, c, out);
                } else {
                    out.push(EventSpec::normal(
                        pod,
                        "Pulling",
                        format!("Pulling image \"{}\"", spec.image),
                    ));
                    let pull = if present { 500 } else { spec.model.pull_ms };
                    c.state = CState::Pulling {
                        until: now + if spec.model.pull_fails { 1_000 } else { pull },
                    };
                }
            }
            CState::Pulling { until } if now >= until => {
                if spec.model.pull_fails {
                    c.pull_failures += 1;
                    out.push(EventSpec::warning(
                        pod,
                        "Failed",
                        format!(
                            "Failed to pull image \"{}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{}\": not found",
                            spec.image, spec.image
                        ),
                    ));
                    out.push(EventSpec::warning(
                        pod,
                        "Failed",
                        "Error: ErrImagePull".into(),
                    ));
                    c.state = CState::ErrImagePull {
                        until: now + ERR_PULL_MS,
                    };
                } else {
                    out.push(Action::ImagePresent(spec.image.clone()));
                    out.push(EventSpec::normal(
                        pod,
                        "Pulled",
                        format!(
                            "Successfully pulled image \"{}\" in {:.1}s",
                            spec.image,
                            spec.model.pull_ms as f64 / 1000.0
                        ),
                    ));
                    create_container(sim, pod, spec, c, out);
                }
            }
            CState::ConfigError { until, .. } if now >= until => {
                create_container(sim, pod, spec, c, out);
            }
            CState::ErrImagePull { until } if now >= until => {
                let back = backoff_ms(c.pull_failures);
                out.push(EventSpec::normal(
                    pod,
                    "BackOff",
                    format!("Back-off pulling image \"{}\"", spec.image),
                ));
                out.push(EventSpec::warning(
                    pod,
                    "Failed",
                    "Error: ImagePullBackOff".into(),
                ));
                c.state = CState::PullBackOff { until: now + back };
            }
            CState::PullBackOff { until } if now >= until => {
                out.push(EventSpec::normal(
                    pod,
                    "Pulling",
                    format!("Pulling image \"{}\"", spec.image),
                ));
                c.state = CState::Pulling { until: now + 1_000 };
            }
            CState::Starting { until } if now >= until => {
                out.push(EventSpec::normal(
                    pod,
                    "Started",
                    format!("Started container {}", spec.name),
                ));
                c.state = CState::Running { since: now };
                c.liveness_failures = 0;
                c.readiness_failures = 0;
                // A restart keeps the last instance's lines for `kubectl logs --previous`.
                if c.restarts > 0 {
                    c.previous_log = Some(std::mem::take(&mut c.log));
                }
                c.log = crate::apps::startup_log(
                    sim,
                    pod,
                    &spec.name,
                    &spec.image,
                    spec.c,
                    &spec.model,
                    now,
                );
                if c.init {
                    c.state = CState::Running { since: now };
                } else {
                    let has_readiness = spec.c.get("readinessProbe").is_some_and(|p| !p.is_null());
                    if !has_readiness {
                        c.ready = true;
                        c.ready_since = Some(now);
                    }
                    // Probes run every period; a container without any has nothing to
                    // run (a timer per container every 10 s was most of the work of an
                    // idle cluster of 5,000 pods: fuzz finding timeout-d595…).
                    let has_liveness = spec.c.get("livenessProbe").is_some_and(|p| !p.is_null());
                    if has_readiness || has_liveness {
                        c.next_probe = Some(now + initial_delay(spec.c));
                    }
                }
            }
            CState::Running { since } => {
                // Init containers and exiting processes.
                let exit = if c.init {
                    Some((INIT_RUN_MS, 0))
                } else {
                    spec.model
                        .exits
                        .map(|(after, code)| (after, c.exit_code.unwrap_or(code)))
                };
                if let Some((after, code)) = exit {
                    if now >= since + after {
                        terminate(c, code, now, restart_policy, out, pod, spec);
                        continue;
                    }
                    out.wake_at(since + after);
                }
                if !c.init {
                    probe(pod, spec, c, since, now, out);
                }
                break;
            }
            CState::Terminated {
                restart_at: Some(at),
                ..
            } if now >= at => {
                c.state = CState::Starting {
                    until: now + START_MS,
                };
                out.push(EventSpec::normal(
                    pod,
                    "Created",
                    format!("Created container {}", spec.name),
                ));
            }
            _ => break,
        }
    }
    match &c.state {
        CState::Pulling { until }
        | CState::ErrImagePull { until }
        | CState::PullBackOff { until }
        | CState::Starting { until }
        | CState::ConfigError { until, .. }
            if *until != Millis::MAX =>
        {
            out.wake_at(*until)
        }
        CState::Terminated {
            restart_at: Some(at),
            ..
        } => out.wake_at(*at),
        _ => {}
    }
}

/// How often the kubelet retries a container whose configuration is missing.
const CONFIG_RETRY_MS: Millis = 10_000;

/// The first Secret or ConfigMap (or key) the container's environment needs that does
/// not exist, in the kubelet's words (`secret "x" not found`).
fn missing_config(sim: &Sim, pod: &Object, c: &Value) -> Option<String> {
    let ns = &pod.meta.namespace;
    let lookup = |kind: &str, name: &str| sim.store.find(kind, ns, name);
    let optional = |r: &Value| r.get("optional").and_then(Value::as_bool).unwrap_or(false);
    for env in c.get("env").and_then(Value::as_array).into_iter().flatten() {
        let Some(from) = env.get("valueFrom") else {
            continue;
        };
        for (field, kind, noun) in [
            ("secretKeyRef", "Secret", "secret"),
            ("configMapKeyRef", "ConfigMap", "configmap"),
        ] {
            let Some(r) = from.get(field) else { continue };
            if optional(r) {
                continue;
            }
            let name = r.get("name").and_then(Value::as_str).unwrap_or("");
            let key = r.get("key").and_then(Value::as_str).unwrap_or("");
            match lookup(kind, name) {
                None => return Some(format!("{noun} \"{name}\" not found")),
                Some(obj) => {
                    let has = ["data", "stringData", "binaryData"]
                        .iter()
                        .any(|d| obj.get(&[d, key]) != &Value::Null);
                    if !has {
                        return Some(format!("couldn't find key {key} in {kind} {ns}/{name}"));
                    }
                }
            }
        }
    }
    for from in c
        .get("envFrom")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (field, kind, noun) in [
            ("secretRef", "Secret", "secret"),
            ("configMapRef", "ConfigMap", "configmap"),
        ] {
            let Some(r) = from.get(field) else { continue };
            let name = r.get("name").and_then(Value::as_str).unwrap_or("");
            if !optional(r) && lookup(kind, name).is_none() {
                return Some(format!("{noun} \"{name}\" not found"));
            }
        }
    }
    None
}

/// Creates the container once its image is there — unless its configuration refers to
/// something missing, which the kubelet reports and retries (CreateContainerConfigError).
fn create_container(sim: &Sim, pod: &Object, spec: &Spec, c: &mut ContainerRuntime, out: &mut Out) {
    let now = sim.now;
    if let Some(message) = missing_config(sim, pod, spec.c) {
        out.push(EventSpec::warning(
            pod,
            "Failed",
            format!("Error: {message}"),
        ));
        c.state = CState::ConfigError {
            until: now + CONFIG_RETRY_MS,
            message,
        };
        return;
    }
    out.push(EventSpec::normal(
        pod,
        "Created",
        format!("Created container {}", spec.name),
    ));
    c.state = CState::Starting {
        until: now + START_MS,
    };
}

fn initial_delay(c: &Value) -> Millis {
    ["readinessProbe", "livenessProbe"]
        .iter()
        .filter_map(|p| {
            c.get(*p)
                .and_then(|p| p.get("initialDelaySeconds"))
                .and_then(Value::as_i64)
        })
        .min()
        .unwrap_or(0)
        .max(0)
        * 1000
        + 1000
}

fn terminate(
    c: &mut ContainerRuntime,
    code: i32,
    now: Millis,
    restart_policy: &str,
    out: &mut Out,
    pod: &Object,
    spec: &Spec,
) {
    let reason = if code == 0 { "Completed" } else { "Error" };
    let restart =
        !c.init && (restart_policy == "Always" || (restart_policy == "OnFailure" && code != 0));
    let restart = restart || (c.init && code != 0 && restart_policy != "Never");
    c.ready = false;
    c.ready_since = None;
    let restart_at = if restart {
        let back = if c.restarts == 0 {
            0
        } else {
            backoff_ms(c.restarts)
        };
        if back > 0 {
            out.push(EventSpec::warning(
                pod,
                "BackOff",
                format!(
                    "Back-off restarting failed container {} in pod {}_{}({})",
                    spec.name, pod.meta.name, pod.meta.namespace, pod.meta.uid
                ),
            ));
        }
        c.restarts += 1;
        Some(now + back.max(1_000))
    } else {
        None
    };
    // `lastState` is the instance before the current one: a container that exits for
    // good keeps it as it was (none, or the last crash before an OnFailure success), and
    // its own exit is its `state` (with `startedAt`), as the kubelet reports it.
    let started = match c.state {
        CState::Running { since } => Some(since),
        _ => None,
    };
    if let (Some(since), true) = (started, restart_at.is_some()) {
        c.last_terminated = Some((reason.into(), code, since, now));
    }
    c.state = CState::Terminated {
        reason: reason.into(),
        exit_code: code,
        at: now,
        restart_at,
        started,
    };
}

/// Readiness and liveness probes, run every `periodSeconds`.
fn probe(
    pod: &Object,
    spec: &Spec,
    c: &mut ContainerRuntime,
    since: Millis,
    now: Millis,
    out: &mut Out,
) {
    let Some(next) = c.next_probe else { return };
    if now < next {
        out.wake_at(next);
        return;
    }
    let mut period = 10_000;
    let mut restart = false;
    if let Some(p) = spec.c.get("readinessProbe").filter(|p| !p.is_null()) {
        period = p
            .get("periodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(10)
            .max(1)
            * 1000;
        match run_probe(spec, p, since, now) {
            Ok(()) => {
                c.readiness_failures = 0;
                if !c.ready {
                    c.ready = true;
                    c.ready_since = Some(now);
                }
            }
            Err(msg) => {
                c.readiness_failures += 1;
                let threshold = p
                    .get("failureThreshold")
                    .and_then(Value::as_i64)
                    .unwrap_or(3) as u32;
                if c.ready && c.readiness_failures >= threshold {
                    c.ready = false;
                    c.ready_since = None;
                }
                // Warm-up misses are not reported: the first probes of a starting app.
                if now >= since + spec.model.warmup_ms {
                    out.push(EventSpec::warning(
                        pod,
                        "Unhealthy",
                        format!("Readiness probe failed: {}", pod_ip(pod, &msg)),
                    ));
                }
            }
        }
    }
    if let Some(p) = spec.c.get("livenessProbe").filter(|p| !p.is_null()) {
        let lp = p
            .get("periodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(10)
            .max(1)
            * 1000;
        period = period.min(lp);
        match run_probe(spec, p, since, now) {
            Ok(()) => c.liveness_failures = 0,
            Err(msg) => {
                if now >= since + spec.model.warmup_ms {
                    c.liveness_failures += 1;
                    out.push(EventSpec::warning(
                        pod,
                        "Unhealthy",
                        format!("Liveness probe failed: {}", pod_ip(pod, &msg)),
                    ));
                }
                let threshold = p
                    .get("failureThreshold")
                    .and_then(Value::as_i64)
                    .unwrap_or(3) as u32;
                if c.liveness_failures >= threshold {
                    out.push(EventSpec::normal(
                        pod,
                        "Killing",
                        format!(
                            "Container {} failed liveness probe, will be restarted",
                            spec.name
                        ),
                    ));
                    restart = true;
                }
            }
        }
    }
    if restart {
        c.ready = false;
        c.ready_since = None;
        c.restarts += 1;
        c.last_terminated = Some(("Error".into(), 137, since, now));
        c.state = CState::Starting {
            until: now + START_MS,
        };
        c.liveness_failures = 0;
        c.next_probe = None;
        out.wake_at(now + START_MS);
        return;
    }
    c.next_probe = Some(now + period);
    out.wake_at(now + period);
}

fn pod_ip(pod: &Object, msg: &str) -> String {
    msg.replace(
        "{pod-ip}",
        pod.str_at(&["status", "podIP"]).unwrap_or("10.244.0.1"),
    )
}

/// Writes the runtime back and renders the pod's status from it when either changed.
fn emit(sim: &Sim, pod: &Object, before: &PodRuntime, mut rt: PodRuntime, out: &mut Out) {
    rt.synced_rv = pod.meta.resource_version;
    rt.due = out.wake;
    // The pod unchanged since the last sync (whose status the kubelet wrote) and its
    // runtime unchanged in what the status shows: the status renders the same.
    let stored = sim.runtime.get(&pod.meta.uid);
    let is_stored = stored.is_some_and(|s| std::ptr::eq(&**s, before) || **s == *before);
    let unchanged =
        pod.meta.resource_version == before.synced_rv && is_stored && renders_same(&rt, before);
    if unchanged && !sim.verifying_skips() {
        if &rt != before {
            out.push(Action::Runtime {
                uid: pod.meta.uid.clone(),
                runtime: Some(rt),
            });
        }
        return;
    }
    let status = render_status(sim, pod, &rt);
    assert!(
        !unchanged || pod.status() == &status,
        "kubelet: the status of pod {} would change without a change of the pod or its runtime",
        pod.meta.name
    );
    if &rt != before || !is_stored {
        out.push(Action::Runtime {
            uid: pod.meta.uid.clone(),
            runtime: Some(rt),
        });
    }
    if !crate::api::object::values_equal(pod.status(), &status) {
        out.push(Action::Update(pod.with_status(status)));
    }
}

/// Whether two runtimes render the same status (`render_status` reads these fields).
fn renders_same(a: &PodRuntime, b: &PodRuntime) -> bool {
    a.started == b.started
        && a.containers.len() == b.containers.len()
        && a.containers.iter().zip(&b.containers).all(|(x, y)| {
            x.name == y.name
                && x.image == y.image
                && x.init == y.init
                && states_render_same(&x.state, &y.state)
                && x.restarts == y.restarts
                && x.ready == y.ready
                && x.last_terminated == y.last_terminated
        })
}

/// Whether two container states render the same (`state_json` and `render_status` with
/// the container's other fields equal): the instants at which a waiting state ends are
/// not shown, so a pull finishing (Pulling → Starting) changes no status. Without this,
/// 1,000 pods whose pulls end together each render a status to find it unchanged.
fn states_render_same(a: &CState, b: &CState) -> bool {
    use CState::*;
    match (a, b) {
        (Pulling { .. } | Starting { .. }, Pulling { .. } | Starting { .. })
        | (ErrImagePull { .. }, ErrImagePull { .. })
        | (PullBackOff { .. }, PullBackOff { .. }) => true,
        (ConfigError { message: m, .. }, ConfigError { message: n, .. }) => m == n,
        _ => a == b,
    }
}

fn state_json(c: &ContainerRuntime) -> Value {
    match &c.state {
        CState::Pulling { .. } | CState::Starting { .. } => {
            if c.init || c.restarts == 0 {
                json!({"waiting": {"reason": if c.init { "PodInitializing" } else { "ContainerCreating" }}})
            } else {
                json!({"waiting": {"reason": "ContainerCreating"}})
            }
        }
        CState::ErrImagePull { .. } => {
            json!({"waiting": {"reason": "ErrImagePull", "message": format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{}\": not found", c.image)}})
        }
        CState::PullBackOff { .. } => {
            json!({"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{}\"", c.image)}})
        }
        CState::ConfigError { message, .. } => {
            json!({"waiting": {"reason": "CreateContainerConfigError", "message": message}})
        }
        CState::Running { since } => json!({"running": {"startedAt": rfc3339(*since)}}),
        CState::Terminated {
            reason,
            exit_code,
            at,
            restart_at,
            started,
        } => {
            if restart_at.is_some() && !c.init && c.restarts > 1 {
                json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off {}s restarting failed container={}", backoff_ms(c.restarts - 1) / 1000, c.name)}})
            } else if let Some(started) = started {
                json!({"terminated": {"reason": reason, "exitCode": exit_code, "startedAt": rfc3339(*started), "finishedAt": rfc3339(*at)}})
            } else {
                json!({"terminated": {"reason": reason, "exitCode": exit_code, "finishedAt": rfc3339(*at)}})
            }
        }
    }
}

fn container_status(c: &ContainerRuntime) -> Value {
    // Field by field (see `render_status`): `json!` would copy `state_json`'s tree.
    let mut v = Map::new();
    v.insert("name".into(), Value::String(c.name.clone()));
    v.insert("image".into(), Value::String(c.image.clone()));
    v.insert("imageID".into(), Value::String(String::new()));
    v.insert("ready".into(), Value::Bool(c.ready));
    v.insert("restartCount".into(), Value::from(c.restarts));
    v.insert(
        "started".into(),
        Value::Bool(matches!(c.state, CState::Running { .. })),
    );
    v.insert("state".into(), state_json(c));
    if let Some((reason, code, started, finished)) = &c.last_terminated {
        v.insert("lastState".into(), json!({"terminated": {"reason": reason, "exitCode": code, "startedAt": rfc3339(*started), "finishedAt": rfc3339(*finished)}}));
    }
    Value::Object(v)
}

/// The pod status the API shows for a runtime state.
pub fn render_status(sim: &Sim, pod: &Object, rt: &PodRuntime) -> Value {
    let inits: Vec<&ContainerRuntime> = rt.containers.iter().filter(|c| c.init).collect();
    let mains: Vec<&ContainerRuntime> = rt.containers.iter().filter(|c| !c.init).collect();
    let initialized = inits
        .iter()
        .all(|c| matches!(c.state, CState::Terminated { exit_code: 0, .. }));
    let all_ready = !mains.is_empty() && mains.iter().all(|c| c.ready);
    let restart_policy = pod.str_at(&["spec", "restartPolicy"]).unwrap_or("Always");
    let all_done = mains.iter().all(|c| {
        matches!(
            c.state,
            CState::Terminated {
                restart_at: None,
                ..
            }
        )
    });
    let any_failed = mains.iter().any(|c| matches!(c.state, CState::Terminated { exit_code, restart_at: None, .. } if exit_code != 0));
    let any_running = mains.iter().any(|c| {
        matches!(
            c.state,
            CState::Running { .. }
                | CState::Terminated {
                    restart_at: Some(_),
                    ..
                }
        )
    }) || mains.iter().any(|c| c.restarts > 0);
    let phase = if !mains.is_empty() && all_done && restart_policy != "Always" {
        if any_failed {
            "Failed"
        } else {
            "Succeeded"
        }
    } else if initialized && any_running {
        "Running"
    } else {
        "Pending"
    };
    let old_conds: &[Value] = pod
        .get(&["status", "conditions"])
        .as_array()
        .map_or(&[], Vec::as_slice);
    // Each old condition's type, status and transition time, read once (not once per
    // condition rendered).
    let old_conds: Vec<(&str, &str, Option<&Value>)> = old_conds
        .iter()
        .map(|c| {
            let s = |k| c.get(k).and_then(Value::as_str).unwrap_or("");
            (s("type"), s("status"), c.get("lastTransitionTime"))
        })
        .collect();
    let cond = |t: &str, ok: bool| {
        let status = if ok { "True" } else { "False" };
        let since = old_conds
            .iter()
            .find(|(ty, st, _)| *ty == t && *st == status)
            .and_then(|(_, _, since)| since.cloned())
            .unwrap_or_else(|| Value::String(rfc3339(sim.now)));
        let mut m = Map::new();
        m.insert("type".into(), Value::String(t.into()));
        m.insert("status".into(), Value::String(status.into()));
        m.insert("lastProbeTime".into(), Value::Null);
        m.insert("lastTransitionTime".into(), since);
        Value::Object(m)
    };
    // Built field by field, not with `json!`, which copies every nested value it is given
    // (through `to_value`): the status of 5,000 pods is rendered on every change.
    let mut status = Map::new();
    status.insert("phase".into(), Value::String(phase.into()));
    status.insert(
        "conditions".into(),
        Value::Array(vec![
            cond("PodReadyToStartContainers", true),
            cond("Initialized", initialized),
            cond("Ready", all_ready),
            cond("ContainersReady", all_ready),
            cond("PodScheduled", true),
        ]),
    );
    status.insert(
        "containerStatuses".into(),
        Value::Array(mains.iter().map(|c| container_status(c)).collect()),
    );
    status.insert("qosClass".into(), Value::String("BestEffort".into()));
    status.insert("startTime".into(), Value::String(rfc3339(rt.started)));
    if !inits.is_empty() {
        status.insert(
            "initContainerStatuses".into(),
            Value::Array(inits.iter().map(|c| container_status(c)).collect()),
        );
    }
    for k in ["hostIP", "podIP", "podIPs"] {
        let v = pod.get(&["status", k]);
        if !v.is_null() {
            status.insert(k.into(), v.clone());
        }
    }
    Value::Object(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_five_minutes() {
        assert_eq!(backoff_ms(1), 10_000);
        assert_eq!(backoff_ms(2), 20_000);
        assert_eq!(backoff_ms(6), 300_000);
        assert_eq!(backoff_ms(60), 300_000);
    }
}
