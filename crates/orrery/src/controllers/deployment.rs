//! The deployment controller (R4): for each Deployment, the ReplicaSet of its current pod
//! template (named by the template hash, R1.5/R1.6) and the old ones, scaled one decision
//! per pass as `syncDeployment` does — proportional scaling on a replicas change, rolling
//! update arithmetic (R4.7), Recreate (R4.8), cleanup of old revisions (R4.9), rollback by
//! template (R4.10) — and the Deployment's status, conditions and events (R4.12).
//!
//! Each pass works on local copies of the Deployment and its ReplicaSets, in the order the
//! real controller makes its API calls, and returns those calls as actions.

use crate::sort::StableSort;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

use super::replicaset::{controlled_by, spec_replicas};
use crate::api::{ClusterVersion, ObjKey, Object, OwnerRef};
use crate::kubectl::mutate::LAST_APPLIED;
use crate::sim::{Action, EventSpec, Out, Sim};
use crate::time::{rfc3339, Millis};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const HASH_LABEL: &str = "pod-template-hash";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// `rollout restart` stamps this on the pod template.
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// Deployment annotations that are not copied to its ReplicaSets (`skipCopyAnnotation`)
/// and that `rollout undo` keeps on the Deployment (`annotationsToSkip`).
pub const SKIP_COPY_ANNOTATIONS: &[&str] = &[
    LAST_APPLIED,
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// `progressDeadlineSeconds` of MaxInt32 means "no deadline".
const NO_DEADLINE: i64 = i32::MAX as i64;
/// Revision-history annotation length limit (the controller's default flag).
const REVISION_HISTORY_LIMIT_CHARS: usize = 2000;

// ----- pure helpers: IntOrString, fenceposts, hashes, revisions ----------------------------

/// `GetScaledValueFromIntOrPercent`: an int, or a percentage of `total` rounded up or
/// down. None for a string that is not a percentage.
pub fn scaled_value(v: &Value, total: i64, round_up: bool) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let pct: i64 = s.strip_suffix('%')?.parse().ok()?;
            // In i128: 25% of a fuzzed 1.9e18 replicas overflowed i64 (a panic in debug
            // builds, a wrapped value in release; `tests/quota_work.rs`).
            let x = pct as i128 * total as i128;
            let v = if round_up {
                (x + 99).div_euclid(100)
            } else {
                x.div_euclid(100)
            };
            Some(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
        }
        Value::Null => Some(0),
        _ => None,
    }
}

/// R4.7 `ResolveFenceposts`: (maxSurge rounded up, maxUnavailable rounded down); both 0
/// makes maxUnavailable 1.
pub fn resolve_fenceposts(max_surge: &Value, max_unavailable: &Value, desired: i64) -> (i64, i64) {
    let surge = scaled_value(max_surge, desired, true).unwrap_or(0);
    let unavailable = scaled_value(max_unavailable, desired, false).unwrap_or(0);
    if surge == 0 && unavailable == 0 {
        return (0, 1);
    }
    (surge, unavailable)
}

pub fn is_rolling_update(d: &Object) -> bool {
    d.str_at(&["spec", "strategy", "type"])
        .unwrap_or("RollingUpdate")
        == "RollingUpdate"
}

fn rolling_params(d: &Object) -> (Value, Value) {
    let ru = d.get(&["spec", "strategy", "rollingUpdate"]);
    let or_default = |k: &str| match ru.get(k) {
        Some(v) if !v.is_null() => v.clone(),
        _ => json!("25%"),
    };
    (or_default("maxSurge"), or_default("maxUnavailable"))
}

/// `MaxSurge(d)`: 0 unless RollingUpdate.
pub fn max_surge(d: &Object) -> i64 {
    if !is_rolling_update(d) {
        return 0;
    }
    let (s, u) = rolling_params(d);
    resolve_fenceposts(&s, &u, spec_replicas(d)).0
}

/// `MaxUnavailable(d)`: 0 unless RollingUpdate with replicas; never above replicas.
pub fn max_unavailable(d: &Object) -> i64 {
    let replicas = spec_replicas(d);
    if !is_rolling_update(d) || replicas == 0 {
        return 0;
    }
    let (s, u) = rolling_params(d);
    resolve_fenceposts(&s, &u, replicas).1.min(replicas)
}

/// A JSON value with object keys sorted at every level: the canonical serialisation the
/// template hash is computed over (R1.5 simulator rule). serde_json's `Map` is a B-tree
/// here (no `preserve_order` feature: `canonical_json_sorts_keys_at_every_level` fails if
/// one is ever turned on), so its text has sorted keys already; no sorted copy is built.
pub fn canonical_json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A pod template without the `pod-template-hash` label (and without an emptied labels map).
pub fn template_without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(labels) = t
        .get_mut("metadata")
        .and_then(|m| m.get_mut("labels"))
        .and_then(Value::as_object_mut)
    {
        labels.remove(HASH_LABEL);
        if labels.is_empty() {
            t["metadata"].as_object_mut().unwrap().remove("labels");
        }
    }
    t
}

/// R1.5: the `pod-template-hash` of a template (the hash label itself excluded).
pub fn template_hash(template: &Value, collision_count: Option<u32>) -> String {
    crate::names::template_hash(
        &canonical_json(&template_without_hash(template)),
        collision_count,
    )
}

/// `EqualIgnoreHash`: the templates are equal once the hash label is removed.
pub fn equal_ignore_hash(a: &Value, b: &Value) -> bool {
    match (a.as_object(), b.as_object()) {
        // The same comparison as on `template_without_hash` copies, without copying.
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| match b.get(k) {
                    None => false,
                    Some(w) if k == "metadata" => metadata_equal_ignore_hash(v, w),
                    Some(w) => v == w,
                })
        }
        _ => template_without_hash(a) == template_without_hash(b),
    }
}

/// Template metadata equal once `labels` loses the hash label (and is dropped if empty).
fn metadata_equal_ignore_hash(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return a == b;
    };
    // Labels as `template_without_hash` leaves them: None when removed.
    fn labels(m: &Map<String, Value>) -> Option<Result<&Map<String, Value>, &Value>> {
        match m.get("labels") {
            None => None,
            Some(Value::Object(l)) => {
                if l.iter().all(|(k, _)| k == HASH_LABEL) {
                    None
                } else {
                    Some(Ok(l))
                }
            }
            Some(other) => Some(Err(other)),
        }
    }
    let same_labels = match (labels(a), labels(b)) {
        (None, None) => true,
        (Some(Ok(x)), Some(Ok(y))) => {
            let n = |m: &Map<String, Value>| m.keys().filter(|k| *k != HASH_LABEL).count();
            n(x) == n(y)
                && x.iter()
                    .filter(|(k, _)| *k != HASH_LABEL)
                    .all(|(k, v)| y.get(k) == Some(v))
        }
        (Some(Err(x)), Some(Err(y))) => x == y,
        _ => false,
    };
    let rest = |m: &Map<String, Value>| m.keys().filter(|k| *k != "labels").count();
    same_labels
        && rest(a) == rest(b)
        && a.iter()
            .filter(|(k, _)| *k != "labels")
            .all(|(k, v)| b.get(k) == Some(v))
}

/// The `deployment.kubernetes.io/revision` of a ReplicaSet (0 when missing or invalid).
pub fn revision_of(obj: &Object) -> i64 {
    obj.meta
        .annotations
        .get(REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// The ReplicaSets a Deployment controls, oldest first (`ReplicaSetsByCreationTimestamp`).
pub fn owned_replica_sets<'a>(sim: &'a Sim, d: &'a Object) -> Vec<&'a Object> {
    let mut rss: Vec<&Object> = controlled_by(sim, &d.meta.uid, "ReplicaSet").collect();
    rss.sort_stable_by(|a, b| {
        (a.meta.creation_ms, &a.meta.name).cmp(&(b.meta.creation_ms, &b.meta.name))
    });
    rss
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's.
pub fn find_new_replica_set(d: &Object, rss: &[Object]) -> Option<usize> {
    let t = d.get(&["spec", "template"]);
    rss.iter()
        .position(|rs| equal_ignore_hash(rs.get(&["spec", "template"]), t))
}

/// R4.12 `ScalingReplicaSet` texts by version (UNVERIFIED boundaries, chosen):
/// before 1.26 `Scaled up replica set X to 3`; 1.26–1.30 scaling adds ` from 2` (PR
/// #101142) while a new ReplicaSet still says `to 3`; from 1.31 both say `from 0 to 3`
/// (PR #125118 reordered the numbers).
pub fn scaling_message(
    v: ClusterVersion,
    up: bool,
    rs: &str,
    from: i64,
    to: i64,
    created: bool,
) -> String {
    let dir = if up { "up" } else { "down" };
    if v.at_least(31) {
        format!("Scaled {dir} replica set {rs} from {from} to {to}")
    } else if v.at_least(26) && !created {
        format!("Scaled {dir} replica set {rs} to {to} from {from}")
    } else {
        format!("Scaled {dir} replica set {rs} to {to}")
    }
}

// ----- conditions ------------------------------------------------------------------------

fn conditions(d: &Object) -> Vec<Value> {
    d.get(&["status", "conditions"])
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub fn condition<'a>(d: &'a Object, t: &str) -> Option<&'a Value> {
    d.get(&["status", "conditions"])
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(t))
}

fn cond_str<'a>(c: &'a Value, k: &str) -> &'a str {
    c.get(k).and_then(Value::as_str).unwrap_or("")
}

fn new_condition(now: Millis, t: &str, status: &str, reason: &str, message: &str) -> Value {
    let ts = rfc3339(now);
    json!({"type": t, "status": status, "lastUpdateTime": ts, "lastTransitionTime": ts,
           "reason": reason, "message": message})
}

/// `SetDeploymentCondition`: no change for the same status and reason; the transition
/// time survives a same-status update; the condition moves to the end of the list.
fn set_condition(d: &mut Object, c: Value) {
    let mut list = conditions(d);
    let t = cond_str(&c, "type").to_string();
    let mut c = c;
    if let Some(cur) = list.iter().find(|x| cond_str(x, "type") == t) {
        if cond_str(cur, "status") == cond_str(&c, "status")
            && cond_str(cur, "reason") == cond_str(&c, "reason")
        {
            return;
        }
        if cond_str(cur, "status") == cond_str(&c, "status") {
            c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
        }
    }
    list.retain(|x| cond_str(x, "type") != t);
    list.push(c);
    d.set(&["status", "conditions"], Value::Array(list));
}

fn remove_condition(d: &mut Object, t: &str) {
    let mut list = conditions(d);
    let before = list.len();
    list.retain(|x| cond_str(x, "type") != t);
    if list.len() != before {
        d.set(&["status", "conditions"], Value::Array(list));
    }
}

fn has_progress_deadline(d: &Object) -> bool {
    d.i64_at(&["spec", "progressDeadlineSeconds"])
        .is_some_and(|s| s != NO_DEADLINE)
}

// ----- the controller --------------------------------------------------------------------

pub fn reconcile(sim: &Sim, out: &mut Out) {
    let Some(dirty) = dirty_deployments(sim) else {
        return full_pass(sim, out);
    };
    for key in &dirty {
        if let Some(d) = sim.store.get(key) {
            sync_one(sim, d, out);
        }
    }
    super::finish_incremental(sim, out, "deployment", full_pass);
}

fn full_pass(sim: &Sim, out: &mut Out) {
    for d in sim.store.list_all("Deployment.apps") {
        sync_one(sim, d, out);
    }
}

fn sync_one(sim: &Sim, d: &Object, out: &mut Out) {
    // ReplicaSets without a controller: adoption candidates.
    let orphans: Vec<&Object> = sim
        .store
        .uncontrolled("ReplicaSet.apps", &d.meta.namespace)
        .filter(|rs| !rs.is_deleting())
        .collect();
    if claim_replica_sets(sim, d, Some(&orphans), out) {
        return;
    }
    let mut s = DeploymentSync::new(sim, d);
    s.sync();
    s.finish(out);
}

/// The Deployments whose sync may do something since this controller's last pass, in
/// store order (None: sync every one). A Deployment's sync reads the Deployment, the
/// ReplicaSets it controls or may adopt, the pods of its old ReplicaSets (Recreate) and
/// the clock (through its wake-up): it is dirty when one of them was written or left.
fn dirty_deployments(sim: &Sim) -> Option<BTreeSet<ObjKey>> {
    let last = sim.incremental_since()?;
    let mut keys = BTreeSet::new();
    let by_rs = |keys: &mut BTreeSet<ObjKey>, rs_uid: &str| {
        if let Some(owner) = sim
            .store
            .by_uid(rs_uid)
            .and_then(Object::controller_ref)
            .and_then(|r| sim.store.by_uid(&r.uid))
        {
            if owner.kind == "Deployment" && !is_rolling_update(owner) {
                keys.insert(owner.key());
            }
        }
    };
    let orphan_rs = |keys: &mut BTreeSet<ObjKey>, rs: &Object| {
        super::add_matching(sim, keys, "Deployment.apps", &rs.meta.namespace, |d| {
            crate::api::Selector::from_label_selector(d.get(&["spec", "selector"]))
                .matches(&rs.meta.labels)
        });
    };
    let mut last_rs: Option<&str> = None;
    for obj in sim.store.written_since(last.rv) {
        match (obj.kind.as_str(), obj.api_version.as_str()) {
            ("Deployment", "apps/v1") => {
                keys.insert(obj.key());
            }
            ("ReplicaSet", "apps/v1") => match obj.controller_ref() {
                Some(r) => {
                    if let Some(d) = sim.store.by_uid(&r.uid) {
                        keys.insert(d.key());
                    }
                }
                None => orphan_rs(&mut keys, obj),
            },
            ("Pod", "v1") => {
                // The pods of one ReplicaSet are mostly written one after another: its
                // owner, once looked up, is not looked up again for each of them.
                if let Some(r) = obj.controller_ref() {
                    if last_rs != Some(r.uid.as_str()) {
                        by_rs(&mut keys, &r.uid);
                        last_rs = Some(&r.uid);
                    }
                }
            }
            _ => {}
        }
    }
    for gone in sim.removed_since(last) {
        let Some(owner) = &gone.controller else {
            continue;
        };
        match gone.key.gk.as_str() {
            "ReplicaSet.apps" => {
                if let Some(d) = sim.store.by_uid(owner) {
                    keys.insert(d.key());
                }
            }
            "Pod" => by_rs(&mut keys, owner),
            _ => {}
        }
    }
    Some(keys)
}

/// `ClaimReplicaSets`: adopt orphan ReplicaSets the selector matches (a Deployment
/// re-created after `delete --cascade=orphan` takes its old ReplicaSets back) and release
/// owned ones it no longer matches. True when it changed ownership: the sync continues on
/// the next pass, at the same instant.
fn claim_replica_sets(sim: &Sim, d: &Object, orphans: Option<&[&Object]>, out: &mut Out) -> bool {
    let selector = crate::api::Selector::from_label_selector(d.get(&["spec", "selector"]));
    if selector.is_empty() {
        return false;
    }
    let mut changed = false;
    for rs in controlled_by(sim, &d.meta.uid, "ReplicaSet") {
        if !selector.matches(&rs.meta.labels) && !rs.is_deleting() {
            let mut released = rs.clone();
            released
                .meta
                .owner_references
                .retain(|o| o.uid != d.meta.uid);
            out.push(Action::Update(released));
            changed = true;
        }
    }
    if d.is_deleting() {
        return changed;
    }
    for rs in orphans.into_iter().flatten() {
        if selector.matches(&rs.meta.labels) {
            let mut adopted = (*rs).clone();
            adopted.meta.owner_references.push(OwnerRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                name: d.meta.name.clone(),
                uid: d.meta.uid.clone(),
                controller: true,
                block_owner_deletion: true,
            });
            out.push(Action::Update(adopted));
            changed = true;
        }
    }
    changed
}

/// One `syncDeployment`: local copies and the API calls made so far.
struct DeploymentSync<'a> {
    sim: &'a Sim,
    original: &'a Object,
    d: Object,
    /// Every ReplicaSet the Deployment controls, oldest first (local copies).
    rss: Vec<Object>,
    new_rs: Option<usize>,
    actions: Vec<Action>,
    wake: Option<Millis>,
}

impl<'a> DeploymentSync<'a> {
    fn new(sim: &'a Sim, d: &'a Object) -> Self {
        let rss = owned_replica_sets(sim, d).into_iter().cloned().collect();
        DeploymentSync {
            sim,
            original: d,
            d: d.clone(),
            rss,
            new_rs: None,
            actions: vec![],
            wake: None,
        }
    }

    fn finish(self, out: &mut Out) {
        for a in self.actions {
            out.push(a);
        }
        if &self.d != self.original {
            out.push(Action::Update(self.d));
        }
        if let Some(w) = self.wake {
            out.wake_at(w);
        }
    }

    fn now(&self) -> Millis {
        self.sim.now
    }

    fn replicas(&self) -> i64 {
        spec_replicas(&self.d)
    }

    fn old_indices(&self) -> Vec<usize> {
        (0..self.rss.len())
            .filter(|i| Some(*i) != self.new_rs)
            .collect()
    }

    fn sync(&mut self) {
        if self.d.is_deleting() {
            self.sync_revision(false);
            self.sync_status(false);
            return;
        }
        self.check_paused_conditions();
        let paused = self.d.get(&["spec", "paused"]).as_bool() == Some(true);
        if paused || self.is_scaling_event() {
            self.sync_scale(paused);
            return;
        }
        if is_rolling_update(&self.d) {
            self.rollout_rolling();
        } else {
            self.rollout_recreate();
        }
    }

    fn check_paused_conditions(&mut self) {
        if !has_progress_deadline(&self.d) {
            return;
        }
        let paused = self.d.get(&["spec", "paused"]).as_bool() == Some(true);
        let reason = condition(&self.d, "Progressing").map(|c| cond_str(c, "reason").to_string());
        let now = self.now();
        if paused && reason.as_deref() != Some("DeploymentPaused") {
            set_condition(
                &mut self.d,
                new_condition(
                    now,
                    "Progressing",
                    "Unknown",
                    "DeploymentPaused",
                    "Deployment is paused",
                ),
            );
        } else if !paused && reason.as_deref() == Some("DeploymentPaused") {
            set_condition(
                &mut self.d,
                new_condition(
                    now,
                    "Progressing",
                    "Unknown",
                    "DeploymentResumed",
                    "Deployment is resumed",
                ),
            );
        }
    }

    // --- ReplicaSet bookkeeping ---

    /// Records an update of a local ReplicaSet copy.
    fn update_rs(&mut self, i: usize, rs: Object) {
        self.actions.push(Action::Update(rs.clone()));
        self.rss[i] = rs;
    }

    /// `SetReplicasAnnotations`: desired-replicas and max-replicas; whether they changed.
    fn set_replicas_annotations(&self, rs: &mut Object) -> bool {
        let desired = self.replicas().to_string();
        let max = (self.replicas() + max_surge(&self.d)).to_string();
        let mut changed = false;
        for (k, v) in [(DESIRED_REPLICAS, desired), (MAX_REPLICAS, max)] {
            if rs.meta.annotations.get(k) != Some(&v) {
                rs.meta.annotations.insert(k.to_string(), v);
                changed = true;
            }
        }
        changed
    }

    /// `SetNewReplicaSetAnnotations`: copy the Deployment's annotations, raise the
    /// revision (keeping the old number in revision-history on a rollback, R4.10).
    fn set_new_rs_annotations(&self, rs: &mut Object, new_revision: i64, exists: bool) -> bool {
        let mut changed = false;
        for (k, v) in &self.d.meta.annotations {
            if SKIP_COPY_ANNOTATIONS.contains(&k.as_str()) || rs.meta.annotations.get(k) == Some(v)
            {
                continue;
            }
            rs.meta.annotations.insert(k.clone(), v.clone());
            changed = true;
        }
        let old = rs.meta.annotations.get(REVISION).cloned();
        let old_n: i64 = match &old {
            Some(s) => match s.parse() {
                Ok(n) => n,
                Err(_) => return changed,
            },
            None => 0,
        };
        if old_n < new_revision {
            rs.meta
                .annotations
                .insert(REVISION.into(), new_revision.to_string());
            changed = true;
            if let Some(old) = old {
                let history = rs
                    .meta
                    .annotations
                    .get(REVISION_HISTORY)
                    .cloned()
                    .unwrap_or_default();
                let joined = if history.is_empty() {
                    old
                } else {
                    let mut parts: Vec<&str> = history.split(',').collect();
                    let mut total = history.len() + old.len() + 1;
                    while total > REVISION_HISTORY_LIMIT_CHARS && !parts.is_empty() {
                        total -= parts[0].len() + 1;
                        parts.remove(0);
                    }
                    parts.push(&old);
                    parts.join(",")
                };
                rs.meta.annotations.insert(REVISION_HISTORY.into(), joined);
            }
        }
        if !exists && self.set_replicas_annotations(rs) {
            changed = true;
        }
        changed
    }

    fn set_deployment_revision(&mut self, revision: &str) {
        if self.d.meta.annotations.get(REVISION).map(String::as_str) != Some(revision) {
            self.d
                .meta
                .annotations
                .insert(REVISION.into(), revision.to_string());
        }
    }

    /// `getAllReplicaSetsAndSyncRevision`: find (or create) the new ReplicaSet and bring
    /// revisions up to date. Returns false when the pass must stop (a hash collision).
    fn sync_revision(&mut self, create: bool) -> bool {
        self.new_rs = find_new_replica_set(&self.d, &self.rss);
        let max_old = self
            .old_indices()
            .iter()
            .map(|&i| revision_of(&self.rss[i]))
            .max()
            .unwrap_or(0);
        let new_revision = max_old + 1;
        let now = self.now();
        if let Some(i) = self.new_rs {
            let mut rs = self.rss[i].clone();
            let mut changed = self.set_new_rs_annotations(&mut rs, new_revision, true);
            let min_ready = self.d.get(&["spec", "minReadySeconds"]).clone();
            if rs.get(&["spec", "minReadySeconds"]).as_i64().unwrap_or(0)
                != min_ready.as_i64().unwrap_or(0)
            {
                rs.set(&["spec", "minReadySeconds"], min_ready);
                changed = true;
            }
            if changed {
                self.update_rs(i, rs);
            }
            let rev = self.rss[i]
                .meta
                .annotations
                .get(REVISION)
                .cloned()
                .unwrap_or_default();
            self.set_deployment_revision(&rev);
            if has_progress_deadline(&self.d) && condition(&self.d, "Progressing").is_none() {
                let msg = format!("Found new replica set \"{}\"", self.rss[i].meta.name);
                set_condition(
                    &mut self.d,
                    new_condition(now, "Progressing", "True", "FoundNewReplicaSet", &msg),
                );
            }
            return true;
        }
        if !create {
            return true;
        }
        // R1.6: a new ReplicaSet named by the template hash.
        let collision = self
            .d
            .i64_at(&["status", "collisionCount"])
            .map(|c| c as u32);
        let template = self.d.get(&["spec", "template"]).clone();
        let hash = template_hash(&template, collision);
        let name = format!("{}-{hash}", self.d.meta.name);
        let ns = self.d.meta.namespace.clone();
        if let Some(existing) = self.sim.store.find("ReplicaSet.apps", &ns, &name) {
            let ours = existing
                .controller_ref()
                .is_some_and(|r| r.uid == self.d.meta.uid);
            if !(ours && equal_ignore_hash(existing.get(&["spec", "template"]), &template)) {
                // A different object holds the name: bump collisionCount and retry (R1.6).
                self.d.set(
                    &["status", "collisionCount"],
                    json!(collision.unwrap_or(0) + 1),
                );
                return false;
            }
        }
        let mut new_template = template.clone();
        new_template["metadata"]["labels"][HASH_LABEL] = json!(hash);
        let mut selector = self.d.get(&["spec", "selector"]).clone();
        selector["matchLabels"][HASH_LABEL] = json!(hash);
        let mut rs = Object::new("apps/v1", "ReplicaSet", &ns, &name);
        rs.meta.labels =
            crate::api::object::string_map(new_template["metadata"].get("labels")).into();
        rs.meta.owner_references = vec![OwnerRef {
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: self.d.meta.name.clone(),
            uid: self.d.meta.uid.clone(),
            controller: true,
            block_owner_deletion: true,
        }];
        let all: Vec<usize> = (0..self.rss.len()).collect();
        let new_replicas = self.new_rs_new_replicas(&all, 0);
        let mut spec = Map::new();
        spec.insert("replicas".into(), json!(new_replicas));
        let min_ready = self.d.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0);
        if min_ready > 0 {
            spec.insert("minReadySeconds".into(), json!(min_ready));
        }
        spec.insert("selector".into(), selector);
        spec.insert("template".into(), new_template);
        rs.body.insert("spec".into(), Value::Object(spec));
        self.set_new_rs_annotations(&mut rs, new_revision, false);
        self.actions.push(Action::Create(rs.clone()));
        if new_replicas > 0 {
            let msg = scaling_message(self.sim.version, true, &name, 0, new_replicas, true);
            self.actions
                .push(EventSpec::normal(&self.d, "ScalingReplicaSet", msg));
        }
        self.set_deployment_revision(&new_revision.to_string());
        if has_progress_deadline(&self.d) {
            let msg = format!("Created new replica set \"{name}\"");
            set_condition(
                &mut self.d,
                new_condition(now, "Progressing", "True", "NewReplicaSetCreated", &msg),
            );
        }
        rs.meta.creation_ms = now;
        rs.meta.generation = 1;
        self.rss.push(rs);
        self.new_rs = Some(self.rss.len() - 1);
        true
    }

    /// R4.7 `NewRSNewReplicas`: how far the new ReplicaSet may grow now.
    fn new_rs_new_replicas(&self, all: &[usize], new_rs_replicas: i64) -> i64 {
        let replicas = self.replicas();
        if !is_rolling_update(&self.d) {
            return replicas;
        }
        let current: i64 = all.iter().map(|&i| spec_replicas(&self.rss[i])).sum();
        let max_total = replicas + max_surge(&self.d);
        if current >= max_total {
            return new_rs_replicas;
        }
        let up = (max_total - current).min(replicas - new_rs_replicas).max(0);
        new_rs_replicas + up
    }

    /// `scaleReplicaSet`: size and replica annotations; returns whether the size changed.
    fn scale_rs(&mut self, i: usize, new_scale: i64) -> bool {
        let mut rs = self.rss[i].clone();
        let old_scale = spec_replicas(&rs);
        let size_changed = old_scale != new_scale;
        let ann_changed = self.set_replicas_annotations(&mut rs);
        if !size_changed && !ann_changed {
            return false;
        }
        rs.set(&["spec", "replicas"], json!(new_scale));
        let name = rs.meta.name.clone();
        self.update_rs(i, rs);
        if size_changed {
            let msg = scaling_message(
                self.sim.version,
                old_scale < new_scale,
                &name,
                old_scale,
                new_scale,
                false,
            );
            self.actions
                .push(EventSpec::normal(&self.d, "ScalingReplicaSet", msg));
        }
        size_changed
    }

    /// `scaleReplicaSetAndRecordEvent`.
    fn scale_rs_and_record(&mut self, i: usize, new_scale: i64) -> bool {
        if spec_replicas(&self.rss[i]) == new_scale {
            return false;
        }
        self.scale_rs(i, new_scale)
    }

    fn active(&self, idx: &[usize]) -> Vec<usize> {
        idx.iter()
            .copied()
            .filter(|&i| spec_replicas(&self.rss[i]) > 0)
            .collect()
    }

    fn sum_spec(&self, idx: &[usize]) -> i64 {
        idx.iter().map(|&i| spec_replicas(&self.rss[i])).sum()
    }

    fn sum_status(&self, idx: &[usize], field: &str) -> i64 {
        idx.iter()
            .map(|&i| self.rss[i].i64_at(&["status", field]).unwrap_or(0))
            .sum()
    }

    fn all_indices(&self) -> Vec<usize> {
        (0..self.rss.len()).collect()
    }

    /// `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs from
    /// `spec.replicas`. Looks only; `sync_scale` or the rollout then syncs revisions.
    fn is_scaling_event(&self) -> bool {
        let replicas = self.replicas();
        self.rss
            .iter()
            .filter(|rs| spec_replicas(rs) > 0)
            .filter_map(|rs| {
                rs.meta
                    .annotations
                    .get(DESIRED_REPLICAS)
                    .and_then(|v| v.parse::<i64>().ok())
            })
            .any(|desired| desired != replicas)
    }

    /// `sync`: scaling (proportional for RollingUpdate) and, when paused, cleanup.
    fn sync_scale(&mut self, paused: bool) {
        if !self.sync_revision(false) {
            return;
        }
        self.scale();
        if paused {
            let olds = self.old_indices();
            self.cleanup(&olds);
        }
        self.sync_status(false);
    }

    /// `scale`: the one active ReplicaSet takes all; a saturated new one drains the old;
    /// otherwise replicas are spread in proportion (R4.7 proportional scaling).
    fn scale(&mut self) {
        let replicas = self.replicas();
        // FindActiveOrLatest.
        let mut olds = self.old_indices();
        olds.sort_stable_by(|&a, &b| {
            (self.rss[b].meta.creation_ms, &self.rss[b].meta.name)
                .cmp(&(self.rss[a].meta.creation_ms, &self.rss[a].meta.name))
        });
        let mut candidates = olds.clone();
        if let Some(n) = self.new_rs {
            candidates.push(n);
        }
        let active = self.active(&candidates);
        let active_or_latest = match active.len() {
            0 => self.new_rs.or(olds.first().copied()),
            1 => Some(active[0]),
            _ => None,
        };
        if let Some(i) = active_or_latest {
            if spec_replicas(&self.rss[i]) != replicas {
                self.scale_rs_and_record(i, replicas);
            }
            return;
        }
        if self.is_saturated() {
            for i in self.active(&olds) {
                self.scale_rs_and_record(i, 0);
            }
            return;
        }
        if !is_rolling_update(&self.d) {
            return;
        }
        let mut all = self.active(&candidates);
        let all_replicas = self.sum_spec(&all);
        let allowed = if replicas > 0 {
            replicas + max_surge(&self.d)
        } else {
            0
        };
        let to_add = allowed - all_replicas;
        let by_size = |s: &Self, a: usize, b: usize, newer_first: bool| {
            let (ra, rb) = (spec_replicas(&s.rss[a]), spec_replicas(&s.rss[b]));
            rb.cmp(&ra).then_with(|| {
                let ka = (s.rss[a].meta.creation_ms, &s.rss[a].meta.name);
                let kb = (s.rss[b].meta.creation_ms, &s.rss[b].meta.name);
                if newer_first {
                    kb.cmp(&ka)
                } else {
                    ka.cmp(&kb)
                }
            })
        };
        if to_add > 0 {
            all.sort_stable_by(|&a, &b| by_size(self, a, b, true));
        } else if to_add < 0 {
            all.sort_stable_by(|&a, &b| by_size(self, a, b, false));
        }
        let mut added = 0i64;
        let mut sizes: Vec<(usize, i64)> = vec![];
        for &i in &all {
            let cur = spec_replicas(&self.rss[i]);
            if to_add != 0 {
                let p = self.proportion(i, to_add, added);
                sizes.push((i, cur + p));
                added += p;
            } else {
                sizes.push((i, cur));
            }
        }
        for (n, (i, size)) in sizes.into_iter().enumerate() {
            let mut size = size;
            if n == 0 && to_add != 0 {
                size = (size + to_add - added).max(0);
            }
            self.scale_rs(i, size);
        }
    }

    /// `GetReplicaSetProportion`.
    fn proportion(&self, i: usize, to_add: i64, added: i64) -> i64 {
        let rs = &self.rss[i];
        let cur = spec_replicas(rs);
        if cur == 0 || to_add == 0 || to_add == added {
            return 0;
        }
        let fraction = if self.replicas() == 0 {
            -cur
        } else {
            let deployment_replicas = self.replicas() + max_surge(&self.d);
            let annotated = rs
                .meta
                .annotations
                .get(MAX_REPLICAS)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or_else(|| self.d.i64_at(&["status", "replicas"]).unwrap_or(0));
            if annotated == 0 {
                0
            } else {
                let f = (cur * deployment_replicas) as f64 / annotated as f64;
                f.round() as i64 - cur
            }
        };
        let allowed = to_add - added;
        if to_add > 0 {
            fraction.min(allowed)
        } else {
            fraction.max(allowed)
        }
    }

    /// `IsSaturated`: the new ReplicaSet has all replicas, annotated and available.
    fn is_saturated(&self) -> bool {
        let Some(n) = self.new_rs else { return false };
        let rs = &self.rss[n];
        let replicas = self.replicas();
        spec_replicas(rs) == replicas
            && rs
                .meta
                .annotations
                .get(DESIRED_REPLICAS)
                .and_then(|v| v.parse::<i64>().ok())
                == Some(replicas)
            && rs.i64_at(&["status", "availableReplicas"]).unwrap_or(0) == replicas
    }

    // --- RollingUpdate (R4.7) ---

    fn rollout_rolling(&mut self) {
        if !self.sync_revision(true) {
            return;
        }
        // Scale up the new ReplicaSet first, if there is headroom.
        if self.reconcile_new_rs() {
            self.sync_status(true);
            return;
        }
        if self.reconcile_old_rss() {
            self.sync_status(true);
            return;
        }
        if self.deployment_complete_now() {
            let olds = self.old_indices();
            self.cleanup(&olds);
        }
        self.sync_status(true);
    }

    fn reconcile_new_rs(&mut self) -> bool {
        let Some(n) = self.new_rs else { return false };
        let replicas = self.replicas();
        let cur = spec_replicas(&self.rss[n]);
        if cur == replicas {
            return false;
        }
        if cur > replicas {
            return self.scale_rs_and_record(n, replicas);
        }
        let all = self.all_indices();
        let target = self.new_rs_new_replicas(&all, cur);
        self.scale_rs_and_record(n, target)
    }

    fn reconcile_old_rss(&mut self) -> bool {
        let olds = self.old_indices();
        if self.sum_spec(&olds) == 0 {
            return false;
        }
        let all = self.all_indices();
        let all_pods = self.sum_spec(&all);
        let min_available = self.replicas() - max_unavailable(&self.d);
        let new_unavailable = self.new_rs.map_or(0, |n| {
            spec_replicas(&self.rss[n])
                - self.rss[n]
                    .i64_at(&["status", "availableReplicas"])
                    .unwrap_or(0)
        });
        let max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        // First clean up unhealthy old replicas, then scale down what availability allows.
        let cleaned = self.cleanup_unhealthy(&olds, max_scaled_down);
        let scaled = self.scale_down_old_for_rolling(&olds);
        cleaned + scaled > 0
    }

    fn by_creation(&self, idx: &[usize]) -> Vec<usize> {
        let mut v = idx.to_vec();
        v.sort_stable_by(|&a, &b| {
            (self.rss[a].meta.creation_ms, &self.rss[a].meta.name)
                .cmp(&(self.rss[b].meta.creation_ms, &self.rss[b].meta.name))
        });
        v
    }

    /// `cleanupUnhealthyReplicas`: old ReplicaSets lose their unavailable pods first.
    fn cleanup_unhealthy(&mut self, olds: &[usize], max_cleanup: i64) -> i64 {
        let mut total = 0;
        for i in self.by_creation(olds) {
            if total >= max_cleanup {
                break;
            }
            let cur = spec_replicas(&self.rss[i]);
            let available = self.rss[i]
                .i64_at(&["status", "availableReplicas"])
                .unwrap_or(0);
            if cur == 0 || cur == available {
                continue;
            }
            let down = (max_cleanup - total).min(cur - available);
            if down <= 0 {
                continue;
            }
            self.scale_rs_and_record(i, cur - down);
            total += down;
        }
        total
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: keep `replicas − maxUnavailable` available.
    fn scale_down_old_for_rolling(&mut self, olds: &[usize]) -> i64 {
        let min_available = self.replicas() - max_unavailable(&self.d);
        let all = self.all_indices();
        let available = self.sum_status(&all, "availableReplicas");
        if available <= min_available {
            return 0;
        }
        let budget = available - min_available;
        let mut total = 0;
        for i in self.by_creation(olds) {
            if total >= budget {
                break;
            }
            let cur = spec_replicas(&self.rss[i]);
            if cur == 0 {
                continue;
            }
            let down = cur.min(budget - total);
            self.scale_rs_and_record(i, cur - down);
            total += down;
        }
        total
    }

    // --- Recreate (R4.8) ---

    fn rollout_recreate(&mut self) {
        if !self.sync_revision(false) {
            return;
        }
        let olds = self.old_indices();
        let mut scaled_down = false;
        for i in self.active(&olds) {
            if self.scale_rs_and_record(i, 0) {
                scaled_down = true;
            }
        }
        if scaled_down || self.old_pods_running() {
            self.sync_status(true);
            return;
        }
        if self.new_rs.is_none() && !self.sync_revision(true) {
            return;
        }
        if let Some(n) = self.new_rs {
            let replicas = self.replicas();
            self.scale_rs_and_record(n, replicas);
        }
        if self.deployment_complete_now() {
            let olds = self.old_indices();
            self.cleanup(&olds);
        }
        self.sync_status(true);
    }

    /// `oldPodsRunning`: an old ReplicaSet still reports pods, or still has a pod object
    /// that has not finished (Terminating pods count: Recreate waits for them).
    fn old_pods_running(&self) -> bool {
        let olds = self.old_indices();
        if self.sum_status(&olds, "replicas") > 0 {
            return true;
        }
        olds.iter().any(|&i| {
            controlled_by(self.sim, &self.rss[i].meta.uid, "Pod")
                .any(|p| !matches!(p.str_at(&["status", "phase"]), Some("Succeeded" | "Failed")))
        })
    }

    // --- cleanup (R4.9) ---

    fn cleanup(&mut self, olds: &[usize]) {
        let Some(limit) = self.d.i64_at(&["spec", "revisionHistoryLimit"]) else {
            return;
        };
        let mut cleanable: Vec<usize> = olds
            .iter()
            .copied()
            .filter(|&i| !self.rss[i].is_deleting() && !self.rss[i].meta.uid.is_empty())
            .collect();
        let diff = cleanable.len() as i64 - limit;
        if diff <= 0 {
            return;
        }
        // ReplicaSetsByRevision: oldest revision first.
        cleanable.sort_stable_by(|&a, &b| {
            (
                revision_of(&self.rss[a]),
                self.rss[a].meta.creation_ms,
                &self.rss[a].meta.name,
            )
                .cmp(&(
                    revision_of(&self.rss[b]),
                    self.rss[b].meta.creation_ms,
                    &self.rss[b].meta.name,
                ))
        });
        for &i in cleanable.iter().take(diff as usize) {
            let rs = &self.rss[i];
            let status_replicas = rs.i64_at(&["status", "replicas"]).unwrap_or(0);
            let observed = rs.i64_at(&["status", "observedGeneration"]).unwrap_or(0);
            if status_replicas != 0
                || spec_replicas(rs) != 0
                || rs.meta.generation as i64 > observed
            {
                continue;
            }
            self.actions.push(Action::Delete {
                key: rs.key(),
                grace_seconds: None,
            });
        }
    }

    // --- status (syncRolloutStatus) ---

    /// `DeploymentComplete(d, &d.Status)`: judged on the status stored so far.
    fn deployment_complete_now(&self) -> bool {
        complete(&self.d, &self.d)
    }

    /// `calculateStatus`: counts from every ReplicaSet; the Available condition.
    fn calculate_status(&self) -> Object {
        // Only the status of the result is read: no copy of the whole Deployment.
        let mut d = Object::new("", "", "", "");
        d.meta.generation = self.d.meta.generation;
        let all = self.all_indices();
        let available = self.sum_status(&all, "availableReplicas");
        let total = self.sum_spec(&all);
        let unavailable = (total - available).max(0);
        let replicas = self.sum_status(&all, "replicas");
        let updated = self.new_rs.map_or(0, |n| {
            self.rss[n].i64_at(&["status", "replicas"]).unwrap_or(0)
        });
        let ready = self.sum_status(&all, "readyReplicas");
        let mut status = Map::new();
        if d.meta.generation > 0 {
            status.insert("observedGeneration".into(), json!(d.meta.generation));
        }
        for (k, v) in [
            ("replicas", replicas),
            ("updatedReplicas", updated),
            ("readyReplicas", ready),
            ("availableReplicas", available),
            ("unavailableReplicas", unavailable),
        ] {
            if v != 0 {
                status.insert(k.into(), json!(v));
            }
        }
        if let Some(c) = self.d.i64_at(&["status", "collisionCount"]) {
            status.insert("collisionCount".into(), json!(c));
        }
        let conds = conditions(&self.d);
        if !conds.is_empty() {
            status.insert("conditions".into(), Value::Array(conds));
        }
        d.body.insert("status".into(), Value::Object(status));
        let now = self.now();
        if available >= self.replicas() - max_unavailable(&self.d) {
            set_condition(
                &mut d,
                new_condition(
                    now,
                    "Available",
                    "True",
                    "MinimumReplicasAvailable",
                    "Deployment has minimum availability.",
                ),
            );
        } else {
            set_condition(
                &mut d,
                new_condition(
                    now,
                    "Available",
                    "False",
                    "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.",
                ),
            );
        }
        d
    }

    /// `syncRolloutStatus` (with `progress` = true) or `syncDeploymentStatus`.
    fn sync_status(&mut self, progress: bool) {
        let mut next = self.calculate_status();
        let now = self.now();
        if !progress {
            self.d.body.insert(
                "status".into(),
                next.body.remove("status").unwrap_or(Value::Null),
            );
            return;
        }
        if !has_progress_deadline(&self.d) {
            remove_condition(&mut next, "Progressing");
        }
        let current = condition(&self.d, "Progressing").cloned();
        let replicas_eq_updated = next.i64_at(&["status", "replicas"]).unwrap_or(0)
            == next.i64_at(&["status", "updatedReplicas"]).unwrap_or(0);
        let is_complete = replicas_eq_updated
            && current
                .as_ref()
                .is_some_and(|c| cond_str(c, "reason") == "NewReplicaSetAvailable");
        let subject = match self.new_rs {
            Some(n) => format!("ReplicaSet \"{}\"", self.rss[n].meta.name),
            None => format!("Deployment \"{}\"", self.d.meta.name),
        };
        if has_progress_deadline(&self.d) && !is_complete {
            if complete(&self.d, &next) {
                let msg = format!("{subject} has successfully progressed.");
                set_condition(
                    &mut next,
                    new_condition(now, "Progressing", "True", "NewReplicaSetAvailable", &msg),
                );
            } else if progressing(&self.d, &next) {
                let msg = format!("{subject} is progressing.");
                let mut c = new_condition(now, "Progressing", "True", "ReplicaSetUpdated", &msg);
                if let Some(cur) = &current {
                    if cond_str(cur, "status") == "True" {
                        c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
                    }
                    remove_condition(&mut next, "Progressing");
                }
                set_condition(&mut next, c);
            } else if let Some(deadline) = self.deadline(current.as_ref()) {
                if deadline < now {
                    let msg = format!("{subject} has timed out progressing.");
                    set_condition(
                        &mut next,
                        new_condition(
                            now,
                            "Progressing",
                            "False",
                            "ProgressDeadlineExceeded",
                            &msg,
                        ),
                    );
                } else {
                    // requeueStuckDeployment: look again once the deadline has passed.
                    self.wake = Some(deadline + 1);
                }
            }
        }
        self.d.body.insert(
            "status".into(),
            next.body.remove("status").unwrap_or(Value::Null),
        );
    }

    /// When a Progressing condition that can still time out does so.
    fn deadline(&self, current: Option<&Value>) -> Option<Millis> {
        let c = current?;
        if matches!(
            cond_str(c, "reason"),
            "NewReplicaSetAvailable" | "ProgressDeadlineExceeded"
        ) {
            return None;
        }
        let from = crate::time::parse_rfc3339(cond_str(c, "lastUpdateTime"))?;
        let secs = self.d.i64_at(&["spec", "progressDeadlineSeconds"])?;
        Some(from + secs * 1000)
    }
}

/// `DeploymentComplete`.
pub fn complete(d: &Object, status_of: &Object) -> bool {
    let r = spec_replicas(d);
    let g = |k: &str| status_of.i64_at(&["status", k]).unwrap_or(0);
    g("updatedReplicas") == r
        && g("replicas") == r
        && g("availableReplicas") == r
        && g("observedGeneration") >= d.meta.generation as i64
}

/// `DeploymentProgressing`: any count moved the right way since the stored status.
fn progressing(d: &Object, next: &Object) -> bool {
    let old = |k: &str| d.i64_at(&["status", k]).unwrap_or(0);
    let new = |k: &str| next.i64_at(&["status", k]).unwrap_or(0);
    let old_old = old("replicas") - old("updatedReplicas");
    let new_old = new("replicas") - new("updatedReplicas");
    new("updatedReplicas") > old("updatedReplicas")
        || new_old < old_old
        || new("readyReplicas") > old("readyReplicas")
        || new("availableReplicas") > old("availableReplicas")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenceposts_match_the_worked_values() {
        // R4.7 table: replicas → (surge, unavailable) with the 25%/25% defaults.
        let p = json!("25%");
        assert_eq!(resolve_fenceposts(&p, &p, 1), (1, 0));
        assert_eq!(resolve_fenceposts(&p, &p, 3), (1, 0));
        assert_eq!(resolve_fenceposts(&p, &p, 4), (1, 1));
        assert_eq!(resolve_fenceposts(&p, &p, 10), (3, 2));
        // maxSurge 0, maxUnavailable 25% of 3 → 0/0 → 0/1.
        assert_eq!(resolve_fenceposts(&json!(0), &p, 3), (0, 1));
        assert_eq!(resolve_fenceposts(&json!(2), &json!("50%"), 5), (2, 2));
    }

    #[test]
    fn percentages_round_as_documented() {
        assert_eq!(scaled_value(&json!("25%"), 10, true), Some(3));
        assert_eq!(scaled_value(&json!("25%"), 10, false), Some(2));
        assert_eq!(scaled_value(&json!(7), 10, false), Some(7));
        assert_eq!(scaled_value(&json!("x"), 10, false), None);
    }

    #[test]
    fn hash_ignores_the_hash_label_and_key_order() {
        let a = json!({"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}});
        let b = json!({"spec": {"containers": [{"image": "nginx:1.14.2", "name": "nginx"}]}, "metadata": {"labels": {"pod-template-hash": "x", "app": "nginx"}}});
        assert_eq!(template_hash(&a, None), template_hash(&b, None));
        assert!(equal_ignore_hash(&a, &b));
        // The copy-free comparison agrees with comparing copies without the hash label.
        let only_hash = json!({"metadata": {"labels": {"pod-template-hash": "x"}}, "spec": {}});
        let no_labels = json!({"metadata": {}, "spec": {}});
        let other = json!({"metadata": {"labels": {"app": "y"}}, "spec": {}});
        for (x, y) in [
            (&only_hash, &no_labels),
            (&no_labels, &other),
            (&a, &a),
            (&only_hash, &other),
        ] {
            assert_eq!(
                equal_ignore_hash(x, y),
                template_without_hash(x) == template_without_hash(y)
            );
        }
        let c = json!({"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16.1"}]}});
        assert_ne!(template_hash(&a, None), template_hash(&c, None));
        assert_ne!(template_hash(&a, None), template_hash(&a, Some(1)));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let mut inner = Map::new();
        inner.insert("zeta".into(), json!(1));
        inner.insert("alpha".into(), json!([{"y": 1, "b": 2}]));
        let mut outer = Map::new();
        outer.insert("spec".into(), Value::Object(inner));
        outer.insert("metadata".into(), json!({"labels": {"z": "1", "a": "2"}}));
        assert_eq!(
            canonical_json(&Value::Object(outer)),
            r#"{"metadata":{"labels":{"a":"2","z":"1"}},"spec":{"alpha":[{"b":2,"y":1}],"zeta":1}}"#
        );
    }

    #[test]
    fn scaling_messages_by_version() {
        let v = |minor| ClusterVersion { minor, patch: 0 };
        assert_eq!(
            scaling_message(v(21), true, "x", 0, 3, true),
            "Scaled up replica set x to 3"
        );
        assert_eq!(
            scaling_message(v(28), false, "x", 3, 2, false),
            "Scaled down replica set x to 2 from 3"
        );
        assert_eq!(
            scaling_message(v(28), true, "x", 0, 3, true),
            "Scaled up replica set x to 3"
        );
        assert_eq!(
            scaling_message(v(34), true, "x", 0, 3, true),
            "Scaled up replica set x from 0 to 3"
        );
    }
}
