//! Table columns (the API server's `printers.go`, R8.2) for the kinds the simulator only
//! stores — and Job, which it runs (`controllers::job`): ConfigMap, Secret,
//! ServiceAccount, RBAC, CRDs and custom resources (with
//! their `additionalPrinterColumns`), PodSecurityPolicy (1.21), NetworkPolicy, Lease,
//! webhook configurations, PodDisruptionBudget, DaemonSet, Job, CronJob,
//! ReplicationController, CSIDriver, LimitRange, and Event (see `events`). Kinds without
//! a server printer get the default table: `NAME CREATED AT`.

use crate::sort::StableSort;
use serde_json::Value;

use super::events;
use super::printers::age;
use crate::api::Object;
use crate::sim::Sim;
use crate::time::rfc3339;

/// Header of a kind's table, if this area prints it.
pub fn columns(sim: &Sim, gk: &str) -> Option<Vec<&'static str>> {
    Some(match gk {
        "ConfigMap" => vec!["NAME", "DATA", "AGE"],
        "Secret" => vec!["NAME", "TYPE", "DATA", "AGE"],
        "ServiceAccount" => vec!["NAME", "SECRETS", "AGE"],
        "Event" => events::columns(false),
        "RoleBinding.rbac.authorization.k8s.io"
        | "ClusterRoleBinding.rbac.authorization.k8s.io" => {
            vec!["NAME", "ROLE", "AGE"]
        }
        "PodSecurityPolicy.policy" => vec![
            "NAME",
            "PRIV",
            "CAPS",
            "SELINUX",
            "RUNASUSER",
            "FSGROUP",
            "SUPGROUP",
            "READONLYROOTFS",
            "VOLUMES",
        ],
        "NetworkPolicy.networking.k8s.io" => vec!["NAME", "POD-SELECTOR", "AGE"],
        "Lease.coordination.k8s.io" => vec!["NAME", "HOLDER", "AGE"],
        "ValidatingWebhookConfiguration.admissionregistration.k8s.io"
        | "MutatingWebhookConfiguration.admissionregistration.k8s.io" => {
            vec!["NAME", "WEBHOOKS", "AGE"]
        }
        "PodDisruptionBudget.policy" => vec![
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE",
        ],
        "DaemonSet.apps" => vec![
            "NAME",
            "DESIRED",
            "CURRENT",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "NODE SELECTOR",
            "AGE",
        ],
        "ReplicationController" => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        // STATUS arrived in 1.28 (printJob).
        "Job.batch" if sim.version.at_least(28) => {
            vec!["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
        }
        "Job.batch" => vec!["NAME", "COMPLETIONS", "DURATION", "AGE"],
        // TIMEZONE arrived with CronJob time zones (1.27, UNVERIFIED exact release).
        "CronJob.batch" if sim.version.at_least(27) => vec![
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE",
        ],
        "CronJob.batch" => vec![
            "NAME",
            "SCHEDULE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE",
        ],
        "CSIDriver.storage.k8s.io" => vec![
            "NAME",
            "ATTACHREQUIRED",
            "PODINFOONMOUNT",
            "STORAGECAPACITY",
            "TOKENREQUESTS",
            "REQUIRESREPUBLISH",
            "MODES",
            "AGE",
        ],
        // No server-side printer: the default table convertor.
        "Role.rbac.authorization.k8s.io"
        | "ClusterRole.rbac.authorization.k8s.io"
        | "CustomResourceDefinition.apiextensions.k8s.io"
        | "LimitRange" => vec!["NAME", "CREATED AT"],
        _ => return None,
    })
}

/// Extra `-o wide` columns, if this area prints the kind.
pub fn wide_columns(gk: &str) -> Option<Vec<&'static str>> {
    Some(match gk {
        "Event" => return None,
        "RoleBinding.rbac.authorization.k8s.io"
        | "ClusterRoleBinding.rbac.authorization.k8s.io" => {
            vec!["USERS", "GROUPS", "SERVICEACCOUNTS"]
        }
        "DaemonSet.apps" => vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        "ReplicationController" => vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        "Job.batch" => vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        "CronJob.batch" => vec!["CONTAINERS", "IMAGES", "SELECTOR"],
        _ => return None,
    })
}

/// Cells of one row, if this area prints the kind.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Option<Vec<String>> {
    let name = obj.meta.name.clone();
    let age = age(sim.now, obj.meta.creation_ms);
    let count = |k: &str| obj.get(&[k]).as_object().map_or(0, |m| m.len());
    let mut r = match obj.gk().as_str() {
        "ConfigMap" => vec![name, (count("data") + count("binaryData")).to_string(), age],
        "Secret" => {
            let mut keys: Vec<&String> = vec![];
            for k in ["data", "stringData"] {
                if let Some(m) = obj.get(&[k]).as_object() {
                    keys.extend(m.keys());
                }
            }
            keys.sort_stable();
            keys.dedup();
            vec![
                name,
                obj.str_at(&["type"]).unwrap_or("Opaque").to_string(),
                keys.len().to_string(),
                age,
            ]
        }
        "ServiceAccount" => vec![
            name,
            obj.get(&["secrets"])
                .as_array()
                .map_or(0, Vec::len)
                .to_string(),
            age,
        ],
        "Event" => return Some(events::row(sim, obj, wide)),
        "RoleBinding.rbac.authorization.k8s.io"
        | "ClusterRoleBinding.rbac.authorization.k8s.io" => {
            let role = format!(
                "{}/{}",
                obj.str_at(&["roleRef", "kind"]).unwrap_or(""),
                obj.str_at(&["roleRef", "name"]).unwrap_or("")
            );
            let mut r = vec![name, role, age];
            if wide {
                let (mut users, mut groups, mut sas) = (vec![], vec![], vec![]);
                for s in obj.get(&["subjects"]).as_array().into_iter().flatten() {
                    let n = s["name"].as_str().unwrap_or("").to_string();
                    match s["kind"].as_str().unwrap_or("") {
                        "User" => users.push(n),
                        "Group" => groups.push(n),
                        "ServiceAccount" => {
                            sas.push(format!("{}/{n}", s["namespace"].as_str().unwrap_or("")))
                        }
                        _ => {}
                    }
                }
                r.extend([users.join(", "), groups.join(", "), sas.join(", ")]);
            }
            return Some(r);
        }
        "PodSecurityPolicy.policy" => {
            let spec = obj.spec();
            let list = |k: &str| {
                spec[k]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .unwrap_or_default()
            };
            let rule = |k: &str| spec[k]["rule"].as_str().unwrap_or("").to_string();
            vec![
                name,
                spec["privileged"].as_bool().unwrap_or(false).to_string(),
                list("allowedCapabilities"),
                rule("seLinux"),
                rule("runAsUser"),
                rule("fsGroup"),
                rule("supplementalGroups"),
                spec["readOnlyRootFilesystem"]
                    .as_bool()
                    .unwrap_or(false)
                    .to_string(),
                list("volumes"),
            ]
        }
        "NetworkPolicy.networking.k8s.io" => {
            let sel = super::describe::selector_string(obj.get(&["spec", "podSelector"]));
            vec![
                name,
                if sel.is_empty() { "<none>".into() } else { sel },
                age,
            ]
        }
        "Lease.coordination.k8s.io" => vec![
            name,
            obj.str_at(&["spec", "holderIdentity"])
                .unwrap_or("<unknown>")
                .to_string(),
            age,
        ],
        "ValidatingWebhookConfiguration.admissionregistration.k8s.io"
        | "MutatingWebhookConfiguration.admissionregistration.k8s.io" => vec![
            name,
            obj.get(&["webhooks"])
                .as_array()
                .map_or(0, Vec::len)
                .to_string(),
            age,
        ],
        "PodDisruptionBudget.policy" => {
            let v = |k: &str| match obj.get(&["spec", k]) {
                Value::Null => "N/A".to_string(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            vec![
                name,
                v("minAvailable"),
                v("maxUnavailable"),
                obj.i64_at(&["status", "disruptionsAllowed"])
                    .unwrap_or(0)
                    .to_string(),
                age,
            ]
        }
        "DaemonSet.apps" => {
            let st = |k: &str| obj.i64_at(&["status", k]).unwrap_or(0).to_string();
            let ns = obj
                .get(&["spec", "template", "spec", "nodeSelector"])
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                st("desiredNumberScheduled"),
                st("currentNumberScheduled"),
                st("numberReady"),
                st("updatedNumberScheduled"),
                st("numberAvailable"),
                ns,
                age,
            ]
        }
        "ReplicationController" => vec![
            name,
            obj.i64_at(&["spec", "replicas"]).unwrap_or(1).to_string(),
            obj.i64_at(&["status", "replicas"]).unwrap_or(0).to_string(),
            obj.i64_at(&["status", "readyReplicas"])
                .unwrap_or(0)
                .to_string(),
            age,
        ],
        "Job.batch" => {
            let completions = obj.i64_at(&["spec", "completions"]);
            let succeeded = obj.i64_at(&["status", "succeeded"]).unwrap_or(0);
            let comp = match completions {
                Some(c) => format!("{succeeded}/{c}"),
                None => {
                    let p = obj.i64_at(&["spec", "parallelism"]).unwrap_or(1);
                    if p > 1 {
                        format!("{succeeded}/1 of {p}")
                    } else {
                        format!("{succeeded}/1")
                    }
                }
            };
            // printJob: the time from start to completion, or to now while it runs.
            let start = obj
                .str_at(&["status", "startTime"])
                .and_then(crate::time::parse_rfc3339);
            let end = obj
                .str_at(&["status", "completionTime"])
                .and_then(crate::time::parse_rfc3339);
            let duration = match (start, end) {
                (None, _) => String::new(),
                (Some(s), None) => crate::time::human_duration(sim.now - s),
                (Some(s), Some(e)) => crate::time::human_duration(e - s),
            };
            let mut r = vec![name];
            if sim.version.at_least(28) {
                r.push(job_status(obj));
            }
            r.extend([comp, duration, age]);
            r
        }
        "CronJob.batch" => {
            let mut r = vec![
                name,
                obj.str_at(&["spec", "schedule"]).unwrap_or("").to_string(),
            ];
            if sim.version.at_least(27) {
                r.push(
                    obj.str_at(&["spec", "timeZone"])
                        .unwrap_or("<none>")
                        .to_string(),
                );
            }
            r.extend([
                if obj.get(&["spec", "suspend"]).as_bool() == Some(true) {
                    "True".into()
                } else {
                    "False".into()
                },
                obj.get(&["status", "active"])
                    .as_array()
                    .map_or(0, Vec::len)
                    .to_string(),
                "<none>".into(),
                age,
            ]);
            r
        }
        "CSIDriver.storage.k8s.io" => {
            let b = |k: &str, default: bool| {
                obj.get(&["spec", k])
                    .as_bool()
                    .unwrap_or(default)
                    .to_string()
            };
            let modes = obj
                .get(&["spec", "volumeLifecycleModes"])
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "Persistent".into());
            let tokens = obj
                .get(&["spec", "tokenRequests"])
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t["audience"].as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "<unset>".into());
            vec![
                name,
                b("attachRequired", true),
                b("podInfoOnMount", false),
                b("storageCapacity", false),
                tokens,
                b("requiresRepublish", false),
                modes,
                age,
            ]
        }
        "Role.rbac.authorization.k8s.io"
        | "ClusterRole.rbac.authorization.k8s.io"
        | "CustomResourceDefinition.apiextensions.k8s.io"
        | "LimitRange" => vec![name, rfc3339(obj.meta.creation_ms)],
        gk => return custom_columns(sim, gk).map(|cols| custom_row(sim, obj, &cols, wide)),
    };
    if wide {
        if let Some(extra) = workload_wide(obj) {
            r.extend(extra);
        }
    }
    Some(r)
}

/// CONTAINERS IMAGES SELECTOR for the stored workload kinds.
fn workload_wide(obj: &Object) -> Option<Vec<String>> {
    let tpl = match obj.gk().as_str() {
        "DaemonSet.apps" | "ReplicationController" | "Job.batch" => {
            obj.get(&["spec", "template", "spec"])
        }
        "CronJob.batch" => obj.get(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => return None,
    };
    let cs = tpl["containers"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = cs.iter().filter_map(|c| c["name"].as_str()).collect();
    let images: Vec<&str> = cs.iter().filter_map(|c| c["image"].as_str()).collect();
    let selector = match obj.gk().as_str() {
        "ReplicationController" => obj
            .get(&["spec", "selector"])
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
        "CronJob.batch" => "<none>".into(),
        _ => super::describe::selector_string(obj.get(&["spec", "selector"])),
    };
    Some(vec![names.join(","), images.join(","), selector])
}

/// A Job's STATUS column (1.28+): from its conditions.
fn job_status(obj: &Object) -> String {
    let conds = obj
        .get(&["status", "conditions"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    let has = |t: &str| {
        conds
            .iter()
            .any(|c| c["type"] == t && c["status"] == "True")
    };
    // printJob's order (the Terminating and FailureTarget cases are the newest printer's;
    // their first release UNVERIFIED, shown from 1.28 with the column).
    if has("Complete") {
        "Complete".into()
    } else if has("Failed") {
        "Failed".into()
    } else if obj.is_deleting() {
        "Terminating".into()
    } else if has("Suspended") {
        "Suspended".into()
    } else if has("FailureTarget") {
        "FailureTarget".into()
    } else {
        "Running".into()
    }
}

/// One `additionalPrinterColumns` entry of a CRD.
#[derive(Clone, Debug)]
pub struct PrinterColumn {
    pub name: String,
    pub json_path: String,
    pub kind: String,
    pub priority: i64,
}

/// The printer columns of a custom resource kind: its CRD's `additionalPrinterColumns`
/// for the served version, or the default `Age` column.
fn custom_columns(sim: &Sim, gk: &str) -> Option<Vec<PrinterColumn>> {
    let rt = sim.discovery.by_gk(gk)?;
    let crd_name = format!("{}.{}", rt.plural, rt.group);
    let crd = sim.store.find(
        "CustomResourceDefinition.apiextensions.k8s.io",
        "",
        &crd_name,
    )?;
    let mut cols: Vec<PrinterColumn> = vec![];
    let spec = crd.spec();
    let version = rt.versions.first().cloned().unwrap_or_default();
    let list = spec["versions"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["name"] == version.as_str()))
        .and_then(|v| v["additionalPrinterColumns"].as_array())
        .or_else(|| spec["additionalPrinterColumns"].as_array());
    for c in list.into_iter().flatten() {
        cols.push(PrinterColumn {
            name: c["name"].as_str().unwrap_or("").to_string(),
            json_path: c["jsonPath"]
                .as_str()
                .or_else(|| c["JSONPath"].as_str())
                .unwrap_or("")
                .to_string(),
            kind: c["type"].as_str().unwrap_or("string").to_string(),
            priority: c["priority"].as_i64().unwrap_or(0),
        });
    }
    if cols.is_empty() {
        cols.push(PrinterColumn {
            name: "Age".into(),
            json_path: ".metadata.creationTimestamp".into(),
            kind: "date".into(),
            priority: 0,
        });
    }
    Some(cols)
}

/// The header of a custom resource's table (upper-cased column names; priority > 0
/// columns only with `-o wide`), if `gk` is a CRD's kind.
pub fn custom_headers(sim: &Sim, gk: &str, wide: bool) -> Option<Vec<String>> {
    let cols = custom_columns(sim, gk)?;
    let mut h = vec!["NAME".to_string()];
    // Columns keep the CRD's order; priority > 0 ones appear only with -o wide.
    h.extend(
        cols.iter()
            .filter(|c| wide || c.priority == 0)
            .map(|c| c.name.to_uppercase()),
    );
    Some(h)
}

fn custom_row(sim: &Sim, obj: &Object, cols: &[PrinterColumn], wide: bool) -> Vec<String> {
    let json = obj.to_json();
    let mut r = vec![obj.meta.name.clone()];
    for c in cols.iter().filter(|c| wide || c.priority == 0) {
        let v = simple_json_path(&json, &c.json_path);
        r.push(match (v, c.kind.as_str()) {
            (None | Some(Value::Null), _) => String::new(),
            (Some(Value::String(s)), "date") => crate::time::parse_rfc3339(s)
                .map(|ms| age(sim.now, ms))
                .unwrap_or_else(|| s.clone()),
            (Some(Value::String(s)), _) => s.clone(),
            (Some(other), _) => other.to_string(),
        });
    }
    r
}

/// `.a.b[0].c` paths (what printer columns and `kubectl wait --for=jsonpath` use);
/// also accepts the `{…}` braces.
pub fn simple_json_path<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let p = path.trim();
    let p = p
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(p);
    let p = p.strip_prefix('.').unwrap_or(p);
    let mut cur = v;
    if p.is_empty() {
        return Some(cur);
    }
    for seg in p.split('.') {
        let (key, idx) = match seg.find('[') {
            Some(i) => (&seg[..i], Some(&seg[i..])),
            None => (seg, None),
        };
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        if let Some(mut rest) = idx {
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']')?;
                let n: usize = r[..end].parse().ok()?;
                cur = cur.get(n)?;
                rest = &r[end + 1..];
            }
        }
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths() {
        let v =
            serde_json::json!({"status": {"phase": "Running", "conditions": [{"type": "Ready"}]}});
        assert_eq!(
            simple_json_path(&v, "{.status.phase}"),
            Some(&serde_json::json!("Running"))
        );
        assert_eq!(
            simple_json_path(&v, ".status.conditions[0].type"),
            Some(&serde_json::json!("Ready"))
        );
        assert_eq!(simple_json_path(&v, ".status.nope"), None);
    }
}
