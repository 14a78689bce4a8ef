//! What the cluster canvas shows, laid out: a pure function from the simulator's state to
//! boxes, regions and lines, tested natively. The page only draws it.
//!
//! Layout, top to bottom: the request lane (client → ingress controller → Ingress rules);
//! one region per namespace with user objects (Services on top; workloads side by side,
//! each with its pods — StatefulSet pods in ordinal order, Deployment → ReplicaSet →
//! pods; claims under the pods that mount them); then the cluster-wide storage lane
//! (PersistentVolumes under their claims, StorageClasses with the default starred).
//! Objects that are stored but not simulated go to a quiet list. Every node is keyed by
//! UID, so a pod recreated with the same name is a new node.

use crate::sort::StableSort;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::api::{Object, Selector};
use crate::kubectl::printers::{pod_ready_counts, pod_status, pod_summary};
use crate::sim::Sim;

pub const POD_W: f32 = 112.0;
pub const POD_H: f32 = 46.0;
pub const GAP: f32 = 12.0;
pub const HEADER_H: f32 = 40.0;
pub const SVC_W: f32 = 150.0;
pub const MARGIN: f32 = 16.0;
pub const PODS_PER_ROW: usize = 10;
/// A group (the pods of one ReplicaSet, StatefulSet or Job, or the bare pods of a
/// namespace) with more pods than this is drawn compactly: each pod a small square glyph
/// (its state's colour, border and icon, no text), [`GLYPHS_PER_ROW`] to a row. 24 keeps
/// every group a lesson makes (scale to 10, a StatefulSet of 3) in full boxes with names,
/// and turns a group into glyphs before it is more than three rows of boxes: a thousand
/// pods are 25 rows of glyphs (600 px) instead of 100 rows of boxes (5,800 px), and cost
/// the browser two SVG elements each instead of six or more.
pub const GLYPH_GROUP: usize = 24;
/// A glyph's side; with [`GLYPH_GAP`], the pitch of the glyph grid.
pub const GLYPH: f32 = 20.0;
pub const GLYPH_GAP: f32 = 4.0;
pub const GLYPHS_PER_ROW: usize = 40;
const REGION_TITLE_H: f32 = 28.0;
const LANE_H: f32 = 56.0;

/// Namespaces the canvas leaves out (the cluster's own machinery).
pub const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "ingress-nginx",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Client,
    IngressController,
    IngressRule,
    Service,
    Deployment,
    ReplicaSet,
    StatefulSet,
    /// A batch Job: its pods run to completion under it.
    Job,
    Pod,
    Claim,
    Volume,
    StorageClass,
    /// A cluster Node (the machine pods run on).
    Machine,
}

/// Visual state: each differs in colour *and* shape/icon on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pending,
    Creating,
    /// Running but not Ready.
    Running,
    Ready,
    Terminating,
    Failed,
    Succeeded,
    Bound,
    Available,
    Released,
    Lost,
    Neutral,
}

impl Status {
    /// Every state, in declaration order (the page draws glyph layers in this order).
    pub const ALL: [Status; 12] = [
        Status::Pending,
        Status::Creating,
        Status::Running,
        Status::Ready,
        Status::Terminating,
        Status::Failed,
        Status::Succeeded,
        Status::Bound,
        Status::Available,
        Status::Released,
        Status::Lost,
        Status::Neutral,
    ];

    pub fn css(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Creating => "creating",
            Status::Running => "running",
            Status::Ready => "ready",
            Status::Terminating => "terminating",
            Status::Failed => "failed",
            Status::Succeeded => "succeeded",
            Status::Bound => "bound",
            Status::Available => "available",
            Status::Released => "released",
            Status::Lost => "lost",
            Status::Neutral => "neutral",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The object's UID (or a fixed id for lane boxes).
    pub id: String,
    pub kind: NodeKind,
    pub namespace: String,
    pub name: String,
    /// First line of text (the name, shortened for pods).
    pub label: String,
    /// Second line: status, replicas, capacity…
    pub detail: String,
    pub status: Status,
    /// StatefulSet ordinal, shown as a badge.
    pub badge: Option<String>,
    /// The default StorageClass.
    pub star: bool,
    /// A sentence for hover/selection (why a claim has its class, why a pod waits).
    pub explain: String,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// For a pod drawn as a glyph: the key of its group (the owner's UID, or
    /// `bare:NAMESPACE` for pods without one). The page draws a group's glyphs together.
    pub group: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// Owner → dependent (Deployment → ReplicaSet → pod).
    Owns,
    /// Service → ready endpoint pod (solid).
    EndpointReady,
    /// Service → not-ready endpoint pod (dashed).
    EndpointNotReady,
    /// Pod → claim it mounts.
    Mounts,
    /// Claim → the PV it is bound to.
    Bound,
    /// PV → the StorageClass it came from.
    ProvisionedBy,
    /// Lane: client → controller → rule → Service.
    Route,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub namespace: String,
    pub terminating: bool,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// A stored object the simulator does not model (ConfigMaps, RBAC, CRDs, …).
#[derive(Clone, Debug, PartialEq)]
pub struct Quiet {
    pub id: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub width: f32,
    pub height: f32,
    pub regions: Vec<Region>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub quiet: Vec<Quiet>,
}

impl Node {
    /// A pod drawn as a glyph (it belongs to a group of more than [`GLYPH_GROUP`]).
    pub fn is_glyph(&self) -> bool {
        self.group.is_some()
    }
}

/// How a group of `pods` pods is drawn: (pods per row, cell width, cell height, pitch
/// across, pitch down). Boxes for a small group, glyphs for a big one.
pub fn pod_grid(pods: usize) -> (usize, f32, f32, f32, f32) {
    if pods > GLYPH_GROUP {
        (
            GLYPHS_PER_ROW,
            GLYPH,
            GLYPH,
            GLYPH + GLYPH_GAP,
            GLYPH + GLYPH_GAP,
        )
    } else {
        (PODS_PER_ROW, POD_W, POD_H, POD_W + GAP, POD_H + GAP)
    }
}

impl Scene {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let head: String = s.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

/// The pod's visual state and its STATUS text.
pub fn pod_visual(pod: &Object) -> (Status, String) {
    let text = pod_status(pod);
    let (ready, total) = pod_ready_counts(pod);
    visual(text, ready, total)
}

/// [`pod_visual`] from the pod's STATUS text and ready counts (the printer's summary of
/// a pod, worked out once: `pod_status` and `pod_ready_counts` each work it out).
fn visual(text: String, ready: usize, total: usize) -> (Status, String) {
    let st = match text.as_str() {
        "Terminating" => Status::Terminating,
        // "": a pod just stored, before any status was written (the page can draw the
        // middle of a busy instant, `Timeline::work`): Pending, as the API server's
        // create strategy makes a new pod.
        "Pending" | "" => Status::Pending,
        "ContainerCreating" | "PodInitializing" => Status::Creating,
        t if t.starts_with("Init:") && !t.contains("Err") && !t.contains("BackOff") => {
            Status::Creating
        }
        "Running" if ready == total && total > 0 => Status::Ready,
        "Running" | "NotReady" => Status::Running,
        "Completed" | "Succeeded" => Status::Succeeded,
        _ => Status::Failed,
    };
    (st, format!("{text} {ready}/{total}"))
}

fn node(obj: &Object, kind: NodeKind, label: String, detail: String, status: Status) -> Node {
    Node {
        id: obj.meta.uid.clone(),
        kind,
        namespace: obj.meta.namespace.clone(),
        name: obj.meta.name.clone(),
        label,
        detail,
        status,
        badge: None,
        star: false,
        explain: String::new(),
        x: 0.0,
        y: 0.0,
        w: 0.0,
        h: 0.0,
        group: None,
    }
}

fn claim_names(pod: &Object) -> Vec<String> {
    pod.get(&["spec", "volumes"])
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v.pointer("/persistentVolumeClaim/claimName")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

/// A workload column: a header object and its pods (already ordered).
struct Column<'a> {
    header: Option<(&'a Object, NodeKind)>,
    /// (ReplicaSet header, pods) groups; StatefulSets and bare pods have one group with no header.
    groups: Vec<(Option<&'a Object>, Vec<&'a Object>)>,
}

fn ordinal(sts: &Object, pod: &Object) -> u64 {
    pod.meta
        .name
        .strip_prefix(&format!("{}-", sts.meta.name))
        .and_then(|o| o.parse().ok())
        .unwrap_or(u64::MAX)
}

/// What a pod's node shows that depends on the pod alone: its label, STATUS text, visual
/// state and hover sentence, and the claims it mounts.
#[derive(Clone, Debug, PartialEq)]
struct PodCard {
    label: String,
    detail: String,
    status: Status,
    explain: String,
    /// [`claim_names`]: read twice per pod and build (claims placed under their pods,
    /// then the pod → claim lines).
    claims: Vec<String>,
    /// Every container ready (kubectl's READY `n/n`, n > 0): the endpoint line's state,
    /// read for each Service that selects the pod.
    all_ready: bool,
}

impl PodCard {
    fn of(sim: &Sim, p: &Object) -> PodCard {
        // One summary for the STATUS text and the ready counts (its RESTARTS, which
        // depends on the time, is not used).
        let summary = pod_summary(sim, p);
        let all_ready = summary.ready == summary.total && summary.total > 0;
        let (status, detail) = visual(summary.status, summary.ready, summary.total);
        let mut explain = String::new();
        if let Some(node_name) = p.str_at(&["spec", "nodeName"]) {
            explain = format!("Runs on node {node_name}");
        }
        if status == Status::Pending {
            explain = p
                .get(&["status", "conditions"])
                .as_array()
                .into_iter()
                .flatten()
                .find_map(|c| c.get("message").and_then(Value::as_str).map(str::to_string))
                .unwrap_or_default();
        }
        PodCard {
            label: short(&p.meta.name, 15),
            detail,
            status,
            explain,
            claims: claim_names(p),
            all_ready,
        }
    }
}

/// FNV-1a: the scene's hashed sets and maps are keyed by UIDs, a thousand of them looked
/// up per build, where SipHash (the default, which resists chosen keys: nothing here is
/// chosen against the page) was a good part of a build's time in a profile.
#[derive(Default)]
struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let h = if self.0 == 0 { FNV_OFFSET } else { self.0 };
        self.0 = fnv1a(h, bytes);
    }
}

/// FNV-1a's starting value.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of `bytes`, continued from `h` ([`FNV_OFFSET`] to start): the scene's hasher,
/// and the page's index of canvas nodes by id.
pub fn fnv1a(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

type Fnv = std::hash::BuildHasherDefault<FnvHasher>;

/// Pods' cards (label, STATUS, visual state, hover sentence) by (UID, resourceVersion):
/// an object with the same UID and version has the same content, so its card need not be
/// worked out again. Scrubbing through time and the frames of a big rollout rebuild the
/// scene over and over with mostly the same pods; the page keeps one of these across
/// builds. A build with a cache equals one without (`a_warm_cache_builds_what_a_cold_one_does`).
#[derive(Default)]
pub struct VisualCache {
    /// By UID, the cards of the versions seen: (resourceVersion, card). Looked up by the
    /// UID as it is (a key of (UID, version) cost a copy of the UID per pod and build).
    map: HashMap<String, Vec<(u64, PodCard)>, Fnv>,
    /// Cards held, over every UID.
    len: usize,
}

impl VisualCache {
    /// Entries beyond which the cache starts over (about 150 bytes each).
    pub const MAX: usize = 20_000;

    fn card(&mut self, sim: &Sim, pod: &Object) -> &PodCard {
        let (uid, rv) = (pod.meta.uid.as_str(), pod.meta.resource_version);
        let hit = self
            .map
            .get(uid)
            .and_then(|v| v.iter().position(|(r, _)| *r == rv));
        if let Some(i) = hit {
            return &self.map[uid][i].1;
        }
        if self.len >= Self::MAX {
            self.map.clear();
            self.len = 0;
        }
        let versions = self.map.entry(uid.to_string()).or_default();
        versions.push((rv, PodCard::of(sim, pod)));
        self.len += 1;
        let last = versions.len() - 1;
        &versions[last].1
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Builds the scene for the current state.
pub fn build(sim: &Sim) -> Scene {
    build_cached(sim, &mut VisualCache::default())
}

/// [`build`], with pods' visual states from (and into) `cache`.
pub fn build_cached(sim: &Sim, cache: &mut VisualCache) -> Scene {
    let mut scene = Scene::default();
    let mut y = MARGIN;
    let mut max_x: f32 = 0.0;
    let mut placed_claims: BTreeMap<(String, String), (f32, f32)> = BTreeMap::new();

    // Request lane.
    let ingresses: Vec<&Object> = sim
        .store
        .list_all("Ingress.networking.k8s.io")
        .filter(|i| !SYSTEM_NAMESPACES.contains(&i.meta.namespace.as_str()))
        .collect();
    let controller_on = sim.cluster.addons.contains("ingress");
    if !ingresses.is_empty() || controller_on {
        let mut x = MARGIN;
        let lane = |id: &str, kind, label: &str, detail: &str, x: f32, w: f32, status| Node {
            id: id.into(),
            kind,
            namespace: String::new(),
            name: label.into(),
            label: label.into(),
            detail: detail.into(),
            status,
            badge: None,
            star: false,
            explain: String::new(),
            x,
            y,
            w,
            h: LANE_H - GAP,
            group: None,
        };
        scene.nodes.push(lane(
            "lane:client",
            NodeKind::Client,
            "client",
            &sim.cluster.node_ip,
            x,
            120.0,
            Status::Neutral,
        ));
        x += 120.0 + 3.0 * GAP;
        let ctl_status = if controller_on {
            Status::Ready
        } else {
            Status::Pending
        };
        let ctl_detail = if controller_on {
            "ingress-nginx"
        } else {
            "addon disabled"
        };
        scene.nodes.push(lane(
            "lane:controller",
            NodeKind::IngressController,
            "ingress controller",
            ctl_detail,
            x,
            150.0,
            ctl_status,
        ));
        scene.edges.push(Edge {
            from: "lane:client".into(),
            to: "lane:controller".into(),
            kind: EdgeKind::Route,
        });
        x += 150.0 + 3.0 * GAP;
        for ing in &ingresses {
            for (ri, rule) in ing
                .get(&["spec", "rules"])
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let host = rule.get("host").and_then(Value::as_str).unwrap_or("*");
                for (pi, path) in rule
                    .pointer("/http/paths")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let p = path.get("path").and_then(Value::as_str).unwrap_or("/");
                    let id = format!("rule:{}:{ri}:{pi}", ing.meta.uid);
                    let mut n = lane(
                        &id,
                        NodeKind::IngressRule,
                        &short(&format!("{host}{p}"), 22),
                        &ing.meta.name,
                        x,
                        170.0,
                        Status::Neutral,
                    );
                    n.namespace = ing.meta.namespace.clone();
                    n.explain = format!(
                        "Ingress {}/{}: host {host}, path {p} ({})",
                        ing.meta.namespace,
                        ing.meta.name,
                        path.get("pathType").and_then(Value::as_str).unwrap_or("?")
                    );
                    scene.nodes.push(n);
                    scene.edges.push(Edge {
                        from: "lane:controller".into(),
                        to: id.clone(),
                        kind: EdgeKind::Route,
                    });
                    if let Some(svc) = path
                        .pointer("/backend/service/name")
                        .and_then(Value::as_str)
                    {
                        if let Some(s) = sim.store.find("Service", &ing.meta.namespace, svc) {
                            scene.edges.push(Edge {
                                from: id,
                                to: s.meta.uid.clone(),
                                kind: EdgeKind::Route,
                            });
                        }
                    }
                    x += 170.0 + GAP;
                }
            }
        }
        max_x = max_x.max(x);
        y += LANE_H + GAP;
    }

    // Namespace regions.
    for ns in sim.store.list("Namespace", "") {
        let name = ns.meta.name.as_str();
        if SYSTEM_NAMESPACES.contains(&name) {
            continue;
        }
        let services: Vec<&Object> = sim
            .store
            .list("Service", name)
            .filter(|s| !(name == "default" && s.meta.name == "kubernetes"))
            .collect();
        let pods: Vec<&Object> = sim.store.list("Pod", name).collect();
        let claims: Vec<&Object> = sim.store.list("PersistentVolumeClaim", name).collect();
        let deployments: Vec<&Object> = sim.store.list("Deployment.apps", name).collect();
        let statefulsets: Vec<&Object> = sim.store.list("StatefulSet.apps", name).collect();
        let replicasets: Vec<&Object> = sim.store.list("ReplicaSet.apps", name).collect();
        let jobs: Vec<&Object> = sim.store.list("Job.batch", name).collect();
        if services.is_empty()
            && pods.is_empty()
            && claims.is_empty()
            && deployments.is_empty()
            && statefulsets.is_empty()
            && jobs.is_empty()
        {
            continue;
        }
        let region_top = y;
        let mut cy = y + REGION_TITLE_H;
        // Services row.
        let mut x = MARGIN + GAP;
        let mut service_nodes = vec![];
        for s in &services {
            let t = s.str_at(&["spec", "type"]).unwrap_or("ClusterIP");
            let ip = s.str_at(&["spec", "clusterIP"]).unwrap_or("");
            let detail = if ip == "None" {
                "headless".to_string()
            } else {
                format!("{t} {ip}")
            };
            let mut n = node(
                s,
                NodeKind::Service,
                short(&s.meta.name, 18),
                detail,
                Status::Neutral,
            );
            n.x = x;
            n.y = cy;
            n.w = SVC_W;
            n.h = HEADER_H;
            x += SVC_W + GAP;
            service_nodes.push((n.id.clone(), *s));
            scene.nodes.push(n);
        }
        if !services.is_empty() {
            cy += HEADER_H + 3.0 * GAP;
        }
        max_x = max_x.max(x);

        // Workload columns.
        let mut columns: Vec<Column> = vec![];
        // Hashed: a thousand pods' UIDs went into a B-tree, string-compared, every build.
        let mut owned: HashSet<&str, Fnv> = HashSet::default();
        for d in &deployments {
            let mut groups = vec![];
            let mut rss: Vec<&Object> = replicasets
                .iter()
                .copied()
                .filter(|r| r.controller_ref().is_some_and(|o| o.uid == d.meta.uid))
                .collect();
            rss.sort_stable_by_key(|r| std::cmp::Reverse(r.meta.creation_ms));
            for rs in rss {
                owned.insert(&rs.meta.uid);
                let mut rs_pods: Vec<&Object> = sim
                    .store
                    .owned_by(&rs.meta.uid)
                    .filter(|p| p.kind == "Pod")
                    .collect();
                // Oldest first: a pod created later is added at the end of its group
                // (the page creates a busy instant's pods a slice per frame).
                rs_pods.sort_stable_by_key(|p| (p.meta.creation_ms, p.meta.created_seq));
                let want = rs.i64_at(&["spec", "replicas"]).unwrap_or(0);
                if rs_pods.is_empty() && want == 0 {
                    continue;
                }
                for p in &rs_pods {
                    owned.insert(&p.meta.uid);
                }
                groups.push((Some(rs), rs_pods));
            }
            columns.push(Column {
                header: Some((d, NodeKind::Deployment)),
                groups,
            });
        }
        for rs in &replicasets {
            if owned.contains(rs.meta.uid.as_str()) || rs.controller_ref().is_some() {
                continue;
            }
            let rs_pods: Vec<&Object> = sim
                .store
                .owned_by(&rs.meta.uid)
                .filter(|p| p.kind == "Pod")
                .collect();
            for p in &rs_pods {
                owned.insert(&p.meta.uid);
            }
            columns.push(Column {
                header: Some((rs, NodeKind::ReplicaSet)),
                groups: vec![(None, rs_pods)],
            });
        }
        for sts in &statefulsets {
            let mut sp: Vec<&Object> = sim
                .store
                .owned_by(&sts.meta.uid)
                .filter(|p| p.kind == "Pod")
                .collect();
            sp.sort_stable_by_key(|p| (ordinal(sts, p), p.meta.creation_ms));
            for p in &sp {
                owned.insert(&p.meta.uid);
            }
            columns.push(Column {
                header: Some((sts, NodeKind::StatefulSet)),
                groups: vec![(None, sp)],
            });
        }
        for job in &jobs {
            // Oldest first, as a ReplicaSet's: a retry is added at the end.
            let mut jp: Vec<&Object> = sim
                .store
                .owned_by(&job.meta.uid)
                .filter(|p| p.kind == "Pod")
                .collect();
            jp.sort_stable_by_key(|p| (p.meta.creation_ms, p.meta.created_seq));
            for p in &jp {
                owned.insert(&p.meta.uid);
            }
            columns.push(Column {
                header: Some((job, NodeKind::Job)),
                groups: vec![(None, jp)],
            });
        }
        let bare: Vec<&Object> = pods
            .iter()
            .copied()
            .filter(|p| !owned.contains(p.meta.uid.as_str()))
            .collect();
        if !bare.is_empty() {
            columns.push(Column {
                header: None,
                groups: vec![(None, bare)],
            });
        }

        let mut cx = MARGIN + GAP;
        let mut region_bottom = cy;
        for col in &columns {
            let widest = col
                .groups
                .iter()
                .map(|(_, p)| {
                    let (per_row, cell_w, _, pitch, _) = pod_grid(p.len());
                    p.len().clamp(1, per_row) as f32 * pitch - (pitch - cell_w)
                })
                .fold(0.0_f32, f32::max);
            let col_w = widest.max(170.0);
            let mut py = cy;
            if let Some((obj, kind)) = col.header {
                let (detail, status) = match kind {
                    NodeKind::StatefulSet | NodeKind::Deployment | NodeKind::ReplicaSet => {
                        let want = obj.i64_at(&["spec", "replicas"]).unwrap_or(1);
                        let ready = obj.i64_at(&["status", "readyReplicas"]).unwrap_or(0);
                        (format!("{ready}/{want} ready"), Status::Neutral)
                    }
                    NodeKind::Job => job_visual(obj),
                    _ => (String::new(), Status::Neutral),
                };
                let mut n = node(obj, kind, short(&obj.meta.name, 24), detail, status);
                if kind == NodeKind::Job {
                    n.explain = job_explain(obj);
                }
                n.x = cx;
                n.y = py;
                n.w = col_w;
                n.h = HEADER_H;
                scene.nodes.push(n);
                py += HEADER_H + GAP;
            }
            for (rs, group_pods) in &col.groups {
                if let Some(rs) = rs {
                    let want = rs.i64_at(&["spec", "replicas"]).unwrap_or(0);
                    let mut n = node(
                        rs,
                        NodeKind::ReplicaSet,
                        short(&rs.meta.name, 30),
                        format!("{} desired", want),
                        Status::Neutral,
                    );
                    n.x = cx;
                    n.y = py;
                    n.w = col_w;
                    n.h = HEADER_H - 10.0;
                    if let Some((h, _)) = col.header {
                        scene.edges.push(Edge {
                            from: h.meta.uid.clone(),
                            to: rs.meta.uid.clone(),
                            kind: EdgeKind::Owns,
                        });
                    }
                    scene.nodes.push(n);
                    py += HEADER_H - 10.0 + GAP;
                }
                let (per_row, cell_w, cell_h, pitch_x, pitch_y) = pod_grid(group_pods.len());
                let owner = rs
                    .map(|r| r.meta.uid.clone())
                    .or_else(|| col.header.map(|(h, _)| h.meta.uid.clone()));
                let glyphs = group_pods.len() > GLYPH_GROUP;
                let group = glyphs.then(|| owner.clone().unwrap_or_else(|| format!("bare:{name}")));
                for (i, p) in group_pods.iter().enumerate() {
                    let card = cache.card(sim, p);
                    let mut n = node(
                        p,
                        NodeKind::Pod,
                        card.label.clone(),
                        card.detail.clone(),
                        card.status,
                    );
                    n.explain.clone_from(&card.explain);
                    if let Some((h, NodeKind::StatefulSet)) = col.header {
                        let o = ordinal(h, p);
                        if o != u64::MAX {
                            n.badge = Some(o.to_string());
                        }
                    }
                    n.x = cx + (i % per_row) as f32 * pitch_x;
                    n.y = py + (i / per_row) as f32 * pitch_y;
                    n.w = cell_w;
                    n.h = cell_h;
                    n.group.clone_from(&group);
                    // A glyph sits in its owner's grid right under the owner's box: that
                    // placement says who owns it, and a thousand owner lines would be a
                    // thousand paths for the browser to lay out on every change.
                    if let Some(o) = owner.as_ref().filter(|_| !glyphs) {
                        scene.edges.push(Edge {
                            from: o.clone(),
                            to: p.meta.uid.clone(),
                            kind: EdgeKind::Owns,
                        });
                    }
                    scene.nodes.push(n);
                }
                let rows = group_pods
                    .len()
                    .div_ceil(per_row)
                    .max(if group_pods.is_empty() { 0 } else { 1 });
                py += rows as f32 * pitch_y;
                if group_pods.len() > GLYPH_GROUP {
                    // The glyphs' pitch leaves less room than the boxes' under them.
                    py += GAP - GLYPH_GAP;
                }
            }
            // Claims under the pods that mount them.
            let mut claim_x = cx;
            let claim_y = py + GAP;
            let mut any_claim = false;
            for (_, group_pods) in &col.groups {
                for p in group_pods {
                    for c in &cache.card(sim, p).claims {
                        let key = (name.to_string(), c.clone());
                        if placed_claims.contains_key(&key) {
                            continue;
                        }
                        if let Some(pvc) = sim.store.find("PersistentVolumeClaim", name, c) {
                            scene.nodes.push(claim_node(sim, pvc, claim_x, claim_y));
                            placed_claims.insert(key, (claim_x, claim_y));
                            claim_x += POD_W + GAP;
                            any_claim = true;
                        }
                    }
                }
            }
            if any_claim {
                py = claim_y + POD_H + GAP;
            }
            region_bottom = region_bottom.max(py);
            cx += col_w + 2.0 * GAP;
        }
        // Claims no pod mounts.
        let mut loose_x = cx;
        for pvc in &claims {
            let key = (name.to_string(), pvc.meta.name.clone());
            if placed_claims.contains_key(&key) {
                continue;
            }
            scene.nodes.push(claim_node(sim, pvc, loose_x, cy));
            placed_claims.insert(key, (loose_x, cy));
            loose_x += POD_W + GAP;
            region_bottom = region_bottom.max(cy + POD_H + GAP);
        }
        cx = cx.max(loose_x);
        max_x = max_x.max(cx);

        // Pod → claim and Service → endpoint lines.
        // Only Service lines need to know which pods are glyphs.
        let glyph_groups: BTreeMap<&str, &String> = if service_nodes.is_empty() {
            BTreeMap::new()
        } else {
            scene
                .nodes
                .iter()
                .filter_map(|n| n.group.as_ref().map(|g| (n.id.as_str(), g)))
                .collect()
        };
        for p in &pods {
            for c in &cache.card(sim, p).claims {
                if let Some(pvc) = sim.store.find("PersistentVolumeClaim", name, c) {
                    scene.edges.push(Edge {
                        from: p.meta.uid.clone(),
                        to: pvc.meta.uid.clone(),
                        kind: EdgeKind::Mounts,
                    });
                }
            }
        }
        // The namespace's pods by label pair, built once: each Service then looks at the
        // pods that carry the rarest pair of its selector (a Service's selector is
        // equality on every pair), not at every pod — services × pods was the build's largest term
        // at 5,000 pods behind 50 Services. Positions into `pods`, ascending: the lines
        // come in the same order as from a walk over every pod.
        let mut by_label: HashMap<(&str, &str), Vec<usize>, Fnv> = HashMap::default();
        if !service_nodes.is_empty() {
            for (i, p) in pods.iter().enumerate() {
                for (k, v) in p.meta.labels.iter() {
                    by_label
                        .entry((k.as_str(), v.as_str()))
                        .or_default()
                        .push(i);
                }
            }
        }
        for (id, s) in &service_nodes {
            let Some(sel) = s
                .get(&["spec", "selector"])
                .as_object()
                .filter(|m| !m.is_empty())
            else {
                continue;
            };
            let pairs: BTreeMap<String, String> = sel
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect();
            let candidates: &[usize] = pairs
                .iter()
                .map(|(k, v)| {
                    by_label
                        .get(&(k.as_str(), v.as_str()))
                        .map_or(&[][..], Vec::as_slice)
                })
                .min_by_key(|c| c.len())
                .unwrap_or(&[]);
            let sel = Selector::from_map(&pairs);
            // One line per endpoint pod drawn as a box; for a group of glyphs, one line
            // to the group's first endpoint pod, ready when every endpoint of the group is
            // (a fan of a thousand lines says no more than one, and costs a thousand paths).
            let mut group_edges: BTreeMap<&str, usize> = BTreeMap::new();
            for p in candidates.iter().map(|&i| pods[i]) {
                if !sel.matches(&p.meta.labels) || p.get(&["status", "podIP"]).is_null() {
                    continue;
                }
                let kind = if cache.card(sim, p).all_ready && !p.is_deleting() {
                    EdgeKind::EndpointReady
                } else {
                    EdgeKind::EndpointNotReady
                };
                if let Some(group) = glyph_groups.get(p.meta.uid.as_str()) {
                    if let Some(&at) = group_edges.get(group.as_str()) {
                        if kind == EdgeKind::EndpointNotReady {
                            scene.edges[at].kind = kind;
                        }
                        continue;
                    }
                    group_edges.insert(group.as_str(), scene.edges.len());
                }
                scene.edges.push(Edge {
                    from: id.clone(),
                    to: p.meta.uid.clone(),
                    kind,
                });
            }
        }
        let h = region_bottom - region_top + GAP;
        scene.regions.push(Region {
            namespace: name.to_string(),
            terminating: ns.is_deleting(),
            x: MARGIN,
            y: region_top,
            w: 0.0,
            h,
        });
        y = region_top + h + 2.0 * GAP;
    }
    for r in scene.regions.iter_mut() {
        r.w = max_x.max(600.0) - MARGIN + GAP;
    }

    // Storage lane: PVs under their claims, then StorageClasses.
    let pvs: Vec<&Object> = sim.store.list("PersistentVolume", "").collect();
    let classes: Vec<&Object> = sim.store.list("StorageClass.storage.k8s.io", "").collect();
    if !pvs.is_empty() || !classes.is_empty() {
        let mut x = MARGIN + GAP;
        let lane_y = y;
        let mut used_x: Vec<f32> = vec![];
        for pv in &pvs {
            let phase = pv.str_at(&["status", "phase"]).unwrap_or("Pending");
            let status = if pv.is_deleting() {
                Status::Terminating
            } else {
                match phase {
                    "Bound" => Status::Bound,
                    "Available" => Status::Available,
                    "Released" => Status::Released,
                    "Failed" => Status::Failed,
                    _ => Status::Pending,
                }
            };
            let cap = pv.str_at(&["spec", "capacity", "storage"]).unwrap_or("");
            let mut n = node(
                pv,
                NodeKind::Volume,
                short(&pv.meta.name, 15),
                format!("{phase} {cap}"),
                status,
            );
            n.explain = format!("PersistentVolume {} ({phase})", pv.meta.name);
            // Under its claim when there is room there.
            let claim = pv.get(&["spec", "claimRef"]);
            let want_x = claim
                .get("name")
                .and_then(Value::as_str)
                .and_then(|c| {
                    placed_claims.get(&(
                        claim
                            .get("namespace")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        c.to_string(),
                    ))
                })
                .map(|(cx, _)| *cx);
            let px = match want_x {
                Some(wx) if !used_x.iter().any(|u| (u - wx).abs() < POD_W + GAP) => wx,
                _ => {
                    while used_x.iter().any(|u| (u - x).abs() < POD_W + GAP) {
                        x += POD_W + GAP;
                    }
                    x
                }
            };
            used_x.push(px);
            n.x = px;
            n.y = lane_y;
            n.w = POD_W;
            n.h = POD_H;
            if let Some(cname) = claim.get("name").and_then(Value::as_str) {
                let cns = claim.get("namespace").and_then(Value::as_str).unwrap_or("");
                if let Some(pvc) = sim.store.find("PersistentVolumeClaim", cns, cname) {
                    if pvc.str_at(&["spec", "volumeName"]) == Some(pv.meta.name.as_str()) {
                        scene.edges.push(Edge {
                            from: pvc.meta.uid.clone(),
                            to: pv.meta.uid.clone(),
                            kind: EdgeKind::Bound,
                        });
                    }
                }
            }
            if let Some(sc) = pv
                .str_at(&["spec", "storageClassName"])
                .and_then(|c| sim.store.find("StorageClass.storage.k8s.io", "", c))
            {
                scene.edges.push(Edge {
                    from: pv.meta.uid.clone(),
                    to: sc.meta.uid.clone(),
                    kind: EdgeKind::ProvisionedBy,
                });
            }
            max_x = max_x.max(px + POD_W + GAP);
            scene.nodes.push(n);
        }
        let sc_y = if pvs.is_empty() {
            lane_y
        } else {
            lane_y + POD_H + 3.0 * GAP
        };
        let mut sx = MARGIN + GAP;
        for sc in &classes {
            let default = crate::controllers::persistentvolume::is_default_class(sc);
            let prov = sc.get(&["provisioner"]).as_str().unwrap_or("");
            let mut n = node(
                sc,
                NodeKind::StorageClass,
                short(&sc.meta.name, 18),
                short(prov, 24),
                Status::Neutral,
            );
            n.star = default;
            n.explain = if default {
                format!("StorageClass {} is the default: annotation storageclass.kubernetes.io/is-default-class=\"true\"", sc.meta.name)
            } else {
                format!("StorageClass {} (not the default)", sc.meta.name)
            };
            n.x = sx;
            n.y = sc_y;
            n.w = 180.0;
            n.h = HEADER_H;
            sx += 180.0 + GAP;
            scene.nodes.push(n);
        }
        max_x = max_x.max(sx);
        y = sc_y + HEADER_H + GAP;
    }

    // Nodes: the machines pods run on, with how many pods each has (one pass over pods).
    let machines: Vec<&Object> = sim.store.list("Node", "").collect();
    if !machines.is_empty() {
        let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
        for p in sim.store.list_all("Pod") {
            if let Some(n) = p.str_at(&["spec", "nodeName"]) {
                *per_node.entry(n).or_default() += 1;
            }
        }
        let mut nx = MARGIN + GAP;
        for m in &machines {
            let ready = m
                .get(&["status", "conditions"])
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            let ip = m
                .get(&["status", "addresses"])
                .as_array()
                .into_iter()
                .flatten()
                .find(|a| a["type"] == "InternalIP")
                .and_then(|a| a["address"].as_str())
                .unwrap_or("");
            let count = per_node.get(m.meta.name.as_str()).copied().unwrap_or(0);
            let pods = if count == 1 { "pod" } else { "pods" };
            // A cordoned node (`spec.unschedulable`, kubectl's STATUS
            // `Ready,SchedulingDisabled`) or one with a taint that keeps new pods off
            // (NoSchedule, NoExecute: the scheduler's TaintToleration check; the behaviour
            // reference has no rule for taints) takes no new pods that do not tolerate
            // it: its box says so in place of its address, amber, and its sentence lists
            // the taints as `kubectl describe node` writes them.
            let cordoned = m.get(&["spec", "unschedulable"]).as_bool() == Some(true);
            let taints: Vec<String> = crate::controllers::scheduler::sorted_taints(m)
                .into_iter()
                .map(crate::controllers::scheduler::taint_text)
                .collect();
            let keeps_off =
                !crate::controllers::scheduler::node_taints(m, &["NoSchedule", "NoExecute"])
                    .is_empty();
            let place = if cordoned {
                "cordoned"
            } else if keeps_off {
                "tainted"
            } else {
                ip
            };
            let status = match (ready, cordoned || keeps_off) {
                (false, _) => Status::Failed,
                (true, true) => Status::Pending,
                (true, false) => Status::Ready,
            };
            let mut n = node(
                m,
                NodeKind::Machine,
                short(&m.meta.name, 18),
                format!("{place} · {count} {pods}"),
                status,
            );
            n.explain = format!(
                "Node {}: {count} {pods} scheduled here ({}{})",
                m.meta.name,
                if ready { "Ready" } else { "NotReady" },
                if cordoned { ",SchedulingDisabled" } else { "" }
            );
            if !taints.is_empty() {
                n.explain.push_str("; taints: ");
                n.explain.push_str(&taints.join(", "));
            }
            n.x = nx;
            n.y = y;
            n.w = 200.0;
            n.h = HEADER_H;
            nx += 200.0 + GAP;
            scene.nodes.push(n);
        }
        max_x = max_x.max(nx);
        y += HEADER_H + GAP;
    }

    // Quiet list: stored, not simulated.
    // (Jobs are drawn above, with their pods, whether or not their controller runs.)
    for t in sim
        .discovery
        .types()
        .iter()
        .filter(|t| !t.simulated && t.gk() != "Job.batch")
    {
        for o in sim.store.list_all(&t.gk()) {
            if SYSTEM_NAMESPACES.contains(&o.meta.namespace.as_str()) {
                continue;
            }
            scene.quiet.push(Quiet {
                id: o.meta.uid.clone(),
                kind: o.kind.clone(),
                namespace: o.meta.namespace.clone(),
                name: o.meta.name.clone(),
            });
        }
    }
    scene.width = max_x.max(600.0) + MARGIN;
    scene.height = y + MARGIN;
    scene
}

/// A Job's second line and state: `S/C complete` (kubectl's COMPLETIONS column), the
/// box green once it is Complete, red once it Failed, neutral while it runs.
fn job_visual(job: &Object) -> (String, Status) {
    let succeeded = job.i64_at(&["status", "succeeded"]).unwrap_or(0);
    let completions = job.i64_at(&["spec", "completions"]).unwrap_or(1);
    use crate::controllers::job::true_condition;
    let status = if true_condition(job, "Complete").is_some() {
        Status::Succeeded
    } else if true_condition(job, "Failed").is_some() {
        Status::Failed
    } else {
        Status::Neutral
    };
    (format!("{succeeded}/{completions} complete"), status)
}

/// A Job's sentence: how far it got, and why it failed when it did (its condition's
/// reason, e.g. BackoffLimitExceeded).
fn job_explain(job: &Object) -> String {
    let f = |k: &str| job.i64_at(&["status", k]).unwrap_or(0);
    let mut e = format!(
        "Job {}: {} succeeded, {} failed, {} active",
        job.meta.name,
        f("succeeded"),
        f("failed"),
        f("active")
    );
    let failed =
        crate::controllers::job::true_condition(job, "Failed").and_then(|c| c["reason"].as_str());
    if let Some(reason) = failed {
        e.push_str(&format!(" ({reason})"));
    }
    e
}

fn claim_node(sim: &Sim, pvc: &Object, x: f32, y: f32) -> Node {
    let phase = pvc.str_at(&["status", "phase"]).unwrap_or("Pending");
    let status = if pvc.is_deleting() {
        Status::Terminating
    } else {
        match phase {
            "Bound" => Status::Bound,
            "Lost" => Status::Lost,
            _ => Status::Pending,
        }
    };
    let class = pvc.str_at(&["spec", "storageClassName"]).unwrap_or("");
    let class_text = if class.is_empty() {
        "no class".to_string()
    } else {
        class.to_string()
    };
    let mut n = node(
        pvc,
        NodeKind::Claim,
        short(&pvc.meta.name, 15),
        format!("{phase} · {}", short(&class_text, 12)),
        status,
    );
    n.explain = crate::controllers::persistentvolume::class_reason(sim, pvc).explain();
    n.x = x;
    n.y = y;
    n.w = POD_W;
    n.h = POD_H;
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_is_listed_once_in_all() {
        for (i, s) in Status::ALL.into_iter().enumerate() {
            // A new variant breaks this match until it is placed in ALL too.
            let at = match s {
                Status::Pending => 0,
                Status::Creating => 1,
                Status::Running => 2,
                Status::Ready => 3,
                Status::Terminating => 4,
                Status::Failed => 5,
                Status::Succeeded => 6,
                Status::Bound => 7,
                Status::Available => 8,
                Status::Released => 9,
                Status::Lost => 10,
                Status::Neutral => 11,
            };
            assert_eq!(at, i, "{s:?}");
        }
    }
    use crate::shell::Session;

    fn overlaps(a: &Node, b: &Node) -> bool {
        a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
    }

    fn lesson_like() -> Session {
        let mut s = Session::new(1);
        s.exec(
            "kubectl apply -f - <<EOF",
            Some(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: None\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n        volumeMounts:\n        - name: www\n          mountPath: /usr/share/nginx/html\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
            ),
        );
        s.exec(
            "kubectl create deployment api --image=nginx --replicas=12",
            None,
        );
        s.exec("sleep 60s", None);
        s
    }

    #[test]
    fn boxes_never_overlap_and_edges_have_both_ends() {
        let s = lesson_like();
        let scene = build(&s.sim);
        assert!(
            scene.nodes.len() > 10,
            "{:#?}",
            scene.nodes.iter().map(|n| &n.name).collect::<Vec<_>>()
        );
        for (i, a) in scene.nodes.iter().enumerate() {
            for b in &scene.nodes[i + 1..] {
                assert!(!overlaps(a, b), "{} overlaps {}", a.name, b.name);
            }
        }
        for e in &scene.edges {
            assert!(
                scene.node(&e.from).is_some() && scene.node(&e.to).is_some(),
                "{e:?}"
            );
        }
        assert!(scene
            .quiet
            .iter()
            .any(|q| q.kind == "ConfigMap" && q.name == "settings"));
    }

    #[test]
    fn statefulset_pods_sit_in_ordinal_order_with_badges_and_claims_below() {
        let s = lesson_like();
        let scene = build(&s.sim);
        let pods: Vec<&Node> = scene
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Pod && n.name.starts_with("web-"))
            .collect();
        assert_eq!(
            pods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["web-0", "web-1", "web-2"]
        );
        assert!(pods.windows(2).all(|w| w[0].x < w[1].x));
        assert_eq!(pods[1].badge.as_deref(), Some("1"));
        let claim = scene
            .nodes
            .iter()
            .find(|n| n.name == "www-web-1")
            .expect("claim shown");
        assert!(claim.y > pods[1].y);
        assert!(scene
            .edges
            .iter()
            .any(|e| e.kind == EdgeKind::Bound && e.from == claim.id));
        let sc = scene
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::StorageClass && n.name == "standard")
            .unwrap();
        assert!(sc.star);
    }

    #[test]
    fn a_recreated_pod_is_a_new_node() {
        let mut s = lesson_like();
        let before = build(&s.sim)
            .nodes
            .iter()
            .find(|n| n.name == "web-1")
            .unwrap()
            .id
            .clone();
        s.exec("kubectl delete pod web-1", None);
        s.exec("sleep 60s", None);
        let after = build(&s.sim)
            .nodes
            .iter()
            .find(|n| n.name == "web-1")
            .unwrap()
            .id
            .clone();
        assert_ne!(before, after);
    }

    /// Issue 5: the canvas shows the node(s) pods run on, with how many each holds.
    #[test]
    fn nodes_show_below_with_their_pod_count_and_pods_say_where_they_run() {
        let s = lesson_like();
        let scene = build(&s.sim);
        let machines: Vec<&Node> = scene
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Machine)
            .collect();
        assert_eq!(machines.len(), 1);
        let m = machines[0];
        assert_eq!(m.name, "minikube");
        assert_eq!(m.status, Status::Ready);
        let scheduled = s
            .sim
            .store
            .list_all("Pod")
            .filter(|p| p.str_at(&["spec", "nodeName"]) == Some("minikube"))
            .count();
        assert!(scheduled > 0);
        assert!(
            m.detail.ends_with(&format!("{scheduled} pods")),
            "{}",
            m.detail
        );
        let web0 = scene.nodes.iter().find(|n| n.name == "web-0").unwrap();
        assert_eq!(web0.explain, "Runs on node minikube");
        assert!(scene
            .nodes
            .iter()
            .all(|n| n.y <= m.y || n.kind == NodeKind::Machine));
    }

    /// A cordoned or tainted node says so on its box (amber, in place of its address)
    /// and lists its taints in its sentence; uncordoned and untainted, it is as before.
    #[test]
    fn a_cordoned_or_tainted_node_says_so() {
        let mut s = Session::new(1);
        let machine = |s: &Session| {
            build(&s.sim)
                .nodes
                .into_iter()
                .find(|n| n.kind == NodeKind::Machine)
                .unwrap()
        };
        let m = machine(&s);
        assert_eq!(m.status, Status::Ready);
        assert!(m.detail.starts_with("192.168.49.2 · "), "{}", m.detail);
        assert!(!m.explain.contains("taints"), "{}", m.explain);
        s.exec("kubectl cordon minikube", None);
        let m = machine(&s);
        assert_eq!(m.status, Status::Pending);
        assert!(m.detail.starts_with("cordoned · "), "{}", m.detail);
        assert!(
            m.explain.ends_with(
                "(Ready,SchedulingDisabled); taints: node.kubernetes.io/unschedulable:NoSchedule"
            ),
            "{}",
            m.explain
        );
        s.exec("kubectl uncordon minikube", None);
        s.exec(
            "kubectl taint nodes minikube dedicated=gpu:NoSchedule",
            None,
        );
        s.exec("kubectl taint nodes minikube spot:PreferNoSchedule", None);
        let m = machine(&s);
        assert_eq!(m.status, Status::Pending);
        assert!(m.detail.starts_with("tainted · "), "{}", m.detail);
        // In `kubectl describe node`'s order: by effect, then key.
        assert!(
            m.explain
                .ends_with("(Ready); taints: dedicated=gpu:NoSchedule, spot:PreferNoSchedule"),
            "{}",
            m.explain
        );
        // PreferNoSchedule alone keeps no pod off: the box is as an untainted node's.
        s.exec("kubectl taint nodes minikube dedicated-", None);
        let m = machine(&s);
        assert_eq!(m.status, Status::Ready);
        assert!(m.detail.starts_with("192.168.49.2 · "), "{}", m.detail);
        assert!(
            m.explain.ends_with("; taints: spot:PreferNoSchedule"),
            "{}",
            m.explain
        );
    }

    /// A Job is drawn as a box over its pods (not in the quiet list of kinds that are
    /// only stored), with kubectl's COMPLETIONS as its second line.
    #[test]
    fn a_job_is_a_box_over_its_pods() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl apply -f - <<EOF",
            Some("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  completions: 3\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: busybox\n        command: [\"sh\", \"-c\", \"echo done\"]\n"),
        );
        s.exec("sleep 5s", None);
        let scene = build(&s.sim);
        let job = scene
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::Job)
            .expect("the Job is drawn");
        assert_eq!(job.name, "pi");
        assert!(job.detail.ends_with("/3 complete"), "{}", job.detail);
        assert!(job.explain.starts_with("Job pi: "), "{}", job.explain);
        assert!(scene.quiet.iter().all(|q| q.kind != "Job"));
        assert_eq!(job.status, Status::Neutral, "running");
        // Its pods sit under it, with an owner line each.
        let pods: Vec<&Node> = scene
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Pod)
            .collect();
        assert!(!pods.is_empty());
        for p in pods {
            assert!(p.y > job.y, "{} above its Job", p.name);
            assert!(scene
                .edges
                .iter()
                .any(|e| e.from == job.id && e.to == p.id && e.kind == EdgeKind::Owns));
        }
        // Complete: green, 3/3, its pods Completed under it.
        s.exec(
            "kubectl wait --for=condition=complete job/pi --timeout=120s",
            None,
        );
        let scene = build(&s.sim);
        let job = scene
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::Job)
            .unwrap();
        assert_eq!(job.status, Status::Succeeded);
        assert_eq!(job.detail, "3/3 complete");
        assert_eq!(job.explain, "Job pi: 3 succeeded, 0 failed, 0 active");
        let done = scene
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Pod && n.status == Status::Succeeded)
            .count();
        assert_eq!(done, 3);
    }

    /// A Job that fails by its backoff limit is red and says why.
    #[test]
    fn a_failed_job_is_red_and_says_why() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl apply -f - <<EOF",
            Some("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: bad\nspec:\n  backoffLimit: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: bad\n        image: busybox\n        command: [\"sh\", \"-c\", \"exit 1\"]\n"),
        );
        s.exec(
            "kubectl wait --for=condition=failed job/bad --timeout=120s",
            None,
        );
        let scene = build(&s.sim);
        let job = scene
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::Job)
            .unwrap();
        assert_eq!(job.status, Status::Failed);
        assert!(
            job.explain.ends_with("(BackoffLimitExceeded)"),
            "{}",
            job.explain
        );
    }

    /// A bare pod (no controller) sits in its namespace's region, and nothing below the
    /// region overlaps it.
    #[test]
    fn a_bare_pod_does_not_collide_with_the_storage_lane() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl apply -f - <<EOF",
            Some("apiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\nspec:\n  containers:\n  - name: web\n    image: nginx\n"),
        );
        s.exec("sleep 30s", None);
        let scene = build(&s.sim);
        assert!(scene.nodes.iter().any(|n| n.name == "solo"));
        for (i, a) in scene.nodes.iter().enumerate() {
            for b in &scene.nodes[i + 1..] {
                assert!(!overlaps(a, b), "{} overlaps {}", a.name, b.name);
            }
        }
        let region = &scene.regions[0];
        for n in scene.nodes.iter().filter(|n| n.namespace.is_empty()) {
            assert!(
                n.y >= region.y + region.h,
                "{} is inside the region",
                n.name
            );
        }
    }

    #[test]
    fn layout_is_deterministic() {
        assert_eq!(build(&lesson_like().sim), build(&lesson_like().sim));
    }

    /// Up to GLYPH_GROUP pods a group keeps its named boxes (the lesson's scale to 10);
    /// beyond, every pod of the group is a glyph in a grid, inside its region, not
    /// overlapping anything, and each still carries its state.
    #[test]
    fn a_big_group_is_drawn_as_glyphs_and_a_small_one_as_boxes() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment small --image=nginx --replicas=10",
            None,
        );
        s.exec(
            &format!(
                "kubectl create deployment big --image=nginx --replicas={}",
                GLYPH_GROUP + 1
            ),
            None,
        );
        s.exec("sleep 60s", None);
        let scene = build(&s.sim);
        let pods = |prefix: &str| -> Vec<&Node> {
            scene
                .nodes
                .iter()
                .filter(|n| n.kind == NodeKind::Pod && n.name.starts_with(prefix))
                .collect()
        };
        let (small, big) = (pods("small-"), pods("big-"));
        assert_eq!(small.len(), 10);
        assert_eq!(big.len(), GLYPH_GROUP + 1);
        assert!(small
            .iter()
            .all(|n| !n.is_glyph() && n.w == POD_W && n.h == POD_H));
        assert!(big
            .iter()
            .all(|n| n.is_glyph() && n.w == GLYPH && n.h == GLYPH));
        assert!(big.iter().all(|n| n.status == Status::Ready));
        for (i, a) in scene.nodes.iter().enumerate() {
            for b in &scene.nodes[i + 1..] {
                assert!(!overlaps(a, b), "{} overlaps {}", a.name, b.name);
            }
        }
        let region = &scene.regions[0];
        for n in big {
            assert!(n.x + n.w <= region.x + region.w && n.y + n.h <= region.y + region.h);
        }
        // A thousand pods: 25 rows of 40 glyphs.
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment big --image=nginx --replicas=1000",
            None,
        );
        let scene = build(&s.sim);
        let glyphs: Vec<&Node> = scene.nodes.iter().filter(|n| n.is_glyph()).collect();
        assert_eq!(glyphs.len(), 1000);
        let top = glyphs.iter().map(|n| n.y).fold(f32::MAX, f32::min);
        let bottom = glyphs.iter().map(|n| n.y + n.h).fold(0.0, f32::max);
        assert_eq!(bottom - top, 25.0 * (GLYPH + GLYPH_GAP) - GLYPH_GAP);
    }

    /// A small group keeps a line from its owner and from its Service to every pod; a
    /// group of glyphs gets one Service line (not-ready while any endpoint of the group
    /// is) and no owner lines: its grid sits under its owner.
    #[test]
    fn a_glyph_group_gets_one_service_line_and_no_owner_lines() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment small --image=nginx --replicas=3",
            None,
        );
        s.exec(
            "kubectl create deployment big --image=nginx --replicas=100",
            None,
        );
        for app in ["small", "big"] {
            let svc = format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\nspec:\n  selector:\n    app: {app}\n  ports:\n  - port: 80\n"
            );
            assert_eq!(s.exec("kubectl apply -f -", Some(&svc)).code, 0);
        }
        s.exec("sleep 60s", None);
        let scene = build(&s.sim);
        let uid_of = |name: &str| -> String {
            scene
                .nodes
                .iter()
                .find(|n| n.kind == NodeKind::Service && n.name == name)
                .map(|n| n.id.clone())
                .unwrap()
        };
        let (small_svc, big_svc) = (uid_of("small"), uid_of("big"));
        let from = |id: &str, kind: EdgeKind| {
            scene
                .edges
                .iter()
                .filter(|e| e.from == id && e.kind == kind)
                .count()
        };
        assert_eq!(from(&small_svc, EdgeKind::EndpointReady), 3);
        assert_eq!(from(&big_svc, EdgeKind::EndpointReady), 1);
        let owns_to_glyphs = scene
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Owns)
            .filter(|e| scene.node(&e.to).is_some_and(Node::is_glyph))
            .count();
        assert_eq!(owns_to_glyphs, 0);
        assert_eq!(
            scene
                .edges
                .iter()
                .filter(|e| e.kind == EdgeKind::Owns)
                .count(),
            // small: Deployment → RS, RS → 3 pods; big: Deployment → RS.
            1 + 3 + 1
        );
        // One pod of the big group not ready: its group's line says so.
        let name = s
            .sim
            .store
            .list("Pod", "default")
            .find(|p| p.meta.name.starts_with("big-"))
            .map(|p| p.meta.name.clone())
            .unwrap();
        s.exec(&format!("kubectl delete pod {name} --wait=false"), None);
        let scene = build(&s.sim);
        let kinds: Vec<EdgeKind> = scene
            .edges
            .iter()
            .filter(|e| e.from == big_svc)
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds, vec![EdgeKind::EndpointNotReady]);
    }

    #[test]
    fn a_cached_build_equals_a_fresh_one() {
        let mut s = lesson_like();
        let mut cache = VisualCache::default();
        assert_eq!(build_cached(&s.sim, &mut cache), build(&s.sim));
        assert!(!cache.is_empty());
        s.exec("kubectl delete pod web-0 --wait=false", None);
        s.exec("sleep 1s", None);
        assert_eq!(build_cached(&s.sim, &mut cache), build(&s.sim));
        s.exec("sleep 60s", None);
        assert_eq!(build_cached(&s.sim, &mut cache), build(&s.sim));
    }

    #[test]
    fn endpoint_lines_are_the_pods_each_service_selects() {
        // The lines from each Service go to the pods of its namespace that have an IP and
        // carry every pair of its selector, in the pods' order: the label index must give
        // what a walk over every pod gives (here worked out by that walk).
        let mut s = Session::new(3);
        for line in [
            "kubectl create deployment web --image=nginx --replicas=2",
            "kubectl create deployment api --image=nginx --replicas=3",
            "kubectl label deployment api tier=back",
            "kubectl patch deployment api -p '{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"tier\":\"back\"}}}}}'",
            "kubectl expose deployment web --port=80",
            "kubectl apply -f svc.yaml",
            "sleep 20s",
        ] {
            if line.ends_with("svc.yaml") {
                let svc = |name: &str, sel: &str| {
                    format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {sel}\n  ports:\n  - port: 80\n")
                };
                s.files.insert(
                    "svc.yaml".into(),
                    svc("api", "{app: api, tier: back}") + &svc("back", "{tier: back}") + &svc("none", "{app: nothing}"),
                );
            }
            let out = s.exec(line, None);
            assert_eq!(out.code, 0, "{line}: {}", out.text);
        }
        let sim = &s.sim;
        let scene = build(sim);
        let mut checked = 0;
        for svc in sim.store.list("Service", "default") {
            let Some(sel) = svc
                .get(&["spec", "selector"])
                .as_object()
                .filter(|m| !m.is_empty())
            else {
                continue;
            };
            let want: Vec<&str> = sim
                .store
                .list("Pod", "default")
                .filter(|p| !p.get(&["status", "podIP"]).is_null())
                .filter(|p| {
                    sel.iter()
                        .all(|(k, v)| p.meta.labels.get(k).map(String::as_str) == v.as_str())
                })
                .map(|p| p.meta.uid.as_str())
                .collect();
            let got: Vec<&str> = scene
                .edges
                .iter()
                .filter(|e| e.from == svc.meta.uid)
                .filter(|e| matches!(e.kind, EdgeKind::EndpointReady | EdgeKind::EndpointNotReady))
                .map(|e| e.to.as_str())
                .collect();
            assert_eq!(got, want, "service {}", svc.meta.name);
            checked += want.len();
        }
        // web 2, api 3, back 3 (api's pods after the rollout), none 0.
        assert_eq!(checked, 8, "{:?}", scene.edges);
    }

    /// The page keeps one cache across every draw and every jump in time: over random
    /// histories (deployments, a StatefulSet, bare pods, scaling across the glyph
    /// threshold, deleted pods, time passing), a build with that warm cache equals a
    /// cold one, at the present and at earlier moments revisited in random order.
    #[test]
    fn a_warm_cache_builds_what_a_cold_one_does() {
        const STS: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n  replicas: 3\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: db\n        image: mongo\n";
        let seeds: u64 = std::env::var("ORRERY_SCENE_SEEDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(6);
        for seed in 0..seeds {
            let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = |n: u64| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng % n.max(1)
            };
            let mut s = Session::new(seed);
            let mut cache = VisualCache::default();
            let mut past: Vec<Session> = vec![];
            for step in 0..40 {
                let line = match next(10) {
                    0 | 1 => format!(
                        "kubectl create deployment d{} --image=nginx --replicas={}",
                        next(3),
                        1 + next(40)
                    ),
                    2 => format!(
                        "kubectl scale deployment d{} --replicas={}",
                        next(3),
                        next(45)
                    ),
                    3 => {
                        let pods: Vec<String> = s
                            .sim
                            .store
                            .list("Pod", "default")
                            .map(|p| p.meta.name.clone())
                            .collect();
                        match pods.get(next(pods.len() as u64 + 1) as usize) {
                            Some(p) => format!("kubectl delete pod {p} --wait=false"),
                            None => "sleep 1s".into(),
                        }
                    }
                    4 => format!("kubectl run bare{} --image=nginx", next(4)),
                    5 => format!("kubectl delete deployment d{} --wait=false", next(3)),
                    6 => "kubectl apply -f -".into(),
                    // A claim and a bare pod that mounts it (or one that is gone: the
                    // claims a pod names are part of what a warm cache keeps).
                    7 => "kubectl create -f -".into(),
                    _ => format!("sleep {}s", 1 + next(20)),
                };
                let claim = format!(
                    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data{n}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: mounts{n}\nspec:\n  containers:\n  - name: c\n    image: nginx\n  volumes:\n  - name: v\n    persistentVolumeClaim:\n      claimName: data{m}\n",
                    n = next(3),
                    m = next(4)
                );
                let stdin = if line.starts_with("kubectl create -f") {
                    Some(claim.as_str())
                } else {
                    line.ends_with(" -").then_some(STS)
                };
                s.exec(&line, stdin);
                for p in s.sim.store.list_all("Pod") {
                    let card = PodCard::of(&s.sim, p);
                    assert_eq!((card.status, card.detail), pod_visual(p), "{}", p.meta.name);
                }
                assert_eq!(
                    build_cached(&s.sim, &mut cache),
                    build(&s.sim),
                    "seed {seed}, step {step}: {line}"
                );
                past.push(s.clone());
                // A jump back to a random earlier moment, with the same cache.
                let then = &past[next(past.len() as u64) as usize];
                assert_eq!(
                    build_cached(&then.sim, &mut cache),
                    build(&then.sim),
                    "seed {seed}, step {step}: an earlier moment"
                );
            }
            assert!(!cache.is_empty());
        }
    }
}
