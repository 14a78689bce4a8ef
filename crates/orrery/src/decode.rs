//! The API server's decoding of a request body into its Go types: a field given a value of
//! the wrong JSON type is refused before admission, as `BadRequest` (R9.1):
//!
//! ```text
//! Error from server (BadRequest): error when creating "web.yaml": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32
//! ```
//!
//! The reference (KUBERNETES-BEHAVIOUR.md) has no rule for this; the text is that of
//! Go's `encoding/json` `UnmarshalTypeError` as the API server returns it since it
//! decodes with `sigs.k8s.io/json` (public reports of 1.2x clusters: `… cannot be handled
//! as a Deployment: json: cannot unmarshal number into Go struct field
//! EnvVar.spec.template.spec.containers.env.value of type string`; `… Go struct field
//! ObjectMeta.metadata.labels of type string`). Chosen and UNVERIFIED: the same text on
//! every simulated version (clusters before ~1.23 decoded with json-iterator and printed
//! `ReadString: expects " or n …`).
//!
//! - The field path is the JSON names from the object's root joined by dots, without list
//!   indices; the struct named is the Go type that holds the field; the type is the
//!   field's Go type (a list's element type for a wrong element, a map's value type for a
//!   wrong value).
//! - Go reports the earliest error of the body; kubectl sends the body as JSON with its
//!   keys sorted (it re-encodes the YAML through a Go map), so the earliest is the first
//!   in key order, which is the order of `serde_json::Map` here.
//! - `null` is always accepted (it leaves the field unset).
//! - Only the built-in kinds the simulator models, and only the fields listed below, are
//!   checked. Fields with their own decoders (IntOrString ports and surges, quantities,
//!   raw extensions) are not. Unknown fields are not refused: a real `kubectl apply`
//!   (`--validate=strict`) refuses them with `strict decoding error: unknown field
//!   "spec.x"`; the simulator has no complete schema (a known deviation, ARCHITECTURE.md).
//! - `kubectl apply` of a changed manifest whose object exists sends a strategic merge
//!   patch; a real server then fails converting the patched object, with a different
//!   text (`The request is invalid: patch: Invalid value: "map[…]": unrecognized type:
//!   int32`, from the unstructured converter, with kubectl's patch in Go's map syntax).
//!   Chosen: the same decoding message, framed as apply's other update errors
//!   (`error when applying "FILE": …`). `kubectl patch` is not checked (a known gap).

use serde_json::Value;

/// A Go field type, as far as decoding JSON into it goes.
#[derive(Clone, Copy)]
enum T {
    /// A string kind, with its Go type name (`string`, `v1.Protocol`).
    Str(&'static str),
    /// A 32-bit integer.
    I32,
    /// A 64-bit integer.
    I64,
    Bool,
    /// A field with its own decoder (IntOrString, Quantity) or not modelled: anything.
    Any,
    /// A struct (`v1.<name>`).
    Struct(&'static S),
    /// A list, with its Go type name (`[]v1.Container`).
    List(&'static T, &'static str),
    /// A map with string keys, with its Go type name (`map[string]string`).
    Map(&'static T, &'static str),
}

/// A Go struct: its name and its JSON fields (embedded structs' fields inline).
struct S {
    go: &'static str,
    fields: &'static [(&'static str, T)],
}

const STR: T = T::Str("string");
const STRS: T = T::List(&STR, "[]string");
const STR_MAP: T = T::Map(&STR, "map[string]string");
const fn st(s: &'static S) -> T {
    T::Struct(s)
}
const fn opaque(go: &'static str) -> S {
    S { go, fields: &[] }
}

static OBJECT_META: S = S {
    go: "ObjectMeta",
    fields: &[
        ("annotations", STR_MAP),
        ("finalizers", STRS),
        ("generateName", STR),
        ("generation", T::I64),
        ("labels", STR_MAP),
        ("name", STR),
        ("namespace", STR),
        (
            "ownerReferences",
            T::List(&st(&OWNER_REF), "[]v1.OwnerReference"),
        ),
        ("resourceVersion", STR),
        ("uid", T::Str("types.UID")),
    ],
};
static OWNER_REF: S = opaque("OwnerReference");

static LABEL_SELECTOR: S = S {
    go: "LabelSelector",
    fields: &[
        (
            "matchExpressions",
            T::List(&st(&SELECTOR_REQ), "[]v1.LabelSelectorRequirement"),
        ),
        ("matchLabels", STR_MAP),
    ],
};
static SELECTOR_REQ: S = S {
    go: "LabelSelectorRequirement",
    fields: &[
        ("key", STR),
        ("operator", T::Str("v1.LabelSelectorOperator")),
        ("values", STRS),
    ],
};

static POD_TEMPLATE: S = S {
    go: "PodTemplateSpec",
    fields: &[("metadata", st(&OBJECT_META)), ("spec", st(&POD_SPEC))],
};

static POD_SPEC: S = S {
    go: "PodSpec",
    fields: &[
        ("activeDeadlineSeconds", T::I64),
        ("affinity", st(&AFFINITY)),
        ("automountServiceAccountToken", T::Bool),
        ("containers", T::List(&st(&CONTAINER), "[]v1.Container")),
        ("dnsPolicy", T::Str("v1.DNSPolicy")),
        ("enableServiceLinks", T::Bool),
        ("hostIPC", T::Bool),
        ("hostNetwork", T::Bool),
        ("hostPID", T::Bool),
        ("hostname", STR),
        (
            "imagePullSecrets",
            T::List(&st(&LOCAL_REF), "[]v1.LocalObjectReference"),
        ),
        ("initContainers", T::List(&st(&CONTAINER), "[]v1.Container")),
        ("nodeName", STR),
        ("nodeSelector", STR_MAP),
        ("priority", T::I32),
        ("priorityClassName", STR),
        ("restartPolicy", T::Str("v1.RestartPolicy")),
        ("schedulerName", STR),
        ("securityContext", st(&POD_SECURITY)),
        ("serviceAccount", STR),
        ("serviceAccountName", STR),
        ("subdomain", STR),
        ("terminationGracePeriodSeconds", T::I64),
        ("tolerations", T::List(&st(&TOLERATION), "[]v1.Toleration")),
        ("volumes", T::List(&st(&VOLUME), "[]v1.Volume")),
    ],
};
static AFFINITY: S = opaque("Affinity");
static LOCAL_REF: S = S {
    go: "LocalObjectReference",
    fields: &[("name", STR)],
};
static POD_SECURITY: S = S {
    go: "PodSecurityContext",
    fields: &[
        ("fsGroup", T::I64),
        ("runAsGroup", T::I64),
        ("runAsNonRoot", T::Bool),
        ("runAsUser", T::I64),
    ],
};
static TOLERATION: S = S {
    go: "Toleration",
    fields: &[
        ("effect", T::Str("v1.TaintEffect")),
        ("key", STR),
        ("operator", T::Str("v1.TolerationOperator")),
        ("tolerationSeconds", T::I64),
        ("value", STR),
    ],
};

static CONTAINER: S = S {
    go: "Container",
    fields: &[
        ("args", STRS),
        ("command", STRS),
        ("env", T::List(&st(&ENV_VAR), "[]v1.EnvVar")),
        ("image", STR),
        ("imagePullPolicy", T::Str("v1.PullPolicy")),
        ("livenessProbe", st(&PROBE)),
        ("name", STR),
        ("ports", T::List(&st(&CONTAINER_PORT), "[]v1.ContainerPort")),
        ("readinessProbe", st(&PROBE)),
        ("resources", st(&RESOURCES)),
        ("startupProbe", st(&PROBE)),
        ("stdin", T::Bool),
        ("tty", T::Bool),
        (
            "volumeMounts",
            T::List(&st(&VOLUME_MOUNT), "[]v1.VolumeMount"),
        ),
        ("workingDir", STR),
    ],
};
static ENV_VAR: S = S {
    go: "EnvVar",
    fields: &[
        ("name", STR),
        ("value", STR),
        ("valueFrom", st(&ENV_SOURCE)),
    ],
};
static ENV_SOURCE: S = opaque("EnvVarSource");
static CONTAINER_PORT: S = S {
    go: "ContainerPort",
    fields: &[
        ("containerPort", T::I32),
        ("hostIP", STR),
        ("hostPort", T::I32),
        ("name", STR),
        ("protocol", T::Str("v1.Protocol")),
    ],
};
static PROBE: S = S {
    go: "Probe",
    fields: &[
        ("exec", st(&EXEC)),
        ("failureThreshold", T::I32),
        ("httpGet", st(&HTTP_GET)),
        ("initialDelaySeconds", T::I32),
        ("periodSeconds", T::I32),
        ("successThreshold", T::I32),
        ("tcpSocket", st(&TCP_SOCKET)),
        ("terminationGracePeriodSeconds", T::I64),
        ("timeoutSeconds", T::I32),
    ],
};
static EXEC: S = S {
    go: "ExecAction",
    fields: &[("command", STRS)],
};
static HTTP_GET: S = S {
    go: "HTTPGetAction",
    fields: &[
        ("host", STR),
        ("path", STR),
        ("port", T::Any),
        ("scheme", T::Str("v1.URIScheme")),
    ],
};
static TCP_SOCKET: S = S {
    go: "TCPSocketAction",
    fields: &[("host", STR), ("port", T::Any)],
};
static RESOURCES: S = S {
    go: "ResourceRequirements",
    fields: &[("limits", T::Any), ("requests", T::Any)],
};
static VOLUME_MOUNT: S = S {
    go: "VolumeMount",
    fields: &[
        ("mountPath", STR),
        ("name", STR),
        ("readOnly", T::Bool),
        ("subPath", STR),
    ],
};

static VOLUME: S = S {
    go: "Volume",
    fields: &[
        ("configMap", st(&CONFIG_MAP_VOLUME)),
        ("emptyDir", st(&EMPTY_DIR)),
        ("hostPath", st(&HOST_PATH)),
        ("name", STR),
        ("persistentVolumeClaim", st(&CLAIM_VOLUME)),
        ("secret", st(&SECRET_VOLUME)),
    ],
};
static CONFIG_MAP_VOLUME: S = S {
    go: "ConfigMapVolumeSource",
    fields: &[
        ("defaultMode", T::I32),
        ("items", T::List(&st(&KEY_TO_PATH), "[]v1.KeyToPath")),
        ("name", STR),
        ("optional", T::Bool),
    ],
};
static SECRET_VOLUME: S = S {
    go: "SecretVolumeSource",
    fields: &[
        ("defaultMode", T::I32),
        ("items", T::List(&st(&KEY_TO_PATH), "[]v1.KeyToPath")),
        ("optional", T::Bool),
        ("secretName", STR),
    ],
};
static KEY_TO_PATH: S = S {
    go: "KeyToPath",
    fields: &[("key", STR), ("mode", T::I32), ("path", STR)],
};
static EMPTY_DIR: S = S {
    go: "EmptyDirVolumeSource",
    fields: &[
        ("medium", T::Str("v1.StorageMedium")),
        ("sizeLimit", T::Any),
    ],
};
static HOST_PATH: S = S {
    go: "HostPathVolumeSource",
    fields: &[("path", STR), ("type", T::Str("v1.HostPathType"))],
};
static CLAIM_VOLUME: S = S {
    go: "PersistentVolumeClaimVolumeSource",
    fields: &[("claimName", STR), ("readOnly", T::Bool)],
};

const ACCESS_MODES: T = T::List(
    &T::Str("v1.PersistentVolumeAccessMode"),
    "[]v1.PersistentVolumeAccessMode",
);

static CLAIM: S = S {
    go: "PersistentVolumeClaim",
    fields: &[("metadata", st(&OBJECT_META)), ("spec", st(&CLAIM_SPEC))],
};
static CLAIM_SPEC: S = S {
    go: "PersistentVolumeClaimSpec",
    fields: &[
        ("accessModes", ACCESS_MODES),
        ("resources", st(&VOLUME_RESOURCES)),
        ("selector", st(&LABEL_SELECTOR)),
        ("storageClassName", STR),
        ("volumeMode", T::Str("v1.PersistentVolumeMode")),
        ("volumeName", STR),
    ],
};
static VOLUME_RESOURCES: S = S {
    go: "VolumeResourceRequirements",
    fields: &[("limits", T::Any), ("requests", T::Any)],
};
static PV_SPEC: S = S {
    go: "PersistentVolumeSpec",
    fields: &[
        ("accessModes", ACCESS_MODES),
        ("capacity", T::Any),
        ("claimRef", st(&OBJECT_REF)),
        ("hostPath", st(&HOST_PATH)),
        ("mountOptions", STRS),
        (
            "persistentVolumeReclaimPolicy",
            T::Str("v1.PersistentVolumeReclaimPolicy"),
        ),
        ("storageClassName", STR),
        ("volumeMode", T::Str("v1.PersistentVolumeMode")),
    ],
};
static OBJECT_REF: S = opaque("ObjectReference");

static DEPLOYMENT_SPEC: S = S {
    go: "DeploymentSpec",
    fields: &[
        ("minReadySeconds", T::I32),
        ("paused", T::Bool),
        ("progressDeadlineSeconds", T::I32),
        ("replicas", T::I32),
        ("revisionHistoryLimit", T::I32),
        ("selector", st(&LABEL_SELECTOR)),
        ("strategy", st(&DEPLOYMENT_STRATEGY)),
        ("template", st(&POD_TEMPLATE)),
    ],
};
static DEPLOYMENT_STRATEGY: S = S {
    go: "DeploymentStrategy",
    fields: &[
        ("rollingUpdate", st(&ROLLING_DEPLOYMENT)),
        ("type", T::Str("v1.DeploymentStrategyType")),
    ],
};
static ROLLING_DEPLOYMENT: S = S {
    go: "RollingUpdateDeployment",
    fields: &[("maxSurge", T::Any), ("maxUnavailable", T::Any)],
};
static REPLICA_SET_SPEC: S = S {
    go: "ReplicaSetSpec",
    fields: &[
        ("minReadySeconds", T::I32),
        ("replicas", T::I32),
        ("selector", st(&LABEL_SELECTOR)),
        ("template", st(&POD_TEMPLATE)),
    ],
};
static STATEFUL_SET_SPEC: S = S {
    go: "StatefulSetSpec",
    fields: &[
        ("minReadySeconds", T::I32),
        ("ordinals", st(&ORDINALS)),
        (
            "persistentVolumeClaimRetentionPolicy",
            st(&RETENTION_POLICY),
        ),
        ("podManagementPolicy", T::Str("v1.PodManagementPolicyType")),
        ("replicas", T::I32),
        ("revisionHistoryLimit", T::I32),
        ("selector", st(&LABEL_SELECTOR)),
        ("serviceName", STR),
        ("template", st(&POD_TEMPLATE)),
        ("updateStrategy", st(&STATEFUL_STRATEGY)),
        (
            "volumeClaimTemplates",
            T::List(&st(&CLAIM), "[]v1.PersistentVolumeClaim"),
        ),
    ],
};
static ORDINALS: S = S {
    go: "StatefulSetOrdinals",
    fields: &[("start", T::I32)],
};
static RETENTION_POLICY: S = S {
    go: "StatefulSetPersistentVolumeClaimRetentionPolicy",
    fields: &[
        (
            "whenDeleted",
            T::Str("v1.PersistentVolumeClaimRetentionPolicyType"),
        ),
        (
            "whenScaled",
            T::Str("v1.PersistentVolumeClaimRetentionPolicyType"),
        ),
    ],
};
static STATEFUL_STRATEGY: S = S {
    go: "StatefulSetUpdateStrategy",
    fields: &[
        ("rollingUpdate", st(&ROLLING_STATEFUL)),
        ("type", T::Str("v1.StatefulSetUpdateStrategyType")),
    ],
};
static ROLLING_STATEFUL: S = S {
    go: "RollingUpdateStatefulSetStrategy",
    fields: &[("maxUnavailable", T::Any), ("partition", T::I32)],
};

static SERVICE_SPEC: S = S {
    go: "ServiceSpec",
    fields: &[
        ("clusterIP", STR),
        ("clusterIPs", STRS),
        ("externalIPs", STRS),
        ("externalName", STR),
        ("loadBalancerIP", STR),
        ("ports", T::List(&st(&SERVICE_PORT), "[]v1.ServicePort")),
        ("publishNotReadyAddresses", T::Bool),
        ("selector", STR_MAP),
        ("sessionAffinity", T::Str("v1.ServiceAffinity")),
        ("type", T::Str("v1.ServiceType")),
    ],
};
static SERVICE_PORT: S = S {
    go: "ServicePort",
    fields: &[
        ("appProtocol", STR),
        ("name", STR),
        ("nodePort", T::I32),
        ("port", T::I32),
        ("protocol", T::Str("v1.Protocol")),
        ("targetPort", T::Any),
    ],
};

static INGRESS_SPEC: S = S {
    go: "IngressSpec",
    fields: &[
        ("defaultBackend", st(&INGRESS_BACKEND)),
        ("ingressClassName", STR),
        ("rules", T::List(&st(&INGRESS_RULE), "[]v1.IngressRule")),
        ("tls", T::List(&st(&INGRESS_TLS), "[]v1.IngressTLS")),
    ],
};
static INGRESS_TLS: S = S {
    go: "IngressTLS",
    fields: &[("hosts", STRS), ("secretName", STR)],
};
static INGRESS_RULE: S = S {
    go: "IngressRule",
    fields: &[("host", STR), ("http", st(&HTTP_RULE))],
};
static HTTP_RULE: S = S {
    go: "HTTPIngressRuleValue",
    fields: &[("paths", T::List(&st(&HTTP_PATH), "[]v1.HTTPIngressPath"))],
};
static HTTP_PATH: S = S {
    go: "HTTPIngressPath",
    fields: &[
        ("backend", st(&INGRESS_BACKEND)),
        ("path", STR),
        ("pathType", T::Str("v1.PathType")),
    ],
};
static INGRESS_BACKEND: S = S {
    go: "IngressBackend",
    fields: &[
        ("resource", st(&TYPED_REF)),
        ("service", st(&SERVICE_BACKEND)),
    ],
};
static TYPED_REF: S = opaque("TypedLocalObjectReference");
static SERVICE_BACKEND: S = S {
    go: "IngressServiceBackend",
    fields: &[("name", STR), ("port", st(&BACKEND_PORT))],
};
static BACKEND_PORT: S = S {
    go: "ServiceBackendPort",
    fields: &[("name", STR), ("number", T::I32)],
};
static INGRESS_CLASS_SPEC: S = S {
    go: "IngressClassSpec",
    fields: &[("controller", STR), ("parameters", st(&CLASS_PARAMS))],
};
static CLASS_PARAMS: S = opaque("IngressClassParametersReference");

/// The kinds the simulator models, each with its top-level fields (`metadata` among
/// them; `apiVersion` and `kind` are read before).
static POD: S = S {
    go: "Pod",
    fields: &[("metadata", st(&OBJECT_META)), ("spec", st(&POD_SPEC))],
};
static SERVICE: S = S {
    go: "Service",
    fields: &[("metadata", st(&OBJECT_META)), ("spec", st(&SERVICE_SPEC))],
};
static PVC: S = S {
    go: "PersistentVolumeClaim",
    fields: &[("metadata", st(&OBJECT_META)), ("spec", st(&CLAIM_SPEC))],
};
static PV: S = S {
    go: "PersistentVolume",
    fields: &[("metadata", st(&OBJECT_META)), ("spec", st(&PV_SPEC))],
};
static CONFIG_MAP: S = S {
    go: "ConfigMap",
    fields: &[
        ("metadata", st(&OBJECT_META)),
        ("data", STR_MAP),
        ("immutable", T::Bool),
    ],
};
static SECRET: S = S {
    go: "Secret",
    fields: &[
        ("metadata", st(&OBJECT_META)),
        ("data", T::Map(&T::Str("[]uint8"), "map[string][]uint8")),
        ("immutable", T::Bool),
        ("stringData", STR_MAP),
        ("type", T::Str("v1.SecretType")),
    ],
};
static NAMESPACE: S = S {
    go: "Namespace",
    fields: &[("metadata", st(&OBJECT_META))],
};
static DEPLOYMENT: S = S {
    go: "Deployment",
    fields: &[
        ("metadata", st(&OBJECT_META)),
        ("spec", st(&DEPLOYMENT_SPEC)),
    ],
};
static REPLICA_SET: S = S {
    go: "ReplicaSet",
    fields: &[
        ("metadata", st(&OBJECT_META)),
        ("spec", st(&REPLICA_SET_SPEC)),
    ],
};
static STATEFUL_SET: S = S {
    go: "StatefulSet",
    fields: &[
        ("metadata", st(&OBJECT_META)),
        ("spec", st(&STATEFUL_SET_SPEC)),
    ],
};
static STORAGE_CLASS: S = S {
    go: "StorageClass",
    fields: &[
        ("metadata", st(&OBJECT_META)),
        ("allowVolumeExpansion", T::Bool),
        ("mountOptions", STRS),
        ("parameters", STR_MAP),
        ("provisioner", STR),
        ("reclaimPolicy", T::Str("v1.PersistentVolumeReclaimPolicy")),
        ("volumeBindingMode", T::Str("v1.VolumeBindingMode")),
    ],
};
static INGRESS: S = S {
    go: "Ingress",
    fields: &[("metadata", st(&OBJECT_META)), ("spec", st(&INGRESS_SPEC))],
};
static INGRESS_CLASS: S = S {
    go: "IngressClass",
    fields: &[
        ("metadata", st(&OBJECT_META)),
        ("spec", st(&INGRESS_CLASS_SPEC)),
    ],
};

fn kind_struct(api_version: &str, kind: &str) -> Option<&'static S> {
    Some(match (api_version, kind) {
        ("v1", "Pod") => &POD,
        ("v1", "Service") => &SERVICE,
        ("v1", "PersistentVolumeClaim") => &PVC,
        ("v1", "PersistentVolume") => &PV,
        ("v1", "ConfigMap") => &CONFIG_MAP,
        ("v1", "Secret") => &SECRET,
        ("v1", "Namespace") => &NAMESPACE,
        ("apps/v1", "Deployment") => &DEPLOYMENT,
        ("apps/v1", "ReplicaSet") => &REPLICA_SET,
        ("apps/v1", "StatefulSet") => &STATEFUL_SET,
        ("storage.k8s.io/v1", "StorageClass") => &STORAGE_CLASS,
        ("networking.k8s.io/v1", "Ingress") => &INGRESS,
        ("networking.k8s.io/v1", "IngressClass") => &INGRESS_CLASS,
        _ => return None,
    })
}

/// The decoding error of a manifest's document, as the API server's message (without
/// kubectl's framing), or `None` when it decodes (or its kind is not checked).
pub fn check(doc: &Value) -> Option<String> {
    let m = doc.as_object()?;
    let api_version = m.get("apiVersion")?.as_str()?;
    let kind = m.get("kind")?.as_str()?;
    let s = kind_struct(api_version, kind)?;
    let mut path = String::new();
    let err = value(doc, &T::Struct(s), kind, &mut path)?;
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    Some(format!(
        "{kind} in version \"{version}\" cannot be handled as a {kind}: json: {err}"
    ))
}

/// Decodes the value of field `name` (of Go struct `owner`) at `path`.
fn field(v: &Value, t: &T, owner: &str, name: &str, path: &mut String) -> Option<String> {
    let len = path.len();
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
    let err = value(v, t, owner, path);
    path.truncate(len);
    err
}

/// Decodes `v` as a `t` for the field at `path` of Go struct `owner` (a list's elements
/// and a map's values report the field that holds them).
fn value(v: &Value, t: &T, owner: &str, path: &mut String) -> Option<String> {
    let wrong = |found: String| {
        Some(format!(
            "cannot unmarshal {found} into Go struct field {owner}.{path} of type {}",
            go_type(t)
        ))
    };
    match (t, v) {
        (_, Value::Null) | (T::Any, _) => None,
        (T::Str(_), Value::String(_)) | (T::Bool, Value::Bool(_)) => None,
        (T::I32 | T::I64, Value::Number(n)) => {
            // A whole `3.0` arrived as `3` (manifest.rs, `whole_floats`), as kubectl sends it.
            let fits = match (t, n.as_i64()) {
                (T::I32, Some(i)) => i32::try_from(i).is_ok(),
                (_, Some(_)) => true,
                (_, None) => false,
            };
            if fits {
                None
            } else {
                wrong(format!("number {n}"))
            }
        }
        (T::Struct(s), Value::Object(m)) => {
            let s: &S = s;
            m.iter().find_map(|(k, v)| {
                let (_, ft) = s.fields.iter().find(|(n, _)| n == k)?;
                field(v, ft, s.go, k, path)
            })
        }
        (T::List(elem, _), Value::Array(items)) => {
            items.iter().find_map(|item| value(item, elem, owner, path))
        }
        (T::Map(val, _), Value::Object(m)) => {
            m.values().find_map(|item| value(item, val, owner, path))
        }
        (_, other) => wrong(json_type(other).into()),
    }
}

/// How Go names a JSON value's type in an `UnmarshalTypeError`.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn go_type(t: &T) -> String {
    match t {
        T::Str(n) | T::List(_, n) | T::Map(_, n) => (*n).to_string(),
        T::I32 => "int32".into(),
        T::I64 => "int64".into(),
        T::Bool => "bool".into(),
        T::Any => "interface {}".into(),
        T::Struct(s) => format!("v1.{}", s.go),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(spec: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec})
    }

    #[test]
    fn a_string_for_an_integer() {
        assert_eq!(
            check(&deployment(json!({"replicas": "two"}))).as_deref(),
            Some("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32")
        );
    }

    #[test]
    fn a_number_in_a_list_of_structs_names_the_element_struct_and_path_without_indices() {
        let d = deployment(json!({"template": {"spec": {"containers": [
            {"name": "a", "image": "x"},
            {"name": "b", "image": "y", "env": [{"name": "PORT", "value": 8080}]}
        ]}}}));
        assert_eq!(
            check(&d).unwrap(),
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
        );
    }

    #[test]
    fn wrong_shapes_name_the_field_type() {
        let d = deployment(json!({"template": {"spec": {"volumes": 99}}}));
        assert!(check(&d).unwrap().ends_with(
            "cannot unmarshal number into Go struct field PodSpec.spec.template.spec.volumes of type []v1.Volume"
        ));
        let d = deployment(json!({"template": {"spec": {"containers": ["nginx"]}}}));
        assert!(check(&d).unwrap().ends_with(
            "cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type v1.Container"
        ));
        let d = deployment(json!("x"));
        assert!(check(&d)
            .unwrap()
            .ends_with("cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec"));
    }

    #[test]
    fn labels_and_maps_report_the_value_type() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"version": 5}}});
        assert_eq!(
            check(&pod).unwrap(),
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }

    #[test]
    fn integers_out_of_range_or_fractional_print_the_number() {
        let d = deployment(json!({"replicas": 1.5}));
        assert!(check(&d).unwrap().ends_with("cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"));
        let d = deployment(json!({"replicas": 3_000_000_000u64}));
        assert!(check(&d).unwrap().contains("number 3000000000 into"));
        let d = deployment(json!({"revisionHistoryLimit": 3, "paused": false, "replicas": null}));
        assert_eq!(check(&d), None);
    }

    #[test]
    fn the_first_error_in_key_order_wins() {
        let d = deployment(json!({"replicas": "x", "minReadySeconds": "y"}));
        assert!(check(&d).unwrap().contains("spec.minReadySeconds"));
    }

    #[test]
    fn fields_with_their_own_decoders_and_unmodelled_kinds_are_not_checked() {
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
            "spec": {"ports": [{"port": 80, "targetPort": "http"}], "selector": {"app": "x"}}});
        assert_eq!(check(&svc), None);
        let cr =
            json!({"apiVersion": "example.com/v1", "kind": "Thing", "spec": {"replicas": "x"}});
        assert_eq!(check(&cr), None);
        let old =
            json!({"apiVersion": "extensions/v1beta1", "kind": "Ingress", "spec": {"rules": 5}});
        assert_eq!(check(&old), None);
    }

    #[test]
    fn versions_come_from_the_api_version() {
        let sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "fast"}, "provisioner": "x", "allowVolumeExpansion": "yes"});
        assert_eq!(
            check(&sc).unwrap(),
            "StorageClass in version \"v1\" cannot be handled as a StorageClass: json: cannot unmarshal string into Go struct field StorageClass.allowVolumeExpansion of type bool"
        );
    }
}
