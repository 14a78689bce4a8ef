//! The cluster canvas: the SVG drawing of `orrery::scene::build`, and its animation.
//!
//! The scene is rebuilt once per change of the cluster (a `Memo` behind a cheap stamp of
//! the store, so idle clock ticks cost one scan and no rebuild). Every node, edge and
//! region is keyed by UID in a `<For>`: a node keeps its DOM element for as long as its
//! object lives, so a moved node glides (a CSS transition on its transform), a new one
//! grows in (a CSS animation), and `mongo-0` recreated is a new element with a new UID,
//! whose claim line draws anew. One effect diffs each new layout against the previous one
//! and writes per-node and per-edge signals (`cells`, keyed by id): a change notifies only
//! the nodes that changed, and no view subscribes to the shared layout. A group of more
//! than `scene::GLYPH_GROUP` pods is drawn as glyphs by one view per group (`glyphs`),
//! which rewrites only the attributes of the pods that changed.
//!
//! Pod states differ in colour, border and icon (`icon`), so the canvas reads in
//! greyscale. Motion is CSS only and `prefers-reduced-motion` turns it off; nothing here
//! waits for an animation, so input is never blocked.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use orrery::api::ObjKey;
use orrery::routing::{self, Hop, Outcome, Route};
use orrery::scene::{self, Edge, EdgeKind, Node, NodeKind, Scene, Status};
use orrery::sim::Sim;
use orrery::time::Millis;

use crate::commands;
use crate::i18n::{I18n, Lang, T};
use crate::state::Playground;

#[path = "canvas_cells.rs"]
pub mod cells;
#[path = "canvas_glyphs.rs"]
mod glyphs;
use cells::{EdgeCells, EdgeItem, GlyphCells, GroupItem, NodeCells, NodeData, NodeItem};

// ------------------------------------------------------------------ pure, tested natively

/// The scene and what the page draws beside it, for one state of the cluster.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub scene: Scene,
    index: NodeIndex,
    /// Objects being deleted: (deletionTimestamp, grace period in seconds), by UID.
    pub deletion: HashMap<String, (Millis, i64)>,
    /// Dynamically provisioned volumes, with the UID of the StorageClass they came from.
    pub provisioned_from: HashMap<String, String>,
    /// The edges drawn: the scene's, less the owner lines of crowded groups.
    pub edges: Vec<Edge>,
}

/// The scene's nodes by id, without a copy of each id (a thousand UIDs copied and hashed
/// per draw): by a 64-bit hash of the id, the node's own id checked on every lookup. An
/// id whose hash another id already holds goes to `spill`, searched in turn. For an id
/// given twice the later node is found, as a map collected from the nodes would give.
#[derive(Clone, Debug)]
struct NodeIndex {
    by_hash: HashMap<u64, usize, std::hash::BuildHasherDefault<Passthrough>>,
    spill: Vec<usize>,
    /// [`id_hash`] (another in a test, to make ids collide).
    hash: fn(&str) -> u64,
}

impl Default for NodeIndex {
    fn default() -> NodeIndex {
        NodeIndex {
            by_hash: HashMap::default(),
            spill: vec![],
            hash: id_hash,
        }
    }
}

/// The hasher of [`NodeIndex`]: its keys are hashes already.
#[derive(Default)]
struct Passthrough(u64);

impl std::hash::Hasher for Passthrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = orrery::scene::fnv1a(self.0, bytes);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// FNV-1a of an id.
fn id_hash(id: &str) -> u64 {
    orrery::scene::fnv1a(orrery::scene::FNV_OFFSET, id.as_bytes())
}

impl NodeIndex {
    fn of(nodes: &[Node]) -> NodeIndex {
        Self::hashed_by(nodes, id_hash)
    }

    fn hashed_by(nodes: &[Node], hash: fn(&str) -> u64) -> NodeIndex {
        let mut index = NodeIndex {
            hash,
            ..NodeIndex::default()
        };
        index.by_hash.reserve(nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            match index.by_hash.entry(hash(&n.id)) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    if nodes[*o.get()].id == n.id {
                        o.insert(i);
                    } else {
                        index.spill.push(i);
                    }
                }
            }
        }
        index
    }

    fn find(&self, nodes: &[Node], id: &str) -> Option<usize> {
        match self.by_hash.get(&(self.hash)(id)) {
            Some(&i) if nodes.get(i).is_some_and(|n| n.id == id) => Some(i),
            Some(_) => self
                .spill
                .iter()
                .rev()
                .copied()
                .find(|&i| nodes.get(i).is_some_and(|n| n.id == id)),
            None => None,
        }
    }
}

/// Owner → pod lines are drawn for at most this many pods of one owner; a bigger group
/// is already shown as its owner's by where it sits, and a hundred lines are noise.
pub const MAX_OWNER_LINES: usize = scene::PODS_PER_ROW;

impl PartialEq for Layout {
    fn eq(&self, other: &Layout) -> bool {
        self.scene == other.scene
            && self.deletion == other.deletion
            && self.provisioned_from == other.provisioned_from
    }
}

impl Layout {
    pub fn of(sim: &Sim) -> Layout {
        // Pods' states are remembered across builds (a jump or a frame rebuilds the
        // scene with mostly the same pod versions).
        thread_local! {
            static VISUALS: std::cell::RefCell<scene::VisualCache> = Default::default();
        }
        let scene = VISUALS.with(|c| scene::build_cached(sim, &mut c.borrow_mut()));
        let index = NodeIndex::of(&scene.nodes);
        let mut deletion = HashMap::new();
        let mut provisioned_from = HashMap::new();
        for n in &scene.nodes {
            if !matches!(n.kind, NodeKind::Pod | NodeKind::Claim | NodeKind::Volume) {
                continue;
            }
            let Some(obj) = sim.store.by_uid(&n.id) else {
                continue;
            };
            if let Some(at) = obj.meta.deletion_ms {
                let grace = obj.meta.deletion_grace_period_seconds.unwrap_or(0);
                deletion.insert(n.id.clone(), (at, grace));
            }
            if n.kind == NodeKind::Volume
                && obj
                    .meta
                    .annotations
                    .contains_key("pv.kubernetes.io/provisioned-by")
            {
                if let Some(sc) = obj
                    .str_at(&["spec", "storageClassName"])
                    .and_then(|c| sim.store.find("StorageClass.storage.k8s.io", "", c))
                {
                    provisioned_from.insert(n.id.clone(), sc.meta.uid.clone());
                }
            }
        }
        let mut owned: HashMap<&str, usize> = HashMap::new();
        for e in &scene.edges {
            if e.kind == EdgeKind::Owns {
                *owned.entry(e.from.as_str()).or_default() += 1;
            }
        }
        let edges = scene
            .edges
            .iter()
            .filter(|e| e.kind != EdgeKind::Owns || owned[e.from.as_str()] <= MAX_OWNER_LINES)
            .cloned()
            .collect();
        Layout {
            scene,
            index,
            deletion,
            provisioned_from,
            edges,
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.index
            .find(&self.scene.nodes, id)
            .map(|i| &self.scene.nodes[i])
    }

    /// Where the default-class stars go: the top-right corner of each default class.
    pub fn stars(&self) -> Vec<(f32, f32)> {
        self.scene
            .nodes
            .iter()
            .filter(|n| n.star)
            .map(|n| (n.x + n.w - 16.0, n.y + 12.0))
            .collect()
    }
}

thread_local! {
    /// A layout built ahead of the frame that draws it ([`prepare`]), by its stamp.
    static PREPARED: std::cell::RefCell<Option<((u64, usize, usize), Arc<Layout>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Builds the layout of `sim` ahead of the frame that draws it: the clock calls it at
/// the end of a frame that worked when the next frame draws, so that the draw's frame
/// does not also build the scene (about a third of its script with 1,000 pods;
/// BENCHMARKS.md, "Frames, session 8"). The canvas takes it if the cluster's stamp is
/// still the same when it draws ([`layout_for`]).
pub fn prepare(sim: &Sim) {
    let s = stamp(sim);
    if PREPARED.with(|p| p.borrow().as_ref().is_some_and(|(at, _)| *at == s)) {
        return;
    }
    let layout = Arc::new(Layout::of(sim));
    PREPARED.with(|p| *p.borrow_mut() = Some((s, layout)));
}

/// The layout of `sim`, whose stamp is `s`: the one [`prepare`] built if it was built
/// for this stamp (the scene is a function of what the stamp fingerprints), else built
/// now.
pub fn layout_for(sim: &Sim, s: (u64, usize, usize)) -> Arc<Layout> {
    let ready = PREPARED.with(|p| {
        let mut p = p.borrow_mut();
        let ready = p.as_ref().and_then(|(at, l)| (*at == s).then(|| l.clone()));
        if ready.is_none() {
            // Built for another moment: not kept alive beside the one built now.
            *p = None;
        }
        ready
    });
    ready.unwrap_or_else(|| Arc::new(Layout::of(sim)))
}

/// A cheap fingerprint of what the scene is built from: any object written raises the
/// highest resourceVersion, any object removed lowers the count. One scan, no clones.
pub fn stamp(sim: &Sim) -> (u64, usize, usize) {
    let max_rv = sim
        .store
        .all()
        .map(|o| o.meta.resource_version)
        .max()
        .unwrap_or(0);
    (max_rv, sim.store.len(), sim.cluster.addons.len())
}

/// The icon (an SVG symbol id) a node shows: a pod's or a storage object's state, or
/// what kind of thing it is.
pub fn icon(kind: NodeKind, status: Status) -> &'static str {
    match (kind, status) {
        (_, Status::Pending) => "i-pending",
        (_, Status::Creating) => "i-creating",
        (_, Status::Running) => "i-running",
        (_, Status::Ready) => "i-ready",
        (_, Status::Terminating) => "i-terminating",
        (_, Status::Failed) | (_, Status::Lost) => "i-failed",
        (_, Status::Succeeded) => "i-succeeded",
        (_, Status::Bound) => "i-bound",
        (_, Status::Available) => "i-available",
        (_, Status::Released) => "i-released",
        (NodeKind::Client, _) => "i-client",
        (NodeKind::IngressController, _) => "i-controller",
        (NodeKind::IngressRule, _) => "i-rule",
        (NodeKind::Service, _) => "i-service",
        (NodeKind::Deployment, _) => "i-deployment",
        (NodeKind::ReplicaSet, _) => "i-replicaset",
        (NodeKind::StatefulSet, _) => "i-statefulset",
        (NodeKind::Job, _) => "i-job",
        (NodeKind::StorageClass, _) => "i-class",
        (NodeKind::Volume, _) => "i-volume",
        (NodeKind::Machine, _) => "i-ready",
        (NodeKind::Pod | NodeKind::Claim, Status::Neutral) => "i-pending",
    }
}

/// The state in words, for screen readers and the legend.
pub fn status_words(status: Status) -> &'static str {
    match status {
        Status::Pending => "Pending",
        Status::Creating => "ContainerCreating",
        Status::Running => "Running, not ready",
        Status::Ready => "Ready",
        Status::Terminating => "Terminating",
        Status::Failed => "Failed",
        Status::Succeeded => "Completed",
        Status::Bound => "Bound",
        Status::Available => "Available",
        Status::Released => "Released",
        Status::Lost => "Lost",
        Status::Neutral => "",
    }
}

/// [`status_words`] in `lang`: the words kubectl prints stay as kubectl prints them.
pub fn status_words_in(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Running => T::StatusRunningNotReady.get(lang),
        s => status_words(s),
    }
}

/// The Kubernetes kind a node stands for, if it is an object one can act on.
pub fn object_kind(kind: NodeKind) -> Option<&'static str> {
    Some(match kind {
        NodeKind::Service => "Service",
        NodeKind::Deployment => "Deployment",
        NodeKind::ReplicaSet => "ReplicaSet",
        NodeKind::StatefulSet => "StatefulSet",
        NodeKind::Job => "Job",
        NodeKind::Pod => "Pod",
        NodeKind::Claim => "PersistentVolumeClaim",
        NodeKind::Volume => "PersistentVolume",
        NodeKind::StorageClass => "StorageClass",
        NodeKind::Machine => "Node",
        NodeKind::Client | NodeKind::IngressController | NodeKind::IngressRule => return None,
    })
}

/// The `data-testid` of a node of this kind.
pub fn testid(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Client => "client",
        NodeKind::IngressController => "ingress-controller",
        NodeKind::IngressRule => "ingress-rule",
        NodeKind::Service => "service",
        NodeKind::Deployment => "deployment",
        NodeKind::ReplicaSet => "replicaset",
        NodeKind::StatefulSet => "statefulset",
        NodeKind::Job => "job",
        NodeKind::Pod => "pod",
        NodeKind::Claim => "claim",
        NodeKind::Volume => "volume",
        NodeKind::StorageClass => "storageclass",
        NodeKind::Machine => "machine",
    }
}

fn kind_title(kind: NodeKind, lang: Lang) -> &'static str {
    match kind {
        NodeKind::Client => T::KindClient,
        NodeKind::IngressController => T::KindIngressController,
        NodeKind::IngressRule => T::KindIngressRule,
        NodeKind::Service => T::KindService,
        NodeKind::Deployment => T::KindDeployment,
        NodeKind::ReplicaSet => T::KindReplicaSet,
        NodeKind::StatefulSet => T::KindStatefulSet,
        NodeKind::Job => T::KindJob,
        NodeKind::Pod => T::KindPod,
        NodeKind::Claim => T::KindClaim,
        NodeKind::Volume => T::KindVolume,
        NodeKind::StorageClass => T::KindStorageClass,
        NodeKind::Machine => T::KindNode,
    }
    .get(lang)
}

/// The scene's own words on a node (not kubectl's, not an object's name) in `lang`:
/// the request lane's `client` and `ingress controller` boxes.
pub fn label_in(node: &Node, lang: Lang) -> String {
    match node.kind {
        NodeKind::Client => T::LaneClient.get(lang).into(),
        NodeKind::IngressController => T::LaneController.get(lang).into(),
        _ => node.name.clone(),
    }
}

/// A node's second line in `lang`: `addon disabled`, and the `1/1 ready` of a workload;
/// the rest (a pod's kubectl status, a capacity, an IP) stays as it is.
pub fn detail_in(detail: &str, lang: Lang) -> String {
    if detail == "addon disabled" {
        return T::AddonDisabled.get(lang).into();
    }
    // A node (machine): `192.168.49.2 · 12 pods`, `cordoned · 12 pods`, `tainted · …`.
    if let Some((place, pods)) = detail.rsplit_once(" · ") {
        let count = pods
            .strip_suffix(" pods")
            .or_else(|| pods.strip_suffix(" pod"));
        if let Some(n) = count.filter(|n| n.parse::<u64>().is_ok()) {
            let place = match place {
                "cordoned" => T::NodeCordoned.get(lang),
                "tainted" => T::NodeTainted.get(lang),
                ip => ip,
            };
            return format!("{place} · {}", T::NodePods.fill(lang, &[&n]));
        }
    }
    // A Job: `1/3 complete`.
    if let Some(count) = detail.strip_suffix(" complete") {
        if count.split('/').all(|n| n.parse::<i64>().is_ok()) {
            return T::NodeCompleteCount.fill(lang, &[&count]);
        }
    }
    match detail.strip_suffix(" ready") {
        Some(count) if count.split('/').all(|n| n.parse::<i64>().is_ok()) => {
            T::NodeReadyCount.fill(lang, &[&count])
        }
        _ => detail.to_string(),
    }
}

/// A node's hover sentence in `lang`. The scene writes these in English; the ones it
/// writes itself are rebuilt here from their parts (a pod's waiting message is the
/// scheduler's or kubelet's, and stays as Kubernetes wrote it). A claim's is `claim`
/// (how it got its class), which the caller words with the simulator at hand.
pub fn explain_in(node: &Node, lang: Lang, claim: Option<String>) -> String {
    let e = node.explain.as_str();
    if lang == Lang::En || e.is_empty() {
        return e.to_string();
    }
    match node.kind {
        NodeKind::StorageClass if node.star => T::ExplainDefaultClass.fill(lang, &[&node.name]),
        NodeKind::StorageClass => T::ExplainNotDefaultClass.fill(lang, &[&node.name]),
        NodeKind::Volume => {
            let phase = e
                .rsplit_once(" (")
                .map_or("", |(_, p)| p.trim_end_matches(')'));
            T::ExplainVolume.fill(lang, &[&node.name, &phase])
        }
        NodeKind::IngressRule => {
            // `Ingress NS/NAME: host HOST, path PATH (TYPE)`
            let parsed = e.strip_prefix("Ingress ").and_then(|rest| {
                let (ing, rest) = rest.split_once(": host ")?;
                let (host, rest) = rest.split_once(", path ")?;
                let (path, ty) = rest.rsplit_once(" (")?;
                Some((ing, host, path, ty.trim_end_matches(')')))
            });
            match parsed {
                Some((ing, host, path, ty)) => {
                    T::ExplainIngressRule.fill(lang, &[&ing, &host, &path, &ty])
                }
                None => e.to_string(),
            }
        }
        NodeKind::Claim => claim.unwrap_or_else(|| e.to_string()),
        NodeKind::Job => {
            // `Job NAME: S succeeded, F failed, A active`, then ` (REASON)` when it failed
            // (the condition's reason is Kubernetes' word, kept).
            let parsed = e.strip_prefix("Job ").and_then(|rest| {
                let (name, rest) = rest.split_once(": ")?;
                let (ok, rest) = rest.split_once(" succeeded, ")?;
                let (failed, rest) = rest.split_once(" failed, ")?;
                let (active, reason) = rest.split_once(" active")?;
                Some((name, ok, failed, active, reason))
            });
            match parsed {
                Some((name, ok, failed, active, reason)) => {
                    let mut out = T::ExplainJob.fill(lang, &[&name, &ok, &failed, &active]);
                    out.push_str(reason);
                    out
                }
                None => e.to_string(),
            }
        }
        NodeKind::Pod => match e.strip_prefix("Runs on node ") {
            Some(machine) => T::ExplainRunsOn.fill(lang, &[&machine]),
            None => e.to_string(),
        },
        NodeKind::Machine => {
            // `Node NAME: N pods scheduled here (Ready)`, then `; taints: K=V:E, …` when
            // the node has taints (their text is Kubernetes', kept).
            let (e, taints) = match e.split_once("; taints: ") {
                Some((e, taints)) => (e, Some(taints)),
                None => (e, None),
            };
            let parsed = e.strip_prefix("Node ").and_then(|rest| {
                let (name, rest) = rest.split_once(": ")?;
                let (count, rest) = rest.split_once(' ')?;
                let (_, state) = rest.rsplit_once(" (")?;
                Some((name, count, state.trim_end_matches(')')))
            });
            let mut out = match parsed {
                Some((name, count, state)) => {
                    T::ExplainMachine.fill(lang, &[&name, &count, &state])
                }
                None => e.to_string(),
            };
            if let Some(taints) = taints {
                out.push_str(&T::ExplainTaints.fill(lang, &[&taints]));
            }
            out
        }
        _ => e.to_string(),
    }
}

/// How a request ended, in words (`200 OK` is HTTP's and stays).
pub fn outcome_in(outcome: &Outcome, lang: Lang) -> String {
    match outcome {
        Outcome::Response(r) => format!("{} {}", r.status, r.reason),
        Outcome::ConnectionRefused => T::OutcomeRefused.get(lang).into(),
        Outcome::Timeout => T::OutcomeTimeout.get(lang).into(),
        Outcome::EmptyReply => T::OutcomeEmptyReply.get(lang).into(),
        Outcome::DnsFailure => T::OutcomeDns.get(lang).into(),
    }
}

/// The UID to select when a node is clicked: the object itself, or for an Ingress rule
/// box, its Ingress.
pub fn selection_of(node: &Node) -> Option<String> {
    match node.kind {
        NodeKind::IngressRule => node
            .id
            .strip_prefix("rule:")
            .and_then(|rest| rest.split(':').next())
            .map(str::to_string),
        NodeKind::Client | NodeKind::IngressController => None,
        _ => Some(node.id.clone()),
    }
}

/// The remaining seconds of a grace period, rounded up, as a countdown shows them.
pub fn seconds_left(deletion_ms: Millis, now: Millis) -> i64 {
    ((deletion_ms - now).max(0) + 999) / 1000
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn of(n: &Node) -> Rect {
        Rect {
            x: n.x,
            y: n.y,
            w: n.w,
            h: n.h,
        }
    }

    fn cx(&self) -> f32 {
        self.x + self.w / 2.0
    }

    fn cy(&self) -> f32 {
        self.y + self.h / 2.0
    }
}

/// An edge's path from box `a` to box `b`: a vertical S-curve between facing sides, or a
/// horizontal one when the boxes sit side by side.
pub fn edge_path(a: Rect, b: Rect) -> String {
    let (x1, y1, x2, y2, vertical) = if b.y >= a.y + a.h - 0.5 {
        (a.cx(), a.y + a.h, b.cx(), b.y, true)
    } else if a.y >= b.y + b.h - 0.5 {
        (a.cx(), a.y, b.cx(), b.y + b.h, true)
    } else if b.x >= a.x + a.w {
        (a.x + a.w, a.cy(), b.x, b.cy(), false)
    } else {
        (a.x, a.cy(), b.x + b.w, b.cy(), false)
    };
    if vertical {
        let my = (y1 + y2) / 2.0;
        format!("M{x1:.1} {y1:.1}C{x1:.1} {my:.1} {x2:.1} {my:.1} {x2:.1} {y2:.1}")
    } else {
        let mx = (x1 + x2) / 2.0;
        format!("M{x1:.1} {y1:.1}C{mx:.1} {y1:.1} {mx:.1} {y2:.1} {x2:.1} {y2:.1}")
    }
}

/// How to draw a request's route: the boxes it passes, and how it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct RoutePlan {
    /// Centres of the boxes the request passed, in order (repeats removed).
    pub points: Vec<(f32, f32)>,
    /// The UIDs (or lane ids) of those boxes.
    pub through: Vec<String>,
    /// Where to put the mark that says how it ended: the right edge of the last box.
    pub mark: (f32, f32),
    /// The request got an answer that is not an error.
    pub ok: bool,
    /// `200 OK`, `404 Not Found`, `connection refused`.
    pub result: String,
    /// Why it stopped where it did (the failing hop's words), or where it arrived.
    pub reason: String,
}

/// The Host and path a route's first (client) step names:
/// `client: GET / (Host: pacman.com) to 192.168.49.2:80`.
fn client_host_path(route: &Route) -> Option<(String, String)> {
    let text = route.steps.first()?.text.strip_prefix("client: ")?;
    let (_method, rest) = text.split_once(' ')?;
    let (path, rest) = rest.split_once(" (Host: ")?;
    let (host, _) = rest.split_once(") to ")?;
    let host = host.trim().to_ascii_lowercase();
    let host = host.split(':').next().unwrap_or("").to_string();
    let path = path.split(['?', '#']).next().unwrap_or("/").to_string();
    Some((host, path))
}

/// The rule box a request matched in an Ingress.
fn rule_node(sim: &Sim, layout: &Layout, ingress: &ObjKey, route: &Route) -> Option<String> {
    let ing = sim.store.get(ingress)?;
    if let Some((host, path)) = client_host_path(route) {
        let handled = orrery::controllers::ingress::handled_ingresses(sim);
        if let routing::IngressDecision::Rule {
            ingress: k,
            rule,
            path: p,
            ..
        } = routing::select_backend(&handled, &host, &path)
        {
            if &k == ingress {
                let id = format!("rule:{}:{rule}:{p}", ing.meta.uid);
                if layout.node(&id).is_some() {
                    return Some(id);
                }
            }
        }
    }
    let prefix = format!("rule:{}:", ing.meta.uid);
    layout
        .scene
        .nodes
        .iter()
        .find(|n| n.id.starts_with(&prefix))
        .map(|n| n.id.clone())
}

/// Maps a request's route onto the canvas.
pub fn plan_route(sim: &Sim, layout: &Layout, route: &Route) -> RoutePlan {
    let uid_of = |k: &ObjKey| {
        sim.store
            .get(k)
            .map(|o| o.meta.uid.clone())
            .filter(|u| layout.node(u).is_some())
    };
    let lane = |id: &str| layout.node(id).map(|_| id.to_string());
    let mut through: Vec<String> = vec![];
    let mut failed: Option<String> = None;
    for step in &route.steps {
        let at = match step.hop {
            // From a pod (`kubectl exec … wget`): the request starts at that pod.
            Hop::Client => match &step.object {
                Some(k) => uid_of(k),
                None => lane("lane:client"),
            },
            Hop::Node if !step.ok => lane("lane:controller"),
            Hop::Node | Hop::Tunnel => None,
            Hop::IngressController => lane("lane:controller"),
            Hop::Rule | Hop::DefaultBackend => step
                .object
                .as_ref()
                .and_then(|k| rule_node(sim, layout, k, route)),
            Hop::Service | Hop::Endpoint | Hop::Pod | Hop::PortForward | Hop::App => {
                step.object.as_ref().and_then(uid_of)
            }
        };
        if let Some(id) = at {
            if through.last() != Some(&id) {
                through.push(id);
            }
        }
        if !step.ok {
            failed = Some(step.text.clone());
            break;
        }
    }
    let (result, answered) = match &route.outcome {
        Outcome::Response(r) => (format!("{} {}", r.status, r.reason), r.status < 400),
        Outcome::ConnectionRefused => ("connection refused".to_string(), false),
        Outcome::Timeout => ("timed out".to_string(), false),
        Outcome::EmptyReply => ("empty reply from server".to_string(), false),
        Outcome::DnsFailure => ("could not resolve host".to_string(), false),
    };
    let reason = failed.clone().unwrap_or_else(|| {
        route
            .steps
            .last()
            .map(|s| s.text.clone())
            .unwrap_or_default()
    });
    let mark = through
        .last()
        .and_then(|id| layout.node(id))
        .map(|n| (n.x + n.w, n.y + n.h / 2.0))
        .unwrap_or((scene::MARGIN, scene::MARGIN));
    let mut points: Vec<(f32, f32)> = through
        .iter()
        .filter_map(|id| layout.node(id))
        .map(|n| {
            let r = Rect::of(n);
            (r.cx(), r.cy())
        })
        .collect();
    // Without a request lane (a port-forward, before any Ingress) the request still
    // comes from outside: from the canvas's top-left corner.
    let from_pod = route.steps.first().is_some_and(|st| st.object.is_some());
    if layout.node("lane:client").is_none() && !points.is_empty() && !from_pod {
        points.insert(0, (scene::MARGIN, scene::MARGIN));
    }
    RoutePlan {
        points,
        through,
        mark,
        ok: answered && failed.is_none(),
        result,
        reason,
    }
}

/// An SVG path through points, for the request's trail and its motion path.
pub fn polyline(points: &[(f32, f32)]) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        d.push_str(&format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" }));
    }
    d
}

/// Shortens text to at most `max` characters, cutting in the middle so both ends stay
/// (`pacman…rdfjz`: the Deployment and the pod's random suffix).
pub fn fit_middle(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max || max < 3 {
        return text.to_string();
    }
    let tail = (max - 1) / 2;
    let head = max - 1 - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// Shortens a detail line to `max` characters: a trailing `n/m` count goes first
/// (`ContainerCreating 0/1` → `ContainerCreating`), then the end of the text.
pub fn fit_detail(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if let Some((head, count)) = text.rsplit_once(' ') {
        if count.contains('/') && head.chars().count() <= max {
            return head.to_string();
        }
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{cut}…")
}

/// How many characters fit in `px` at a font's average advance (`per_char`).
pub fn chars_in(px: f32, per_char: f32) -> usize {
    (px / per_char).floor().max(3.0) as usize
}

/// CSS keyframes that move an element through `points` (SVG user units) at a constant
/// speed, as `translate`. Numbers only: no user text goes into the style sheet.
pub fn route_keyframes(name: &str, points: &[(f32, f32)]) -> String {
    let mut lengths = vec![0.0_f32];
    for w in points.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        lengths.push(lengths.last().unwrap_or(&0.0) + (dx * dx + dy * dy).sqrt());
    }
    let total = lengths.last().copied().unwrap_or(0.0).max(1.0);
    let mut css = format!("@keyframes {name}{{");
    for ((x, y), l) in points.iter().zip(&lengths) {
        css.push_str(&format!(
            "{:.1}%{{translate:{x:.1}px {y:.1}px}}",
            100.0 * l / total
        ));
    }
    css.push('}');
    css
}

// ------------------------------------------------------------------ the component

/// The canvas panel: toolbar (request form, zoom), the SVG, the quiet list and a legend.
#[component]
pub fn Canvas() -> impl IntoView {
    let pg = Playground::expect();
    let stamp = Memo::new(move |_| pg.with_sim(stamp));
    let layout: Memo<Arc<Layout>> = Memo::new(move |_| {
        // Read, not just tracked: a memo computes (and subscribes to its own sources)
        // only when read.
        let s = stamp.get();
        untrack(|| pg.with_sim(|sim| layout_for(sim, s)))
    });
    let now = Memo::new(move |_| pg.with_sim(|s| s.now));
    let selected = Selector::new(move || pg.selected.get());
    let zoom = RwSignal::new(1.0_f64);
    let speed = move || pg.speed.get().clamp(0.25, 8.0);

    // One diff per new layout writes each node's and edge's own signal, only where it
    // changed (`cells`). The lists below change only when ids come or go.
    let i18n = I18n::expect();
    let node_cells = StoredValue::new(NodeCells::default());
    let edge_cells = StoredValue::new(EdgeCells::default());
    let glyph_cells = StoredValue::new(GlyphCells::default());
    let (first_nodes, first_edges, first_groups) = layout.with_untracked(|l| {
        let lang = i18n.lang_untracked();
        (
            node_cells.try_update_value(|c| c.sync(l, lang).0).flatten(),
            edge_cells.try_update_value(|c| c.sync(l).0).flatten(),
            glyph_cells
                .try_update_value(|c| c.sync(l, lang).0)
                .flatten(),
        )
    });
    let node_list: RwSignal<Vec<NodeItem>> = RwSignal::new(first_nodes.unwrap_or_default());
    let edge_list: RwSignal<Vec<EdgeItem>> = RwSignal::new(first_edges.unwrap_or_default());
    let group_list: RwSignal<Vec<GroupItem>> = RwSignal::new(first_groups.unwrap_or_default());
    // The first sync is above, so the first render has every node; this effect keeps
    // the cells in step. A view is created only after its cell (the lists come last).
    Effect::new(move |_| {
        let lang = i18n.lang();
        layout.with(|l| {
            if let Some(items) = node_cells.try_update_value(|c| c.sync(l, lang).0).flatten() {
                node_list.set(items);
            }
            if let Some(items) = edge_cells.try_update_value(|c| c.sync(l).0).flatten() {
                edge_list.set(items);
            }
            if let Some(items) = glyph_cells
                .try_update_value(|c| c.sync(l, lang).0)
                .flatten()
            {
                group_list.set(items);
            }
        });
    });
    let regions = move || {
        layout.with(|l| {
            l.scene
                .regions
                .iter()
                .map(|r| r.namespace.clone())
                .collect::<Vec<_>>()
        })
    };
    let star_count = move || layout.with(|l| (0..l.stars().len()).collect::<Vec<_>>());
    let size = move || layout.with(|l| (l.scene.width, l.scene.height));
    let empty = move || layout.with(|l| l.scene.nodes.is_empty());

    let scroller = NodeRef::<leptos::html::Div>::new();
    let fit = move |_| {
        if let Some(el) = scroller.get_untracked() {
            let (w, h) = size();
            let z = (f64::from(el.client_width()) / f64::from(w.max(1.0)))
                .min(f64::from(el.client_height()) / f64::from(h.max(1.0)))
                .clamp(0.2, 1.0);
            zoom.set(z);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => pg.selected.set(None),
        "+" | "=" => zoom.update(|z| *z = (*z * 1.25).min(3.0)),
        "-" => zoom.update(|z| *z = (*z / 1.25).max(0.2)),
        _ => {}
    };

    view! {
        <section class="panel-box canvas-panel" data-testid="canvas" aria-label=i18n.text(T::CanvasLabel)>
            <div class="canvas-toolbar">
                <h2 class="panel-title">{i18n.text(T::Cluster)}</h2>
                <RequestForm />
                <div class="zoom" role="group" aria-label=i18n.text(T::Zoom)>
                    <button type="button" class="icon-button" title=i18n.text(T::ZoomOut) aria-label=i18n.text(T::ZoomOut)
                        data-testid="zoom-out"
                        on:click=move |_| zoom.update(|z| *z = (*z / 1.25).max(0.2))>"−"</button>
                    <button type="button" class="zoom-level" title=i18n.text(T::ZoomActual) data-testid="zoom-reset"
                        on:click=move |_| zoom.set(1.0)>
                        {move || format!("{:.0}%", zoom.get() * 100.0)}
                    </button>
                    <button type="button" class="icon-button" title=i18n.text(T::ZoomIn) aria-label=i18n.text(T::ZoomIn)
                        data-testid="zoom-in"
                        on:click=move |_| zoom.update(|z| *z = (*z * 1.25).min(3.0))>"+"</button>
                    <button type="button" class="zoom-level" title=i18n.text(T::ZoomFitTitle)
                        data-testid="zoom-fit" on:click=fit>{i18n.text(T::ZoomFit)}</button>
                </div>
                <Legend />
            </div>
            <div class="canvas-scroll" node_ref=scroller on:keydown=on_key>
                <svg
                    class="canvas"
                    // While a busy instant is drawn a slice per frame the layout grows
                    // every few frames: boxes jump to their place instead of gliding,
                    // so a growing grid of pods never overlaps the boxes below it.
                    class:busy=move || pg.busy.get()
                    data-testid="canvas-svg"
                    role="group"
                    aria-label=i18n.text(T::CanvasObjects)
                    viewBox=move || { let (w, h) = size(); format!("0 0 {w} {h}") }
                    width=move || size().0 as f64 * zoom.get()
                    height=move || size().1 as f64 * zoom.get()
                    style:--speed=move || format!("{}", speed())
                    on:click=move |ev: leptos::ev::MouseEvent| {
                        // A click on the background (not on a node) clears the selection.
                        use wasm_bindgen::JsCast;
                        let on_node = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .and_then(|e| e.closest(".node").ok().flatten())
                            .is_some();
                        if !on_node {
                            pg.selected.set(None);
                        }
                    }
                >
                    <Symbols />
                    <g class="regions">
                        <For each=regions key=|ns| ns.clone() let:ns>
                            <RegionView namespace=ns layout=layout />
                        </For>
                    </g>
                    <g class="edges">
                        <For each=move || edge_list.get() key=|k| k.0.clone() let:k>
                            <EdgeView from=k.1 to=k.2 kind=k.3 d=k.4 />
                        </For>
                    </g>
                    <g class="nodes">
                        <For each=move || node_list.get() key=|n| n.0.clone() let:n>
                            <NodeView id=n.0 data=n.1 selected=selected.clone() now=now />
                        </For>
                        <For each=move || group_list.get() key=|g| g.0 let:g>
                            <glyphs::GlyphGroup data=g.1 zoom=zoom />
                        </For>
                    </g>
                    <g class="stars">
                        <For each=star_count key=|i| *i let:i>
                            <Star index=i layout=layout />
                        </For>
                    </g>
                    <RequestView layout=layout />
                </svg>
                <Show when=empty>
                    <p class="canvas-empty" data-testid="canvas-empty">
                        {i18n.text(T::CanvasEmptyBefore)}
                        <code translate="no">"kubectl create -f pacman-stateful-demo.yaml"</code>
                        {i18n.text(T::CanvasEmptyAfter)}
                    </p>
                </Show>
                <QuietList layout=layout />
            </div>
            <RequestStatus layout=layout />
        </section>
    }
}

#[component]
fn RegionView(namespace: String, layout: Memo<Arc<Layout>>) -> impl IntoView {
    let ns = namespace.clone();
    let region = Memo::new(move |_| {
        layout.with(|l| {
            l.scene
                .regions
                .iter()
                .find(|r| r.namespace == ns)
                .map(|r| (r.x, r.y, r.w, r.h, r.terminating))
        })
    });
    let get = move || region.get().unwrap_or_default();
    view! {
        <g
            class=move || if get().4 { "region terminating" } else { "region" }
            data-testid="namespace"
            data-name=namespace.clone()
            style:translate=move || format!("{}px {}px", get().0, get().1)
        >
            <rect class="region-box" rx="12" width=move || get().2 height=move || get().3 />
            <text class="region-title" x="14" y="19" translate="no">
                {format!("namespace/{namespace}")}
                {move || if get().4 { " · Terminating" } else { "" }}
            </text>
        </g>
    }
}

fn edge_class(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Owns => "owns",
        EdgeKind::EndpointReady => "endpoint ready",
        EdgeKind::EndpointNotReady => "endpoint not-ready",
        EdgeKind::Mounts => "mounts",
        EdgeKind::Bound => "bound",
        EdgeKind::ProvisionedBy => "provisioned",
        EdgeKind::Route => "route",
    }
}

#[component]
fn EdgeView(from: String, to: String, kind: EdgeKind, d: ArcRwSignal<String>) -> impl IntoView {
    let d = RwSignal::from(d);
    // Solid lines draw themselves in (a dash offset over a unit path length); dashed
    // ones keep their real length so the dashes look the same everywhere.
    let drawn = !matches!(kind, EdgeKind::EndpointNotReady | EdgeKind::Owns);
    view! {
        <path
            class=format!("edge {}{}", edge_class(kind), if drawn { " draw" } else { "" })
            data-testid="edge"
            data-kind=format!("{kind:?}")
            data-from=from
            data-to=to
            pathLength=drawn.then_some("1")
            d=move || d.get()
            style:d=move || format!("path('{}')", d.get())
        />
    }
}

/// A node's words for screen readers: kind, name, namespace, state, ordinal, detail.
fn aria_words(n: &Node, lang: Lang) -> String {
    let state = status_words_in(n.status, lang);
    let mut s = format!("{} {}", kind_title(n.kind, lang), label_in(n, lang));
    if !n.namespace.is_empty() {
        s.push_str(&T::NodeIn.fill(lang, &[&n.namespace]));
    }
    if !state.is_empty() {
        s.push_str(&format!(", {state}"));
    }
    if let Some(b) = &n.badge {
        s.push_str(&T::NodeOrdinal.fill(lang, &[b]));
    }
    if !n.detail.is_empty() {
        s.push_str(&format!(" ({})", detail_in(&n.detail, lang)));
    }
    s
}

/// One node: its own cell (`data`) is all it reads, besides its selection (a per-key
/// `Selector`) and, only while it counts down a grace period, the clock. (The pods of
/// a big group are drawn by their group: `glyphs::GlyphGroup`.)
#[component]
fn NodeView(
    id: String,
    data: ArcRwSignal<NodeData>,
    selected: Selector<Option<String>>,
    now: Memo<Millis>,
) -> impl IntoView {
    let pg = Playground::expect();
    let data = RwSignal::from(data);
    let (kind, name, namespace, origin) = data.with_untracked(|d| {
        (
            d.node.kind,
            d.node.name.clone(),
            d.node.namespace.clone(),
            d.origin,
        )
    });
    let select_uid = data.with_untracked(|d| selection_of(&d.node));
    let is_selected = {
        let uid = select_uid.clone();
        Memo::new(move |_| uid.is_some() && selected.selected(&uid))
    };
    let class = move || {
        data.with(|d| {
            // `boxed`: what the busy canvas's rules select (style/slices.css), so that
            // its class going on and off restyles these few nodes, not every glyph.
            format!(
                "node boxed {} {}{}{}",
                testid(d.node.kind),
                d.node.status.css(),
                if origin.is_some() { " emerge" } else { "" },
                if is_selected.get() { " selected" } else { "" }
            )
        })
    };
    let aria = move || data.with(|d| aria_words(&d.node, d.lang));
    let select = {
        let uid = select_uid.clone();
        move || pg.selected.set(uid.clone())
    };
    let on_key = {
        let select = select.clone();
        let (name, namespace) = (name.clone(), namespace.clone());
        move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
            "Enter" | " " => {
                ev.prevent_default();
                select();
            }
            "Delete" => {
                if let Some(k) = object_kind(kind) {
                    ev.prevent_default();
                    pg.run(&commands::delete(k, &namespace, &name), None, "canvas");
                }
            }
            _ => {}
        }
    };
    let body = box_body(data, now);

    view! {
        <g
            class=class
            data-testid=testid(kind)
            data-uid=id.clone()
            data-name=name
            data-namespace=namespace
            data-status=move || data.with(|d| d.node.status.css())
            data-badge=move || data.with(|d| d.node.badge.clone())
            tabindex="0"
            role="button"
            aria-label=aria
            aria-pressed=move || is_selected.get().to_string()
            // Position by `translate`, not `transform`: the grow-in `scale` then scales
            // the node about its own centre, where it stands.
            style:translate=move || data.with(|d| format!("{}px {}px", d.node.x, d.node.y))
            style:--ox=origin.map(|(x, _)| format!("{x}px"))
            style:--oy=origin.map(|(_, y)| format!("{y}px"))
            on:click=move |_| select()
            on:keydown=on_key
        >
            {body}
        </g>
    }
}

/// A node in full: box, icon, name, detail line, badge, grace bar and tooltip.
fn box_body(data: RwSignal<NodeData>, now: Memo<Millis>) -> impl IntoView {
    let pg = Playground::expect();
    let kind = data.with_untracked(|d| d.node.kind);
    let detail = move || {
        let (status, detail, k, deletion, lang) = data.with(|d| {
            (
                d.node.status,
                d.node.detail.clone(),
                d.node.kind,
                d.deletion,
                d.lang,
            )
        });
        if status == Status::Terminating {
            if let Some((at, _)) = deletion {
                return format!("Terminating · {}s", seconds_left(at, now.get()));
            }
        }
        let detail = detail_in(&detail, lang);
        match k {
            NodeKind::Deployment | NodeKind::StatefulSet | NodeKind::ReplicaSet | NodeKind::Job
                if !detail.is_empty() =>
            {
                format!("{} · {detail}", kind_title(k, lang))
            }
            _ => detail,
        }
    };
    let tall = data.with_untracked(|d| d.node.h >= 40.0);
    let grace_fraction = move || match data.with(|d| d.deletion) {
        Some((at, grace)) if grace > 0 => {
            (seconds_left(at, now.get()) as f64 / grace as f64).clamp(0.0, 1.0)
        }
        _ => 0.0,
    };
    let terminating = Memo::new(move |_| data.with(|d| d.node.status == Status::Terminating));
    let w = move || data.with(|d| d.node.w);
    let h = move || data.with(|d| d.node.h);
    view! {
        <rect class="box" rx="8" width=w height=h />
        <use class="icon" href=move || data.with(|d| format!("#{}", icon(d.node.kind, d.node.status)))
            x="6" y=move || if tall { 6.0 } else { h() / 2.0 - 7.0 } width="14" height="14" />
        // An object's name is never translated; a lane box's word is.
        <text class="label" x="23" y=move || if tall { 17.0 } else { h() / 2.0 + 4.0 }
            translate=move || data.with(|d| (!matches!(d.node.kind, NodeKind::Client | NodeKind::IngressController)).then_some("no"))>
            {move || data.with(|d| fit_middle(&label_in(&d.node, d.lang), chars_in(d.node.w - 27.0, 6.4)))}
        </text>
        <Show when=move || tall>
            <text class="detail" x="8" y=move || h() - 9.0>
                {move || fit_detail(&detail(), chars_in(w() - 14.0, 5.6))}
            </text>
        </Show>
        {move || data.with(|d| d.node.badge.clone()).map(|b| view! {
            <g class="badge" style:transform=move || format!("translate({}px, 0px)", w())>
                <circle r="10" />
                <text y="4">{b}</text>
            </g>
        })}
        <Show when=move || terminating.get()>
            <rect class="grace" x="8" y=move || h() - 4.0 height="2" rx="1"
                width=move || w() - 16.0
                style:transform=move || format!("scaleX({:.3})", grace_fraction()) />
        </Show>
        {move || {
            let lang = data.with(|d| d.lang);
            let claim = (lang != Lang::En && kind == NodeKind::Claim).then(|| {
                let uid = data.with(|d| d.node.id.clone());
                untrack(|| pg.with_sim(|s| s.store.by_uid(&uid).map(|o| {
                    crate::inspector::class_reason_words(
                        &orrery::controllers::persistentvolume::class_reason(s, o),
                        lang,
                    )
                })))
            }).flatten();
            data.with(|d| (!d.node.explain.is_empty()).then(|| explain_in(&d.node, lang, claim)))
                .map(|t| view! { <title>{t}</title> })
        }}
    }
}

/// The star on a default StorageClass. Stars are keyed by their place in the list, not
/// by class, so when the default moves the star glides to the new class.
#[component]
fn Star(index: usize, layout: Memo<Arc<Layout>>) -> impl IntoView {
    let i18n = I18n::expect();
    let at = Memo::new(move |_| layout.with(|l| l.stars().get(index).copied()));
    view! {
        <g
            class="star"
            data-testid="default-star"
            style:translate=move || {
                let (x, y) = at.get().unwrap_or_default();
                format!("{x}px {y}px")
            }
        >
            <title>{i18n.text(T::DefaultStorageClass)}</title>
            <path d="M0 -9 2.6 -3.2 8.6 -2.8 4 1.2 5.4 7.3 0 4.1 -5.4 7.3 -4 1.2 -8.6 -2.8 -2.6 -3.2Z" />
        </g>
    }
}

/// The last request, travelling its route as a dot, and a mark where it ended. The dot
/// moves by keyframes made for this route (numbers only); without motion it simply sits
/// at the end.
#[component]
fn RequestView(layout: Memo<Arc<Layout>>) -> impl IntoView {
    let pg = Playground::expect();
    move || {
        pg.request.get().map(|req| {
            let plan =
                untrack(|| pg.with_sim(|sim| layout.with(|l| plan_route(sim, l, &req.route))));
            let d = polyline(&plan.points);
            let end = plan
                .points
                .last()
                .copied()
                .unwrap_or((scene::MARGIN, scene::MARGIN));
            let hops = plan.points.len().max(1);
            let duration = format!("{:.2}s", 0.5 * hops as f64);
            let name = format!("orrery-request-{}", req.id);
            set_route_keyframes(&route_keyframes(&name, &plan.points));
            let mark = if plan.ok { "✓" } else { "✕" };
            let code = plan.result.split(' ').next().unwrap_or("").to_string();
            let code = if code.parse::<u16>().is_ok() {
                code
            } else {
                String::new()
            };
            let at_end = format!("{}px {}px", end.0, end.1);
            let at_mark = format!("{}px {}px", plan.mark.0, plan.mark.1);
            // When the request arrives, bring where it ended into view (a pod far to the
            // right of ten others is easy to miss).
            if let Some(end) = plan.through.last().cloned() {
                let ms = (500 * hops) as u32;
                gloo_timers::callback::Timeout::new(ms, move || reveal(&end)).forget();
            }
            view! {
                <g
                    class=if plan.ok { "request ok" } else { "request failed" }
                    data-testid="request"
                    data-ok=plan.ok.to_string()
                    data-end=plan.through.last().cloned()
                    data-through=plan.through.join(" ")
                >
                    <path class="request-trail" d=d pathLength="1"
                        style:animation-duration=duration.clone() />
                    <circle class="request-dot" r="7"
                        style:translate=at_end.clone()
                        style:animation=format!("{name} {duration} linear both, request-fade 0.6s ease-in {duration} forwards") />
                    <g class="request-end" style:translate=at_mark style:animation-delay=duration>
                        <circle r="13" />
                        <text y="5">{mark}</text>
                        <text class="request-code" y="-19">{code}</text>
                    </g>
                </g>
            }
        })
    }
}

thread_local! {
    static ROUTE_SHEET: std::cell::RefCell<Option<web_sys::CssStyleSheet>> =
        const { std::cell::RefCell::new(None) };
}

/// Puts the last request's keyframes in the page's one constructed style sheet (the
/// CSSOM), replacing the previous request's: the page's Content-Security-Policy refuses
/// `<style>` elements it has no hash for, but not the CSSOM. If the browser has no
/// constructed sheets, the dot simply sits at the end, as without motion.
fn set_route_keyframes(css: &str) {
    ROUTE_SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let Ok(sheet) = web_sys::CssStyleSheet::new() else {
                return;
            };
            let sheets = document.adopted_style_sheets();
            sheets.push(&sheet);
            document.set_adopted_style_sheets(&sheets);
            *cell = Some(sheet);
        }
        if let Some(sheet) = cell.as_ref() {
            let _ = sheet.replace_sync(css);
        }
    });
}

/// Scrolls the canvas so the node with this id is visible (nothing happens if it is).
fn reveal(id: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(el) = window.document().and_then(|d| {
        d.query_selector(&format!("svg.canvas [data-uid=\"{id}\"]"))
            .ok()
            .flatten()
    }) else {
        return;
    };
    let still = window
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let opts = web_sys::ScrollIntoViewOptions::new();
    opts.set_behavior(if still {
        web_sys::ScrollBehavior::Instant
    } else {
        web_sys::ScrollBehavior::Smooth
    });
    opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
    opts.set_inline(web_sys::ScrollLogicalPosition::Nearest);
    el.scroll_into_view_with_scroll_into_view_options(&opts);
}

/// The last request's outcome in words, above the canvas (for a 404/503: why).
#[component]
fn RequestStatus(layout: Memo<Arc<Layout>>) -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let dismissed = RwSignal::new(None::<u64>);
    move || {
        pg.request
            .get()
            .filter(|r| dismissed.get() != Some(r.id))
            .map(|req| {
                let plan =
                    untrack(|| pg.with_sim(|sim| layout.with(|l| plan_route(sim, l, &req.route))));
                let id = req.id;
                view! {
                    <div class=if plan.ok { "request-status ok" } else { "request-status failed" }
                        data-testid="request-result" role="status">
                        <p>
                            <strong>{
                                let outcome = req.route.outcome.clone();
                                move || outcome_in(&outcome, i18n.lang())
                            }</strong>
                            " — "
                            // The route's trace, as the simulated ingress controller and
                            // kube-proxy report it (like curl's and kubectl's output).
                            <span translate="no">{plan.reason}</span>
                        </p>
                        <button type="button" class="icon-button" aria-label=i18n.text(T::Dismiss)
                            on:click=move |_| dismissed.set(Some(id))>"×"</button>
                    </div>
                }
            })
    }
}

/// A small form that sends a request through the cluster: `curl -H 'Host: …' http://NODE/…`.
#[component]
fn RequestForm() -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let hosts = Memo::new(move |_| {
        pg.with_sim(|sim| {
            let mut v: Vec<(String, String)> = vec![];
            for ing in sim.store.list_all("Ingress.networking.k8s.io") {
                for rule in ing.get(&["spec", "rules"]).as_array().into_iter().flatten() {
                    let host = rule.get("host").and_then(|h| h.as_str()).unwrap_or("");
                    for p in rule
                        .pointer("/http/paths")
                        .and_then(|p| p.as_array())
                        .into_iter()
                        .flatten()
                    {
                        let path = p.get("path").and_then(|p| p.as_str()).unwrap_or("/");
                        let item = (host.to_string(), path.to_string());
                        if !v.contains(&item) {
                            v.push(item);
                        }
                    }
                }
            }
            v
        })
    });
    let host = RwSignal::new(String::new());
    let path = RwSignal::new("/".to_string());
    // Pre-fill from the first Ingress rule when one appears.
    Effect::new(move |had: Option<bool>| {
        let first = hosts.with(|h| h.first().cloned());
        let has = first.is_some();
        if let (Some((h, p)), false) = (first, had.unwrap_or(false)) {
            if host.get_untracked().is_empty() {
                host.set(h);
                path.set(if p.is_empty() { "/".into() } else { p });
            }
        }
        has
    });
    let send = move || {
        let ip = untrack(|| pg.with_sim(|s| s.cluster.node_ip.clone()));
        let line = commands::curl(&host.get_untracked(), &ip, &path.get_untracked());
        pg.run(&line, None, "canvas");
    };
    view! {
        <form class="request-form" data-testid="request-form"
            on:submit=move |ev| { ev.prevent_default(); send(); }>
            <label class="field">
                <span>{i18n.text(T::RequestHost)}</span>
                <input type="text" list="orrery-hosts" size="12" spellcheck="false"
                    placeholder="pacman.com" data-testid="request-host"
                    prop:value=move || host.get()
                    on:input=move |ev| host.set(event_target_value(&ev)) />
            </label>
            <datalist id="orrery-hosts">
                <For each=move || hosts.get() key=|h| h.clone() let:h>
                    <option value=h.0.clone()>{format!("{}{}", h.0, h.1)}</option>
                </For>
            </datalist>
            <label class="field">
                <span>{i18n.text(T::RequestPath)}</span>
                <input type="text" size="8" spellcheck="false" data-testid="request-path"
                    prop:value=move || path.get()
                    on:input=move |ev| path.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="button primary" data-testid="request-send"
                title=i18n.text(T::RequestSendTitle)>{i18n.text(T::RequestSend)}</button>
        </form>
    }
}

/// Objects that are stored but not simulated (RBAC, Secrets, PodSecurityPolicies, CRDs).
#[component]
fn QuietList(layout: Memo<Arc<Layout>>) -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    // A memo: the list rarely changes when the layout does (every step of a converging
    // cluster), and an unchanged list then costs its keyed list no diff of its items.
    let items = Memo::new(move |_| {
        layout.with(|l| {
            l.scene
                .quiet
                .iter()
                .map(|q| {
                    (
                        q.id.clone(),
                        q.kind.clone(),
                        q.namespace.clone(),
                        q.name.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || items.with(|q| !q.is_empty())>
            <div class="quiet" data-testid="quiet-list">
                <span class="quiet-title">{i18n.text(T::QuietTitle)}</span>
                <ul>
                    <For each=move || items.get() key=|q| q.0.clone() let:q>
                        <li>
                            <button type="button" class="quiet-item" data-testid="quiet-item" translate="no"
                                data-uid=q.0.clone()
                                aria-pressed={
                                    let uid = q.0.clone();
                                    move || (pg.selected.get().as_deref() == Some(uid.as_str())).to_string()
                                }
                                on:click={
                                    let uid = q.0.clone();
                                    move |_| pg.selected.set(Some(uid.clone()))
                                }>
                                <span class="quiet-kind">{q.1.clone()}</span>
                                {format!(" {}{}", if q.2.is_empty() { String::new() } else { format!("{}/", q.2) }, q.3)}
                            </button>
                        </li>
                    </For>
                </ul>
            </div>
        </Show>
    }
}

/// What the shapes and colours mean.
#[component]
fn Legend() -> impl IntoView {
    let i18n = I18n::expect();
    view! {
        <details class="legend" data-testid="legend">
            <summary>{i18n.text(T::Legend)}</summary>
            <ul inner_html=move || legend_items(i18n.lang())></ul>
        </details>
    }
}

/// The legend's items as markup: constants only (never user text), built as one string
/// rather than as dozens of view nodes.
fn legend_items(lang: Lang) -> String {
    let states = [
        Status::Pending,
        Status::Creating,
        Status::Running,
        Status::Ready,
        Status::Terminating,
        Status::Failed,
        Status::Succeeded,
    ];
    let mut html = String::new();
    for s in states {
        html.push_str(&format!(
            r##"<li class="legend-item node pod {}"><svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true"><rect class="box" x="1" y="1" width="16" height="16" rx="4"/><use class="icon" href="#{}" x="3" y="3" width="12" height="12"/></svg>{}</li>"##,
            s.css(),
            icon(NodeKind::Pod, s),
            status_words_in(s, lang)
        ));
    }
    for (i, words) in [
        ("i-service", T::KindService),
        ("i-deployment", T::KindDeployment),
        ("i-replicaset", T::KindReplicaSet),
        ("i-statefulset", T::LegendStatefulSet),
        ("i-job", T::KindJob),
        ("i-bound", T::LegendBound),
        ("i-volume", T::KindVolume),
        ("i-class", T::KindStorageClass),
    ] {
        let words = words.get(lang);
        html.push_str(&format!(
            r##"<li class="legend-item kind"><svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true"><use href="#{i}" x="2" y="2" width="14" height="14"/></svg>{words}</li>"##
        ));
    }
    html.push_str(&format!(
        r#"<li class="legend-item"><span class="legend-line solid"></span>{}</li><li class="legend-item"><span class="legend-line dashed"></span>{}</li><li class="legend-item"><span class="legend-star">★</span>{}</li>"#,
        T::LegendReadyEndpoint.get(lang),
        T::LegendNotReadyEndpoint.get(lang),
        T::LegendDefaultClass.get(lang),
    ));
    html
}

/// The icons, drawn once and used by every node. Each state has its own shape, so the
/// canvas reads without colour. A constant written here (never user text), set as the
/// markup of `<defs>`: one string instead of sixty elements built one by one.
#[component]
fn Symbols() -> impl IntoView {
    view! { <defs inner_html=SYMBOLS></defs> }
}

/// The symbols of the canvas's icons.
const SYMBOLS: &str = r##"<symbol id="i-pending" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-dasharray="2.4 2" /><path d="M8 4.5V8l2.2 1.6" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" /></symbol><symbol id="i-creating" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.4" opacity="0.35" /><path class="spin" d="M8 2a6 6 0 0 1 6 6" fill="none" stroke="currentColor" stroke-width="2.6" stroke-linecap="round" /></symbol><symbol id="i-running" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="1.6" /><path d="M8 2a6 6 0 0 0 0 12z" fill="currentColor" /></symbol><symbol id="i-ready" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="currentColor" /><path d="M4.6 8.2 7 10.5l4.4-4.8" fill="none" stroke="var(--on-icon, #fff)" stroke-width="1.9" stroke-linecap="round" stroke-linejoin="round" /></symbol><symbol id="i-terminating" viewBox="0 0 16 16"><path d="M4 1.5h8M4 14.5h8M5 1.5c0 4 6 4 6 6.5s-6 2.5-6 6.5M11 1.5c0 4-6 4-6 6.5s6 2.5 6 6.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" /></symbol><symbol id="i-failed" viewBox="0 0 16 16"><path d="M8 1.2 15.2 14.5H.8z" fill="currentColor" /><path d="M8 6v4M8 12v.6" stroke="var(--on-icon, #fff)" stroke-width="1.8" stroke-linecap="round" /></symbol><symbol id="i-succeeded" viewBox="0 0 16 16"><rect x="1.5" y="1.5" width="13" height="13" rx="2.5" fill="none" stroke="currentColor" stroke-width="1.6" /><path d="M4.6 8.2 7 10.5l4.4-4.8" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" /></symbol><symbol id="i-bound" viewBox="0 0 16 16"><rect x="1" y="5" width="8" height="6" rx="3" fill="none" stroke="currentColor" stroke-width="1.7" /><rect x="7" y="5" width="8" height="6" rx="3" fill="none" stroke="currentColor" stroke-width="1.7" /></symbol><symbol id="i-available" viewBox="0 0 16 16"><rect x="2" y="5" width="12" height="6" rx="3" fill="none" stroke="currentColor" stroke-width="1.7" stroke-dasharray="3 2" /></symbol><symbol id="i-released" viewBox="0 0 16 16"><path d="M6 5H4a3 3 0 0 0 0 6h2M10 5h2a3 3 0 0 1 0 6h-2" fill="none" stroke="currentColor" stroke-width="1.7" /></symbol><symbol id="i-client" viewBox="0 0 16 16"><rect x="1.5" y="2.5" width="13" height="8.5" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5" /><path d="M5 14h6M8 11v3" stroke="currentColor" stroke-width="1.5" /></symbol><symbol id="i-controller" viewBox="0 0 16 16"><path d="M1.5 8h9M7.5 4.5 11 8l-3.5 3.5" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round" /><path d="M13.5 2v12" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" /></symbol><symbol id="i-rule" viewBox="0 0 16 16"><path d="M2 4h7M2 8h12M2 12h5" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" /></symbol><symbol id="i-service" viewBox="0 0 16 16"><circle cx="8" cy="3.5" r="2" fill="currentColor" /><circle cx="3.5" cy="12" r="2" fill="currentColor" /><circle cx="12.5" cy="12" r="2" fill="currentColor" /><path d="M8 5.5 3.5 10M8 5.5l4.5 4.5" stroke="currentColor" stroke-width="1.3" /></symbol><symbol id="i-deployment" viewBox="0 0 16 16"><rect x="4.5" y="1.5" width="10" height="7" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.4" /><rect x="1.5" y="6.5" width="10" height="7.5" rx="1.5" fill="currentColor" /></symbol><symbol id="i-replicaset" viewBox="0 0 16 16"><rect x="1.5" y="4" width="6" height="8" rx="1.5" fill="currentColor" /><rect x="8.5" y="4" width="6" height="8" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.4" /></symbol><symbol id="i-statefulset" viewBox="0 0 16 16"><rect x="1.5" y="1.5" width="13" height="3.5" rx="1" fill="currentColor" /><rect x="1.5" y="6.3" width="13" height="3.5" rx="1" fill="currentColor" opacity="0.7" /><rect x="1.5" y="11" width="13" height="3.5" rx="1" fill="currentColor" opacity="0.45" /></symbol><symbol id="i-job" viewBox="0 0 16 16"><path d="M2.5 2.5v11L10.5 8z" fill="currentColor" /><path d="M13 2.5v11" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" /></symbol><symbol id="i-volume" viewBox="0 0 16 16"><ellipse cx="8" cy="3.5" rx="6" ry="2.2" fill="none" stroke="currentColor" stroke-width="1.4" /><path d="M2 3.5v9c0 1.2 2.7 2.2 6 2.2s6-1 6-2.2v-9" fill="none" stroke="currentColor" stroke-width="1.4" /></symbol><symbol id="i-class" viewBox="0 0 16 16"><ellipse cx="8" cy="3.5" rx="6" ry="2.2" fill="currentColor" /><path d="M2 3.5v9c0 1.2 2.7 2.2 6 2.2s6-1 6-2.2v-9M2 8c0 1.2 2.7 2.2 6 2.2s6-1 6-2.2" fill="none" stroke="currentColor" stroke-width="1.4" /></symbol>"##;

/// Shared by the native tests of the page's modules.
#[cfg(test)]
pub(crate) mod tests_support {
    use orrery::shell::Session;

    const LESSON: &str = include_str!("../lessons/pacman-stateful-demo.yaml");
    const INGRESS: &str = include_str!("../lessons/pacman-ingress.yaml");

    /// The reference lesson up to the Ingress, as the page runs it.
    pub(crate) fn lesson() -> Session {
        let mut s = Session::new(1);
        s.files
            .insert("pacman-stateful-demo.yaml".into(), LESSON.into());
        s.files.insert("pacman-ingress.yaml".into(), INGRESS.into());
        for line in [
            "minikube start --addons volumesnapshots,csi-hostpath-driver --kubernetes-version=1.21.2",
            r#"kubectl patch storageclass csi-hostpath-sc -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'"#,
            r#"kubectl patch storageclass standard -p '{"metadata": {"annotations":{"storageclass.kubernetes.io/is-default-class":"false"}}}'"#,
            "kubectl create -f pacman-stateful-demo.yaml",
            "sleep 60s",
            "minikube addons enable ingress",
            "kubectl create -f pacman-ingress.yaml",
            "sleep 60s",
        ] {
            let out = s.exec(line, None);
            assert_eq!(out.code, 0, "{line}\n{}", out.text);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::shell::Session;

    use super::tests_support::lesson;

    #[test]
    fn every_pod_state_has_its_own_icon() {
        let states = [
            Status::Pending,
            Status::Creating,
            Status::Running,
            Status::Ready,
            Status::Terminating,
            Status::Failed,
            Status::Succeeded,
        ];
        let icons: std::collections::BTreeSet<_> =
            states.iter().map(|s| icon(NodeKind::Pod, *s)).collect();
        assert_eq!(icons.len(), states.len());
        let words: std::collections::BTreeSet<_> =
            states.iter().map(|s| status_words(*s)).collect();
        assert_eq!(words.len(), states.len());
    }

    /// In Korean, every hover sentence and second line the scene writes itself is
    /// Korean; only Kubernetes' own words (a pod's status, a waiting message) stay.
    #[test]
    fn the_scene_speaks_korean() {
        let s = lesson();
        let l = Layout::of(&s.sim);
        let hangul = |t: &str| t.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
        for n in &l.scene.nodes {
            let claim = (n.kind == NodeKind::Claim).then(|| "클레임".to_string());
            let explain = explain_in(n, Lang::Ko, claim);
            let kubernetes_words = n.kind == NodeKind::Pod && !n.explain.starts_with("Runs on");
            if !n.explain.is_empty() && !kubernetes_words {
                assert!(hangul(&explain), "{:?}: {explain}", n.kind);
            }
            if n.kind == NodeKind::Machine {
                assert!(
                    detail_in(&n.detail, Lang::Ko).contains("파드"),
                    "{}",
                    n.detail
                );
            }
            let detail = detail_in(&n.detail, Lang::Ko);
            assert!(
                !detail.ends_with(" ready") && detail != "addon disabled",
                "{detail}"
            );
        }
        assert_eq!(detail_in("1/3 ready", Lang::Ko), "1/3 준비");
        assert_eq!(detail_in("Running 1/1", Lang::Ko), "Running 1/1");
        assert!(legend_items(Lang::Ko).contains("스테이트풀셋"));
        assert!(legend_items(Lang::En).contains("StatefulSet (badge: ordinal)"));
    }

    /// A cordoned, tainted node's box and sentence in Korean: the words the scene
    /// writes are translated, the taints (Kubernetes' text) kept.
    #[test]
    fn a_cordoned_node_speaks_korean() {
        let mut s = Session::new(1);
        let machine = |s: &Session| {
            Layout::of(&s.sim)
                .scene
                .nodes
                .into_iter()
                .find(|n| n.kind == NodeKind::Machine)
                .unwrap()
        };
        s.exec("kubectl cordon minikube", None);
        s.exec(
            "kubectl taint nodes minikube dedicated=gpu:NoSchedule",
            None,
        );
        let m = machine(&s);
        assert!(
            detail_in(&m.detail, Lang::Ko).starts_with("코든됨 · 파드 "),
            "{}",
            m.detail
        );
        assert_eq!(
            explain_in(&m, Lang::Ko, None),
            "노드 minikube: 파드 0개가 배치됨 (Ready,SchedulingDisabled); \
             테인트: dedicated=gpu:NoSchedule, node.kubernetes.io/unschedulable:NoSchedule"
        );
        s.exec("kubectl uncordon minikube", None);
        let m = machine(&s);
        assert!(
            detail_in(&m.detail, Lang::Ko).starts_with("테인트 있음 · "),
            "{}",
            m.detail
        );
    }

    /// A Job's box and sentence in Korean (its failure reason, Kubernetes' word, kept).
    #[test]
    fn a_job_speaks_korean() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl apply -f - <<EOF",
            Some("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: busybox\n"),
        );
        let l = Layout::of(&s.sim);
        let mut job = l
            .scene
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::Job)
            .unwrap()
            .clone();
        assert_eq!(detail_in(&job.detail, Lang::Ko), "0/1 완료");
        job.explain = "Job pi: 2 succeeded, 7 failed, 0 active (BackoffLimitExceeded)".into();
        assert_eq!(
            explain_in(&job, Lang::Ko, None),
            "잡 pi: 성공 2, 실패 7, 실행 중 0 (BackoffLimitExceeded)"
        );
    }

    #[test]
    fn every_icon_is_drawn() {
        let src = include_str!("canvas.rs");
        let kinds = [
            NodeKind::Client,
            NodeKind::IngressController,
            NodeKind::IngressRule,
            NodeKind::Service,
            NodeKind::Deployment,
            NodeKind::ReplicaSet,
            NodeKind::StatefulSet,
            NodeKind::Job,
            NodeKind::Pod,
            NodeKind::Claim,
            NodeKind::Volume,
            NodeKind::StorageClass,
            NodeKind::Machine,
        ];
        let states = Status::ALL;
        for k in kinds {
            for s in states {
                let id = icon(k, s);
                assert!(
                    src.contains(&format!("<symbol id=\"{id}\"")),
                    "{id} is not drawn"
                );
            }
        }
    }

    #[test]
    fn the_lesson_draws_its_objects_with_the_default_star_on_csi() {
        let s = lesson();
        let l = Layout::of(&s.sim);
        let named = |kind: NodeKind, name: &str| {
            l.scene
                .nodes
                .iter()
                .find(|n| n.kind == kind && n.name == name)
                .unwrap_or_else(|| panic!("{name} drawn"))
                .clone()
        };
        let mongo = named(NodeKind::Pod, "mongo-0");
        assert_eq!(mongo.badge.as_deref(), Some("0"));
        assert_eq!(mongo.status, Status::Ready);
        let claim = named(NodeKind::Claim, "mongo-storage");
        assert!(
            claim.explain.contains("csi-hostpath-sc"),
            "{}",
            claim.explain
        );
        let stars = l.stars();
        assert_eq!(stars.len(), 1);
        let csi = named(NodeKind::StorageClass, "csi-hostpath-sc");
        assert!(stars[0].0 > csi.x && stars[0].0 < csi.x + csi.w);
        // The claim's volume was provisioned by the csi class.
        let pv = l
            .scene
            .edges
            .iter()
            .find(|e| e.kind == EdgeKind::Bound && e.from == claim.id)
            .expect("the claim is bound")
            .to
            .clone();
        assert_eq!(l.provisioned_from.get(&pv), Some(&csi.id));
    }

    #[test]
    fn a_request_for_pacman_com_travels_to_a_pacman_pod() {
        let mut s = lesson();
        let out = s.exec(&commands::curl("pacman.com", "192.168.49.2", "/"), None);
        assert_eq!(out.code, 0, "{}", out.text);
        let route = s.last_route.clone().expect("a route");
        let l = Layout::of(&s.sim);
        let plan = plan_route(&s.sim, &l, &route);
        assert!(plan.ok, "{plan:?}");
        assert_eq!(plan.result, "200 OK");
        assert_eq!(plan.through[0], "lane:client");
        assert_eq!(plan.through[1], "lane:controller");
        assert!(plan.through[2].starts_with("rule:"), "{plan:?}");
        let svc = l.node(&plan.through[3]).unwrap();
        assert_eq!((svc.kind, svc.name.as_str()), (NodeKind::Service, "pacman"));
        let end = l.node(plan.through.last().unwrap()).unwrap();
        assert_eq!(end.kind, NodeKind::Pod);
        assert!(end.name.starts_with("pacman-"), "{}", end.name);
        assert_eq!(plan.points.len(), plan.through.len());
    }

    #[test]
    fn a_port_forwarded_request_comes_from_outside_to_the_pod() {
        let mut s = Session::new(1);
        s.files.insert(
            "p.yaml".into(),
            include_str!("../lessons/pacman-stateful-demo.yaml").into(),
        );
        s.exec("kubectl create -f p.yaml", None);
        s.exec("sleep 90s", None);
        s.exec("kubectl port-forward svc/pacman 9090:80 -n pacman", None);
        s.exec("curl -s http://localhost:9090/highscores/list", None);
        let route = s.last_route.clone().unwrap();
        let l = Layout::of(&s.sim);
        let plan = plan_route(&s.sim, &l, &route);
        assert!(plan.ok, "{plan:?}");
        assert_eq!(plan.points[0], (scene::MARGIN, scene::MARGIN));
        let first = l.node(&plan.through[0]).unwrap();
        assert!(first.name.starts_with("pacman-"), "{plan:?}");
        // pacman asks mongo for the scores: the route goes on to mongo.
        assert!(
            plan.through
                .iter()
                .any(|id| l.node(id).is_some_and(|n| n.name == "mongo-0")),
            "{plan:?}"
        );
    }

    #[test]
    fn a_request_made_in_a_pod_starts_at_that_pod() {
        let mut s = Session::new(1);
        s.files.insert(
            "p.yaml".into(),
            include_str!("../lessons/pacman-stateful-demo.yaml").into(),
        );
        s.exec("kubectl create -f p.yaml", None);
        s.exec(
            "kubectl run client -n pacman --image=busybox -- sleep infinity",
            None,
        );
        s.exec("sleep 90s", None);
        s.last_route = None;
        let out = s.exec(
            "kubectl exec client -n pacman -- wget -qO- http://pacman/highscores/list",
            None,
        );
        assert_eq!(out.code, 0, "{}", out.text);
        let route = s.last_route.clone().expect("wget's route");
        let l = Layout::of(&s.sim);
        let plan = plan_route(&s.sim, &l, &route);
        assert!(plan.ok, "{plan:?}");
        let names: Vec<&str> = plan
            .through
            .iter()
            .filter_map(|id| l.node(id))
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(names[0], "client", "{plan:?}");
        assert_eq!(names[1], "pacman", "{plan:?}");
        assert!(names[2].starts_with("pacman-"), "{plan:?}");
        // It starts at the pod, not at the canvas's corner.
        assert_eq!(plan.points.len(), plan.through.len());
    }

    #[test]
    fn a_404_stops_at_the_controller_and_says_why() {
        let mut s = lesson();
        s.exec(&commands::curl("nobody.example", "192.168.49.2", "/"), None);
        let route = s.last_route.clone().unwrap();
        let plan = plan_route(&s.sim, &Layout::of(&s.sim), &route);
        assert!(!plan.ok);
        assert_eq!(plan.result, "404 Not Found");
        assert_eq!(
            plan.through.last().map(String::as_str),
            Some("lane:controller")
        );
        assert!(!plan.reason.is_empty());
    }

    #[test]
    fn a_503_stops_at_the_service() {
        let mut s = lesson();
        s.exec(
            "kubectl scale deployment pacman --replicas=0 -n pacman",
            None,
        );
        s.exec("sleep 60s", None);
        s.exec(&commands::curl("pacman.com", "192.168.49.2", "/"), None);
        let route = s.last_route.clone().unwrap();
        let l = Layout::of(&s.sim);
        let plan = plan_route(&s.sim, &l, &route);
        assert!(!plan.ok);
        assert!(plan.result.starts_with("503"), "{plan:?}");
        let last = l.node(plan.through.last().unwrap()).unwrap();
        assert_eq!(
            (last.kind, last.name.as_str()),
            (NodeKind::Service, "pacman")
        );
        assert!(plan.reason.contains("no ready endpoint"), "{}", plan.reason);
    }

    #[test]
    fn the_stamp_moves_with_every_change_and_only_then() {
        let mut s = lesson();
        let a = stamp(&s.sim);
        s.exec("sleep 5s", None);
        assert_eq!(stamp(&s.sim), a, "an idle cluster keeps its stamp");
        s.exec("kubectl delete pod mongo-0 -n pacman", None);
        let b = stamp(&s.sim);
        assert_ne!(a, b);
        s.exec("kubectl delete secret mongodb-users-secret -n pacman", None);
        assert_ne!(stamp(&s.sim), b, "a removal changes it too");
    }

    #[test]
    fn a_layout_built_ahead_is_drawn_only_for_the_cluster_it_was_built_for() {
        let mut s = lesson();
        let a = stamp(&s.sim);
        prepare(&s.sim);
        let ahead = layout_for(&s.sim, a);
        assert!(*ahead == Layout::of(&s.sim));
        assert!(
            Arc::ptr_eq(&ahead, &layout_for(&s.sim, a)),
            "the draw takes the layout built ahead, and builds none"
        );
        // Time alone changes no layout: still the one built ahead.
        s.exec("sleep 5s", None);
        prepare(&s.sim);
        assert!(Arc::ptr_eq(&ahead, &layout_for(&s.sim, stamp(&s.sim))));
        // The cluster changed after the layout was built: the draw builds its own.
        s.exec("kubectl delete pod mongo-0 -n pacman", None);
        let b = stamp(&s.sim);
        let now = layout_for(&s.sim, b);
        assert!(!Arc::ptr_eq(&ahead, &now));
        assert!(*now == Layout::of(&s.sim) && *now != *ahead);
        assert_eq!(Arc::strong_count(&ahead), 1, "the stale layout is let go");
        // Built ahead again for the new cluster, and taken.
        prepare(&s.sim);
        let again = layout_for(&s.sim, b);
        assert!(*again == *now && Arc::ptr_eq(&again, &layout_for(&s.sim, b)));
    }

    #[test]
    fn terminating_pods_count_down_their_grace_period() {
        let mut s = lesson();
        s.exec("kubectl delete pod mongo-0 -n pacman", None);
        let l = Layout::of(&s.sim);
        let mongo = l.scene.nodes.iter().find(|n| n.name == "mongo-0").unwrap();
        assert_eq!(mongo.status, Status::Terminating);
        let (at, grace) = l.deletion[&mongo.id];
        assert!(grace > 0);
        assert_eq!(seconds_left(at, s.sim.now), grace);
        assert_eq!(seconds_left(at, s.sim.now + 1), grace);
        assert_eq!(seconds_left(at, at + 5), 0);
    }

    #[test]
    fn edges_leave_the_facing_sides() {
        let a = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 40.0,
        };
        let below = Rect {
            x: 200.0,
            y: 100.0,
            w: 100.0,
            h: 40.0,
        };
        assert_eq!(
            edge_path(a, below),
            "M50.0 40.0C50.0 70.0 250.0 70.0 250.0 100.0"
        );
        let right = Rect {
            x: 200.0,
            y: 0.0,
            w: 100.0,
            h: 40.0,
        };
        assert!(edge_path(a, right).starts_with("M100.0 20.0"));
        assert_eq!(polyline(&[(1.0, 2.0), (3.0, 4.0)]), "M1.0 2.0L3.0 4.0");
    }

    #[test]
    fn long_names_keep_both_ends() {
        assert_eq!(fit_middle("mongo-0", 12), "mongo-0");
        assert_eq!(fit_middle("pacman-c8c97bbc7-rdfjz", 12), "pacman…rdfjz");
        assert_eq!(fit_middle("pacman-c8c97bbc7-rdfjz", 12).chars().count(), 12);
        assert_eq!(fit_detail("ContainerCreating 0/1", 17), "ContainerCreating");
        assert_eq!(fit_detail("Running 1/1", 17), "Running 1/1");
        assert_eq!(
            fit_detail("LoadBalancer 10.96.130.203", 20),
            "LoadBalancer 10.96.…"
        );
    }

    #[test]
    fn the_dot_moves_at_a_constant_speed() {
        let css = route_keyframes("r1", &[(0.0, 0.0), (30.0, 40.0), (30.0, 90.0)]);
        assert_eq!(
            css,
            "@keyframes r1{0.0%{translate:0.0px 0.0px}50.0%{translate:30.0px 40.0px}100.0%{translate:30.0px 90.0px}}"
        );
    }

    #[test]
    fn rule_boxes_select_their_ingress() {
        let s = lesson();
        let l = Layout::of(&s.sim);
        let rule = l
            .scene
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::IngressRule)
            .unwrap();
        let uid = selection_of(rule).unwrap();
        assert_eq!(s.sim.store.by_uid(&uid).unwrap().kind, "Ingress");
    }

    /// A thousand pods: the layout is built well within a frame's budget natively, and
    /// a change that does not touch the store keeps the stamp (no rebuild).
    /// The index finds every node where a map from id to position would: with the real
    /// hash, and with hashes that collide (all, or in two buckets), ids given twice too.
    #[test]
    fn the_node_index_finds_what_a_map_of_ids_does() {
        let s = lesson();
        let mut nodes = Layout::of(&s.sim).scene.nodes;
        assert!(nodes.len() > 10);
        let twice = nodes[3].clone();
        nodes.push(twice);
        let map: HashMap<String, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let hashes: [fn(&str) -> u64; 3] = [id_hash, |_| 7, |id| id.len() as u64 % 2];
        for hash in hashes {
            let index = NodeIndex::hashed_by(&nodes, hash);
            for n in &nodes {
                assert_eq!(
                    index.find(&nodes, &n.id),
                    map.get(&n.id).copied(),
                    "{}",
                    n.id
                );
            }
            for missing in ["", "no-such-uid", "lane:nowhere"] {
                assert_eq!(index.find(&nodes, missing), None);
            }
        }
    }

    #[test]
    // Speed is the frame benchmark's to measure (`?bench=frames`, BENCHMARKS.md), not a
    // timed test's: a wall-clock limit here failed under a loaded machine.
    fn a_thousand_pods_lay_out_as_glyphs_without_owner_lines() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment big --image=nginx --replicas=1000",
            None,
        );
        s.exec("sleep 120s", None);
        let l = Layout::of(&s.sim);
        let pods = l
            .scene
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Pod)
            .count();
        assert_eq!(pods, 1000);
        assert!(
            l.edges.len() < 10,
            "no thousand owner lines: {} edges drawn",
            l.edges.len()
        );
    }
}
