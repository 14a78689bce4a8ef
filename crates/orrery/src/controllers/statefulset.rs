//! The StatefulSet controller (R3): pods with stable names `<set>-<ordinal>` and stable
//! claims `<template>-<set>-<ordinal>`, created in ordinal order (OrderedReady, R3.5) or
//! all at once (Parallel, R3.6), removed from the highest ordinal down (R3.7); the
//! set's ControllerRevisions (R1.7) and the rolling update they drive (R3.11, R3.12);
//! PVC retention through ownerReferences left to the garbage collector (R3.9); the
//! set's status and its events with the real texts (R3.17).
//!
//! One pass over a set follows `updateStatefulSet` of `stateful_set_control.go`: every
//! in-range replica is visited in ordinal order (create the first missing one, then stop;
//! stop at the first one that is not Running+Ready+Available), then condemned pods are
//! deleted highest ordinal first, then the rolling update deletes at most one pod whose
//! revision is stale. Each pass makes the one step the real controller would make, so
//! the page can show it.
//!
//! Version gates (R10): `.spec.ordinals` is honoured from 1.27 (beta, on by default; the
//! 1.26 alpha gate is off, so the API server drops the field, as it does on 1.21 where
//! the field does not exist — the pods are then `web-0`, `web-1`); the
//! `apps.kubernetes.io/pod-index` label from 1.28; the PVC retention policy from 1.27;
//! `minReadySeconds` from 1.25 (§13.15 UNVERIFIED; chosen to match the defaulting).

use crate::sort::StableSort;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::api::{ClusterVersion, Object, OwnerRef, Selector};
use crate::errors::FieldError;
use crate::sim::{Action, EventSpec, Out, Sim};
use crate::time::Millis;

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// The pod label holding the revision *name* (R1.7).
pub const REVISION_LABEL: &str = "controller-revision-hash";
/// The ControllerRevision label holding the bare hash.
pub const REVISION_HASH_LABEL: &str = "controller.kubernetes.io/hash";

const SET_GK: &str = "StatefulSet.apps";
const REVISION_GK: &str = "ControllerRevision.apps";
const CLAIM_GK: &str = "PersistentVolumeClaim";

// ----- version gates (R10) ------------------------------------------------------------

/// R3.2: `StatefulSetStartOrdinal` is beta (on) from 1.27; alpha (off) on 1.26.
pub fn start_ordinal_enabled(v: ClusterVersion) -> bool {
    v.at_least(27)
}

/// R3.3: `PodIndexLabel` is beta (on) from 1.28.
pub fn pod_index_label_enabled(v: ClusterVersion) -> bool {
    v.at_least(28)
}

/// R3.9: `StatefulSetAutoDeletePVC` is beta (on) from 1.27.
pub fn retention_policy_enabled(v: ClusterVersion) -> bool {
    v.at_least(27)
}

/// R3.13: honoured from 1.25 (GA), as the defaulting in `admission` assumes.
pub fn min_ready_seconds_enabled(v: ClusterVersion) -> bool {
    v.at_least(25)
}

/// The API server drops spec fields whose feature is off on this version (its
/// `dropDisabledFields`; on 1.21 the fields do not exist and are pruned). Chosen over a
/// client-side validation error: the object is accepted and behaves as on that version.
pub fn drop_disabled_fields(v: ClusterVersion, obj: &mut Object) {
    let Some(spec) = obj.body.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    if !start_ordinal_enabled(v) {
        spec.remove("ordinals");
    }
    if !retention_policy_enabled(v) {
        spec.remove("persistentVolumeClaimRetentionPolicy");
    }
    if !min_ready_seconds_enabled(v) {
        spec.remove("minReadySeconds");
    }
}

// ----- names and identity (R3.2, R3.3, R3.4, R1.7) -----------------------------------

/// R3.2 `getPodName`.
pub fn pod_name(set: &str, ordinal: i64) -> String {
    format!("{set}-{ordinal}")
}

/// R3.2 `getParentNameAndOrdinal`: the regex `(.*)-([0-9]+)$`; an ordinal that does not
/// fit in an int32 does not parse.
pub fn parent_and_ordinal(pod: &str) -> Option<(&str, i64)> {
    let (parent, digits) = pod.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ord: i64 = digits.parse().ok()?;
    (ord <= i32::MAX as i64).then_some((parent, ord))
}

/// R3.4 `getPersistentVolumeClaimName`.
pub fn claim_name(template: &str, set: &str, ordinal: i64) -> String {
    format!("{template}-{set}-{ordinal}")
}

/// R1.7 `ControllerRevisionName`: the set name cut at 223 characters, `-`, the hash.
pub fn revision_name(set: &str, hash: &str) -> String {
    let prefix: String = set.chars().take(223).collect();
    format!("{prefix}-{hash}")
}

/// JSON with object keys sorted at every level, as Go's `json.Marshal` of a map writes
/// it: the revision data and its hash do not depend on how the manifest was ordered.
/// serde_json's map is sorted (no `preserve_order`), so its writer does this without the
/// key set and the string per key this wrote for every pass of every set.
pub fn canonical_json(v: &Value) -> String {
    super::deployment::canonical_json(v)
}

/// R1.7 `getPatch`: the revision data is the set's template as a replace patch.
pub fn revision_data(template: &Value) -> Value {
    let mut t = template.as_object().cloned().unwrap_or_default();
    t.insert("$patch".into(), json!("replace"));
    json!({"spec": {"template": Value::Object(t)}})
}

/// Whether `data` is [`revision_data`]`(template)`, without building it: the set's
/// template is compared with every revision's on every pass, and a real one (Argo CD's
/// application controller) is a few hundred values to copy each time.
fn is_revision_data(data: &Value, template: &Value) -> bool {
    let Some(t) = data
        .as_object()
        .filter(|d| d.len() == 1)
        .and_then(|d| d.get("spec"))
        .and_then(Value::as_object)
        .filter(|s| s.len() == 1)
        .and_then(|s| s.get("template"))
        .and_then(Value::as_object)
    else {
        return false;
    };
    if t.get("$patch").and_then(Value::as_str) != Some("replace") {
        return false;
    }
    let empty = Map::new();
    let fields = template.as_object().unwrap_or(&empty);
    let others = || fields.iter().filter(|(k, _)| *k != "$patch");
    t.len() == others().count() + 1 && others().all(|(k, v)| t.get(k) == Some(v))
}

/// The template a revision's data carries (`ApplyRevision`).
fn template_of_revision(cr: &Object) -> Value {
    let mut t = cr.get(&["data", "spec", "template"]).clone();
    if let Some(m) = t.as_object_mut() {
        m.remove("$patch");
    }
    t
}

/// R1.7 `HashControllerRevision`: FNV-1 of the data, plus the collision count, which the
/// StatefulSet controller always passes (0 when none has happened).
pub fn hash_revision(data: &Value, collision_count: u32) -> String {
    crate::names::revision_hash(&canonical_json(data), Some(collision_count))
}

fn set_owner_ref(set: &Object) -> OwnerRef {
    OwnerRef {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set.meta.name.clone(),
        uid: set.meta.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }
}

fn is_controlled_by(obj: &Object, set: &Object) -> bool {
    obj.controller_ref().is_some_and(|r| r.uid == set.meta.uid)
}

/// The first ordinal of the set (R3.2).
pub fn start_ordinal(v: ClusterVersion, set: &Object) -> i64 {
    if !start_ordinal_enabled(v) {
        return 0;
    }
    set.i64_at(&["spec", "ordinals", "start"])
        .unwrap_or(0)
        .max(0)
}

fn spec_replicas(set: &Object) -> i64 {
    set.i64_at(&["spec", "replicas"]).unwrap_or(1).max(0)
}

fn pod_labels_from(template: &Value) -> BTreeMap<String, String> {
    crate::api::object::string_map(template.get("metadata").and_then(|m| m.get("labels")))
}

/// The claims of one ordinal (R3.4 `getPersistentVolumeClaims`), by template name.
pub fn claims_for(set: &Object, ordinal: i64) -> Vec<(String, Object)> {
    let selector_labels =
        crate::api::object::string_map(Some(set.get(&["spec", "selector", "matchLabels"])));
    let mut out = vec![];
    for t in set
        .get(&["spec", "volumeClaimTemplates"])
        .as_array()
        .into_iter()
        .flatten()
    {
        let Some(tpl) = t.pointer("/metadata/name").and_then(Value::as_str) else {
            continue;
        };
        let name = claim_name(tpl, &set.meta.name, ordinal);
        let mut claim = Object::new("v1", "PersistentVolumeClaim", &set.meta.namespace, &name);
        let md = t.get("metadata");
        let mut labels = crate::api::object::string_map(md.and_then(|m| m.get("labels")));
        labels.extend(selector_labels.clone());
        claim.meta.labels = labels.into();
        claim.meta.annotations =
            crate::api::object::string_map(md.and_then(|m| m.get("annotations")));
        claim.body.insert(
            "spec".into(),
            t.get("spec").cloned().unwrap_or_else(|| json!({})),
        );
        out.push((tpl.to_string(), claim));
    }
    out
}

/// The names of the set's claim templates, in the order of `claims_for`: what a pass
/// needs to look the ordinals' claims up without building each claim object.
fn claim_template_names(set: &Object) -> Vec<String> {
    set.get(&["spec", "volumeClaimTemplates"])
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.pointer("/metadata/name").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// R3.3 `newStatefulSetPod` + `setPodRevision`: the pod of one ordinal from a template.
pub fn new_pod(
    v: ClusterVersion,
    set: &Object,
    template: &Value,
    ordinal: i64,
    revision: &str,
) -> Object {
    let name = pod_name(&set.meta.name, ordinal);
    let mut pod = Object::new("v1", "Pod", &set.meta.namespace, &name);
    let md = template.get("metadata");
    pod.meta.labels = pod_labels_from(template).into();
    pod.meta.annotations = crate::api::object::string_map(md.and_then(|m| m.get("annotations")));
    if let Some(Value::Array(f)) = md.and_then(|m| m.get("finalizers")) {
        pod.meta.finalizers = f
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
    }
    pod.meta.owner_references = vec![set_owner_ref(set)];
    let mut spec = template
        .get("spec")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    // R3.3 initIdentity / updateIdentity.
    let labels = std::sync::Arc::make_mut(&mut pod.meta.labels);
    labels.insert(POD_NAME_LABEL.into(), name.clone());
    if pod_index_label_enabled(v) {
        labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    }
    labels.insert(REVISION_LABEL.into(), revision.to_string());
    spec.insert("hostname".into(), json!(name));
    match set
        .str_at(&["spec", "serviceName"])
        .filter(|s| !s.is_empty())
    {
        Some(svc) => {
            spec.insert("subdomain".into(), json!(svc));
        }
        None => {
            spec.remove("subdomain");
        }
    }
    // R3.3 updateStorage: one volume per claim template, replacing a volume of that name.
    let claims = claims_for(set, ordinal);
    if !claims.is_empty() {
        let mut volumes: Vec<Value> = claims
            .iter()
            .map(|(tpl, c)| json!({"name": tpl, "persistentVolumeClaim": {"claimName": c.meta.name}}))
            .collect();
        let mut names: BTreeSet<&str> = BTreeSet::new();
        names.extend(claims.iter().map(|(t, _)| t.as_str()));
        for vol in spec
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let n = vol.get("name").and_then(Value::as_str).unwrap_or("");
            if !names.contains(n) {
                volumes.push(vol.clone());
            }
        }
        spec.insert("volumes".into(), Value::Array(volumes));
    }
    pod.body.insert("spec".into(), Value::Object(spec));
    pod
}

// ----- pod health (R3.5, R3.13) -------------------------------------------------------

fn phase(pod: &Object) -> &str {
    pod.str_at(&["status", "phase"]).unwrap_or("")
}

fn is_ready(pod: &Object) -> bool {
    pod.get(&["status", "conditions"])
        .as_array()
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// `isRunningAndReady`.
pub fn is_running_and_ready(pod: &Object) -> bool {
    phase(pod) == "Running" && is_ready(pod)
}

/// When the pod became Ready: the kubelet's instant when it has one, else the Ready
/// condition's lastTransitionTime.
pub fn ready_since(sim: &Sim, pod: &Object) -> Option<Millis> {
    if let Some(t) = sim
        .runtime
        .get(&pod.meta.uid)
        .and_then(|rt| rt.ready_since())
    {
        return Some(t);
    }
    pod.get(&["status", "conditions"])
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
        .and_then(|c| c.get("lastTransitionTime"))
        .and_then(Value::as_str)
        .and_then(crate::time::parse_rfc3339)
}

/// R3.13 `isRunningAndAvailable`: Running+Ready for at least `minReadySeconds`.
pub fn is_running_and_available(sim: &Sim, pod: &Object, min_ready_ms: Millis) -> bool {
    is_running_and_ready(pod) && ready_long_enough(sim, pod, min_ready_ms)
}

/// The `minReadySeconds` half of `isRunningAndAvailable`, for a pod known to be Ready.
fn ready_long_enough(sim: &Sim, pod: &Object, min_ready_ms: Millis) -> bool {
    min_ready_ms == 0 || ready_since(sim, pod).is_some_and(|t| sim.now >= t + min_ready_ms)
}

fn pod_revision(pod: &Object) -> &str {
    pod.meta
        .labels
        .get(REVISION_LABEL)
        .map(String::as_str)
        .unwrap_or("")
}

// ----- PVC retention (R3.9) -----------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub when_deleted_delete: bool,
    pub when_scaled_delete: bool,
}

pub fn retention_policy(v: ClusterVersion, set: &Object) -> RetentionPolicy {
    if !retention_policy_enabled(v) {
        return RetentionPolicy {
            when_deleted_delete: false,
            when_scaled_delete: false,
        };
    }
    let p = set.get(&["spec", "persistentVolumeClaimRetentionPolicy"]);
    RetentionPolicy {
        when_deleted_delete: p.get("whenDeleted").and_then(Value::as_str) == Some("Delete"),
        when_scaled_delete: p.get("whenScaled").and_then(Value::as_str) == Some("Delete"),
    }
}

/// R3.9 `updateClaimOwnerRefForSetAndPod`: the claim's ownerReferences as the policy
/// wants them. `pod` is (name, uid) of the ordinal's pod (uid empty before it exists);
/// `scaled_down` is whether the ordinal is condemned. Refs are plain (not controller).
pub fn claim_refs_for_policy(
    refs: &[OwnerRef],
    policy: RetentionPolicy,
    set: &Object,
    pod: (&str, &str),
    scaled_down: bool,
) -> Vec<OwnerRef> {
    let mut refs = refs.to_vec();
    let set_ref = OwnerRef {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set.meta.name.clone(),
        uid: set.meta.uid.clone(),
        controller: false,
        block_owner_deletion: false,
    };
    let pod_ref = OwnerRef {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: pod.0.to_string(),
        uid: pod.1.to_string(),
        controller: false,
        block_owner_deletion: false,
    };
    let add = |refs: &mut Vec<OwnerRef>, r: &OwnerRef| {
        if !r.uid.is_empty() && !refs.iter().any(|x| x.uid == r.uid) {
            refs.push(r.clone());
        }
    };
    let remove = |refs: &mut Vec<OwnerRef>, uid: &str| {
        if !uid.is_empty() {
            refs.retain(|x| x.uid != uid);
        }
    };
    let (want_set, want_pod) = match (policy.when_deleted_delete, policy.when_scaled_delete) {
        (false, false) => (false, false),
        (true, false) => (true, false),
        (false, true) => (false, scaled_down),
        (true, true) => (!scaled_down, scaled_down),
    };
    if want_set {
        add(&mut refs, &set_ref);
    } else {
        remove(&mut refs, &set_ref.uid);
    }
    if want_pod {
        add(&mut refs, &pod_ref);
    } else {
        remove(&mut refs, &pod_ref.uid);
    }
    refs
}

/// R3.9 `hasStaleOwnerRef`: a claim owned by an earlier pod of the same name.
fn claim_is_stale(claim: &Object, pod_name: &str, pod_uid: &str) -> bool {
    claim
        .meta
        .owner_references
        .iter()
        .any(|r| r.kind == "Pod" && r.name == pod_name && r.uid != pod_uid)
}

// ----- status and rollout status (R3.11, R3.18) ---------------------------------------

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetStatus {
    pub observed_generation: u64,
    pub replicas: i64,
    pub ready_replicas: i64,
    pub current_replicas: i64,
    pub updated_replicas: i64,
    pub available_replicas: i64,
    pub current_revision: String,
    pub update_revision: String,
    pub collision_count: u32,
}

impl SetStatus {
    /// The JSON the API shows: zero counts are omitted as Go's `omitempty` does, except
    /// `replicas` and `availableReplicas` (present since 1.22), and `collisionCount`
    /// which the controller always sets.
    pub fn to_json(&self, v: ClusterVersion) -> Value {
        let mut m = Map::new();
        if v.at_least(22) {
            m.insert("availableReplicas".into(), json!(self.available_replicas));
        }
        m.insert("collisionCount".into(), json!(self.collision_count));
        if self.current_replicas != 0 {
            m.insert("currentReplicas".into(), json!(self.current_replicas));
        }
        if !self.current_revision.is_empty() {
            m.insert("currentRevision".into(), json!(self.current_revision));
        }
        if self.observed_generation != 0 {
            m.insert("observedGeneration".into(), json!(self.observed_generation));
        }
        if self.ready_replicas != 0 {
            m.insert("readyReplicas".into(), json!(self.ready_replicas));
        }
        m.insert("replicas".into(), json!(self.replicas));
        if !self.update_revision.is_empty() {
            m.insert("updateRevision".into(), json!(self.update_revision));
        }
        if self.updated_replicas != 0 {
            m.insert("updatedReplicas".into(), json!(self.updated_replicas));
        }
        Value::Object(m)
    }
}

/// kubectl's `rollout status` for a StatefulSet (`StatefulSetStatusViewer`): whether the
/// rollout is done, and the line kubectl prints (without the newline). For a set whose
/// strategy is not RollingUpdate kubectl fails; the line then starts with `error: `.
pub fn rollout_status(_sim: &Sim, sts: &Object) -> (bool, String) {
    let strategy = sts
        .str_at(&["spec", "updateStrategy", "type"])
        .unwrap_or("RollingUpdate");
    if strategy != "RollingUpdate" {
        return (
            true,
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let observed = sts.i64_at(&["status", "observedGeneration"]).unwrap_or(0);
    if observed == 0 || sts.meta.generation as i64 > observed {
        return (
            false,
            "Waiting for statefulset spec update to be observed...".into(),
        );
    }
    let replicas = spec_replicas(sts);
    let ready = sts.i64_at(&["status", "readyReplicas"]).unwrap_or(0);
    if ready < replicas {
        return (
            false,
            format!("Waiting for {} pods to be ready...", replicas - ready),
        );
    }
    let updated = sts.i64_at(&["status", "updatedReplicas"]).unwrap_or(0);
    let rolling = sts.get(&["spec", "updateStrategy", "rollingUpdate"]);
    if rolling.is_object() {
        if let Some(partition) = rolling.get("partition").and_then(Value::as_i64) {
            if updated < replicas - partition {
                return (
                    false,
                    format!(
                        "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                        replicas - partition
                    ),
                );
            }
        }
        return (
            true,
            format!("partitioned roll out complete: {updated} new pods have been updated..."),
        );
    }
    let current_rev = sts.str_at(&["status", "currentRevision"]).unwrap_or("");
    let update_rev = sts.str_at(&["status", "updateRevision"]).unwrap_or("");
    if update_rev != current_rev {
        return (
            false,
            format!(
                "waiting for statefulset rolling update to complete {updated} pods at revision {update_rev}..."
            ),
        );
    }
    let current = sts.i64_at(&["status", "currentReplicas"]).unwrap_or(0);
    (
        true,
        format!("statefulset rolling update complete {current} pods at revision {current_rev}..."),
    )
}

// ----- the controller ------------------------------------------------------------------

pub fn reconcile(sim: &Sim, out: &mut Out) {
    for set in sim.store.list_all(SET_GK) {
        sync(sim, set, out);
    }
}

/// The revision the set's template is at, and the one its pods were last completed at.
struct Revisions<'a> {
    /// Revisions owned by the set, oldest first (by `revision`).
    all: Vec<&'a Object>,
    current_name: String,
    /// The current revision, when it is not the set's own template.
    current: Option<&'a Object>,
    update_name: String,
    collision_count: u32,
}

/// R1.7 `getStatefulSetRevisions`: find or create the update revision; a template equal
/// to an older revision reuses it with a bumped `revision` number (rollback).
fn revisions<'a>(sim: &'a Sim, set: &'a Object, out: &mut Out) -> Revisions<'a> {
    let ns = &set.meta.namespace;
    let selector = Selector::from_label_selector(set.get(&["spec", "selector"]));
    let mut all: Vec<&Object> = sim
        .store
        .owned_by(&set.meta.uid)
        .filter(|o| o.gk() == REVISION_GK && is_controlled_by(o, set))
        .collect();
    // Adopt orphaned revisions that match the selector (ClaimControllerRevisions), e.g.
    // after `delete sts --cascade=orphan` and a new set of the same shape.
    for cr in sim.store.list(REVISION_GK, ns) {
        if cr.controller_ref().is_none()
            && !cr.is_deleting()
            && !selector.is_empty()
            && selector.matches(&cr.meta.labels)
        {
            let mut c = cr.clone();
            c.meta.owner_references.push(set_owner_ref(set));
            out.push(Action::Update(c));
            all.push(cr);
        }
    }
    all.sort_stable_by(|a, b| {
        let ra = a.i64_at(&["revision"]).unwrap_or(0);
        let rb = b.i64_at(&["revision"]).unwrap_or(0);
        (ra, a.meta.creation_ms, &a.meta.name).cmp(&(rb, b.meta.creation_ms, &b.meta.name))
    });
    let next_revision = all
        .last()
        .and_then(|c| c.i64_at(&["revision"]))
        .unwrap_or(0)
        + 1;
    let template = set.get(&["spec", "template"]);
    let mut collision_count = set
        .i64_at(&["status", "collisionCount"])
        .unwrap_or(0)
        .max(0) as u32;
    let equal: Vec<&&Object> = all
        .iter()
        .filter(|c| is_revision_data(c.get(&["data"]), template))
        .collect();
    let update_name = match (equal.last(), all.last()) {
        (Some(eq), Some(last)) if eq.meta.uid == last.meta.uid => last.meta.name.clone(),
        (Some(eq), _) => {
            // Rollback to an earlier template: that revision becomes the newest.
            let mut c = (**eq).clone();
            c.set(&["revision"], json!(next_revision));
            out.push(Action::Update(c));
            eq.meta.name.clone()
        }
        (None, _) => {
            // CreateControllerRevision: a name taken by different data is a collision.
            let data = revision_data(template);
            let mut name;
            let mut bounded = 0;
            loop {
                let hash = hash_revision(&data, collision_count);
                name = revision_name(&set.meta.name, &hash);
                match sim.store.find(REVISION_GK, ns, &name) {
                    Some(existing) if existing.get(&["data"]) != &data && bounded < 100 => {
                        collision_count += 1;
                        bounded += 1;
                    }
                    Some(_) => break,
                    None => {
                        let mut cr = Object::new("apps/v1", "ControllerRevision", ns, &name);
                        let mut labels = pod_labels_from(template);
                        labels.insert(REVISION_HASH_LABEL.into(), hash);
                        cr.meta.labels = labels.into();
                        cr.meta.owner_references = vec![set_owner_ref(set)];
                        cr.body.insert("data".into(), data.clone());
                        cr.body.insert("revision".into(), json!(next_revision));
                        out.push(Action::Create(cr));
                        break;
                    }
                }
            }
            name
        }
    };
    let status_current = set.str_at(&["status", "currentRevision"]).unwrap_or("");
    let (current_name, current) = match all
        .iter()
        .find(|c| !status_current.is_empty() && c.meta.name == status_current)
    {
        Some(c) => (c.meta.name.clone(), Some(*c)),
        None => (update_name.clone(), None),
    };
    Revisions {
        all,
        current_name,
        current,
        update_name,
        collision_count,
    }
}

/// One pass over one set: what its steps share.
struct Pass<'a, 'o> {
    sim: &'a Sim,
    set: &'a Object,
    out: &'o mut Out,
    v: ClusterVersion,
    policy: RetentionPolicy,
    start: i64,
    end: i64,
    /// `claim_template_names(set)`.
    templates: Vec<String>,
}

impl Pass<'_, '_> {
    fn event(&mut self, reason: &str, message: String) {
        self.out.push(EventSpec::normal(self.set, reason, message));
    }

    fn warning(&mut self, reason: &str, message: String) {
        self.out.push(EventSpec::warning(self.set, reason, message));
    }

    fn in_range(&self, ordinal: i64) -> bool {
        ordinal >= self.start && ordinal <= self.end
    }

    /// R3.4 `createPersistentVolumeClaims`: each missing claim is created (with the
    /// retention refs the policy wants); an existing one is reused as is. Returns the
    /// error kubectl's event carries when a claim blocks the pod.
    fn create_missing_claims(&mut self, pod_name: &str, ordinal: i64) -> Result<(), String> {
        let mut errs = vec![];
        // The claims are looked up by name; a claim object is built only to be created
        // (this runs for every Pending pod on every pass).
        let mut built: Option<Vec<(String, Object)>> = None;
        for i in 0..self.templates.len() {
            let name = claim_name(&self.templates[i], &self.set.meta.name, ordinal);
            match self
                .sim
                .store
                .find(CLAIM_GK, &self.set.meta.namespace, &name)
            {
                None => {
                    let claims = built.get_or_insert_with(|| claims_for(self.set, ordinal));
                    let mut claim = claims[i].1.clone();
                    claim.meta.owner_references = claim_refs_for_policy(
                        &[],
                        self.policy,
                        self.set,
                        (pod_name, ""),
                        !self.in_range(ordinal),
                    );
                    let name = claim.meta.name.clone();
                    self.out.push(Action::Create(claim));
                    self.event(
                        "SuccessfulCreate",
                        format!(
                            "create Claim {name} Pod {pod_name} in StatefulSet {} success",
                            self.set.meta.name
                        ),
                    );
                }
                Some(existing) if existing.is_deleting() => {
                    errs.push(format!("pvc {} is being deleted", existing.meta.name));
                }
                Some(_) => {}
            }
        }
        aggregate(errs)
    }

    /// R3.9: brings the ordinal's existing claims' ownerReferences in line with the
    /// policy. Returns whether anything had to change.
    fn fix_claim_refs(&mut self, pod: &Object, ordinal: i64) -> bool {
        if !retention_policy_enabled(self.v) {
            return false;
        }
        let mut changed = false;
        for tpl in &self.templates {
            let name = claim_name(tpl, &self.set.meta.name, ordinal);
            let Some(existing) = self
                .sim
                .store
                .find(CLAIM_GK, &self.set.meta.namespace, &name)
            else {
                continue;
            };
            if existing.is_deleting() {
                continue;
            }
            // The default policy (Retain, Retain) with neither the set nor the pod among
            // the owners: nothing to change, and nothing to build to see that.
            if !self.policy.when_deleted_delete
                && !self.policy.when_scaled_delete
                && !existing.meta.owner_references.iter().any(|r| {
                    r.uid == self.set.meta.uid
                        || (!pod.meta.uid.is_empty() && r.uid == pod.meta.uid)
                })
            {
                continue;
            }
            let want = claim_refs_for_policy(
                &existing.meta.owner_references,
                self.policy,
                self.set,
                (&pod.meta.name, &pod.meta.uid),
                !self.in_range(ordinal),
            );
            if want != existing.meta.owner_references {
                let mut c = existing.clone();
                c.meta.owner_references = want;
                self.out.push(Action::Update(c));
                changed = true;
            }
        }
        changed
    }

    /// `PodClaimIsStale` (R3.9): with whenScaled=Delete, a claim still owned by an earlier
    /// pod of this name blocks the new pod until the garbage collector removes it.
    fn claims_are_stale(&self, pod_name: &str, ordinal: i64) -> bool {
        if !self.policy.when_scaled_delete {
            return false;
        }
        self.templates.iter().any(|tpl| {
            self.sim
                .store
                .find(
                    CLAIM_GK,
                    &self.set.meta.namespace,
                    &claim_name(tpl, &self.set.meta.name, ordinal),
                )
                .is_some_and(|existing| claim_is_stale(existing, pod_name, ""))
        })
    }

    /// `CreateStatefulPod`: claims first, then the pod, with the R3.17 events. The API
    /// server's answer is known before the request is sent (validation is a pure
    /// function of the object), so a rejected pod gets the controller's FailedCreate.
    fn create_pod(&mut self, pod: Object, ordinal: i64) {
        let name = pod.meta.name.clone();
        let set_name = self.set.meta.name.clone();
        if let Err(e) = self.create_missing_claims(&name, ordinal) {
            self.warning(
                "FailedCreate",
                format!("create Pod {name} in StatefulSet {set_name} failed error: {e}"),
            );
            return;
        }
        if let Some(e) = pod_create_error(self.sim, &pod) {
            self.warning(
                "FailedCreate",
                format!("create Pod {name} in StatefulSet {set_name} failed error: {e}"),
            );
            return;
        }
        self.out.push(Action::Create(pod));
        self.event(
            "SuccessfulCreate",
            format!("create Pod {name} in StatefulSet {set_name} successful"),
        );
    }

    fn delete_pod(&mut self, pod: &Object) {
        self.out.push(Action::Delete {
            key: pod.key(),
            grace_seconds: None,
        });
        self.event(
            "SuccessfulDelete",
            format!(
                "delete Pod {} in StatefulSet {} successful",
                pod.meta.name, self.set.meta.name
            ),
        );
    }
}

/// Go's `utilerrors.NewAggregate(errs).Error()`: one error bare, several in brackets.
fn aggregate(errs: Vec<String>) -> Result<(), String> {
    match errs.len() {
        0 => Ok(()),
        1 => Err(errs.into_iter().next().unwrap()),
        _ => Err(format!("[{}]", errs.join(", "))),
    }
}

/// The API server's message for a pod it would reject (validation, R2.8), in the raw
/// form controllers see: `Pod "web-0" is invalid: [a, b]`.
pub fn pod_create_error(sim: &Sim, pod: &Object) -> Option<String> {
    let rt = sim.discovery.by_gk("Pod")?;
    let causes = crate::validation::validate(sim, rt, pod, None);
    if causes.is_empty() {
        // Then the (simulated) ResourceQuota admission: sim::MAX_PODS.
        let ns = if pod.meta.namespace.is_empty() {
            "default"
        } else {
            &pod.meta.namespace
        };
        return sim
            .pod_quota_error(ns, &pod.meta.name, 1)
            .map(|e| e.message());
    }
    Some(server_invalid_message("Pod", &pod.meta.name, &causes))
}

/// `StatusError` text of an Invalid error: `<Kind> "<name>" is invalid: <aggregate>`.
pub fn server_invalid_message(kind: &str, name: &str, causes: &[FieldError]) -> String {
    let mut seen = BTreeSet::new();
    let texts: Vec<String> = causes
        .iter()
        .map(|c| c.to_string())
        .filter(|t| seen.insert(t.clone()))
        .collect();
    let body = aggregate(texts).err().unwrap_or_default();
    format!(
        "{kind} {} is invalid: {body}",
        crate::errors::go_quote(name)
    )
}

fn sync(sim: &Sim, set: &Object, out: &mut Out) {
    if set.is_deleting() {
        return;
    }
    let v = sim.version;
    let ns = &set.meta.namespace;
    let selector = Selector::from_label_selector(set.get(&["spec", "selector"]));

    // The set's pods: those it controls, adopting orphans that match its selector and
    // name (ClaimPods with isMemberOf), releasing those whose labels no longer match.
    let mut pods: Vec<&Object> = vec![];
    for o in sim.store.owned_by(&set.meta.uid) {
        if o.kind != "Pod" || !is_controlled_by(o, set) {
            continue;
        }
        if !selector.matches(&o.meta.labels) {
            if !o.is_deleting() {
                let mut p = o.clone();
                p.meta.owner_references.retain(|r| r.uid != set.meta.uid);
                out.push(Action::Update(p));
            }
            continue;
        }
        pods.push(o);
    }
    if !selector.is_empty() {
        // The store's index of pods without a controller (in the order of `list`).
        for o in sim.store.uncontrolled("Pod", ns) {
            if o.controller_ref().is_none()
                && !o.is_deleting()
                && parent_and_ordinal(&o.meta.name).is_some_and(|(p, _)| p == set.meta.name)
                && selector.matches(&o.meta.labels)
            {
                let mut p = o.clone();
                p.meta.owner_references.push(set_owner_ref(set));
                out.push(Action::Update(p));
                pods.push(o);
            }
        }
    }
    pods.retain(|p| parent_and_ordinal(&p.meta.name).is_some_and(|(n, _)| n == set.meta.name));

    let revs = revisions(sim, set, out);
    let update_template = set.get(&["spec", "template"]);
    let start = start_ordinal(v, set);
    // Bounded like every loop here: past the simulated pod quota (`Sim::pod_quota`) one
    // more ordinal is looked at, so that its refusal is visible as a FailedCreate.
    let replica_count = spec_replicas(set).min(sim.max_replicas());
    let end = start + replica_count - 1;
    let min_ready_ms = if min_ready_seconds_enabled(v) {
        set.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0).max(0) * 1000
    } else {
        0
    };
    // `isRunningAndReady` of each pod, read once per pass: the loops below ask it up to
    // six times a pod, and an OrderedReady set of 1,000 pods with claims is synced at
    // every step of its start (FUZZING.md, session 10: 61 s of CPU for an hour of it).
    let running_ready: std::collections::HashSet<*const Object> = pods
        .iter()
        .filter(|p| is_running_and_ready(p))
        .map(|p| *p as *const Object)
        .collect();
    let rr = |p: &Object| running_ready.contains(&(p as *const Object));
    // `isHealthy`: Running+Ready and not terminating.
    let healthy = |p: &Object| rr(p) && !p.is_deleting();
    let available = |p: &Object| rr(p) && ready_long_enough(sim, p, min_ready_ms);
    let mut pass = Pass {
        sim,
        set,
        out,
        v,
        policy: retention_policy(v, set),
        start,
        end,
        templates: claim_template_names(set),
    };

    // R3.2: in-range replicas by ordinal; the rest are condemned, highest first.
    let mut replicas: Vec<Option<&Object>> = vec![None; replica_count as usize];
    let mut condemned: Vec<&Object> = vec![];
    for p in &pods {
        let (_, ord) = parent_and_ordinal(&p.meta.name).expect("filtered above");
        if pass.in_range(ord) {
            replicas[(ord - start) as usize] = Some(p);
        } else {
            condemned.push(p);
        }
    }
    condemned
        .sort_stable_by_key(|p| std::cmp::Reverse(parent_and_ordinal(&p.meta.name).unwrap().1));

    // R3.7 firstUnhealthyPod: the lowest unhealthy replica (a missing one counts), else
    // the lowest unhealthy condemned pod.
    let first_unhealthy: Option<String> = replicas
        .iter()
        .enumerate()
        .find(|(_, p)| !p.is_some_and(|p| healthy(p)))
        .map(|(i, _)| pod_name(&set.meta.name, start + i as i64))
        .or_else(|| {
            condemned
                .iter()
                .rev()
                .find(|p| !healthy(p))
                .map(|p| p.meta.name.clone())
        });

    let monotonic = set
        .str_at(&["spec", "podManagementPolicy"])
        .unwrap_or("OrderedReady")
        != "Parallel";
    let rolling = set
        .str_at(&["spec", "updateStrategy", "type"])
        .unwrap_or("RollingUpdate")
        == "RollingUpdate";
    let partition = if rolling {
        set.i64_at(&["spec", "updateStrategy", "rollingUpdate", "partition"])
            .unwrap_or(0)
            .max(0)
    } else {
        0
    };
    // R3.11 `newVersionedStatefulSetPod`: below the partition, pods are recreated at the
    // current revision; the rest (and every pod under OnDelete, R3.12) at the update one.
    let versioned_pod = |ord: i64| -> Object {
        if rolling && ord < start + partition {
            match revs.current {
                Some(c) => new_pod(v, set, &template_of_revision(c), ord, &revs.current_name),
                None => new_pod(v, set, update_template, ord, &revs.current_name),
            }
        } else {
            new_pod(v, set, update_template, ord, &revs.update_name)
        }
    };

    let mut deleted_for_update: Option<String> = None;
    'work: {
        // R3.5 / R3.6: each in-range replica in ordinal order.
        for (i, slot) in replicas.iter().enumerate() {
            let ord = start + i as i64;
            let name = pod_name(&set.meta.name, ord);
            let mut existing = *slot;
            if let Some(p) = existing {
                // R3.5: Failed and Succeeded pods are deleted and recreated at once.
                if matches!(phase(p), "Failed" | "Succeeded") {
                    if phase(p) == "Failed" {
                        pass.warning(
                            "RecreatingFailedPod",
                            format!(
                                "StatefulSet {ns}/{} is recreating failed Pod {name}",
                                set.meta.name
                            ),
                        );
                    } else {
                        pass.event(
                            "RecreatingTerminatedPod",
                            format!(
                                "StatefulSet {ns}/{} is recreating terminated Pod {name}",
                                set.meta.name
                            ),
                        );
                    }
                    pass.delete_pod(p);
                    existing = None;
                }
            }
            let Some(p) = existing else {
                if retention_policy_enabled(v) && pass.claims_are_stale(&name, ord) {
                    break 'work;
                }
                pass.create_pod(versioned_pod(ord), ord);
                if monotonic {
                    break 'work;
                }
                continue;
            };
            if phase(p) == "Pending" && !p.is_deleting() {
                // `createMissingPersistentVolumeClaims`: an error only requeues (no event).
                if pass.create_missing_claims(&name, ord).is_err() {
                    break 'work;
                }
            }
            if monotonic && (p.is_deleting() || !available(p)) {
                break 'work;
            }
            if p.is_deleting() {
                continue;
            }
            // Enforce identity (labels a user removed) and the retention policy.
            let index_ok = !pod_index_label_enabled(v)
                || p.meta.labels.get(POD_INDEX_LABEL) == Some(&ord.to_string());
            let identity_ok = p.meta.labels.get(POD_NAME_LABEL) == Some(&name) && index_ok;
            pass.fix_claim_refs(p, ord);
            if !identity_ok {
                let mut q = p.clone();
                std::sync::Arc::make_mut(&mut q.meta.labels)
                    .insert(POD_NAME_LABEL.into(), name.clone());
                if pod_index_label_enabled(v) {
                    std::sync::Arc::make_mut(&mut q.meta.labels)
                        .insert(POD_INDEX_LABEL.into(), ord.to_string());
                }
                pass.out.push(Action::Update(q));
                pass.event(
                    "SuccessfulUpdate",
                    format!(
                        "update Pod {name} in StatefulSet {} successful",
                        set.meta.name
                    ),
                );
            }
        }

        // R3.9: condemned pods' claims get the pod as owner (whenScaled=Delete).
        for p in &condemned {
            let ord = parent_and_ordinal(&p.meta.name).unwrap().1;
            pass.fix_claim_refs(p, ord);
        }

        // R3.7 / R3.6: condemned pods, highest ordinal first.
        for p in &condemned {
            if p.is_deleting() {
                if monotonic {
                    break 'work;
                }
                continue;
            }
            let is_first = first_unhealthy.as_deref() == Some(p.meta.name.as_str());
            if monotonic && !is_first && !available(p) {
                break 'work;
            }
            pass.delete_pod(p);
            if monotonic {
                break 'work;
            }
        }

        // R3.12: OnDelete never deletes for an update.
        if !rolling {
            break 'work;
        }
        // R3.11: highest ordinal first, down to the partition; one deletion, then wait
        // for the replaced pod to be healthy.
        for i in (partition.max(0) as usize..replicas.len()).rev() {
            let Some(p) = replicas[i] else {
                break 'work;
            };
            if pod_revision(p) != revs.update_name && !p.is_deleting() {
                pass.delete_pod(p);
                deleted_for_update = Some(p.meta.name.clone());
                break 'work;
            }
            if !healthy(p) {
                break 'work;
            }
        }
    }

    // Wake when a Ready pod becomes Available (R3.13).
    if min_ready_ms > 0 {
        for p in &pods {
            if rr(p) && !available(p) {
                if let Some(t) = ready_since(sim, p) {
                    pass.out.wake_at(t + min_ready_ms);
                }
            }
        }
    }

    // Status (`updateStatus` over the pods at the start of the pass).
    let mut st = SetStatus {
        observed_generation: set.meta.generation,
        current_revision: revs.current_name.clone(),
        update_revision: revs.update_name.clone(),
        collision_count: revs.collision_count,
        ..SetStatus::default()
    };
    for p in &pods {
        st.replicas += 1;
        if rr(p) {
            st.ready_replicas += 1;
            if available(p) {
                st.available_replicas += 1;
            }
        }
        if !p.is_deleting() && deleted_for_update.as_deref() != Some(p.meta.name.as_str()) {
            if pod_revision(p) == revs.current_name {
                st.current_replicas += 1;
            }
            if pod_revision(p) == revs.update_name {
                st.updated_replicas += 1;
            }
        }
    }
    // `completeRollingUpdate`.
    if rolling && st.updated_replicas == st.replicas && st.ready_replicas == st.replicas {
        st.current_replicas = st.updated_replicas;
        st.current_revision = st.update_revision.clone();
    }
    let status = st.to_json(v);
    if set.status() != &status {
        let mut s = set.clone();
        s.body.insert("status".into(), status);
        pass.out.push(Action::Update(s));
    }

    // R1.7 `truncateHistory`: revisions no pod uses, beyond revisionHistoryLimit, go.
    let mut live: BTreeSet<&str> = BTreeSet::new();
    live.insert(&st.current_revision);
    live.insert(&st.update_revision);
    live.insert(&revs.current_name);
    for p in &pods {
        live.insert(pod_revision(p));
    }
    let history: Vec<&&Object> = revs
        .all
        .iter()
        .filter(|c| !live.contains(c.meta.name.as_str()))
        .collect();
    let limit = set
        .i64_at(&["spec", "revisionHistoryLimit"])
        .unwrap_or(10)
        .max(0) as usize;
    if history.len() > limit {
        for c in &history[..history.len() - limit] {
            pass.out.push(Action::Delete {
                key: c.key(),
                grace_seconds: None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_parse_like_the_regex() {
        assert_eq!(parent_and_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parent_and_ordinal("my-web-12"), Some(("my-web", 12)));
        assert_eq!(parent_and_ordinal("web"), None);
        assert_eq!(parent_and_ordinal("web-"), None);
        assert_eq!(parent_and_ordinal("web-1a"), None);
        assert_eq!(parent_and_ordinal("web-99999999999"), None);
    }

    #[test]
    fn names() {
        assert_eq!(claim_name("www", "web", 0), "www-web-0");
        assert_eq!(revision_name("web", "7b9c5d4f8"), "web-7b9c5d4f8");
        assert_eq!(revision_name(&"a".repeat(300), "5").len(), 225);
    }

    #[test]
    fn is_revision_data_is_equality_with_the_built_data() {
        let templates = [
            json!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c"}]}}),
            json!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "d"}]}}),
            json!({"metadata": {"labels": {"app": "a"}}}),
            json!({"$patch": "merge", "spec": {}}),
            json!({"$patch": "replace"}),
            json!({}),
            json!(null),
            json!([1]),
        ];
        let mut datas: Vec<Value> = templates.iter().map(revision_data).collect();
        datas.extend([
            json!(null),
            json!({"spec": {"template": {"$patch": "merge"}}}),
            json!({"spec": {"template": {"$patch": "replace"}, "x": 1}}),
            json!({"spec": {"template": {"$patch": "replace"}}, "x": 1}),
            json!({"spec": {"template": {"$patch": "replace", "spec": {}, "extra": 1}}}),
            json!({"spec": {"template": "x"}}),
        ]);
        for t in &templates {
            for d in &datas {
                assert_eq!(is_revision_data(d, t), *d == revision_data(t), "{d} vs {t}");
            }
        }
    }

    #[test]
    fn revision_hashes_are_template_only_and_canonical() {
        let a = json!({"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "x:1"}]}});
        let b: Value = serde_json::from_str(
            r#"{"spec": {"containers": [{"image": "x:1", "name": "nginx"}]}, "metadata": {"labels": {"app": "nginx"}}}"#,
        )
        .unwrap();
        let h = hash_revision(&revision_data(&a), 0);
        assert_eq!(h, hash_revision(&revision_data(&b), 0));
        assert!(h.bytes().all(|c| b"456789bcdf".contains(&c)), "{h}");
        assert_ne!(h, hash_revision(&revision_data(&a), 1));
        let c = json!({"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "x:2"}]}});
        assert_ne!(h, hash_revision(&revision_data(&c), 0));
        assert_eq!(
            canonical_json(&json!({"b": 1, "a": [true, null, "x"]})),
            r#"{"a":[true,null,"x"],"b":1}"#
        );
    }

    fn set_with_policy() -> Object {
        let mut s = Object::new("apps/v1", "StatefulSet", "default", "web");
        s.meta.uid = "set-uid".into();
        s
    }

    #[test]
    fn retention_refs_follow_the_table() {
        let set = set_with_policy();
        let p = |d, s| RetentionPolicy {
            when_deleted_delete: d,
            when_scaled_delete: s,
        };
        let uids = |refs: &[OwnerRef]| refs.iter().map(|r| r.uid.clone()).collect::<Vec<_>>();
        let pod = ("web-2", "pod-uid");
        // Retain/Retain: nothing; existing refs to set and pod are removed.
        let r = claim_refs_for_policy(&[], p(false, false), &set, pod, true);
        assert!(r.is_empty());
        // Delete/Retain: the set owns every claim.
        let r = claim_refs_for_policy(&[], p(true, false), &set, pod, false);
        assert_eq!(uids(&r), vec!["set-uid"]);
        assert!(!r[0].controller);
        // Retain/Delete: a condemned ordinal's claim is owned by its pod.
        let r = claim_refs_for_policy(&[], p(false, true), &set, pod, true);
        assert_eq!(uids(&r), vec!["pod-uid"]);
        let r = claim_refs_for_policy(&r, p(false, true), &set, pod, false);
        assert!(r.is_empty());
        // Delete/Delete: set while in range, pod once condemned.
        let r = claim_refs_for_policy(&[], p(true, true), &set, pod, false);
        assert_eq!(uids(&r), vec!["set-uid"]);
        let r = claim_refs_for_policy(&r, p(true, true), &set, pod, true);
        assert_eq!(uids(&r), vec!["pod-uid"]);
        // A pod that does not exist yet is never an owner.
        let r = claim_refs_for_policy(&[], p(false, true), &set, ("web-2", ""), true);
        assert!(r.is_empty());
    }

    #[test]
    fn aggregate_formats_like_go() {
        assert_eq!(aggregate(vec![]), Ok(()));
        assert_eq!(aggregate(vec!["a".into()]), Err("a".into()));
        assert_eq!(
            aggregate(vec!["a".into(), "b".into()]),
            Err("[a, b]".into())
        );
    }
}
