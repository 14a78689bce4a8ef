//! Invariants that hold after every command, checked by the property test and the fuzz
//! targets. Each area adds its own check here.

use std::collections::BTreeSet;

use crate::api::Selector;
use crate::sim::Sim;

/// Every invariant; the first violation, described.
pub fn check(sim: &Sim) -> Result<(), String> {
    store_is_consistent(sim)?;
    kubelet_state_matches_pods(sim)?;
    no_orphans_after_settle(sim)?;
    statefulset_pods_are_valid_ordinals(sim)?;
    jobs_within_parallelism(sim)?;
    crate::controllers::persistentvolume::check_invariants(sim)?;
    crate::controllers::endpointslice::check_invariants(sim)?;
    Ok(())
}

/// UIDs are unique and every object's namespace exists (or it is cluster-scoped).
fn store_is_consistent(sim: &Sim) -> Result<(), String> {
    let mut uids = BTreeSet::new();
    for o in sim.store.all() {
        if !uids.insert(o.meta.uid.clone()) {
            return Err(format!(
                "duplicate UID {} ({}/{})",
                o.meta.uid, o.kind, o.meta.name
            ));
        }
        if sim.store.by_uid(&o.meta.uid).map(|x| x.key()) != Some(o.key()) {
            return Err(format!(
                "UID index disagrees for {}/{}",
                o.kind, o.meta.name
            ));
        }
        if !o.meta.namespace.is_empty()
            && sim.store.find("Namespace", "", &o.meta.namespace).is_none()
        {
            return Err(format!(
                "{} {}/{} lives in a namespace that does not exist",
                o.kind, o.meta.namespace, o.meta.name
            ));
        }
    }
    Ok(())
}

/// The kubelet tracks exactly pods that exist.
fn kubelet_state_matches_pods(sim: &Sim) -> Result<(), String> {
    for uid in sim.runtime.keys() {
        match sim.store.by_uid(uid) {
            Some(p) if p.kind == "Pod" => {}
            _ => {
                return Err(format!(
                    "kubelet state for a pod that does not exist: {uid}"
                ))
            }
        }
    }
    Ok(())
}

/// After the controllers settle, no object is left whose owners are all gone (the
/// garbage collector deleted it or it is terminating).
fn no_orphans_after_settle(sim: &Sim) -> Result<(), String> {
    for o in sim.store.all() {
        if o.meta.owner_references.is_empty() || o.is_deleting() {
            continue;
        }
        if o.meta
            .owner_references
            .iter()
            .all(|r| sim.store.by_uid(&r.uid).is_none())
        {
            return Err(format!(
                "{} {}/{} outlived all its owners",
                o.kind, o.meta.namespace, o.meta.name
            ));
        }
    }
    Ok(())
}

/// A StatefulSet's live pods are named `<sts>-<ordinal>` and controlled by it.
fn statefulset_pods_are_valid_ordinals(sim: &Sim) -> Result<(), String> {
    for sts in sim.store.list_all("StatefulSet.apps") {
        let sel = Selector::from_label_selector(sts.get(&["spec", "selector"]));
        for pod in sim.store.owned_by(&sts.meta.uid) {
            if pod.kind != "Pod"
                || pod.controller_ref().map(|r| r.uid.as_str()) != Some(sts.meta.uid.as_str())
            {
                continue;
            }
            let ord = pod
                .meta
                .name
                .strip_prefix(&format!("{}-", sts.meta.name))
                .and_then(|o| o.parse::<u64>().ok());
            if ord.is_none() {
                return Err(format!(
                    "StatefulSet {} owns pod {} without an ordinal name",
                    sts.meta.name, pod.meta.name
                ));
            }
            if !sel.matches(&pod.meta.labels) {
                return Err(format!(
                    "StatefulSet {} owns pod {} its selector does not match",
                    sts.meta.name, pod.meta.name
                ));
            }
        }
    }
    Ok(())
}

/// A Job never runs more than `parallelism` pods, and a finished one runs none (its
/// active pods are deleted before it is marked Failed).
fn jobs_within_parallelism(sim: &Sim) -> Result<(), String> {
    for job in sim.store.list_all("Job.batch") {
        let active = sim
            .store
            .owned_by(&job.meta.uid)
            .filter(|p| p.kind == "Pod" && crate::controllers::replicaset::is_pod_active(p))
            .count() as i64;
        let parallelism = job.i64_at(&["spec", "parallelism"]).unwrap_or(1);
        if active > parallelism {
            return Err(format!(
                "Job {} runs {active} pods, parallelism {parallelism}",
                job.meta.name
            ));
        }
        if crate::controllers::job::is_finished(job) && active > 0 {
            return Err(format!(
                "Job {} is finished but runs {active} pods",
                job.meta.name
            ));
        }
    }
    Ok(())
}

/// What the kubelet's app model makes of a container of a template: its image and its
/// `command` and `args` words.
fn container_model(c: &serde_json::Value) -> crate::apps::AppModel {
    let cmd: Vec<String> = ["command", "args"]
        .iter()
        .filter_map(|k| c.get(*k).and_then(|v| v.as_array()))
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect();
    crate::apps::model_for(c["image"].as_str().unwrap_or(""), &cmd, &[])
}

/// Whether every workload reached its spec: the bound the property test checks after
/// ten quiet minutes. Workloads whose image cannot be pulled are exempt (they never
/// become Ready, as on a real cluster).
pub fn converged(sim: &Sim) -> Result<(), String> {
    let pullable = |tpl: &serde_json::Value| {
        tpl.pointer("/spec/containers")
            .and_then(|c| c.as_array())
            .is_some_and(|cs| {
                cs.iter().all(|c| {
                    // A container that cannot be pulled, or whose process exits (busybox
                    // without a long-running command: CrashLoopBackOff), never gets Ready.
                    let m = container_model(c);
                    !m.pull_fails && m.exits.is_none()
                })
            })
    };
    for d in sim.store.list_all("Deployment.apps") {
        if d.is_deleting() || !pullable(d.get(&["spec", "template"])) {
            continue;
        }
        let want = d.i64_at(&["spec", "replicas"]).unwrap_or(1);
        let sel = Selector::from_label_selector(d.get(&["spec", "selector"]));
        let pods: Vec<_> = sim
            .store
            .list("Pod", &d.meta.namespace)
            .filter(|p| !p.is_deleting() && sel.matches(&p.meta.labels))
            .collect();
        let ready = pods
            .iter()
            .filter(|p| crate::kubectl::printers::pod_ready_counts(p).0 > 0)
            .count();
        if pods.len() as i64 != want || ready as i64 != want {
            return Err(format!(
                "Deployment {} wants {want} pods, has {} ({ready} ready)",
                d.meta.name,
                pods.len()
            ));
        }
    }
    // A Job whose containers end (succeeding or failing) has finished: Complete, or
    // Failed by its back-off limit (deleted pods count as failures) or its deadline.
    for j in sim.store.list_all("Job.batch") {
        let ends = j
            .get(&["spec", "template", "spec", "containers"])
            .as_array()
            .is_some_and(|cs| {
                cs.iter().all(|c| {
                    let m = container_model(c);
                    !m.pull_fails && m.exits.is_some()
                })
            });
        let deadline = j.i64_at(&["spec", "activeDeadlineSeconds"]).is_some();
        if (ends || deadline) && !crate::controllers::job::is_finished(j) {
            return Err(format!("Job {} has not finished", j.meta.name));
        }
    }
    for s in sim.store.list_all("StatefulSet.apps") {
        if s.is_deleting() || !pullable(s.get(&["spec", "template"])) {
            continue;
        }
        let want = s.i64_at(&["spec", "replicas"]).unwrap_or(1);
        let pods: Vec<_> = sim
            .store
            .owned_by(&s.meta.uid)
            .filter(|p| p.kind == "Pod" && !p.is_deleting())
            .collect();
        let ready = pods
            .iter()
            .filter(|p| crate::kubectl::printers::pod_ready_counts(p).0 > 0)
            .count();
        if pods.len() as i64 != want || ready as i64 != want {
            return Err(format!(
                "StatefulSet {} wants {want} pods, has {} ({ready} ready)",
                s.meta.name,
                pods.len()
            ));
        }
    }
    Ok(())
}
