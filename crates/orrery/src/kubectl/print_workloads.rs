//! Table columns for Deployment, ReplicaSet, StatefulSet, ControllerRevision (R3.18, R4.11).

use serde_json::Value;

use crate::api::Object;
use crate::kubectl::printers::age;
use crate::sim::Sim;

/// Header of a kind's table, if this area prints it.
pub fn columns(_sim: &Sim, gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        // R3.18
        "StatefulSet.apps" => Some(vec!["NAME", "READY", "AGE"]),
        "ControllerRevision.apps" => Some(vec!["NAME", "CONTROLLER", "REVISION", "AGE"]),
        _ => None,
    }
}

/// Extra `-o wide` columns, if this area prints the kind.
pub fn wide_columns(gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        "StatefulSet.apps" => Some(vec!["CONTAINERS", "IMAGES"]),
        "ControllerRevision.apps" => Some(vec![]),
        _ => None,
    }
}

/// Cells of one row, if this area prints the kind.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Option<Vec<String>> {
    let age = age(sim.now, obj.meta.creation_ms);
    match obj.gk().as_str() {
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
