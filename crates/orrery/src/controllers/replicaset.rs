//! The replicaset controller (R4.4–R4.6): keeps `spec.replicas` active pods for every
//! ReplicaSet — creating replacements at once (terminating pods do not count), deleting the
//! surplus in the order of `ActivePodsWithRanks` — adopts matching orphan pods, releases
//! pods whose labels no longer match, and writes the ReplicaSet's status.
//!
//! Also home of the pod predicates the deployment controller and kubectl share: active,
//! ready, available (Ready for `minReadySeconds`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::Slice;
use crate::api::{Object, OwnerRef, Selector};
use crate::sim::{Action, EventSpec, Out, Sim, GENERATED_NAME};
use crate::time::Millis;

/// R4.6 rule 4: the annotation that orders scale-down victims.
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// `burstReplicas`: the most pods one sync creates or deletes (R4.4).
pub const BURST_REPLICAS: usize = 500;

// ----- pod predicates --------------------------------------------------------------------

/// `FilterActivePods`: not being deleted, not Succeeded, not Failed (R4.4).
pub fn is_pod_active(pod: &Object) -> bool {
    !pod.is_deleting()
        && !matches!(
            pod.str_at(&["status", "phase"]),
            Some("Succeeded" | "Failed")
        )
}

/// The pod's Ready condition is True.
pub fn is_pod_ready(pod: &Object) -> bool {
    ready_condition(pod).is_some_and(|c| c.get("status").and_then(Value::as_str) == Some("True"))
}

fn ready_condition(pod: &Object) -> Option<&Value> {
    pod.get(&["status", "conditions"])
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("Ready"))
}

/// When the pod last became Ready: the kubelet's instant (milliseconds) if it runs the
/// pod, else the Ready condition's `lastTransitionTime`. None when not Ready.
pub fn ready_since(sim: &Sim, pod: &Object) -> Option<Millis> {
    ready_since_if(sim, pod, is_pod_ready(pod))
}

/// `ready_since` for a pod whose readiness (`is_pod_ready`) the caller already knows.
fn ready_since_if(sim: &Sim, pod: &Object, ready: bool) -> Option<Millis> {
    if !ready {
        return None;
    }
    if let Some(t) = sim
        .runtime
        .get(&pod.meta.uid)
        .and_then(|rt| rt.ready_since())
    {
        return Some(t);
    }
    ready_condition(pod)
        .and_then(|c| c.get("lastTransitionTime"))
        .and_then(Value::as_str)
        .and_then(crate::time::parse_rfc3339)
}

/// `IsPodAvailable`: Ready for at least `min_ready_seconds`. When it will become available
/// later, `Err(instant)` says when (for a wake-up).
pub fn pod_availability(
    sim: &Sim,
    pod: &Object,
    min_ready_seconds: i64,
) -> Result<(), Option<Millis>> {
    availability_if(sim, pod, is_pod_ready(pod), min_ready_seconds)
}

/// `pod_availability` for a pod whose readiness the caller already knows.
fn availability_if(
    sim: &Sim,
    pod: &Object,
    ready: bool,
    min_ready_seconds: i64,
) -> Result<(), Option<Millis>> {
    let Some(since) = ready_since_if(sim, pod, ready) else {
        return Err(None);
    };
    if min_ready_seconds <= 0 {
        return Ok(());
    }
    let at = since + min_ready_seconds * 1000;
    if at <= sim.now {
        Ok(())
    } else {
        Err(Some(at))
    }
}

pub fn is_pod_available(sim: &Sim, pod: &Object, min_ready_seconds: i64) -> bool {
    pod_availability(sim, pod, min_ready_seconds).is_ok()
}

/// Objects whose controller reference names this owner UID.
pub fn controlled_by<'a>(
    sim: &'a Sim,
    owner_uid: &str,
    kind: &'static str,
) -> impl Iterator<Item = &'a Object> + 'a {
    let uid = owner_uid.to_string();
    sim.store
        .owned_by(owner_uid)
        .filter(move |o| o.kind == kind && o.controller_ref().is_some_and(|r| r.uid == uid))
}

/// `spec.replicas` of a ReplicaSet or Deployment (default 1).
pub fn spec_replicas(obj: &Object) -> i64 {
    obj.i64_at(&["spec", "replicas"]).unwrap_or(1)
}

// ----- scale-down ranking (R4.6) ---------------------------------------------------------

/// `floor(log2(now − t))` with the duration in nanoseconds; −1 for t in the future.
pub fn log2_bucket(now: Millis, t: Millis) -> i64 {
    let d_ms = now - t;
    if d_ms <= 0 {
        return -1;
    }
    let ns = d_ms as u128 * 1_000_000;
    127 - ns.leading_zeros() as i64
}

fn phase_ordinal(pod: &Object) -> u8 {
    match pod.str_at(&["status", "phase"]) {
        Some("Pending") => 0,
        Some("Unknown") => 1,
        Some("Running") => 2,
        _ => 0,
    }
}

fn deletion_cost(pod: &Object) -> i64 {
    pod.meta
        .annotations
        .get(POD_DELETION_COST)
        .and_then(|v| v.trim().parse::<i32>().ok())
        .map_or(0, i64::from)
}

fn max_restarts(pod: &Object) -> i64 {
    pod.get(&["status", "containerStatuses"])
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("restartCount").and_then(Value::as_i64))
        .max()
        .unwrap_or(0)
}

/// One pod with what `ActivePodsWithRanks.Less` looks at, computed once.
#[derive(Clone)]
struct Ranked<'a> {
    pod: &'a Object,
    assigned: bool,
    phase: u8,
    ready: bool,
    cost: i64,
    rank: usize,
    ready_since: Option<Millis>,
    restarts: i64,
}

/// Feature gates of R4.6 by cluster version: PodDeletionCost and LogarithmicScaleDown are
/// beta (on) from 1.22; 1.21 compares exact times and ignores the annotation.
fn gates(sim: &Sim) -> (bool, bool) {
    let on = sim.version.at_least(22);
    (on, on)
}

/// `ActivePodsWithRanks.Less`: whether `a` goes before `b` (is deleted first).
fn less(a: &Ranked, b: &Ranked, now: Millis, deletion_cost_gate: bool, log_gate: bool) -> bool {
    // 1. Unassigned before assigned.
    if a.assigned != b.assigned {
        return !a.assigned;
    }
    // 2. Pending < Unknown < Running.
    if a.phase != b.phase {
        return a.phase < b.phase;
    }
    // 3. Not ready before ready.
    if a.ready != b.ready {
        return !a.ready;
    }
    // 4. Lower pod-deletion-cost first.
    if deletion_cost_gate && a.cost != b.cost {
        return a.cost < b.cost;
    }
    // 5. More related pods on the same node first.
    if a.rank != b.rank {
        return a.rank > b.rank;
    }
    // 6. Ready for less time first.
    if a.ready && b.ready {
        if let (Some(ta), Some(tb)) = (a.ready_since, b.ready_since) {
            if ta != tb {
                if !log_gate {
                    return ta > tb;
                }
                let diff = log2_bucket(now, ta) - log2_bucket(now, tb);
                if diff == 0 {
                    return a.pod.meta.uid < b.pod.meta.uid;
                }
                return diff < 0;
            }
        }
    }
    // 7. More container restarts first.
    if a.restarts != b.restarts {
        return a.restarts > b.restarts;
    }
    // 8. Newer first.
    let (ca, cb) = (a.pod.meta.creation_ms, b.pod.meta.creation_ms);
    if ca != cb {
        if !log_gate {
            return ca > cb;
        }
        let diff = log2_bucket(now, ca) - log2_bucket(now, cb);
        if diff == 0 {
            return a.pod.meta.uid < b.pod.meta.uid;
        }
        return diff < 0;
    }
    false
}

/// R4.6 `getPodsToDelete`: the `diff` pods to delete, in deletion order. `related` are
/// the active pods of every ReplicaSet of the same owner (for rule 5's rank).
pub fn pods_to_delete<'a>(
    sim: &Sim,
    pods: &[&'a Object],
    related: &[&Object],
    diff: usize,
) -> Vec<&'a Object> {
    if diff >= pods.len() {
        return pods.to_vec();
    }
    let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in related.iter().filter(|p| is_pod_active(p)) {
        *on_node
            .entry(p.str_at(&["spec", "nodeName"]).unwrap_or(""))
            .or_default() += 1;
    }
    let mut ranked: Vec<Ranked> = pods
        .iter()
        .map(|p| {
            let node = p.str_at(&["spec", "nodeName"]).unwrap_or("");
            Ranked {
                pod: p,
                assigned: !node.is_empty(),
                phase: phase_ordinal(p),
                ready: is_pod_ready(p),
                cost: deletion_cost(p),
                rank: on_node.get(node).copied().unwrap_or(0),
                ready_since: ready_since(sim, p),
                restarts: max_restarts(p),
            }
        })
        .collect();
    let (cost_gate, log_gate) = gates(sim);
    let now = sim.now;
    // Upstream's `Less` is not a total order (rule 6 breaks same-bucket ties by UID but
    // lets exactly equal times fall through to rules 7 and 8), which Go's sort tolerates
    // and Rust's `sort_by` may panic on. A hand-written stable merge sort never panics and
    // is deterministic for any comparator.
    merge_sort_by(&mut ranked, &|a, b| less(a, b, now, cost_gate, log_gate));
    ranked.into_iter().take(diff).map(|r| r.pod).collect()
}

/// Stable merge sort by a "goes before" predicate; tolerant of predicates that are not a
/// strict weak order.
fn merge_sort_by<T: Clone>(v: &mut [T], before: &dyn Fn(&T, &T) -> bool) {
    if v.len() <= 1 {
        return;
    }
    let mid = v.len() / 2;
    merge_sort_by(&mut v[..mid], before);
    merge_sort_by(&mut v[mid..], before);
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if before(&v[j], &v[i]) {
            merged.push(v[j].clone());
            j += 1;
        } else {
            merged.push(v[i].clone());
            i += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.clone_from_slice(&merged);
}

// ----- the controller --------------------------------------------------------------------

/// R1.4 `getPodsPrefix`: `<name>-` when that is a valid generateName prefix, else the name.
pub fn pods_prefix(controller_name: &str) -> String {
    let prefix = format!("{controller_name}-");
    // ValidatePodName(prefix, true) masks the trailing dash before checking the subdomain.
    let masked = format!("{controller_name}a");
    if crate::validation::dns1123_subdomain(&masked).is_empty() {
        prefix
    } else {
        controller_name.to_string()
    }
}

/// `GetPodFromTemplate`: a pod to create for a controller.
pub fn pod_from_template(owner: &Object, template: &Value) -> Object {
    let mut pod = Object::new("v1", "Pod", &owner.meta.namespace, "");
    pod.meta.generate_name = Some(pods_prefix(&owner.meta.name));
    let md = template.get("metadata");
    pod.meta.labels = crate::api::object::string_map(md.and_then(|m| m.get("labels"))).into();
    pod.meta.annotations = crate::api::object::string_map(md.and_then(|m| m.get("annotations")));
    if let Some(Value::Array(f)) = md.and_then(|m| m.get("finalizers")) {
        pod.meta.finalizers = f
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
    }
    pod.meta.owner_references = vec![OwnerRef {
        api_version: owner.api_version.clone(),
        kind: owner.kind.clone(),
        name: owner.meta.name.clone(),
        uid: owner.meta.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }];
    pod.body.insert(
        "spec".into(),
        template.get("spec").cloned().unwrap_or_else(|| json!({})),
    );
    pod
}

pub fn reconcile(sim: &Sim, out: &mut Out) {
    reconcile_sliced(sim, out, &mut Slice::new(0, true, &mut || false));
}

/// The pass in items (see [`Slice`]): per ReplicaSet synced, each release or adoption,
/// each pod created (with its event), the surplus deleted (one item: ranking the pods is
/// the costly part), the status.
pub fn reconcile_sliced(sim: &Sim, out: &mut Out, slice: &mut Slice) {
    let Some(dirty) = dirty_replica_sets(sim) else {
        return full_pass_sliced(sim, out, slice);
    };
    for key in &dirty {
        if let Some(rs) = sim.store.get(key) {
            sync_one(sim, rs, out, slice);
            if slice.stopped() {
                return;
            }
        }
    }
    super::finish_incremental(sim, out, "replicaset", full_pass);
}

fn full_pass(sim: &Sim, out: &mut Out) {
    full_pass_sliced(sim, out, &mut Slice::new(0, true, &mut || false));
}

fn full_pass_sliced(sim: &Sim, out: &mut Out, slice: &mut Slice) {
    for rs in sim.store.list_all("ReplicaSet.apps") {
        sync_one(sim, rs, out, slice);
        if slice.stopped() {
            return;
        }
    }
}

fn sync_one(sim: &Sim, rs: &Object, out: &mut Out, slice: &mut Slice) {
    // Pods without a controller: adoption candidates.
    let orphans: Vec<&Object> = sim
        .store
        .uncontrolled("Pod", &rs.meta.namespace)
        .filter(|p| !p.is_deleting())
        .collect();
    sync_replica_set(sim, rs, Some(&orphans), out, slice);
}

/// The ReplicaSets whose sync may do something since this controller's last pass, in
/// store order (None: sync every one). A ReplicaSet's sync reads the ReplicaSet, the
/// pods it controls or may adopt, their runtime (which changes with their status) and
/// the clock (through its wake-up).
fn dirty_replica_sets(sim: &Sim) -> Option<std::collections::BTreeSet<crate::api::ObjKey>> {
    let last = sim.incremental_since()?;
    let mut keys = std::collections::BTreeSet::new();
    let by_uid = |keys: &mut std::collections::BTreeSet<crate::api::ObjKey>, uid: &str| {
        if let Some(rs) = sim.store.by_uid(uid) {
            if rs.kind == "ReplicaSet" {
                keys.insert(rs.key());
            }
        }
    };
    // The pods of one ReplicaSet are mostly written one after another (a kubelet pass
    // over them): their owner, once found, need not be looked up again for each.
    let mut last_owner: Option<&str> = None;
    for obj in sim.store.written_since(last.rv) {
        match (obj.kind.as_str(), obj.api_version.as_str()) {
            ("ReplicaSet", "apps/v1") => {
                keys.insert(obj.key());
            }
            ("Pod", "v1") => match obj.controller_ref() {
                Some(r) if last_owner == Some(r.uid.as_str()) => {}
                Some(r) => {
                    by_uid(&mut keys, &r.uid);
                    last_owner = Some(&r.uid);
                }
                None => {
                    super::add_matching(
                        sim,
                        &mut keys,
                        "ReplicaSet.apps",
                        &obj.meta.namespace,
                        |rs| {
                            Selector::from_label_selector(rs.get(&["spec", "selector"]))
                                .matches(&obj.meta.labels)
                        },
                    );
                }
            },
            _ => {}
        }
    }
    for gone in sim.removed_since(last) {
        if gone.key.gk == "Pod" {
            if let Some(owner) = &gone.controller {
                by_uid(&mut keys, owner);
            }
        }
    }
    Some(keys)
}

fn sync_replica_set(
    sim: &Sim,
    rs: &Object,
    orphans: Option<&[&Object]>,
    out: &mut Out,
    slice: &mut Slice,
) {
    let selector = Selector::from_label_selector(rs.get(&["spec", "selector"]));
    // Sized once: grown by doubling, a list of 5,000 pods was a dozen large allocations
    // per sync, each making glibc's allocator consolidate its free small chunks.
    let mut owned: Vec<&Object> = Vec::with_capacity(sim.store.owned_count(&rs.meta.uid));
    owned.extend(controlled_by(sim, &rs.meta.uid, "Pod"));
    // ClaimPods: release pods that no longer match, adopt orphans that do. The adopted
    // pods are counted from the next pass on (the same virtual instant).
    let mut claimed_changed = false;
    for p in &owned {
        if !selector.matches(&p.meta.labels) && !p.is_deleting() {
            claimed_changed = true;
            if !slice.next() {
                continue;
            }
            let mut released = (*p).clone();
            released
                .meta
                .owner_references
                .retain(|o| o.uid != rs.meta.uid);
            out.push(Action::Update(released));
        }
    }
    if !rs.is_deleting() && !selector.is_empty() {
        for p in orphans.into_iter().flatten() {
            if selector.matches(&p.meta.labels) {
                claimed_changed = true;
                if !slice.next() {
                    continue;
                }
                let mut adopted = (*p).clone();
                adopted.meta.owner_references.push(OwnerRef {
                    api_version: rs.api_version.clone(),
                    kind: rs.kind.clone(),
                    name: rs.meta.name.clone(),
                    uid: rs.meta.uid.clone(),
                    controller: true,
                    block_owner_deletion: true,
                });
                out.push(Action::Update(adopted));
            }
        }
    }
    if claimed_changed {
        return;
    }
    let min_ready = rs.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0);
    let mut active: Vec<&Object> = Vec::with_capacity(owned.len());
    active.extend(owned.iter().copied().filter(|p| is_pod_active(p)));
    if !rs.is_deleting() {
        manage_replicas(sim, rs, &active, out, slice);
    }
    // Status, from the pods seen at the start of this sync (as the real controller does):
    // one item, its wake-ups included.
    if !slice.next() {
        return;
    }
    let template_labels =
        crate::api::object::string_map(rs.get(&["spec", "template", "metadata", "labels"]).into());
    let fully_labeled = active
        .iter()
        .filter(|p| {
            template_labels
                .iter()
                .all(|(k, v)| p.meta.labels.get(k) == Some(v))
        })
        .count();
    let mut ready = 0;
    let mut available = 0;
    for p in &active {
        let is_ready = is_pod_ready(p);
        ready += is_ready as usize;
        match availability_if(sim, p, is_ready, min_ready) {
            Ok(()) => available += 1,
            Err(Some(at)) => out.wake_at(at),
            Err(None) => {}
        }
    }
    let mut status = Map::new();
    status.insert("replicas".into(), json!(active.len()));
    if fully_labeled > 0 {
        status.insert("fullyLabeledReplicas".into(), json!(fully_labeled));
    }
    if ready > 0 {
        status.insert("readyReplicas".into(), json!(ready));
    }
    if available > 0 {
        status.insert("availableReplicas".into(), json!(available));
    }
    if rs.meta.generation > 0 {
        status.insert("observedGeneration".into(), json!(rs.meta.generation));
    }
    if let Some(c) = rs.get(&["status", "conditions"]).as_array() {
        if !c.is_empty() {
            status.insert("conditions".into(), Value::Array(c.clone()));
        }
    }
    let status = Value::Object(status);
    if rs.status() != &status {
        let mut updated = rs.clone();
        updated.body.insert("status".into(), status);
        out.push(Action::Update(updated));
    }
}

/// The workqueue's per-item exponential back-off after `failures` refused creations:
/// 5 ms doubling per failure, at most 1,000 s.
fn create_backoff(failures: u32) -> Millis {
    (5i64 << failures.saturating_sub(1).min(20)).min(1_000_000)
}

/// R4.4 `manageReplicas`: create or delete the difference, all at once (capped).
fn manage_replicas(sim: &Sim, rs: &Object, active: &[&Object], out: &mut Out, slice: &mut Slice) {
    let want = spec_replicas(rs).max(0) as usize;
    let have = active.len();
    if have < want {
        let template = rs.get(&["spec", "template"]);
        // `slowStartBatch`: batches of 1, 2, 4, … (at most burstReplicas in all); a batch
        // in which a create fails ends the sync. The only refusal known in advance is the
        // simulated pod quota (sim::MAX_PODS): the creates it refuses are sent anyway, so
        // each gets its FailedCreate event with the API server's message.
        let mut room = sim.pod_quota_room(&rs.meta.namespace);
        let (last, failures) = sim
            .create_failures
            .get(&rs.meta.uid)
            .copied()
            .unwrap_or((0, 0));
        if room == 0 && failures > 0 && last + create_backoff(failures) > sim.now {
            // Refused before and the quota is still full: wait for the back-off (a pod
            // leaving makes this ReplicaSet dirty and retries at once).
            out.wake_at(last + create_backoff(failures));
            return;
        }
        let diff = (want - have).min(BURST_REPLICAS);
        // How many the batches send: all of them, or up to the end of the first batch
        // the quota refuses part of.
        let (mut sent, mut batch, mut refused) = (0, 1, None);
        while sent < diff {
            let b = batch.min(diff - sent);
            sent += b;
            if b > room {
                refused = Some((b - room) as u32);
                break;
            }
            room -= b;
            batch *= 2;
        }
        // One item per pod: a pass creating `burstReplicas` pods is the longest there is.
        for _ in 0..sent {
            if !slice.next() {
                if slice.stopped() {
                    return;
                }
                continue;
            }
            out.push(Action::Create(pod_from_template(rs, template)));
            out.push(EventSpec::normal(
                rs,
                "SuccessfulCreate",
                format!("Created pod: {GENERATED_NAME}"),
            ));
        }
        if let Some(refused) = refused {
            // The sync returns the error: the ReplicaSet is requeued with the
            // workqueue's back-off (the refusals are counted in Sim::create_failures).
            out.wake_at(sim.now + create_backoff(failures.saturating_add(refused)));
        }
    } else if have > want {
        if !slice.next() {
            return;
        }
        let diff = (have - want).min(BURST_REPLICAS);
        let related = related_pods(sim, rs);
        let related: Vec<&Object> = if related.is_empty() {
            active.to_vec()
        } else {
            related
        };
        for pod in pods_to_delete(sim, active, &related, diff) {
            out.push(Action::Delete {
                key: pod.key(),
                grace_seconds: None,
            });
            out.push(EventSpec::normal(
                rs,
                "SuccessfulDelete",
                format!("Deleted pod: {}", pod.meta.name),
            ));
        }
    }
}

/// `getIndirectlyRelatedPods`: the pods of every ReplicaSet controlled by the same owner
/// as `rs` (empty when it has no controller).
fn related_pods<'a>(sim: &'a Sim, rs: &Object) -> Vec<&'a Object> {
    let Some(owner) = rs.controller_ref() else {
        return vec![];
    };
    let mut pods = vec![];
    for sibling in controlled_by(sim, &owner.uid, "ReplicaSet") {
        pods.extend(controlled_by(sim, &sibling.meta.uid, "Pod"));
    }
    pods
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_buckets_match_the_reference() {
        // R4.6 reference buckets.
        for (secs, bucket) in [
            (10, 33),
            (40, 35),
            (60, 35),
            (300, 38),
            (600, 39),
            (3600, 41),
        ] {
            assert_eq!(log2_bucket(secs * 1000, 0), bucket, "{secs}s");
        }
        assert_eq!(log2_bucket(0, 5), -1);
    }

    use crate::api::ClusterVersion;

    /// A pod with the fields R4.6 looks at. `ready_at`/`created` are virtual seconds.
    fn pod(
        name: &str,
        uid: &str,
        node: &str,
        phase: &str,
        ready_at: Option<i64>,
        created: i64,
    ) -> Object {
        let mut p = Object::new("v1", "Pod", "default", name);
        p.meta.uid = uid.into();
        p.meta.creation_ms = created * 1000;
        if !node.is_empty() {
            p.set(&["spec", "nodeName"], json!(node));
        }
        p.set(&["status", "phase"], json!(phase));
        let ready = match ready_at {
            Some(t) => json!({"type": "Ready", "status": "True",
                "lastTransitionTime": crate::time::rfc3339(t * 1000)}),
            None => json!({"type": "Ready", "status": "False"}),
        };
        p.set(&["status", "conditions"], json!([ready]));
        p
    }

    fn first(sim: &Sim, pods: &[&Object]) -> String {
        pods_to_delete(sim, pods, pods, 1)[0].meta.name.clone()
    }

    fn sim_at(minor: u32, now_s: i64) -> Sim {
        let mut sim = Sim::new(1, ClusterVersion { minor, patch: 0 });
        sim.now = now_s * 1000;
        sim
    }

    #[test]
    fn the_eight_ranking_rules_in_order() {
        let sim = sim_at(34, 10_000);
        let base = |name: &str, uid: &str| pod(name, uid, "n1", "Running", Some(100), 100);
        // 1. Unassigned before assigned.
        let a = base("a", "1");
        let b = pod("b", "2", "", "Pending", None, 100);
        assert_eq!(first(&sim, &[&a, &b]), "b");
        // 2. Pending < Unknown < Running.
        let p = pod("p", "3", "n1", "Pending", None, 100);
        let u = pod("u", "4", "n1", "Unknown", None, 100);
        assert_eq!(first(&sim, &[&a, &u, &p]), "p");
        assert_eq!(first(&sim, &[&a, &u]), "u");
        // 3. Not ready before ready.
        let nr = pod("nr", "5", "n1", "Running", None, 100);
        assert_eq!(first(&sim, &[&a, &nr]), "nr");
        // 4. Lower deletion cost first.
        let mut cheap = base("cheap", "6");
        cheap
            .meta
            .annotations
            .insert(POD_DELETION_COST.into(), "-5".into());
        let mut dear = base("dear", "0");
        dear.meta
            .annotations
            .insert(POD_DELETION_COST.into(), "10".into());
        assert_eq!(first(&sim, &[&dear, &a, &cheap]), "cheap");
        // 5. More related pods on the same node first.
        let lone = base("lone", "0");
        let mut crowded = pod("crowded", "9", "n2", "Running", Some(100), 100);
        let crowd2 = pod("crowd2", "8", "n2", "Running", Some(100), 100);
        crowded.meta.uid = "9".into();
        let related = [&lone, &crowded, &crowd2];
        assert_eq!(
            pods_to_delete(&sim, &[&lone, &crowded], &related, 1)[0]
                .meta
                .name,
            "crowded"
        );
        // 6. Ready for less time first (different log2 buckets).
        let old_ready = base("old", "0");
        let new_ready = pod("new", "9", "n1", "Running", Some(9_990), 100);
        assert_eq!(first(&sim, &[&old_ready, &new_ready]), "new");
        // 7. More restarts first.
        let mut crashy = base("crashy", "9");
        crashy.set(
            &["status", "containerStatuses"],
            json!([{"restartCount": 3}]),
        );
        assert_eq!(first(&sim, &[&a, &crashy]), "crashy");
        // 8. Newer first (different log2 buckets), whatever the UIDs say.
        let older = pod("older", "0", "n1", "Running", None, 100);
        let newer = pod("newer", "9", "n1", "Running", None, 9_990);
        assert_eq!(first(&sim, &[&older, &newer]), "newer");
    }

    #[test]
    fn same_bucket_ties_go_by_uid_and_1_21_compares_exactly() {
        // Ready 40 s and 60 s ago: bucket 35 both; the smaller UID goes first.
        let sim = sim_at(34, 10_000);
        let x = pod("x", "b-uid", "n1", "Running", Some(9_960), 9_000);
        let y = pod("y", "a-uid", "n1", "Running", Some(9_940), 9_000);
        assert_eq!(first(&sim, &[&x, &y]), "y");
        // 1.21: the strictly most recently ready goes; the deletion cost is ignored.
        let old = sim_at(21, 10_000);
        let mut z = pod("z", "c-uid", "n1", "Running", Some(9_000), 9_000);
        z.meta
            .annotations
            .insert(POD_DELETION_COST.into(), "-100".into());
        assert_eq!(first(&old, &[&x, &y, &z]), "x");
    }

    #[test]
    fn prefixes_follow_get_pods_prefix() {
        assert_eq!(pods_prefix("web-5d9c"), "web-5d9c-");
        let long = "a".repeat(253);
        assert_eq!(pods_prefix(&long), long);
    }
}
