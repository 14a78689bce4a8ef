//! Server-side table columns per kind (R8.2), the pod STATUS algorithm (R8.3), and the
//! other cells kubectl prints. A kind without a printer gets `NAME AGE`.

use serde_json::Value;

use crate::api::Object;
use crate::sim::Sim;
use crate::time::{human_duration, Millis};

/// Header and cells of one kind's table. `wide` adds the `-o wide` columns.
pub fn columns(sim: &Sim, kind_gk: &str, wide: bool) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = match kind_gk {
        "Pod" => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        "Namespace" => vec!["NAME", "STATUS", "AGE"],
        "Node" => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        _ => extra_columns(sim, kind_gk).unwrap_or_else(|| vec!["NAME", "AGE"]),
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
    c
}

/// The cells of one row, matching `columns`.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Vec<String> {
    let age = age(sim.now, obj.meta.creation_ms);
    match obj.gk().as_str() {
        "Pod" => {
            let (ready, total) = pod_ready_counts(obj);
            let mut r = vec![
                obj.meta.name.clone(),
                format!("{ready}/{total}"),
                pod_status(obj),
                pod_restarts(sim, obj),
                age,
            ];
            if wide {
                r.push(
                    obj.str_at(&["status", "podIP"])
                        .filter(|s| !s.is_empty())
                        .unwrap_or("<none>")
                        .to_string(),
                );
                r.push(
                    obj.str_at(&["spec", "nodeName"])
                        .filter(|s| !s.is_empty())
                        .unwrap_or("<none>")
                        .to_string(),
                );
                r.push("<none>".into());
                r.push("<none>".into());
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
            let mut r = vec![
                obj.meta.name.clone(),
                "Ready".into(),
                "control-plane".into(),
                age,
                sim.version.git_version(),
            ];
            if wide {
                r.extend([
                    sim.cluster.node_ip.clone(),
                    "<none>".into(),
                    "Ubuntu 22.04.4 LTS".into(),
                    "6.8.0-orrery".into(),
                    "docker://27.2.0".into(),
                ]);
            }
            r
        }
        _ => extra_row(sim, obj, wide).unwrap_or_else(|| vec![obj.meta.name.clone(), age]),
    }
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

/// (ready, total) containers, for READY.
pub fn pod_ready_counts(pod: &Object) -> (usize, usize) {
    let total = pod
        .get(&["spec", "containers"])
        .as_array()
        .map_or(0, Vec::len);
    let ready = pod
        .get(&["status", "containerStatuses"])
        .as_array()
        .map_or(0, |cs| {
            cs.iter()
                .filter(|c| c.get("ready").and_then(Value::as_bool) == Some(true))
                .count()
        });
    (ready, total)
}

/// RESTARTS: `N`, or `N (<age> ago)` after a restart (R8.2).
pub fn pod_restarts(sim: &Sim, pod: &Object) -> String {
    let mut restarts = 0;
    let mut last: Option<Millis> = None;
    for list in ["initContainerStatuses", "containerStatuses"] {
        for c in pod.get(&["status", list]).as_array().into_iter().flatten() {
            restarts += c.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
            if let Some(t) = c
                .pointer("/lastState/terminated/finishedAt")
                .and_then(Value::as_str)
            {
                if let Some(ms) = crate::time::parse_rfc3339(t) {
                    last = Some(last.map_or(ms, |l: Millis| l.max(ms)));
                }
            }
        }
    }
    match (restarts, last) {
        (n, Some(t)) if n > 0 => format!("{n} ({} ago)", human_duration(sim.now - t)),
        (n, _) => n.to_string(),
    }
}

/// The pod STATUS column (R8.3).
pub fn pod_status(pod: &Object) -> String {
    let mut reason = pod
        .str_at(&["status", "reason"])
        .or_else(|| pod.str_at(&["status", "phase"]))
        .unwrap_or("Pending")
        .to_string();
    let init_statuses = pod
        .get(&["status", "initContainerStatuses"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    let init_total = pod
        .get(&["spec", "initContainers"])
        .as_array()
        .map_or(0, Vec::len);
    let mut initializing = false;
    for (i, c) in init_statuses.iter().enumerate() {
        let term = c.pointer("/state/terminated");
        let waiting = c.pointer("/state/waiting/reason").and_then(Value::as_str);
        if let Some(t) = term {
            if t.get("exitCode").and_then(Value::as_i64) == Some(0) {
                continue;
            }
            reason = match t.get("reason").and_then(Value::as_str) {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => format!(
                    "Init:ExitCode:{}",
                    t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
                ),
            };
            initializing = true;
        } else if let Some(w) = waiting.filter(|w| !w.is_empty() && *w != "PodInitializing") {
            reason = format!("Init:{w}");
            initializing = true;
        } else {
            reason = format!("Init:{i}/{init_total}");
            initializing = true;
        }
        break;
    }
    if !initializing {
        let mut has_running = false;
        let statuses = pod
            .get(&["status", "containerStatuses"])
            .as_array()
            .cloned()
            .unwrap_or_default();
        for c in statuses.iter().rev() {
            if let Some(w) = c
                .pointer("/state/waiting/reason")
                .and_then(Value::as_str)
                .filter(|w| !w.is_empty())
            {
                reason = w.to_string();
            } else if let Some(t) = c.pointer("/state/terminated") {
                reason = match t.get("reason").and_then(Value::as_str) {
                    Some(r) if !r.is_empty() => r.to_string(),
                    _ => format!(
                        "ExitCode:{}",
                        t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
                    ),
                };
            } else if c.get("ready").and_then(Value::as_bool) == Some(true)
                && c.pointer("/state/running").is_some()
            {
                has_running = true;
            } else if c.pointer("/state/running").is_some() {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            let ready = pod
                .get(&["status", "conditions"])
                .as_array()
                .is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                });
            reason = if ready {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
    }
    let terminal = matches!(
        pod.str_at(&["status", "phase"]),
        Some("Succeeded" | "Failed")
    );
    if pod.is_deleting() && !terminal {
        reason = if pod.str_at(&["status", "reason"]) == Some("NodeLost") {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    reason
}
