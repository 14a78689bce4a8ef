//! `kubectl describe node`: kubectl's `describeNode` (`describe.go`, NodeDescriber) —
//! the node's roles, taints, lease, conditions, capacity and system info, then the pods
//! bound to it that have not terminated, with their requests and limits as shares of
//! what the node can allocate (`describeNodeResource`).

use serde_json::Value;
use std::collections::BTreeMap;

use super::{annotations_multiline, arr, labels_multiline, rfc1123z, s, since, stamp, W};
use crate::api::Object;
use crate::quantity::Quantity;
use crate::sim::Sim;

/// How often the kubelet renews its node Lease: a quarter of the lease's 40 s
/// (`nodeLeaseRenewIntervalFraction` 0.25, `nodeLeaseDurationSeconds` 40).
const LEASE_RENEW_MS: i64 = 10_000;

/// `describeNode`.
pub(super) fn node(sim: &Sim, n: &Object, w: &mut W) {
    let spec = n.spec();
    let status = n.status();
    w.line(0, "Name:\t", &n.meta.name);
    let roles = crate::kubectl::printers::node_roles(&n.meta.labels);
    if roles.is_empty() {
        w.w(0, "Roles:\t<none>\n");
    } else {
        w.line(0, "Roles:\t", &roles.join(","));
    }
    labels_multiline(w, "", "Labels", &n.meta.labels);
    annotations_multiline(w, "Annotations", &n.meta.annotations);
    w.line(0, "CreationTimestamp:\t", &rfc1123z(n.meta.creation_ms));
    taints_multiline(w, n);
    w.f(
        0,
        format_args!(
            "Unschedulable:\t{}\n",
            spec["unschedulable"].as_bool().unwrap_or(false)
        ),
    );
    lease(sim, n, w);
    let conditions = arr(status, "conditions");
    if !conditions.is_empty() {
        w.w(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.w(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            w.f(
                1,
                format_args!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    s(c, &["type"]),
                    s(c, &["status"]),
                    stamp(&c["lastHeartbeatTime"]),
                    stamp(&c["lastTransitionTime"]),
                    s(c, &["reason"]),
                    s(c, &["message"])
                ),
            );
        }
    }
    w.w(0, "Addresses:\n");
    for a in arr(status, "addresses") {
        w.f(
            1,
            format_args!("{}:\t{}\n", s(a, &["type"]), s(a, &["address"])),
        );
    }
    for (title, key) in [("Capacity", "capacity"), ("Allocatable", "allocatable")] {
        let list = resource_list(&status[key]);
        if !list.is_empty() {
            w.f(0, format_args!("{title}:\n"));
            // `SortableResourceNames`: by name.
            for (name, value) in &list {
                w.f(1, format_args!("{name}:\t{value}\n"));
            }
        }
    }
    let info = &status["nodeInfo"];
    w.w(0, "System Info:\n");
    for (label, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        // kubectl dropped this line after the kubelet stopped setting the field
        // (KEP-4004); kubectl v1.33 still prints it, empty against a 1.33 node
        // (kubernetes issue #133064, [OBS]). That kubectl v1.34 — the simulated client —
        // still prints it is UNVERIFIED (chosen: it does).
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.f(1, format_args!("{label}:\t{}\n", s(info, &[key])));
    }
    if !s(spec, &["podCIDR"]).is_empty() {
        w.line(0, "PodCIDR:\t", s(spec, &["podCIDR"]));
    }
    let cidrs: Vec<&str> = arr(spec, "podCIDRs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if !cidrs.is_empty() {
        w.line(0, "PodCIDRs:\t", &cidrs.join(","));
    }
    if !s(spec, &["providerID"]).is_empty() {
        w.line(0, "ProviderID:\t", s(spec, &["providerID"]));
    }
    resources(sim, n, w);
}

/// A resource list (`capacity`, `allocatable`) with each value as `Quantity.String()`
/// prints it; a value that is not a quantity stays as written.
fn resource_list(v: &Value) -> BTreeMap<&str, String> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let text = match Quantity::of(v) {
                Some(q) => q.canonical(),
                None => v.as_str().unwrap_or("").to_string(),
            };
            (k.as_str(), text)
        })
        .collect()
}

/// `printNodeTaintsMultiline`: one taint a line, `key=value:Effect` (`Taint.ToString`),
/// sorted by effect then key.
fn taints_multiline(w: &mut W, n: &Object) {
    w.w(0, "Taints:\t");
    let taints = crate::controllers::scheduler::sorted_taints(n);
    if taints.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, t) in taints.iter().enumerate() {
        if i > 0 {
            w.w(0, "\t");
        }
        w.line(0, "", &crate::controllers::scheduler::taint_text(t));
    }
}

/// `describeNodeLease`. The kubelet holds the node's Lease in `kube-node-lease` and
/// renews it every 10 s without acquiring it (AcquireTime stays unset, as on a real
/// minikube node [OBS]). Chosen: the Lease is not an object in the store — its renewals
/// would be a write every 10 s of virtual time — so this prints what it would hold: the
/// node as holder, renewed at the last 10 s tick since the node registered.
fn lease(sim: &Sim, n: &Object, w: &mut W) {
    w.w(0, "Lease:\n");
    w.line(1, "HolderIdentity:\t", &n.meta.name);
    w.w(1, "AcquireTime:\t<unset>\n");
    let since_registered = (sim.now - n.meta.creation_ms).max(0);
    let renewed = n.meta.creation_ms + since_registered - since_registered % LEASE_RENEW_MS;
    w.line(1, "RenewTime:\t", &rfc1123z(renewed));
}

/// A resource list of quantities, by resource name.
type Resources = BTreeMap<String, Quantity>;

/// A container's requests as the API server stores them: a resource it limits but does
/// not request is requested at its limit (`SetDefaults_Pod`), which the simulator's
/// admission does not write into the spec.
fn container_requests(c: &Value) -> Resources {
    let mut r = quantities(&c["resources"]["requests"]);
    for (name, q) in quantities(&c["resources"]["limits"]) {
        r.entry(name).or_insert(q);
    }
    r
}

fn container_limits(c: &Value) -> Resources {
    quantities(&c["resources"]["limits"])
}

fn quantities(v: &Value) -> Resources {
    v.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Quantity::of(v).map(|q| (k.clone(), q)))
        .collect()
}

/// `addResourceList`.
fn add_resources(list: &mut Resources, other: &Resources) {
    for (name, q) in other {
        list.entry(name.clone())
            .and_modify(|v| *v = *v + *q)
            .or_insert(*q);
    }
}

/// `maxResourceList`: the greater of the two for every resource.
fn max_resources(list: &mut Resources, other: &Resources) {
    for (name, q) in other {
        match list.get(name) {
            Some(v) if v.milli >= q.milli => {}
            _ => {
                list.insert(name.clone(), *q);
            }
        }
    }
}

/// `resourcehelper.PodRequests` / `PodLimits` (component-helpers `resource`): the sum of
/// the app containers and the sidecars (init containers that restart `Always`), or the
/// largest one-off init container with the sidecars started before it, whichever is
/// greater; pod-level resources replace cpu and memory; the pod's overhead is added.
fn pod_resources(pod: &Object, each: fn(&Value) -> Resources) -> Resources {
    let spec = pod.spec();
    let mut total = Resources::new();
    for c in arr(spec, "containers") {
        add_resources(&mut total, &each(c));
    }
    let mut sidecars = Resources::new();
    let mut init = Resources::new();
    for c in arr(spec, "initContainers") {
        let own = each(c);
        let during = if s(c, &["restartPolicy"]) == "Always" {
            add_resources(&mut total, &own);
            add_resources(&mut sidecars, &own);
            sidecars.clone()
        } else {
            let mut t = own;
            add_resources(&mut t, &sidecars);
            t
        };
        max_resources(&mut init, &during);
    }
    max_resources(&mut total, &init);
    let pod_level = each(&Value::Object(
        [("resources".to_string(), spec["resources"].clone())]
            .into_iter()
            .collect(),
    ));
    for name in ["cpu", "memory"] {
        if let Some(q) = pod_level.get(name) {
            total.insert(name.to_string(), *q);
        }
    }
    if let Some(overhead) = spec.get("overhead") {
        add_resources(&mut total, &quantities(overhead));
    }
    total
}

/// Go's `int64(float64(part) / float64(whole) * 100)`: truncated toward zero; a zero
/// whole gives ±Inf or NaN, which amd64 converts to the smallest int64.
fn percent(part: i128, whole: i128) -> i64 {
    let f = part as f64 / whole as f64 * 100.0;
    if f.is_finite() {
        f as i64
    } else {
        i64::MIN
    }
}

/// `percent`, 0 for a zero whole (the totals' guard).
fn percent_of(part: i128, whole: i128) -> i64 {
    if whole == 0 {
        0
    } else {
        percent(part, whole)
    }
}

/// `value (N%)`, one cell of the pods' and the totals' tables.
fn share(q: Quantity, pct: i64) -> String {
    format!("{} ({pct}%)", q.canonical())
}

/// `describeNodeResource`.
fn resources(sim: &Sim, n: &Object, w: &mut W) {
    // The field selector kubectl lists with: `spec.nodeName=<node>`, phase neither
    // Succeeded nor Failed; the API lists by namespace, then name.
    let pods: Vec<&Object> = sim
        .store
        .list_all("Pod")
        .filter(|p| p.str_at(&["spec", "nodeName"]) == Some(n.meta.name.as_str()))
        .filter(|p| !matches!(p.str_at(&["status", "phase"]), Some("Succeeded" | "Failed")))
        .collect();
    w.f(
        0,
        format_args!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.w(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.w(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let status = n.status();
    let mut allocatable = quantities(&status["allocatable"]);
    if allocatable.is_empty() {
        allocatable = quantities(&status["capacity"]);
    }
    let get = |list: &Resources, name: &str| list.get(name).copied().unwrap_or(Quantity::ZERO);
    let (cpu, memory) = (get(&allocatable, "cpu"), get(&allocatable, "memory"));
    let mut reqs = Resources::new();
    let mut limits = Resources::new();
    for p in &pods {
        let req = pod_resources(p, container_requests);
        let lim = pod_resources(p, container_limits);
        let (rc, lc, rm, lm) = (
            get(&req, "cpu"),
            get(&lim, "cpu"),
            get(&req, "memory"),
            get(&lim, "memory"),
        );
        w.f(
            1,
            format_args!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{}\n",
                p.meta.namespace,
                p.meta.name,
                share(rc, percent(rc.milli, cpu.milli)),
                share(lc, percent(lc.milli, cpu.milli)),
                share(rm, percent(rm.value(), memory.value())),
                share(lm, percent(lm.value(), memory.value())),
                since(sim, p.meta.creation_ms)
            ),
        );
        add_resources(&mut reqs, &req);
        add_resources(&mut limits, &lim);
    }
    w.w(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.w(1, "Resource\tRequests\tLimits\n");
    w.w(1, "--------\t--------\t------\n");
    let (rc, lc) = (get(&reqs, "cpu"), get(&limits, "cpu"));
    w.f(
        1,
        format_args!(
            "cpu\t{}\t{}\n",
            share(rc, percent_of(rc.milli, cpu.milli)),
            share(lc, percent_of(lc.milli, cpu.milli))
        ),
    );
    for name in ["memory", "ephemeral-storage"] {
        let whole = get(&allocatable, name).value();
        let (r, l) = (get(&reqs, name), get(&limits, name));
        w.f(
            1,
            format_args!(
                "{name}\t{}\t{}\n",
                share(r, percent_of(r.value(), whole)),
                share(l, percent_of(l.value(), whole))
            ),
        );
    }
    for (name, q) in &allocatable {
        if name.starts_with("hugepages-") {
            let (r, l) = (get(&reqs, name), get(&limits, name));
            w.f(
                1,
                format_args!(
                    "{name}\t{}\t{}\n",
                    share(r, percent_of(r.value(), q.value())),
                    share(l, percent_of(l.value(), q.value()))
                ),
            );
        }
    }
    // Extended resources (`example.com/gpu`): what the node offers beyond the standard
    // container resources and pods, without shares.
    for name in allocatable.keys() {
        if !["cpu", "memory", "ephemeral-storage", "pods"].contains(&name.as_str())
            && !name.starts_with("hugepages-")
        {
            w.f(
                1,
                format_args!(
                    "{name}\t{}\t{}\n",
                    get(&reqs, name).canonical(),
                    get(&limits, name).canonical()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Session;
    use crate::sim::EventSpec;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    /// The cells of kubectl's node tables: `750m (37%)` of 2 CPUs, `170Mi (4%)` of a
    /// minikube node's memory, Go's truncation of the float share.
    #[test]
    fn shares_truncate_as_go_does() {
        let cpu = q("2");
        let memory = q("3912788Ki");
        let r = q("500m") + q("250m");
        assert_eq!(share(r, percent(r.milli, cpu.milli)), "750m (37%)");
        let m = q("100Mi") + q("70Mi");
        assert_eq!(share(m, percent(m.value(), memory.value())), "170Mi (4%)");
        assert_eq!(share(m, percent(m.value(), q("2Gi").value())), "170Mi (8%)");
        assert_eq!(share(Quantity::ZERO, percent(0, cpu.milli)), "0 (0%)");
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(29, 100), 28, "0.29 * 100 is 28.999… in float64");
        assert_eq!(percent(1, 0), i64::MIN);
        assert_eq!(percent_of(1, 0), 0);
    }

    fn pod(spec: Value) -> Object {
        Object::from_manifest(&serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "namespace": "default"},
            "spec": spec,
        }))
        .unwrap()
    }

    /// `PodRequests`: containers add up; a one-off init container counts only if it is
    /// larger; a sidecar adds to both; a limit without a request is the request.
    #[test]
    fn pod_requests_follow_the_resource_helper() {
        let p = pod(serde_json::json!({
            "initContainers": [
                {"name": "setup", "image": "busybox",
                 "resources": {"requests": {"cpu": "1", "memory": "64Mi"}}},
                {"name": "proxy", "image": "envoy", "restartPolicy": "Always",
                 "resources": {"requests": {"cpu": "100m"}, "limits": {"memory": "32Mi"}}},
            ],
            "containers": [
                {"name": "a", "image": "nginx",
                 "resources": {"requests": {"cpu": "250m", "memory": "100Mi"},
                               "limits": {"cpu": "500m", "memory": "128Mi"}}},
                {"name": "b", "image": "nginx",
                 "resources": {"limits": {"cpu": "250m", "memory": "64Mi"}}},
            ],
        }));
        let req = pod_resources(&p, container_requests);
        // cpu: containers 250m + 250m + sidecar 100m = 600m, setup's 1 is larger.
        assert_eq!(req["cpu"].canonical(), "1");
        // memory: 100Mi + 64Mi + sidecar 32Mi = 196Mi beats setup's 64Mi.
        assert_eq!(req["memory"].canonical(), "196Mi");
        let lim = pod_resources(&p, container_limits);
        assert_eq!(lim["cpu"].canonical(), "750m");
        assert_eq!(lim["memory"].canonical(), "224Mi");
        let none = pod(serde_json::json!({"containers": [{"name": "a", "image": "nginx"}]}));
        assert!(pod_resources(&none, container_requests).is_empty());
    }

    /// The kubelet's events name the node as their UID; the controllers' use its UID.
    /// `describe node` lists both, as NodeDescriber's two searches do.
    #[test]
    fn node_events_by_uid_and_by_name() {
        let mut s = Session::new(1);
        let node = s.sim.store.find("Node", "", "minikube").unwrap().clone();
        for (uid, reason) in [
            ("minikube".to_string(), "NodeNotSchedulable"),
            (node.meta.uid.clone(), "RegisteredNode"),
            ("someone-else".to_string(), "Unrelated"),
        ] {
            s.sim.event(EventSpec {
                regarding: node.key(),
                kind: "Node".into(),
                uid,
                warning: false,
                reason: reason.into(),
                message: format!("Node minikube event: {reason}"),
            });
        }
        let out = s.exec("kubectl describe node minikube", None).text;
        let events = &out[out.find("Events:").expect("an Events section")..];
        assert!(events.contains("NodeNotSchedulable"), "{events}");
        assert!(events.contains("RegisteredNode"), "{events}");
        assert!(!events.contains("Unrelated"), "{events}");
    }
}
