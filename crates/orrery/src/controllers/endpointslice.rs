//! The endpointslice controller and, in the same pass, the legacy endpoints controller
//! (R6.1–R6.6): for every Service with a selector, the pods it selects in its own
//! namespace become EndpointSlice endpoints (with `ready`/`serving`/`terminating`
//! conditions) and `Endpoints` addresses. It also plays the API server's endpoint
//! reconciler for `default/kubernetes` (the node's address on 8443).
//!
//! Cluster DNS (R6.8) is answered here too, from the same data: `resolve_dns`.
//!
//! Choices where the reference is silent or UNVERIFIED:
//! - Slice names come from `generateName: <svc>-` (R6.3, UNVERIFIED): `web-7xq2z`.
//! - A Service whose selector is missing or empty gets no managed endpoints.
//! - Slices are never split at 100 endpoints (the real controller's maximum); one slice
//!   per distinct resolved port set.
//! - Endpoints within a slice are ordered by pod name; `Endpoints` addresses by IP (as
//!   `RepackSubsets` sorts them).
//! - Managed `Endpoints` carry `endpointslice.kubernetes.io/skip-mirror: "true"`, which
//!   is how the controller marks the ones it owns; they are deleted with their Service.

use crate::sort::StableSort;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

use crate::api::{ObjKey, Object, Selector};
use crate::sim::{Action, Out, Sim};

pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";
pub const SKIP_MIRROR_LABEL: &str = "endpointslice.kubernetes.io/skip-mirror";
const SLICE_GK: &str = "EndpointSlice.discovery.k8s.io";

/// One resolved port of an endpoint group: the Service port's name, the pod's port number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct EndpointPort {
    pub name: String,
    pub port: i64,
    pub protocol: String,
    pub app_protocol: Option<String>,
}

/// One pod as an endpoint of a Service (borrowing from the pod: this runs every round).
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredEndpoint<'a> {
    pub pod_name: &'a str,
    pub pod_uid: &'a str,
    pub ip: &'a str,
    pub node_name: &'a str,
    pub hostname: Option<&'a str>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// Endpoints that share one resolved port set (R6.3: one slice per port set).
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointGroup<'a> {
    pub ports: Vec<EndpointPort>,
    pub endpoints: Vec<DesiredEndpoint<'a>>,
}

/// The Service's selector, or None when it has none (R6.1: no managed endpoints).
pub fn service_selector(svc: &Object) -> Option<Selector> {
    let sel = crate::api::object::string_map(Some(svc.get(&["spec", "selector"])));
    if sel.is_empty() {
        return None;
    }
    Some(Selector::from_map(&sel))
}

pub fn is_headless(svc: &Object) -> bool {
    svc.str_at(&["spec", "clusterIP"]) == Some("None")
}

/// Whether a pod's Ready condition is True.
pub fn pod_is_ready(pod: &Object) -> bool {
    pod.get(&["status", "conditions"])
        .as_array()
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Ready")
                    && c.get("status").and_then(Value::as_str) == Some("True")
            })
        })
}

/// R6.6: a Service port's `targetPort` resolved against one pod: a number as is, a name
/// through the pod's `containers[].ports[].name` (with the same protocol). `None` when the
/// pod has no port of that name.
pub fn resolve_target_port(pod: &Object, svc_port: &Value) -> Option<i64> {
    let protocol = svc_port
        .get("protocol")
        .and_then(Value::as_str)
        .unwrap_or("TCP");
    let target = svc_port
        .get("targetPort")
        .filter(|v| !v.is_null())
        .or_else(|| svc_port.get("port"))?;
    if let Some(n) = target.as_i64() {
        return Some(n);
    }
    let name = target.as_str()?;
    if let Ok(n) = name.parse::<i64>() {
        return Some(n);
    }
    let containers = pod.get(&["spec", "containers"]).as_array()?;
    containers
        .iter()
        .flat_map(|c| {
            c.get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("protocol").and_then(Value::as_str).unwrap_or("TCP") == protocol
        })
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
}

/// Whether terminating pods appear in EndpointSlices with `serving`/`terminating`
/// conditions: EndpointSliceTerminatingCondition, alpha (off) in 1.21, on from 1.22
/// (R6.3, §10; the version is UNVERIFIED, chosen as "after 1.21").
pub fn terminating_condition_enabled(sim: &Sim) -> bool {
    sim.version.at_least(22)
}

/// The endpoint groups a Service should have now: the selected, eligible pods (R6.2)
/// grouped by resolved port set (R6.3, R6.6), each with its conditions (R6.3, R6.5).
/// Terminating pods are included only when `include_terminating`.
pub fn desired_groups<'a>(
    sim: &'a Sim,
    svc: &Object,
    include_terminating: bool,
) -> Vec<EndpointGroup<'a>> {
    let Some(selector) = service_selector(svc) else {
        return vec![];
    };
    let publish_not_ready = svc
        .get(&["spec", "publishNotReadyAddresses"])
        .as_bool()
        .unwrap_or(false);
    let svc_ports = svc
        .get(&["spec", "ports"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    // With only numeric target ports every pod resolves the same port set: compute it once.
    let all_numeric = svc_ports.iter().all(|sp| {
        sp.get("targetPort")
            .is_none_or(|t| t.is_null() || t.is_i64())
    });
    let port_set = |pod: &Object| -> Vec<EndpointPort> {
        let mut ports: Vec<EndpointPort> = svc_ports
            .iter()
            .filter_map(|sp| {
                let port = resolve_target_port(pod, sp)?;
                Some(EndpointPort {
                    name: sp
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    port,
                    protocol: sp
                        .get("protocol")
                        .and_then(Value::as_str)
                        .unwrap_or("TCP")
                        .to_string(),
                    app_protocol: sp
                        .get("appProtocol")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                })
            })
            .collect();
        ports.sort_stable();
        ports
    };
    let shared_ports = all_numeric.then(|| port_set(svc));
    let mut groups: BTreeMap<Vec<EndpointPort>, Vec<DesiredEndpoint<'a>>> = BTreeMap::new();
    // The pods carrying the selector's first pair (a Service's selector is a non-empty
    // map of equalities), by name: the same pods, in the same order, as scanning the
    // namespace.
    let Some(crate::api::selector::Requirement::Eq(k, v)) = selector.requirements.first() else {
        return vec![];
    };
    for pod in sim.store.pods_labelled(&svc.meta.namespace, k, v) {
        if !selector.matches(&pod.meta.labels) {
            continue;
        }
        // R6.2 ShouldPodBeInEndpoints.
        let Some(ip) = pod.str_at(&["status", "podIP"]).filter(|ip| !ip.is_empty()) else {
            continue;
        };
        if matches!(
            pod.str_at(&["status", "phase"]),
            Some("Succeeded" | "Failed")
        ) {
            continue;
        }
        let terminating = pod.is_deleting();
        if terminating && !include_terminating {
            continue;
        }
        let ports = match &shared_ports {
            Some(p) => p.clone(),
            None => port_set(pod),
        };
        // R6.3 podToEndpoint.
        let serving = publish_not_ready || pod_is_ready(pod);
        let ready = publish_not_ready || (serving && !terminating);
        // R6.8: a pod whose hostname/subdomain name this Service gets a per-pod record.
        let hostname = match (
            pod.str_at(&["spec", "hostname"]),
            pod.str_at(&["spec", "subdomain"]),
        ) {
            (Some(h), Some(sub)) if sub == svc.meta.name && !h.is_empty() => Some(h),
            _ => None,
        };
        groups.entry(ports).or_default().push(DesiredEndpoint {
            pod_name: &pod.meta.name,
            pod_uid: &pod.meta.uid,
            ip,
            node_name: pod.str_at(&["spec", "nodeName"]).unwrap_or(""),
            hostname,
            ready,
            serving,
            terminating,
        });
    }
    groups
        .into_iter()
        .map(|(ports, endpoints)| EndpointGroup { ports, endpoints })
        .collect()
}

/// Slice `ports`; the API serialises an empty list as `null` (no omitempty).
fn ports_json(ports: &[EndpointPort]) -> Value {
    if ports.is_empty() {
        return Value::Null;
    }
    Value::Array(
        ports
            .iter()
            .map(|p| {
                let mut m = Map::new();
                if let Some(ap) = &p.app_protocol {
                    m.insert("appProtocol".into(), json!(ap));
                }
                m.insert("name".into(), json!(p.name));
                m.insert("port".into(), json!(p.port));
                m.insert("protocol".into(), json!(p.protocol));
                Value::Object(m)
            })
            .collect(),
    )
}

fn target_ref(ns: &str, e: &DesiredEndpoint) -> Value {
    json!({"kind": "Pod", "name": e.pod_name, "namespace": ns, "uid": e.pod_uid})
}

fn slice_endpoints_json(sim: &Sim, ns: &str, endpoints: &[DesiredEndpoint]) -> Value {
    let with_terminating = terminating_condition_enabled(sim);
    if endpoints.is_empty() {
        return Value::Null;
    }
    Value::Array(
        endpoints
            .iter()
            .map(|e| {
                let conditions = if with_terminating {
                    json!({"ready": e.ready, "serving": e.serving, "terminating": e.terminating})
                } else {
                    json!({"ready": e.ready})
                };
                let mut m = Map::new();
                m.insert("addresses".into(), json!([e.ip]));
                m.insert("conditions".into(), conditions);
                if let Some(h) = &e.hostname {
                    m.insert("hostname".into(), json!(h));
                }
                if !e.node_name.is_empty() {
                    m.insert("nodeName".into(), json!(e.node_name));
                }
                m.insert("targetRef".into(), target_ref(ns, e));
                Value::Object(m)
            })
            .collect(),
    )
}

/// The labels a Service's slices carry (R6.3): the Service's own labels plus the
/// service-name and managed-by labels, and the headless label for headless Services.
fn slice_labels(svc: &Object) -> BTreeMap<String, String> {
    let mut labels = (*svc.meta.labels).clone();
    labels.insert(SERVICE_NAME_LABEL.into(), svc.meta.name.clone());
    labels.insert(MANAGED_BY_LABEL.into(), MANAGED_BY.into());
    if is_headless(svc) {
        labels.insert(HEADLESS_LABEL.into(), String::new());
    }
    labels
}

fn owner_ref(svc: &Object) -> crate::api::object::OwnerRef {
    crate::api::object::OwnerRef {
        api_version: "v1".into(),
        kind: "Service".into(),
        name: svc.meta.name.clone(),
        uid: svc.meta.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }
}

/// Whether a slice is managed by this controller for this Service.
fn is_managed_slice(slice: &Object, svc: &Object) -> bool {
    slice.meta.labels.get(MANAGED_BY_LABEL).map(String::as_str) == Some(MANAGED_BY)
        && slice.meta.labels.get(SERVICE_NAME_LABEL) == Some(&svc.meta.name)
}

/// A Service's managed slices, by name.
pub fn managed_slices<'a>(sim: &'a Sim, svc: &'a Object) -> Vec<&'a Object> {
    let mut v: Vec<&Object> = sim
        .store
        .owned_by(&svc.meta.uid)
        .filter(|o| o.gk() == SLICE_GK && is_managed_slice(o, svc))
        .collect();
    v.sort_stable_by(|a, b| a.meta.name.cmp(&b.meta.name));
    v
}

/// Slice ports as the resolved port set they carry.
fn slice_port_set(slice: &Object) -> Vec<EndpointPort> {
    let mut ports: Vec<EndpointPort> = slice
        .get(&["ports"])
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| EndpointPort {
            name: p.get("name").and_then(Value::as_str).unwrap_or("").into(),
            port: p.get("port").and_then(Value::as_i64).unwrap_or(0),
            protocol: p
                .get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("TCP")
                .into(),
            app_protocol: p
                .get("appProtocol")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
        .collect();
    ports.sort_stable();
    ports
}

pub fn reconcile(sim: &Sim, out: &mut Out) {
    let Some(last) = sim.incremental_since() else {
        return full_pass(sim, out);
    };
    let (services, endpoints) = dirty(sim, last);
    for key in &services {
        if let Some(svc) = sim.store.get(key) {
            sync_service(sim, svc, out);
        }
    }
    for key in &endpoints {
        if let Some(ep) = sim.store.get(key) {
            sync_orphan_endpoints(sim, ep, out);
        }
    }
    super::finish_incremental(sim, out, "endpointslice", full_pass);
}

fn full_pass(sim: &Sim, out: &mut Out) {
    for svc in sim.store.list_all("Service") {
        sync_service(sim, svc, out);
    }
    // Managed Endpoints whose Service is gone go with it.
    for ep in sim.store.list_all("Endpoints") {
        sync_orphan_endpoints(sim, ep, out);
    }
}

/// What may need a sync since the last pass, in store order: the Services written,
/// whose slices or Endpoints were written, or that select (or selected) a pod written
/// or gone; and the Endpoints written or named by a Service gone. A Service's sync
/// reads only these, the cluster settings and the version (a change makes a full pass).
fn dirty(sim: &Sim, last: &crate::sim::Pass) -> (BTreeSet<ObjKey>, BTreeSet<ObjKey>) {
    let mut services = BTreeSet::new();
    let mut endpoints = BTreeSet::new();
    // Services by (namespace, first selector pair): a pod can only be selected by the
    // Services indexed under one of its own labels. Built before the pods are read: with
    // no selecting Service (a cluster of pods and no Service but `kubernetes`), no pod
    // written or gone can make one dirty, and 5,000 pods written need not be gathered.
    // Nested maps so that a pod's labels are looked up without copying them.
    type Index<'a> = BTreeMap<&'a str, BTreeMap<String, BTreeMap<String, Vec<&'a Object>>>>;
    let mut index: Index = BTreeMap::new();
    for svc in sim.store.list_all("Service") {
        let sel = crate::api::object::string_map(Some(svc.get(&["spec", "selector"])));
        if let Some((k, v)) = sel.into_iter().next() {
            index
                .entry(svc.meta.namespace.as_str())
                .or_default()
                .entry(k)
                .or_default()
                .entry(v)
                .or_default()
                .push(svc);
        }
    }
    let selecting = !index.is_empty();
    // A pod written or gone, in its namespace, with the labels it has or had.
    let pod = |services: &mut BTreeSet<ObjKey>, ns: &str, labels: &BTreeMap<String, String>| {
        let Some(by_key) = index.get(ns) else {
            return;
        };
        for (k, v) in labels {
            let Some(svcs) = by_key.get(k.as_str()).and_then(|m| m.get(v.as_str())) else {
                continue;
            };
            for svc in svcs {
                if service_selector(svc).is_some_and(|s| s.matches(labels)) {
                    services.insert(svc.key());
                }
            }
        }
    };
    for obj in sim.store.written_since(last.rv) {
        let ns = obj.meta.namespace.as_str();
        match (obj.kind.as_str(), obj.api_version.as_str()) {
            ("Service", "v1") => {
                services.insert(obj.key());
            }
            ("Pod", "v1") if selecting => pod(&mut services, ns, &obj.meta.labels),
            ("Endpoints", "v1") => {
                endpoints.insert(obj.key());
                if sim.store.find("Service", ns, &obj.meta.name).is_some() {
                    services.insert(ObjKey::new("Service", ns, &obj.meta.name));
                }
            }
            ("EndpointSlice", "discovery.k8s.io/v1") => {
                for r in &obj.meta.owner_references {
                    if let Some(svc) = sim.store.by_uid(&r.uid) {
                        if svc.kind == "Service" {
                            services.insert(svc.key());
                        }
                    }
                }
                if let Some(name) = obj.meta.labels.get(SERVICE_NAME_LABEL) {
                    if sim.store.find("Service", ns, name).is_some() {
                        services.insert(ObjKey::new("Service", ns, name));
                    }
                }
            }
            _ => {}
        }
    }
    for gone in sim.removed_since(last) {
        match gone.key.gk.as_str() {
            "Pod" if selecting => pod(&mut services, &gone.key.namespace, &gone.labels),
            "Service" => {
                let ep = ObjKey::new("Endpoints", &gone.key.namespace, &gone.key.name);
                if sim.store.get(&ep).is_some() {
                    endpoints.insert(ep);
                }
            }
            _ => {}
        }
    }
    (services, endpoints)
}

fn sync_service(sim: &Sim, svc: &Object, out: &mut Out) {
    if svc.is_deleting() {
        return;
    }
    if svc.meta.namespace == "default" && svc.meta.name == "kubernetes" {
        reconcile_apiserver_endpoints(sim, svc, out);
        return;
    }
    if service_selector(svc).is_none() {
        return;
    }
    // One pass over the pods serves both objects.
    let all = desired_groups(sim, svc, true);
    let for_slices = if terminating_condition_enabled(sim) {
        all.clone()
    } else {
        without_terminating(&all)
    };
    reconcile_slices(sim, svc, for_slices, out);
    let publish_not_ready = svc
        .get(&["spec", "publishNotReadyAddresses"])
        .as_bool()
        .unwrap_or(false);
    let for_endpoints = if publish_not_ready {
        all
    } else {
        without_terminating(&all)
    };
    reconcile_endpoints(sim, svc, &for_endpoints, out);
}

fn sync_orphan_endpoints(sim: &Sim, ep: &Object, out: &mut Out) {
    if ep.meta.labels.get(SKIP_MIRROR_LABEL).map(String::as_str) == Some("true")
        && sim
            .store
            .find("Service", &ep.meta.namespace, &ep.meta.name)
            .is_none()
        && !ep.is_deleting()
    {
        out.push(Action::Delete {
            key: ep.key(),
            grace_seconds: None,
        });
    }
}

/// The groups without terminating pods (groups left empty disappear).
fn without_terminating<'a>(groups: &[EndpointGroup<'a>]) -> Vec<EndpointGroup<'a>> {
    groups
        .iter()
        .filter_map(|g| {
            let endpoints: Vec<DesiredEndpoint> = g
                .endpoints
                .iter()
                .filter(|e| !e.terminating)
                .cloned()
                .collect();
            (!endpoints.is_empty()).then(|| EndpointGroup {
                ports: g.ports.clone(),
                endpoints,
            })
        })
        .collect()
}

fn json_str<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// Whether a stored slice already says what the group says (read, not rebuilt: this
/// runs every round for every Service).
fn slice_is_current(
    old: &Object,
    labels: &BTreeMap<String, String>,
    g: &EndpointGroup,
    ns: &str,
    with_conditions: bool,
) -> bool {
    if *old.meta.labels != *labels
        || old.str_at(&["addressType"]) != Some("IPv4")
        || slice_port_set(old) != g.ports
    {
        return false;
    }
    let eps = match old.get(&["endpoints"]) {
        Value::Null => return g.endpoints.is_empty(),
        Value::Array(a) => a,
        _ => return false,
    };
    eps.len() == g.endpoints.len()
        && eps.iter().zip(&g.endpoints).all(|(j, e)| {
            let fields = 3 + e.hostname.is_some() as usize + !e.node_name.is_empty() as usize;
            let cond = j.get("conditions").unwrap_or(&Value::Null);
            let b = |k: &str| cond.get(k).and_then(Value::as_bool);
            let t = j.get("targetRef").unwrap_or(&Value::Null);
            j.as_object().is_some_and(|m| m.len() == fields)
                && j.get("addresses")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.len() == 1 && a[0].as_str() == Some(e.ip))
                && b("ready") == Some(e.ready)
                && (!with_conditions
                    || (b("serving") == Some(e.serving) && b("terminating") == Some(e.terminating)))
                && cond.as_object().map(|c| c.len()) == Some(if with_conditions { 3 } else { 1 })
                && json_str(j, "hostname") == e.hostname
                && json_str(j, "nodeName").unwrap_or("") == e.node_name
                && json_str(t, "uid") == Some(e.pod_uid)
                && json_str(t, "name") == Some(e.pod_name)
                && json_str(t, "namespace") == Some(ns)
                && json_str(t, "kind") == Some("Pod")
        })
}

/// Brings one Service's slices to the desired groups, reusing existing slices (by equal
/// port set first, then any) so slice names stay stable, as the real reconciler's
/// `finalize` turns create+delete pairs into updates. With no endpoints at all one
/// placeholder slice without ports or endpoints remains.
fn reconcile_slices(sim: &Sim, svc: &Object, mut groups: Vec<EndpointGroup>, out: &mut Out) {
    let ns = &svc.meta.namespace;
    if groups.is_empty() {
        groups.push(EndpointGroup {
            ports: vec![],
            endpoints: vec![],
        });
    }
    let existing = managed_slices(sim, svc);
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut assignment: Vec<Option<usize>> = vec![None; groups.len()];
    let existing_ports: Vec<Vec<EndpointPort>> =
        existing.iter().map(|s| slice_port_set(s)).collect();
    for (gi, g) in groups.iter().enumerate() {
        if let Some(i) =
            (0..existing.len()).find(|i| !used.contains(i) && existing_ports[*i] == g.ports)
        {
            used.insert(i);
            assignment[gi] = Some(i);
        }
    }
    for a in assignment.iter_mut() {
        if a.is_none() {
            if let Some(i) = (0..existing.len()).find(|i| !used.contains(i)) {
                used.insert(i);
                *a = Some(i);
            }
        }
    }
    let labels = slice_labels(svc);
    let with_conditions = terminating_condition_enabled(sim);
    for (g, a) in groups.iter().zip(&assignment) {
        if let Some(i) = a {
            if slice_is_current(existing[*i], &labels, g, ns, with_conditions) {
                continue;
            }
        }
        let endpoints = slice_endpoints_json(sim, ns, &g.endpoints);
        let ports = ports_json(&g.ports);
        match a {
            Some(i) => {
                let mut s = existing[*i].clone();
                s.meta.labels = labels.clone().into();
                s.body.insert("addressType".into(), json!("IPv4"));
                s.body.insert("endpoints".into(), endpoints);
                s.body.insert("ports".into(), ports);
                out.push(Action::Update(s));
            }
            None => {
                let mut s = Object::new("discovery.k8s.io/v1", "EndpointSlice", ns, "");
                s.meta.generate_name = Some(format!("{}-", svc.meta.name));
                s.meta.labels = labels.clone().into();
                s.meta.owner_references = vec![owner_ref(svc)];
                s.body.insert("addressType".into(), json!("IPv4"));
                s.body.insert("endpoints".into(), endpoints);
                s.body.insert("ports".into(), ports);
                out.push(Action::Create(s));
            }
        }
    }
    for (i, s) in existing.iter().enumerate() {
        if !used.contains(&i) {
            out.push(Action::Delete {
                key: s.key(),
                grace_seconds: None,
            });
        }
    }
}

/// One subset of the legacy Endpoints, before it becomes JSON.
struct Subset<'g, 'a> {
    ports: &'g [EndpointPort],
    ready: Vec<&'g DesiredEndpoint<'a>>,
    not_ready: Vec<&'g DesiredEndpoint<'a>>,
}

fn address_matches(j: &Value, e: &DesiredEndpoint, ns: &str) -> bool {
    let t = j.get("targetRef").unwrap_or(&Value::Null);
    let fields = 2 + e.hostname.is_some() as usize + !e.node_name.is_empty() as usize;
    j.as_object().is_some_and(|m| m.len() == fields)
        && json_str(j, "ip") == Some(e.ip)
        && json_str(j, "hostname") == e.hostname
        && json_str(j, "nodeName").unwrap_or("") == e.node_name
        && json_str(t, "uid") == Some(e.pod_uid)
        && json_str(t, "name") == Some(e.pod_name)
        && json_str(t, "namespace") == Some(ns)
}

fn addresses_match(v: Option<&Value>, want: &[&DesiredEndpoint], ns: &str) -> bool {
    match v {
        None => want.is_empty(),
        Some(Value::Array(a)) => {
            !want.is_empty()
                && a.len() == want.len()
                && a.iter().zip(want).all(|(j, e)| address_matches(j, e, ns))
        }
        _ => false,
    }
}

fn endpoint_ports_json(ports: &[EndpointPort]) -> Value {
    Value::Array(
        ports
            .iter()
            .map(|p| {
                let mut m = Map::new();
                if let Some(ap) = &p.app_protocol {
                    m.insert("appProtocol".into(), json!(ap));
                }
                if !p.name.is_empty() {
                    m.insert("name".into(), json!(p.name));
                }
                m.insert("port".into(), json!(p.port));
                m.insert("protocol".into(), json!(p.protocol));
                Value::Object(m)
            })
            .collect(),
    )
}

/// R6.4: the legacy Endpoints object. Ready pods in `addresses`, not-ready ones in
/// `notReadyAddresses`; terminating pods are left out unless `publishNotReadyAddresses`
/// (the caller filtered them).
fn reconcile_endpoints(sim: &Sim, svc: &Object, groups: &[EndpointGroup], out: &mut Out) {
    let ns = &svc.meta.namespace;
    let has_ports = svc
        .get(&["spec", "ports"])
        .as_array()
        .is_some_and(|p| !p.is_empty());
    let mut subsets: Vec<Subset> = vec![];
    for g in groups {
        // A pod that resolves none of the Service's ports is in no subset.
        if has_ports && g.ports.is_empty() {
            continue;
        }
        let mut ready: Vec<&DesiredEndpoint> = g.endpoints.iter().filter(|e| e.ready).collect();
        let mut not_ready: Vec<&DesiredEndpoint> =
            g.endpoints.iter().filter(|e| !e.ready).collect();
        ready.sort_stable_by(|a, b| (a.ip, a.pod_uid).cmp(&(b.ip, b.pod_uid)));
        not_ready.sort_stable_by(|a, b| (a.ip, a.pod_uid).cmp(&(b.ip, b.pod_uid)));
        subsets.push(Subset {
            ports: &g.ports,
            ready,
            not_ready,
        });
    }
    let mut labels = (*svc.meta.labels).clone();
    labels.insert(SKIP_MIRROR_LABEL.into(), "true".into());
    if is_headless(svc) {
        labels.insert(HEADLESS_LABEL.into(), String::new());
    }
    if let Some(old) = sim.store.find("Endpoints", ns, &svc.meta.name) {
        let stored = old
            .get(&["subsets"])
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let current = *old.meta.labels == labels
            && stored.len() == subsets.len()
            && stored.iter().zip(&subsets).all(|(j, ss)| {
                addresses_match(j.get("addresses"), &ss.ready, ns)
                    && addresses_match(j.get("notReadyAddresses"), &ss.not_ready, ns)
                    && match j.get("ports") {
                        None => ss.ports.is_empty(),
                        Some(p) => !ss.ports.is_empty() && *p == endpoint_ports_json(ss.ports),
                    }
            });
        if current {
            return;
        }
    }
    let addr = |e: &&DesiredEndpoint| {
        let mut m = Map::new();
        if let Some(h) = e.hostname {
            m.insert("hostname".into(), json!(h));
        }
        m.insert("ip".into(), json!(e.ip));
        if !e.node_name.is_empty() {
            m.insert("nodeName".into(), json!(e.node_name));
        }
        m.insert("targetRef".into(), target_ref(ns, e));
        Value::Object(m)
    };
    let json_subsets: Vec<Value> = subsets
        .iter()
        .map(|ss| {
            let mut subset = Map::new();
            if !ss.ready.is_empty() {
                subset.insert(
                    "addresses".into(),
                    Value::Array(ss.ready.iter().map(addr).collect()),
                );
            }
            if !ss.not_ready.is_empty() {
                subset.insert(
                    "notReadyAddresses".into(),
                    Value::Array(ss.not_ready.iter().map(addr).collect()),
                );
            }
            if !ss.ports.is_empty() {
                subset.insert("ports".into(), endpoint_ports_json(ss.ports));
            }
            Value::Object(subset)
        })
        .collect();
    put_endpoints(sim, ns, &svc.meta.name, labels, json_subsets, out);
}

fn put_endpoints(
    sim: &Sim,
    ns: &str,
    name: &str,
    labels: BTreeMap<String, String>,
    subsets: Vec<Value>,
    out: &mut Out,
) {
    match sim.store.find("Endpoints", ns, name) {
        Some(old) => {
            let mut ep = old.clone();
            ep.meta.labels = labels.into();
            if subsets.is_empty() {
                ep.body.remove("subsets");
            } else {
                ep.body.insert("subsets".into(), Value::Array(subsets));
            }
            if &ep != old {
                out.push(Action::Update(ep));
            }
        }
        None => {
            let mut ep = Object::new("v1", "Endpoints", ns, name);
            ep.meta.labels = labels.into();
            if !subsets.is_empty() {
                ep.body.insert("subsets".into(), Value::Array(subsets));
            }
            out.push(Action::Create(ep));
        }
    }
}

/// The API server's own endpoints for `default/kubernetes`: the node on 8443.
fn reconcile_apiserver_endpoints(sim: &Sim, svc: &Object, out: &mut Out) {
    let ip = sim.cluster.node_ip.clone();
    let mut labels = BTreeMap::new();
    labels.insert(SKIP_MIRROR_LABEL.to_string(), "true".to_string());
    put_endpoints(
        sim,
        "default",
        "kubernetes",
        labels,
        vec![
            json!({"addresses": [{"ip": ip}], "ports": [{"name": "https", "port": 8443, "protocol": "TCP"}]}),
        ],
        out,
    );
    let mut slice_labels = BTreeMap::new();
    slice_labels.insert(SERVICE_NAME_LABEL.to_string(), "kubernetes".to_string());
    let conditions = if terminating_condition_enabled(sim) {
        json!({"ready": true, "serving": true, "terminating": false})
    } else {
        json!({"ready": true})
    };
    let endpoints = json!([{"addresses": [ip], "conditions": conditions}]);
    let ports = json!([{"name": "https", "port": 8443, "protocol": "TCP"}]);
    match sim.store.find(SLICE_GK, "default", "kubernetes") {
        Some(old) => {
            let mut s = old.clone();
            s.body.insert("endpoints".into(), endpoints);
            s.body.insert("ports".into(), ports);
            if &s != old {
                out.push(Action::Update(s));
            }
        }
        None => {
            let _ = svc;
            let mut s = Object::new(
                "discovery.k8s.io/v1",
                "EndpointSlice",
                "default",
                "kubernetes",
            );
            s.meta.labels = slice_labels.into();
            s.body.insert("addressType".into(), json!("IPv4"));
            s.body.insert("endpoints".into(), endpoints);
            s.body.insert("ports".into(), ports);
            out.push(Action::Create(s));
        }
    }
}

// ----- reading endpoints (routing, DNS) --------------------------------------------

/// A ready endpoint of a Service port, as kube-proxy or ingress-nginx would pick from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    pub ip: String,
    pub port: i64,
    pub pod: ObjKey,
    pub pod_uid: String,
}

/// The Service port a request names: by number (`port`) or by name.
pub fn find_service_port<'a>(svc: &'a Object, port: &PortRef) -> Option<&'a Value> {
    svc.get(&["spec", "ports"])
        .as_array()?
        .iter()
        .find(|p| match port {
            PortRef::Number(n) => p.get("port").and_then(Value::as_i64) == Some(*n),
            PortRef::Name(name) => p.get("name").and_then(Value::as_str).unwrap_or("") == name,
        })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

/// The ready endpoints behind one Service port, read from the Service's EndpointSlices
/// (what kube-proxy and ingress-nginx watch), in slice order.
pub fn ready_backends(sim: &Sim, svc: &Object, svc_port: &Value) -> Vec<Backend> {
    let port_name = svc_port.get("name").and_then(Value::as_str).unwrap_or("");
    let mut out = vec![];
    for slice in sim
        .store
        .list(SLICE_GK, &svc.meta.namespace)
        .filter(|s| s.meta.labels.get(SERVICE_NAME_LABEL) == Some(&svc.meta.name))
    {
        let Some(port) = slice
            .get(&["ports"])
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p.get("name").and_then(Value::as_str).unwrap_or("") == port_name)
            .and_then(|p| p.get("port").and_then(Value::as_i64))
        else {
            continue;
        };
        for e in slice.get(&["endpoints"]).as_array().into_iter().flatten() {
            let ready = e
                .pointer("/conditions/ready")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            if !ready {
                continue;
            }
            let Some(ip) = e.pointer("/addresses/0").and_then(Value::as_str) else {
                continue;
            };
            let name = e
                .pointer("/targetRef/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            out.push(Backend {
                ip: ip.to_string(),
                port,
                pod: ObjKey::new("Pod", &svc.meta.namespace, name),
                pod_uid: e
                    .pointer("/targetRef/uid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            });
        }
    }
    out
}

/// Cluster DNS (R6.8) as a pod in `from_namespace` sees it, with the usual search path
/// (`<ns>.svc.cluster.local`, `svc.cluster.local`, `cluster.local`):
/// - `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc[.cluster.local]` → the ClusterIP, or for a
///   headless Service the ready endpoint IPs;
/// - `<pod>.<svc>.<ns>.svc.cluster.local` (and its short forms) → the IP of the endpoint
///   whose hostname is `<pod>` (StatefulSet pods with `subdomain` = the Service).
///
/// `None` is NXDOMAIN (no such name, or a headless Service with no ready endpoint).
/// ExternalName Services are CNAMEs to names outside the cluster: also `None` here.
pub fn resolve_dns(sim: &Sim, name: &str, from_namespace: &str) -> Option<Vec<String>> {
    resolve_dns_named(sim, name, from_namespace).map(|(_, ips)| ips)
}

/// [`resolve_dns`], with the fully qualified name that answered (`nslookup` prints it).
pub fn resolve_dns_named(
    sim: &Sim,
    name: &str,
    from_namespace: &str,
) -> Option<(String, Vec<String>)> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() {
        return None;
    }
    let candidates = if name.ends_with(".cluster.local") {
        vec![name.clone()]
    } else {
        vec![
            format!("{name}.{from_namespace}.svc.cluster.local"),
            format!("{name}.svc.cluster.local"),
            format!("{name}.cluster.local"),
        ]
    };
    candidates
        .into_iter()
        .find_map(|fq| resolve_fqdn(sim, &fq).map(|ips| (fq, ips)))
}

fn resolve_fqdn(sim: &Sim, fqdn: &str) -> Option<Vec<String>> {
    let rest = fqdn.strip_suffix(".svc.cluster.local")?;
    let labels: Vec<&str> = rest.split('.').collect();
    match labels.as_slice() {
        [svc, ns] => {
            let svc = sim.store.find("Service", ns, svc)?;
            if svc.str_at(&["spec", "type"]) == Some("ExternalName") {
                return None;
            }
            if is_headless(svc) {
                let ips = headless_ips(sim, svc, None);
                return (!ips.is_empty()).then_some(ips);
            }
            svc.str_at(&["spec", "clusterIP"])
                .filter(|ip| !ip.is_empty())
                .map(|ip| vec![ip.to_string()])
        }
        [host, svc, ns] => {
            let svc = sim.store.find("Service", ns, svc)?;
            if !is_headless(svc) {
                return None;
            }
            let ips = headless_ips(sim, svc, Some(host));
            (!ips.is_empty()).then_some(ips)
        }
        _ => None,
    }
}

/// The ready addresses of a headless Service's slices, optionally only the endpoint with
/// this hostname. CoreDNS publishes ready endpoints (all, with publishNotReadyAddresses,
/// which makes them ready).
fn headless_ips(sim: &Sim, svc: &Object, hostname: Option<&str>) -> Vec<String> {
    let mut ips = BTreeSet::new();
    for slice in sim
        .store
        .list(SLICE_GK, &svc.meta.namespace)
        .filter(|s| s.meta.labels.get(SERVICE_NAME_LABEL) == Some(&svc.meta.name))
    {
        for e in slice.get(&["endpoints"]).as_array().into_iter().flatten() {
            let ready = e
                .pointer("/conditions/ready")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            if !ready {
                continue;
            }
            if let Some(h) = hostname {
                if e.get("hostname").and_then(Value::as_str) != Some(h) {
                    continue;
                }
            }
            for a in e
                .get("addresses")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(ip) = a.as_str() {
                    ips.insert(ip.to_string());
                }
            }
        }
    }
    ips.into_iter().collect()
}

/// Invariant for property tests (converged state): every Service with a selector has
/// managed slices whose endpoints are exactly its eligible selected pods (R6.2), with the
/// conditions of R6.3/R6.5, one slice per port set; and its Endpoints object lists the
/// ready ones in `addresses` and the others in `notReadyAddresses` (R6.4).
pub fn check_invariants(sim: &Sim) -> Result<(), String> {
    for svc in sim.store.list_all("Service") {
        let ns_terminating = sim
            .store
            .find("Namespace", "", &svc.meta.namespace)
            .is_none_or(Object::is_deleting);
        if svc.is_deleting() || ns_terminating || service_selector(svc).is_none() {
            continue;
        }
        let id = format!("service {}/{}", svc.meta.namespace, svc.meta.name);
        let want = desired_groups(sim, svc, terminating_condition_enabled(sim));
        let slices = managed_slices(sim, svc);
        if slices.is_empty() {
            return Err(format!("{id} has no EndpointSlice"));
        }
        let mut seen: BTreeMap<String, (bool, bool, bool, Vec<EndpointPort>)> = BTreeMap::new();
        let mut port_sets = BTreeSet::new();
        for s in &slices {
            let ports = slice_port_set(s);
            let eps = s
                .get(&["endpoints"])
                .as_array()
                .cloned()
                .unwrap_or_default();
            if !eps.is_empty() && !port_sets.insert(ports.clone()) {
                return Err(format!("{id}: two slices carry the same ports"));
            }
            for e in eps {
                let uid = e
                    .pointer("/targetRef/uid")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let b = |k: &str| {
                    e.pointer(&format!("/conditions/{k}"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false)
                };
                let cond = (b("ready"), b("serving"), b("terminating"), ports.clone());
                if seen.insert(uid.clone(), cond).is_some() {
                    return Err(format!("{id}: pod {uid} is in two slices"));
                }
            }
        }
        let with_cond = terminating_condition_enabled(sim);
        let mut expected = BTreeMap::new();
        for g in &want {
            for e in &g.endpoints {
                let (serving, terminating) = if with_cond {
                    (e.serving, e.terminating)
                } else {
                    (false, false)
                };
                expected.insert(
                    e.pod_uid.to_string(),
                    (e.ready, serving, terminating, g.ports.clone()),
                );
            }
        }
        if seen != expected {
            return Err(format!(
                "{id}: slice endpoints {seen:?} are not the eligible selected pods {expected:?}"
            ));
        }
        let ep = sim
            .store
            .find("Endpoints", &svc.meta.namespace, &svc.meta.name)
            .ok_or_else(|| format!("{id} has no Endpoints"))?;
        let publish = svc
            .get(&["spec", "publishNotReadyAddresses"])
            .as_bool()
            .unwrap_or(false);
        let mut ready = BTreeSet::new();
        let mut not_ready = BTreeSet::new();
        for ss in ep.get(&["subsets"]).as_array().into_iter().flatten() {
            for (key, set) in [
                ("addresses", &mut ready),
                ("notReadyAddresses", &mut not_ready),
            ] {
                for a in ss.get(key).and_then(Value::as_array).into_iter().flatten() {
                    if let Some(uid) = a.pointer("/targetRef/uid").and_then(Value::as_str) {
                        set.insert(uid.to_string());
                    }
                }
            }
        }
        let has_ports = svc
            .get(&["spec", "ports"])
            .as_array()
            .is_some_and(|p| !p.is_empty());
        let mut want_ready = BTreeSet::new();
        let mut want_not_ready = BTreeSet::new();
        for g in desired_groups(sim, svc, publish) {
            if has_ports && g.ports.is_empty() {
                continue;
            }
            for e in g.endpoints {
                if e.ready {
                    want_ready.insert(e.pod_uid.to_string());
                } else {
                    want_not_ready.insert(e.pod_uid.to_string());
                }
            }
        }
        if ready != want_ready || not_ready != want_not_ready {
            return Err(format!(
                "{id}: Endpoints addresses {ready:?}/{not_ready:?}, expected {want_ready:?}/{want_not_ready:?}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ports: Value) -> Object {
        let mut p = Object::new("v1", "Pod", "default", "p");
        p.set(
            &["spec", "containers"],
            json!([{"name": "c", "ports": ports}]),
        );
        p
    }

    #[test]
    fn cluster_dns_names() {
        let mut s = crate::shell::Session::new(3);
        let manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: nginx}\nspec: {clusterIP: None, selector: {app: nginx}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: nginx}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web-0, labels: {app: nginx}}\nspec: {hostname: web-0, subdomain: nginx, containers: [{name: c, image: nginx}]}\n";
        s.exec("kubectl apply -f -", Some(manifest));
        s.exec("sleep 10s", None);
        let pod_ip = s
            .sim
            .store
            .find("Pod", "default", "web-0")
            .and_then(|p| p.str_at(&["status", "podIP"]))
            .unwrap()
            .to_string();
        let cluster_ip = s
            .sim
            .store
            .find("Service", "default", "web")
            .and_then(|p| p.str_at(&["spec", "clusterIP"]))
            .unwrap()
            .to_string();
        let sim = &s.sim;
        assert_eq!(
            resolve_dns(sim, "web", "default"),
            Some(vec![cluster_ip.clone()])
        );
        assert_eq!(
            resolve_dns(sim, "web.default", "other"),
            Some(vec![cluster_ip.clone()])
        );
        assert_eq!(
            resolve_dns(sim, "web.default.svc.cluster.local.", "other"),
            Some(vec![cluster_ip])
        );
        assert_eq!(
            resolve_dns(sim, "nginx", "default"),
            Some(vec![pod_ip.clone()])
        );
        assert_eq!(
            resolve_dns(sim, "web-0.nginx.default.svc.cluster.local", "x"),
            Some(vec![pod_ip.clone()])
        );
        assert_eq!(
            resolve_dns(sim, "web-0.nginx", "default"),
            Some(vec![pod_ip])
        );
        assert_eq!(resolve_dns(sim, "web-1.nginx", "default"), None);
        assert_eq!(resolve_dns(sim, "web", "other"), None);
        assert_eq!(resolve_dns(sim, "pacman.com", "default"), None);
        check_invariants(sim).unwrap();
    }

    #[test]
    fn named_target_ports_resolve_per_pod() {
        let a = pod(json!([{"name": "web", "containerPort": 8080, "protocol": "TCP"}]));
        let b = pod(json!([{"name": "web", "containerPort": 9090}]));
        let c = pod(json!([{"name": "other", "containerPort": 80}]));
        let sp = json!({"port": 80, "targetPort": "web", "protocol": "TCP"});
        assert_eq!(resolve_target_port(&a, &sp), Some(8080));
        assert_eq!(resolve_target_port(&b, &sp), Some(9090));
        assert_eq!(resolve_target_port(&c, &sp), None);
        assert_eq!(resolve_target_port(&c, &json!({"port": 80})), Some(80));
        assert_eq!(
            resolve_target_port(&c, &json!({"port": 80, "targetPort": 8443})),
            Some(8443)
        );
    }
}
