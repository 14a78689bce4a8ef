//! Validation of Services, Ingresses and IngressClasses with the API server's texts
//! (R7.2 from `pkg/apis/networking/validation/validation.go`; Service rules from
//! `pkg/apis/core/validation/validation.go` and the port/IP allocators), and the
//! conversion of `extensions/v1beta1` Ingresses to the stored `networking.k8s.io/v1`
//! shape (R7.1).

use serde_json::{json, Value};

use crate::api::{Object, ResourceType};
use crate::errors::FieldError;
use crate::sim::Sim;
use crate::validation::{dns1035_label, dns1123_subdomain, DNS1123_SUBDOMAIN_FMT};

/// Kind-specific field errors for the network kinds (empty for other kinds).
pub fn validate(
    sim: &Sim,
    rt: &ResourceType,
    obj: &Object,
    old: Option<&Object>,
) -> Vec<FieldError> {
    match rt.gk().as_str() {
        "Service" => validate_service(sim, obj, old),
        "Ingress.networking.k8s.io" | "Ingress.extensions" => validate_ingress(obj, old.is_none()),
        "IngressClass.networking.k8s.io" => validate_ingress_class(obj),
        _ => vec![],
    }
}

// ----- shared field checks ----------------------------------------------------------

/// `IsValidPortNum`.
fn port_num_errors(n: i64) -> Vec<String> {
    if (1..=65535).contains(&n) {
        vec![]
    } else {
        vec!["must be between 1 and 65535, inclusive".into()]
    }
}

/// `IsValidPortName` (IANA_SVC_NAME).
pub fn port_name_errors(name: &str) -> Vec<String> {
    let mut errs = vec![];
    if name.len() > 15 {
        errs.push("must be no more than 15 characters".to_string());
    }
    if !name
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !name.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

/// R2.4 `IsWildcardDNS1123Subdomain`.
pub fn wildcard_dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = vec![];
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    let ok = s
        .strip_prefix("*.")
        .is_some_and(crate::validation::matches_dns1123_subdomain);
    if !ok {
        errs.push(format!("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.{DNS1123_SUBDOMAIN_FMT}')"));
    }
    errs
}

fn is_ip_address(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

// ----- Ingress ----------------------------------------------------------------------

/// R7.1: an `extensions/v1beta1` (or `networking.k8s.io/v1beta1`) Ingress as the API
/// server stores it, `networking.k8s.io/v1`: `backend` → `defaultBackend`,
/// `serviceName`/`servicePort` → `service.name`/`service.port.{number|name}`, and the
/// v1beta1 default `pathType: ImplementationSpecific`.
pub fn convert_ingress_v1beta1(obj: &mut Object) {
    if obj.kind != "Ingress" || !obj.api_version.ends_with("/v1beta1") {
        return;
    }
    obj.api_version = "networking.k8s.io/v1".into();
    fn backend(b: &Value) -> Value {
        if b.get("serviceName").is_none() && b.get("servicePort").is_none() {
            return b.clone();
        }
        let name = b.get("serviceName").cloned().unwrap_or(json!(""));
        let port = match b.get("servicePort") {
            Some(Value::Number(n)) => json!({"number": n}),
            Some(Value::String(s)) => match s.parse::<i64>() {
                Ok(n) => json!({"number": n}),
                Err(_) => json!({"name": s}),
            },
            _ => json!({}),
        };
        json!({"service": {"name": name, "port": port}})
    }
    if let Some(spec) = obj.body.get_mut("spec").and_then(Value::as_object_mut) {
        if let Some(b) = spec.remove("backend") {
            spec.insert("defaultBackend".into(), backend(&b));
        }
        if let Some(Value::Array(rules)) = spec.get_mut("rules") {
            for r in rules {
                let Some(Value::Array(paths)) = r.pointer_mut("/http/paths") else {
                    continue;
                };
                for p in paths {
                    let Some(p) = p.as_object_mut() else { continue };
                    if p.get("pathType").is_none_or(Value::is_null) {
                        p.insert("pathType".into(), json!("ImplementationSpecific"));
                    }
                    if let Some(b) = p.get("backend").cloned() {
                        p.insert("backend".into(), backend(&b));
                    }
                }
            }
        }
    }
}

/// R7.2 `validateIngressBackend`.
fn validate_ingress_backend(b: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let resource = b.get("resource").filter(|v| !v.is_null());
    let service = b.get("service").filter(|v| !v.is_null());
    match (resource, service) {
        (Some(_), Some(_)) => errs.push(FieldError::invalid(
            path,
            "",
            "cannot set both resource and service backends",
        )),
        (Some(r), None) => {
            if r.get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                errs.push(FieldError::required(&format!("{path}.resource.kind"), ""));
            }
            if r.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                errs.push(FieldError::required(&format!("{path}.resource.name"), ""));
            }
        }
        (None, Some(s)) => {
            let name = s.get("name").and_then(Value::as_str).unwrap_or("");
            if name.is_empty() {
                errs.push(FieldError::required(&format!("{path}.service.name"), ""));
            } else {
                for msg in dns1035_label(name) {
                    errs.push(FieldError::invalid(
                        &format!("{path}.service.name"),
                        name,
                        &msg,
                    ));
                }
            }
            let port_name = s
                .pointer("/port/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let port_number = s
                .pointer("/port/number")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            if !port_name.is_empty() && port_number != 0 {
                errs.push(FieldError::invalid(
                    path,
                    "",
                    "cannot set both port name & port number",
                ));
            } else if !port_name.is_empty() {
                for msg in port_name_errors(port_name) {
                    errs.push(FieldError::invalid(
                        &format!("{path}.service.port.name"),
                        port_name,
                        &msg,
                    ));
                }
            } else if port_number != 0 {
                for msg in port_num_errors(port_number) {
                    errs.push(FieldError::invalid_raw(
                        &format!("{path}.service.port.number"),
                        &port_number.to_string(),
                        &msg,
                    ));
                }
            } else {
                errs.push(FieldError::required(
                    path,
                    "port name or number is required",
                ));
            }
        }
        (None, None) => errs.push(FieldError::invalid(
            path,
            "",
            "resource or service backend is required",
        )),
    }
}

/// R7.2 `validateHTTPIngressPath`.
fn validate_ingress_path(p: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let Some(path_type) = p.get("pathType").and_then(Value::as_str) else {
        errs.push(FieldError::required(
            &format!("{path}.pathType"),
            "pathType must be specified",
        ));
        return;
    };
    let value = p.get("path").and_then(Value::as_str).unwrap_or("");
    let field = format!("{path}.path");
    match path_type {
        "Exact" | "Prefix" => {
            if !value.starts_with('/') {
                errs.push(FieldError::invalid(
                    &field,
                    value,
                    "must be an absolute path",
                ));
            }
            if !value.is_empty() {
                for seq in ["//", "/./", "/../", "%2f", "%2F"] {
                    if value.contains(seq) {
                        errs.push(FieldError::invalid(
                            &field,
                            value,
                            &format!("must not contain '{seq}'"),
                        ));
                    }
                }
                for suffix in ["/..", "/."] {
                    if value.ends_with(suffix) {
                        errs.push(FieldError::invalid(
                            &field,
                            value,
                            &format!("cannot end with '{suffix}'"),
                        ));
                    }
                }
            }
        }
        "ImplementationSpecific" => {
            if !value.is_empty() && !value.starts_with('/') {
                errs.push(FieldError::invalid(
                    &field,
                    value,
                    "must be an absolute path",
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            &format!("{path}.pathType"),
            other,
            &["Exact", "ImplementationSpecific", "Prefix"],
        )),
    }
    validate_ingress_backend(
        p.get("backend").unwrap_or(&Value::Null),
        &format!("{path}.backend"),
        errs,
    );
}

fn validate_host(host: &str, field: &str, errs: &mut Vec<FieldError>) {
    let msgs = if host.contains('*') {
        wildcard_dns1123_subdomain(host)
    } else {
        dns1123_subdomain(host)
    };
    for msg in msgs {
        errs.push(FieldError::invalid(field, host, &msg));
    }
}

/// R7.2 `ValidateIngressCreate` / `ValidateIngressSpec`.
pub fn validate_ingress(obj: &Object, create: bool) -> Vec<FieldError> {
    let mut errs = vec![];
    let spec = obj.spec();
    let rules = spec.get("rules").and_then(Value::as_array);
    let default_backend = spec.get("defaultBackend").filter(|v| !v.is_null());
    if rules.is_none_or(|r| r.is_empty()) && default_backend.is_none() {
        errs.push(FieldError::invalid_raw(
            "spec",
            "[]networking.IngressRule(nil)",
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(b) = default_backend {
        validate_ingress_backend(b, "spec.defaultBackend", &mut errs);
    }
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let host = rule.get("host").and_then(Value::as_str).unwrap_or("");
        let field = format!("spec.rules[{i}].host");
        if !host.is_empty() {
            if is_ip_address(host) {
                errs.push(FieldError::invalid(
                    &field,
                    host,
                    "must be a DNS name, not an IP address",
                ));
            }
            validate_host(host, &field, &mut errs);
        }
        let Some(http) = rule.get("http").filter(|h| !h.is_null()) else {
            continue;
        };
        let paths = http.get("paths").and_then(Value::as_array);
        if paths.is_none_or(|p| p.is_empty()) {
            errs.push(FieldError::required(
                &format!("spec.rules[{i}].http.paths"),
                "",
            ));
        }
        for (j, p) in paths.into_iter().flatten().enumerate() {
            validate_ingress_path(p, &format!("spec.rules[{i}].http.paths[{j}]"), &mut errs);
        }
    }
    for (i, tls) in spec
        .get("tls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for (j, h) in tls
            .get("hosts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(h) = h.as_str() {
                validate_host(h, &format!("spec.tls[{i}].hosts[{j}]"), &mut errs);
            }
        }
        if let Some(s) = tls.get("secretName").and_then(Value::as_str) {
            if !s.is_empty() {
                for msg in dns1123_subdomain(s) {
                    errs.push(FieldError::invalid(
                        &format!("spec.tls[{i}].secretName"),
                        s,
                        &msg,
                    ));
                }
            }
        }
    }
    let class = spec.get("ingressClassName").and_then(Value::as_str);
    if let Some(c) = class {
        for msg in dns1123_subdomain(c) {
            errs.push(FieldError::invalid("spec.ingressClassName", c, &msg));
        }
    }
    // R7.2: on create, the class annotation must agree with the field.
    if create {
        if let (Some(a), Some(c)) = (
            obj.meta.annotations.get("kubernetes.io/ingress.class"),
            class,
        ) {
            if a != c {
                errs.push(FieldError::invalid(
                    "annotations.kubernetes.io/ingress.class",
                    a,
                    "must match `ingressClassName` when both are specified",
                ));
            }
        }
    }
    errs
}

/// IngressClass: `spec.controller` is required.
pub fn validate_ingress_class(obj: &Object) -> Vec<FieldError> {
    let mut errs = vec![];
    let controller = obj.str_at(&["spec", "controller"]).unwrap_or("");
    if controller.is_empty() {
        errs.push(FieldError::required("spec.controller", ""));
    } else if controller.len() > 250 {
        errs.push(FieldError {
            field: "spec.controller".into(),
            kind: crate::errors::FieldErrorKind::TooLong,
            value: None,
            detail: "may not be more than 250 bytes".into(),
        });
    }
    errs
}

// ----- Service ----------------------------------------------------------------------

/// The NodePort range (R6.7, §13.5: the kubeadm/minikube default, UNVERIFIED).
pub const NODE_PORT_RANGE: (i64, i64) = (30000, 32767);

/// Service validation (`ValidateService`, `ValidateServiceUpdate`) and the allocators'
/// errors for requested node ports and cluster IPs.
pub fn validate_service(sim: &Sim, obj: &Object, old: Option<&Object>) -> Vec<FieldError> {
    let mut errs = vec![];
    let spec = obj.spec();
    let svc_type = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP");
    if !matches!(
        svc_type,
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
    ) {
        errs.push(FieldError::not_supported(
            "spec.type",
            svc_type,
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    let headless = spec.get("clusterIP").and_then(Value::as_str) == Some("None");
    let ports = spec
        .get("ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if svc_type == "ExternalName" {
        if spec
            .get("externalName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
        {
            errs.push(FieldError::required("spec.externalName", ""));
        }
    } else if ports.is_empty() && !headless {
        errs.push(FieldError::required("spec.ports", ""));
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, p) in ports.iter().enumerate() {
        let f = |k: &str| format!("spec.ports[{i}].{k}");
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            if ports.len() > 1 {
                errs.push(FieldError::required(&f("name"), ""));
            }
        } else {
            for msg in crate::validation::dns1123_label(name) {
                errs.push(FieldError::invalid(&f("name"), name, &msg));
            }
            if !names.insert(name.to_string()) {
                errs.push(FieldError::duplicate(&f("name"), name));
            }
        }
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        for msg in port_num_errors(port) {
            errs.push(FieldError::invalid_raw(&f("port"), &port.to_string(), &msg));
        }
        let protocol = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        if !matches!(protocol, "TCP" | "UDP" | "SCTP") {
            errs.push(FieldError::not_supported(
                &f("protocol"),
                protocol,
                &["SCTP", "TCP", "UDP"],
            ));
        }
        match p.get("targetPort") {
            Some(Value::Number(n)) => {
                let n = n.as_i64().unwrap_or(0);
                for msg in port_num_errors(n) {
                    errs.push(FieldError::invalid_raw(
                        &f("targetPort"),
                        &n.to_string(),
                        &msg,
                    ));
                }
            }
            Some(Value::String(s)) => {
                for msg in port_name_errors(s) {
                    errs.push(FieldError::invalid(&f("targetPort"), s, &msg));
                }
            }
            _ => {}
        }
        let node_port = p.get("nodePort").and_then(Value::as_i64).unwrap_or(0);
        if node_port != 0 {
            if matches!(svc_type, "ClusterIP" | "ExternalName") {
                errs.push(FieldError::forbidden(
                    &f("nodePort"),
                    &format!("may not be used when `type` is '{svc_type}'"),
                ));
                continue;
            }
            let unchanged = old.is_some_and(|o| {
                o.get(&["spec", "ports"])
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|op| op.get("nodePort").and_then(Value::as_i64) == Some(node_port))
            });
            if unchanged {
                continue;
            }
            if !(NODE_PORT_RANGE.0..=NODE_PORT_RANGE.1).contains(&node_port) {
                errs.push(FieldError::invalid_raw(
                    &f("nodePort"),
                    &node_port.to_string(),
                    &format!(
                        "provided port is not in the valid range. The range of valid ports is {}-{}",
                        NODE_PORT_RANGE.0, NODE_PORT_RANGE.1
                    ),
                ));
            } else if node_port_in_use(sim, obj, node_port) {
                errs.push(FieldError::invalid_raw(
                    &f("nodePort"),
                    &node_port.to_string(),
                    "provided port is already allocated",
                ));
            }
        }
    }
    let ip = spec.get("clusterIP").and_then(Value::as_str).unwrap_or("");
    match old {
        Some(o) => {
            // ValidateServiceUpdate: the primary ClusterIP never changes.
            let old_ip = o.str_at(&["spec", "clusterIP"]).unwrap_or("");
            if !old_ip.is_empty() && !ip.is_empty() && ip != old_ip {
                errs.push(FieldError::invalid_raw(
                    "spec.clusterIPs[0]",
                    &format!("[]string{{{}}}", crate::errors::go_quote(ip)),
                    "may not change once set",
                ));
            }
        }
        None => {
            if !ip.is_empty() && ip != "None" && cluster_ip_in_use(sim, obj, ip) {
                errs.push(FieldError::invalid_raw(
                    "spec.clusterIPs",
                    &format!("[]string{{{}}}", crate::errors::go_quote(ip)),
                    &format!("failed to allocate IP {ip}: provided IP is already allocated"),
                ));
            }
        }
    }
    errs
}

fn node_port_in_use(sim: &Sim, me: &Object, port: i64) -> bool {
    sim.store
        .services_with_node_port(port)
        .any(|k| !(k.namespace == me.meta.namespace && k.name == me.meta.name))
}

/// Whether another Service holds this ClusterIP.
pub fn cluster_ip_in_use(sim: &Sim, me: &Object, ip: &str) -> bool {
    sim.store
        .services_with_ip(ip)
        .any(|k| !(k.namespace == me.meta.namespace && k.name == me.meta.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingress(spec: Value) -> Object {
        let mut o = Object::new("networking.k8s.io/v1", "Ingress", "default", "x");
        o.body.insert("spec".into(), spec);
        o
    }

    fn texts(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    fn path_rule(p: Value) -> Value {
        json!({"rules": [{"http": {"paths": [p]}}]})
    }

    const BACKEND: &str = r#"{"service": {"name": "web", "port": {"number": 80}}}"#;

    #[test]
    fn r7_2_path_messages() {
        let b: Value = serde_json::from_str(BACKEND).unwrap();
        let e = validate_ingress(
            &ingress(path_rule(json!({"path": "/", "backend": b}))),
            true,
        );
        assert_eq!(
            texts(&e),
            ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]
        );
        let e = validate_ingress(
            &ingress(path_rule(
                json!({"path": "foo", "pathType": "Prefix", "backend": b}),
            )),
            true,
        );
        assert_eq!(
            texts(&e),
            ["spec.rules[0].http.paths[0].path: Invalid value: \"foo\": must be an absolute path"]
        );
        let e = validate_ingress(
            &ingress(path_rule(
                json!({"path": "/foo//bar", "pathType": "Exact", "backend": b}),
            )),
            true,
        );
        assert_eq!(
            texts(&e),
            ["spec.rules[0].http.paths[0].path: Invalid value: \"/foo//bar\": must not contain '//'"]
        );
        let e = validate_ingress(
            &ingress(path_rule(
                json!({"path": "/a/..", "pathType": "Prefix", "backend": b}),
            )),
            true,
        );
        assert_eq!(
            texts(&e),
            ["spec.rules[0].http.paths[0].path: Invalid value: \"/a/..\": cannot end with '/..'"]
        );
        let e = validate_ingress(
            &ingress(path_rule(
                json!({"path": "/", "pathType": "Regex", "backend": b}),
            )),
            true,
        );
        assert_eq!(
            texts(&e),
            ["spec.rules[0].http.paths[0].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""]
        );
    }

    #[test]
    fn r7_2_hosts_and_backends() {
        let e = validate_ingress(&ingress(json!({"rules": [{"host": "192.168.1.1"}]})), true);
        assert_eq!(
            texts(&e),
            ["spec.rules[0].host: Invalid value: \"192.168.1.1\": must be a DNS name, not an IP address"]
        );
        let e = validate_ingress(&ingress(json!({"rules": [{"host": "foo.*.com"}]})), true);
        assert!(texts(&e)[0].starts_with("spec.rules[0].host: Invalid value: \"foo.*.com\": a wildcard DNS-1123 subdomain must start with '*.'"));
        assert!(
            validate_ingress(&ingress(json!({"rules": [{"host": "*.foo.com"}]})), true).is_empty()
        );
        let e = validate_ingress(&ingress(json!({})), true);
        assert_eq!(
            texts(&e),
            ["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"]
        );
        let e = validate_ingress(
            &ingress(
                json!({"defaultBackend": {"service": {"name": "web", "port": {"name": "http", "number": 80}}}}),
            ),
            true,
        );
        assert_eq!(
            texts(&e),
            ["spec.defaultBackend: Invalid value: \"\": cannot set both port name & port number"]
        );
        let e = validate_ingress(
            &ingress(json!({"defaultBackend": {"service": {"name": "web", "port": {}}}})),
            true,
        );
        assert_eq!(
            texts(&e),
            ["spec.defaultBackend: Required value: port name or number is required"]
        );
    }

    #[test]
    fn class_annotation_must_match() {
        let mut i = ingress(
            json!({"ingressClassName": "nginx", "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}),
        );
        i.meta
            .annotations
            .insert("kubernetes.io/ingress.class".into(), "other".into());
        assert_eq!(
            texts(&validate_ingress(&i, true)),
            ["annotations.kubernetes.io/ingress.class: Invalid value: \"other\": must match `ingressClassName` when both are specified"]
        );
        assert!(validate_ingress(&i, false).is_empty());
    }

    #[test]
    fn v1beta1_converts() {
        let mut o = Object::new("extensions/v1beta1", "Ingress", "default", "x");
        o.body.insert(
            "spec".into(),
            json!({"backend": {"serviceName": "a", "servicePort": 80},
                   "rules": [{"http": {"paths": [{"path": "/", "backend": {"serviceName": "b", "servicePort": "http"}}]}}]}),
        );
        convert_ingress_v1beta1(&mut o);
        assert_eq!(o.api_version, "networking.k8s.io/v1");
        assert_eq!(
            o.get(&["spec", "defaultBackend"]),
            &json!({"service": {"name": "a", "port": {"number": 80}}})
        );
        assert_eq!(
            o.get(&["spec", "rules"])[0]["http"]["paths"][0],
            json!({"path": "/", "pathType": "ImplementationSpecific", "backend": {"service": {"name": "b", "port": {"name": "http"}}}})
        );
    }
}
