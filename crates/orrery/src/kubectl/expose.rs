//! `kubectl expose TYPE NAME | TYPE/NAME`: a Service in front of a Deployment,
//! ReplicaSet, ReplicationController, Pod or Service, as kubectl builds it.
//!
//! Its selector is the object's (`--selector` replaces it): a Deployment's or
//! ReplicaSet's `spec.selector.matchLabels`, a pod's labels, a Service's selector. Its
//! ports are `--port` (one) or, without it, every container port of the object's pods (a
//! Service's ports for a Service), named `port-1`, `port-2`… when there are several,
//! each with its container port's protocol; `targetPort` is `--target-port` for all of
//! them, else each port's own number. Its name is `--name` or the object's, its labels
//! `--labels` or the object's, its type `--type`. Sent like the objects of `kubectl
//! create`'s generators ([`super::mutate::send_built`]): `service/NAME exposed`,
//! `--dry-run=client|server`, `-o yaml|json|name`.
//!
//! Choices (UNVERIFIED, not in the behaviour reference): several introspected ports are
//! named `port-N` (the service generator's rule), not after the container ports' names.

use serde_json::{json, Map, Value};

use super::args::{flag, parse};
use super::mutate::{send_built, Exists, Sending};
use super::{flag_error, key_values, namespace_of, specs};
use crate::api::{ObjKey, Object, Selector};
use crate::errors::ApiError;
use crate::shell::{Output, Session};

const EXPOSE_FLAGS: &[super::args::FlagSpec] = &[
    flag("port", None, true),
    flag("target-port", None, true),
    flag("protocol", None, true),
    flag("name", None, true),
    flag("type", None, true),
    flag("selector", None, true),
    flag("labels", Some('l'), true),
    flag("external-ip", None, true),
    flag("cluster-ip", None, true),
    flag("session-affinity", None, true),
    flag("dry-run", None, true),
    flag("save-config", None, false),
    flag("output", Some('o'), true),
    flag("filename", Some('f'), true),
    flag("field-manager", None, true),
];

fn usage(msg: &str) -> Output {
    super::usage_error("expose", msg)
}

pub fn expose(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(words, &specs(EXPOSE_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("expose", &e),
    };
    if a.has("filename") {
        return Output::err(
            "error: \"kubectl expose -f\" is not simulated; name the object: kubectl expose TYPE NAME\n",
            1,
        );
    }
    let (kind, name) = match a.positional.as_slice() {
        [] => return Output::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n", 1),
        [one] => match one.split_once('/') {
            Some((k, n)) => (k.to_string(), n.to_string()),
            None => return Output::err("error: resource(s) were provided, but no name was specified\n", 1),
        },
        [k, n] => (k.clone(), n.clone()),
        [k, ..] => {
            return usage(&format!(
                "expose accepts one resource, got {} names of {k}",
                a.positional.len() - 1
            ))
        }
    };
    let sending = match Sending::of(&a, Exists::FromServer, "exposed") {
        Ok(x) => x,
        Err(o) => return o,
    };
    let Some(rt) = s.sim.discovery.resolve(&kind).cloned() else {
        return Output::err(
            format!("error: the server doesn't have a resource type \"{kind}\"\n"),
            1,
        );
    };
    let ns = namespace_of(&a);
    let key = ObjKey::new(&rt.gk(), if rt.namespaced { &ns } else { "" }, &name);
    let Some(obj) = s.sim.store.get(&key) else {
        let e = ApiError::NotFound {
            resource: rt.qualified_plural(),
            name,
        };
        return Output::err(format!("{}\n", e.kubectl_text()), 1);
    };
    let kind_name = obj.kind.as_str().to_string();
    let Some(own_selector) = selector_of(obj) else {
        return usage(&format!("cannot expose a {kind_name}"));
    };
    let selector = match a.get("selector") {
        Some(sel) => match labels(sel) {
            Ok(m) => m,
            Err(e) => return Output::err(format!("error: {e}\n"), 1),
        },
        None => match own_selector {
            Ok(m) => m,
            Err(e) => {
                return usage(&format!(
                    "couldn't retrieve selectors via --selector flag or introspection: {e}"
                ))
            }
        },
    };
    // (port, protocol) for each service port.
    let ports: Vec<(i64, String)> = match a.get("port").filter(|p| !p.is_empty()) {
        Some(p) => match super::atoi(p) {
            Ok(n) => vec![(n, a.get("protocol").unwrap_or("TCP").to_string())],
            Err(o) => return o,
        },
        None => ports_of(obj),
    };
    if ports.is_empty() {
        return usage("couldn't find port via --port flag or introspection");
    }
    let several = ports.len() > 1;
    let target = a.get("target-port").filter(|t| !t.is_empty()).map(|t| {
        t.parse::<i64>()
            .map_or_else(|_| Value::String(t.to_string()), Value::from)
    });
    let service_ports: Vec<Value> = ports
        .iter()
        .enumerate()
        .map(|(i, (port, proto))| {
            let mut p = json!({
                "port": port,
                "protocol": a.get("protocol").unwrap_or(proto),
                "targetPort": target.clone().unwrap_or_else(|| Value::from(*port)),
            });
            if several {
                p["name"] = json!(format!("port-{}", i + 1));
            }
            p
        })
        .collect();
    let service_labels = match a.get("labels") {
        Some(l) => match labels(l) {
            Ok(m) => m,
            Err(e) => return Output::err(format!("error: {e}\n"), 1),
        },
        None => obj
            .meta
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    };
    let mut meta = json!({"name": a.get("name").unwrap_or(&key.name), "namespace": ns});
    if !service_labels.is_empty() {
        meta["labels"] = Value::Object(service_labels);
    }
    let mut spec = json!({"ports": service_ports, "selector": selector});
    for (flag, field) in [
        ("type", "type"),
        ("cluster-ip", "clusterIP"),
        ("session-affinity", "sessionAffinity"),
    ] {
        if let Some(v) = a.get(flag).filter(|v| !v.is_empty()) {
            spec[field] = json!(v);
        }
    }
    if let Some(ips) = a.get("external-ip").filter(|v| !v.is_empty()) {
        spec["externalIPs"] = json!(ips.split(',').collect::<Vec<_>>());
    }
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec});
    send_built(s, service, "service", &sending)
}

/// The selector an object's pods carry (`MapBasedSelectorForObject`): None for a kind
/// kubectl cannot expose; an error for a selector with expressions.
fn selector_of(obj: &Object) -> Option<Result<Map<String, Value>, String>> {
    let from_map = |v: &Value| -> Map<String, Value> { v.as_object().cloned().unwrap_or_default() };
    match obj.kind.as_str() {
        "Pod" => Some(Ok(obj
            .meta
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect())),
        "Service" | "ReplicationController" => Some(Ok(from_map(obj.get(&["spec", "selector"])))),
        "Deployment" | "ReplicaSet" => {
            let sel = obj.get(&["spec", "selector"]);
            let exprs = sel
                .get("matchExpressions")
                .and_then(Value::as_array)
                .is_some_and(|e| !e.is_empty());
            Some(if exprs {
                Err(format!(
                    "couldn't convert expressions - \"{}\" to map-based selector format",
                    Selector::from_label_selector(sel).to_string_form()
                ))
            } else {
                Ok(from_map(&sel["matchLabels"]))
            })
        }
        _ => None,
    }
}

/// The ports kubectl finds on an object (`PortsForObject`, `ProtocolsForObject`): its
/// pods' container ports, or a Service's ports; each once, in order.
fn ports_of(obj: &Object) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = vec![];
    let mut add = |p: &Value, field: &str| {
        if let Some(n) = p.get(field).and_then(Value::as_i64) {
            let proto = p
                .get("protocol")
                .and_then(Value::as_str)
                .unwrap_or("TCP")
                .to_string();
            if !out.iter().any(|(m, _)| *m == n) {
                out.push((n, proto));
            }
        }
    };
    let containers = match obj.kind.as_str() {
        "Pod" => obj.get(&["spec", "containers"]),
        "Service" => {
            for p in obj.get(&["spec", "ports"]).as_array().into_iter().flatten() {
                add(p, "port");
            }
            return out;
        }
        _ => obj.get(&["spec", "template", "spec", "containers"]),
    };
    for c in containers.as_array().into_iter().flatten() {
        for p in c
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(p, "containerPort");
        }
    }
    out
}

/// `k=v,k2=v2` as a map (`--selector`, `--labels`).
fn labels(spec: &str) -> Result<Map<String, Value>, String> {
    key_values(
        spec.split(',').filter(|i| !i.is_empty()),
        "invalid label spec",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_specs_read_as_maps() {
        let m = labels("app=web,tier=front").unwrap();
        assert_eq!(m["app"], "web");
        assert_eq!(m["tier"], "front");
        assert!(labels("app").is_err());
    }
}
