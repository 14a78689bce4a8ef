//! The default scheduler: binds each pending pod to the node once the volumes it needs are
//! usable, with the real `Scheduled` / `FailedScheduling` events. One node (minikube).

use serde_json::{json, Value};
use std::collections::BTreeSet;

use crate::api::Object;
use crate::sim::{Action, EventSpec, Out, Sim};

/// What the volume binding plugin says about a pod's claims (R5.8).
pub enum VolumeCheck {
    /// Every claim is usable: bind the pod to the node.
    Ready,
    /// FailedScheduling with this message.
    Unschedulable(String),
    /// WaitForFirstConsumer claims are being bound or provisioned for the node; the pod
    /// waits (no event) while these actions go out.
    Waiting(Vec<Action>),
}

/// The scheduler's FailedScheduling text for a one-node cluster. `prefilter` reasons
/// (about the pod, not the node) lost their node count in newer releases; the
/// `preemption:` tail came with ~1.24 (UNVERIFIED boundary; chosen: 1.24, and the
/// count-less form from 1.24 too, as the reference's texts have it).
pub fn fit_error(sim: &Sim, reason: &str, prefilter: bool) -> String {
    if sim.version.at_least(24) {
        let reason = if prefilter {
            reason.to_string()
        } else {
            format!("1 {reason}")
        };
        format!("0/1 nodes are available: {reason}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
    } else {
        format!("0/1 nodes are available: 1 {reason}.")
    }
}

/// The NodeUnschedulable plugin: a cordoned node (`kubectl cordon`) takes no pod that
/// does not tolerate its `node.kubernetes.io/unschedulable:NoSchedule` taint.
fn cordoned(sim: &Sim, pod: &Object) -> Option<String> {
    let node = sim.store.find("Node", "", &sim.cluster.node_name)?;
    if node.get(&["spec", "unschedulable"]).as_bool() != Some(true) {
        return None;
    }
    let taint = json!({"key": crate::kubectl::UNSCHEDULABLE_TAINT, "effect": "NoSchedule"});
    first_untolerated(pod, &[&taint]).map(|_| fit_error(sim, "node(s) were unschedulable", false))
}

/// Whether `toleration` (a pod's) tolerates `taint` (a node's): the key matches (an empty
/// key with `Exists` matches every taint), `Exists` or an equal value, and the effect
/// matches (an empty effect matches every effect).
pub fn tolerates(toleration: &Value, taint: &Value) -> bool {
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (key, op, effect) = (
        field(toleration, "key"),
        field(toleration, "operator"),
        field(toleration, "effect"),
    );
    let op = if op.is_empty() {
        "Equal".to_string()
    } else {
        op
    };
    if !effect.is_empty() && effect != field(taint, "effect") {
        return false;
    }
    if key.is_empty() {
        return op == "Exists";
    }
    key == field(taint, "key")
        && (op == "Exists" || field(toleration, "value") == field(taint, "value"))
}

/// The node's taints with one of `effects`.
pub fn node_taints<'a>(node: &'a Object, effects: &[&str]) -> Vec<&'a Value> {
    node.get(&["spec", "taints"])
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| {
            t.get("effect")
                .and_then(Value::as_str)
                .is_some_and(|e| effects.contains(&e))
        })
        .collect()
}

/// A taint as kubectl writes it: `key=value:Effect`, or `key:Effect` without a value.
pub fn taint_text(t: &Value) -> String {
    let f = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or("");
    match f("value") {
        "" => format!("{}:{}", f("key"), f("effect")),
        v => format!("{}={v}:{}", f("key"), f("effect")),
    }
}

/// The node's taints in the order `kubectl describe node` lists them
/// (`printTaintsMultilineWithIndent`: by `effect + "," + key`).
pub fn sorted_taints(node: &Object) -> Vec<&Value> {
    use crate::sort::StableSort;
    let mut taints: Vec<&Value> = node
        .get(&["spec", "taints"])
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let key = |t: &Value| {
        let f = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        format!("{},{}", f("effect"), f("key"))
    };
    taints.sort_stable_by(|a, b| key(a).cmp(&key(b)));
    taints
}

/// The first of `taints` that none of the pod's tolerations tolerates.
pub fn first_untolerated<'a>(pod: &Object, taints: &[&'a Value]) -> Option<&'a Value> {
    let tolerations = pod.get(&["spec", "tolerations"]);
    let tolerations = tolerations.as_array();
    taints.iter().copied().find(|t| {
        !tolerations
            .into_iter()
            .flatten()
            .any(|tol| tolerates(tol, t))
    })
}

/// The TaintToleration plugin: a node taint with effect NoSchedule or NoExecute that the
/// pod does not tolerate keeps it off the node (PreferNoSchedule only scores, and with
/// one node changes nothing). The message names the first such taint, `{key: value}`;
/// before 1.25 it read "had taint {…}, that the pod didn't tolerate" (the release of the
/// change is UNVERIFIED; chosen: 1.25).
fn untolerated(sim: &Sim, pod: &Object) -> Option<String> {
    let node = sim.store.find("Node", "", &sim.cluster.node_name)?;
    let taints = node_taints(node, &["NoSchedule", "NoExecute"]);
    let taint = first_untolerated(pod, &taints)?;
    let field = |k: &str| taint.get(k).and_then(Value::as_str).unwrap_or("");
    let (key, value) = (field("key"), field("value"));
    Some(if sim.version.at_least(25) {
        fit_error(
            sim,
            &format!("node(s) had untolerated taint {{{key}: {value}}}"),
            false,
        )
    } else {
        fit_error(
            sim,
            &format!("node(s) had taint {{{key}: {value}}}, that the pod didn't tolerate"),
            false,
        )
    })
}

/// Why a pod cannot be scheduled yet, in the scheduler's words (R5.8), or None.
pub fn unschedulable_reason(sim: &Sim, pod: &Object) -> Option<String> {
    if let Some(reason) = cordoned(sim, pod).or_else(|| untolerated(sim, pod)) {
        return Some(reason);
    }
    match check_volumes(sim, pod, &mut BTreeSet::new()) {
        VolumeCheck::Unschedulable(m) => Some(m),
        _ => None,
    }
}

/// The volume binding plugin (R5.8): claims must exist and not be deleting; Immediate
/// claims must be Bound; WaitForFirstConsumer claims get a matching volume pre-bound by
/// the scheduler, or the `selected-node` annotation that starts provisioning. `taken`
/// holds volumes this pass already gave to another claim.
pub fn check_volumes(sim: &Sim, pod: &Object, taken: &mut BTreeSet<String>) -> VolumeCheck {
    use crate::controllers::persistentvolume as pvctl;
    let node = sim.cluster.node_name.clone();
    let mut actions = vec![];
    for claim in pvctl::pod_claims(pod) {
        let Some(pvc) = sim.store.find(pvctl::PVC, &pod.meta.namespace, &claim) else {
            return VolumeCheck::Unschedulable(fit_error(
                sim,
                &format!("persistentvolumeclaim \"{claim}\" not found"),
                true,
            ));
        };
        if pvc.is_deleting() {
            return VolumeCheck::Unschedulable(fit_error(
                sim,
                &format!("persistentvolumeclaim \"{claim}\" is being deleted"),
                true,
            ));
        }
        if pvctl::is_bound(pvc) {
            let vn = pvc.str_at(&["spec", "volumeName"]).unwrap_or("");
            if sim.store.find(pvctl::PV, "", vn).is_none() {
                return VolumeCheck::Unschedulable(fit_error(
                    sim,
                    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)",
                    false,
                ));
            }
            continue;
        }
        if pvctl::claim_blocks_scheduling(sim, pvc) {
            return VolumeCheck::Unschedulable(fit_error(
                sim,
                "pod has unbound immediate PersistentVolumeClaims",
                true,
            ));
        }
        // WaitForFirstConsumer and not bound yet.
        if pvc.meta.annotations.contains_key(pvctl::ANN_SELECTED_NODE)
            || !pvc.str_at(&["spec", "volumeName"]).unwrap_or("").is_empty()
        {
            // Provisioning or binding is under way: wait for it.
            actions.push(None);
            continue;
        }
        if let Some(pv) = pvctl::find_best_match(sim, pvc, false, taken) {
            // The scheduler pre-binds a matching volume; the PV controller completes it.
            taken.insert(pv.meta.name.clone());
            let mut v = pv.clone();
            v.set(
                &["spec", "claimRef"],
                json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": pvc.meta.name,
                       "namespace": pvc.meta.namespace, "resourceVersion": pvc.meta.resource_version.to_string(),
                       "uid": pvc.meta.uid}),
            );
            v.meta
                .annotations
                .insert(pvctl::ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
            actions.push(Some(Action::Update(v)));
            continue;
        }
        let provisioner = pvctl::claim_class(pvc)
            .and_then(|c| pvctl::find_class(sim, &c))
            .and_then(|sc| sc.str_at(&["provisioner"]).map(str::to_string))
            .unwrap_or_default();
        if provisioner.is_empty() || provisioner == "kubernetes.io/no-provisioner" {
            return VolumeCheck::Unschedulable(fit_error(
                sim,
                "node(s) didn't find available persistent volumes to bind",
                false,
            ));
        }
        let mut c = pvc.clone();
        c.meta
            .annotations
            .insert(pvctl::ANN_SELECTED_NODE.into(), node.clone());
        actions.push(Some(Action::Update(c)));
    }
    if actions.is_empty() {
        VolumeCheck::Ready
    } else {
        VolumeCheck::Waiting(actions.into_iter().flatten().collect())
    }
}

pub fn reconcile(sim: &Sim, out: &mut Out) {
    reconcile_sliced(sim, out, &mut super::Slice::new(0, true, &mut || false));
}

/// The pass in items (see [`super::Slice`]): one per pod without a node. Binding 500
/// new pods is one of the longest passes. The volume check runs for every pod, done
/// before or not: it is what fills `taken`, which later pods' checks read.
pub fn reconcile_sliced(sim: &Sim, out: &mut Out, slice: &mut super::Slice) {
    let node = sim.cluster.node_name.clone();
    let mut taken = BTreeSet::new();
    // The store's queue of pods without a node, in the order of `list_all("Pod")` (a
    // scan of every pod, each round, was O(pods) per round at 5,000 pods).
    for pod in sim.store.unbound_pods() {
        if pod.is_deleting()
            || pod
                .str_at(&["spec", "nodeName"])
                .is_some_and(|n| !n.is_empty())
        {
            continue;
        }
        let check = match cordoned(sim, pod).or_else(|| untolerated(sim, pod)) {
            Some(reason) => VolumeCheck::Unschedulable(reason),
            None => check_volumes(sim, pod, &mut taken),
        };
        if !slice.next() {
            if slice.stopped() {
                return;
            }
            continue;
        }
        let reason = match check {
            VolumeCheck::Ready => None,
            VolumeCheck::Unschedulable(m) => Some(m),
            VolumeCheck::Waiting(actions) => {
                for a in actions {
                    out.push(a);
                }
                continue;
            }
        };
        if let Some(reason) = reason {
            let already = pod
                .get(&["status", "conditions"])
                .as_array()
                .is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c.get("message").and_then(Value::as_str) == Some(reason.as_str()))
                });
            if !already {
                out.push(EventSpec::warning(pod, "FailedScheduling", reason.clone()));
                let mut p = pod.clone();
                p.set(&["status", "phase"], json!("Pending"));
                p.set(
                    &["status", "conditions"],
                    json!([{"type": "PodScheduled", "status": "False", "lastProbeTime": null,
                            "lastTransitionTime": crate::time::rfc3339(sim.now), "reason": "Unschedulable", "message": reason}]),
                );
                out.push(Action::Update(p));
            }
            continue;
        }
        let mut p = pod.clone();
        p.set(&["spec", "nodeName"], json!(node));
        p.set(&["status", "phase"], json!("Pending"));
        p.set(
            &["status", "conditions"],
            json!([{"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": crate::time::rfc3339(sim.now)}]),
        );
        out.push(EventSpec::normal(
            pod,
            "Scheduled",
            format!(
                "Successfully assigned {}/{} to {node}",
                pod.meta.namespace, pod.meta.name
            ),
        ));
        out.push(Action::Update(p));
    }
}
