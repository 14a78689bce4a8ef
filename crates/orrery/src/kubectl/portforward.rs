//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`: binds a local port to one pod.
//! A Service, Deployment, ReplicaSet or StatefulSet is resolved to one pod when the
//! command starts (kubectl's `AttachablePodForObject`: the most active pod of its
//! selector, waiting up to `--pod-running-timeout` for one to exist), and a Service
//! port is translated to that pod's target port. The forward keeps running in the
//! session (`Session::port_forwards`) and dies with its pod; `curl localhost:PORT` uses
//! it. Messages and errors are kubectl's.

use crate::sort::StableSort;
use serde_json::Value;

use super::args::{flag, parse};
use super::{flag_error, namespace_of, specs};
use crate::api::{Object, Selector};
use crate::controllers::endpointslice::pod_is_ready;
use crate::errors::ApiError;
use crate::shell::{Output, PortForward, Session};
use crate::sim::Sim;

const USAGE: &str = "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n";

/// Drops the forwards whose pod is gone: kubectl port-forward exits when it loses its
/// pod ("lost connection to pod"), freeing the local port.
pub fn prune(s: &mut Session) {
    let sim = &s.sim;
    s.port_forwards.retain(|f| {
        sim.store
            .find("Pod", &f.namespace, &f.pod)
            .is_some_and(|p| p.meta.uid == f.pod_uid)
    });
}

pub fn port_forward(s: &mut Session, words: &[String]) -> Output {
    prune(s);
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("address", None, true),
                    flag("pod-running-timeout", None, true),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("port-forward", &e),
    };
    if a.positional.len() < 2 {
        return Output::err(USAGE, 1);
    }
    let ns = namespace_of(&a);
    let target = a.positional[0].clone();
    let timeout = a
        .get("pod-running-timeout")
        .and_then(crate::time::parse_duration)
        .unwrap_or(60_000);
    let addresses: Vec<String> = match a.get("address") {
        None => vec!["localhost".into()],
        Some(v) => v.split(',').map(|x| x.trim().to_string()).collect(),
    };
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => (k.to_ascii_lowercase(), n.to_string()),
        None => ("pod".to_string(), target.clone()),
    };
    let Some(rt) = s.sim.discovery.resolve(&kind).cloned() else {
        return Output::err(
            format!("error: the server doesn't have a resource type \"{kind}\"\n"),
            1,
        );
    };
    let Some(obj) = s.sim.store.find(&rt.gk(), &ns, &name).cloned() else {
        let e = ApiError::NotFound {
            resource: rt.qualified_plural(),
            name,
        };
        return Output::err(format!("{}\n", e.kubectl_text()), 1);
    };
    // The pod to forward to.
    let pod = match rt.gk().as_str() {
        "Pod" => obj.clone(),
        "Service" => {
            let Some(sel) = crate::controllers::endpointslice::service_selector(&obj) else {
                return Output::err(
                    format!("error: cannot attach to *v1.Service: invalid service '{name}': Service is defined without a selector\n"),
                    1,
                );
            };
            match first_pod(&mut s.sim, &ns, &sel, timeout) {
                Some(p) => p,
                None => return Output::err("error: timed out waiting for the condition\n", 1),
            }
        }
        "Deployment.apps" | "ReplicaSet.apps" | "StatefulSet.apps" => {
            let sel = Selector::from_label_selector(obj.get(&["spec", "selector"]));
            match first_pod(&mut s.sim, &ns, &sel, timeout) {
                Some(p) => p,
                None => return Output::err("error: timed out waiting for the condition\n", 1),
            }
        }
        _ => {
            return Output::err(
                format!(
                    "error: cannot attach to {}: selector for {} not implemented\n",
                    object_type_name(&rt.kind),
                    object_type_name(&rt.kind)
                ),
                1,
            )
        }
    };
    // Ports: LOCAL:REMOTE, PORT, :REMOTE; a Service's ports become the pod's target ports.
    let mut pairs: Vec<(i64, i64)> = vec![];
    for spec in &a.positional[1..] {
        let (local, remote) = match spec.split_once(':') {
            Some((l, r)) => (l.to_string(), r.to_string()),
            None => (spec.clone(), spec.clone()),
        };
        let mut local_s = local;
        let remote_n: i64 = if rt.gk() == "Service" {
            let svc_port = match remote.parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    let found = obj
                        .get(&["spec", "ports"])
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|p| p.get("name").and_then(Value::as_str) == Some(remote.as_str()))
                        .and_then(|p| p.get("port").and_then(Value::as_i64));
                    match found {
                        Some(n) => {
                            if local_s == remote {
                                local_s = n.to_string();
                            }
                            n
                        }
                        None => {
                            return Output::err(
                                format!(
                                "error: Service '{name}' does not have a named port '{remote}'\n"
                            ),
                                1,
                            )
                        }
                    }
                }
            };
            match service_target_port(&obj, &pod, svc_port) {
                Ok(n) => n,
                Err(e) => return Output::err(format!("error: {e}\n"), 1),
            }
        } else {
            match remote.parse::<i64>() {
                Ok(n) => n,
                Err(_) => match named_container_port(&pod, &remote) {
                    Some(n) => {
                        if local_s == remote {
                            local_s = n.to_string();
                        }
                        n
                    }
                    None => {
                        return Output::err(
                            format!(
                                "error: Pod '{}' does not have a named port '{remote}'\n",
                                pod.meta.name
                            ),
                            1,
                        )
                    }
                },
            }
        };
        let local_n: i64 = if local_s.is_empty() {
            // `:80` asks for any free local port; kubectl's choice is the OS's.
            (40000..65535)
                .find(|p| !s.port_forwards.iter().any(|f| f.local_port == *p))
                .unwrap_or(40000)
        } else {
            match local_s.parse::<u16>() {
                Ok(n) => n as i64,
                Err(_) => {
                    return Output::err(
                        format!("error: Error parsing local port '{local_s}': strconv.ParseUint: parsing \"{local_s}\": invalid syntax\n"),
                        1,
                    )
                }
            }
        };
        pairs.push((local_n, remote_n));
    }
    if pod.str_at(&["status", "phase"]) != Some("Running") {
        let phase = pod.str_at(&["status", "phase"]).unwrap_or("Pending");
        return Output::err(
            format!("error: unable to forward port because pod is not running. Current status={phase}\n"),
            1,
        );
    }
    let mut out = Output::default();
    let busy: Vec<(i64, i64)> = pairs
        .iter()
        .copied()
        .filter(|(l, _)| s.port_forwards.iter().any(|f| f.local_port == *l))
        .collect();
    for (l, _) in &busy {
        out.linef(format_args!("Unable to listen on port {l}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{l}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:{l}: bind: address already in use]"));
    }
    if busy.len() == pairs.len() {
        let list: Vec<String> = pairs.iter().map(|(l, r)| format!("{{{l} {r}}}")).collect();
        out.linef(format_args!(
            "error: unable to listen on any of the requested ports: [{}]",
            list.join(" ")
        ));
        out.code = 1;
        return out;
    }
    for (l, r) in pairs {
        if busy.contains(&(l, r)) {
            continue;
        }
        for addr in &addresses {
            match addr.as_str() {
                "localhost" => {
                    out.linef(format_args!("Forwarding from 127.0.0.1:{l} -> {r}"));
                    out.linef(format_args!("Forwarding from [::1]:{l} -> {r}"));
                }
                a if a.contains(':') => out.linef(format_args!("Forwarding from [{a}]:{l} -> {r}")),
                a => out.linef(format_args!("Forwarding from {a}:{l} -> {r}")),
            }
        }
        s.port_forwards.push(PortForward {
            local_port: l,
            namespace: ns.clone(),
            target: target.clone(),
            remote_port: r,
            pod: pod.meta.name.clone(),
            pod_uid: pod.meta.uid.clone(),
        });
    }
    out
}

fn object_type_name(kind: &str) -> String {
    format!("*v1.{kind}")
}

/// kubectl `GetFirstPod` with `sort.Reverse(ActivePods)`: the most active selected pod
/// (scheduled, running, ready, ready longest, fewest restarts, oldest), waiting up to
/// `timeout_ms` of virtual time for one to exist.
fn first_pod(sim: &mut Sim, ns: &str, sel: &Selector, timeout_ms: i64) -> Option<Object> {
    let matching = |sim: &Sim| -> Vec<Object> {
        sim.store
            .list("Pod", ns)
            .filter(|p| sel.matches(&p.meta.labels))
            .cloned()
            .collect()
    };
    if matching(sim).is_empty() {
        let deadline = sim.now + timeout_ms;
        let ok = sim.advance_until(deadline, |s| !matching(s).is_empty());
        if !ok {
            return None;
        }
    }
    let mut pods = matching(sim);
    let rank = |p: &Object| {
        let scheduled = p
            .str_at(&["spec", "nodeName"])
            .is_some_and(|n| !n.is_empty());
        let phase = match p.str_at(&["status", "phase"]) {
            Some("Running") => 2,
            Some("Unknown") => 1,
            _ => 0,
        };
        let ready = pod_is_ready(p);
        let ready_since = sim
            .runtime
            .get(&p.meta.uid)
            .and_then(|r| r.ready_since())
            .unwrap_or(i64::MAX);
        let restarts: i64 = p
            .get(&["status", "containerStatuses"])
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("restartCount").and_then(Value::as_i64))
            .sum();
        (
            std::cmp::Reverse(scheduled),
            std::cmp::Reverse(phase),
            std::cmp::Reverse(ready),
            ready_since,
            restarts,
            p.meta.creation_ms,
            p.meta.name.clone(),
        )
    };
    pods.sort_stable_by_key(rank);
    pods.into_iter().next()
}

/// `LookupContainerPortNumberByServicePort`.
fn service_target_port(svc: &Object, pod: &Object, port: i64) -> Result<i64, String> {
    for sp in svc.get(&["spec", "ports"]).as_array().into_iter().flatten() {
        if sp.get("port").and_then(Value::as_i64) != Some(port) {
            continue;
        }
        if svc.str_at(&["spec", "clusterIP"]) == Some("None") {
            return Ok(port);
        }
        return match sp.get("targetPort") {
            Some(Value::Number(n)) => Ok(n.as_i64().filter(|n| *n != 0).unwrap_or(port)),
            Some(Value::String(name)) => match name.parse::<i64>() {
                Ok(n) => Ok(n),
                Err(_) => named_container_port(pod, name).ok_or_else(|| {
                    format!(
                        "Pod '{}' does not have a named port '{name}'",
                        pod.meta.name
                    )
                }),
            },
            _ => Ok(port),
        };
    }
    Err(format!(
        "Service {} does not have a service port {port}",
        svc.meta.name
    ))
}

fn named_container_port(pod: &Object, name: &str) -> Option<i64> {
    pod.get(&["spec", "containers"])
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c.get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
}
