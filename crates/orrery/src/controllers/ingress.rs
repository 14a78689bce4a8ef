//! The ingress-nginx controller as minikube's `ingress` addon installs it (R7.8–R7.10),
//! and minikube tunnel's load-balancer emulator (R6.7).
//!
//! The addon (`enable_addon`) creates namespace `ingress-nginx`, the controller
//! Deployment (its pods run like any others, through the Deployment controller and the
//! kubelet), its Services and the IngressClass `nginx` annotated default. Requests reach
//! the controller on the node's ports 80/443 (hostPorts) once one of its pods is Ready;
//! `routing` decides where they go.
//!
//! This controller publishes Ingress status: `status.loadBalancer.ingress[0].ip` = the
//! node IP for every Ingress of its class, on its status sync, which runs when the
//! controller pod becomes Ready and then every 60 s (ingress-nginx `updateInterval`;
//! the cadence is a modelling choice). Ingresses of another class, or without a class,
//! are ignored (R7.8: minikube's v1 manifest does not pass
//! `--watch-ingress-without-class`). When no controller runs, it clears the status it
//! published, as ingress-nginx does on shutdown.
//!
//! While `minikube tunnel` runs, LoadBalancer Services get `status.loadBalancer.ingress`
//! = their ClusterIP: minikube's tunnel on the docker driver routes the service CIDR to
//! the node and reports the ClusterIP as the external IP (a modelling choice; Docker
//! Desktop drivers show 127.0.0.1 instead).

use crate::sort::StableSort;
use serde_json::{json, Value};

use crate::api::Object;
use crate::sim::{Action, Out, Sim};
use crate::time::Millis;

pub const NAMESPACE: &str = "ingress-nginx";
pub const CONTROLLER_CLASS: &str = "k8s.io/ingress-nginx";
pub const CLASS_NAME: &str = "nginx";
pub const CONTROLLER_IMAGE: &str = "registry.k8s.io/ingress-nginx/controller:v1.11.2";
/// ingress-nginx's status sync period.
pub const STATUS_SYNC_MS: Millis = 60_000;
/// How long `minikube addons enable ingress` waits for the controller to be Ready
/// ("Verifying ingress addon...").
pub const VERIFY_TIMEOUT_MS: Millis = 360_000;

pub(crate) const COMPONENT_LABELS: [(&str, &str); 3] = [
    ("app.kubernetes.io/name", "ingress-nginx"),
    ("app.kubernetes.io/instance", "ingress-nginx"),
    ("app.kubernetes.io/component", "controller"),
];

/// The controller's pods (not being deleted), oldest first.
pub fn controller_pods(sim: &Sim) -> Vec<&Object> {
    let mut pods: Vec<&Object> = sim
        .store
        .list("Pod", NAMESPACE)
        .filter(|p| {
            !p.is_deleting()
                && COMPONENT_LABELS
                    .iter()
                    .all(|(k, v)| p.meta.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .collect();
    pods.sort_stable_by_key(|p| (p.meta.creation_ms, p.meta.name.clone()));
    pods
}

/// The controller pod that answers on the node's ports: the oldest Ready one. None
/// while the addon is off or its pod is not Ready (then port 80 refuses connections).
pub fn running_controller(sim: &Sim) -> Option<&Object> {
    if !sim.cluster.addons.contains("ingress") {
        return None;
    }
    controller_pods(sim)
        .into_iter()
        .find(|p| crate::controllers::endpointslice::pod_is_ready(p))
}

/// Whether ingress-nginx handles this Ingress: its `ingressClassName` names an
/// IngressClass of controller `k8s.io/ingress-nginx`, or its legacy annotation
/// `kubernetes.io/ingress.class` is `nginx`. Classless Ingresses are ignored (R7.8).
pub fn handles(sim: &Sim, ing: &Object) -> bool {
    if let Some(class) = ing.str_at(&["spec", "ingressClassName"]) {
        return sim
            .store
            .find("IngressClass.networking.k8s.io", "", class)
            .is_some_and(|c| c.str_at(&["spec", "controller"]) == Some(CONTROLLER_CLASS));
    }
    ing.meta
        .annotations
        .get("kubernetes.io/ingress.class")
        .map(String::as_str)
        == Some(CLASS_NAME)
}

/// Ingresses the controller serves, oldest first (ingress-nginx sorts by creation time,
/// then namespace/name; the first definition of a host/path wins).
pub fn handled_ingresses(sim: &Sim) -> Vec<&Object> {
    let mut v: Vec<&Object> = sim
        .store
        .list_all("Ingress.networking.k8s.io")
        .filter(|i| !i.is_deleting() && handles(sim, i))
        .collect();
    v.sort_stable_by(|a, b| {
        (a.meta.creation_ms, &a.meta.namespace, &a.meta.name).cmp(&(
            b.meta.creation_ms,
            &b.meta.namespace,
            &b.meta.name,
        ))
    });
    v
}

fn published_ip(ing: &Object) -> Option<&str> {
    ing.get(&["status", "loadBalancer", "ingress"])
        .as_array()
        .and_then(|a| a.first())
        .and_then(|i| i.get("ip"))
        .and_then(Value::as_str)
}

fn with_lb_status(obj: &Object, ingress: Value) -> Object {
    let mut o = obj.clone();
    o.set(&["status", "loadBalancer"], ingress);
    o
}

pub fn reconcile(sim: &Sim, out: &mut Out) {
    reconcile_ingress_status(sim, out);
    reconcile_tunnel(sim, out);
}

fn reconcile_ingress_status(sim: &Sim, out: &mut Out) {
    let node_ip = sim.cluster.node_ip.as_str();
    let Some(controller) = running_controller(sim) else {
        // Shutdown: ingress-nginx removes the address it published.
        for ing in sim.store.list_all("Ingress.networking.k8s.io") {
            if published_ip(ing) == Some(node_ip) {
                out.push(Action::Update(with_lb_status(ing, json!({}))));
            }
        }
        return;
    };
    // Status syncs happen at the controller's start and every STATUS_SYNC_MS after.
    let started = sim
        .runtime
        .get(&controller.meta.uid)
        .and_then(|rt| rt.ready_since())
        .unwrap_or(sim.now);
    let elapsed = (sim.now - started).max(0);
    let on_tick = elapsed % STATUS_SYNC_MS == 0;
    let next_tick = started + (elapsed / STATUS_SYNC_MS + 1) * STATUS_SYNC_MS;
    for ing in handled_ingresses(sim) {
        if published_ip(ing) == Some(node_ip) {
            continue;
        }
        // The sync at leader start covers Ingresses that existed before it.
        if on_tick && (elapsed > 0 || ing.meta.creation_ms < started) {
            out.push(Action::Update(with_lb_status(
                ing,
                json!({"ingress": [{"ip": node_ip}]}),
            )));
        } else {
            out.wake_at(next_tick);
        }
    }
}

/// minikube tunnel's emulator: LoadBalancer Services get their ClusterIP as external IP
/// while the tunnel runs, and lose it when it stops.
fn reconcile_tunnel(sim: &Sim, out: &mut Out) {
    for svc in sim.store.list_all("Service") {
        if svc.str_at(&["spec", "type"]) != Some("LoadBalancer") {
            continue;
        }
        let ip = svc.str_at(&["spec", "clusterIP"]).unwrap_or("");
        let current = published_ip(svc);
        if sim.cluster.tunnel {
            if current.is_none() && !ip.is_empty() && ip != "None" {
                out.push(Action::Update(with_lb_status(
                    svc,
                    json!({"ingress": [{"ip": ip}]}),
                )));
            }
        } else if current == Some(ip) {
            out.push(Action::Update(with_lb_status(svc, json!({}))));
        }
    }
}

/// What the controller logs about its configuration now (klog format), e.g.
/// `Service "default/web" does not have any active Endpoint.` for every backend Service
/// without a ready endpoint (R7.10). For `kubectl logs` of the controller pod.
pub fn controller_log(sim: &Sim) -> Vec<String> {
    let mut lines = vec![];
    let stamp = klog_time(sim.now);
    let mut seen = std::collections::BTreeSet::new();
    for ing in handled_ingresses(sim) {
        for (svc_name, port) in crate::routing::backends_of(ing) {
            let key = format!("{}/{svc_name}", ing.meta.namespace);
            if !seen.insert(key.clone()) {
                continue;
            }
            let ok = sim
                .store
                .find("Service", &ing.meta.namespace, &svc_name)
                .and_then(|svc| {
                    let sp = crate::controllers::endpointslice::find_service_port(svc, &port)?;
                    Some(
                        !crate::controllers::endpointslice::ready_backends(sim, svc, sp).is_empty(),
                    )
                })
                .unwrap_or(false);
            if !ok {
                lines.push(format!(
                    "W{stamp}       7 controller.go:1216] Service \"{key}\" does not have any active Endpoint."
                ));
            }
        }
    }
    lines
}

/// klog's `mmdd hh:mm:ss.uuuuuu` from virtual time.
pub fn klog_time(ms: Millis) -> String {
    let t = crate::time::rfc3339(ms);
    // 2026-01-01T00:01:02Z → 0101 00:01:02.000000
    format!(
        "{}{} {}.{:06}",
        &t[5..7],
        &t[8..10],
        &t[11..19],
        (ms.rem_euclid(1000)) * 1000
    )
}

fn create(sim: &mut Sim, v: Value) {
    if let Ok(obj) = Object::from_manifest(&v) {
        // The addon's objects are known-good; one that already exists stays as it is.
        let _ = sim.create(obj);
    }
}

/// R7.9: what `minikube addons enable ingress` installs (`addons/ingress.yaml`: the shape
/// of minikube's `ingress-deploy.yaml.tmpl` for Kubernetes ≥ 1.19, without the admission
/// webhook and its certificate Jobs, which the simulator does not run). Then, like minikube's
/// "Verifying ingress addon...", waits until the controller pod is Ready (bounded).
pub fn enable_addon(sim: &mut Sim, name: &str) {
    if name != "ingress" {
        return;
    }
    // The objects are text (addons/ingress.yaml), not `json!` code: BENCHMARKS.md, "Size".
    for v in crate::addons::manifests(crate::addons::INGRESS) {
        create(sim, v);
    }
    let deadline = sim.now + VERIFY_TIMEOUT_MS;
    sim.advance_until(deadline, |s| running_controller(s).is_some());
}

/// `minikube addons disable ingress`: the namespace (and with it the controller) and
/// the IngressClass go.
pub fn disable_addon(sim: &mut Sim, name: &str) {
    if name != "ingress" {
        return;
    }
    for key in [
        crate::api::ObjKey::new("IngressClass.networking.k8s.io", "", CLASS_NAME),
        crate::api::ObjKey::new("Namespace", "", NAMESPACE),
    ] {
        let _ = sim.delete(&key, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn klog_timestamps() {
        assert_eq!(klog_time(62_500), "0101 00:01:02.500000");
    }
}
