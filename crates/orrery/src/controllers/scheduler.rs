//! The default scheduler: binds each pending pod to the node once the volumes it needs are
//! usable, with the real `Scheduled` / `FailedScheduling` events. One node (minikube).

use serde_json::{json, Value};

use crate::api::Object;
use crate::sim::{Action, EventSpec, Out, Sim};

/// Why a pod cannot be scheduled yet, in the scheduler's words (R5.8), or None.
pub fn unschedulable_reason(sim: &Sim, pod: &Object) -> Option<String> {
    let volumes = pod
        .get(&["spec", "volumes"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    for v in &volumes {
        let Some(claim) = v
            .get("persistentVolumeClaim")
            .and_then(|c| c.get("claimName"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        match sim.store.find("PersistentVolumeClaim", &pod.meta.namespace, claim) {
            None => {
                return Some(format!(
                    "0/1 nodes are available: persistentvolumeclaim \"{claim}\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
                ))
            }
            Some(pvc) if pvc.is_deleting() => {
                return Some(format!(
                    "0/1 nodes are available: persistentvolumeclaim \"{claim}\" is being deleted. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
                ))
            }
            Some(pvc) => {
                if crate::controllers::persistentvolume::claim_blocks_scheduling(sim, pvc) {
                    return Some("0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.".into());
                }
            }
        }
    }
    None
}

pub fn reconcile(sim: &Sim, out: &mut Out) {
    let node = sim.cluster.node_name.clone();
    for pod in sim.store.list_all("Pod") {
        if pod.is_deleting()
            || pod
                .str_at(&["spec", "nodeName"])
                .is_some_and(|n| !n.is_empty())
        {
            continue;
        }
        if let Some(reason) = unschedulable_reason(sim, pod) {
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
