//! Validation with the API server's exact texts (R2): object names per kind (R2.5),
//! required names, and kind-specific rules (R3.15, R4.7, R7.2) as they are modelled.

use crate::sort::StableSort;
use serde_json::Value;

use crate::api::{Object, ResourceType};
use crate::errors::FieldError;
use crate::sim::Sim;

pub const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
pub const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
pub const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";

fn is_label_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// Matches `[a-z0-9]([-a-z0-9]*[a-z0-9])?`.
pub fn matches_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && is_alnum(b[0])
        && is_alnum(b[b.len() - 1])
        && b.iter().all(|&c| is_label_char(c))
}

pub fn matches_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(matches_dns1123_label)
}

pub fn matches_dns1035_label(s: &str) -> bool {
    matches_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

/// R2.1 `IsDNS1123Label`.
pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !matches_dns1123_label(s) {
        if matches_dns1123_subdomain(s) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(format!("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '{DNS1123_LABEL_FMT}')"));
        }
    }
    errs
}

/// R2.2 `IsDNS1123Subdomain`.
pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if !matches_dns1123_subdomain(s) {
        errs.push(format!("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{DNS1123_SUBDOMAIN_FMT}')"));
    }
    errs
}

/// R2.3 `IsDNS1035Label`.
pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !matches_dns1035_label(s) {
        errs.push(format!("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{DNS1035_LABEL_FMT}')"));
    }
    errs
}

/// Name validator for a kind (R2.5).
pub fn name_validator(sim: &Sim, gk: &str) -> fn(&str) -> Vec<String> {
    match gk {
        "Namespace" => dns1123_label,
        "Service" => dns1035_label,
        // R2.5: a DNS label since 1.26 (PR #114172), a subdomain before.
        "StatefulSet.apps" if sim.version.at_least(26) => dns1123_label,
        _ => dns1123_subdomain,
    }
}

/// All field errors for an object (empty when valid). `old` is the stored object on update.
pub fn validate(
    sim: &Sim,
    rt: &ResourceType,
    obj: &Object,
    old: Option<&Object>,
) -> Vec<FieldError> {
    let mut errs = vec![];
    let name = &obj.meta.name;
    if name.is_empty() {
        errs.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else if old.is_none() {
        let v = name_validator(sim, &rt.gk());
        for msg in v(name) {
            errs.push(FieldError::invalid("metadata.name", name, &msg));
        }
    }
    errs.extend(label_values(obj));
    errs.extend(annotations_size(sim, obj));
    errs.extend(crate::controllers::persistentvolume::validate(
        sim, obj, old,
    ));
    errs.extend(crate::validation_network::validate(sim, rt, obj, old));
    match rt.gk().as_str() {
        "Pod" => {
            errs.extend(containers_required(obj, &["spec"], "spec.containers"));
            // Status writes share the stored spec: nothing there to check again.
            if old.is_none_or(|o| !std::ptr::eq(o.get(&["spec"]), obj.get(&["spec"]))) {
                errs.extend(container_ports(obj, &["spec"], "spec"));
            }
            errs.extend(pod_identity(obj));
            if let Some(old) = old {
                errs.extend(pod_update(obj, old));
            }
        }
        "StatefulSet.apps" => errs.extend(statefulset(sim, obj, old)),
        "Deployment.apps" | "ReplicaSet.apps" => errs.extend(validate_replicated(sim, obj, old)),
        "Job.batch" => {
            errs.extend(job(obj));
            if let Some(old) = old {
                errs.extend(job_update(obj, old));
            }
        }
        _ => {}
    }
    errs
}

/// `ValidateJobSpecUpdate`: what a Job runs cannot change once it exists — its selector,
/// completions (NonIndexed), completion mode and pod template (`ValidateImmutableField`).
/// The scheduling fields a suspended Job that never started may change are not modelled.
/// The value is rendered as JSON (UNVERIFIED: before 1.34 the API server prints Go's
/// `%#v` of the internal type, a dump no learner reads to the end).
fn job_update(obj: &Object, old: &Object) -> Vec<FieldError> {
    let mut errs = vec![];
    for field in ["selector", "completions", "completionMode", "template"] {
        let (new_v, old_v) = (obj.get(&["spec", field]), old.get(&["spec", field]));
        if !crate::api::object::values_equal(new_v, old_v) {
            let shown = match new_v {
                Value::String(s) => crate::errors::go_quote(s),
                v => serde_json::to_string(v).unwrap_or_default(),
            };
            errs.push(FieldError::invalid_raw(
                &format!("spec.{field}"),
                &shown,
                "field is immutable",
            ));
        }
    }
    errs
}

/// `ValidateJobSpec` (pkg/apis/batch/validation), the checks a learner meets: the pod
/// template needs a container, and its restart policy must let a pod finish — the
/// template's default, `Always`, is refused as not chosen: `Required value: valid
/// values: "OnFailure", "Never"`.
fn job(obj: &Object) -> Vec<FieldError> {
    let mut errs = vec![];
    // `ValidateNonnegativeField` (the message UNVERIFIED for ttlSecondsAfterFinished).
    for field in [
        "parallelism",
        "completions",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ] {
        if let Some(n) = obj.i64_at(&["spec", field]).filter(|n| *n < 0) {
            errs.push(FieldError::invalid_raw(
                &format!("spec.{field}"),
                &n.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    errs.extend(containers_required(
        obj,
        &["spec", "template", "spec"],
        "spec.template.spec.containers",
    ));
    let policy = obj
        .str_at(&["spec", "template", "spec", "restartPolicy"])
        .unwrap_or("");
    if policy != "OnFailure" && policy != "Never" {
        errs.push(FieldError::required(
            "spec.template.spec.restartPolicy",
            "valid values: \"OnFailure\", \"Never\"",
        ));
    }
    errs
}

// ----- Deployment and ReplicaSet (R4.7) ----------------------------------------------------

/// How a Go value that is not a string or number appears in an `Invalid value:` message:
/// Go's `%#v` until 1.33; JSON from 1.34, when PR #132314 ("Nicer value rendering in API
/// errors") changed `field.Error` (boundary UNVERIFIED, chosen: §13.19 / DP-11).
enum GoValue<'a> {
    /// `intstr.IntOrString` (a number or a percentage string).
    IntOrString(&'a Value),
    /// `map[string]string`, e.g. template labels.
    StringMap(&'a Value),
    /// `metav1.LabelSelector`.
    LabelSelector(&'a Value),
}

fn go_string_map(v: &Value) -> String {
    match v.as_object() {
        None => "map[string]string(nil)".into(),
        Some(m) => {
            let mut items: Vec<(&String, String)> = m
                .iter()
                .map(|(k, x)| (k, crate::errors::go_quote(x.as_str().unwrap_or(""))))
                .collect();
            items.sort_stable();
            let body = items
                .iter()
                .map(|(k, x)| format!("{}:{x}", crate::errors::go_quote(k)))
                .collect::<Vec<_>>()
                .join(", ");
            format!("map[string]string{{{body}}}")
        }
    }
}

fn render_go_value(sim: &Sim, v: GoValue) -> String {
    if sim.version.at_least(34) {
        return match v {
            GoValue::IntOrString(x) => x.to_string(),
            GoValue::StringMap(x) if x.is_null() => "null".into(),
            GoValue::StringMap(x) => crate::controllers::deployment::canonical_json(x),
            GoValue::LabelSelector(x) => {
                let mut m = serde_json::Map::new();
                for k in ["matchLabels", "matchExpressions"] {
                    if let Some(f) = x.get(k).filter(|f| {
                        f.as_object().is_some_and(|o| !o.is_empty())
                            || f.as_array().is_some_and(|a| !a.is_empty())
                    }) {
                        m.insert(k.into(), f.clone());
                    }
                }
                crate::controllers::deployment::canonical_json(&Value::Object(m))
            }
        };
    }
    match v {
        GoValue::IntOrString(x) => match x {
            Value::String(s) => format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                crate::errors::go_quote(s)
            ),
            other => format!(
                "intstr.IntOrString{{Type:0, IntVal:{}, StrVal:\"\"}}",
                other.as_i64().unwrap_or(0)
            ),
        },
        GoValue::StringMap(x) => go_string_map(x),
        GoValue::LabelSelector(x) => {
            let labels = match x.get("matchLabels") {
                Some(m) if m.is_object() => go_string_map(m),
                _ => "map[string]string(nil)".into(),
            };
            let exprs = match x.get("matchExpressions").and_then(Value::as_array) {
                None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
                Some(a) => {
                    let items: Vec<String> = a
                        .iter()
                        .map(|e| {
                            let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
                            let values = match e.get("values").and_then(Value::as_array) {
                                None => "[]string(nil)".to_string(),
                                Some(vs) => format!(
                                    "[]string{{{}}}",
                                    vs.iter()
                                        .map(|v| crate::errors::go_quote(v.as_str().unwrap_or("")))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            };
                            format!(
                                "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                                crate::errors::go_quote(s("key")),
                                crate::errors::go_quote(s("operator"))
                            )
                        })
                        .collect();
                    format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
                }
            };
            format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}")
        }
    }
}

/// `getIntOrPercentValue`: the number, or the percentage without `%` (0 if unparsable).
fn int_or_percent_value(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.trim_end_matches('%').parse().unwrap_or(0),
        other => other.as_i64().unwrap_or(0),
    }
}

/// `ValidatePositiveIntOrPercent`.
fn validate_positive_int_or_percent(sim: &Sim, v: &Value, field: &str) -> Vec<FieldError> {
    match v {
        Value::Null => vec![],
        Value::String(s) => {
            let digits = s.strip_suffix('%').unwrap_or("");
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                vec![]
            } else {
                vec![FieldError::invalid_raw(field, &render_go_value(sim, GoValue::IntOrString(v)), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
            }
        }
        Value::Number(n) if n.as_i64().is_some_and(|x| x < 0) => {
            vec![FieldError::invalid_raw(
                field,
                &n.to_string(),
                "must be greater than or equal to 0",
            )]
        }
        Value::Number(_) => vec![],
        _ => vec![FieldError::invalid_raw(
            field,
            &render_go_value(sim, GoValue::IntOrString(v)),
            "must be an integer or percentage (e.g '5%')",
        )],
    }
}

fn non_negative(obj: &Object, path: &[&str], field: &str) -> Option<FieldError> {
    let v = obj.i64_at(path)?;
    (v < 0).then(|| {
        FieldError::invalid_raw(field, &v.to_string(), "must be greater than or equal to 0")
    })
}

/// `ValidateDeploymentSpec` / `ValidateReplicaSetSpec` (the parts the simulator models),
/// plus the apps/v1 selector immutability on update.
fn validate_replicated(sim: &Sim, obj: &Object, old: Option<&Object>) -> Vec<FieldError> {
    let mut errs = vec![];
    let is_deployment = obj.kind == "Deployment";
    errs.extend(non_negative(obj, &["spec", "replicas"], "spec.replicas"));
    if !is_deployment {
        errs.extend(non_negative(
            obj,
            &["spec", "minReadySeconds"],
            "spec.minReadySeconds",
        ));
    }
    let selector = obj.get(&["spec", "selector"]);
    if selector.is_null() {
        errs.push(FieldError::required("spec.selector", ""));
    } else {
        let n = selector
            .get("matchLabels")
            .and_then(Value::as_object)
            .map_or(0, |m| m.len())
            + selector
                .get("matchExpressions")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
        if n == 0 {
            // The ReplicaSet validator says "deployment" too (upstream wording).
            errs.push(FieldError::invalid_raw(
                "spec.selector",
                &render_go_value(sim, GoValue::LabelSelector(selector)),
                "empty selector is invalid for deployment",
            ));
        }
    }
    // A null selector selects nothing, so it never matches the template's labels.
    let sel = crate::api::Selector::from_label_selector(selector);
    let labels_v = obj.get(&["spec", "template", "metadata", "labels"]);
    let labels = crate::api::object::string_map(Some(labels_v));
    if !sel.is_empty() && !sel.matches(&labels) {
        errs.push(FieldError::invalid_raw(
            "spec.template.metadata.labels",
            &render_go_value(sim, GoValue::StringMap(labels_v)),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(containers_required(
        obj,
        &["spec", "template", "spec"],
        "spec.template.spec.containers",
    ));
    errs.extend(container_ports(
        obj,
        &["spec", "template", "spec"],
        "spec.template.spec",
    ));
    if let Some(p) = obj.str_at(&["spec", "template", "spec", "restartPolicy"]) {
        if p != "Always" {
            errs.push(FieldError::not_supported(
                "spec.template.spec.restartPolicy",
                p,
                &["Always"],
            ));
        }
    }
    if is_deployment {
        errs.extend(validate_strategy(sim, obj));
        errs.extend(non_negative(
            obj,
            &["spec", "minReadySeconds"],
            "spec.minReadySeconds",
        ));
        errs.extend(non_negative(
            obj,
            &["spec", "revisionHistoryLimit"],
            "spec.revisionHistoryLimit",
        ));
        if let Some(p) = obj.i64_at(&["spec", "progressDeadlineSeconds"]) {
            errs.extend(non_negative(
                obj,
                &["spec", "progressDeadlineSeconds"],
                "spec.progressDeadlineSeconds",
            ));
            if p <= obj.i64_at(&["spec", "minReadySeconds"]).unwrap_or(0) {
                errs.push(FieldError::invalid_raw(
                    "spec.progressDeadlineSeconds",
                    &p.to_string(),
                    "must be greater than minReadySeconds",
                ));
            }
        }
    }
    if let Some(old) = old {
        let old_sel = old.get(&["spec", "selector"]);
        if old_sel != selector {
            errs.push(FieldError::invalid_raw(
                "spec.selector",
                &render_go_value(sim, GoValue::LabelSelector(selector)),
                "field is immutable",
            ));
        }
    }
    errs
}

/// `ValidateDeploymentStrategy` and `ValidateRollingUpdateDeployment` (R4.7).
fn validate_strategy(sim: &Sim, obj: &Object) -> Vec<FieldError> {
    let mut errs = vec![];
    let strategy = obj.get(&["spec", "strategy"]);
    let t = strategy
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("RollingUpdate");
    let ru = strategy.get("rollingUpdate").filter(|v| !v.is_null());
    match t {
        "Recreate" => {
            if ru.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => {
            let Some(ru) = ru else {
                errs.push(FieldError::required(
                    "spec.strategy.rollingUpdate",
                    "this should be defaulted and never be nil",
                ));
                return errs;
            };
            let unavailable = ru.get("maxUnavailable").unwrap_or(&Value::Null);
            let surge = ru.get("maxSurge").unwrap_or(&Value::Null);
            let fu = "spec.strategy.rollingUpdate.maxUnavailable";
            errs.extend(validate_positive_int_or_percent(sim, unavailable, fu));
            errs.extend(validate_positive_int_or_percent(
                sim,
                surge,
                "spec.strategy.rollingUpdate.maxSurge",
            ));
            if int_or_percent_value(unavailable) == 0 && int_or_percent_value(surge) == 0 {
                // R4.7 / DP-11: both zero leaves the rollout no legal move.
                errs.push(FieldError::invalid_raw(
                    fu,
                    &render_go_value(sim, GoValue::IntOrString(unavailable)),
                    "may not be 0 when `maxSurge` is 0",
                ));
            }
            if unavailable.is_string() && int_or_percent_value(unavailable) > 100 {
                errs.push(FieldError::invalid_raw(
                    fu,
                    &render_go_value(sim, GoValue::IntOrString(unavailable)),
                    "must not be greater than 100%",
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            "spec.strategy.type",
            other,
            &["Recreate", "RollingUpdate"],
        )),
    }
    errs
}

const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

/// `IsValidLabelValue`: at most 63 characters of `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`.
pub fn label_value(v: &str) -> Vec<String> {
    let mut errs = vec![];
    if v.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let b = v.as_bytes();
    let alnum = |c: u8| c.is_ascii_alphanumeric();
    let ok = b.is_empty()
        || (alnum(b[0])
            && alnum(b[b.len() - 1])
            && b.iter()
                .all(|&c| alnum(c) || c == b'-' || c == b'_' || c == b'.'));
    if !ok {
        errs.push(format!("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '{LABEL_VALUE_FMT}')"));
    }
    errs
}

/// `ValidateLabels` (values only): every object's labels; R2.8 makes long StatefulSet
/// names fail here, on their pods' `controller-revision-hash` and pod-name labels.
/// `ValidateAnnotationsSize` (apimachinery, part of `ValidateObjectMeta`, so every kind):
/// the annotations' keys and values together at most 256 KiB. What learners meet it
/// with: `kubectl apply` (client-side) copies the whole object into its
/// `last-applied-configuration` annotation, so an object whose JSON is larger is
/// refused — the Argo CD install's ApplicationSet CRD (346 KB) is the famous case, which
/// is why its docs say `kubectl apply --server-side`.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

fn annotations_size(sim: &Sim, obj: &Object) -> Option<FieldError> {
    let total: usize = obj
        .meta
        .annotations
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum();
    (total > TOTAL_ANNOTATION_SIZE_LIMIT).then(|| {
        FieldError::too_long(
            "metadata.annotations",
            TOTAL_ANNOTATION_SIZE_LIMIT,
            sim.version.at_least(30),
        )
    })
}

fn label_values(obj: &Object) -> Vec<FieldError> {
    let mut errs = vec![];
    for v in obj.meta.labels.values() {
        for msg in label_value(v) {
            errs.push(FieldError::invalid("metadata.labels", v, &msg));
        }
    }
    errs
}

/// `ValidatePodSpec`: `spec.hostname` and `spec.subdomain` are DNS labels (a StatefulSet
/// pod's hostname is its name: R2.5 on 1.21 with dots, R2.8 with long names).
/// `validateContainers`: a pod (or a pod template) needs at least one container —
/// `spec.containers: Required value`. Without it a Deployment whose template lost its
/// containers (a misspelt `containers:`) made pods that could never run.
fn containers_required(obj: &Object, spec: &[&str], field: &str) -> Option<FieldError> {
    let mut path = spec.to_vec();
    path.push("containers");
    let c = obj.get(&path);
    (c.is_null() || c.as_array().is_some_and(Vec::is_empty))
        .then(|| FieldError::required(field, ""))
}

/// `validateContainerPorts`, for every container and init container of a pod spec at
/// `spec` (`field`: its path as errors name it): a `containerPort` is required (0 is
/// unset) and a port number, a `hostPort` when set a port number, a `name` an IANA
/// service name, a `protocol` one of SCTP, TCP, UDP (defaulted to TCP before this).
/// Found through `kubectl run --port=0`, which a cluster refuses and Orrery had taken.
fn container_ports(obj: &Object, spec: &[&str], field: &str) -> Vec<FieldError> {
    let mut errs = vec![];
    for list in ["containers", "initContainers"] {
        let mut path = spec.to_vec();
        path.push(list);
        let Some(containers) = obj.get(&path).as_array() else {
            continue;
        };
        for (i, c) in containers.iter().enumerate() {
            let Some(ports) = c.get("ports").and_then(Value::as_array) else {
                continue;
            };
            for (j, p) in ports.iter().enumerate() {
                let at = format!("{field}.{list}[{i}].ports[{j}]");
                if let Some(name) = p
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                {
                    for msg in crate::validation_network::port_name_errors(name) {
                        errs.push(FieldError::invalid(&format!("{at}.name"), name, &msg));
                    }
                }
                match p.get("containerPort").and_then(Value::as_i64).unwrap_or(0) {
                    0 => errs.push(FieldError::required(&format!("{at}.containerPort"), "")),
                    n if !(1..=65535).contains(&n) => errs.push(FieldError::invalid_raw(
                        &format!("{at}.containerPort"),
                        &n.to_string(),
                        "must be between 1 and 65535, inclusive",
                    )),
                    _ => {}
                }
                match p.get("hostPort").and_then(Value::as_i64).unwrap_or(0) {
                    0 => {}
                    n if !(1..=65535).contains(&n) => errs.push(FieldError::invalid_raw(
                        &format!("{at}.hostPort"),
                        &n.to_string(),
                        "must be between 1 and 65535, inclusive",
                    )),
                    _ => {}
                }
                if let Some(proto) = p.get("protocol").and_then(Value::as_str) {
                    if !["SCTP", "TCP", "UDP"].contains(&proto) {
                        errs.push(FieldError::not_supported(
                            &format!("{at}.protocol"),
                            proto,
                            &["SCTP", "TCP", "UDP"],
                        ));
                    }
                }
            }
        }
    }
    errs
}

fn pod_identity(pod: &Object) -> Vec<FieldError> {
    let mut errs = vec![];
    for field in ["hostname", "subdomain"] {
        if let Some(v) = pod.str_at(&["spec", field]).filter(|v| !v.is_empty()) {
            for msg in dns1123_label(v) {
                errs.push(FieldError::invalid(&format!("spec.{field}"), v, &msg));
            }
        }
    }
    errs
}

/// What `ValidatePodUpdate` says when a pod's spec changes beyond what a pod may change.
/// Not in the behaviour reference (UNVERIFIED, chosen): the text of Kubernetes 1.27–1.30
/// (before in-place resize and scheduling gates were added to the list), without the
/// `core.PodSpec{…}` diff kube-apiserver appends below it.
pub const POD_UPDATE_FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// A pod's spec is fixed once created (`ValidatePodUpdate`): only container images,
/// `activeDeadlineSeconds`, tolerations and `terminationGracePeriodSeconds` may change —
/// and `nodeName`, set once by the scheduler's binding (a subresource in Kubernetes, an
/// update here). Without this, an apply that drops a pod's containers reached the
/// kubelet with a runtime for containers its spec no longer had (found by the
/// `command_line` fuzz target).
fn pod_update(pod: &Object, old: &Object) -> Vec<FieldError> {
    let (new_spec, old_spec) = (pod.get(&["spec"]), old.get(&["spec"]));
    // Most pod updates are status writes that share the stored spec.
    if std::ptr::eq(new_spec, old_spec) || new_spec == old_spec {
        return vec![];
    }
    let unbound = old_spec
        .get("nodeName")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty);
    let fixed = |spec: &Value| -> Value {
        let mut s = spec.clone();
        if let Some(m) = s.as_object_mut() {
            for k in [
                "activeDeadlineSeconds",
                "tolerations",
                "terminationGracePeriodSeconds",
            ] {
                m.remove(k);
            }
            if unbound {
                m.remove("nodeName");
            }
            for list in ["containers", "initContainers"] {
                for c in m
                    .get_mut(list)
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if let Some(c) = c.as_object_mut() {
                        c.remove("image");
                    }
                }
            }
        }
        s
    };
    if fixed(new_spec) == fixed(old_spec) {
        return vec![];
    }
    vec![FieldError::forbidden("spec", POD_UPDATE_FORBIDDEN)]
}

/// Go's `%#v` of a `map[string]string`, as field errors print non-string values.
fn go_map(m: &std::collections::BTreeMap<String, String>) -> String {
    let cells: Vec<String> = m
        .iter()
        .map(|(k, v)| {
            format!(
                "{}:{}",
                crate::errors::go_quote(k),
                crate::errors::go_quote(v)
            )
        })
        .collect();
    format!("map[string]string{{{}}}", cells.join(", "))
}

/// R3.15: the spec fields an update may change, by version, and the message naming them
/// (§13.24 UNVERIFIED cut points, chosen: minReadySeconds 1.22, the retention policy
/// 1.23, ordinals 1.26, revisionHistoryLimit 1.33).
pub fn statefulset_mutable_fields(
    v: crate::api::ClusterVersion,
) -> (&'static [&'static str], &'static str) {
    if v.at_least(33) {
        (
            &["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"],
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        )
    } else if v.at_least(26) {
        (
            &["replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"],
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        )
    } else if v.at_least(23) {
        (
            &["replicas", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"],
            "updates to statefulset spec for fields other than 'replicas', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        )
    } else if v.at_least(22) {
        (
            &["replicas", "template", "updateStrategy", "minReadySeconds"],
            "updates to statefulset spec for fields other than 'replicas', 'template', 'updateStrategy' and 'minReadySeconds' are forbidden",
        )
    } else {
        (
            &["replicas", "template", "updateStrategy"],
            "updates to statefulset spec for fields other than 'replicas', 'template', and 'updateStrategy' are forbidden",
        )
    }
}

/// StatefulSet spec rules (`ValidateStatefulSetSpec`, in its order): the policy and
/// strategy are known values, counts are not negative, the selector exists and matches
/// the template's labels, pods restart Always; on update only the fields of R3.15 may
/// change.
fn statefulset(sim: &Sim, obj: &Object, old: Option<&Object>) -> Vec<FieldError> {
    use serde_json::Value;
    let mut errs = vec![];
    if let Some(p) = obj.str_at(&["spec", "podManagementPolicy"]) {
        if p != "OrderedReady" && p != "Parallel" {
            errs.push(FieldError::not_supported(
                "spec.podManagementPolicy",
                p,
                &["OrderedReady", "Parallel"],
            ));
        }
    }
    if let Some(t) = obj.str_at(&["spec", "updateStrategy", "type"]) {
        if t != "RollingUpdate" && t != "OnDelete" {
            errs.push(FieldError::not_supported(
                "spec.updateStrategy.type",
                t,
                &["OnDelete", "RollingUpdate"],
            ));
        }
    }
    for (field, path) in [
        ("spec.replicas", &["spec", "replicas"][..]),
        ("spec.minReadySeconds", &["spec", "minReadySeconds"][..]),
        ("spec.ordinals.start", &["spec", "ordinals", "start"][..]),
        (
            "spec.updateStrategy.rollingUpdate.partition",
            &["spec", "updateStrategy", "rollingUpdate", "partition"][..],
        ),
    ] {
        if let Some(n) = obj.i64_at(path).filter(|n| *n < 0) {
            errs.push(FieldError::invalid_raw(
                field,
                &n.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    let sel = obj.get(&["spec", "selector"]);
    if sel.is_null() {
        errs.push(FieldError::required("spec.selector", ""));
    }
    let selector = crate::api::Selector::from_label_selector(sel);
    let tpl_labels =
        crate::api::object::string_map(Some(obj.get(&["spec", "template", "metadata", "labels"])));
    if !selector.is_empty() && !selector.matches(&tpl_labels) {
        errs.push(FieldError::invalid_raw(
            "spec.template.metadata.labels",
            &go_map(&tpl_labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(containers_required(
        obj,
        &["spec", "template", "spec"],
        "spec.template.spec.containers",
    ));
    errs.extend(container_ports(
        obj,
        &["spec", "template", "spec"],
        "spec.template.spec",
    ));
    if let Some(p) = obj.str_at(&["spec", "template", "spec", "restartPolicy"]) {
        if p != "Always" {
            errs.push(FieldError::not_supported(
                "spec.template.spec.restartPolicy",
                p,
                &["Always"],
            ));
        }
    }
    if let Some(old) = old {
        let (mutable, message) = statefulset_mutable_fields(sim.version);
        // Absent, null and empty compare equal, as Semantic.DeepEqual does. Compared
        // in place: every status write of the controller comes through here, and
        // copying both specs (templates included) for it showed in the paste's profile.
        let kept = |(k, v): &(&String, &Value)| {
            let empty = v.is_null()
                || v.as_array().is_some_and(Vec::is_empty)
                || v.as_object().is_some_and(serde_json::Map::is_empty);
            !mutable.contains(&k.as_str()) && !empty
        };
        let empty = serde_json::Map::new();
        let fields = |spec: &Value| {
            spec.as_object()
                .unwrap_or(&empty)
                .iter()
                .filter(kept)
                .count()
        };
        let same = std::ptr::eq(obj.spec(), old.spec())
            || (fields(obj.spec()) == fields(old.spec())
                && obj
                    .spec()
                    .as_object()
                    .unwrap_or(&empty)
                    .iter()
                    .filter(kept)
                    .all(|(k, v)| old.spec().get(k.as_str()).is_some_and(|w| w == v)));
        if !same {
            errs.push(FieldError::forbidden("spec", message));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules() {
        assert_eq!(
            dns1123_label("my.ns"),
            vec!["must not contain dots".to_string()]
        );
        assert!(dns1123_label("web").is_empty());
        assert!(dns1123_label("Web")[0].starts_with("a lowercase RFC 1123 label"));
        assert!(dns1035_label("1web")[0].starts_with("a DNS-1035 label"));
        assert!(dns1123_subdomain("My_App")[0].starts_with("a lowercase RFC 1123 subdomain"));
        assert_eq!(
            dns1123_label(&"a".repeat(64)),
            vec!["must be no more than 63 characters".to_string()]
        );
    }

    #[test]
    fn label_values() {
        assert!(label_value("").is_empty());
        assert!(label_value("web-7b9c5d4f8").is_empty());
        assert!(label_value("My_Value.1").is_empty());
        assert_eq!(
            label_value(&"a".repeat(64)),
            vec!["must be no more than 63 characters".to_string()]
        );
        assert_eq!(
            label_value("-x")[0],
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
    }

    fn sim(minor: u32) -> Sim {
        Sim::new(1, crate::api::ClusterVersion { minor, patch: 0 })
    }

    fn sts(spec: serde_json::Value) -> Object {
        let mut o = Object::new("apps/v1", "StatefulSet", "default", "web");
        o.body.insert("spec".into(), spec);
        o
    }

    #[test]
    fn annotations_may_hold_256_kib_in_all() {
        let mut o = Object::new("v1", "ConfigMap", "default", "big");
        // Keys count too: "a" + 262,143 bytes is exactly the limit.
        o.meta
            .annotations
            .insert("a".into(), "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 1));
        assert_eq!(annotations_size(&sim(34), &o), None);
        o.meta.annotations.insert("b".into(), String::new());
        let e = annotations_size(&sim(34), &o).expect("one byte over");
        assert_eq!(
            e.to_string(),
            "metadata.annotations: Too long: may not be more than 262144 bytes"
        );
        assert_eq!(
            annotations_size(&sim(29), &o).unwrap().to_string(),
            "metadata.annotations: Too long: must have at most 262144 bytes"
        );
        assert_eq!(
            annotations_size(&sim(30), &o).unwrap().detail,
            "may not be more than 262144 bytes"
        );
    }

    #[test]
    fn statefulset_update_rules_by_version() {
        let base = serde_json::json!({"replicas": 3, "serviceName": "nginx",
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}]});
        let old = sts(base.clone());
        let msg = |minor: u32, change: &dyn Fn(&mut serde_json::Value)| {
            let mut spec = base.clone();
            change(&mut spec);
            statefulset(&sim(minor), &sts(spec), Some(&old))
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        };
        let claim_2gi = |s: &mut serde_json::Value| {
            s["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "2Gi".into()
        };
        assert_eq!(msg(34, &claim_2gi), vec!["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]);
        assert_eq!(msg(30, &claim_2gi), vec!["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]);
        assert_eq!(msg(21, &claim_2gi), vec!["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'template', and 'updateStrategy' are forbidden"]);
        assert!(msg(34, &|s| s["replicas"] = 5.into()).is_empty());
        assert!(msg(34, &|s| s["revisionHistoryLimit"] = 2.into()).is_empty());
        assert_eq!(msg(30, &|s| s["revisionHistoryLimit"] = 2.into()).len(), 1);
        assert_eq!(msg(34, &|s| s["serviceName"] = "other".into()).len(), 1);
        assert!(msg(34, &|s| s["template"]["spec"] = serde_json::json!({"x": 1, "containers": [{"name": "nginx", "image": "nginx:1.25"}]})).is_empty());
    }

    #[test]
    fn statefulset_selector_must_match_template() {
        let o = sts(
            serde_json::json!({"selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "nginx", "tier": "x"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}),
        );
        let errs: Vec<String> = statefulset(&sim(34), &o, None)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errs, vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\", \"tier\":\"x\"}: `selector` does not match template `labels`"]);
        let o = sts(
            serde_json::json!({"template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}),
        );
        let errs: Vec<String> = statefulset(&sim(34), &o, None)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(errs[0], "spec.selector: Required value");
        assert_eq!(errs.len(), 2);
        let o = sts(
            serde_json::json!({"replicas": -1, "podManagementPolicy": "Random",
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"restartPolicy": "Never", "containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}),
        );
        let errs: Vec<String> = statefulset(&sim(34), &o, None)
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errs,
            vec![
                "spec.podManagementPolicy: Unsupported value: \"Random\": supported values: \"OrderedReady\", \"Parallel\"",
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            ]
        );
    }
}
