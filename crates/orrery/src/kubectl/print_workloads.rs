//! Table columns for Deployment, ReplicaSet, StatefulSet, ControllerRevision (R3.18, R4.11).

use crate::sort::StableSort;
use serde_json::Value;

use crate::api::Object;
use crate::kubectl::printers::age;
use crate::sim::Sim;

/// Header of a kind's table, if this area prints it.
pub fn columns(_sim: &Sim, gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        // R4.11
        "Deployment.apps" => Some(vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]),
        "ReplicaSet.apps" => Some(vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"]),
        // R3.18
        "StatefulSet.apps" => Some(vec!["NAME", "READY", "AGE"]),
        "ControllerRevision.apps" => Some(vec!["NAME", "CONTROLLER", "REVISION", "AGE"]),
        _ => None,
    }
}

/// Extra `-o wide` columns, if this area prints the kind.
pub fn wide_columns(gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        "Deployment.apps" | "ReplicaSet.apps" => Some(vec!["CONTAINERS", "IMAGES", "SELECTOR"]),
        "StatefulSet.apps" => Some(vec!["CONTAINERS", "IMAGES"]),
        "ControllerRevision.apps" => Some(vec![]),
        _ => None,
    }
}

/// Cells of one row, if this area prints the kind.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Option<Vec<String>> {
    let age = age(sim.now, obj.meta.creation_ms);
    match obj.gk().as_str() {
        "Deployment.apps" | "ReplicaSet.apps" => Some(replicated_row(obj, age, wide)),
        "StatefulSet.apps" => {
            // R3.18: READY = readyReplicas/spec.replicas.
            let ready = obj.i64_at(&["status", "readyReplicas"]).unwrap_or(0);
            let desired = obj.i64_at(&["spec", "replicas"]).unwrap_or(1);
            let mut r = vec![obj.meta.name.clone(), format!("{ready}/{desired}"), age];
            if wide {
                let (names, images) = container_cells(obj.get(&["spec", "template", "spec"]));
                r.extend([names, images]);
            }
            Some(r)
        }
        "ControllerRevision.apps" => {
            // printControllerRevision: the controller as `statefulset.apps/web`.
            let controller = obj.controller_ref().map_or("<none>".to_string(), |r| {
                let group = r.api_version.rsplit_once('/').map_or("", |(g, _)| g);
                let kind = r.kind.to_ascii_lowercase();
                if group.is_empty() {
                    format!("{kind}/{}", r.name)
                } else {
                    format!("{kind}.{group}/{}", r.name)
                }
            });
            let revision = obj.i64_at(&["revision"]).unwrap_or(0);
            Some(vec![
                obj.meta.name.clone(),
                controller,
                revision.to_string(),
                age,
            ])
        }
        _ => None,
    }
}

/// `layoutContainerCells`: container names and images, comma-joined.
fn container_cells(pod_spec: &Value) -> (String, String) {
    let cs = pod_spec
        .get("containers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let field = |k: &str| {
        cs.iter()
            .map(|c| c.get(k).and_then(Value::as_str).unwrap_or(""))
            .collect::<Vec<_>>()
            .join(",")
    };
    (field("name"), field("image"))
}

/// R4.11 rows. Deployment: READY = readyReplicas/spec.replicas, UP-TO-DATE, AVAILABLE.
/// ReplicaSet: DESIRED = spec.replicas, CURRENT = status.replicas, READY.
fn replicated_row(obj: &Object, age: String, wide: bool) -> Vec<String> {
    let status = |k: &str| obj.i64_at(&["status", k]).unwrap_or(0);
    let replicas = obj.i64_at(&["spec", "replicas"]).unwrap_or(1);
    let mut r = if obj.kind == "Deployment" {
        vec![
            obj.meta.name.clone(),
            format!("{}/{replicas}", status("readyReplicas")),
            status("updatedReplicas").to_string(),
            status("availableReplicas").to_string(),
            age,
        ]
    } else {
        vec![
            obj.meta.name.clone(),
            replicas.to_string(),
            status("replicas").to_string(),
            status("readyReplicas").to_string(),
            age,
        ]
    };
    if wide {
        let (names, images) = container_cells(obj.get(&["spec", "template", "spec"]));
        r.extend([
            names,
            images,
            format_label_selector(obj.get(&["spec", "selector"])),
        ]);
    }
    r
}

/// `metav1.FormatLabelSelector`: requirements sorted by key, values sorted, `<none>` when
/// empty.
pub fn format_label_selector(sel: &Value) -> String {
    let mut reqs: Vec<(String, String)> = vec![];
    if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in m {
            reqs.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or(""))));
        }
    }
    if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mut values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            values.sort_stable();
            let text = match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.clone(),
                "DoesNotExist" => format!("!{key}"),
                _ => continue,
            };
            reqs.push((key, text));
        }
    }
    reqs.sort_stable_by(|a, b| a.0.cmp(&b.0));
    if reqs.is_empty() {
        return "<none>".into();
    }
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod replicated_tests {
    use super::*;

    #[test]
    fn selectors_print_sorted() {
        let s = serde_json::json!({"matchLabels": {"tier": "web", "app": "nginx"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}]});
        assert_eq!(
            format_label_selector(&s),
            "app=nginx,env in (dev,prod),tier=web"
        );
        assert_eq!(format_label_selector(&Value::Null), "<none>");
    }
}
