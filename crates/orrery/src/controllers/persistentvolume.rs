//! The persistentvolume controller (R5): binds claims to volumes (static binding, R5.2–R5.5),
//! asks external provisioners for new volumes (R5.6, R5.7), tracks phases (R5.1), reclaims
//! released volumes (R5.9), unbinds (R5.12), marks lost claims (R5.11) and assigns the
//! default class retroactively (R5.15). It also plays the pvc-protection and pv-protection
//! controllers (R5.10) and, in `external_provisioner`, the provisioners minikube runs
//! (`k8s.io/minikube-hostpath` from the storage-provisioner addon, `hostpath.csi.k8s.io`
//! from the csi-hostpath-driver addon).
//!
//! Claims are synced before volumes within one pass; a volume touched by a claim's sync is
//! not synced again in the same pass, so two whole-object updates never race.

use crate::sort::StableSort;
use serde_json::{json, Value};
use std::collections::BTreeSet;

use crate::api::{ObjKey, Object};
use crate::errors::FieldError;
use crate::sim::{Action, EventRecord, EventSpec, Out, Sim};
use crate::time::Millis;

pub const PVC: &str = "PersistentVolumeClaim";
pub const PV: &str = "PersistentVolume";
pub const SC: &str = "StorageClass.storage.k8s.io";

pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
pub const ANN_PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const ANN_BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";
pub const ANN_DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
pub const ANN_BETA_DEFAULT_CLASS: &str = "storageclass.beta.kubernetes.io/is-default-class";
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
pub const PROVISIONER_FINALIZER: &str = "external-provisioner.volume.kubernetes.io/finalizer";

pub const MINIKUBE_HOSTPATH: &str = "k8s.io/minikube-hostpath";
pub const CSI_HOSTPATH: &str = "hostpath.csi.k8s.io";

/// §0.3: the hostpath provisioners take about a second.
pub const PROVISION_MS: Millis = 1_000;
/// The PV controller's resync period: waiting claims repeat their event this often, so
/// `kubectl describe` counts them (`x3 over 30s`) as on a real cluster.
pub const RESYNC_MS: Millis = 15_000;

// ----- reading claims, volumes and classes -------------------------------------------

/// A claim's class (`GetPersistentVolumeClaimClass`): the beta annotation wins, then
/// `spec.storageClassName`; `None` when unset (nil), `Some("")` for an explicit no-class.
pub fn claim_class(pvc: &Object) -> Option<String> {
    if let Some(a) = pvc.meta.annotations.get(ANN_BETA_STORAGE_CLASS) {
        return Some(a.clone());
    }
    pvc.str_at(&["spec", "storageClassName"])
        .map(str::to_string)
}

/// A volume's class: annotation, then `spec.storageClassName`, else "".
pub fn volume_class(pv: &Object) -> String {
    if let Some(a) = pv.meta.annotations.get(ANN_BETA_STORAGE_CLASS) {
        return a.clone();
    }
    pv.str_at(&["spec", "storageClassName"])
        .unwrap_or("")
        .to_string()
}

pub fn access_modes(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub use crate::quantity::{canonical_quantity, parse_quantity};

/// The storage request of a claim, in bytes.
pub fn claim_request(pvc: &Object) -> i128 {
    quantity_at(pvc.get(&["spec", "resources", "requests", "storage"]))
}

/// The capacity of a volume, in bytes.
pub fn volume_capacity(pv: &Object) -> i128 {
    quantity_at(pv.get(&["spec", "capacity", "storage"]))
}

fn quantity_at(v: &Value) -> i128 {
    match v {
        Value::String(s) => parse_quantity(s).unwrap_or(0),
        Value::Number(n) => n.as_i64().map(i128::from).unwrap_or(0),
        _ => 0,
    }
}

fn volume_mode(v: &Value) -> &str {
    v.as_str().unwrap_or("Filesystem")
}

/// Whether a class object marks itself default (R5.13): exactly `"true"`.
pub fn is_default_class(sc: &Object) -> bool {
    sc.meta
        .annotations
        .get(ANN_DEFAULT_CLASS)
        .map(String::as_str)
        == Some("true")
        || sc
            .meta
            .annotations
            .get(ANN_BETA_DEFAULT_CLASS)
            .map(String::as_str)
            == Some("true")
}

/// The default classes, effective one first (R5.13: newest creationTimestamp, ties by name
/// ascending).
pub fn default_classes(sim: &Sim) -> Vec<&Object> {
    let mut d: Vec<&Object> = sim
        .store
        .list(SC, "")
        .filter(|sc| is_default_class(sc) && !sc.is_deleting())
        .collect();
    d.sort_stable_by(|a, b| {
        b.meta
            .creation_ms
            .cmp(&a.meta.creation_ms)
            .then_with(|| a.meta.name.cmp(&b.meta.name))
    });
    d
}

pub fn find_class<'a>(sim: &'a Sim, name: &str) -> Option<&'a Object> {
    sim.store.find(SC, "", name)
}

/// Whether the claim's class delays binding until a pod is scheduled (R5.8).
pub fn is_delay_binding(sim: &Sim, pvc: &Object) -> bool {
    match claim_class(pvc) {
        Some(c) if !c.is_empty() => find_class(sim, &c)
            .is_some_and(|sc| sc.str_at(&["volumeBindingMode"]) == Some("WaitForFirstConsumer")),
        _ => false,
    }
}

/// Whether a claim has completed binding (`syncBoundClaim` territory).
pub fn is_bound(pvc: &Object) -> bool {
    pvc.meta.annotations.contains_key(ANN_BIND_COMPLETED)
}

/// The claim a volume's claimRef names: (namespace, name, uid).
/// The volume's claimRef as (namespace, name, uid), borrowed: the claim passes read it
/// for every volume on every pass (it was three new strings each time).
pub fn claim_ref(pv: &Object) -> Option<(&str, &str, &str)> {
    let r = pv.get(&["spec", "claimRef"]);
    if !r.is_object() {
        return None;
    }
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
    Some((s("namespace"), s("name"), s("uid")))
}

fn phase(obj: &Object) -> &str {
    obj.str_at(&["status", "phase"]).unwrap_or("")
}

// ----- matching (R5.2, R5.3, R5.5) ---------------------------------------------------

/// Why a volume does not satisfy a claim (`checkVolumeSatisfyClaim`, R5.5), or None.
pub fn check_volume_satisfy_claim(pv: &Object, pvc: &Object) -> Option<String> {
    if pv.is_deleting() {
        return Some(format!(
            "the volume is marked for deletion {:?}",
            pv.meta.name
        ));
    }
    if volume_capacity(pv) < claim_request(pvc) {
        return Some("requested PV is too small".into());
    }
    if volume_class(pv) != claim_class(pvc).unwrap_or_default() {
        return Some("storageClassName does not match".into());
    }
    if volume_mode(pv.get(&["spec", "volumeMode"])) != volume_mode(pvc.get(&["spec", "volumeMode"]))
    {
        return Some("incompatible volumeMode".into());
    }
    if !check_access_modes(pvc, pv) {
        return Some("incompatible accessMode".into());
    }
    None
}

/// R5.2(j): the volume's access modes are a superset of the claim's.
pub fn check_access_modes(pvc: &Object, pv: &Object) -> bool {
    let have = access_modes(pv.get(&["spec", "accessModes"]));
    access_modes(pvc.get(&["spec", "accessModes"]))
        .iter()
        .all(|m| have.contains(m))
}

fn pre_bound_to(pv: &Object, pvc: &Object) -> bool {
    match claim_ref(pv) {
        Some((ns, name, uid)) => {
            ns == pvc.meta.namespace
                && name == pvc.meta.name
                && (uid.is_empty() || uid == pvc.meta.uid)
        }
        None => false,
    }
}

/// `FindMatchingVolume` (R5.2) over the volumes of one access-mode set: a volume
/// pre-bound to this claim at once, else the smallest that matches. `delay_binding`
/// skips unbound volumes (the scheduler matches those, R5.2(f)).
fn find_matching_volume<'a>(
    pvc: &Object,
    volumes: &[&'a Object],
    delay_binding: bool,
    taken: &BTreeSet<String>,
) -> Option<&'a Object> {
    let request = claim_request(pvc);
    let class = claim_class(pvc).unwrap_or_default();
    let selector = pvc.get(&["spec", "selector"]);
    let selector = if selector.is_object() {
        Some(crate::api::Selector::from_label_selector(selector))
    } else {
        None
    };
    let mut best: Option<&Object> = None;
    for &pv in volumes {
        if taken.contains(&pv.meta.name) {
            continue;
        }
        // (a) a claimRef to another claim
        if let Some((ns, name, uid)) = claim_ref(pv) {
            let ours = ns == pvc.meta.namespace
                && name == pvc.meta.name
                && (uid.is_empty() || uid == pvc.meta.uid);
            if !ours {
                continue;
            }
        }
        // (b) capacity, (c) volumeMode, (d) deletion
        if volume_capacity(pv) < request {
            continue;
        }
        if volume_mode(pv.get(&["spec", "volumeMode"]))
            != volume_mode(pvc.get(&["spec", "volumeMode"]))
        {
            continue;
        }
        if pv.is_deleting() {
            continue;
        }
        // (e) pre-bound to this claim: returned immediately
        if pre_bound_to(pv, pvc) {
            return Some(pv);
        }
        // (f) delayed binding leaves unbound volumes to the scheduler
        if delay_binding {
            continue;
        }
        // (g) Available only. A volume created since the last pass (no phase yet, no
        // claimRef) counts: this very pass makes it Available, as the real controller's
        // volume sync would have before the claim's.
        let fresh = matches!(phase(pv), "" | "Pending") && claim_ref(pv).is_none();
        if phase(pv) != "Available" && !fresh {
            continue;
        }
        // (h) selector
        if let Some(sel) = &selector {
            if !sel.matches(&pv.meta.labels) {
                continue;
            }
        }
        // (i) class, (j) access modes
        if volume_class(pv) != class {
            continue;
        }
        if !check_access_modes(pvc, pv) {
            continue;
        }
        if best.is_none_or(|b| volume_capacity(pv) < volume_capacity(b)) {
            best = Some(pv);
        }
    }
    best
}

/// `findByClaim` (R5.3): volumes grouped by their exact access-mode set; the sets that
/// contain every requested mode are tried fewest modes first, and R5.2 runs in each.
/// (R5.3 is UNVERIFIED for 1.34; the older index order is kept.)
pub fn find_best_match<'a>(
    sim: &'a Sim,
    pvc: &Object,
    delay_binding: bool,
    taken: &BTreeSet<String>,
) -> Option<&'a Object> {
    let wanted = access_modes(pvc.get(&["spec", "accessModes"]));
    let mut sets: Vec<(Vec<String>, Vec<&Object>)> = vec![];
    // Only volumes without a claimRef or pre-bound to this claim can match (R5.2(a)
    // skips the rest), in the order of the full listing: the store's index gives them
    // without a scan of every volume for every claim.
    for pv in sim
        .store
        .volumes_for_claim(&pvc.meta.namespace, &pvc.meta.name)
    {
        let mut modes = access_modes(pv.get(&["spec", "accessModes"]));
        modes.sort_stable();
        modes.dedup();
        match sets.iter_mut().find(|(m, _)| *m == modes) {
            Some((_, v)) => v.push(pv),
            None => sets.push((modes, vec![pv])),
        }
    }
    sets.retain(|(m, _)| wanted.iter().all(|w| m.contains(w)));
    sets.sort_stable_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0)));
    for (_, vols) in &sets {
        if let Some(pv) = find_matching_volume(pvc, vols, delay_binding, taken) {
            return Some(pv);
        }
    }
    None
}

// ----- events --------------------------------------------------------------------------

/// The newest event with this reason about this object.
pub fn last_event<'a>(sim: &'a Sim, uid: &str, reason: &str) -> Option<&'a EventRecord> {
    sim.recent_event(uid, reason, None, EVENT_LOOKBACK)
}

/// How far back the controllers look for their own earlier events (bounded work per
/// pass; an event older than this is simply emitted again, as after a resync).
const EVENT_LOOKBACK: usize = 1_000;

/// Emits an event now unless the same one was emitted within the resync period; asks to
/// run again when the period ends, so waiting claims repeat their event as kubectl shows.
fn resync_event(sim: &Sim, out: &mut Out, obj: &Object, warning: bool, reason: &str, msg: String) {
    let last = sim.recent_event(&obj.meta.uid, reason, Some(&msg), EVENT_LOOKBACK);
    match last {
        Some(e) if sim.now < e.last_ms + RESYNC_MS => out.wake_at(e.last_ms + RESYNC_MS),
        _ => {
            out.push(if warning {
                EventSpec::warning(obj, reason, msg)
            } else {
                EventSpec::normal(obj, reason, msg)
            });
            out.wake_at(sim.now + RESYNC_MS);
        }
    }
}

// ----- the controller ------------------------------------------------------------------

pub fn reconcile(sim: &Sim, out: &mut Out) {
    // Volumes whose object this pass already rewrote.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for pvc in sim.store.list_all(PVC) {
        sync_claim(sim, pvc, out, &mut taken);
    }
    for pv in sim.store.list(PV, "") {
        if !taken.contains(&pv.meta.name) {
            sync_volume(sim, pv, out);
        }
    }
}

fn sync_claim(sim: &Sim, pvc: &Object, out: &mut Out, taken: &mut BTreeSet<String>) {
    if pvc.is_deleting() {
        // R5.10: pvc-protection lets the claim go once no pod uses it.
        if pvc.meta.finalizers.iter().any(|f| f == PVC_PROTECTION) && !claim_in_use(sim, pvc) {
            let mut c = pvc.clone();
            c.meta.finalizers.retain(|f| f != PVC_PROTECTION);
            out.push(Action::Update(c));
            return;
        }
    }
    if is_bound(pvc) {
        sync_bound_claim(sim, pvc, out, taken);
    } else {
        sync_unbound_claim(sim, pvc, out, taken);
    }
}

/// Whether a pod that has not terminated uses the claim (R5.10).
pub fn claim_in_use(sim: &Sim, pvc: &Object) -> bool {
    // R5.10 `podUsesPVC`: only pods bound to a node hold a claim; a Pending pod that was
    // never scheduled does not keep a deleted claim Terminating.
    sim.store.list("Pod", &pvc.meta.namespace).any(|pod| {
        pod.str_at(&["spec", "nodeName"])
            .is_some_and(|n| !n.is_empty())
            && !matches!(
                pod.str_at(&["status", "phase"]),
                Some("Succeeded" | "Failed")
            )
            && pod_claims(pod).contains(&pvc.meta.name)
    })
}

/// The claim names a pod's volumes refer to.
pub fn pod_claims(pod: &Object) -> Vec<String> {
    pod.get(&["spec", "volumes"])
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter_map(|v| {
                    v.pointer("/persistentVolumeClaim/claimName")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn set_claim_phase(pvc: &Object, phase: &str, out: &mut Out) {
    if self::phase(pvc) != phase {
        let mut c = pvc.clone();
        c.set(&["status", "phase"], json!(phase));
        out.push(Action::Update(c));
    }
}

fn sync_unbound_claim(sim: &Sim, pvc: &Object, out: &mut Out, taken: &mut BTreeSet<String>) {
    if pvc.is_deleting() {
        return;
    }
    let volume_name = pvc.str_at(&["spec", "volumeName"]).unwrap_or("");
    if !volume_name.is_empty() {
        sync_prebound_claim(sim, pvc, volume_name, out, taken);
        return;
    }
    let delay_binding = is_delay_binding(sim, pvc);
    if let Some(pv) = find_best_match(sim, pvc, delay_binding, taken) {
        bind(sim, pv, pvc, out, taken);
        return;
    }
    let class = claim_class(pvc);
    // R5.6.1 / R5.15: retroactive default class, after no volume matched.
    if class.is_none() && sim.version.at_least(26) {
        if let Some(sc) = default_classes(sim).first() {
            let mut c = pvc.clone();
            c.set(&["spec", "storageClassName"], json!(sc.meta.name));
            out.push(Action::Update(c));
            return;
        }
    }
    set_claim_phase(pvc, "Pending", out);
    // R5.6.2: delayed binding waits for a pod to be scheduled.
    if delay_binding && !pvc.meta.annotations.contains_key(ANN_SELECTED_NODE) {
        let waiting_pod = sim.store.list("Pod", &pvc.meta.namespace).find(|p| {
            !p.is_deleting()
                && p.str_at(&["spec", "nodeName"]).unwrap_or("").is_empty()
                && pod_claims(p).contains(&pvc.meta.name)
        });
        match waiting_pod {
            Some(p) => resync_event(
                sim,
                out,
                pvc,
                false,
                "WaitForPodScheduled",
                format!("waiting for pod {} to be scheduled", p.meta.name),
            ),
            None => resync_event(
                sim,
                out,
                pvc,
                false,
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".into(),
            ),
        }
        return;
    }
    match class.as_deref() {
        Some(c) if !c.is_empty() => provision_claim(sim, pvc, c, out),
        // R5.6.4
        _ => resync_event(
            sim,
            out,
            pvc,
            false,
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set".into(),
        ),
    }
}

/// R5.7: hand the claim to its class's (external) provisioner.
fn provision_claim(sim: &Sim, pvc: &Object, class: &str, out: &mut Out) {
    let Some(sc) = find_class(sim, class) else {
        // R5.6 (message format UNVERIFIED): the class lister's NotFound error.
        resync_event(
            sim,
            out,
            pvc,
            true,
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io {class:?} not found"),
        );
        return;
    };
    let provisioner = sc.str_at(&["provisioner"]).unwrap_or("").to_string();
    let beta_only = !sim.version.at_least(23);
    let has = |k: &str| pvc.meta.annotations.get(k) == Some(&provisioner);
    let annotated =
        has(ANN_BETA_STORAGE_PROVISIONER) && (beta_only || has(ANN_STORAGE_PROVISIONER));
    if !annotated {
        let mut c = pvc.clone();
        c.meta
            .annotations
            .insert(ANN_BETA_STORAGE_PROVISIONER.into(), provisioner.clone());
        if !beta_only {
            c.meta
                .annotations
                .insert(ANN_STORAGE_PROVISIONER.into(), provisioner.clone());
        }
        out.push(Action::Update(c));
    }
    resync_event(
        sim,
        out,
        pvc,
        false,
        "ExternalProvisioning",
        external_provisioning_message(sim, &provisioner),
    );
}

/// R5.7: the ExternalProvisioning text. The instructive wording replaced the old one
/// around 1.28 (UNVERIFIED exact release; chosen: 1.28).
pub fn external_provisioning_message(sim: &Sim, provisioner: &str) -> String {
    if sim.version.at_least(28) {
        format!("Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.")
    } else {
        format!("waiting for a volume to be created, either by external provisioner {provisioner:?} or manually created by system administrator")
    }
}

/// R5.5: a claim that names its volume.
fn sync_prebound_claim(
    sim: &Sim,
    pvc: &Object,
    volume_name: &str,
    out: &mut Out,
    taken: &mut BTreeSet<String>,
) {
    let Some(pv) = sim.store.find(PV, "", volume_name) else {
        // The requested volume does not exist (yet): wait, no event.
        set_claim_phase(pvc, "Pending", out);
        return;
    };
    if taken.contains(&pv.meta.name) {
        return;
    }
    match claim_ref(pv) {
        None => match check_volume_satisfy_claim(pv, pvc) {
            Some(reason) => {
                set_claim_phase(pvc, "Pending", out);
                resync_event(
                    sim,
                    out,
                    pvc,
                    true,
                    "VolumeMismatch",
                    format!("Cannot bind to requested volume {volume_name:?}: {reason}"),
                );
            }
            None => bind(sim, pv, pvc, out, taken),
        },
        Some(_) if pre_bound_to(pv, pvc) => bind(sim, pv, pvc, out, taken),
        Some(_) => {
            set_claim_phase(pvc, "Pending", out);
            resync_event(
                sim,
                out,
                pvc,
                true,
                "FailedBinding",
                format!("volume {volume_name:?} already bound to a different claim."),
            );
        }
    }
}

/// Binds both sides (`bind`): the volume's claimRef and phase, then the claim's
/// volumeName, annotations and status (R5.4: capacity is the volume's).
fn bind(sim: &Sim, pv: &Object, pvc: &Object, out: &mut Out, taken: &mut BTreeSet<String>) {
    taken.insert(pv.meta.name.clone());
    let mut v = pv.clone();
    let had_ref = claim_ref(pv).is_some();
    v.set(
        &["spec", "claimRef"],
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": pvc.meta.name,
               "namespace": pvc.meta.namespace, "resourceVersion": pvc.meta.resource_version.to_string(),
               "uid": pvc.meta.uid}),
    );
    if !had_ref {
        v.meta
            .annotations
            .insert(ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
    }
    v.set(&["status", "phase"], json!("Bound"));
    set_transition_time(sim, pv, &mut v);
    out.push(Action::Update(v));

    let mut c = pvc.clone();
    if c.str_at(&["spec", "volumeName"]).unwrap_or("").is_empty() {
        c.set(&["spec", "volumeName"], json!(pv.meta.name));
        c.meta
            .annotations
            .insert(ANN_BOUND_BY_CONTROLLER.into(), "yes".into());
    }
    c.meta
        .annotations
        .insert(ANN_BIND_COMPLETED.into(), "yes".into());
    c.set(&["status", "phase"], json!("Bound"));
    c.set(
        &["status", "accessModes"],
        pv.get(&["spec", "accessModes"]).clone(),
    );
    c.set(
        &["status", "capacity"],
        pv.get(&["spec", "capacity"]).clone(),
    );
    out.push(Action::Update(c));
}

/// `status.lastPhaseTransitionTime` (PersistentVolumeLastPhaseTransitionTime, beta and on
/// from 1.29, GA 1.31).
fn set_transition_time(sim: &Sim, old: &Object, new: &mut Object) {
    if sim.version.at_least(29) && phase(old) != phase(new) {
        new.set(
            &["status", "lastPhaseTransitionTime"],
            json!(crate::time::rfc3339(sim.now)),
        );
    }
}

fn sync_bound_claim(sim: &Sim, pvc: &Object, out: &mut Out, taken: &mut BTreeSet<String>) {
    let volume_name = pvc.str_at(&["spec", "volumeName"]).unwrap_or("");
    let lost = |out: &mut Out, msg: &str| {
        if phase(pvc) != "Lost" {
            let mut c = pvc.clone();
            c.set(&["status", "phase"], json!("Lost"));
            out.push(Action::Update(c));
            out.push(EventSpec::warning(pvc, "ClaimLost", msg.into()));
        }
    };
    if volume_name.is_empty() {
        lost(
            out,
            "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
        );
        return;
    }
    // R5.11
    let Some(pv) = sim.store.find(PV, "", volume_name) else {
        lost(
            out,
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
        );
        return;
    };
    if taken.contains(&pv.meta.name) {
        return;
    }
    match claim_ref(pv) {
        // The volume lost its claimRef (an admin cleared it): bind it back.
        None => bind(sim, pv, pvc, out, taken),
        Some((ns, name, uid))
            if ns == pvc.meta.namespace
                && name == pvc.meta.name
                && (uid.is_empty() || uid == pvc.meta.uid) =>
        {
            if uid.is_empty() || phase(pvc) != "Bound" || phase(pv) != "Bound" {
                bind(sim, pv, pvc, out, taken);
            }
        }
        Some(_) => {
            if phase(pvc) != "Lost" {
                let mut c = pvc.clone();
                c.set(&["status", "phase"], json!("Lost"));
                out.push(Action::Update(c));
                out.push(EventSpec::warning(
                    pvc,
                    "ClaimMisbound",
                    "Two claims are bound to the same volume, this one is bound incorrectly".into(),
                ));
            }
        }
    }
}

fn set_volume_phase(sim: &Sim, pv: &Object, phase: &str, out: &mut Out) {
    if self::phase(pv) != phase {
        let mut v = pv.clone();
        v.set(&["status", "phase"], json!(phase));
        set_transition_time(sim, pv, &mut v);
        out.push(Action::Update(v));
    }
}

fn sync_volume(sim: &Sim, pv: &Object, out: &mut Out) {
    if pv.is_deleting()
        && phase(pv) != "Bound"
        && pv.meta.finalizers.iter().any(|f| f == PV_PROTECTION)
    {
        // R5.10: pv-protection lets an unbound volume go.
        let mut v = pv.clone();
        v.meta.finalizers.retain(|f| f != PV_PROTECTION);
        out.push(Action::Update(v));
        return;
    }
    let Some((ns, name, uid)) = claim_ref(pv) else {
        set_volume_phase(sim, pv, "Available", out);
        return;
    };
    if uid.is_empty() {
        // Pre-bound by the user, waiting for its claim (R5.5).
        set_volume_phase(sim, pv, "Available", out);
        return;
    }
    let claim = sim
        .store
        .find(PVC, &ns, &name)
        .filter(|c| c.meta.uid == uid);
    match claim {
        Some(c) => {
            let vn = c.str_at(&["spec", "volumeName"]).unwrap_or("");
            if vn.is_empty() {
                // Waiting for the claim's sync to complete the binding.
                if phase(pv).is_empty() {
                    set_volume_phase(sim, pv, "Pending", out);
                }
            } else if vn == pv.meta.name {
                set_volume_phase(sim, pv, "Bound", out);
            } else if is_bound(c) {
                // The claim is bound to another volume: R5.12.
                unbind_volume(sim, pv, out);
            }
        }
        None => {
            // R5.9: the bound claim is gone.
            if phase(pv) != "Released" && phase(pv) != "Failed" {
                set_volume_phase(sim, pv, "Released", out);
                return;
            }
            if phase(pv) == "Released" {
                reclaim_volume(sim, pv, out);
            }
        }
    }
}

/// R5.12: the controller's binding is undone entirely; a user's pre-binding keeps the
/// claim's name and namespace.
fn unbind_volume(sim: &Sim, pv: &Object, out: &mut Out) {
    let mut v = pv.clone();
    if pv.meta.annotations.contains_key(ANN_BOUND_BY_CONTROLLER) {
        v.body
            .get_mut("spec")
            .and_then(Value::as_object_mut)
            .map(|s| s.remove("claimRef"));
        v.meta.annotations.remove(ANN_BOUND_BY_CONTROLLER);
    } else if let Some(r) = v.get_mut(&["spec", "claimRef"]).as_object_mut() {
        r.remove("uid");
        r.remove("resourceVersion");
    }
    v.set(&["status", "phase"], json!("Available"));
    set_transition_time(sim, pv, &mut v);
    out.push(Action::Update(v));
}

/// R5.9: what a Released volume's reclaim policy does.
fn reclaim_volume(sim: &Sim, pv: &Object, out: &mut Out) {
    match pv
        .str_at(&["spec", "persistentVolumeReclaimPolicy"])
        .unwrap_or("Retain")
    {
        "Retain" => {}
        "Delete" => {
            if pv.is_deleting() {
                return;
            }
            let provisioned_by = pv.meta.annotations.get(ANN_PROVISIONED_BY);
            match provisioned_by {
                // The external provisioner deletes the backing storage, then the PV.
                Some(p) if provisioner_running(sim, p) => out.push(Action::Delete {
                    key: pv.key(),
                    grace_seconds: None,
                }),
                Some(_) => {}
                None => {
                    // A static volume with Delete: no in-tree deleter is modelled
                    // (UNVERIFIED text, from `findDeletablePlugin`).
                    let mut v = pv.clone();
                    v.set(&["status", "phase"], json!("Failed"));
                    v.set(
                        &["status", "message"],
                        json!(
                            "error getting deleter volume plugin for volume \"".to_string()
                                + &pv.meta.name
                                + "\": no deletable volume plugin matched"
                        ),
                    );
                    set_transition_time(sim, pv, &mut v);
                    out.push(Action::Update(v));
                    out.push(EventSpec::warning(
                        pv,
                        "VolumeFailedDelete",
                        format!(
                            "error getting deleter volume plugin for volume {:?}: no deletable volume plugin matched",
                            pv.meta.name
                        ),
                    ));
                }
            }
        }
        "Recycle" => {
            // Deprecated; the recycler scrubs the volume and makes it Available again.
            let mut v = pv.clone();
            v.body
                .get_mut("spec")
                .and_then(Value::as_object_mut)
                .map(|s| s.remove("claimRef"));
            v.meta.annotations.remove(ANN_BOUND_BY_CONTROLLER);
            v.set(&["status", "phase"], json!("Available"));
            set_transition_time(sim, pv, &mut v);
            out.push(Action::Update(v));
            out.push(EventSpec::normal(
                pv,
                "VolumeRecycled",
                "Volume recycled".to_string(),
            ));
        }
        other => {
            let mut v = pv.clone();
            v.set(&["status", "phase"], json!("Failed"));
            set_transition_time(sim, pv, &mut v);
            out.push(Action::Update(v));
            out.push(EventSpec::warning(
                pv,
                "VolumeUnknownReclaimPolicy",
                format!("Volume has unrecognized PersistentVolumeReclaimPolicy {other:?}"),
            ));
        }
    }
}

// ----- external provisioners -----------------------------------------------------------

/// Whether the provisioner named by a class runs in this cluster (its addon is on).
pub fn provisioner_running(sim: &Sim, provisioner: &str) -> bool {
    match provisioner {
        MINIKUBE_HOSTPATH => sim.cluster.addons.contains("storage-provisioner"),
        CSI_HOSTPATH => sim.cluster.addons.contains("csi-hostpath-driver"),
        _ => false,
    }
}

/// The external provisioners (sig-storage-lib-external-provisioner): they watch claims
/// annotated for them, announce `Provisioning`, and about a second later create the
/// volume `pvc-<uid>` pre-bound to the claim (R5.7). The PV controller then binds it.
///
/// Each runs as its own controller so its events come from it (`kubectl describe` shows
/// `k8s.io/minikube-hostpath_minikube`, as real clusters do with an ID appended).
pub fn minikube_hostpath_provisioner(sim: &Sim, out: &mut Out) {
    external_provisioner(sim, out, MINIKUBE_HOSTPATH);
}

/// The csi-hostpath driver's external-provisioner sidecar (see above).
pub fn csi_hostpath_provisioner(sim: &Sim, out: &mut Out) {
    external_provisioner(sim, out, CSI_HOSTPATH);
}

fn external_provisioner(sim: &Sim, out: &mut Out, me: &str) {
    if !provisioner_running(sim, me) {
        return;
    }
    // R5.9 HonorPVReclaimPolicy: the provisioner deletes the backing volume of a deleted,
    // no longer Bound volume, then drops its finalizer.
    for pv in sim.store.list(PV, "") {
        if pv.is_deleting()
            && phase(pv) != "Bound"
            && pv
                .meta
                .finalizers
                .iter()
                .any(|f| f == PROVISIONER_FINALIZER)
            && pv
                .meta
                .annotations
                .get(ANN_PROVISIONED_BY)
                .map(String::as_str)
                == Some(me)
        {
            let mut v = pv.clone();
            v.meta.finalizers.retain(|f| f != PROVISIONER_FINALIZER);
            out.push(Action::Update(v));
        }
    }
    for pvc in sim.store.list_all(PVC) {
        if pvc.is_deleting()
            || is_bound(pvc)
            || !pvc.str_at(&["spec", "volumeName"]).unwrap_or("").is_empty()
        {
            continue;
        }
        let Some(provisioner) = pvc.meta.annotations.get(ANN_BETA_STORAGE_PROVISIONER) else {
            continue;
        };
        if provisioner != me {
            continue;
        }
        let Some(class) = claim_class(pvc).filter(|c| !c.is_empty()) else {
            continue;
        };
        let Some(sc) = find_class(sim, &class) else {
            continue;
        };
        if sc.str_at(&["provisioner"]) != Some(provisioner.as_str()) {
            continue;
        }
        if is_delay_binding(sim, pvc) && !pvc.meta.annotations.contains_key(ANN_SELECTED_NODE) {
            continue;
        }
        let pv_name = format!("pvc-{}", pvc.meta.uid);
        if sim.store.find(PV, "", &pv_name).is_some() {
            continue;
        }
        if pvc.get(&["spec", "selector"]).is_object() {
            // R5.7: a claim with a selector is not provisioned (UNVERIFIED text, from
            // the external provisioners).
            resync_event(
                sim,
                out,
                pvc,
                true,
                "ProvisioningFailed",
                "claim Selector is not supported".into(),
            );
            continue;
        }
        // R5.7: the provisioner's own record of the claims in progress (not its
        // `Provisioning` event: a bounded log loses those when thousands of claims
        // provision at once, and the claims then restarted forever).
        let started = sim.provisioning.get(&pvc.meta.uid).copied();
        match started {
            None => {
                out.push(Action::ProvisioningStarted(pvc.meta.uid.clone()));
                out.push(EventSpec::normal(
                    pvc,
                    "Provisioning",
                    format!(
                        "External provisioner is provisioning volume for claim \"{}/{}\"",
                        pvc.meta.namespace, pvc.meta.name
                    ),
                ));
                out.wake_at(sim.now + PROVISION_MS);
            }
            Some(t) if sim.now < t + PROVISION_MS => out.wake_at(t + PROVISION_MS),
            Some(_) => {
                out.push(Action::Create(provisioned_volume(sim, pvc, sc, &pv_name)));
                out.push(EventSpec::normal(
                    pvc,
                    "ProvisioningSucceeded",
                    format!("Successfully provisioned volume {pv_name}"),
                ));
            }
        }
    }
}

/// The volume a provisioner creates for a claim (R5.7): capacity = request, the claim's
/// access modes, the class's reclaim policy, claimRef to the claim.
fn provisioned_volume(sim: &Sim, pvc: &Object, sc: &Object, pv_name: &str) -> Object {
    let provisioner = sc.str_at(&["provisioner"]).unwrap_or("");
    let mut pv = Object::new("v1", PV, "", pv_name);
    pv.meta
        .annotations
        .insert(ANN_PROVISIONED_BY.into(), provisioner.to_string());
    let source = if provisioner == CSI_HOSTPATH {
        if sim.version.at_least(31) {
            // HonorPVReclaimPolicy (beta, on, ~1.31) adds the provisioner's finalizer.
            pv.meta.finalizers.push(PROVISIONER_FINALIZER.into());
        }
        pv.meta.annotations.insert(
            "volume.kubernetes.io/provisioner-deletion-secret-name".into(),
            String::new(),
        );
        pv.meta.annotations.insert(
            "volume.kubernetes.io/provisioner-deletion-secret-namespace".into(),
            String::new(),
        );
        json!({"csi": {"driver": CSI_HOSTPATH, "volumeHandle": csi_volume_handle(&pvc.meta.uid),
                       "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1700000000000-8081-hostpath.csi.k8s.io"}}})
    } else {
        // R5.18 (UNVERIFIED layout): /tmp/hostpath-provisioner/<ns>/<claim>.
        pv.meta.annotations.insert(
            "hostPathProvisionerIdentity".into(),
            sim.cluster.node_name.clone(),
        );
        json!({"hostPath": {"path": format!("/tmp/hostpath-provisioner/{}/{}", pvc.meta.namespace, pvc.meta.name), "type": ""}})
    };
    let request = pvc
        .get(&["spec", "resources", "requests", "storage"])
        .clone();
    let mut spec = json!({
        "accessModes": pvc.get(&["spec", "accessModes"]).clone(),
        "capacity": {"storage": request},
        "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": pvc.meta.name,
                     "namespace": pvc.meta.namespace, "resourceVersion": pvc.meta.resource_version.to_string(),
                     "uid": pvc.meta.uid},
        "persistentVolumeReclaimPolicy": sc.str_at(&["reclaimPolicy"]).unwrap_or("Delete"),
        "storageClassName": sc.meta.name,
        "volumeMode": pvc.str_at(&["spec", "volumeMode"]).unwrap_or("Filesystem"),
    });
    if let (Some(m), Some(src)) = (spec.as_object_mut(), source.as_object()) {
        for (k, v) in src {
            m.insert(k.clone(), v.clone());
        }
        if let Some(mo) = sc.get(&["mountOptions"]).as_array() {
            m.insert("mountOptions".into(), Value::Array(mo.clone()));
        }
    }
    if provisioner == CSI_HOSTPATH {
        if let Some(m) = spec.as_object_mut() {
            m.insert(
                "nodeAffinity".into(),
                json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "topology.hostpath.csi/node", "operator": "In", "values": [sim.cluster.node_name]}]}]}}),
            );
        }
    }
    pv.body.insert("spec".into(), spec);
    pv
}

/// The csi-hostpath driver's volume handle: a UUID of its own, derived here from the
/// claim's UID so it stays deterministic without the simulator's RNG.
fn csi_volume_handle(claim_uid: &str) -> String {
    let w: Vec<u32> = (0..4u8)
        .map(|i| crate::names::fnv1a32(format!("{claim_uid}/{i}").as_bytes()))
        .collect();
    format!(
        "{:08x}-{:04x}-11ef-{:04x}-{:04x}{:08x}",
        w[0],
        w[1] >> 16,
        (w[1] & 0x3fff) | 0x8000,
        w[2] >> 16,
        w[3]
    )
}

// ----- the scheduler's view ------------------------------------------------------------

/// R5.8: whether a claim keeps a pod from being scheduled (an Immediate claim not yet
/// Bound). WaitForFirstConsumer claims do not block; the scheduler selects the node.
pub fn claim_blocks_scheduling(sim: &Sim, pvc: &Object) -> bool {
    if is_bound(pvc) && phase(pvc) == "Bound" {
        return false;
    }
    !is_delay_binding(sim, pvc) || phase(pvc) == "Lost"
}

/// What a key of a claim is for errors.
pub fn claim_key(pvc: &Object) -> ObjKey {
    pvc.key()
}

// ----- admission (R5.14, R5.10) --------------------------------------------------------

/// How admission found a claim's class (R5.14). The claim itself carries no trace of it
/// (real clusters annotate nothing), so the simulator keeps it aside for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassOrigin {
    /// The manifest set `storageClassName` (possibly `""`, "no class").
    Explicit,
    /// The field was unset and admission filled in the default class.
    DefaultAtAdmission,
    /// The field was unset and no default class existed; it stays nil unless the
    /// controller assigns one later (R5.15).
    UnsetAtAdmission,
}

/// Why a claim has the class it has now, for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassReason {
    /// Set in the manifest.
    Explicit(String),
    /// `storageClassName: ""`: explicitly no class; never defaulted.
    ExplicitNone,
    /// Unset in the manifest; the DefaultStorageClass admission plugin set it.
    DefaultAtAdmission(String),
    /// Unset at creation while no default existed; the PV controller assigned the default
    /// class later (retroactive assignment, R5.15).
    Retroactive(String),
    /// Still unset: no default class, or a version without retroactive assignment.
    Unset,
}

impl ClassReason {
    /// One sentence a learner can read.
    pub fn explain(&self) -> String {
        match self {
            ClassReason::Explicit(c) => format!("storageClassName {c:?} was set in the manifest."),
            ClassReason::ExplicitNone => "storageClassName \"\" was set in the manifest: this claim asks for no class and binds only to volumes without one; it is never given the default.".into(),
            ClassReason::DefaultAtAdmission(c) => format!("storageClassName was unset; the DefaultStorageClass admission plugin set it to the default class {c:?} when the claim was created."),
            ClassReason::Retroactive(c) => format!("storageClassName was unset and no default class existed when the claim was created; the persistentvolume controller assigned the default class {c:?} later (retroactive default assignment)."),
            ClassReason::Unset => "storageClassName is unset: no default class existed when the claim was created, so it binds only to volumes without a class.".into(),
        }
    }
}

pub fn class_reason(sim: &Sim, pvc: &Object) -> ClassReason {
    let origin = sim.claim_class_origins.get(&pvc.key());
    match (claim_class(pvc), origin) {
        (None, _) => ClassReason::Unset,
        (Some(c), _) if c.is_empty() => ClassReason::ExplicitNone,
        (Some(c), Some(ClassOrigin::DefaultAtAdmission)) => ClassReason::DefaultAtAdmission(c),
        (Some(c), Some(ClassOrigin::UnsetAtAdmission)) => ClassReason::Retroactive(c),
        (Some(c), _) => ClassReason::Explicit(c),
    }
}

/// Admission on create for storage objects: DefaultStorageClass (R5.14) and
/// StorageObjectInUseProtection (R5.10).
pub fn admit_create(sim: &mut Sim, obj: &mut Object) -> Result<(), crate::errors::ApiError> {
    if obj.kind == PVC || obj.kind == PV {
        check_quantities(obj)?;
    }
    match obj.gk().as_str() {
        PVC => {
            add_finalizer(obj, PVC_PROTECTION);
            let origin = if claim_class(obj).is_some() {
                ClassOrigin::Explicit
            } else {
                let defaults = default_classes(sim);
                if defaults.len() > 1 && !sim.version.at_least(26) {
                    // ≤1.25: several defaults are an error (R5.14).
                    return Err(crate::errors::ApiError::Forbidden {
                        resource: "persistentvolumeclaims".into(),
                        name: obj.meta.name.clone(),
                        message: format!(
                            "Internal error occurred: {} default StorageClasses were found",
                            defaults.len()
                        ),
                    });
                }
                match defaults.first() {
                    Some(sc) => {
                        let name = sc.meta.name.clone();
                        obj.set(&["spec", "storageClassName"], json!(name));
                        ClassOrigin::DefaultAtAdmission
                    }
                    None => ClassOrigin::UnsetAtAdmission,
                }
            };
            let key = ObjKey::new(PVC, &obj.meta.namespace, &obj.meta.name);
            if sim.store.get(&key).is_none() {
                sim.claim_class_origins.insert(key, origin);
            }
        }
        PV => add_finalizer(obj, PV_PROTECTION),
        _ => {}
    }
    Ok(())
}

/// The quantity pattern of the API machinery, for decode errors.
const QUANTITY_RE: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// A quantity that fails to decode: the request is rejected before validation.
fn check_quantities(obj: &Object) -> Result<(), crate::errors::ApiError> {
    let path: &[&str] = if obj.kind == PVC {
        &["spec", "resources", "requests", "storage"]
    } else {
        &["spec", "capacity", "storage"]
    };
    if let Value::String(q) = obj.get(path) {
        if parse_quantity(q).is_none() {
            return Err(crate::errors::ApiError::Other {
                reason: "BadRequest".into(),
                message: format!(
                    "{kind} in version \"v1\" cannot be handled as a {kind}: quantities must match the regular expression '{QUANTITY_RE}'",
                    kind = obj.kind
                ),
            });
        }
    }
    Ok(())
}

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

fn supported_access_modes(sim: &Sim) -> &'static [&'static str] {
    // ReadWriteOncePod arrived (alpha) in 1.22.
    if sim.version.at_least(22) {
        ACCESS_MODES
    } else {
        &ACCESS_MODES[..3]
    }
}

fn check_access_mode_list(sim: &Sim, obj: &Object, required_detail: &str) -> Vec<FieldError> {
    let modes = access_modes(obj.get(&["spec", "accessModes"]));
    if modes.is_empty() {
        return vec![FieldError::required("spec.accessModes", required_detail)];
    }
    let supported = supported_access_modes(sim);
    modes
        .iter()
        .filter(|m| !supported.contains(&m.as_str()))
        .map(|m| FieldError::not_supported("spec.accessModes", m, supported))
        .collect()
}

/// Validation of claims, volumes and classes with the API server's texts. Updates: a
/// claim's spec is immutable except what binding and resizing change; a class's
/// provisioner, parameters, reclaim policy and binding mode are immutable.
pub fn validate(sim: &Sim, obj: &Object, old: Option<&Object>) -> Vec<FieldError> {
    let mut errs = vec![];
    match (obj.gk().as_str(), old) {
        (PVC, None) => {
            errs.extend(check_access_mode_list(
                sim,
                obj,
                "at least 1 access mode is required",
            ));
            match obj.get(&["spec", "resources", "requests", "storage"]) {
                Value::Null => errs.push(FieldError::required("spec.resources[storage]", "")),
                v => {
                    if quantity_at(v) <= 0 {
                        let text = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        errs.push(FieldError::invalid(
                            "spec.resources[storage]",
                            &text,
                            "must be greater than zero",
                        ));
                    }
                }
            }
            check_volume_mode(obj, &mut errs);
        }
        (PVC, Some(old)) => {
            // Only a Bound claim may change its requests (then only grow them).
            let bound = phase(old) == "Bound";
            let strip = |o: &Object| {
                let mut spec = o.spec().clone();
                if let Some(m) = spec.as_object_mut() {
                    if let Some(r) = m.get_mut("resources").and_then(Value::as_object_mut) {
                        if bound {
                            r.remove("requests");
                        }
                    }
                    m.remove("volumeAttributesClassName");
                }
                spec
            };
            let mut new_spec = strip(obj);
            let old_spec = strip(old);
            // Binding fills volumeName; retroactive assignment fills a nil class.
            if let Some(m) = new_spec.as_object_mut() {
                if old_spec.get("volumeName").is_none() {
                    m.remove("volumeName");
                }
                if old_spec.get("storageClassName").is_none() {
                    m.remove("storageClassName");
                }
            }
            let mut old_cmp = old_spec.clone();
            if let Some(m) = old_cmp.as_object_mut() {
                if new_spec.get("volumeName").is_none() {
                    m.remove("volumeName");
                }
                if new_spec.get("storageClassName").is_none() {
                    m.remove("storageClassName");
                }
            }
            if new_spec != old_cmp {
                // The real message goes on with a diff of the specs (not reproduced).
                let detail = if sim.version.at_least(29) {
                    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
                } else {
                    "spec is immutable after creation except resources.requests for bound claims"
                };
                errs.push(FieldError::forbidden("spec", detail));
            } else if bound && claim_request(obj) < claim_request(old) {
                errs.push(FieldError::forbidden(
                    "spec.resources.requests.storage",
                    "field can not be less than previous value",
                ));
            }
        }
        (PV, None) => {
            errs.extend(check_access_mode_list(sim, obj, ""));
            let capacity = obj.get(&["spec", "capacity"]).as_object();
            if capacity.is_none_or(|m| m.is_empty()) {
                errs.push(FieldError::required("spec.capacity", ""));
            }
            if capacity.is_none_or(|m| m.len() != 1 || !m.contains_key("storage")) {
                errs.push(FieldError {
                    field: "spec.capacity".into(),
                    kind: crate::errors::FieldErrorKind::NotSupported,
                    value: Some(go_resource_list(capacity)),
                    detail: "supported values: \"storage\"".into(),
                });
            }
            check_volume_mode(obj, &mut errs);
            if let Some(p) = obj.str_at(&["spec", "persistentVolumeReclaimPolicy"]) {
                if !["Delete", "Recycle", "Retain"].contains(&p) {
                    errs.push(FieldError::not_supported(
                        "spec.persistentVolumeReclaimPolicy",
                        p,
                        &["Delete", "Recycle", "Retain"],
                    ));
                }
            }
            const SOURCES: &[&str] = &[
                "hostPath",
                "local",
                "nfs",
                "csi",
                "iscsi",
                "fc",
                "awsElasticBlockStore",
                "gcePersistentDisk",
                "azureDisk",
                "azureFile",
                "cephfs",
                "rbd",
                "cinder",
                "glusterfs",
                "flexVolume",
                "vsphereVolume",
                "portworxVolume",
                "quobyte",
                "scaleIO",
                "storageos",
                "photonPersistentDisk",
                "flocker",
            ];
            if !SOURCES.iter().any(|s| obj.get(&["spec", s]).is_object()) {
                errs.push(FieldError::required("spec", "must specify a volume type"));
            }
        }
        (SC, None) => {
            if obj.str_at(&["provisioner"]).unwrap_or("").is_empty() {
                errs.push(FieldError::required("provisioner", ""));
            }
            if let Some(p) = obj.str_at(&["reclaimPolicy"]) {
                if !["Delete", "Retain"].contains(&p) {
                    errs.push(FieldError::not_supported(
                        "reclaimPolicy",
                        p,
                        &["Delete", "Retain"],
                    ));
                }
            }
            if let Some(m) = obj.str_at(&["volumeBindingMode"]) {
                if !["Immediate", "WaitForFirstConsumer"].contains(&m) {
                    errs.push(FieldError::not_supported(
                        "volumeBindingMode",
                        m,
                        &["Immediate", "WaitForFirstConsumer"],
                    ));
                }
            }
        }
        (SC, Some(old)) => {
            for (field, msg) in [
                ("parameters", "updates to parameters are forbidden."),
                ("provisioner", "updates to provisioner are forbidden."),
                ("reclaimPolicy", "updates to reclaimPolicy are forbidden."),
            ] {
                if obj.get(&[field]) != old.get(&[field]) {
                    errs.push(FieldError::forbidden(field, msg));
                }
            }
            // ValidateImmutableField.
            let mode = obj.str_at(&["volumeBindingMode"]).unwrap_or("");
            if Some(mode) != old.str_at(&["volumeBindingMode"]) {
                errs.push(FieldError::invalid(
                    "volumeBindingMode",
                    mode,
                    "field is immutable",
                ));
            }
        }
        _ => {}
    }
    errs
}

/// A capacity map as Go's `%#v` prints a `core.ResourceList`.
fn go_resource_list(m: Option<&serde_json::Map<String, Value>>) -> String {
    match m {
        None => "core.ResourceList(nil)".into(),
        Some(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    let q = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    format!("{k:?}:resource.MustParse({q:?})")
                })
                .collect();
            format!("core.ResourceList{{{}}}", items.join(", "))
        }
    }
}

fn check_volume_mode(obj: &Object, errs: &mut Vec<FieldError>) {
    if let Some(m) = obj.str_at(&["spec", "volumeMode"]) {
        if !["Block", "Filesystem"].contains(&m) {
            errs.push(FieldError::not_supported(
                "spec.volumeMode",
                m,
                &["Block", "Filesystem"],
            ));
        }
    }
}

fn add_finalizer(obj: &mut Object, f: &str) {
    if !obj.meta.finalizers.iter().any(|x| x == f) {
        obj.meta.finalizers.push(f.to_string());
    }
}

// ----- addons -------------------------------------------------------------------------

fn create_preset(sim: &mut Sim, v: Value) {
    if let Ok(obj) = Object::from_manifest(&v) {
        // Addon objects are known-good; one that exists already is left as it is.
        let _ = sim.create(obj);
    }
}

fn delete_preset(sim: &mut Sim, gk: &str, namespace: &str, name: &str) {
    let _ = sim.delete(&ObjKey::new(gk, namespace, name), None);
}

pub(crate) const CSI_STATEFULSETS: &[&str] = &[
    "csi-hostpath-attacher",
    "csi-hostpath-resizer",
    "csi-hostpathplugin",
];

pub(crate) const SNAPSHOT_CRDS: &[(&str, &str, &str, &[&str], bool)] = &[
    (
        "VolumeSnapshotClass",
        "volumesnapshotclasses",
        "volumesnapshotclass",
        &["vsclass", "vsclasses"],
        false,
    ),
    (
        "VolumeSnapshotContent",
        "volumesnapshotcontents",
        "volumesnapshotcontent",
        &["vsc", "vscs"],
        false,
    ),
    (
        "VolumeSnapshot",
        "volumesnapshots",
        "volumesnapshot",
        &["vs"],
        true,
    ),
];

/// Creates what a minikube addon of this area adds (R5.18):
/// - `csi-hostpath-driver`: StorageClass `csi-hostpath-sc` (not default), the CSIDriver,
///   and the driver's StatefulSets in kube-system (attacher, resizer, plugin);
/// - `volumesnapshots`: the snapshot.storage.k8s.io CRDs (VolumeSnapshot, …Class,
///   …Content: stored and listed, not simulated) and the snapshot-controller Deployment;
/// - `storage-provisioner`: the `k8s.io/minikube-hostpath` provisioner is on (it serves
///   the `standard` class). Its kube-system pod is not modelled, so pod IPs stay as the
///   other areas expect them.
pub fn enable_addon(sim: &mut Sim, name: &str) {
    // The objects are text (addons/*.yaml), not `json!` code: BENCHMARKS.md, "Size".
    let (text, other) = match name {
        "csi-hostpath-driver" => (crate::addons::CSI_HOSTPATH_DRIVER, "volumesnapshots"),
        "volumesnapshots" => (crate::addons::VOLUMESNAPSHOTS, "csi-hostpath-driver"),
        _ => return,
    };
    for v in crate::addons::manifests(text) {
        create_preset(sim, v);
    }
    // csi-hostpath-snapclass, once both the driver and the snapshot CRDs are there.
    if sim.cluster.addons.contains(other) {
        for v in crate::addons::manifests(crate::addons::CSI_HOSTPATH_SNAPCLASS) {
            create_preset(sim, v);
        }
    }
}

/// Removes what a minikube addon of this area added.
pub fn disable_addon(sim: &mut Sim, name: &str) {
    match name {
        "csi-hostpath-driver" => {
            delete_preset(sim, SC, "", "csi-hostpath-sc");
            delete_preset(
                sim,
                "VolumeSnapshotClass.snapshot.storage.k8s.io",
                "",
                "csi-hostpath-snapclass",
            );
            for sts in CSI_STATEFULSETS {
                delete_preset(sim, "StatefulSet.apps", "kube-system", sts);
            }
            delete_preset(sim, "CSIDriver.storage.k8s.io", "", CSI_HOSTPATH);
        }
        "volumesnapshots" => {
            delete_preset(sim, "Deployment.apps", "kube-system", "snapshot-controller");
            for (_, plural, ..) in SNAPSHOT_CRDS {
                delete_preset(
                    sim,
                    "CustomResourceDefinition.apiextensions.k8s.io",
                    "",
                    &format!("{plural}.snapshot.storage.k8s.io"),
                );
            }
        }
        _ => {}
    }
}

// ----- invariants ---------------------------------------------------------------------

/// Storage invariants, checked after every command by the property test:
/// - a Bound claim names a volume whose claimRef names it back (same UID), and no two
///   Bound claims share a volume;
/// - a Bound volume's claim exists, has that UID and names the volume;
/// - a pod's emptyDir and own filesystem die with it: no data is kept for a pod that
///   does not exist.
pub fn check_invariants(sim: &Sim) -> Result<(), String> {
    let mut owners: BTreeSet<String> = BTreeSet::new();
    for pvc in sim.store.list_all(PVC) {
        if phase(pvc) != "Bound" {
            continue;
        }
        let vn = pvc.str_at(&["spec", "volumeName"]).unwrap_or("");
        let who = format!("claim {}/{}", pvc.meta.namespace, pvc.meta.name);
        if !owners.insert(vn.to_string()) {
            return Err(format!(
                "{who} is Bound to volume {vn} that another Bound claim has"
            ));
        }
        let Some(pv) = sim.store.find(PV, "", vn) else {
            return Err(format!(
                "{who} is Bound to volume {vn:?} that does not exist"
            ));
        };
        match claim_ref(pv) {
            Some((ns, name, uid))
                if ns == pvc.meta.namespace && name == pvc.meta.name && uid == pvc.meta.uid => {}
            other => {
                return Err(format!(
                    "{who} is Bound to {vn} whose claimRef is {other:?}"
                ))
            }
        }
    }
    for pv in sim.store.list(PV, "") {
        if phase(pv) != "Bound" {
            continue;
        }
        let Some((ns, name, uid)) = claim_ref(pv) else {
            return Err(format!(
                "volume {} is Bound without a claimRef",
                pv.meta.name
            ));
        };
        let ok = sim.store.find(PVC, &ns, &name).is_some_and(|c| {
            c.meta.uid == uid && c.str_at(&["spec", "volumeName"]) == Some(pv.meta.name.as_str())
        });
        if !ok {
            return Err(format!(
                "volume {} is Bound to {ns}/{name} ({uid}) which does not name it back",
                pv.meta.name
            ));
        }
    }
    for key in sim.volumes.keys() {
        for prefix in ["emptydir:", "rootfs:"] {
            if let Some(rest) = key.strip_prefix(prefix) {
                let uid = rest.split('/').next().unwrap_or("");
                if sim.store.by_uid(uid).is_none() {
                    return Err(format!("data {key} outlived its pod"));
                }
            }
        }
    }
    Ok(())
}

/// The stateful half of the data invariant: data written to a volume is never lost while
/// the volume exists. Feed it every state in order; it remembers which volumes held data.
#[derive(Default, Debug)]
pub struct DataWitness {
    /// PV UID → backing key, for volumes that held data at the last check.
    held: std::collections::BTreeMap<String, String>,
}

impl DataWitness {
    pub fn check(&mut self, sim: &Sim) -> Result<(), String> {
        for (uid, key) in &self.held {
            if let Some(pv) = sim.store.by_uid(uid) {
                if sim.volumes.get(key).is_none_or(|t| t.is_empty()) {
                    return Err(format!(
                        "data on volume {} was lost while the volume exists",
                        pv.meta.name
                    ));
                }
            }
        }
        self.held.clear();
        for pv in sim.store.list(PV, "") {
            let key = crate::volumes::pv_volume_key(pv);
            if sim.volumes.get(&key).is_some_and(|t| !t.is_empty()) {
                self.held.insert(pv.meta.uid.clone(), key);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Object {
        Object::from_manifest(&v).unwrap()
    }

    fn pv(name: &str, size: &str, modes: &[&str], class: &str) -> Object {
        let mut o = obj(
            json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
            "spec": {"capacity": {"storage": size}, "accessModes": modes, "storageClassName": class,
                     "hostPath": {"path": format!("/data/{name}")}}}),
        );
        o.set(&["status", "phase"], json!("Available"));
        o
    }

    fn pvc(size: &str, modes: &[&str], class: Option<&str>) -> Object {
        let mut o = obj(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "c", "namespace": "default"},
            "spec": {"accessModes": modes, "resources": {"requests": {"storage": size}}}}));
        if let Some(c) = class {
            o.set(&["spec", "storageClassName"], json!(c));
        }
        o.meta.uid = "u1".into();
        o
    }

    #[test]
    fn satisfy_reasons_in_source_order() {
        let claim = pvc("3Gi", &["ReadWriteOnce"], Some("manual"));
        assert_eq!(
            check_volume_satisfy_claim(&pv("a", "1Gi", &["ReadOnlyMany"], "x"), &claim).as_deref(),
            Some("requested PV is too small")
        );
        assert_eq!(
            check_volume_satisfy_claim(&pv("a", "5Gi", &["ReadOnlyMany"], "x"), &claim).as_deref(),
            Some("storageClassName does not match")
        );
        assert_eq!(
            check_volume_satisfy_claim(&pv("a", "5Gi", &["ReadOnlyMany"], "manual"), &claim)
                .as_deref(),
            Some("incompatible accessMode")
        );
        let mut block = pv("a", "5Gi", &["ReadWriteOnce"], "manual");
        block.set(&["spec", "volumeMode"], json!("Block"));
        assert_eq!(
            check_volume_satisfy_claim(&block, &claim).as_deref(),
            Some("incompatible volumeMode")
        );
        let mut gone = pv("a", "5Gi", &["ReadWriteOnce"], "manual");
        gone.meta.deletion_ms = Some(1);
        assert_eq!(
            check_volume_satisfy_claim(&gone, &claim).as_deref(),
            Some("the volume is marked for deletion \"a\"")
        );
        assert_eq!(
            check_volume_satisfy_claim(
                &pv("a", "5Gi", &["ReadWriteOnce", "ReadWriteMany"], "manual"),
                &claim
            ),
            None
        );
    }

    #[test]
    fn best_match_prefers_fewest_modes_then_smallest() {
        let mut sim = Sim::new(1, crate::api::ClusterVersion::NEWEST);
        for v in [
            pv("rwo-10", "10Gi", &["ReadWriteOnce"], "m"),
            pv("rwo-5", "5Gi", &["ReadWriteOnce"], "m"),
            pv("rwx-2", "2Gi", &["ReadWriteOnce", "ReadWriteMany"], "m"),
            pv("other", "1Gi", &["ReadWriteOnce"], "n"),
        ] {
            sim.store.put(v);
        }
        let claim = pvc("1Gi", &["ReadWriteOnce"], Some("m"));
        let none = BTreeSet::new();
        assert_eq!(
            find_best_match(&sim, &claim, false, &none).map(|p| p.meta.name.as_str()),
            Some("rwo-5")
        );
        let taken: BTreeSet<String> = ["rwo-5".to_string(), "rwo-10".to_string()].into();
        assert_eq!(
            find_best_match(&sim, &claim, false, &taken).map(|p| p.meta.name.as_str()),
            Some("rwx-2")
        );
        // Delayed binding leaves unbound volumes to the scheduler.
        assert!(find_best_match(&sim, &claim, true, &none).is_none());
        let rwx = pvc("1Gi", &["ReadWriteMany"], Some("m"));
        assert_eq!(
            find_best_match(&sim, &rwx, false, &none).map(|p| p.meta.name.as_str()),
            Some("rwx-2")
        );
    }

    #[test]
    fn class_reasons_tell_how_a_claim_got_its_class() {
        let mut sim = Sim::new(1, crate::api::ClusterVersion::NEWEST);
        let explicit = pvc("1Gi", &["ReadWriteOnce"], Some("fast"));
        let none = pvc("1Gi", &["ReadWriteOnce"], Some(""));
        let mut later = pvc("1Gi", &["ReadWriteOnce"], None);
        assert_eq!(
            class_reason(&sim, &explicit),
            ClassReason::Explicit("fast".into())
        );
        assert_eq!(class_reason(&sim, &none), ClassReason::ExplicitNone);
        assert_eq!(class_reason(&sim, &later), ClassReason::Unset);
        sim.claim_class_origins
            .insert(later.key(), ClassOrigin::UnsetAtAdmission);
        later.set(&["spec", "storageClassName"], json!("standard"));
        assert_eq!(
            class_reason(&sim, &later),
            ClassReason::Retroactive("standard".into())
        );
        sim.claim_class_origins
            .insert(later.key(), ClassOrigin::DefaultAtAdmission);
        assert_eq!(
            class_reason(&sim, &later),
            ClassReason::DefaultAtAdmission("standard".into())
        );
        assert!(class_reason(&sim, &later).explain().contains("admission"));
    }

    #[test]
    fn newest_default_class_first() {
        let mut sim = Sim::new(1, crate::api::ClusterVersion::NEWEST);
        for (name, t, default) in [
            ("a", 5, true),
            ("b", 9, true),
            ("c", 9, true),
            ("d", 20, false),
        ] {
            let mut sc = obj(
                json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                "metadata": {"name": name}, "provisioner": "p"}),
            );
            if default {
                sc.meta
                    .annotations
                    .insert(ANN_DEFAULT_CLASS.into(), "true".into());
            }
            sc.meta.creation_ms = t;
            sim.store.put(sc);
        }
        let names: Vec<&str> = default_classes(&sim)
            .iter()
            .map(|s| s.meta.name.as_str())
            .collect();
        assert_eq!(names, ["b", "c", "a"]);
    }
}
