//! The taint eviction controller (the node lifecycle controller's NoExecute taint
//! manager before 1.29): a pod on a node with a `NoExecute` taint it does not tolerate
//! is deleted at once; one it tolerates for `tolerationSeconds` is deleted when that
//! time has passed since the taint was added (`timeAdded`), with the event
//! `TaintManagerEviction` "Marking for deletion Pod NS/NAME". A pod that tolerates the
//! taint without a time stays. (The controller's name in events, `taint-eviction-controller`,
//! is the 1.29 one for every version: UNVERIFIED for older releases.)

use serde_json::Value;

use super::scheduler::{first_untolerated, node_taints, tolerates};
use crate::api::Object;
use crate::sim::{Action, EventSpec, Out, Sim};

pub fn reconcile(sim: &Sim, out: &mut Out) {
    let Some(node) = sim.store.find("Node", "", &sim.cluster.node_name) else {
        return;
    };
    let taints = node_taints(node, &["NoExecute"]);
    if taints.is_empty() {
        return;
    }
    for pod in sim.store.list_all("Pod") {
        if pod.is_deleting()
            || pod.str_at(&["spec", "nodeName"]) != Some(sim.cluster.node_name.as_str())
            || matches!(
                pod.str_at(&["status", "phase"]),
                Some("Succeeded" | "Failed")
            )
        {
            continue;
        }
        let due = if first_untolerated(pod, &taints).is_some() {
            Some(sim.now)
        } else {
            eviction_time(pod, &taints)
        };
        match due {
            Some(t) if t <= sim.now => evict(pod, out),
            Some(t) => out.wake_at(t),
            None => {}
        }
    }
}

/// When a pod that tolerates every NoExecute taint must go: for each taint, the shortest
/// `tolerationSeconds` of the tolerations that tolerate it, after the taint's
/// `timeAdded`; the earliest over the taints. None: it may stay.
fn eviction_time(pod: &Object, taints: &[&Value]) -> Option<i64> {
    let tolerations = pod.get(&["spec", "tolerations"]);
    let tolerations = tolerations.as_array()?;
    taints
        .iter()
        .filter_map(|taint| {
            let seconds = tolerations
                .iter()
                .filter(|t| tolerates(t, taint))
                .map(|t| t.get("tolerationSeconds").and_then(Value::as_i64))
                // A toleration without a time tolerates the taint for ever.
                .try_fold(None::<i64>, |least, s| {
                    s.map(|s| Some(least.map_or(s, |l: i64| l.min(s))))
                })
                .flatten()?;
            let added = taint
                .get("timeAdded")
                .and_then(Value::as_str)
                .and_then(crate::time::parse_rfc3339)
                .unwrap_or(0);
            Some(added + seconds.max(0) * 1000)
        })
        .min()
}

fn evict(pod: &Object, out: &mut Out) {
    out.push(EventSpec::normal(
        pod,
        "TaintManagerEviction",
        format!(
            "Marking for deletion Pod {}/{}",
            pod.meta.namespace, pod.meta.name
        ),
    ));
    out.push(Action::Delete {
        key: pod.key(),
        grace_seconds: None,
    });
}
