//! The simulator: owns the store, virtual time, the one RNG, the event log and the
//! cluster's settings; applies API requests (create, update, delete) through admission;
//! runs the controllers in a fixed order and applies the actions they return; advances
//! time from one timer to the next.
//!
//! Nothing here reads a clock or does IO. The same seed and the same calls give the same
//! store, events and steps, byte for byte.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::admission;
use crate::api::{ClusterVersion, Discovery, ObjKey, Object, ResourceType, Store};
use crate::controllers;
use crate::errors::ApiError;
use crate::kubelet::PodRuntime;
use crate::rng::Rng;
use crate::time::Millis;

/// What a controller asks the simulator to do. Controllers never mutate the store.
#[derive(Clone, Debug)]
pub enum Action {
    /// A create request (through admission). An empty name with `generateName` gets a
    /// random suffix (R1.3).
    Create(Object),
    /// Replaces a stored object (spec, status or metadata changes), keeping its identity.
    Update(Object),
    /// A delete request, as `kubectl delete` sends it: graceful for pods, deferred by
    /// finalizers for everything.
    Delete {
        key: ObjKey,
        grace_seconds: Option<i64>,
    },
    /// Removes an object from storage now (a pod whose containers stopped; an object
    /// whose last finalizer went).
    Remove(ObjKey),
    /// The kubelet started a pod sandbox: allocate the pod IP and set `hostIP`/`podIP`.
    AssignPodIp(ObjKey),
    /// The kubelet's private state of a pod (see `kubelet`); `None` forgets it.
    Runtime {
        uid: String,
        runtime: Option<PodRuntime>,
    },
    /// The node now has this image (later pulls of it are fast).
    ImagePresent(String),
    /// An external provisioner started provisioning a volume for the claim with this
    /// UID (see `Sim::provisioning`).
    ProvisioningStarted(String),
    /// The Job controller's pod failure back-off record of a Job (by UID): consecutive
    /// failures since the last success and when the last of them finished; `None`
    /// forgets it (see `controllers::job`).
    JobBackoff {
        uid: String,
        record: Option<(u32, Millis)>,
    },
    /// A Kubernetes Event about an object.
    Event(EventSpec),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventSpec {
    pub regarding: ObjKey,
    pub kind: String,
    pub uid: String,
    pub warning: bool,
    pub reason: String,
    pub message: String,
}

impl EventSpec {
    pub fn normal(obj: &Object, reason: &str, message: String) -> Action {
        Action::Event(EventSpec {
            regarding: obj.key(),
            kind: obj.kind.clone(),
            uid: obj.meta.uid.clone(),
            warning: false,
            reason: reason.into(),
            message,
        })
    }

    pub fn warning(obj: &Object, reason: &str, message: String) -> Action {
        Action::Event(EventSpec {
            regarding: obj.key(),
            kind: obj.kind.clone(),
            uid: obj.meta.uid.clone(),
            warning: true,
            reason: reason.into(),
            message,
        })
    }
}

/// In an Event message, stands for the name the preceding `Action::Create` of the same
/// batch got from `generateName` (R1.3): a controller cannot know it in advance.
pub const GENERATED_NAME: &str = "{generated-name}";

/// What one controller returns from one pass.
#[derive(Clone, Default, Debug)]
pub struct Out {
    pub actions: Vec<Action>,
    /// The earliest virtual time at which this controller wants to run again even if
    /// nothing changes (a grace period ending, a back-off expiring).
    pub wake: Option<Millis>,
}

impl Out {
    pub fn push(&mut self, a: Action) {
        self.actions.push(a);
    }

    pub fn wake_at(&mut self, t: Millis) {
        self.wake = Some(self.wake.map_or(t, |w| w.min(t)));
    }
}

/// A Kubernetes Event as `kubectl get events` shows it, with repeats counted.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub first_ms: Millis,
    pub last_ms: Millis,
    pub count: u32,
    pub warning: bool,
    pub reason: String,
    /// `pod/mongo-0` style.
    pub object: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub message: String,
    pub source: &'static str,
}

/// One change the simulator made, for animation, the timeline and causal chains.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub time: Millis,
    /// The controller (or `kubectl`) that caused it.
    pub actor: &'static str,
    pub verb: StepVerb,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepVerb {
    Created,
    Updated,
    /// A delete request set `deletionTimestamp` (Terminating).
    Deleting,
    Removed,
}

/// minikube-level settings of the simulated cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub node_name: String,
    pub node_ip: String,
    pub addons: BTreeSet<String>,
    /// `minikube tunnel` is running: LoadBalancer Services get an external IP.
    pub tunnel: bool,
}

impl Cluster {
    fn same_as(&self, other: &Cluster) -> bool {
        self.node_name == other.node_name
            && self.node_ip == other.node_ip
            && self.tunnel == other.tunnel
            && self.addons == other.addons
    }
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            node_name: "minikube".into(),
            // R7.9 / §13.6: the docker driver's usual node IP (UNVERIFIED; chosen).
            node_ip: "192.168.49.2".into(),
            addons: BTreeSet::new(),
            tunnel: false,
        }
    }
}

/// Bound on controller rounds at one instant; a model bug that never settles stops here.
pub const MAX_ROUNDS_PER_INSTANT: usize = 1_000;
/// The most pods one namespace may hold: the simulator behaves as if every namespace had
/// a ResourceQuota `orrery-simulator` with `hard: {pods: "5000"}`, so that a workload
/// scaled to 100,000 replicas is accepted (as the API server accepts it) while the pods
/// beyond the limit fail to be created, each refusal a FailedCreate event with the quota
/// plugin's message — and the tab stays usable. ARCHITECTURE.md, "Bounds".
pub const MAX_PODS: usize = 5_000;
/// The simulated quota's name, as its messages print it.
pub const POD_QUOTA: &str = "orrery-simulator";
/// Bound on the event log (older events are dropped, as the real TTL does).
pub const MAX_EVENTS: usize = 5_000;
/// How far back (in appended records) [`Sim::recent_event`] answers from its index.
pub const EVENT_INDEX_WINDOW: usize = 1_000;
/// How far back [`Sim::event`] looks for the same event to count a repeat.
const EVENT_REPEAT_LOOKBACK: usize = 64;

/// The index key of an event's (object UID, reason[, message]).
fn event_key(uid: &str, reason: &str, message: Option<&str>) -> u64 {
    use std::hash::{Hash, Hasher};
    // Fixed keys: the same on every run and every machine.
    let mut h = std::hash::DefaultHasher::new();
    (uid, reason, message).hash(&mut h);
    h.finish()
}

#[derive(Clone, Debug)]
pub struct Sim {
    pub store: Store,
    pub now: Millis,
    pub rng: Rng,
    pub version: ClusterVersion,
    pub discovery: Discovery,
    pub cluster: Cluster,
    /// Behind `Arc`, so a cloned simulator (a time-travel checkpoint) shares the log.
    pub events: VecDeque<std::sync::Arc<EventRecord>>,
    /// Steps since the caller last drained them. Each behind `Arc`: a past moment
    /// rebuilt by the timeline gets thousands of the live log's steps, as pointers.
    pub steps: Vec<std::sync::Arc<Step>>,
    /// Per-volume file trees (issue: data on volumes); keyed by volume identity.
    pub volumes: BTreeMap<String, BTreeMap<String, String>>,
    /// The kubelet's state of each pod, by pod UID; each behind `Arc`, so a checkpoint
    /// shares the runtimes that did not change since (a write copies one, `make_mut`).
    pub runtime: BTreeMap<String, std::sync::Arc<PodRuntime>>,
    /// Why each claim has its storage class, as admission saw it (R5.14, R5.15): the page
    /// explains "explicit" vs "default at admission" vs "retroactive". Keyed by claim.
    pub claim_class_origins: BTreeMap<ObjKey, controllers::persistentvolume::ClassOrigin>,
    /// Images already pulled on the node.
    pub node_images: BTreeSet<String>,
    /// The external provisioners' claims in progress (the `claimsInProgress` of
    /// sig-storage-lib-external-provisioner): claim UID → when provisioning started
    /// (R5.7). Kept until the claim is removed. It was read from the claim's
    /// `Provisioning` event, which a bounded event log loses once a thousand claims
    /// provision at once: they then never finished (FUZZING.md, session 4).
    pub provisioning: BTreeMap<String, Millis>,
    next_pod_ip: u32,
    next_cluster_ip: u32,
    next_node_port: u32,
    wake: Option<Millis>,
    actor: &'static str,
    /// The name the last `Action::Create` got (None if it failed), for `GENERATED_NAME`.
    last_created: Option<String>,
    /// Per controller (by index in `controllers::ORDER`): what it saw at its last pass.
    passes: Vec<Option<Pass>>,
    /// The controller running now (index in `ORDER`), for `last_pass`.
    running: Option<usize>,
    /// Objects removed from the store, oldest first; `removed_base` is the absolute
    /// index of `removed[0]` (older entries every consumer has seen are dropped).
    removed: Vec<Removed>,
    removed_base: usize,
    /// Change counters of the state outside the store that controllers read.
    runtime_seq: u64,
    images_seq: u64,
    events_seq: u64,
    /// How many records were ever appended to `events` (the first one still there is
    /// number `events_pushed - events.len()`), and the newest record number of each
    /// (object, reason) and (object, reason, message), by hash, among the last
    /// [`EVENT_INDEX_WINDOW`] appended: [`Sim::recent_event`] answers from it instead of
    /// scanning back through the log for every waiting object on every pass.
    events_pushed: u64,
    event_index: BTreeMap<u64, u64>,
    /// The cluster settings and version as the last round saw them, and a counter
    /// bumped when they differ (they are changed directly, by `minikube` commands).
    settings: Option<(Cluster, ClusterVersion)>,
    settings_seq: u64,
    /// `(due, pod UID)` of every runtime with something due (see `PodRuntime::due`).
    kubelet_due: BTreeSet<(Millis, String)>,
    /// Run every controller even when it would be skipped, and panic if a skipped one
    /// returns actions or a different wake-up: a test mode guarding the skips.
    pub verify_skips: bool,
    /// The workqueue rate limiter of the controllers whose pod creations the API server
    /// refused: owner UID → (time of the last refusal, refusals so far). Read by the
    /// replicaset controller to back off (`failed_create_retry`).
    pub create_failures: BTreeMap<String, (Millis, u32)>,
    /// The Job controller's `backoffStore`: per Job UID, the failures since its last
    /// success and when the last one finished. Kept in memory as upstream keeps it: the
    /// failed pods it counts may be gone (a deleted pod is a failure).
    pub job_backoff: BTreeMap<String, (u32, Millis)>,
    /// The actions buffer of the last controller pass, emptied and handed to the next
    /// one: a pass over 1,000 pods returns thousands of actions, and allocating and
    /// freeing that buffer for every pass was a measurable part of a busy instant.
    spare_actions: Vec<Action>,
    /// Controller rounds run so far (a measure of work, for tests that bound it).
    rounds: u64,
    /// Work begun and not finished (a settle or an advance cut short by [`Sim::work`]'s
    /// `should_yield`). Every request and every other way in finishes it first.
    pending: Option<Box<Pending>>,
    /// `settle()` only notes that the store must settle, as pending work, instead of
    /// settling now: the page sets it around a command line so the command's busy instant
    /// is done in slices, frame by frame ([`Sim::work`]). Not part of the state.
    pub defer_settle: bool,
    /// The simulated pod quota per namespace: [`MAX_PODS`], except where
    /// [`Sim::set_pod_quota`] lowered it (the `session` fuzz target, FUZZING.md).
    pod_quota: usize,
    /// `kubectl get -w`'s tap on the writes of one kind ([`crate::watch`]); closed
    /// unless a watcher of the live session opened it. Not part of the state.
    pub watch: crate::watch::Tap,
}

/// Work the simulator began and has not finished: a settle (the rounds done so far and
/// the round in progress), and the advance of time it belongs to, if any. Resuming it
/// applies exactly what the uninterrupted call would have, in the same order, so the
/// store, events, resource versions and steps do not depend on where it was cut.
#[derive(Clone, Debug, Default)]
struct Pending {
    settle: Option<Settling>,
    advance: Option<Advancing>,
}

/// A settle in progress (see [`Sim::settle`]).
#[derive(Clone, Debug, Default)]
struct Settling {
    /// Rounds finished, for [`MAX_ROUNDS_PER_INSTANT`], and actions applied by them.
    rounds: usize,
    total: usize,
    round: Option<Round>,
}

/// A round in progress (see [`Sim::round`]): the next controller to consider, and the
/// actions of the last one that ran, applied up to `pos`.
#[derive(Clone, Debug)]
struct Round {
    next: usize,
    applied: usize,
    wake: Option<Millis>,
    actions: Vec<Action>,
    pos: usize,
    actor: &'static str,
    /// The controller pass in progress, when `should_yield` cut it.
    cut: Option<Cut>,
}

/// A controller pass cut between two of its items (see [`controllers::Slice`]): which
/// controller, the counters at the start of its pass, what it returned so far, and how
/// many of its items are done.
#[derive(Clone, Debug)]
struct Cut {
    i: usize,
    pass: Pass,
    out: Out,
    done: usize,
}

/// An advance of time in progress (see [`Sim::advance`]): its deadline, and whether the
/// settle in progress is the one at the deadline (the last).
#[derive(Clone, Debug)]
struct Advancing {
    deadline: Millis,
    last: bool,
}

/// What a controller saw when it last ran: the change counters at the start of its pass
/// and the wake-up it asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    pub now: Millis,
    /// `Store::seq` and `Store::resource_version` at the start of the pass.
    pub seq: u64,
    pub rv: u64,
    /// Absolute index into the removal log (see `Sim::removed_since`).
    pub removed: usize,
    pub runtime_seq: u64,
    pub images_seq: u64,
    pub events_seq: u64,
    pub settings_seq: u64,
    pub wake: Option<Millis>,
}

/// An entry of the departure log: an object removed from the store, or the previous
/// labels and controller of an object whose labels or controller reference changed (it
/// left the selections and the owner it had), as incremental controllers need to know.
#[derive(Clone, Debug, PartialEq)]
pub struct Removed {
    pub key: ObjKey,
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    /// The UID of its controller (ownerReference with `controller: true`).
    pub controller: Option<String>,
}

impl Removed {
    fn of(key: &ObjKey, obj: &Object) -> Removed {
        Removed {
            key: key.clone(),
            uid: obj.meta.uid.clone(),
            labels: (*obj.meta.labels).clone(),
            controller: obj.controller_ref().map(|r| r.uid.clone()),
        }
    }
}

/// The departure log's bound: past it the oldest entries go, and a controller that has
/// not seen them makes a full pass.
const MAX_DEPARTURES: usize = 4_096;

impl Sim {
    /// `verify_skips`, which only native tests and `orrery check` set: always false in
    /// the page's wasm, so the verification passes and the `Debug` printing of their
    /// actions are not compiled into it.
    #[inline(always)]
    pub fn verifying_skips(&self) -> bool {
        !cfg!(target_arch = "wasm32") && self.verify_skips
    }

    /// An empty API server (no node, no namespaces). Use `cluster::bootstrap` for a
    /// ready cluster.
    pub fn new(seed: u64, version: ClusterVersion) -> Sim {
        Sim {
            store: Store::default(),
            now: 0,
            rng: Rng::new(seed),
            version,
            discovery: Discovery::for_version(version),
            cluster: Cluster::default(),
            events: VecDeque::new(),
            steps: Vec::new(),
            volumes: BTreeMap::new(),
            runtime: BTreeMap::new(),
            claim_class_origins: BTreeMap::new(),
            node_images: BTreeSet::new(),
            provisioning: BTreeMap::new(),
            next_pod_ip: 2,
            next_cluster_ip: 1,
            next_node_port: 0,
            wake: None,
            actor: "kubectl",
            last_created: None,
            passes: vec![None; controllers::ORDER.len()],
            running: None,
            removed: Vec::new(),
            removed_base: 0,
            runtime_seq: 0,
            images_seq: 0,
            events_seq: 0,
            events_pushed: 0,
            event_index: BTreeMap::new(),
            settings: None,
            settings_seq: 0,
            kubelet_due: BTreeSet::new(),
            verify_skips: false,
            create_failures: BTreeMap::new(),
            job_backoff: BTreeMap::new(),
            spare_actions: Vec::new(),
            rounds: 0,
            pending: None,
            defer_settle: false,
            pod_quota: MAX_PODS,
            watch: crate::watch::Tap::default(),
        }
    }

    /// The simulated pod quota of every namespace ([`MAX_PODS`] unless lowered).
    pub fn pod_quota(&self) -> usize {
        self.pod_quota
    }

    /// Lowers (or raises) the simulated pod quota of every namespace. The page, the
    /// command line and the tests keep [`MAX_PODS`]; the `session` fuzz target runs with a
    /// lower quota so that one input's work stays far below libFuzzer's hang limit while
    /// every path of the quota (the refusals, the controllers' back-off) is still reached
    /// (FUZZING.md, "Session 10"). The cost at [`MAX_PODS`] is bounded by the work-counting
    /// tests (`tests/quota_work.rs`, `tests/sts_claims_work.rs`, `tests/backoff_work.rs`).
    pub fn set_pod_quota(&mut self, pods: usize) {
        self.pod_quota = pods;
    }

    /// The StatefulSet controller looks at no more ordinals than this: one past what the
    /// quota admits, so that the refusal of the next pod is visible.
    pub fn max_replicas(&self) -> i64 {
        self.pod_quota as i64 + 1
    }

    // ----- API requests -------------------------------------------------------------

    /// The type of an object's apiVersion/kind, or the R9.5 error.
    pub fn resource_type(&self, obj: &Object) -> Result<ResourceType, ApiError> {
        self.discovery
            .for_api_version(&obj.api_version, &obj.kind)
            .cloned()
            .ok_or_else(|| ApiError::NoKindMatch {
                kind: obj.kind.clone(),
                api_version: obj.api_version.clone(),
            })
    }

    /// A create request: discovery, namespace checks, admission, identity.
    pub fn create(&mut self, mut obj: Object) -> Result<ObjKey, ApiError> {
        self.finish();
        let rt = self.resource_type(&obj)?;
        if rt.namespaced {
            if obj.meta.namespace.is_empty() {
                obj.meta.namespace = "default".into();
            }
        } else {
            obj.meta.namespace.clear();
        }
        if obj.meta.name.is_empty() {
            if let Some(base) = obj.meta.generate_name.clone() {
                obj.meta.name = self.fresh_generated_name(&rt, &obj.meta.namespace, &base);
            }
        }
        if rt.namespaced {
            match self.store.find("Namespace", "", &obj.meta.namespace) {
                None => {
                    return Err(ApiError::NotFound { resource: "namespaces".into(), name: obj.meta.namespace.clone() })
                }
                Some(ns) if ns.is_deleting() => {
                    return Err(ApiError::Forbidden {
                        resource: rt.qualified_plural(),
                        name: obj.meta.name.clone(),
                        message: format!(
                            "unable to create new content in namespace {} because it is being terminated",
                            obj.meta.namespace
                        ),
                    })
                }
                Some(_) => {}
            }
        }
        let obj = admission::admit_create(self, &rt, obj)?;
        // The ResourceQuota plugin is the last validating admission step.
        if obj.kind == "Pod" {
            if let Some(e) = self.pod_quota_error(&obj.meta.namespace, &obj.meta.name, 1) {
                return Err(e);
            }
        }
        if self.store.get(&obj.key()).is_some() {
            return Err(ApiError::AlreadyExists {
                resource: rt.qualified_plural(),
                name: obj.meta.name.clone(),
            });
        }
        Ok(self.insert_new(obj))
    }

    /// Pods counted by the simulated quota in a namespace: every pod not in a terminal
    /// phase, as ResourceQuota's pod evaluator counts them (terminating pods count until
    /// they are gone).
    pub fn pods_in_quota(&self, namespace: &str) -> usize {
        // Kept by the store as pods are written (it was a count over every pod of the
        // namespace, on every pod creation near the limit and every ReplicaSet sync).
        debug_assert_eq!(
            self.store.quota_pods(namespace),
            self.store
                .list("Pod", namespace)
                .filter(|p| !matches!(p.str_at(&["status", "phase"]), Some("Succeeded" | "Failed")))
                .count()
        );
        self.store.quota_pods(namespace)
    }

    /// How many more pods the simulated quota admits in a namespace — exactly, or a lower
    /// bound of at least `burstReplicas` when the whole store is far from the limit.
    pub fn pod_quota_room(&self, namespace: &str) -> usize {
        let lower = self.pod_quota.saturating_sub(self.store.len());
        if lower >= crate::controllers::replicaset::BURST_REPLICAS {
            return lower;
        }
        self.pod_quota.saturating_sub(self.pods_in_quota(namespace))
    }

    /// The simulated ResourceQuota `orrery-simulator` (hard `pods: 5000` in every
    /// namespace, ARCHITECTURE.md): the API server's refusal of `requested` more pods, in
    /// the quota admission plugin's words, or None when they fit.
    pub fn pod_quota_error(
        &self,
        namespace: &str,
        name: &str,
        requested: usize,
    ) -> Option<ApiError> {
        // Cheap test first: fewer objects in the whole store than the limit.
        if self.store.len() + requested <= self.pod_quota {
            return None;
        }
        let used = self.pods_in_quota(namespace);
        (used + requested > self.pod_quota).then(|| ApiError::Forbidden {
            resource: "pods".into(),
            name: name.into(),
            message: format!(
                "exceeded quota: {POD_QUOTA}, requested: pods={requested}, used: pods={used}, limited: pods={}", self.pod_quota
            ),
        })
    }

    fn fresh_generated_name(&mut self, rt: &ResourceType, namespace: &str, base: &str) -> String {
        // R1.3: never produce a duplicate; retry as RetryGenerateName does.
        loop {
            let name = crate::names::generated_name(base, &self.rng.suffix(5));
            if self.store.find(&rt.gk(), namespace, &name).is_none() {
                return name;
            }
        }
    }

    /// Stores an admitted object with a fresh identity.
    fn insert_new(&mut self, mut obj: Object) -> ObjKey {
        obj.meta.uid = self.rng.uuid();
        obj.meta.creation_ms = self.now;
        obj.meta.created_seq = self.store.seq();
        obj.meta.deletion_ms = None;
        if admission::has_generation(&obj) {
            obj.meta.generation = 1;
        }
        if obj.kind == "Job" && obj.api_version == "batch/v1" {
            // The Job strategy's `PrepareForCreate` needs the UID (`generateSelector`).
            controllers::job::generate_selector(self.version, &mut obj);
        }
        let key = obj.key();
        self.record(StepVerb::Created, &obj);
        if obj.kind == "CustomResourceDefinition" {
            if let Some(rt) = admission::crd_resource_type(&obj) {
                self.discovery.register(rt);
            }
        }
        self.store.put(obj);
        key
    }

    /// An update request (apply, patch, scale, a controller writing status): admission
    /// for updates, generation bump on spec change, removal once a deleting object has
    /// no finalizers left.
    pub fn update(&mut self, obj: Object) -> Result<ObjKey, ApiError> {
        self.finish();
        let key = obj.key();
        let Some(old) = self.store.get(&key) else {
            let resource = self
                .discovery
                .by_gk(&key.gk)
                .map(|t| t.qualified_plural())
                .unwrap_or(key.gk.clone());
            return Err(ApiError::NotFound {
                resource,
                name: key.name.clone(),
            });
        };
        let obj = if admission::defaulting_allocates(&key.gk) {
            let old = old.clone();
            let obj = admission::admit_update(self, &old, obj)?;
            self.finish_update(&old, obj)
        } else {
            // No copy of the stored object: admission only reads the simulator.
            let obj = admission::admit_update_readonly(self, old, obj)?;
            self.finish_update(old, obj)
        };
        let Some((obj, departed)) = obj else {
            return Ok(key);
        };
        if let Some(d) = departed {
            self.removed.push(d);
        }
        if obj.meta.deletion_ms.is_some()
            && obj.meta.finalizers.is_empty()
            && !is_graceful_kind(&obj)
        {
            self.remove(&key);
            return Ok(key);
        }
        self.record(StepVerb::Updated, &obj);
        self.store.put(obj);
        Ok(key)
    }

    /// The stored identity, deletion state and generation (bumped on a spec change)
    /// over an admitted update; None when nothing changed. With it, the departure record
    /// of the old labels and controller when they change.
    fn finish_update(&self, old: &Object, mut obj: Object) -> Option<(Object, Option<Removed>)> {
        obj.meta.uid.clone_from(&old.meta.uid);
        obj.meta.creation_ms = old.meta.creation_ms;
        obj.meta.created_seq = old.meta.created_seq;
        obj.meta.deletion_ms = old.meta.deletion_ms;
        obj.meta.deletion_grace_period_seconds = old.meta.deletion_grace_period_seconds;
        obj.meta.generation = old.meta.generation;
        // One copy of the fields the update leaves as they were (the spec of a status
        // write), shared with the stored version and so with every checkpoint.
        let same_body = obj.body.share_unchanged(&old.body);
        // `share_unchanged` made an equal spec the stored one's own copy: the same
        // pointer is the same spec, another pointer another spec.
        let spec_same = || match (obj.body.get_shared("spec"), old.body.get_shared("spec")) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            (a, b) => a.is_none() && b.is_none(),
        };
        debug_assert_eq!(spec_same(), obj.body.get("spec") == old.body.get("spec"));
        if admission::has_generation(&obj) && !spec_same() {
            obj.meta.generation = old.meta.generation + 1;
        }
        // The body was compared field by field above: only the rest is compared here.
        let unchanged = same_body
            && obj.meta == old.meta
            && obj.kind == old.kind
            && obj.api_version == old.api_version;
        debug_assert_eq!(unchanged, obj == *old);
        if unchanged {
            return None;
        }
        let departed = (obj.meta.labels != old.meta.labels
            || obj.controller_ref().map(|r| &r.uid) != old.controller_ref().map(|r| &r.uid))
        .then(|| Removed::of(&old.key(), old));
        Some((obj, departed))
    }

    /// A delete request (R5.10, R3.8, §12.3): objects with finalizers, pods on a node
    /// and namespaces get `deletionTimestamp` and linger; others go at once.
    pub fn delete(&mut self, key: &ObjKey, grace_seconds: Option<i64>) -> Result<(), ApiError> {
        self.finish();
        let Some(obj) = self.store.get(key).cloned() else {
            let resource = self
                .discovery
                .by_gk(&key.gk)
                .map(|t| t.qualified_plural())
                .unwrap_or(key.gk.clone());
            return Err(ApiError::NotFound {
                resource,
                name: key.name.clone(),
            });
        };
        if obj.is_deleting() {
            // A second delete may shorten a pod's grace period (`--grace-period=0 --force`).
            if obj.kind == "Pod" && grace_seconds == Some(0) {
                self.remove(key);
            }
            return Ok(());
        }
        let mut obj = obj;
        let graceful_pod = obj.kind == "Pod"
            && obj
                .str_at(&["spec", "nodeName"])
                .is_some_and(|n| !n.is_empty())
            && grace_seconds != Some(0)
            && !matches!(
                obj.str_at(&["status", "phase"]),
                Some("Succeeded" | "Failed")
            );
        if obj.kind == "Namespace" {
            obj.meta.deletion_ms = Some(self.now);
            obj.set(&["status", "phase"], Value::String("Terminating".into()));
            self.record(StepVerb::Deleting, &obj);
            self.store.put(obj);
        } else if graceful_pod {
            let grace = grace_seconds
                .or_else(|| obj.i64_at(&["spec", "terminationGracePeriodSeconds"]))
                .unwrap_or(30)
                .max(0);
            obj.meta.deletion_ms = Some(self.now + grace * 1000);
            obj.meta.deletion_grace_period_seconds = Some(grace);
            self.record(StepVerb::Deleting, &obj);
            self.store.put(obj);
        } else if !obj.meta.finalizers.is_empty() {
            obj.meta.deletion_ms = Some(self.now);
            obj.meta.deletion_grace_period_seconds = Some(0);
            self.record(StepVerb::Deleting, &obj);
            self.store.put(obj);
        } else {
            self.remove(key);
        }
        Ok(())
    }

    /// Removes an object from storage. Dependents are left to the garbage collector.
    pub fn remove(&mut self, key: &ObjKey) {
        self.finish();
        if let Some(obj) = self.store.remove(key) {
            if let Some(rt) = self.runtime.remove(&obj.meta.uid) {
                self.runtime_seq += 1;
                if let Some(d) = rt.due {
                    self.kubelet_due.remove(&(d, obj.meta.uid.clone()));
                }
            }
            self.removed.push(Removed::of(key, &obj));
            crate::volumes::on_removed(self, &obj);
            self.record(StepVerb::Removed, &obj);
            if obj.kind == "CustomResourceDefinition" {
                if let Some(rt) = admission::crd_resource_type(&obj) {
                    self.discovery.unregister(&rt.group, &rt.kind);
                }
            }
        }
    }

    fn record(&mut self, verb: StepVerb, obj: &Object) {
        if self.watch.wants(&obj.kind, || obj.gk()) {
            let mut object = obj.clone();
            // The resourceVersion the write is about to get (`Store::put` follows every
            // record but a removal's, which keeps the last one).
            if verb != StepVerb::Removed {
                object.meta.resource_version = self.store.resource_version() + 1;
            }
            self.watch.push(crate::watch::Tapped {
                time: self.now,
                verb,
                object,
            });
        }
        self.steps.push(std::sync::Arc::new(Step {
            time: self.now,
            actor: self.actor,
            verb,
            kind: obj.kind.clone(),
            namespace: obj.meta.namespace.clone(),
            name: obj.meta.name.clone(),
            uid: obj.meta.uid.clone(),
        }));
    }

    /// Records an Event, counting repeats of the same (object, reason, message) as kubectl
    /// shows them (`x3 over 2m`).
    pub fn event(&mut self, e: EventSpec) {
        self.events_seq += 1;
        if let Some(i) = self.repeat_of(&e) {
            let last = std::sync::Arc::make_mut(&mut self.events[i]);
            last.count += 1;
            last.last_ms = self.now;
            return;
        }
        let object = format!("{}/{}", e.kind.to_ascii_lowercase(), e.regarding.name);
        let number = self.events_pushed;
        self.events_pushed += 1;
        self.event_index
            .insert(event_key(&e.uid, &e.reason, None), number);
        self.event_index
            .insert(event_key(&e.uid, &e.reason, Some(&e.message)), number);
        if self.event_index.len() > 4 * EVENT_INDEX_WINDOW {
            let oldest = self.events_pushed.saturating_sub(EVENT_INDEX_WINDOW as u64);
            self.event_index.retain(|_, n| *n >= oldest);
        }
        self.events.push_back(std::sync::Arc::new(EventRecord {
            first_ms: self.now,
            last_ms: self.now,
            count: 1,
            warning: e.warning,
            reason: e.reason,
            object,
            kind: e.kind,
            namespace: e.regarding.namespace.clone(),
            name: e.regarding.name.clone(),
            uid: e.uid,
            message: e.message,
            source: self.actor,
        }));
        while self.events.len() > MAX_EVENTS {
            self.events.pop_front();
        }
    }

    /// Where [`Sim::event`] counts a repeat: the position of the newest of the last
    /// [`EVENT_REPEAT_LOOKBACK`] records about the same object with the same reason,
    /// message and type. Answered from the event index (the newest record of each object,
    /// reason and message); it scans those records only when the indexed one differs (a
    /// hash collision, or the other type). At 5,000 pods in image-pull back-off, the scan
    /// for every event compared up to 64 UIDs.
    fn repeat_of(&self, e: &EventSpec) -> Option<usize> {
        let same = |r: &EventRecord| {
            r.uid == e.uid
                && r.reason == e.reason
                && r.message == e.message
                && r.warning == e.warning
        };
        let number = *self
            .event_index
            .get(&event_key(&e.uid, &e.reason, Some(&e.message)))?;
        let first = self.events_pushed - self.events.len() as u64;
        let window = self
            .events_pushed
            .saturating_sub(EVENT_REPEAT_LOOKBACK as u64);
        if number < first.max(window) {
            // The newest record with this key (or a colliding one, which is newer) is
            // older than the window: nothing in it matches.
            return None;
        }
        let i = (number - first) as usize;
        if same(&self.events[i]) {
            return Some(i);
        }
        let n = self.events.len();
        self.events
            .iter()
            .rev()
            .take(EVENT_REPEAT_LOOKBACK)
            .position(|r| same(r))
            .map(|back| n - 1 - back)
    }

    /// The newest of the last `lookback` events about `uid` with `reason` (and `message`,
    /// when given): what scanning back through them finds, answered from an index. With
    /// `lookback` beyond the index's window, or on a hash collision, it scans.
    pub fn recent_event(
        &self,
        uid: &str,
        reason: &str,
        message: Option<&str>,
        lookback: usize,
    ) -> Option<&EventRecord> {
        let is = |e: &EventRecord| {
            e.uid == uid && e.reason == reason && message.is_none_or(|m| e.message == m)
        };
        let scan = || {
            self.events
                .iter()
                .rev()
                .take(lookback)
                .find(|e| is(e))
                .map(|e| &**e)
        };
        if lookback > EVENT_INDEX_WINDOW {
            return scan();
        }
        let number = *self.event_index.get(&event_key(uid, reason, message))?;
        let first = self.events_pushed - self.events.len() as u64;
        let window = self.events_pushed.saturating_sub(lookback as u64);
        if number < first.max(window) {
            // The newest record with this key (or a colliding one, which is newer)
            // is older than the window: nothing in it matches.
            return None;
        }
        let e = &self.events[(number - first) as usize];
        if is(e) {
            Some(e)
        } else {
            scan()
        }
    }

    // ----- allocators ---------------------------------------------------------------

    /// Next pod IP in the node's pod CIDR, 10.244.0.0/16 (minikube's default).
    pub fn allocate_pod_ip(&mut self) -> String {
        let n = self.next_pod_ip;
        self.next_pod_ip += 1;
        format!("10.244.{}.{}", (n / 254) % 256, n % 254 + 1)
    }

    /// Next ClusterIP in 10.96.0.0/12 (§13.5, UNVERIFIED default; chosen). The first is
    /// 10.96.0.1, the `kubernetes` Service.
    pub fn allocate_cluster_ip(&mut self) -> String {
        let n = self.next_cluster_ip;
        self.next_cluster_ip += 1;
        if n == 1 {
            return "10.96.0.1".into();
        }
        // Spread the rest as the real allocator's random choice would, deterministically.
        let r = 10 + self.rng.below(65_000) as u32;
        format!(
            "10.{}.{}.{}",
            96 + (r >> 16) % 16,
            (r >> 8) & 0xFF,
            (r & 0xFF).max(2)
        )
    }

    /// A free NodePort in 30000–32767 (R6.7), random like the real allocator.
    pub fn allocate_node_port(&mut self) -> i64 {
        self.next_node_port += 1;
        loop {
            let p = 30000 + self.rng.below(2768) as i64;
            if self.store.services_with_node_port(p).next().is_none() {
                return p;
            }
        }
    }

    // ----- the loop -----------------------------------------------------------------

    /// One round: every controller once, in the fixed order of `controllers::ORDER`,
    /// each seeing what the ones before it did. Returns the number of actions applied.
    ///
    /// A controller none of whose inputs (`controllers::WATCHES`) changed since its last
    /// pass, and whose wake-up time has not come, is skipped: controllers are functions
    /// of what they read, so its pass would return nothing new.
    pub fn round(&mut self) -> usize {
        self.finish();
        let mut r = self.round_begin();
        self.round_run(&mut r, &mut || false, &mut true);
        self.round_end(r)
    }

    fn round_begin(&mut self) -> Round {
        self.rounds += 1;
        self.note_settings();
        Round {
            next: 0,
            applied: 0,
            wake: None,
            actions: std::mem::take(&mut self.spare_actions),
            pos: 0,
            actor: "kubectl",
            cut: None,
        }
    }

    /// Runs the round from where it stands until it is done (true) or, once something
    /// was done (`progress`), `should_yield` says to stop (false): asked before each
    /// action applied, before each controller pass, and before each item of a pass that
    /// can be cut (`controllers::SLICED`).
    fn round_run(
        &mut self,
        r: &mut Round,
        should_yield: &mut dyn FnMut() -> bool,
        progress: &mut bool,
    ) -> bool {
        loop {
            while r.pos < r.actions.len() {
                if *progress && should_yield() {
                    return false;
                }
                // A placeholder that owns nothing takes the action's place.
                let action =
                    std::mem::replace(&mut r.actions[r.pos], Action::ImagePresent(String::new()));
                r.pos += 1;
                self.actor = r.actor;
                r.applied += self.apply(action) as usize;
                self.actor = "kubectl";
                *progress = true;
            }
            r.actions.clear();
            r.pos = 0;
            let (i, pass, mut out, done) = match r.cut.take() {
                // A pass cut by the last slice: nothing changed since, so it resumes
                // where it stopped.
                Some(c) => (c.i, c.pass, c.out, c.done),
                None => {
                    let Some((name, controller)) = controllers::ORDER.get(r.next) else {
                        return true;
                    };
                    let i = r.next;
                    let pass = self.pass_start();
                    let skip = self.passes[i]
                        .as_ref()
                        .is_some_and(|last| self.unchanged_for(&controllers::WATCHES[i], last));
                    if skip && !self.verifying_skips() {
                        let w = self.passes[i].as_ref().and_then(|p| p.wake);
                        r.wake = min_wake(r.wake, w, self.now);
                        r.next += 1;
                        continue;
                    }
                    if *progress && should_yield() {
                        return false;
                    }
                    r.next += 1;
                    let out = Out {
                        actions: std::mem::take(&mut r.actions),
                        wake: None,
                    };
                    if skip || controllers::SLICED[i].is_none() {
                        let mut out = out;
                        *progress = true;
                        self.running = Some(i);
                        controller(self, &mut out);
                        self.running = None;
                        if skip {
                            let last = self.passes[i].as_ref().and_then(|p| p.wake);
                            if !out.actions.is_empty() || out.wake != last {
                                panic!(
                                    "controller {name} was skipped at {} ms but its pass returns {:?} (wake {:?}, last wake {last:?})",
                                    self.now, out.actions, out.wake
                                );
                            }
                            r.actions = out.actions;
                            r.wake = min_wake(r.wake, last, self.now);
                            continue;
                        }
                        self.pass_end(r, i, pass, out);
                        continue;
                    }
                    (i, pass, out, 0)
                }
            };
            // A pass that can be cut, begun or resumed.
            let sliced = controllers::SLICED[i].expect("a pass that can be cut");
            let mut slice = controllers::Slice::new(done, *progress, &mut *should_yield);
            self.running = Some(i);
            sliced(self, &mut out, &mut slice);
            self.running = None;
            let (stop, p) = slice.end();
            *progress = p;
            if let Some(done) = stop {
                r.cut = Some(Cut { i, pass, out, done });
                return false;
            }
            self.pass_end(r, i, pass, out);
        }
    }

    /// The bookkeeping of a controller's finished pass: its wake-up, what it saw, and its
    /// actions to apply next.
    fn pass_end(&mut self, r: &mut Round, i: usize, pass: Pass, out: Out) {
        r.wake = min_wake(r.wake, out.wake, self.now);
        self.passes[i] = Some(Pass {
            wake: out.wake,
            ..pass
        });
        r.actor = controllers::ORDER[i].0;
        r.actions = out.actions;
    }

    /// The controller whose pass the pending work stopped in the middle of, if any
    /// (tests, and the page's benchmark traces).
    pub fn cut_pass(&self) -> Option<&'static str> {
        let i = self
            .pending
            .as_ref()?
            .settle
            .as_ref()?
            .round
            .as_ref()?
            .cut
            .as_ref()?
            .i;
        Some(controllers::ORDER[i].0)
    }

    fn round_end(&mut self, mut r: Round) -> usize {
        self.wake = r.wake;
        self.trim_removed();
        r.actions.clear();
        self.spare_actions = r.actions;
        r.applied
    }

    /// The counters at the start of a pass.
    fn pass_start(&self) -> Pass {
        Pass {
            now: self.now,
            seq: self.store.seq(),
            rv: self.store.resource_version(),
            removed: self.removed_base + self.removed.len(),
            runtime_seq: self.runtime_seq,
            images_seq: self.images_seq,
            events_seq: self.events_seq,
            settings_seq: self.settings_seq,
            wake: None,
        }
    }

    /// Nothing a controller watches changed since `last`, and its wake-up is not due.
    fn unchanged_for(&self, watch: &controllers::Watch, last: &Pass) -> bool {
        if last.wake.is_some_and(|w| w <= self.now)
            || last.settings_seq != self.settings_seq
            || (watch.runtime && last.runtime_seq != self.runtime_seq)
            || (watch.images && last.images_seq != self.images_seq)
            || (watch.events && last.events_seq != self.events_seq)
        {
            return false;
        }
        match watch.kinds {
            None => self.store.seq() == last.seq,
            Some(kinds) => kinds.iter().all(|k| self.store.kind_seq(k) <= last.seq),
        }
    }

    /// Notices changes of the cluster settings and version made directly.
    fn note_settings(&mut self) {
        let same = self
            .settings
            .as_ref()
            .is_some_and(|(c, v)| *v == self.version && c.same_as(&self.cluster));
        if !same {
            self.settings = Some((self.cluster.clone(), self.version));
            self.settings_seq += 1;
        }
    }

    /// Drops departure records that every controller reading them has seen, and the
    /// oldest past `MAX_DEPARTURES`.
    fn trim_removed(&mut self) {
        let min = self
            .passes
            .iter()
            .zip(controllers::WATCHES)
            .filter(|(_, w)| w.departures)
            .map(|(p, _)| p.as_ref().map_or(usize::MAX, |p| p.removed))
            .min()
            .unwrap_or(usize::MAX);
        let mut n = min
            .saturating_sub(self.removed_base)
            .min(self.removed.len());
        n = n.max(self.removed.len().saturating_sub(MAX_DEPARTURES));
        if n > 0 {
            self.removed.drain(..n);
            self.removed_base += n;
        }
    }

    /// The running controller's previous pass when it can work incrementally from it:
    /// it ran before, the wake-up it asked for is not due, the cluster settings did not
    /// change, and every departure since is still in the log. Otherwise None: make a
    /// full pass.
    pub fn incremental_since(&self) -> Option<&Pass> {
        let last = self.last_pass()?;
        if last.wake.is_some_and(|w| w <= self.now)
            || last.settings_seq != self.settings_seq
            || !self.removals_known_since(last)
        {
            return None;
        }
        Some(last)
    }

    /// The running controller's previous pass (None on its first pass, or outside a
    /// round): incremental controllers look at what changed since.
    pub fn last_pass(&self) -> Option<&Pass> {
        self.passes[self.running?].as_ref()
    }

    /// Departures (removals; label or controller changes) since `pass` started.
    pub fn removed_since(&self, pass: &Pass) -> &[Removed] {
        let from = pass
            .removed
            .saturating_sub(self.removed_base)
            .min(self.removed.len());
        &self.removed[from..]
    }

    /// Whether removals since `pass` are still known (they are for every controller that
    /// watches every kind).
    pub fn removals_known_since(&self, pass: &Pass) -> bool {
        pass.removed >= self.removed_base
    }

    /// Applies one controller action; returns whether it changed anything.
    fn apply(&mut self, action: Action) -> bool {
        match action {
            Action::Create(obj) => {
                let owner = obj.controller_ref().cloned();
                let ns = obj.meta.namespace.clone();
                match self.create(obj) {
                    Ok(key) => {
                        self.last_created = Some(key.name.clone());
                        true
                    }
                    Err(e) => {
                        self.last_created = None;
                        // The controller's FailedCreate event is its own to emit; the
                        // API error is recorded on the owner so it is never silent.
                        if let Some(o) = owner {
                            let f = self.create_failures.entry(o.uid.clone()).or_default();
                            *f = (self.now, f.1.saturating_add(1));
                            let key = ObjKey::new(
                                &crate::api::object::group_kind(
                                    o.api_version.rsplit_once('/').map_or("", |(g, _)| g),
                                    &o.kind,
                                ),
                                &ns,
                                &o.name,
                            );
                            self.event(EventSpec {
                                regarding: key,
                                kind: o.kind.clone(),
                                uid: o.uid.clone(),
                                warning: true,
                                reason: "FailedCreate".into(),
                                // The replicaset controller's `"Error creating: %v"`.
                                message: format!("Error creating: {}", e.message()),
                            });
                        }
                        false
                    }
                }
            }
            Action::Update(obj) => {
                let seen = obj.meta.resource_version;
                let kubelet = (self.actor == "kubelet").then(|| obj.meta.uid.clone());
                let ok = self.update(obj).is_ok();
                if let (true, Some(uid)) = (ok, kubelet) {
                    self.kubelet_wrote(&uid, seen);
                }
                ok
            }
            Action::Delete { key, grace_seconds } => self.delete(&key, grace_seconds).is_ok(),
            Action::Remove(key) => {
                let existed = self.store.get(&key).is_some();
                self.remove(&key);
                existed
            }
            Action::AssignPodIp(key) => {
                let Some(mut pod) = self.store.get(&key).cloned() else {
                    return false;
                };
                if pod.str_at(&["status", "podIP"]).is_some() {
                    return false;
                }
                let ip = self.allocate_pod_ip();
                pod.set(
                    &["status", "hostIP"],
                    Value::String(self.cluster.node_ip.clone()),
                );
                pod.set(&["status", "podIP"], Value::String(ip.clone()));
                pod.set(&["status", "podIPs"], serde_json::json!([{ "ip": ip }]));
                let seen = pod.meta.resource_version;
                let uid = pod.meta.uid.clone();
                let ok = self.update(pod).is_ok();
                if ok && self.actor == "kubelet" {
                    self.kubelet_wrote(&uid, seen);
                }
                ok
            }
            Action::Runtime { uid, runtime } => {
                let changed = self.runtime.get(&uid).map(|rt| &**rt) != runtime.as_ref();
                if changed {
                    self.runtime_seq += 1;
                }
                let old_due = self.runtime.get(&uid).and_then(|rt| rt.due);
                if let Some(d) = old_due {
                    self.kubelet_due.remove(&(d, uid.clone()));
                }
                match runtime {
                    Some(rt) if self.store.by_uid(&uid).is_some() => {
                        if let Some(d) = rt.due {
                            self.kubelet_due.insert((d, uid.clone()));
                        }
                        self.runtime.insert(uid, std::sync::Arc::new(rt));
                    }
                    _ => {
                        self.runtime.remove(&uid);
                    }
                }
                changed
            }
            Action::ImagePresent(image) => {
                let added = self.node_images.insert(image);
                self.images_seq += added as u64;
                added
            }
            Action::ProvisioningStarted(uid) => {
                // It always comes with the provisioner's `Provisioning` event, which
                // tells the controllers that read it that something changed.
                self.provisioning.entry(uid).or_insert(self.now);
                false
            }
            Action::JobBackoff { uid, record } => {
                let changed = match record {
                    Some(r) => self.job_backoff.insert(uid, r) != Some(r),
                    None => self.job_backoff.remove(&uid).is_some(),
                };
                // Only the Job controller reads it, and only with the Jobs and pods
                // whose changes came with it.
                changed
            }
            Action::Event(mut e) => {
                // An event about a generated name (`Created pod: …`) names what the
                // preceding Create made, and is dropped if that create failed.
                if e.message.contains(GENERATED_NAME) {
                    let Some(name) = self.last_created.clone() else {
                        return false;
                    };
                    e.message = e.message.replace(GENERATED_NAME, &name);
                }
                self.event(e);
                false
            }
        }
    }

    /// After the kubelet's own write of a pod it saw at `seen_rv`: its runtime is synced
    /// with the written version too (rendering the status again gives the same status).
    fn kubelet_wrote(&mut self, uid: &str, seen_rv: u64) {
        // By UID (hashed), not by key: the pod the kubelet read and wrote.
        let Some(pod) = self.store.by_uid(uid) else {
            return;
        };
        if let Some(rt) = self.runtime.get_mut(&pod.meta.uid) {
            if rt.synced_rv == seen_rv {
                std::sync::Arc::make_mut(rt).synced_rv = pod.meta.resource_version;
            }
        }
    }

    /// UIDs of the pods whose runtime has something due at or before `t`.
    pub fn kubelet_due_by(&self, t: Millis) -> impl Iterator<Item = &str> + '_ {
        self.kubelet_due
            .iter()
            .take_while(move |(d, _)| *d <= t)
            .map(|(_, uid)| uid.as_str())
    }

    /// The earliest due instant among the runtimes `keep` accepts (by pod UID).
    pub fn kubelet_next_due(&self, keep: impl Fn(&str) -> bool) -> Option<Millis> {
        self.kubelet_due
            .iter()
            .find(|(_, uid)| keep(uid))
            .map(|(d, _)| *d)
    }

    /// Runs rounds at the current instant until nothing changes (bounded). Returns the
    /// number of actions applied. With [`Sim::defer_settle`] it only begins the settle,
    /// as pending work (and returns 0).
    pub fn settle(&mut self) -> usize {
        self.finish();
        if self.defer_settle {
            self.pending = Some(Box::new(Pending {
                settle: Some(Settling::default()),
                advance: None,
            }));
            return 0;
        }
        self.settle_now()
    }

    fn settle_now(&mut self) -> usize {
        let mut s = Settling::default();
        self.settle_run(&mut s, &mut || false, &mut true);
        s.total
    }

    fn settle_run(
        &mut self,
        s: &mut Settling,
        should_yield: &mut dyn FnMut() -> bool,
        progress: &mut bool,
    ) -> bool {
        loop {
            let r = match &mut s.round {
                Some(r) => r,
                None => {
                    if s.rounds >= MAX_ROUNDS_PER_INSTANT {
                        return true;
                    }
                    s.round.insert(self.round_begin())
                }
            };
            if !self.round_run(r, should_yield, progress) {
                return false;
            }
            let r = s.round.take().expect("the round just run");
            let n = self.round_end(r);
            s.rounds += 1;
            s.total += n;
            if n == 0 {
                return true;
            }
        }
    }

    /// Events recorded so far, repeats counted ([`Sim::event`]): with the steps, the
    /// measure of replay work the timeline places its checkpoints by (a kubelet pulling,
    /// creating and starting the containers of a thousand pods writes their events, and
    /// replays them, with no step).
    pub fn events_recorded(&self) -> u64 {
        self.events_seq
    }

    /// Controller rounds run so far.
    pub fn rounds(&self) -> u64 {
        self.rounds
    }

    /// When the controllers next want to run, if nothing else happens.
    pub fn next_wake(&self) -> Option<Millis> {
        self.wake
    }

    /// Advances virtual time by `ms`, running the controllers at every timer on the way.
    pub fn advance(&mut self, ms: Millis) {
        self.begin_advance(ms);
        self.finish();
    }

    /// Begins an advance of virtual time by `ms` as pending work, done by [`Sim::work`]
    /// (or [`Sim::finish`]) exactly as [`Sim::advance`] does it.
    pub fn begin_advance(&mut self, ms: Millis) {
        self.finish();
        self.pending = Some(Box::new(Pending {
            settle: Some(Settling::default()),
            advance: Some(Advancing {
                deadline: self.now + ms.max(0),
                last: false,
            }),
        }));
    }

    /// Whether work was begun and not finished (the store may be between two actions of
    /// a controller's pass).
    pub fn busy(&self) -> bool {
        self.pending.is_some()
    }

    /// Continues the pending work until it is done (returns true) or `should_yield`
    /// returns true (false: call again later). It is asked between actions, controller
    /// passes and the items of a long pass (`controllers::Slice`), never before the first
    /// one, so every call makes progress.
    /// However the work is cut, the result is the same as doing it in one go.
    pub fn work(&mut self, mut should_yield: impl FnMut() -> bool) -> bool {
        let Some(mut p) = self.pending.take() else {
            return true;
        };
        let mut progress = false;
        loop {
            if let Some(s) = &mut p.settle {
                if !self.settle_run(s, &mut should_yield, &mut progress) {
                    self.pending = Some(p);
                    return false;
                }
                p.settle = None;
            }
            // `advance_until` with nothing to wait for, step by step.
            let Some(a) = &mut p.advance else {
                return true;
            };
            if a.last {
                return true;
            }
            match self.wake {
                Some(w) if w <= a.deadline => self.now = w.max(self.now + 1),
                _ => {
                    self.now = self.now.max(a.deadline);
                    a.last = true;
                }
            }
            p.settle = Some(Settling::default());
        }
    }

    /// Does the pending work, if any, in one go.
    pub fn finish(&mut self) {
        if self.pending.is_some() {
            self.work(|| false);
        }
    }

    /// Advances time until `done` holds (checked after each settle) or `deadline`.
    /// Returns whether `done` held.
    pub fn advance_until(&mut self, deadline: Millis, mut done: impl FnMut(&Sim) -> bool) -> bool {
        self.finish();
        loop {
            self.settle_now();
            if done(self) {
                return true;
            }
            match self.wake {
                Some(w) if w <= deadline => self.now = w.max(self.now + 1),
                _ => {
                    self.now = self.now.max(deadline);
                    self.settle_now();
                    return done(self);
                }
            }
        }
    }

    /// Takes the steps recorded since the last call.
    pub fn drain_steps(&mut self) -> Vec<std::sync::Arc<Step>> {
        std::mem::take(&mut self.steps)
    }
}

fn min_wake(a: Option<Millis>, b: Option<Millis>, now: Millis) -> Option<Millis> {
    match b {
        Some(w) => {
            let w = w.max(now + 1);
            Some(a.map_or(w, |x| x.min(w)))
        }
        None => a,
    }
}

/// Pods on a node linger after their last finalizer until the kubelet removes them; a
/// pod on no node has nothing to stop and goes with its last finalizer (a Job's pod
/// deleted while Pending stayed Terminating for ever once the Job controller took its
/// tracking finalizer off).
fn is_graceful_kind(obj: &Object) -> bool {
    (obj.kind == "Pod"
        && obj
            .str_at(&["spec", "nodeName"])
            .is_some_and(|n| !n.is_empty()))
        || obj.kind == "Namespace"
}
