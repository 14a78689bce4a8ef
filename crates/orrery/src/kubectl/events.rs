//! Events as kubectl shows them. The simulator keeps its event log in `Sim::events`; here
//! each record becomes a `v1` Event object (named `<object>.<hex nanoseconds>` as the
//! recorder names them, so `kubectl get events` lists them in the API server's key
//! order: by namespace, then by object name, then by time), `kubectl get events` prints
//! the server's table (LAST SEEN TYPE REASON OBJECT MESSAGE), and `kubectl events` prints
//! its own table, oldest last-seen first, with `(x3 over 2m)` counts.

use crate::sort::StableSort;
use serde_json::json;

use super::args::{flag, parse};
use super::{flag_error, namespace_of, specs, table};
use crate::api::Object;
use crate::shell::{Output, Session};
use crate::sim::{EventRecord, Sim};
use crate::time::{human_duration, rfc3339, EPOCH_UNIX_SECONDS};

/// The age column of one event: `10s`, or `10s (x3 over 2m)` for a repeated event
/// (`getInterval` / `DescribeEvents`).
pub fn interval(sim: &Sim, e: &EventRecord) -> String {
    // Event timestamps are whole seconds in the API (as `get events` reads them back).
    let since = |ms: i64| human_duration(sim.now - ms.div_euclid(1000) * 1000);
    let first = since(e.first_ms);
    if e.count > 1 {
        format!("{} (x{} over {first})", since(e.last_ms), e.count)
    } else {
        first
    }
}

/// The Event's name: the involved object's name and the creation time in nanoseconds,
/// in hex (`record.makeEvent`). `seq` keeps names unique within one millisecond.
fn event_name(e: &EventRecord, seq: usize) -> String {
    let nanos =
        (EPOCH_UNIX_SECONDS * 1000 + e.first_ms) as u64 * 1_000_000 + (seq % 1_000_000) as u64;
    format!("{}.{nanos:x}", e.name)
}

/// A stable UUID-shaped id for an Event (no RNG: reading events must not change the
/// simulation).
fn event_uid(name: &str) -> String {
    let a = crate::names::fnv1a32(name.as_bytes());
    let b = crate::names::fnv1_32(name.as_bytes());
    let c = crate::names::fnv1a32(format!("{name}/e").as_bytes());
    let d = crate::names::fnv1_32(format!("{name}/e").as_bytes());
    format!(
        "{a:08x}-{:04x}-4{:03x}-8{:03x}-{:04x}{c:08x}",
        b >> 16,
        b & 0xfff,
        d >> 20,
        d & 0xffff
    )
}

/// The `v1` Event object for one record.
pub fn to_object(sim: &Sim, e: &EventRecord, seq: usize) -> Object {
    let name = event_name(e, seq);
    let api_version = involved_api_version(sim, e);
    let mut source = json!({"component": e.source});
    if e.source == "kubelet" {
        source["host"] = json!(sim.cluster.node_name);
    }
    let v = json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": e.namespace},
        "count": e.count,
        "eventTime": null,
        "firstTimestamp": rfc3339(e.first_ms),
        "lastTimestamp": rfc3339(e.last_ms),
        "involvedObject": {"apiVersion": api_version, "kind": e.kind, "name": e.name,
                           "namespace": e.namespace, "uid": e.uid},
        "message": e.message,
        "reason": e.reason,
        "reportingComponent": e.source,
        "reportingInstance": if e.source == "kubelet" { sim.cluster.node_name.as_str() } else { "" },
        "source": source,
        "type": if e.warning { "Warning" } else { "Normal" },
    });
    let mut obj = Object::from_manifest(&v).expect("built above");
    obj.meta.uid = event_uid(&obj.meta.name);
    obj.meta.creation_ms = e.first_ms;
    obj.meta.resource_version = seq as u64 + 1;
    obj
}

/// The involved object's apiVersion: from the object if it still exists, else the
/// first served kind of that name.
fn involved_api_version(sim: &Sim, e: &EventRecord) -> String {
    if let Some(o) = sim.store.by_uid(&e.uid) {
        return o.api_version.clone();
    }
    sim.discovery
        .types()
        .iter()
        .find(|t| t.kind == e.kind)
        .map(|t| t.preferred_api_version())
        .unwrap_or_else(|| "v1".into())
}

/// Every event in `namespace` (all namespaces when None) as Event objects, in the API
/// server's list order.
pub fn objects(sim: &Sim, namespace: Option<&str>) -> Vec<Object> {
    let mut v: Vec<Object> = sim
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| namespace.is_none_or(|ns| e.namespace == ns))
        .map(|(i, e)| to_object(sim, e, i))
        .collect();
    v.sort_stable_by(|a, b| {
        (a.meta.namespace.as_str(), a.meta.name.as_str())
            .cmp(&(b.meta.namespace.as_str(), b.meta.name.as_str()))
    });
    v
}

/// The server-side table of `kubectl get events` (`printEvent`).
pub fn columns(wide: bool) -> Vec<&'static str> {
    if wide {
        vec![
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME",
        ]
    } else {
        vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    }
}

pub fn row(sim: &Sim, ev: &Object, wide: bool) -> Vec<String> {
    let t = |k: &str| {
        ev.str_at(&[k])
            .and_then(crate::time::parse_rfc3339)
            .map(|ms| human_duration(sim.now - ms))
            .unwrap_or_else(|| "<unknown>".into())
    };
    let kind = ev.str_at(&["involvedObject", "kind"]).unwrap_or("");
    let name = ev.str_at(&["involvedObject", "name"]).unwrap_or("");
    let target = if name.is_empty() {
        kind.to_ascii_lowercase()
    } else {
        format!("{}/{name}", kind.to_ascii_lowercase())
    };
    let message = ev.str_at(&["message"]).unwrap_or("").trim().to_string();
    let kind_type = ev.str_at(&["type"]).unwrap_or("").to_string();
    let reason = ev.str_at(&["reason"]).unwrap_or("").to_string();
    if !wide {
        return vec![t("lastTimestamp"), kind_type, reason, target, message];
    }
    let mut source = ev
        .str_at(&["source", "component"])
        .unwrap_or("")
        .to_string();
    if let Some(h) = ev.str_at(&["source", "host"]).filter(|h| !h.is_empty()) {
        source = format!("{source}, {h}");
    }
    vec![
        t("lastTimestamp"),
        kind_type,
        reason,
        target,
        ev.str_at(&["involvedObject", "fieldPath"])
            .unwrap_or("")
            .to_string(),
        source,
        message,
        t("firstTimestamp"),
        ev.i64_at(&["count"]).unwrap_or(1).to_string(),
        ev.meta.name.clone(),
    ]
}

/// `kubectl events [--for KIND/NAME] [--types T,…] [-A]`.
pub fn events(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("all-namespaces", Some('A'), false),
                    flag("for", None, true),
                    flag("types", None, true),
                    flag("watch", Some('w'), false),
                    flag("output", Some('o'), true),
                    flag("no-headers", None, false),
                    flag("chunk-size", None, true),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("events", &e),
    };
    let sim = &s.sim;
    let all = a.bool("all-namespaces");
    let ns = namespace_of(&a);
    let types: Vec<String> = a
        .get("types")
        .map(|t| {
            t.split(',')
                .map(|x| x.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    for t in &types {
        if t != "normal" && t != "warning" {
            return Output::err("error: valid --types are Normal or Warning\n", 1);
        }
    }
    let target = match a.get("for") {
        None => None,
        Some(f) => {
            let (k, n) = f.split_once('/').unwrap_or(("pod", f));
            let Some(rt) = sim.discovery.resolve(k) else {
                return Output::err(
                    format!("error: the server doesn't have a resource type \"{k}\"\n"),
                    1,
                );
            };
            Some((rt.kind.clone(), n.to_string()))
        }
    };
    let mut list: Vec<(usize, &EventRecord)> = sim
        .events
        .iter()
        .map(|e| &**e)
        .enumerate()
        .filter(|(_, e)| all || e.namespace == ns)
        .filter(|(_, e)| {
            target
                .as_ref()
                .is_none_or(|(k, n)| e.kind == *k && e.name == *n)
        })
        .filter(|(_, e)| {
            types.is_empty()
                || types.contains(&if e.warning {
                    "warning".to_string()
                } else {
                    "normal".to_string()
                })
        })
        .collect();
    if list.is_empty() {
        return if all {
            Output::ok("No events found.\n")
        } else {
            Output::ok(format!("No events found in {ns} namespace.\n"))
        };
    }
    // The server's order first (name), then kubectl's stable sort by last-seen time.
    list.sort_stable_by(|(i, x), (j, y)| {
        (x.namespace.as_str(), event_name(x, *i)).cmp(&(y.namespace.as_str(), event_name(y, *j)))
    });
    list.sort_stable_by_key(|(_, e)| e.last_ms);
    let mut rows: Vec<Vec<String>> = vec![];
    if !a.bool("no-headers") {
        let mut h = vec![];
        if all {
            h.push("NAMESPACE".to_string());
        }
        h.extend(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"].map(String::from));
        rows.push(h);
    }
    for (_, e) in list {
        let mut r = vec![];
        if all {
            r.push(e.namespace.clone());
        }
        r.push(interval(sim, e));
        r.push(if e.warning { "Warning" } else { "Normal" }.to_string());
        r.push(e.reason.clone());
        r.push(format!("{}/{}", e.kind, e.name));
        r.push(e.message.trim().to_string());
        rows.push(r);
    }
    Output::ok(table::render(&rows))
}
