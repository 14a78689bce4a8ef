//! One stored API object: typed metadata (what the store indexes and the controllers
//! read on every pass) plus the rest of the object as JSON (spec, status, data, …), so
//! kinds the simulator does not model are stored and shown exactly as written.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::time::{rfc3339, Millis};

/// The identity of a kind inside the store: `Pod`, `StatefulSet.apps`,
/// `Ingress.networking.k8s.io` — the kind qualified by its group, as kubectl prints it.
pub type GroupKind = String;

/// Where an object lives: (group-kind, namespace or "" for cluster-scoped, name).
/// Behind one `Arc`: the store's indices and every checkpoint hold many copies of each
/// key, and a copy is a pointer, not three strings. Read the parts as fields
/// (`key.name`); build one with [`ObjKey::new`] or [`ObjKey::from_parts`].
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjKey(Arc<KeyParts>);

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyParts {
    pub gk: GroupKind,
    pub namespace: String,
    pub name: String,
}

impl std::ops::Deref for ObjKey {
    type Target = KeyParts;
    fn deref(&self) -> &KeyParts {
        &self.0
    }
}

impl std::fmt::Debug for ObjKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjKey")
            .field("gk", &self.gk)
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .finish()
    }
}

impl ObjKey {
    pub fn new(gk: &str, namespace: &str, name: &str) -> Self {
        ObjKey::from_parts(gk.to_string(), namespace.to_string(), name.to_string())
    }

    pub fn from_parts(gk: GroupKind, namespace: String, name: String) -> Self {
        ObjKey(Arc::new(KeyParts {
            gk,
            namespace,
            name,
        }))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct OwnerRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    pub controller: bool,
    pub block_owner_deletion: bool,
}

impl OwnerRef {
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        m.insert("kind".into(), Value::String(self.kind.clone()));
        m.insert("name".into(), Value::String(self.name.clone()));
        m.insert("uid".into(), Value::String(self.uid.clone()));
        if self.controller {
            m.insert("controller".into(), Value::Bool(true));
        }
        if self.block_owner_deletion {
            m.insert("blockOwnerDeletion".into(), Value::Bool(true));
        }
        Value::Object(m)
    }

    pub fn from_json(v: &Value) -> Option<OwnerRef> {
        Some(OwnerRef {
            api_version: v.get("apiVersion")?.as_str()?.to_string(),
            kind: v.get("kind")?.as_str()?.to_string(),
            name: v.get("name")?.as_str()?.to_string(),
            uid: v
                .get("uid")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            controller: v
                .get("controller")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            block_owner_deletion: v
                .get("blockOwnerDeletion")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub name: String,
    pub generate_name: Option<String>,
    /// "" for cluster-scoped objects.
    pub namespace: String,
    pub uid: String,
    pub resource_version: u64,
    pub generation: u64,
    pub creation_ms: Millis,
    /// Behind `Arc`: the versions of a pod share their labels, and the replicas of one
    /// template share one map (see `Store::put`). Change with `Arc::make_mut`.
    pub labels: Arc<BTreeMap<String, String>>,
    pub annotations: BTreeMap<String, String>,
    pub owner_references: Vec<OwnerRef>,
    pub finalizers: Vec<String>,
    pub deletion_ms: Option<Millis>,
    pub deletion_grace_period_seconds: Option<i64>,
    /// The store's change counter when the object was created (not part of the API
    /// object): creation order among objects created at the same instant, which the
    /// canvas draws pods in, so that pods created a slice at a time are added at the
    /// end of their group instead of shifting the others.
    pub created_seq: u64,
}

/// The body field of a checkpoint's frozen pod version that holds its status
/// ([`Object::frozen`]): no API field name starts with a NUL.
/// `a == b`, comparing maps from their last key to their first and lists from their
/// last item. The same answer, found sooner for the values written most often: a pod's
/// status, whose `conditions` come first and are mostly unchanged, while what changes
/// (a container's `state`, `ready`, `restartCount`) sits late in key order.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .rev()
                    .zip(y.iter().rev())
                    .all(|((k, v), (l, w))| k == l && values_equal(v, w))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && x.iter()
                    .rev()
                    .zip(y.iter().rev())
                    .all(|(v, w)| values_equal(v, w))
        }
        _ => a == b,
    }
}

pub const FROZEN_STATUS: &str = "\u{0}frozen-status";

#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub api_version: String,
    pub kind: String,
    pub meta: Meta,
    /// Everything but `apiVersion`, `kind` and `metadata`.
    pub body: Body,
}

/// The top-level fields of an object but `apiVersion`, `kind` and `metadata` (`spec`,
/// `status`, `data`, …), each behind its own `Arc`: a copy of an object shares every
/// field with the original, and a write copies only the field it changes. A pod written
/// for its status shares its `spec` with every earlier version of itself, so a
/// time-travel checkpoint after 1,000 pods turned Ready holds 1,000 new statuses, not
/// 1,000 whole pods. The API is a map's (`get`, `insert`, `remove`, iteration in key
/// order, `["key"]`): a mutable access copies the field first if it is shared.
///
/// The fields are a vector sorted by name, sized to fit: a pod has two or three, and a
/// B-tree node is sized for eleven (the body of every pod version cost ~370 bytes).
#[derive(Clone, Default, PartialEq)]
pub struct Body(Vec<(String, Arc<Value>)>);

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Body {
    pub fn new() -> Body {
        Body(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_shared(key).map(|v| &**v)
    }

    /// The field to change, copied first if another version of the object shares it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.find(key).ok()?;
        Some(Arc::make_mut(&mut self.0[i].1))
    }

    /// The field to change, `null` if it was not there.
    pub fn slot(&mut self, key: &str) -> &mut Value {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, (key.to_string(), Arc::new(Value::Null)));
                i
            }
        };
        Arc::make_mut(&mut self.0[i].1)
    }

    pub fn insert(&mut self, key: String, value: Value) {
        self.insert_shared(key, Arc::new(value));
    }

    /// Sets a field to the same (shared) value another object has.
    pub fn insert_shared(&mut self, key: String, value: Arc<Value>) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => {
                self.0.insert(i, (key, value));
                self.0.shrink_to_fit();
            }
        }
    }

    /// The field as shared with other versions (to give it to another object uncopied).
    pub fn get_shared(&self, key: &str) -> Option<&Arc<Value>> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.find(key).ok()?;
        Some(Arc::unwrap_or_clone(self.0.remove(i).1))
    }

    /// Makes every field equal to the same field of `old` share `old`'s copy: an update
    /// that went through defaulting (which writes, so copies, the spec) or was built
    /// afresh (`kubectl apply`) keeps one copy of what it did not change. Returns whether
    /// the two bodies are now equal (the same fields, every one shared), found with one
    /// comparison of each field rather than a second one of the whole body.
    pub fn share_unchanged(&mut self, old: &Body) -> bool {
        let mut same = self.0.len() == old.0.len();
        for (k, v) in self.0.iter_mut() {
            match old.get_shared(k) {
                Some(o) if Arc::ptr_eq(v, o) => {}
                Some(o) if values_equal(v, o) => *v = o.clone(),
                _ => same = false,
            }
        }
        same
    }

    /// Removes a field without copying it (it may be shared with other versions).
    fn take_shared(&mut self, key: &str) -> Option<Arc<Value>> {
        let i = self.find(key).ok()?;
        Some(self.0.remove(i).1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> + '_ {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> + '_ {
        self.0.iter().map(|(k, v)| (k, &**v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Map<String, Value>> for Body {
    fn from(m: Map<String, Value>) -> Body {
        // A JSON map iterates in key order: the vector is sorted.
        Body(m.into_iter().map(|(k, v)| (k, Arc::new(v))).collect())
    }
}

impl<'a> IntoIterator for &'a Body {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Arc<Value>)>,
        fn(&'a (String, Arc<Value>)) -> (&'a String, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, &**v))
    }
}

/// `body["spec"]`: `null` when the field is not there, as for a JSON value.
impl std::ops::Index<&str> for Body {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

/// `body["spec"] = …`: the field, created as `null` when missing, copied if shared.
impl std::ops::IndexMut<&str> for Body {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        self.slot(key)
    }
}

impl Object {
    pub fn new(api_version: &str, kind: &str, namespace: &str, name: &str) -> Object {
        Object {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            meta: Meta {
                name: name.to_string(),
                namespace: namespace.to_string(),
                ..Meta::default()
            },
            body: Body::new(),
        }
    }

    /// The API group, "" for the core group.
    pub fn group(&self) -> &str {
        match self.api_version.rsplit_once('/') {
            Some((g, _)) => g,
            None => "",
        }
    }

    pub fn gk(&self) -> GroupKind {
        group_kind(self.group(), &self.kind)
    }

    pub fn key(&self) -> ObjKey {
        ObjKey::from_parts(
            self.gk(),
            self.meta.namespace.clone(),
            self.meta.name.clone(),
        )
    }

    pub fn is_deleting(&self) -> bool {
        self.meta.deletion_ms.is_some()
    }

    /// The owner reference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerRef> {
        self.meta.owner_references.iter().find(|o| o.controller)
    }

    pub fn spec(&self) -> &Value {
        self.body.get("spec").unwrap_or(&Value::Null)
    }

    pub fn status(&self) -> &Value {
        self.body.get("status").unwrap_or(&Value::Null)
    }

    /// A copy of this object with `status` replaced: the old status is not copied (a
    /// controller writing the status of 1,000 pods would copy each one's only to drop it).
    pub fn with_status(&self, status: Value) -> Object {
        let mut body = self.body.clone();
        body.insert("status".into(), status);
        Object {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            meta: self.meta.clone(),
            body,
        }
    }

    /// A copy of this object for a time-travel checkpoint's past: its `status` frozen
    /// into one compact string ([`super::frozen`]) under [`FROZEN_STATUS`], every other
    /// field shared. `None` if it has no status or it is frozen already. Such a copy is
    /// only ever kept in a checkpoint; [`Object::thawed`] gives the object back.
    pub fn frozen(&self) -> Option<Object> {
        let status = self.body.get("status")?;
        let mut o = self.clone();
        o.body.take_shared("status");
        o.body.insert(
            FROZEN_STATUS.into(),
            Value::String(super::frozen::freeze(status)),
        );
        Some(o)
    }

    /// Whether this is a checkpoint's frozen copy ([`Object::frozen`]).
    pub fn is_frozen(&self) -> bool {
        self.body.contains_key(FROZEN_STATUS)
    }

    /// The object a frozen copy was made from (equal to it); `None` if not frozen.
    pub fn thawed(&self) -> Option<Object> {
        self.thawed_over(None)
    }

    /// [`Object::thawed`], its status thawed over `spare` (a status no longer needed,
    /// whose allocations it reuses: `frozen::thaw_into`).
    pub fn thawed_over(&self, spare: Option<Value>) -> Option<Object> {
        let status = match (self.body.get(FROZEN_STATUS)?, spare) {
            (Value::String(s), Some(mut v)) => {
                if super::frozen::thaw_into(s, &mut v) {
                    Some(v)
                } else {
                    super::frozen::thaw(s)
                }
            }
            (Value::String(s), None) => super::frozen::thaw(s),
            _ => None,
        };
        debug_assert!(status.is_some(), "a frozen status thaws");
        let mut o = self.clone();
        o.body.take_shared(FROZEN_STATUS);
        o.body
            .insert("status".into(), status.unwrap_or(Value::Null));
        Some(o)
    }

    /// The status of an object no one else holds, taken out of it (to thaw another over
    /// it: [`Object::thawed_over`]); `None` if it is shared.
    pub fn into_status(this: Arc<Object>) -> Option<Value> {
        let mut o = Arc::try_unwrap(this).ok()?;
        Arc::try_unwrap(o.body.take_shared("status")?).ok()
    }

    /// A value by path of keys from the body, e.g. `["spec", "replicas"]`.
    pub fn get(&self, path: &[&str]) -> &Value {
        let Some((first, rest)) = path.split_first() else {
            return &Value::Null;
        };
        let mut v = self.body.get(*first).unwrap_or(&Value::Null);
        for k in rest {
            v = v.get(*k).unwrap_or(&Value::Null);
        }
        v
    }

    /// A mutable value by path, creating empty objects on the way.
    pub fn get_mut(&mut self, path: &[&str]) -> &mut Value {
        let (first, rest) = path.split_first().expect("a path has at least one key");
        let mut v = self.body.slot(first);
        for k in rest {
            if !v.is_object() {
                *v = Value::Object(Map::new());
            }
            v = v
                .as_object_mut()
                .unwrap()
                .entry(k.to_string())
                .or_insert(Value::Null);
        }
        v
    }

    pub fn set(&mut self, path: &[&str], value: Value) {
        *self.get_mut(path) = value;
    }

    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.get(path).as_str()
    }

    pub fn i64_at(&self, path: &[&str]) -> Option<i64> {
        self.get(path).as_i64()
    }

    /// The whole object as JSON, the way the API server returns it (`-o json|yaml`).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        m.insert("kind".into(), Value::String(self.kind.clone()));
        m.insert("metadata".into(), self.meta_json());
        for (k, v) in &self.body {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m)
    }

    pub fn meta_json(&self) -> Value {
        let meta = &self.meta;
        let mut m = Map::new();
        if !meta.annotations.is_empty() {
            m.insert("annotations".into(), str_map(&meta.annotations));
        }
        m.insert(
            "creationTimestamp".into(),
            Value::String(rfc3339(meta.creation_ms)),
        );
        if let Some(g) = meta.deletion_grace_period_seconds {
            m.insert("deletionGracePeriodSeconds".into(), Value::from(g));
        }
        if let Some(d) = meta.deletion_ms {
            m.insert("deletionTimestamp".into(), Value::String(rfc3339(d)));
        }
        if !meta.finalizers.is_empty() {
            m.insert(
                "finalizers".into(),
                Value::Array(meta.finalizers.iter().cloned().map(Value::String).collect()),
            );
        }
        if let Some(g) = &meta.generate_name {
            m.insert("generateName".into(), Value::String(g.clone()));
        }
        if meta.generation > 0 {
            m.insert("generation".into(), Value::from(meta.generation));
        }
        if !meta.labels.is_empty() {
            m.insert("labels".into(), str_map(&meta.labels));
        }
        m.insert("name".into(), Value::String(meta.name.clone()));
        if !meta.namespace.is_empty() {
            m.insert("namespace".into(), Value::String(meta.namespace.clone()));
        }
        if !meta.owner_references.is_empty() {
            m.insert(
                "ownerReferences".into(),
                Value::Array(
                    meta.owner_references
                        .iter()
                        .map(OwnerRef::to_json)
                        .collect(),
                ),
            );
        }
        m.insert(
            "resourceVersion".into(),
            Value::String(meta.resource_version.to_string()),
        );
        m.insert("uid".into(), Value::String(meta.uid.clone()));
        Value::Object(m)
    }

    /// Builds an object from a manifest document. Metadata fields the store manages
    /// (uid, resourceVersion, timestamps) are ignored; they are assigned at admission.
    /// Returns a message when the document is not an object with apiVersion and kind.
    pub fn from_manifest(v: &Value) -> Result<Object, String> {
        let m = v.as_object().ok_or_else(not_a_mapping)?;
        let mut obj = Object::head_of_manifest(m)?;
        for (k, val) in m {
            if !matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                obj.body.insert(k.clone(), val.clone());
            }
        }
        Ok(obj)
    }

    /// [`Object::from_manifest`] taking the document, whose fields then become the
    /// object's without a copy (a large CRD's schema is megabytes of values).
    pub fn from_manifest_owned(v: Value) -> Result<Object, String> {
        let Value::Object(m) = v else {
            return Err(not_a_mapping());
        };
        let mut obj = Object::head_of_manifest(&m)?;
        for (k, val) in m {
            if !matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                obj.body.insert(k, val);
            }
        }
        Ok(obj)
    }

    /// The object a manifest's mapping describes, without its body: type and metadata.
    fn head_of_manifest(m: &serde_json::Map<String, Value>) -> Result<Object, String> {
        let api_version = m.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = m.get("kind").and_then(Value::as_str).unwrap_or("");
        if api_version.is_empty() && kind.is_empty() {
            return Err("Object 'Kind' is missing".into());
        }
        if kind.is_empty() {
            return Err("Object 'Kind' is missing".into());
        }
        if api_version.is_empty() {
            return Err(format!("Object 'apiVersion' is missing in {kind}"));
        }
        let mut obj = Object::new(api_version, kind, "", "");
        let empty = Value::Null;
        let md = m.get("metadata").unwrap_or(&empty);
        let s = |k: &str| md.get(k).and_then(Value::as_str).map(str::to_string);
        obj.meta.name = s("name").unwrap_or_default();
        obj.meta.generate_name = s("generateName");
        obj.meta.namespace = s("namespace").unwrap_or_default();
        obj.meta.labels = Arc::new(string_map(md.get("labels")));
        obj.meta.annotations = string_map(md.get("annotations"));
        if let Some(Value::Array(refs)) = md.get("ownerReferences") {
            obj.meta.owner_references = refs.iter().filter_map(OwnerRef::from_json).collect();
        }
        if let Some(Value::Array(f)) = md.get("finalizers") {
            obj.meta.finalizers = f
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect();
        }
        Ok(obj)
    }
}

fn not_a_mapping() -> String {
    "the document is not a mapping of fields".into()
}

/// `Kind` for the core group, `Kind.group` otherwise.
pub fn group_kind(group: &str, kind: &str) -> GroupKind {
    if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    }
}

fn str_map(m: &BTreeMap<String, String>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// Label and annotation maps: values that are not strings are kept as their JSON text,
/// as the API server would reject them anyway (validation reports it).
pub fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(m)) = v {
        for (k, val) in m {
            let s = match val {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.insert(k.clone(), s);
        }
    }
    out
}

#[cfg(test)]
mod values_equal_tests {
    use super::values_equal;
    use serde_json::{json, Value};

    /// A small deterministic generator of JSON values (xorshift), deep enough to have
    /// maps in lists in maps.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn value(&mut self, depth: u32) -> Value {
            match self.next() % if depth == 0 { 4 } else { 6 } {
                0 => Value::Null,
                1 => json!(self.next() % 3 == 0),
                2 => json!(self.next() % 4),
                3 => json!(["a", "b", "c"][(self.next() % 3) as usize]),
                4 => Value::Array(
                    (0..self.next() % 3)
                        .map(|_| self.value(depth - 1))
                        .collect(),
                ),
                _ => Value::Object(
                    (0..self.next() % 4)
                        .map(|_| {
                            (
                                ["k", "l", "m", "n"][(self.next() % 4) as usize].to_string(),
                                self.value(depth - 1),
                            )
                        })
                        .collect(),
                ),
            }
        }
        /// `v` with one leaf or entry changed, maybe.
        fn mutate(&mut self, v: &Value) -> Value {
            let mut v = v.clone();
            self.mutate_in(&mut v);
            v
        }
        fn mutate_in(&mut self, cur: &mut Value) {
            let step = self.next() % 3;
            match cur {
                // A key renamed, its value kept: the same size, other keys.
                Value::Object(m) if !m.is_empty() && step == 1 && m.len() < 4 => {
                    let n = (self.next() % m.len() as u64) as usize;
                    let k = m.keys().nth(n).unwrap().clone();
                    let free = ["k", "l", "m", "n"]
                        .into_iter()
                        .find(|f| !m.contains_key(*f));
                    let v = m.remove(&k).unwrap();
                    m.insert(free.unwrap().to_string(), v);
                }
                Value::Object(m) if !m.is_empty() && step > 0 => {
                    let n = (self.next() % m.len() as u64) as usize;
                    let k = m.keys().nth(n).unwrap().clone();
                    self.mutate_in(m.get_mut(&k).unwrap());
                }
                Value::Array(a) if !a.is_empty() && step > 0 => {
                    let i = (self.next() % a.len() as u64) as usize;
                    self.mutate_in(&mut a[i]);
                }
                _ => *cur = self.value(2),
            }
        }
    }

    #[test]
    fn last_first_comparison_gives_the_same_answer_as_eq() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let (mut equal, mut different) = (0, 0);
        for _ in 0..20_000 {
            let a = g.value(4);
            let b = if g.next() % 4 == 0 {
                a.clone()
            } else {
                g.mutate(&a)
            };
            assert_eq!(values_equal(&a, &b), a == b, "{a} vs {b}");
            assert_eq!(values_equal(&b, &a), a == b);
            if a == b {
                equal += 1
            } else {
                different += 1
            }
        }
        // Both answers were exercised.
        assert!(
            equal > 3_000 && different > 3_000,
            "{equal} equal, {different} different"
        );
    }
}
