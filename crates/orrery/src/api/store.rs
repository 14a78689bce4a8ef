//! The object store: every object the API server holds, ordered by (kind, namespace,
//! name) so every listing and every controller pass is deterministic, with indices by
//! UID and by owner UID so controllers and the garbage collector never scan everything.
//!
//! Only the simulator writes to the store (`Sim` applies actions); controllers get `&Store`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use super::object::{GroupKind, ObjKey, Object};

#[derive(Clone, Debug, Default)]
pub struct Store {
    /// Objects behind `Arc`, so a cloned store (a time-travel checkpoint) shares every
    /// object with the original and copies only pointers; a write replaces the `Arc`,
    /// never mutates a shared object.
    objects: BTreeMap<ObjKey, Arc<Object>>,
    /// UID → the stored object itself (kept current by every write): hashed, and without
    /// a second, string-compared lookup by key. Never iterated, so its order is no matter.
    by_uid: HashMap<String, Arc<Object>>,
    /// owner UID → keys of objects that name it in `ownerReferences`.
    by_owner: BTreeMap<String, BTreeSet<ObjKey>>,
    resource_version: u64,
    /// Change tracking for the controller loop (not part of the API): a counter bumped
    /// by every put and remove, the counter's value at the last change of each kind, and
    /// the stored objects by resourceVersion (so "what was written since" is a range;
    /// the objects themselves, not their keys: every controller pass reads this range,
    /// and a lookup by key per object was a string-compared B-tree search each).
    seq: u64,
    kind_seq: BTreeMap<GroupKind, u64>,
    by_rv: BTreeMap<u64, Arc<Object>>,
    /// Objects without a controller reference (adoption candidates), in key order.
    uncontrolled: BTreeSet<ObjKey>,
    /// Pods by (namespace, label key, label value), for selectors (Services select pods
    /// by equality, so one pair finds every candidate).
    pods_by_label: BTreeMap<(String, String, String), BTreeSet<ObjKey>>,
    /// Services by `spec.clusterIP` and by each `spec.ports[].nodePort` (the allocators'
    /// "in use" checks).
    services_by_ip: BTreeMap<String, BTreeSet<ObjKey>>,
    services_by_node_port: BTreeMap<i64, BTreeSet<ObjKey>>,
    /// Per namespace, the pods not in a terminal phase (what the simulated pod quota
    /// counts), kept as pods are written: the quota is checked on every pod creation.
    quota_pods: BTreeMap<String, usize>,
    /// Pods without `spec.nodeName` (the scheduler's queue), in key order.
    unbound_pods: BTreeSet<ObjKey>,
    /// The last few distinct pod specs written, newest first: the pods of one template
    /// have equal specs (defaulted the same, bound to the same node), and a pod written
    /// with a spec equal to one of these shares it instead of holding its own copy
    /// (1,000 replicas hold one spec, in the present and in every checkpoint).
    recent_pod_specs: Vec<Arc<serde_json::Value>>,
    /// The same for pod labels (the replicas of one template have equal labels).
    recent_pod_labels: Vec<Arc<BTreeMap<String, String>>>,
    /// PersistentVolumes by the (namespace, name) of the claim their `spec.claimRef`
    /// names, and those without a claimRef: the only candidates of a claim's volume
    /// matching (R5.2(a)), which scanned every volume for every claim on every pass.
    volumes_by_claim: BTreeMap<(String, String), BTreeSet<ObjKey>>,
    unclaimed_volumes: BTreeSet<ObjKey>,
}

/// The (namespace, name) a PersistentVolume's `spec.claimRef` names, if it is an object.
fn volume_claim_ref(obj: &Object) -> Option<(String, String)> {
    let r = obj.get(&["spec", "claimRef"]);
    r.is_object().then(|| {
        let s = |k: &str| r.get(k).and_then(serde_json::Value::as_str).unwrap_or("");
        (s("namespace").to_string(), s("name").to_string())
    })
}

/// How many distinct pod specs [`Store::put`] remembers to share.
const RECENT_POD_SPECS: usize = 8;

/// A pod the scheduler has yet to bind: no `spec.nodeName`.
fn is_unbound_pod(obj: &Object) -> bool {
    obj.kind == "Pod"
        && obj.group().is_empty()
        && obj.str_at(&["spec", "nodeName"]).is_none_or(str::is_empty)
}

/// A pod the ResourceQuota pod evaluator counts: not Succeeded or Failed.
fn counts_for_quota(obj: &Object) -> bool {
    obj.kind == "Pod"
        && obj.group().is_empty()
        && !matches!(
            obj.str_at(&["status", "phase"]),
            Some("Succeeded" | "Failed")
        )
}

impl Store {
    pub fn get(&self, key: &ObjKey) -> Option<&Object> {
        self.objects.get(key).map(|o| &**o)
    }

    pub fn find(&self, gk: &str, namespace: &str, name: &str) -> Option<&Object> {
        self.objects
            .get(&ObjKey::new(gk, namespace, name))
            .map(|o| &**o)
    }

    pub fn by_uid(&self, uid: &str) -> Option<&Object> {
        self.by_uid.get(uid).map(|o| &**o)
    }

    /// Pods in a namespace not in a terminal phase (terminating pods count until they
    /// are gone), as ResourceQuota's pod evaluator counts them.
    pub fn quota_pods(&self, namespace: &str) -> usize {
        self.quota_pods.get(namespace).copied().unwrap_or(0)
    }

    /// Pods without `spec.nodeName`, in every namespace, in the order of `list_all("Pod")`.
    pub fn unbound_pods(&self) -> impl Iterator<Item = &Object> + '_ {
        self.unbound_pods
            .iter()
            .filter_map(|k| self.objects.get(k).map(|o| &**o))
    }

    /// PersistentVolumes without a `spec.claimRef`, or whose claimRef names this claim,
    /// in the order of `list("PersistentVolume", "")`: every volume a claim could match.
    pub fn volumes_for_claim<'a>(
        &'a self,
        namespace: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let mut free = self.unclaimed_volumes.iter().peekable();
        let mut ours = self
            .volumes_by_claim
            .get(&(namespace.to_string(), name.to_string()))
            .into_iter()
            .flatten()
            .peekable();
        std::iter::from_fn(move || match (free.peek(), ours.peek()) {
            (Some(a), Some(b)) if a <= b => free.next(),
            (Some(_), Some(_)) | (None, Some(_)) => ours.next(),
            (Some(_), None) => free.next(),
            (None, None) => None,
        })
        .filter_map(|k| self.objects.get(k).map(|o| &**o))
    }

    fn index_volume(&mut self, key: &ObjKey, obj: &Object, add: bool) {
        if key.gk != "PersistentVolume" {
            return;
        }
        match volume_claim_ref(obj) {
            None if add => {
                self.unclaimed_volumes.insert(key.clone());
            }
            None => {
                self.unclaimed_volumes.remove(key);
            }
            Some(c) if add => {
                self.volumes_by_claim
                    .entry(c)
                    .or_default()
                    .insert(key.clone());
            }
            Some(c) => {
                if let Some(set) = self.volumes_by_claim.get_mut(&c) {
                    set.remove(key);
                    if set.is_empty() {
                        self.volumes_by_claim.remove(&c);
                    }
                }
            }
        }
    }

    fn index_unbound(&mut self, key: &ObjKey, obj: &Object, add: bool) {
        if !is_unbound_pod(obj) {
            return;
        }
        if add {
            self.unbound_pods.insert(key.clone());
        } else {
            self.unbound_pods.remove(key);
        }
    }

    fn count_quota(&mut self, obj: &Object, add: bool) {
        if !counts_for_quota(obj) {
            return;
        }
        if add {
            *self
                .quota_pods
                .entry(obj.meta.namespace.clone())
                .or_default() += 1;
        } else if let Some(n) = self.quota_pods.get_mut(&obj.meta.namespace) {
            *n -= 1;
            if *n == 0 {
                self.quota_pods.remove(&obj.meta.namespace);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn all(&self) -> impl Iterator<Item = &Object> {
        self.objects.values().map(|o| &**o)
    }

    /// Objects of one kind in one namespace ("" lists cluster-scoped objects), by name.
    pub fn list<'a>(&'a self, gk: &str, namespace: &str) -> impl Iterator<Item = &'a Object> + 'a {
        let start = ObjKey::new(gk, namespace, "");
        let gk = gk.to_string();
        let ns = namespace.to_string();
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.gk == gk && k.namespace == ns)
            .map(|(_, o)| &**o)
    }

    /// Objects of one kind in every namespace, by namespace then name.
    pub fn list_all<'a>(&'a self, gk: &str) -> impl Iterator<Item = &'a Object> + 'a {
        let start = ObjKey::new(gk, "", "");
        let gk = gk.to_string();
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.gk == gk)
            .map(|(_, o)| &**o)
    }

    /// For time-travel checkpoints: offers every stored object of one kind (with its
    /// `Arc`, to compare versions by address) to `f`, and stores what `f` returns in its
    /// place — a copy equal in meaning (a pod with its status frozen, or thawed). No
    /// index changes but the two that hold the objects themselves (by resourceVersion and
    /// by UID), which take the copy too: else they would keep the replaced version alive.
    pub fn swap_each(
        &mut self,
        gk: &str,
        mut f: impl FnMut(&ObjKey, &Arc<Object>) -> Option<Arc<Object>>,
    ) {
        let start = ObjKey::new(gk, "", "");
        for (k, o) in self.objects.range_mut(start..) {
            if k.gk != gk {
                break;
            }
            if let Some(n) = f(k, o) {
                if let Some(slot) = self.by_rv.get_mut(&o.meta.resource_version) {
                    if Arc::ptr_eq(slot, o) {
                        *slot = n.clone();
                    }
                }
                if let Some(slot) = self.by_uid.get_mut(&o.meta.uid) {
                    if Arc::ptr_eq(slot, o) {
                        *slot = n.clone();
                    }
                }
                *o = n;
            }
        }
    }

    /// Objects of one kind in one namespace without a controller reference, by name.
    pub fn uncontrolled<'a>(
        &'a self,
        gk: &str,
        namespace: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let start = ObjKey::new(gk, namespace, "");
        let gk = gk.to_string();
        let ns = namespace.to_string();
        self.uncontrolled
            .range(start..)
            .take_while(move |k| k.gk == gk && k.namespace == ns)
            .filter_map(|k| self.objects.get(k).map(|o| &**o))
    }

    /// Pods in a namespace that carry the label `key=value`, by name.
    pub fn pods_labelled<'a>(
        &'a self,
        namespace: &str,
        key: &str,
        value: &str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.pods_by_label
            .get(&(namespace.to_string(), key.to_string(), value.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|k| self.objects.get(k).map(|o| &**o))
    }

    /// Services whose `spec.clusterIP` is this address.
    pub fn services_with_ip<'a>(&'a self, ip: &str) -> impl Iterator<Item = &'a ObjKey> + 'a {
        self.services_by_ip.get(ip).into_iter().flatten()
    }

    /// Services with a port of this `nodePort`.
    pub fn services_with_node_port(&self, port: i64) -> impl Iterator<Item = &ObjKey> + '_ {
        self.services_by_node_port.get(&port).into_iter().flatten()
    }

    fn index_service(&mut self, key: &ObjKey, obj: &Object, add: bool) {
        if key.gk != "Service" {
            return;
        }
        if let Some(ip) = obj.str_at(&["spec", "clusterIP"]) {
            if add {
                self.services_by_ip
                    .entry(ip.to_string())
                    .or_default()
                    .insert(key.clone());
            } else if let Some(set) = self.services_by_ip.get_mut(ip) {
                set.remove(key);
                if set.is_empty() {
                    self.services_by_ip.remove(ip);
                }
            }
        }
        let ports = obj.get(&["spec", "ports"]).as_array().into_iter().flatten();
        for port in ports.filter_map(|p| p.get("nodePort").and_then(serde_json::Value::as_i64)) {
            if add {
                self.services_by_node_port
                    .entry(port)
                    .or_default()
                    .insert(key.clone());
            } else if let Some(set) = self.services_by_node_port.get_mut(&port) {
                set.remove(key);
                if set.is_empty() {
                    self.services_by_node_port.remove(&port);
                }
            }
        }
    }

    fn index_labels(&mut self, key: &ObjKey, obj: &Object, add: bool) {
        if key.gk != "Pod" {
            return;
        }
        for (k, v) in obj.meta.labels.iter() {
            let ik = (key.namespace.clone(), k.clone(), v.clone());
            if add {
                self.pods_by_label
                    .entry(ik)
                    .or_default()
                    .insert(key.clone());
            } else if let Some(set) = self.pods_by_label.get_mut(&ik) {
                set.remove(key);
                if set.is_empty() {
                    self.pods_by_label.remove(&ik);
                }
            }
        }
    }

    /// How many objects' ownerReferences name this UID (what `owned_by` yields): the
    /// capacity for a list of them, allocated once instead of grown by doubling.
    pub fn owned_count(&self, owner_uid: &str) -> usize {
        self.by_owner.get(owner_uid).map_or(0, BTreeSet::len)
    }

    /// Objects whose ownerReferences name this UID.
    pub fn owned_by<'a>(&'a self, owner_uid: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_owner
            .get(owner_uid)
            .into_iter()
            .flat_map(|keys| keys.iter())
            .filter_map(|k| self.objects.get(k).map(|o| &**o))
    }

    /// The change counter: bumped by every put and remove.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The change counter's value at the last put or remove of an object of this kind
    /// (0 if none ever happened).
    pub fn kind_seq(&self, gk: &str) -> u64 {
        self.kind_seq.get(gk).copied().unwrap_or(0)
    }

    /// The last resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// Objects written (created or updated) after resourceVersion `rv`, oldest write first.
    pub fn written_since(&self, rv: u64) -> impl Iterator<Item = &Object> + '_ {
        self.by_rv.range(rv + 1..).map(|(_, o)| &**o)
    }

    fn touch(&mut self, gk: &str) {
        self.seq += 1;
        match self.kind_seq.get_mut(gk) {
            Some(s) => *s = self.seq,
            None => {
                self.kind_seq.insert(gk.to_string(), self.seq);
            }
        }
    }

    pub fn next_resource_version(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    /// Inserts or replaces an object, bumping its resourceVersion and keeping the
    /// indices true.
    pub fn put(&mut self, mut obj: Object) -> &Object {
        obj.meta.resource_version = self.next_resource_version();
        let rv = obj.meta.resource_version;
        let key = obj.key();
        // The stored version, looked up once (each look-up compares the key's strings
        // along a B-tree path; a kubelet pass writes thousands of pods).
        let stored = self.objects.get(&key).cloned();
        if key.gk == "Pod" {
            self.share_pod_spec(stored.as_deref(), &mut obj);
            self.share_pod_labels(stored.as_deref(), &mut obj);
        }
        self.touch(&key.gk);
        if let Some(old) = stored {
            // A replacement: re-index only what changed (most writes change a status).
            let new = Arc::new(obj);
            if let Some(slot) = self.objects.get_mut(&key) {
                *slot = new.clone();
            }
            if counts_for_quota(&old) != counts_for_quota(&new) {
                self.count_quota(&old, false);
                self.count_quota(&new, true);
            }
            if is_unbound_pod(&old) != is_unbound_pod(&new) {
                self.index_unbound(&key, &old, false);
                self.index_unbound(&key, &new, true);
            }
            if key.gk == "PersistentVolume" && volume_claim_ref(&old) != volume_claim_ref(&new) {
                self.index_volume(&key, &old, false);
                self.index_volume(&key, &new, true);
            }
            self.by_rv.remove(&old.meta.resource_version);
            self.by_rv.insert(new.meta.resource_version, new.clone());
            let same_identity = old.meta.uid == new.meta.uid
                && old.meta.owner_references == new.meta.owner_references;
            let same_labels = old.meta.labels == new.meta.labels;
            let same_service = key.gk != "Service"
                || (old.get(&["spec", "clusterIP"]) == new.get(&["spec", "clusterIP"])
                    && old.get(&["spec", "ports"]) == new.get(&["spec", "ports"]));
            if same_identity {
                // (Only if the UID named this object: UIDs are unique but for tests.)
                if let Some(slot) = self.by_uid.get_mut(&new.meta.uid) {
                    if Arc::ptr_eq(slot, &old) {
                        *slot = new.clone();
                    }
                }
            }
            if same_identity && same_labels && same_service {
                return &self.by_rv[&rv];
            }
            if !same_labels {
                self.index_labels(&key, &old, false);
                self.index_labels(&key, &new, true);
            }
            if !same_service {
                self.index_service(&key, &old, false);
                self.index_service(&key, &new, true);
            }
            if !same_identity {
                self.unindex_identity(&key, &old);
                self.index_identity(&key, &new);
            }
            return &self.by_rv[&rv];
        }
        self.count_quota(&obj, true);
        self.index_unbound(&key, &obj, true);
        self.index_volume(&key, &obj, true);
        self.index_labels(&key, &obj, true);
        self.index_service(&key, &obj, true);
        let obj = Arc::new(obj);
        self.index_identity(&key, &obj);
        self.by_rv.insert(obj.meta.resource_version, obj.clone());
        self.objects.entry(key).or_insert(obj)
    }

    /// Gives a pod whose spec is new (not the stored version's) the equal spec of a
    /// recently written pod, if there is one; otherwise remembers its spec.
    fn share_pod_spec(&mut self, stored: Option<&Object>, obj: &mut Object) {
        let Some(spec) = obj.body.get_shared("spec") else {
            return;
        };
        let same = |a: &Arc<serde_json::Value>| Arc::ptr_eq(a, spec);
        let stored = stored.and_then(|o| o.body.get_shared("spec"));
        if stored.is_some_and(same) || self.recent_pod_specs.iter().any(same) {
            return;
        }
        if let Some(s) = self.recent_pod_specs.iter().find(|s| ***s == **spec) {
            let s = s.clone();
            obj.body.insert_shared("spec".into(), s);
            return;
        }
        self.recent_pod_specs.insert(0, spec.clone());
        self.recent_pod_specs.truncate(RECENT_POD_SPECS);
    }

    /// [`Store::share_pod_spec`] for labels.
    fn share_pod_labels(&mut self, stored: Option<&Object>, obj: &mut Object) {
        let labels = &obj.meta.labels;
        let same = |a: &Arc<BTreeMap<String, String>>| Arc::ptr_eq(a, labels);
        let stored = stored.map(|o| &o.meta.labels);
        if labels.is_empty() || stored.is_some_and(same) || self.recent_pod_labels.iter().any(same)
        {
            return;
        }
        if let Some(l) = self
            .recent_pod_labels
            .iter()
            .chain(stored)
            .find(|l| ***l == **labels)
        {
            obj.meta.labels = l.clone();
            return;
        }
        self.recent_pod_labels.insert(0, labels.clone());
        self.recent_pod_labels.truncate(RECENT_POD_SPECS);
    }

    /// The UID, owner and controller indices.
    fn index_identity(&mut self, key: &ObjKey, obj: &Arc<Object>) {
        if obj.controller_ref().is_none() {
            self.uncontrolled.insert(key.clone());
        }
        self.by_uid.insert(obj.meta.uid.clone(), obj.clone());
        for o in &obj.meta.owner_references {
            self.by_owner
                .entry(o.uid.clone())
                .or_default()
                .insert(key.clone());
        }
    }

    fn unindex_identity(&mut self, key: &ObjKey, old: &Object) {
        if old.controller_ref().is_none() {
            self.uncontrolled.remove(key);
        }
        self.by_uid.remove(&old.meta.uid);
        for o in &old.meta.owner_references {
            if let Some(set) = self.by_owner.get_mut(&o.uid) {
                set.remove(key);
                if set.is_empty() {
                    self.by_owner.remove(&o.uid);
                }
            }
        }
    }

    pub fn remove(&mut self, key: &ObjKey) -> Option<Object> {
        let old = self.objects.remove(key)?;
        // The other reference to the object, so that it is taken back without a copy.
        self.by_rv.remove(&old.meta.resource_version);
        self.touch(&key.gk);
        self.count_quota(&old, false);
        self.index_unbound(key, &old, false);
        self.index_volume(key, &old, false);
        self.index_labels(key, &old, false);
        self.unindex(key, &old);
        Some(Arc::unwrap_or_clone(old))
    }

    fn unindex(&mut self, key: &ObjKey, old: &Object) {
        self.index_service(key, old, false);
        self.unindex_identity(key, old);
    }
}
