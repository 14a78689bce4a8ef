//! Server-side table columns per kind (R8.2), the pod STATUS algorithm (R8.3), and the
//! other cells kubectl prints. A kind without a printer gets `NAME AGE`.

use serde_json::Value;

use crate::api::Object;
use crate::sim::Sim;
use crate::time::{human_duration, Millis};

/// Header of one kind's table. `wide` adds the `-o wide` columns.
pub fn columns(sim: &Sim, kind_gk: &str, wide: bool) -> Vec<String> {
    let mut c: Vec<&'static str> = match kind_gk {
        // The Event table's wide form reorders columns rather than adding them.
        "Event" => {
            return super::events::columns(wide)
                .into_iter()
                .map(String::from)
                .collect()
        }
        "Pod" => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        "Namespace" => vec!["NAME", "STATUS", "AGE"],
        "Node" => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        _ => match extra_columns(sim, kind_gk) {
            Some(c) => c,
            None => {
                return super::print_config::custom_headers(sim, kind_gk, wide)
                    .unwrap_or_else(|| vec!["NAME".into(), "AGE".into()])
            }
        },
    };
    if wide {
        match kind_gk {
            "Pod" => c.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
            "Node" => c.extend([
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ]),
            _ => c.extend(extra_wide_columns(kind_gk)),
        }
    }
    c.into_iter().map(String::from).collect()
}

/// The cells of one row, matching `columns`.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Vec<String> {
    let age = age(sim.now, obj.meta.creation_ms);
    match obj.gk().as_str() {
        "Pod" => {
            let p = pod_summary(sim, obj);
            let mut r = vec![
                obj.meta.name.clone(),
                format!("{}/{}", p.ready, p.total),
                p.status,
                p.restarts,
                age,
            ];
            if wide {
                let none = |s: &str| {
                    if s.is_empty() {
                        "<none>".to_string()
                    } else {
                        s.to_string()
                    }
                };
                r.push(none(
                    obj.get(&["status", "podIPs"])
                        .get(0)
                        .and_then(|ip| ip.get("ip"))
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                ));
                r.push(none(obj.str_at(&["spec", "nodeName"]).unwrap_or("")));
                r.push(none(
                    obj.str_at(&["status", "nominatedNodeName"]).unwrap_or(""),
                ));
                r.push(readiness_gates(obj));
            }
            r
        }
        "Namespace" => vec![
            obj.meta.name.clone(),
            obj.str_at(&["status", "phase"])
                .unwrap_or("Active")
                .to_string(),
            age,
        ],
        "Node" => {
            let status = if obj.get(&["spec", "unschedulable"]).as_bool() == Some(true) {
                "Ready,SchedulingDisabled"
            } else {
                "Ready"
            };
            let roles = node_roles(&obj.meta.labels);
            let info = |k: &str| {
                obj.str_at(&["status", "nodeInfo", k])
                    .unwrap_or("")
                    .to_string()
            };
            let mut r = vec![
                obj.meta.name.clone(),
                status.into(),
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                },
                age,
                info("kubeletVersion"),
            ];
            if wide {
                let address = |t: &str| {
                    obj.get(&["status", "addresses"])
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|a| a["type"] == t)
                        .and_then(|a| a["address"].as_str())
                        .unwrap_or("<none>")
                        .to_string()
                };
                r.extend([
                    address("InternalIP"),
                    address("ExternalIP"),
                    info("osImage"),
                    info("kernelVersion"),
                    info("containerRuntimeVersion"),
                ]);
            }
            r
        }
        _ => extra_row(sim, obj, wide).unwrap_or_else(|| vec![obj.meta.name.clone(), age]),
    }
}

/// `findNodeRoles` (`printers.go`, and `describe.go` alike): the `<role>` of each
/// `node-role.kubernetes.io/<role>` label and the value of a `kubernetes.io/role` label,
/// sorted.
pub fn node_roles(labels: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let roles: std::collections::BTreeSet<String> = labels
        .iter()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => Some(role.to_string()),
            Some(_) => None,
            None if k == "kubernetes.io/role" && !v.is_empty() => Some(v.clone()),
            None => None,
        })
        .collect();
    roles.into_iter().collect()
}

fn readiness_gates(pod: &Object) -> String {
    let gates = pod
        .get(&["spec", "readinessGates"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    if gates.is_empty() {
        return "<none>".into();
    }
    let conds = pod
        .get(&["status", "conditions"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ok = gates
        .iter()
        .filter(|g| {
            conds
                .iter()
                .find(|c| c["type"] == g["conditionType"])
                .is_some_and(|c| c["status"] == "True")
        })
        .count();
    format!("{ok}/{}", gates.len())
}

/// Columns for kinds beyond the basics, by area; `None` means `NAME AGE`.
fn extra_columns(sim: &Sim, gk: &str) -> Option<Vec<&'static str>> {
    super::print_workloads::columns(sim, gk)
        .or_else(|| super::print_storage::columns(sim, gk))
        .or_else(|| super::print_network::columns(sim, gk))
        .or_else(|| super::print_config::columns(sim, gk))
}

fn extra_wide_columns(gk: &str) -> Vec<&'static str> {
    super::print_workloads::wide_columns(gk)
        .or_else(|| super::print_storage::wide_columns(gk))
        .or_else(|| super::print_network::wide_columns(gk))
        .or_else(|| super::print_config::wide_columns(gk))
        .unwrap_or_default()
}

fn extra_row(sim: &Sim, obj: &Object, wide: bool) -> Option<Vec<String>> {
    super::print_workloads::row(sim, obj, wide)
        .or_else(|| super::print_storage::row(sim, obj, wide))
        .or_else(|| super::print_network::row(sim, obj, wide))
        .or_else(|| super::print_config::row(sim, obj, wide))
}

pub fn age(now: Millis, created: Millis) -> String {
    human_duration(now - created)
}

/// READY, STATUS and RESTARTS of a pod, as `printPod` computes them (R8.2, R8.3).
pub struct PodSummary {
    pub ready: usize,
    pub total: usize,
    pub status: String,
    pub restarts: String,
}

/// (ready, total) containers, for READY.
pub fn pod_ready_counts(pod: &Object) -> (usize, usize) {
    let s = summarize(pod);
    (s.ready, s.total)
}

/// The pod STATUS column (R8.3).
pub fn pod_status(pod: &Object) -> String {
    summarize(pod).status
}

/// RESTARTS: `N`, or `N (<age> ago)` after a restart (R8.2).
pub fn pod_restarts(sim: &Sim, pod: &Object) -> String {
    pod_summary(sim, pod).restarts
}

pub fn pod_summary(sim: &Sim, pod: &Object) -> PodSummary {
    let mut s = summarize(pod);
    if let (Some(n), Some(t)) = (
        s.restarts.parse::<i64>().ok().filter(|n| *n > 0),
        s.last_restart,
    ) {
        s.restarts = format!("{n} ({} ago)", human_duration(sim.now - t));
    }
    PodSummary {
        ready: s.ready,
        total: s.total,
        status: s.status,
        restarts: s.restarts,
    }
}

struct Summary {
    ready: usize,
    total: usize,
    status: String,
    restarts: String,
    last_restart: Option<Millis>,
}

/// `v[a][b]…` without `Value::pointer`, which unescapes each token of its path into a
/// new string: the scene summarizes every pod at each build (a fifth of a 1,000-pod
/// build's time went to those strings; `cargo bench --bench sim -- scene_build`).
fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn finished_at(c: &Value) -> Option<Millis> {
    at(c, &["lastState", "terminated", "finishedAt"])
        .and_then(Value::as_str)
        .and_then(crate::time::parse_rfc3339)
}

/// `printPod` (R8.3): the reason is the phase (or `status.reason`), then scheduling
/// gates, then the first unfinished init container, then the containers scanned last to
/// first; `Completed` with a container still running reads `Running` (or `NotReady`);
/// a deleting pod reads `Terminating` (`Unknown` when its node was lost).
fn summarize(pod: &Object) -> Summary {
    // Borrowed, not copied: the scene works this out for every pod at each change
    // (`scene::build_cached`, the endpoints' edges), and a pod's containers are its
    // largest part.
    let arr = |path: &[&str]| -> &[Value] { pod.get(path).as_array().map_or(&[], Vec::as_slice) };
    let phase = pod.str_at(&["status", "phase"]).unwrap_or("");
    let mut reason = pod
        .str_at(&["status", "reason"])
        .filter(|r| !r.is_empty())
        .unwrap_or(phase)
        .to_string();
    let conditions = arr(&["status", "conditions"]);
    if conditions
        .iter()
        .any(|c| c["type"] == "PodScheduled" && c["reason"] == "SchedulingGated")
    {
        reason = "SchedulingGated".into();
    }
    let init_specs = arr(&["spec", "initContainers"]);
    let restartable = |name: &str| {
        init_specs
            .iter()
            .any(|c| c["name"] == name && c["restartPolicy"] == "Always")
    };
    let total = arr(&["spec", "containers"]).len()
        + init_specs
            .iter()
            .filter(|c| c["restartPolicy"] == "Always")
            .count();
    let mut ready = 0;
    let mut restarts: i64 = 0;
    let mut sidecar_restarts: i64 = 0;
    let mut last: Option<Millis> = None;
    let mut sidecar_last: Option<Millis> = None;
    let max = |a: Option<Millis>, b: Option<Millis>| match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    };
    let mut initializing = false;
    for (i, c) in arr(&["status", "initContainerStatuses"]).iter().enumerate() {
        let name = c["name"].as_str().unwrap_or("");
        let n = c["restartCount"].as_i64().unwrap_or(0);
        restarts += n;
        last = max(last, finished_at(c));
        if restartable(name) {
            sidecar_restarts += n;
            sidecar_last = max(sidecar_last, finished_at(c));
        }
        let term = at(c, &["state", "terminated"]);
        let waiting = at(c, &["state", "waiting", "reason"])
            .and_then(Value::as_str)
            .unwrap_or("");
        if term.is_some_and(|t| t["exitCode"].as_i64() == Some(0)) {
            continue;
        }
        if restartable(name) && c["started"].as_bool() == Some(true) {
            if c["ready"].as_bool() == Some(true) {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = term {
            let r = t["reason"].as_str().unwrap_or("");
            reason = if !r.is_empty() {
                format!("Init:{r}")
            } else if let Some(sig) = t["signal"].as_i64().filter(|s| *s != 0) {
                format!("Init:Signal:{sig}")
            } else {
                format!("Init:ExitCode:{}", t["exitCode"].as_i64().unwrap_or(0))
            };
        } else if !waiting.is_empty() && waiting != "PodInitializing" {
            reason = format!("Init:{waiting}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }
    let initialized = conditions
        .iter()
        .any(|c| c["type"] == "Initialized" && c["status"] == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last = sidecar_last;
        let mut has_running = false;
        for c in arr(&["status", "containerStatuses"]).iter().rev() {
            restarts += c["restartCount"].as_i64().unwrap_or(0);
            last = max(last, finished_at(c));
            let waiting = at(c, &["state", "waiting", "reason"])
                .and_then(Value::as_str)
                .unwrap_or("");
            let term = at(c, &["state", "terminated"]);
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = term {
                let r = t["reason"].as_str().unwrap_or("");
                reason = if !r.is_empty() {
                    r.to_string()
                } else if let Some(sig) = t["signal"].as_i64().filter(|s| *s != 0) {
                    format!("Signal:{sig}")
                } else {
                    format!("ExitCode:{}", t["exitCode"].as_i64().unwrap_or(0))
                };
            } else if c["ready"].as_bool() == Some(true) && at(c, &["state", "running"]).is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            let pod_ready = conditions
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.into();
        }
    }
    if pod.is_deleting() && pod.str_at(&["status", "reason"]) == Some("NodeLost") {
        reason = "Unknown".into();
    } else if pod.is_deleting() && !matches!(phase, "Succeeded" | "Failed") {
        reason = "Terminating".into();
    }
    Summary {
        ready,
        total,
        status: reason,
        restarts: restarts.to_string(),
        last_restart: if restarts > 0 { last } else { None },
    }
}
