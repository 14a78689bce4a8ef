//! Table columns for Deployment, ReplicaSet, StatefulSet, ControllerRevision (R3.18, R4.11).

use serde_json::Value;

use crate::api::Object;
use crate::sim::Sim;

/// Header of a kind's table, if this area prints it.
pub fn columns(_sim: &Sim, gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        // R4.11
        "Deployment.apps" => Some(vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]),
        "ReplicaSet.apps" => Some(vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"]),
        _ => None,
    }
}

/// Extra `-o wide` columns, if this area prints the kind.
pub fn wide_columns(gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        "Deployment.apps" | "ReplicaSet.apps" => Some(vec!["CONTAINERS", "IMAGES", "SELECTOR"]),
        _ => None,
    }
}

/// Cells of one row, if this area prints the kind.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Option<Vec<String>> {
    let age = super::printers::age(sim.now, obj.meta.creation_ms);
    let status = |k: &str| obj.i64_at(&["status", k]).unwrap_or(0);
    let replicas = obj.i64_at(&["spec", "replicas"]).unwrap_or(1);
    let mut r = match obj.gk().as_str() {
        // R4.11: READY = ready/spec.replicas.
        "Deployment.apps" => vec![
            obj.meta.name.clone(),
            format!("{}/{replicas}", status("readyReplicas")),
            status("updatedReplicas").to_string(),
            status("availableReplicas").to_string(),
            age,
        ],
        "ReplicaSet.apps" => vec![
            obj.meta.name.clone(),
            replicas.to_string(),
            status("replicas").to_string(),
            status("readyReplicas").to_string(),
            age,
        ],
        _ => return None,
    };
    if wide {
        r.extend(template_wide_cells(obj));
    }
    Some(r)
}

/// CONTAINERS, IMAGES and SELECTOR of a workload with a pod template.
fn template_wide_cells(obj: &Object) -> [String; 3] {
    let containers = obj
        .get(&["spec", "template", "spec", "containers"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    let field = |k: &str| {
        containers
            .iter()
            .map(|c| c.get(k).and_then(Value::as_str).unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    [
        field("name"),
        field("image"),
        format_label_selector(obj.get(&["spec", "selector"])),
    ]
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
            values.sort();
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
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    if reqs.is_empty() {
        return "<none>".into();
    }
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
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
