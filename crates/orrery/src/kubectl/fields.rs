//! `--field-selector`: the API server's field selectors (`fields.ParseSelector`, the
//! kinds' selectable fields). `KEY=VALUE`, `KEY==VALUE` and `KEY!=VALUE`, joined by commas,
//! all of which must hold. Every kind can be selected by `metadata.name` and
//! `metadata.namespace`; some have more (pods, events, nodes, namespaces, secrets,
//! ReplicaSets), and a field a kind does not have is refused by the server as it words it
//! for that kind: kinds with a conversion function of their own say "field label not
//! supported", the others "is not a known field selector".

use serde_json::Value;

use crate::api::{Object, ResourceType};

/// One requirement: the field, whether it must equal (or differ from) the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub field: String,
    pub equal: bool,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldSelector {
    pub text: String,
    pub requirements: Vec<Requirement>,
}

/// `fields.ParseSelector`: an empty text selects everything; a term without an operator
/// is refused with its words.
pub fn parse(text: &str) -> Result<FieldSelector, String> {
    let mut requirements = vec![];
    for term in text.split(',').filter(|t| !t.is_empty()) {
        let (field, equal, value) = if let Some((f, v)) = term.split_once("!=") {
            (f, false, v)
        } else if let Some((f, v)) = term.split_once("==") {
            (f, true, v)
        } else if let Some((f, v)) = term.split_once('=') {
            (f, true, v)
        } else {
            return Err(format!(
                "invalid selector: '{text}'; can't understand '{term}'"
            ));
        };
        requirements.push(Requirement {
            field: field.trim().to_string(),
            equal,
            value: value.trim().to_string(),
        });
    }
    Ok(FieldSelector {
        text: text.to_string(),
        requirements,
    })
}

/// The fields a kind can be selected by besides `metadata.name` and `metadata.namespace`,
/// and whether the kind has a conversion function of its own (its refusal's words).
fn selectable(gk: &str) -> Option<&'static [&'static str]> {
    Some(match gk {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        "Node" => &["spec.unschedulable"],
        "Namespace" => &["status.phase"],
        "Secret" => &["type"],
        "ReplicaSet.apps" | "ReplicationController" => &["status.replicas"],
        "Service" => &[],
        _ => return None,
    })
}

/// The server's refusal of `sel` for a kind, if one of its fields is not selectable there
/// (`Error from server (BadRequest): Unable to find "GROUP/VERSION, Resource=PLURAL" that
/// match label selector "…", field selector "…": …`).
pub fn refusal(sel: &FieldSelector, rt: &ResourceType, labels: &str) -> Option<String> {
    let gk = rt.gk();
    let extra = selectable(&gk);
    let bad = sel.requirements.iter().find(|r| {
        r.field != "metadata.name"
            && r.field != "metadata.namespace"
            && !extra.is_some_and(|e| e.contains(&r.field.as_str()))
    })?;
    let why = match extra {
        Some(_) => format!("field label not supported: {}", bad.field),
        None => format!(
            "\"{}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            bad.field
        ),
    };
    let version = rt.versions.first().map(String::as_str).unwrap_or("v1");
    Some(format!(
        "Error from server (BadRequest): Unable to find \"{}/{version}, Resource={}\" that match label selector \"{labels}\", field selector \"{}\": {why}",
        rt.group, rt.plural, sel.text
    ))
}

/// A field's value as the server's field set has it: strings as they are, booleans and
/// numbers written out, an absent field empty (`false` for the booleans the server
/// defaults, and `source` is the event's source component).
fn value_of(o: &Value, field: &str) -> Vec<String> {
    let path: Vec<&str> = match field {
        "source" => vec!["source", "component"],
        "status.podIPs" => {
            return o
                .pointer("/status/podIPs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("ip").and_then(Value::as_str).map(str::to_string))
                .collect()
        }
        f => f.split('.').collect(),
    };
    let mut cur = o;
    for p in &path {
        match cur.get(p) {
            Some(v) => cur = v,
            None => {
                let absent = match field {
                    "spec.unschedulable" | "spec.hostNetwork" => "false",
                    _ => "",
                };
                return vec![absent.to_string()];
            }
        }
    }
    vec![match cur {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }]
}

impl FieldSelector {
    pub fn matches(&self, o: &Object) -> bool {
        let json = o.to_json();
        self.requirements.iter().all(|r| {
            let values = value_of(&json, &r.field);
            let hit = values.iter().any(|v| *v == r.value);
            hit == r.equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_parse_and_match_as_the_server_reads_them() {
        let s = parse("status.phase=Running,spec.nodeName!=other").unwrap();
        assert_eq!(s.requirements.len(), 2);
        assert!(!s.requirements[1].equal);
        assert_eq!(parse("a==b").unwrap().requirements[0].value, "b");
        assert_eq!(
            parse("phase").unwrap_err(),
            "invalid selector: 'phase'; can't understand 'phase'"
        );
        assert!(parse("").unwrap().requirements.is_empty());
        let pod =
            serde_json::json!({"spec": {"nodeName": "minikube"}, "status": {"phase": "Running"}});
        assert_eq!(value_of(&pod, "status.phase"), ["Running"]);
        assert_eq!(value_of(&pod, "spec.hostNetwork"), ["false"]);
        assert_eq!(value_of(&pod, "status.podIP"), [""]);
    }
}
