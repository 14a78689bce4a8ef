//! A pod's status as the kubelet writes it, typed: what `kubelet::render_status` computes,
//! kept in the stored pod ([`super::object::Body`]) and rendered to JSON only when
//! something reads a field the typed form does not answer (`containerStatuses`,
//! `startTime`, the whole status for `-o yaml`). A kubelet write of 5,000 pods in
//! image-pull back-off built and freed a JSON tree of ~80 allocations per pod and step
//! (fuzz finding `timeout-dfb9…`, FUZZING.md "Session 9"); the typed status costs a few,
//! shares its conditions and addresses with the previous version while they do not
//! change, and compares without walking maps of strings.
//!
//! Equality is the JSON's: two typed statuses are equal exactly when they render the same
//! JSON (instants compare at the second, as `rfc3339` prints them).

use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::time::{rfc3339, Millis};

#[derive(Clone, Debug)]
pub struct PodStatus {
    /// `phase`, a JSON string.
    pub phase: Value,
    /// `conditions`, the rendered array: shared with the previous version while the
    /// conditions do not change (they change a few times in a pod's life).
    pub conditions: Arc<Value>,
    /// The `status` of each condition in `conditions`, in order (all five are the
    /// kubelet's): the next write shares the array when these are the same.
    pub cond_ok: [bool; 5],
    /// The `Ready` condition is `True` (as `conditions` says; read by every controller
    /// pass over the pods without searching the array).
    pub ready: bool,
    pub containers: Vec<ContainerView>,
    /// `initContainerStatuses`, rendered when not empty.
    pub init_containers: Vec<ContainerView>,
    pub start_time: Millis,
    /// `hostIP`, `podIP` and `podIPs` as the pod had them (written by the IP assignment,
    /// not by the kubelet's status): shared with the previous version.
    pub addresses: Arc<Map<String, Value>>,
}

/// One entry of `containerStatuses`.
#[derive(Clone, Debug)]
pub struct ContainerView {
    pub name: String,
    pub image: String,
    pub ready: bool,
    pub restarts: u32,
    pub started: bool,
    pub state: StateView,
    /// `lastState.terminated`: reason, exit code, start and finish.
    pub last: Option<(String, i32, Millis, Millis)>,
}

/// A container's `state` as shown (`kubelet::state_json`'s cases).
#[derive(Clone, Debug)]
pub enum StateView {
    /// `waiting` with a reason and no message (`ContainerCreating`, `PodInitializing`).
    Waiting(&'static str),
    /// `ErrImagePull`, its message naming the container's image.
    ErrImagePull,
    /// `ImagePullBackOff`, its message naming the container's image.
    PullBackOff,
    ConfigError(String),
    Running(Millis),
    /// `CrashLoopBackOff` with the back-off in seconds (the message names the container).
    CrashLoop(i64),
    Terminated {
        reason: String,
        exit_code: i32,
        at: Millis,
    },
}

/// Two instants print the same (`rfc3339`: whole seconds).
fn same_second(a: Millis, b: Millis) -> bool {
    a.div_euclid(1000) == b.div_euclid(1000)
}

impl PartialEq for StateView {
    fn eq(&self, other: &StateView) -> bool {
        use StateView::*;
        match (self, other) {
            (Waiting(a), Waiting(b)) => a == b,
            (ErrImagePull, ErrImagePull) | (PullBackOff, PullBackOff) => true,
            (ConfigError(a), ConfigError(b)) => a == b,
            (Running(a), Running(b)) => same_second(*a, *b),
            (CrashLoop(a), CrashLoop(b)) => a == b,
            (
                Terminated {
                    reason: r,
                    exit_code: c,
                    at: t,
                },
                Terminated {
                    reason: s,
                    exit_code: d,
                    at: u,
                },
            ) => r == s && c == d && same_second(*t, *u),
            _ => false,
        }
    }
}

impl PartialEq for ContainerView {
    fn eq(&self, o: &ContainerView) -> bool {
        let last_same = match (&self.last, &o.last) {
            (Some((r, c, s, f)), Some((q, d, t, g))) => {
                r == q && c == d && same_second(*s, *t) && same_second(*f, *g)
            }
            (None, None) => true,
            _ => false,
        };
        self.ready == o.ready
            && self.restarts == o.restarts
            && self.started == o.started
            && self.state == o.state
            && last_same
            && self.name == o.name
            && self.image == o.image
    }
}

impl PartialEq for PodStatus {
    fn eq(&self, o: &PodStatus) -> bool {
        self.containers == o.containers
            && self.init_containers == o.init_containers
            && self.phase == o.phase
            && same_second(self.start_time, o.start_time)
            && (Arc::ptr_eq(&self.conditions, &o.conditions)
                || super::object::values_equal(&self.conditions, &o.conditions))
            && (Arc::ptr_eq(&self.addresses, &o.addresses) || self.addresses == o.addresses)
    }
}

/// How many typed statuses were rendered to JSON in this process: the work a test of the
/// back-off bounds (`tests/backoff_work.rs`), as a count, not a time.
static RENDERS: AtomicU64 = AtomicU64::new(0);

/// [`PodStatus::to_json`] calls so far (every thread).
pub fn renders() -> u64 {
    RENDERS.load(Ordering::Relaxed)
}

impl StateView {
    fn to_json(&self, c: &ContainerView) -> Value {
        match self {
            StateView::Waiting(reason) => json!({"waiting": {"reason": reason}}),
            StateView::ErrImagePull => {
                json!({"waiting": {"reason": "ErrImagePull", "message": format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{}\": not found", c.image)}})
            }
            StateView::PullBackOff => {
                json!({"waiting": {"reason": "ImagePullBackOff", "message": format!("Back-off pulling image \"{}\"", c.image)}})
            }
            StateView::ConfigError(message) => {
                json!({"waiting": {"reason": "CreateContainerConfigError", "message": message}})
            }
            StateView::Running(since) => json!({"running": {"startedAt": rfc3339(*since)}}),
            StateView::CrashLoop(back_s) => {
                json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!("back-off {}s restarting failed container={}", back_s, c.name)}})
            }
            StateView::Terminated {
                reason,
                exit_code,
                at,
            } => {
                json!({"terminated": {"reason": reason, "exitCode": exit_code, "finishedAt": rfc3339(*at)}})
            }
        }
    }
}

impl ContainerView {
    pub fn to_json(&self) -> Value {
        let mut v = Map::new();
        v.insert("name".into(), Value::String(self.name.clone()));
        v.insert("image".into(), Value::String(self.image.clone()));
        v.insert("imageID".into(), Value::String(String::new()));
        v.insert("ready".into(), Value::Bool(self.ready));
        v.insert("restartCount".into(), Value::from(self.restarts));
        v.insert("started".into(), Value::Bool(self.started));
        v.insert("state".into(), self.state.to_json(self));
        if let Some((reason, code, started, finished)) = &self.last {
            v.insert("lastState".into(), json!({"terminated": {"reason": reason, "exitCode": code, "startedAt": rfc3339(*started), "finishedAt": rfc3339(*finished)}}));
        }
        Value::Object(v)
    }
}

impl PodStatus {
    /// The status as the API shows it.
    pub fn to_json(&self) -> Value {
        RENDERS.fetch_add(1, Ordering::Relaxed);
        let mut status = Map::new();
        status.insert("phase".into(), self.phase.clone());
        status.insert("conditions".into(), (*self.conditions).clone());
        status.insert(
            "containerStatuses".into(),
            Value::Array(self.containers.iter().map(ContainerView::to_json).collect()),
        );
        status.insert("qosClass".into(), Value::String("BestEffort".into()));
        status.insert("startTime".into(), Value::String(rfc3339(self.start_time)));
        if !self.init_containers.is_empty() {
            status.insert(
                "initContainerStatuses".into(),
                Value::Array(
                    self.init_containers
                        .iter()
                        .map(ContainerView::to_json)
                        .collect(),
                ),
            );
        }
        for (k, v) in self.addresses.iter() {
            status.insert(k.clone(), v.clone());
        }
        Value::Object(status)
    }

    /// A top-level field of the status that the typed form holds as JSON already, without
    /// rendering the rest; `None` for the fields it does not (read those from the
    /// rendered status).
    pub fn field(&self, key: &str) -> Option<&Value> {
        static NULL: Value = Value::Null;
        match key {
            "phase" => Some(&self.phase),
            "conditions" => Some(&self.conditions),
            "hostIP" | "podIP" | "podIPs" => Some(self.addresses.get(key).unwrap_or(&NULL)),
            _ => None,
        }
    }
}
