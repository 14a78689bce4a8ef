//! Admission, in the order of §12.1: defaulting (R3.1, R4.1, R5.16, pod and Service
//! defaults), DefaultStorageClass on claims (R5.14), DefaultIngressClass on Ingresses
//! (R7.8), then validation with the exact texts (R2, R7.2). Updates check immutable
//! fields (R3.15). Kind-specific rules live in `validation`.

use crate::sort::StableSort;
use serde_json::{json, Map, Value};

use crate::api::{ObjKey, Object, ResourceType};
use crate::errors::{ApiError, FieldError};
use crate::sim::Sim;
use crate::validation;

/// Kinds whose `metadata.generation` counts spec changes.

/// Sets `m[key]` to the default when it is absent or null. A macro so that the default is
/// built only when it is used: admission defaults every pod on every write, and the
/// defaults (`json!` values) of an already-defaulted pod were allocated to be dropped.
macro_rules! set_default {
    ($m:expr, $key:expr, $v:expr $(,)?) => {{
        // A JSON map or an object's `Body`: both have `get` and `insert`.
        let m = &mut *$m;
        let key: &str = $key;
        if m.get(key).is_none_or(Value::is_null) {
            m.insert(key.to_string(), $v);
        }
    }};
}

pub fn has_generation(obj: &Object) -> bool {
    matches!(
        obj.gk().as_str(),
        "Deployment.apps"
            | "StatefulSet.apps"
            | "ReplicaSet.apps"
            | "DaemonSet.apps"
            | "Job.batch"
            | "Ingress.networking.k8s.io"
    )
}

/// A CRD's served kind, for discovery.
pub fn crd_resource_type(crd: &Object) -> Option<ResourceType> {
    let spec = crd.spec();
    let group = spec.get("group")?.as_str()?.to_string();
    let names = spec.get("names")?;
    let kind = names.get("kind")?.as_str()?.to_string();
    let plural = names.get("plural")?.as_str()?.to_string();
    let singular = names
        .get("singular")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| kind.to_ascii_lowercase());
    let short_names = names
        .get("shortNames")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let versions: Vec<String> = spec
        .get("versions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|v| v.get("served").and_then(Value::as_bool).unwrap_or(true))
                .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .or_else(|| {
            spec.get("version")
                .and_then(Value::as_str)
                .map(|v| vec![v.to_string()])
        })
        .unwrap_or_default();
    if versions.is_empty() {
        return None;
    }
    let in_all = names
        .get("categories")
        .and_then(Value::as_array)
        .is_some_and(|c| c.iter().any(|x| x.as_str() == Some("all")));
    Some(ResourceType {
        group,
        versions,
        kind,
        plural,
        singular,
        short_names,
        namespaced: spec.get("scope").and_then(Value::as_str) != Some("Cluster"),
        in_all,
        simulated: false,
    })
}

/// Admission for a create request.
pub fn admit_create(sim: &mut Sim, rt: &ResourceType, mut obj: Object) -> Result<Object, ApiError> {
    crate::validation_network::convert_ingress_v1beta1(&mut obj);
    default_object(sim, &mut obj);
    pod_admission_plugins(&mut obj);
    default_storage_class(sim, &mut obj)?;
    default_ingress_class(sim, &mut obj)?;
    let causes = validation::validate(sim, rt, &obj, None);
    if !causes.is_empty() {
        return Err(ApiError::Invalid {
            kind: obj.kind.clone(),
            name: obj.meta.name.clone(),
            causes,
        });
    }
    Ok(obj)
}

/// Admission for an update request.
pub fn admit_update(sim: &mut Sim, old: &Object, mut obj: Object) -> Result<Object, ApiError> {
    default_object(sim, &mut obj);
    validate_update(sim, old, obj)
}

/// Admission for an update of an object whose defaulting does not allocate
/// (`!defaulting_allocates(gk)`): the same as `admit_update`, without `&mut Sim`.
pub fn admit_update_readonly(sim: &Sim, old: &Object, mut obj: Object) -> Result<Object, ApiError> {
    debug_assert!(!defaulting_allocates(&obj.gk()));
    if !spec_shared_with(&obj, old) {
        default_object_except_service(sim, &mut obj);
    }
    validate_update(sim, old, obj)
}

/// Whether an update carries the stored version's own copy of the spec (a controller's
/// or the kubelet's status write) and its kind's defaulting reads and writes only the
/// spec. Then defaulting would change nothing: the stored spec was defaulted when it was
/// written, and defaulting is idempotent. Skipping it keeps the spec shared, so a status
/// write neither copies the spec (to default it) nor compares it field by field twice
/// (to share it again and to validate a pod update) — most of a status write's cost at
/// thousands of pods.
fn spec_shared_with(obj: &Object, old: &Object) -> bool {
    let spec_only = matches!(obj.kind.as_str(), "Pod" | "Deployment" | "ReplicaSet")
        && obj.kind == old.kind
        && obj.api_version == old.api_version;
    spec_only
        && match (obj.body.get_shared("spec"), old.body.get_shared("spec")) {
            (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
}

fn validate_update(sim: &Sim, old: &Object, obj: Object) -> Result<Object, ApiError> {
    let Some(rt) = sim.discovery.by_gk(&old.gk()).cloned() else {
        return Ok(obj);
    };
    let causes = validation::validate(sim, &rt, &obj, Some(old));
    if !causes.is_empty() {
        return Err(ApiError::Invalid {
            kind: obj.kind.clone(),
            name: obj.meta.name.clone(),
            causes,
        });
    }
    Ok(obj)
}

/// The admission plugins that fill in a new pod (not a pod template): ServiceAccount
/// (`serviceAccountName: default`), Priority (`priority: 0`, `preemptionPolicy`) and
/// DefaultTolerationSeconds (tolerate not-ready/unreachable nodes for 300s) — what
/// `kubectl describe pod` shows as Service Account, Priority and Tolerations. The
/// ServiceAccount plugin's token volume (`kube-api-access-xxxxx`) is not added: its
/// name would need a random suffix at admission.
pub fn pod_admission_plugins(obj: &mut Object) {
    if obj.gk() != "Pod" {
        return;
    }
    let Some(spec) = obj_mut(obj, &["spec"]) else {
        return;
    };
    set_default!(spec, "serviceAccountName", json!("default"));
    let sa = spec["serviceAccountName"].clone();
    set_default!(spec, "serviceAccount", sa);
    if spec.get("priorityClassName").is_none_or(Value::is_null) {
        set_default!(spec, "priority", json!(0));
    }
    set_default!(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    set_default!(spec, "enableServiceLinks", json!(true));
    let mut tolerations = spec
        .get("tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = tolerations.iter().any(|t| {
            let k = t.get("key").and_then(Value::as_str).unwrap_or("");
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            (k == key
                || (k.is_empty() && t.get("operator").and_then(Value::as_str) == Some("Exists")))
                && (effect.is_empty() || effect == "NoExecute")
        });
        if !tolerated {
            tolerations.push(json!({"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}));
        }
    }
    spec.insert("tolerations".into(), Value::Array(tolerations));
}

fn obj_mut<'a>(obj: &'a mut Object, path: &[&str]) -> Option<&'a mut Map<String, Value>> {
    let v = obj.get_mut(path);
    if v.is_null() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut()
}

/// API defaulting (the `defaults.go` of each group), applied on create and update.
pub fn default_object(sim: &mut Sim, obj: &mut Object) {
    if obj.gk() == "Service" {
        default_service(sim, obj);
    } else {
        default_object_except_service(sim, obj);
    }
}

/// Whether defaulting an object of this group-kind changes the simulator (allocates):
/// only Services do (ClusterIP, NodePorts).
pub fn defaulting_allocates(gk: &str) -> bool {
    gk == "Service"
}

/// `default_object` for every kind but Service: reads the simulator only.
fn default_object_except_service(sim: &Sim, obj: &mut Object) {
    match obj.gk().as_str() {
        "Pod" => {
            if let Some(spec) = obj_mut(obj, &["spec"]) {
                default_pod_spec(spec);
            }
            // The API server's `podStrategy.PrepareForCreate`: a new pod's phase is
            // Pending before any controller or kubelet writes its status (a watch's
            // first row of a pod says `Pending`, not an empty STATUS).
            if obj.get(&["status", "phase"]).is_null() {
                obj.set(&["status", "phase"], json!("Pending"));
            }
        }
        "StatefulSet.apps" => {
            // R3.1
            let v = sim.version;
            crate::controllers::statefulset::drop_disabled_fields(v, obj);
            if let Some(spec) = obj_mut(obj, &["spec"]) {
                set_default!(spec, "replicas", json!(1));
                set_default!(spec, "podManagementPolicy", json!("OrderedReady"));
                set_default!(
                    spec,
                    "updateStrategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}),
                );
                if let Some(us) = spec
                    .get_mut("updateStrategy")
                    .and_then(Value::as_object_mut)
                {
                    if us.get("type").and_then(Value::as_str) == Some("RollingUpdate") {
                        set_default!(us, "rollingUpdate", json!({"partition": 0}));
                    }
                }
                set_default!(spec, "revisionHistoryLimit", json!(10));
                if v.at_least(27) {
                    set_default!(
                        spec,
                        "persistentVolumeClaimRetentionPolicy",
                        json!({"whenDeleted": "Retain", "whenScaled": "Retain"}),
                    );
                }
                if v.at_least(25) {
                    set_default!(spec, "minReadySeconds", json!(0));
                }
                if let Some(t) = spec
                    .get_mut("template")
                    .and_then(|t| t.get_mut("spec"))
                    .and_then(Value::as_object_mut)
                {
                    default_pod_spec(t);
                }
                if let Some(Value::Array(tpls)) = spec.get_mut("volumeClaimTemplates") {
                    for t in tpls {
                        if let Some(s) = t.get_mut("spec").and_then(Value::as_object_mut) {
                            set_default!(s, "volumeMode", json!("Filesystem"));
                        }
                    }
                }
            }
        }
        "Deployment.apps" => {
            // R4.1
            if let Some(spec) = obj_mut(obj, &["spec"]) {
                set_default!(spec, "replicas", json!(1));
                set_default!(
                    spec,
                    "strategy",
                    json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
                );
                if let Some(st) = spec.get_mut("strategy").and_then(Value::as_object_mut) {
                    if st
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("RollingUpdate")
                        == "RollingUpdate"
                    {
                        set_default!(st, "type", json!("RollingUpdate"));
                        set_default!(st, "rollingUpdate", json!({}));
                        if let Some(ru) = st.get_mut("rollingUpdate").and_then(Value::as_object_mut)
                        {
                            set_default!(ru, "maxSurge", json!("25%"));
                            set_default!(ru, "maxUnavailable", json!("25%"));
                        }
                    }
                }
                set_default!(spec, "revisionHistoryLimit", json!(10));
                set_default!(spec, "progressDeadlineSeconds", json!(600));
                if let Some(t) = spec
                    .get_mut("template")
                    .and_then(|t| t.get_mut("spec"))
                    .and_then(Value::as_object_mut)
                {
                    default_pod_spec(t);
                }
            }
        }
        "Job.batch" => crate::controllers::job::default_job(sim.version, obj),
        "ReplicaSet.apps" => {
            if let Some(spec) = obj_mut(obj, &["spec"]) {
                set_default!(spec, "replicas", json!(1));
                if let Some(t) = spec
                    .get_mut("template")
                    .and_then(|t| t.get_mut("spec"))
                    .and_then(Value::as_object_mut)
                {
                    default_pod_spec(t);
                }
            }
        }
        "PersistentVolumeClaim" => {
            if let Some(spec) = obj_mut(obj, &["spec"]) {
                set_default!(spec, "volumeMode", json!("Filesystem"));
            }
            if obj.status().is_null() {
                obj.set(&["status", "phase"], json!("Pending"));
            }
        }
        "PersistentVolume" => {
            if let Some(spec) = obj_mut(obj, &["spec"]) {
                // R5.9: manually created PVs default to Retain.
                set_default!(spec, "persistentVolumeReclaimPolicy", json!("Retain"));
                set_default!(spec, "volumeMode", json!("Filesystem"));
            }
            if obj.status().is_null() {
                obj.set(&["status", "phase"], json!("Pending"));
            }
        }
        "StorageClass.storage.k8s.io" => {
            // R5.16
            set_default!(&mut obj.body, "reclaimPolicy", json!("Delete"));
            set_default!(&mut obj.body, "volumeBindingMode", json!("Immediate"));
        }
        "Namespace" => {
            if obj.get(&["status", "phase"]).is_null() {
                obj.set(&["status", "phase"], json!("Active"));
            }
            if obj.get(&["spec", "finalizers"]).is_null() {
                obj.set(&["spec", "finalizers"], json!(["kubernetes"]));
            }
            if obj.meta.labels.get("kubernetes.io/metadata.name") != Some(&obj.meta.name) {
                let name = obj.meta.name.clone();
                std::sync::Arc::make_mut(&mut obj.meta.labels)
                    .insert("kubernetes.io/metadata.name".into(), name);
            }
        }
        _ => {}
    }
}

/// Pod spec defaults (`pkg/apis/core/v1/defaults.go`).
pub fn default_pod_spec(spec: &mut Map<String, Value>) {
    set_default!(spec, "restartPolicy", json!("Always"));
    set_default!(spec, "terminationGracePeriodSeconds", json!(30));
    set_default!(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default!(spec, "schedulerName", json!("default-scheduler"));
    set_default!(spec, "securityContext", json!({}));
    for list in ["initContainers", "containers"] {
        if let Some(Value::Array(cs)) = spec.get_mut(list) {
            for c in cs {
                let Some(c) = c.as_object_mut() else { continue };
                let image = c
                    .get("image")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let latest = !image.contains(':') || image.ends_with(":latest");
                set_default!(
                    c,
                    "imagePullPolicy",
                    json!(if latest { "Always" } else { "IfNotPresent" }),
                );
                set_default!(c, "terminationMessagePath", json!("/dev/termination-log"));
                set_default!(c, "terminationMessagePolicy", json!("File"));
                set_default!(c, "resources", json!({}));
                if let Some(Value::Array(ports)) = c.get_mut("ports") {
                    for p in ports {
                        if let Some(p) = p.as_object_mut() {
                            set_default!(p, "protocol", json!("TCP"));
                        }
                    }
                }
                for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
                    if let Some(p) = c.get_mut(probe).and_then(Value::as_object_mut) {
                        set_default!(p, "timeoutSeconds", json!(1));
                        set_default!(p, "periodSeconds", json!(10));
                        set_default!(p, "successThreshold", json!(1));
                        set_default!(p, "failureThreshold", json!(3));
                        if let Some(h) = p.get_mut("httpGet").and_then(Value::as_object_mut) {
                            set_default!(h, "path", json!("/"));
                            set_default!(h, "scheme", json!("HTTP"));
                        }
                    }
                }
            }
        }
    }
}

fn default_service(sim: &mut Sim, obj: &mut Object) {
    let existing_ip = obj.str_at(&["spec", "clusterIP"]).map(str::to_string);
    let svc_type = obj
        .str_at(&["spec", "type"])
        .unwrap_or("ClusterIP")
        .to_string();
    let external = svc_type == "ExternalName";
    // Keep identity fields across updates: the stored object's IP and node ports.
    let stored = sim
        .store
        .get(&ObjKey::new("Service", &obj.meta.namespace, &obj.meta.name))
        .cloned();
    let Some(spec) = obj_mut(obj, &["spec"]) else {
        return;
    };
    set_default!(spec, "type", json!(svc_type));
    set_default!(spec, "sessionAffinity", json!("None"));
    if !external {
        let ip = match (&existing_ip, &stored) {
            (Some(ip), _) if !ip.is_empty() => ip.clone(),
            (_, Some(s)) if s.str_at(&["spec", "clusterIP"]).is_some() => {
                s.str_at(&["spec", "clusterIP"]).unwrap().to_string()
            }
            _ => fresh_cluster_ip(sim),
        };
        spec.insert("clusterIP".into(), json!(ip));
        spec.insert("clusterIPs".into(), json!([ip]));
        set_default!(spec, "ipFamilies", json!(["IPv4"]));
        set_default!(spec, "ipFamilyPolicy", json!("SingleStack"));
        set_default!(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    let mut needs_node_port = svc_type == "NodePort" || svc_type == "LoadBalancer";
    if needs_node_port {
        set_default!(spec, "externalTrafficPolicy", json!("Cluster"));
        if svc_type == "LoadBalancer" {
            set_default!(spec, "allocateLoadBalancerNodePorts", json!(true));
            // R6.7: no node ports for a LoadBalancer that opts out.
            needs_node_port = spec.get("allocateLoadBalancerNodePorts") != Some(&json!(false));
        }
    }
    let stored_ports: Vec<Value> = stored
        .as_ref()
        .and_then(|s| s.get(&["spec", "ports"]).as_array().cloned())
        .unwrap_or_default();
    let mut ports = spec
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, p) in ports.iter_mut().enumerate() {
        let Some(p) = p.as_object_mut() else { continue };
        set_default!(p, "protocol", json!("TCP"));
        if let Some(port) = p.get("port").cloned() {
            set_default!(p, "targetPort", port);
        }
        if needs_node_port && p.get("nodePort").is_none_or(Value::is_null) {
            let kept = stored_ports
                .get(i)
                .and_then(|sp| sp.get("nodePort"))
                .cloned();
            let np = match kept {
                Some(v) if !v.is_null() => v,
                _ => json!(sim.allocate_node_port()),
            };
            p.insert("nodePort".into(), np);
        }
    }
    if let Some(spec) = obj.get_mut(&["spec"]).as_object_mut() {
        if spec.contains_key("ports") {
            spec.insert("ports".into(), Value::Array(ports));
        }
    }
    if obj.status().is_null() {
        obj.set(&["status"], json!({"loadBalancer": {}}));
    }
}

/// A ClusterIP no other Service holds (the allocator's bitmap, R6.7).
fn fresh_cluster_ip(sim: &mut Sim) -> String {
    let mut ip = sim.allocate_cluster_ip();
    for _ in 0..1_000 {
        let used = sim.store.services_with_ip(&ip).next().is_some();
        if !used {
            break;
        }
        ip = sim.allocate_cluster_ip();
    }
    ip
}

/// A field error for a name that fails its kind's validator (R2.5), if it does.
pub fn check_name(field: &str, name: &str, f: fn(&str) -> Vec<String>) -> Vec<FieldError> {
    f(name)
        .into_iter()
        .map(|msg| FieldError::invalid(field, name, &msg))
        .collect()
}

/// R5.14 DefaultStorageClass: on claim CREATE, an unset class gets the default; `""`
/// never does. Also the StorageObjectInUseProtection plugin (R5.10), which adds the
/// protection finalizers to every new claim and volume. Both live with the storage
/// controller: `persistentvolume::admit_create`.
pub fn default_storage_class(sim: &mut Sim, obj: &mut Object) -> Result<(), ApiError> {
    crate::controllers::persistentvolume::admit_create(sim, obj)
}

/// R7.8 DefaultIngressClass: on Ingress CREATE, an Ingress with neither
/// `spec.ingressClassName` nor the `kubernetes.io/ingress.class` annotation gets the
/// default IngressClass (annotated `ingressclass.kubernetes.io/is-default-class: "true"`).
/// Several defaults: the newest wins from 1.25 (PR #110974); before, creation is
/// Forbidden with an internal error.
pub fn default_ingress_class(sim: &Sim, obj: &mut Object) -> Result<(), ApiError> {
    if obj.kind != "Ingress" {
        return Ok(());
    }
    if obj.str_at(&["spec", "ingressClassName"]).is_some()
        || obj
            .meta
            .annotations
            .contains_key("kubernetes.io/ingress.class")
    {
        return Ok(());
    }
    let mut defaults: Vec<&Object> = sim
        .store
        .list("IngressClass.networking.k8s.io", "")
        .filter(|c| {
            c.meta
                .annotations
                .get("ingressclass.kubernetes.io/is-default-class")
                .map(String::as_str)
                == Some("true")
        })
        .collect();
    // Newest first; equal timestamps by name.
    defaults.sort_stable_by(|a, b| {
        b.meta
            .creation_ms
            .cmp(&a.meta.creation_ms)
            .then_with(|| a.meta.name.cmp(&b.meta.name))
    });
    let Some(newest) = defaults.first() else {
        return Ok(());
    };
    if defaults.len() > 1 && !sim.version.at_least(25) {
        return Err(ApiError::Forbidden {
            resource: format!("ingresses.{}", obj.group()),
            name: obj.meta.name.clone(),
            message: format!(
                "Internal error occurred: {} default IngressClasses were found, only 1 allowed",
                defaults.len()
            ),
        });
    }
    let name = newest.meta.name.clone();
    obj.set(&["spec", "ingressClassName"], json!(name));
    Ok(())
}
