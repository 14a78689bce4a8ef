//! `kubectl describe`: kubectl's `describe.go` layouts, field for field, written as
//! tab-separated text and aligned by Go's tabwriter (`tabwriter::format`, padding 2) so
//! the column blocks fall exactly where a real cluster's do. Typed describers for Pod,
//! StatefulSet, Deployment, ReplicaSet, ConfigMap, Secret, Namespace, ServiceAccount,
//! Service, PersistentVolumeClaim, PersistentVolume, StorageClass, Ingress and Node
//! (`describe/node.rs`); every other kind gets kubectl's generic describer
//! (Name/Namespace/Labels/Annotations, then the object's fields with "smart" labels).
//! Each ends with the object's `Events:`.

use crate::sort::StableSort;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::args::{flag, parse};
use super::{events, flag_error, namespace_of, specs, tabwriter};
use crate::api::{Object, ResourceType, Selector};
use crate::errors::ApiError;
use crate::shell::{Output, Session};
use crate::sim::Sim;
use crate::time::{human_duration, parse_rfc3339, Millis, EPOCH_UNIX_SECONDS};

mod node;

/// Annotations `describe` never shows.
const SKIP_ANNOTATIONS: &[&str] = &[super::mutate::LAST_APPLIED];
/// kubectl shortens annotation values beyond this (`maxAnnotationLen`).
const MAX_ANNOTATION_LEN: usize = 140;

/// Text written at indentation levels of two spaces (kubectl's `PrefixWriter`).
#[derive(Default)]
struct W {
    buf: String,
}

impl W {
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.buf.push_str("  ");
        }
        self.buf.push_str(text);
    }

    /// `w` of formatted text, written straight into the buffer (no `String` per line:
    /// one shared formatting call instead of `format!` at every call site).
    fn f(&mut self, level: usize, args: std::fmt::Arguments) {
        use std::fmt::Write;
        for _ in 0..level {
            self.buf.push_str("  ");
        }
        let _ = self.buf.write_fmt(args);
    }

    /// `w` of `text` then `value` and a newline: the commonest line, with no formatting.
    fn line(&mut self, level: usize, text: &str, value: &str) {
        self.w(level, text);
        self.buf.push_str(value);
        self.buf.push('\n');
    }

    fn done(self) -> String {
        tabwriter::format(&self.buf, 0, 2)
    }
}

pub fn describe(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("all-namespaces", Some('A'), false),
                    flag("selector", Some('l'), true),
                    flag("show-events", None, true),
                    flag("filename", Some('f'), true),
                    flag("chunk-size", None, true),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("describe", &e),
    };
    if a.positional.is_empty() {
        return Output::err(
            "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n",
            1,
        );
    }
    let show_events = a.get("show-events") != Some("false");
    let selector = match a.get("selector").map(Selector::parse) {
        None => None,
        Some(Ok(sel)) => Some(sel),
        Some(Err(e)) => return Output::err(format!("error: {e}\n"), 1),
    };
    let ns = namespace_of(&a);
    let all_ns = a.bool("all-namespaces");
    let sim = &s.sim;
    let mut out = Output::default();
    let mut errors: Vec<String> = vec![];
    let mut found: Vec<&Object> = vec![];
    // (type, name) pairs, or a type alone.
    let mut targets: Vec<(ResourceType, Option<String>)> = vec![];
    if a.positional.iter().any(|p| p.contains('/')) {
        for p in &a.positional {
            let Some((k, n)) = p.split_once('/') else {
                return Output::err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl describe resource/<resource_name>' instead of 'kubectl describe resource resource/<resource_name>'\n", 1);
            };
            match sim.discovery.resolve(k) {
                Some(rt) => targets.push((rt.clone(), Some(n.to_string()))),
                None => return unknown_type(k),
            }
        }
    } else {
        let mut types = vec![];
        for k in a.positional[0].split(',').filter(|k| !k.is_empty()) {
            match sim.discovery.resolve(k) {
                Some(rt) => types.push(rt.clone()),
                None => return unknown_type(k),
            }
        }
        for rt in types {
            if a.positional.len() == 1 {
                targets.push((rt, None));
            } else {
                for n in &a.positional[1..] {
                    targets.push((rt.clone(), Some(n.clone())));
                }
            }
        }
    }
    let single_name = targets.len() == 1 && targets[0].1.is_some();
    for (rt, name) in &targets {
        let gk = rt.gk();
        let nsv = if rt.namespaced { ns.as_str() } else { "" };
        match name {
            Some(n) => match sim.store.find(&gk, nsv, n) {
                Some(o) => found.push(o),
                None => {
                    // kubectl describes every object whose name starts with NAME when no
                    // object has exactly that name (`DescribeMatchingResources`).
                    let prefixed: Vec<&Object> = if single_name {
                        sim.store
                            .list(&gk, nsv)
                            .filter(|o| o.meta.name.starts_with(n.as_str()))
                            .collect()
                    } else {
                        vec![]
                    };
                    if prefixed.is_empty() {
                        errors.push(
                            ApiError::NotFound {
                                resource: rt.qualified_plural(),
                                name: n.clone(),
                            }
                            .kubectl_text(),
                        );
                    }
                    found.extend(prefixed);
                }
            },
            None => {
                let objs: Vec<&Object> = if !rt.namespaced {
                    sim.store.list(&gk, "").collect()
                } else if all_ns {
                    sim.store.list_all(&gk).collect()
                } else {
                    sim.store.list(&gk, nsv).collect()
                };
                found.extend(
                    objs.into_iter()
                        .filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta.labels))),
                );
            }
        }
    }
    for (i, o) in found.iter().enumerate() {
        if i > 0 {
            out.text.push_str("\n\n");
        }
        out.text.push_str(&describe_object(sim, o, show_events));
    }
    if found.is_empty() && errors.is_empty() {
        if all_ns || targets.iter().all(|(rt, _)| !rt.namespaced) {
            out.line("No resources found");
        } else {
            out.linef(format_args!("No resources found in {ns} namespace."));
        }
    }
    for e in &errors {
        out.line(e);
    }
    if !errors.is_empty() {
        out.code = 1;
    }
    out
}

fn unknown_type(k: &str) -> Output {
    Output::err(
        format!("error: the server doesn't have a resource type \"{k}\"\n"),
        1,
    )
}

/// The description of one object, as `kubectl describe` prints it.
pub fn describe_object(sim: &Sim, obj: &Object, show_events: bool) -> String {
    let mut w = W::default();
    match obj.gk().as_str() {
        "Pod" => pod(sim, obj, &mut w),
        "StatefulSet.apps" => statefulset(sim, obj, &mut w),
        "Deployment.apps" => deployment(sim, obj, &mut w),
        "ReplicaSet.apps" => replicaset(sim, obj, &mut w),
        "Job.batch" => job(obj, &mut w),
        "ConfigMap" => configmap(obj, &mut w),
        "Secret" => secret(obj, &mut w),
        "Namespace" => namespace(obj, &mut w),
        "ServiceAccount" => serviceaccount(obj, &mut w),
        "Service" => service(sim, obj, &mut w),
        "PersistentVolumeClaim" => pvc(sim, obj, &mut w),
        "PersistentVolume" => pv(sim, obj, &mut w),
        "StorageClass.storage.k8s.io" => storageclass(obj, &mut w),
        "Ingress.networking.k8s.io" | "Ingress.extensions" => ingress(sim, obj, &mut w),
        "IngressClass.networking.k8s.io" => ingressclass(obj, &mut w),
        "Endpoints" => endpoints(obj, &mut w),
        "EndpointSlice.discovery.k8s.io" => endpointslice(obj, &mut w),
        "Node" => node::node(sim, obj, &mut w),
        _ => generic(obj, &mut w),
    }
    // Kinds whose describers never list events (kubectl's Namespace, ServiceAccount,
    // ConfigMap and Secret describers list none, or only on request).
    let has_events = !matches!(obj.gk().as_str(), "Namespace" | "Secret");
    if show_events && has_events {
        describe_events(sim, obj, &mut w);
    }
    w.done()
}

// ----- shared pieces ------------------------------------------------------------------

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k).unwrap_or(&Value::Null);
    }
    cur.as_str().unwrap_or("")
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Go's `%v` of a JSON value as unstructured content holds it.
fn go_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_v).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", go_v(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// Go's `time.RFC1123Z`: `Thu, 01 Jan 2026 00:00:30 +0000`.
pub fn rfc1123z(ms: Millis) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = crate::time::rfc3339(ms);
    let secs = EPOCH_UNIX_SECONDS + ms.div_euclid(1000);
    let weekday = (secs.div_euclid(86_400) + 4).rem_euclid(7) as usize;
    let month: usize = t[5..7].parse().unwrap_or(1);
    format!(
        "{}, {} {} {} {} +0000",
        DAYS[weekday],
        &t[8..10],
        MONTHS[month - 1],
        &t[0..4],
        &t[11..19]
    )
}

/// A timestamp field rendered as RFC1123Z; a missing one is Go's zero time.
fn stamp(v: &Value) -> String {
    match v.as_str().and_then(parse_rfc3339) {
        Some(ms) => rfc1123z(ms),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

/// `translateTimestampSince`.
fn since(sim: &Sim, ms: Millis) -> String {
    human_duration(sim.now - ms)
}

/// `printLabelsMultilineWithIndent`.
fn labels_multiline(w: &mut W, indent: &str, title: &str, labels: &BTreeMap<String, String>) {
    w.f(0, format_args!("{indent}{title}:\t"));
    if labels.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            w.f(0, format_args!("{indent}\t"));
        }
        w.f(0, format_args!("{k}={v}\n"));
    }
}

fn string_map(v: &Value) -> BTreeMap<String, String> {
    crate::api::object::string_map(Some(v))
}

/// `printAnnotationsMultiline`: the last-applied annotation is skipped, long or
/// multi-line values go on their own lines, shortened.
fn annotations_multiline(w: &mut W, title: &str, annotations: &BTreeMap<String, String>) {
    w.f(0, format_args!("{title}:\t"));
    let keys: Vec<&String> = annotations
        .keys()
        .filter(|k| !SKIP_ANNOTATIONS.contains(&k.as_str()))
        .collect();
    if keys.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            w.w(0, "\t");
        }
        let value = annotations[*k]
            .strip_suffix('\n')
            .unwrap_or(&annotations[*k]);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.f(0, format_args!("{k}:\n"));
            for line in value.split('\n') {
                w.line(0, "\t  ", &*(shorten(line, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.f(0, format_args!("{k}: {value}\n"));
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &s[..cut])
    } else {
        s.to_string()
    }
}

/// `labels.Selector.String()`: requirements sorted by key, set values sorted.
pub fn selector_string(v: &Value) -> String {
    use crate::api::selector::Requirement as R;
    let sel = Selector::from_label_selector(v);
    let mut reqs = sel.requirements.clone();
    reqs.sort_stable_by(|a, b| req_key(a).cmp(req_key(b)));
    let reqs: Vec<R> = reqs
        .into_iter()
        .map(|r| match r {
            R::In(k, mut vs) => {
                vs.sort_stable();
                vs.dedup();
                R::In(k, vs)
            }
            R::NotIn(k, mut vs) => {
                vs.sort_stable();
                vs.dedup();
                R::NotIn(k, vs)
            }
            other => other,
        })
        .collect();
    Selector {
        requirements: reqs,
        nothing: false,
    }
    .to_string_form()
}

fn req_key(r: &crate::api::selector::Requirement) -> &str {
    use crate::api::selector::Requirement as R;
    match r {
        R::Eq(k, _) | R::NotEq(k, _) | R::In(k, _) | R::NotIn(k, _) => k,
        R::Exists(k) | R::DoesNotExist(k) => k,
    }
}

/// `metav1.FormatLabelSelector`: like `selector_string`, `<none>` when empty.
fn format_label_selector(v: &Value) -> String {
    let s = selector_string(v);
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

fn controlled_by(obj: &Object) -> Option<String> {
    obj.controller_ref()
        .map(|r| format!("{}/{}", r.kind, r.name))
}

/// `DescribeEvents`: the object's events (matched by UID, as kubectl's field selector
/// does), oldest last-seen first. A node's events are also those whose UID is the node's
/// name: the kubelet refers to its node by name (NodeDescriber searches both).
fn describe_events(sim: &Sim, obj: &Object, w: &mut W) {
    let by_name = obj.kind == "Node";
    let mut evs: Vec<&crate::sim::EventRecord> = sim
        .events
        .iter()
        .map(|e| &**e)
        .filter(|e| e.uid == obj.meta.uid || (by_name && e.uid == obj.meta.name))
        .collect();
    if evs.is_empty() {
        w.w(0, "Events:\t<none>\n");
        return;
    }
    evs.sort_stable_by_key(|e| e.last_ms);
    w.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.w(1, "----\t------\t----\t----\t-------\n");
    for e in evs {
        w.f(
            1,
            format_args!(
                "{}\t{}\t{}\t{}\t{}\n",
                if e.warning { "Warning" } else { "Normal" },
                e.reason,
                events::interval(sim, e),
                e.source,
                e.message.trim()
            ),
        );
    }
}

/// Pod counts by phase for a controller's pods (`getPodStatusForController`).
fn pod_status_counts(sim: &Sim, owner: &Object) -> String {
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in sim.store.owned_by(&owner.meta.uid) {
        if p.kind != "Pod" || p.controller_ref().map(|r| r.uid.as_str()) != Some(&owner.meta.uid) {
            continue;
        }
        match p.str_at(&["status", "phase"]) {
            Some("Running") => running += 1,
            Some("Pending") => waiting += 1,
            Some("Succeeded") => succeeded += 1,
            Some("Failed") => failed += 1,
            _ => {}
        }
    }
    format!("{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed")
}

// ----- pods and containers ------------------------------------------------------------

fn pod(sim: &Sim, p: &Object, w: &mut W) {
    let spec = p.spec();
    let status = p.status();
    w.line(0, "Name:\t", &*(p.meta.name));
    w.line(0, "Namespace:\t", &*(p.meta.namespace));
    if let Some(prio) = spec.get("priority").and_then(Value::as_i64) {
        w.f(0, format_args!("Priority:\t{}\n", prio));
    }
    if !s(spec, &["priorityClassName"]).is_empty() {
        w.line(
            0,
            "Priority Class Name:\t",
            &*(s(spec, &["priorityClassName"])),
        );
    }
    if !s(spec, &["runtimeClassName"]).is_empty() {
        w.line(
            0,
            "Runtime Class Name:\t",
            &*(s(spec, &["runtimeClassName"])),
        );
    }
    if !s(spec, &["serviceAccountName"]).is_empty() {
        w.line(
            0,
            "Service Account:\t",
            &*(s(spec, &["serviceAccountName"])),
        );
    }
    let node = s(spec, &["nodeName"]);
    if node.is_empty() {
        w.w(0, "Node:\t<none>\n");
    } else {
        w.f(
            0,
            format_args!("Node:\t{node}/{}\n", s(status, &["hostIP"])),
        );
    }
    if let Some(t) = status.get("startTime").filter(|t| !t.is_null()) {
        w.line(0, "Start Time:\t", &*(stamp(t)));
    }
    labels_multiline(w, "", "Labels", &p.meta.labels);
    annotations_multiline(w, "Annotations", &p.meta.annotations);
    let phase = s(status, &["phase"]);
    match p.meta.deletion_ms {
        Some(d) if phase != "Failed" && phase != "Succeeded" => {
            // The deletion timestamp lies in the future for a pod in its grace period,
            // so this prints `<invalid>`, exactly as kubectl does.
            w.f(
                0,
                format_args!("Status:\tTerminating (lasts {})\n", since(sim, d)),
            );
            w.f(
                0,
                format_args!(
                    "Termination Grace Period:\t{}s\n",
                    p.meta.deletion_grace_period_seconds.unwrap_or(0)
                ),
            );
        }
        _ => w.line(0, "Status:\t", &*phase),
    }
    if !s(status, &["reason"]).is_empty() {
        w.line(0, "Reason:\t", &*(s(status, &["reason"])));
    }
    if !s(status, &["message"]).is_empty() {
        w.line(0, "Message:\t", &*(s(status, &["message"])));
    }
    let seccomp = s(spec, &["securityContext", "seccompProfile", "type"]);
    if !seccomp.is_empty() {
        w.line(0, "SeccompProfile:\t", &*seccomp);
    }
    w.line(0, "IP:\t", &*(s(status, &["podIP"])));
    let ips = arr(status, "podIPs");
    if ips.is_empty() {
        w.w(0, "IPs:\t<none>\n");
    } else {
        w.w(0, "IPs:\n");
        for ip in ips {
            w.line(1, "IP:\t", &*(s(ip, &["ip"])));
        }
    }
    if let Some(c) = controlled_by(p) {
        w.line(0, "Controlled By:\t", &*c);
    }
    if !s(status, &["nominatedNodeName"]).is_empty() {
        w.line(
            0,
            "NominatedNodeName:\t",
            &*(s(status, &["nominatedNodeName"])),
        );
    }
    if let Some(r) = spec.get("resources").filter(|r| r.is_object()) {
        w.w(0, "Resources:\n");
        resources(r, w, 1);
    }
    if !arr(spec, "initContainers").is_empty() {
        containers(
            w,
            "Init Containers",
            arr(spec, "initContainers"),
            Some(arr(status, "initContainerStatuses")),
            Some(p),
            "",
        );
    }
    containers(
        w,
        "Containers",
        arr(spec, "containers"),
        Some(arr(status, "containerStatuses")),
        Some(p),
        "",
    );
    let conditions = arr(status, "conditions");
    if !conditions.is_empty() {
        w.w(0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            w.f(
                1,
                format_args!("{} \t{} \n", s(c, &["type"]), s(c, &["status"])),
            );
        }
    }
    volumes(w, arr(spec, "volumes"), "");
    w.line(0, "QoS Class:\t", &*(qos_class(spec)));
    labels_multiline(w, "", "Node-Selectors", &string_map(&spec["nodeSelector"]));
    tolerations(w, "", "Tolerations", arr(spec, "tolerations"));
}

/// `qos.GetPodQOS`: Guaranteed when every container limits cpu and memory and requests
/// equal limits; BestEffort when nothing requests or limits either; else Burstable.
fn qos_class(spec: &Value) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in arr(spec, "initContainers")
        .iter()
        .chain(arr(spec, "containers"))
    {
        let limits = &c["resources"]["limits"];
        let requests = &c["resources"]["requests"];
        for r in ["cpu", "memory"] {
            let l = limits.get(r).filter(|v| !v.is_null());
            let q = requests.get(r).filter(|v| !v.is_null()).or(l);
            if l.is_some() || q.is_some() {
                any = true;
            }
            match (l, q) {
                (Some(l), Some(q)) if quantity_eq(l, q) => {}
                _ => guaranteed = false,
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

fn quantity_eq(a: &Value, b: &Value) -> bool {
    go_v(a) == go_v(b)
}

/// `describeContainers`. `statuses` is None for a pod template; `pod` resolves
/// `fieldRef` environment values.
fn containers(
    w: &mut W,
    label: &str,
    list: &[Value],
    statuses: Option<&[Value]>,
    pod: Option<&Object>,
    space: &str,
) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.f(0, format_args!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in list {
        let name = s(c, &["name"]);
        let status = statuses.and_then(|st| st.iter().find(|x| s(x, &["name"]) == name));
        w.f(1, format_args!("{name_indent}{name}:\n"));
        if let Some(st) = status {
            w.line(2, "Container ID:\t", &*(s(st, &["containerID"])));
        }
        w.line(2, "Image:\t", &*(s(c, &["image"])));
        if let Some(st) = status {
            w.line(2, "Image ID:\t", &*(s(st, &["imageID"])));
        }
        let ports = arr(c, "ports");
        let port_list: Vec<String> = ports
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    p["containerPort"].as_i64().unwrap_or(0),
                    s(p, &["protocol"])
                )
            })
            .collect();
        let host_list: Vec<String> = ports
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    p["hostPort"].as_i64().unwrap_or(0),
                    s(p, &["protocol"])
                )
            })
            .collect();
        if port_list.len() > 1 {
            w.line(2, "Ports:\t", &*(port_list.join(", ")));
            w.line(2, "Host Ports:\t", &*(host_list.join(", ")));
        } else {
            w.line(
                2,
                "Port:\t",
                &*(port_list.first().map_or("<none>", String::as_str)),
            );
            w.line(
                2,
                "Host Port:\t",
                &*(host_list.first().map_or("<none>", String::as_str)),
            );
        }
        for (key, title) in [("command", "Command"), ("args", "Args")] {
            let items = arr(c, key);
            if !items.is_empty() {
                w.f(2, format_args!("{title}:\n"));
                for item in items {
                    for line in item.as_str().unwrap_or("").split('\n') {
                        w.line(3, "", &*line);
                    }
                }
            }
        }
        if let Some(st) = status {
            container_state(w, "State", &st["state"]);
            if !st["lastState"]["terminated"].is_null() {
                container_state(w, "Last State", &st["lastState"]);
            }
            let ready = st["ready"].as_bool().unwrap_or(false);
            w.line(2, "Ready:\t", &*(if ready { "True" } else { "False" }));
            w.f(
                2,
                format_args!(
                    "Restart Count:\t{}\n",
                    st["restartCount"].as_i64().unwrap_or(0)
                ),
            );
        }
        resources(&c["resources"], w, 2);
        for (key, title) in [
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ] {
            if c[key].is_object() {
                w.f(2, format_args!("{title}:\t{}\n", probe(&c[key])));
            }
        }
        let env_from = arr(c, "envFrom");
        if !env_from.is_empty() {
            w.w(2, "Environment Variables from:\n");
            for e in env_from {
                let (from, r) = if e["configMapRef"].is_object() {
                    ("ConfigMap", &e["configMapRef"])
                } else {
                    ("Secret", &e["secretRef"])
                };
                let optional = r["optional"].as_bool().unwrap_or(false);
                let prefix = s(e, &["prefix"]);
                if prefix.is_empty() {
                    w.f(
                        3,
                        format_args!("{}\t{from}\tOptional: {optional}\n", s(r, &["name"])),
                    );
                } else {
                    w.f(
                        3,
                        format_args!(
                            "{}\t{from} with prefix '{prefix}'\tOptional: {optional}\n",
                            s(r, &["name"])
                        ),
                    );
                }
            }
        }
        env(w, c, pod);
        let mounts = arr(c, "volumeMounts");
        if mounts.is_empty() {
            w.w(2, "Mounts:\t<none>\n");
        } else {
            w.w(2, "Mounts:\n");
            let mut sorted: Vec<&Value> = mounts.iter().collect();
            sorted.sort_stable_by(|a, b| s(a, &["mountPath"]).cmp(s(b, &["mountPath"])));
            for m in sorted {
                let mut flags = vec![if m["readOnly"].as_bool().unwrap_or(false) {
                    "ro".to_string()
                } else {
                    "rw".to_string()
                }];
                let sub = s(m, &["subPath"]);
                if !sub.is_empty() {
                    flags.push(format!("path={}", crate::errors::go_quote(sub)));
                }
                w.f(
                    3,
                    format_args!(
                        "{} from {} ({})\n",
                        s(m, &["mountPath"]),
                        s(m, &["name"]),
                        flags.join(",")
                    ),
                );
            }
        }
    }
}

fn env(w: &mut W, c: &Value, pod: Option<&Object>) {
    let list = arr(c, "env");
    if list.is_empty() {
        w.w(2, "Environment:\t<none>\n");
        return;
    }
    w.w(2, "Environment:\n");
    for e in list {
        let name = s(e, &["name"]);
        let from = &e["valueFrom"];
        if from.is_null() {
            for (i, line) in s(e, &["value"]).split('\n').enumerate() {
                if i == 0 {
                    w.f(3, format_args!("{name}:\t{line}\n"));
                } else {
                    w.line(3, "\t", &*line);
                }
            }
        } else if from["fieldRef"].is_object() {
            let path = s(from, &["fieldRef", "fieldPath"]);
            let value = pod.map(|p| field_value(p, path)).unwrap_or_default();
            let api = from["fieldRef"]["apiVersion"].as_str().unwrap_or("v1");
            w.f(3, format_args!("{name}:\t{value} ({api}:{path})\n"));
        } else if from["resourceFieldRef"].is_object() {
            w.f(
                3,
                format_args!(
                    "{name}:\t ({})\n",
                    s(from, &["resourceFieldRef", "resource"])
                ),
            );
        } else if from["secretKeyRef"].is_object() {
            let r = &from["secretKeyRef"];
            w.f(
                3,
                format_args!(
                    "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                    s(r, &["key"]),
                    s(r, &["name"]),
                    r["optional"].as_bool().unwrap_or(false)
                ),
            );
        } else if from["configMapKeyRef"].is_object() {
            let r = &from["configMapKeyRef"];
            w.f(
                3,
                format_args!(
                    "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                    s(r, &["key"]),
                    s(r, &["name"]),
                    r["optional"].as_bool().unwrap_or(false)
                ),
            );
        }
    }
}

/// The downward-API fields a pod's environment can name.
fn field_value(p: &Object, path: &str) -> String {
    match path {
        "metadata.name" => p.meta.name.clone(),
        "metadata.namespace" => p.meta.namespace.clone(),
        "metadata.uid" => p.meta.uid.clone(),
        "spec.nodeName" => p.str_at(&["spec", "nodeName"]).unwrap_or("").into(),
        "spec.serviceAccountName" => p
            .str_at(&["spec", "serviceAccountName"])
            .unwrap_or("")
            .into(),
        "status.podIP" => p.str_at(&["status", "podIP"]).unwrap_or("").into(),
        "status.hostIP" => p.str_at(&["status", "hostIP"]).unwrap_or("").into(),
        _ => {
            if let Some(k) = path
                .strip_prefix("metadata.labels['")
                .and_then(|r| r.strip_suffix("']"))
            {
                return p.meta.labels.get(k).cloned().unwrap_or_default();
            }
            String::new()
        }
    }
}

/// `describeStatus`.
fn container_state(w: &mut W, title: &str, state: &Value) {
    if state["running"].is_object() {
        w.f(2, format_args!("{title}:\tRunning\n"));
        w.line(3, "Started:\t", &*(stamp(&state["running"]["startedAt"])));
    } else if state["waiting"].is_object() {
        w.f(2, format_args!("{title}:\tWaiting\n"));
        let reason = s(state, &["waiting", "reason"]);
        if !reason.is_empty() {
            w.line(3, "Reason:\t", &*reason);
        }
    } else if state["terminated"].is_object() {
        let t = &state["terminated"];
        w.f(2, format_args!("{title}:\tTerminated\n"));
        if !s(t, &["reason"]).is_empty() {
            w.line(3, "Reason:\t", &*(s(t, &["reason"])));
        }
        if !s(t, &["message"]).is_empty() {
            w.line(3, "Message:\t", &*(s(t, &["message"])));
        }
        w.f(
            3,
            format_args!("Exit Code:\t{}\n", t["exitCode"].as_i64().unwrap_or(0)),
        );
        if let Some(sig) = t["signal"].as_i64().filter(|s| *s > 0) {
            w.f(3, format_args!("Signal:\t{}\n", sig));
        }
        w.line(3, "Started:\t", &*(stamp(&t["startedAt"])));
        w.line(3, "Finished:\t", &*(stamp(&t["finishedAt"])));
    } else {
        w.f(2, format_args!("{title}:\tWaiting\n"));
    }
}

fn resources(r: &Value, w: &mut W, level: usize) {
    for (key, title) in [("limits", "Limits"), ("requests", "Requests")] {
        if let Some(m) = r
            .get(key)
            .and_then(Value::as_object)
            .filter(|m| !m.is_empty())
        {
            w.f(level, format_args!("{title}:\n"));
            for (name, q) in m {
                w.w(level + 1, &format!("{name}:\t{}\n", go_v(q)));
            }
        }
    }
}

/// `DescribeProbe`.
fn probe(p: &Value) -> String {
    let n = |k: &str| p[k].as_i64().unwrap_or(0);
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n("initialDelaySeconds"),
        n("timeoutSeconds"),
        n("periodSeconds"),
        n("successThreshold"),
        n("failureThreshold")
    );
    if p["exec"].is_object() {
        let cmd: Vec<String> = arr(&p["exec"], "command").iter().map(go_v).collect();
        format!("exec [{}] {attrs}", cmd.join(" "))
    } else if p["httpGet"].is_object() {
        let h = &p["httpGet"];
        let scheme = s(h, &["scheme"]).to_ascii_lowercase();
        let port = go_v(&h["port"]);
        let host = s(h, &["host"]);
        let path = s(h, &["path"]);
        format!("http-get {scheme}://{host}:{port}{path} {attrs}")
    } else if p["tcpSocket"].is_object() {
        let t = &p["tcpSocket"];
        format!(
            "tcp-socket {}:{} {attrs}",
            s(t, &["host"]),
            go_v(&t["port"])
        )
    } else if p["grpc"].is_object() {
        let g = &p["grpc"];
        format!(
            "grpc <pod>:{} {} {attrs}",
            go_v(&g["port"]),
            s(g, &["service"])
        )
    } else {
        format!("unknown {attrs}")
    }
}

/// `describeVolumes`.
fn volumes(w: &mut W, list: &[Value], space: &str) {
    if list.is_empty() {
        w.f(0, format_args!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.f(0, format_args!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in list {
        w.f(1, format_args!("{name_indent}{}:\n", s(v, &["name"])));
        let opt = |x: &Value| x["optional"].as_bool().unwrap_or(false);
        if v["hostPath"].is_object() {
            let t = s(v, &["hostPath", "type"]);
            w.f(2, format_args!(
                "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
                s(v, &["hostPath", "path"]),
                if t.is_empty() { "<none>" } else { t }
            ));
        } else if v["emptyDir"].is_object() {
            let limit = go_v(&v["emptyDir"]["sizeLimit"]);
            w.f(2, format_args!(
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{}\n",
                s(v, &["emptyDir", "medium"]),
                if v["emptyDir"]["sizeLimit"].is_null() { "<unset>".to_string() } else { limit }
            ));
        } else if v["secret"].is_object() {
            w.f(2, format_args!(
                "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n",
                s(v, &["secret", "secretName"]),
                opt(&v["secret"])
            ));
        } else if v["configMap"].is_object() {
            w.f(2, format_args!(
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n",
                s(v, &["configMap", "name"]),
                opt(&v["configMap"])
            ));
        } else if v["persistentVolumeClaim"].is_object() {
            w.f(2, format_args!(
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                s(v, &["persistentVolumeClaim", "claimName"]),
                v["persistentVolumeClaim"]["readOnly"].as_bool().unwrap_or(false)
            ));
        } else if v["nfs"].is_object() {
            w.f(2, format_args!(
                "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                s(v, &["nfs", "server"]),
                s(v, &["nfs", "path"]),
                v["nfs"]["readOnly"].as_bool().unwrap_or(false)
            ));
        } else if v["projected"].is_object() {
            w.w(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for src in arr(&v["projected"], "sources") {
                if src["secret"].is_object() {
                    w.f(
                        2,
                        format_args!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            s(src, &["secret", "name"]),
                            opt(&src["secret"])
                        ),
                    );
                } else if src["downwardAPI"].is_object() {
                    w.w(2, "DownwardAPI:\ttrue\n");
                } else if src["configMap"].is_object() {
                    w.f(
                        2,
                        format_args!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            s(src, &["configMap", "name"]),
                            opt(&src["configMap"])
                        ),
                    );
                } else if src["serviceAccountToken"].is_object() {
                    w.f(
                        2,
                        format_args!(
                            "TokenExpirationSeconds:\t{}\n",
                            src["serviceAccountToken"]["expirationSeconds"]
                                .as_i64()
                                .unwrap_or(3607)
                        ),
                    );
                }
            }
        } else if v["downwardAPI"].is_object() {
            w.w(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in arr(&v["downwardAPI"], "items") {
                if item["fieldRef"].is_object() {
                    w.f(
                        3,
                        format_args!(
                            "{} -> {}\n",
                            s(item, &["fieldRef", "fieldPath"]),
                            s(item, &["path"])
                        ),
                    );
                }
                if item["resourceFieldRef"].is_object() {
                    w.f(
                        3,
                        format_args!(
                            "{} -> {}\n",
                            s(item, &["resourceFieldRef", "resource"]),
                            s(item, &["path"])
                        ),
                    );
                }
            }
        } else if v["csi"].is_object() {
            let c = &v["csi"];
            w.f(2, format_args!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
                s(c, &["driver"]),
                s(c, &["fsType"]),
                c["readOnly"].as_bool().unwrap_or(false)
            ));
        } else if v["ephemeral"].is_object() {
            w.w(2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
        } else {
            w.w(1, "<unknown>\n");
        }
    }
}

/// `printTolerationsMultilineWithIndent`.
fn tolerations(w: &mut W, indent: &str, title: &str, list: &[Value]) {
    w.f(0, format_args!("{indent}{title}:\t"));
    if list.is_empty() {
        w.w(0, "<none>\n");
        return;
    }
    let mut sorted: Vec<&Value> = list.iter().collect();
    sorted.sort_stable_by(|a, b| s(a, &["key"]).cmp(s(b, &["key"])));
    for (i, t) in sorted.iter().enumerate() {
        if i > 0 {
            w.f(0, format_args!("{indent}\t"));
        }
        let mut line = s(t, &["key"]).to_string();
        let value = s(t, &["value"]);
        if !value.is_empty() {
            _ = write!(line, "={value}");
        }
        let effect = s(t, &["effect"]);
        if !effect.is_empty() {
            _ = write!(line, ":{effect}");
        }
        if s(t, &["operator"]) == "Exists" && value.is_empty() {
            if !s(t, &["key"]).is_empty() || !effect.is_empty() {
                line.push_str(" op=Exists");
            } else {
                line.push_str("op=Exists");
            }
        }
        if let Some(secs) = t["tolerationSeconds"].as_i64() {
            _ = write!(line, " for {secs}s");
        }
        w.line(0, "", &*line);
    }
}

/// `DescribePodTemplate` as `rollout history --revision` prints it: kubectl's prefix
/// writer straight into the text, raw tabs, no tabwriter.
pub fn pod_template_text(template: &Value) -> String {
    let mut w = W::default();
    pod_template(&mut w, template);
    w.buf
}

/// `DescribePodTemplate`.
fn pod_template(w: &mut W, template: &Value) {
    w.w(0, "Pod Template:\n");
    if template.is_null() {
        w.w(1, "<unset>");
        return;
    }
    let md = &template["metadata"];
    labels_multiline(w, "", "  Labels", &string_map(&md["labels"]));
    let ann = string_map(&md["annotations"]);
    if !ann.is_empty() {
        annotations_multiline(w, "  Annotations", &ann);
    }
    let spec = &template["spec"];
    if !s(spec, &["serviceAccountName"]).is_empty() {
        w.line(
            1,
            "Service Account:\t",
            &*(s(spec, &["serviceAccountName"])),
        );
    }
    if !arr(spec, "initContainers").is_empty() {
        containers(
            w,
            "Init Containers",
            arr(spec, "initContainers"),
            None,
            None,
            "  ",
        );
    }
    containers(w, "Containers", arr(spec, "containers"), None, None, "  ");
    volumes(w, arr(spec, "volumes"), "  ");
    if !s(spec, &["priorityClassName"]).is_empty() {
        w.line(
            1,
            "Priority Class Name:\t",
            &*(s(spec, &["priorityClassName"])),
        );
    }
    labels_multiline(
        w,
        "",
        "  Node-Selectors",
        &string_map(&spec["nodeSelector"]),
    );
    tolerations(w, "", "  Tolerations", arr(spec, "tolerations"));
}

// ----- workloads ----------------------------------------------------------------------

fn statefulset(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    w.line(0, "CreationTimestamp:\t", &*(rfc1123z(o.meta.creation_ms)));
    w.line(0, "Selector:\t", &*(selector_string(&spec["selector"])));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.f(
        0,
        format_args!(
            "Replicas:\t{} desired | {} total\n",
            spec["replicas"].as_i64().unwrap_or(1),
            o.status()["replicas"].as_i64().unwrap_or(0)
        ),
    );
    w.line(
        0,
        "Update Strategy:\t",
        &*(s(spec, &["updateStrategy", "type"])),
    );
    let ru = &spec["updateStrategy"]["rollingUpdate"];
    if let Some(p) = ru["partition"].as_i64() {
        w.f(1, format_args!("Partition:\t{}\n", p));
        if !ru["maxUnavailable"].is_null() {
            w.line(1, "MaxUnavailable:\t", &*(go_v(&ru["maxUnavailable"])));
        }
    }
    w.line(0, "Pods Status:\t", &*(pod_status_counts(sim, o)));
    pod_template(w, &spec["template"]);
    let templates = arr(spec, "volumeClaimTemplates");
    if templates.is_empty() {
        w.w(0, "Volume Claims:\t<none>\n");
    } else {
        w.w(0, "Volume Claims:\n");
        for t in templates {
            w.line(1, "Name:\t", &*(s(t, &["metadata", "name"])));
            w.line(1, "StorageClass:\t", &*(claim_class(t)));
            labels_multiline(w, "  ", "Labels", &string_map(&t["metadata"]["labels"]));
            labels_multiline(
                w,
                "  ",
                "Annotations",
                &string_map(&t["metadata"]["annotations"]),
            );
            let cap = &t["spec"]["resources"]["requests"]["storage"];
            if cap.is_null() {
                w.w(1, "Capacity:\t<default>\n");
            } else {
                w.line(1, "Capacity:\t", &*(go_v(cap)));
            }
            let modes: Vec<String> = arr(&t["spec"], "accessModes").iter().map(go_v).collect();
            w.f(1, format_args!("Access Modes:\t[{}]\n", modes.join(" ")));
        }
    }
}

/// `storageutil.GetPersistentVolumeClaimClass`.
fn claim_class(pvc: &Value) -> String {
    let beta = s(
        pvc,
        &[
            "metadata",
            "annotations",
            "volume.beta.kubernetes.io/storage-class",
        ],
    );
    if !beta.is_empty() {
        return beta.to_string();
    }
    s(pvc, &["spec", "storageClassName"]).to_string()
}

fn deployment(sim: &Sim, d: &Object, w: &mut W) {
    let spec = d.spec();
    let st = d.status();
    let n = |k: &str| st[k].as_i64().unwrap_or(0);
    w.line(0, "Name:\t", &*(d.meta.name));
    w.line(0, "Namespace:\t", &*(d.meta.namespace));
    w.line(0, "CreationTimestamp:\t", &*(rfc1123z(d.meta.creation_ms)));
    labels_multiline(w, "", "Labels", &d.meta.labels);
    annotations_multiline(w, "Annotations", &d.meta.annotations);
    w.line(0, "Selector:\t", &*(selector_string(&spec["selector"])));
    w.f(
        0,
        format_args!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            spec["replicas"].as_i64().unwrap_or(1),
            n("updatedReplicas"),
            n("replicas"),
            n("availableReplicas"),
            n("unavailableReplicas")
        ),
    );
    w.line(0, "StrategyType:\t", &*(s(spec, &["strategy", "type"])));
    w.f(
        0,
        format_args!(
            "MinReadySeconds:\t{}\n",
            spec["minReadySeconds"].as_i64().unwrap_or(0)
        ),
    );
    let ru = &spec["strategy"]["rollingUpdate"];
    if ru.is_object() {
        w.f(
            0,
            format_args!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
                go_v(&ru["maxUnavailable"]),
                go_v(&ru["maxSurge"])
            ),
        );
    }
    pod_template(w, &spec["template"]);
    conditions_with_reason(w, arr(st, "conditions"));
    // deploymentutil.GetAllReplicaSets: the new ReplicaSet has the Deployment's template
    // (ignoring pod-template-hash); every other owned ReplicaSet is old.
    let owned: Vec<&Object> = sim
        .store
        .owned_by(&d.meta.uid)
        .filter(|o| {
            o.gk() == "ReplicaSet.apps"
                && o.controller_ref().map(|r| r.uid.as_str()) == Some(&d.meta.uid)
        })
        .collect();
    if !owned.is_empty() {
        let want = template_without_hash(&spec["template"]);
        let mut new: Vec<&Object> = owned
            .iter()
            .copied()
            .filter(|rs| template_without_hash(&rs.spec()["template"]) == want)
            .collect();
        new.sort_stable_by_key(|rs| (rs.meta.creation_ms, rs.meta.name.clone()));
        new.truncate(1);
        let old: Vec<&Object> = owned
            .iter()
            .copied()
            .filter(|rs| !new.iter().any(|n| n.meta.uid == rs.meta.uid))
            .collect();
        w.line(0, "OldReplicaSets:\t", &*(rs_list(&old)));
        w.line(0, "NewReplicaSet:\t", &*(rs_list(&new)));
    }
}

fn template_without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(l) = t
        .get_mut("metadata")
        .and_then(|m| m.get_mut("labels"))
        .and_then(Value::as_object_mut)
    {
        l.remove("pod-template-hash");
    }
    t
}

fn rs_list(list: &[&Object]) -> String {
    if list.is_empty() {
        return "<none>".into();
    }
    list.iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.meta.name,
                rs.status()["replicas"].as_i64().unwrap_or(0),
                rs.spec()["replicas"].as_i64().unwrap_or(1)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn conditions_with_reason(w: &mut W, conditions: &[Value]) {
    if conditions.is_empty() {
        return;
    }
    w.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.w(1, "----\t------\t------\n");
    for c in conditions {
        w.f(
            1,
            format_args!(
                "{} \t{}\t{}\n",
                s(c, &["type"]),
                s(c, &["status"]),
                s(c, &["reason"])
            ),
        );
    }
}

fn replicaset(sim: &Sim, rs: &Object, w: &mut W) {
    let spec = rs.spec();
    w.line(0, "Name:\t", &*(rs.meta.name));
    w.line(0, "Namespace:\t", &*(rs.meta.namespace));
    w.line(
        0,
        "Selector:\t",
        &*(format_label_selector(&spec["selector"])),
    );
    labels_multiline(w, "", "Labels", &rs.meta.labels);
    annotations_multiline(w, "Annotations", &rs.meta.annotations);
    if let Some(c) = controlled_by(rs) {
        w.line(0, "Controlled By:\t", &*c);
    }
    w.f(
        0,
        format_args!(
            "Replicas:\t{} current / {} desired\n",
            rs.status()["replicas"].as_i64().unwrap_or(0),
            spec["replicas"].as_i64().unwrap_or(1)
        ),
    );
    w.line(0, "Pods Status:\t", &*(pod_status_counts(sim, rs)));
    pod_template(w, &spec["template"]);
    conditions_with_reason(w, arr(rs.status(), "conditions"));
}

/// kubectl's `describeJob`: each spec line only when its field is set (a 1.21 Job has no
/// completion mode or suspend), the times from the status, the pod counts of the status
/// (with Ready once the API has `status.ready`, 1.24), the pod template. No conditions.
fn job(j: &Object, w: &mut W) {
    let spec = j.spec();
    let st = j.status();
    w.line(0, "Name:\t", &j.meta.name);
    w.line(0, "Namespace:\t", &j.meta.namespace);
    w.line(0, "Selector:\t", &selector_string(&spec["selector"]));
    labels_multiline(w, "", "Labels", &j.meta.labels);
    annotations_multiline(w, "Annotations", &j.meta.annotations);
    if let Some(c) = controlled_by(j) {
        w.line(0, "Controlled By:\t", &c);
    }
    if let Some(p) = spec["parallelism"].as_i64() {
        w.f(0, format_args!("Parallelism:\t{p}\n"));
    }
    match spec["completions"].as_i64() {
        Some(c) => w.f(0, format_args!("Completions:\t{c}\n")),
        None => w.w(0, "Completions:\t<unset>\n"),
    }
    if let Some(m) = spec["completionMode"].as_str() {
        w.f(0, format_args!("Completion Mode:\t{m}\n"));
    }
    if let Some(b) = spec["suspend"].as_bool() {
        w.f(0, format_args!("Suspend:\t{b}\n"));
    }
    if let Some(b) = spec["backoffLimit"].as_i64() {
        w.f(0, format_args!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = spec["ttlSecondsAfterFinished"].as_i64() {
        w.f(0, format_args!("TTL Seconds After Finished:\t{t}\n"));
    }
    let start = st["startTime"].as_str().and_then(parse_rfc3339);
    let done = st["completionTime"].as_str().and_then(parse_rfc3339);
    if let Some(t) = start {
        w.line(0, "Start Time:\t", &rfc1123z(t));
    }
    if let Some(t) = done {
        w.line(0, "Completed At:\t", &rfc1123z(t));
    }
    if let (Some(a), Some(b)) = (start, done) {
        w.line(0, "Duration:\t", &human_duration(b - a));
    }
    if let Some(a) = spec["activeDeadlineSeconds"].as_i64() {
        w.f(0, format_args!("Active Deadline Seconds:\t{a}s\n"));
    }
    let n = |k: &str| st[k].as_i64().unwrap_or(0);
    match st["ready"].as_i64() {
        Some(r) => w.f(
            0,
            format_args!(
                "Pods Statuses:\t{} Active ({r} Ready) / {} Succeeded / {} Failed\n",
                n("active"),
                n("succeeded"),
                n("failed")
            ),
        ),
        None => w.f(
            0,
            format_args!(
                "Pods Statuses:\t{} Active / {} Succeeded / {} Failed\n",
                n("active"),
                n("succeeded"),
                n("failed")
            ),
        ),
    }
    if spec["completionMode"] == "Indexed" {
        let idx = st["completedIndexes"].as_str().unwrap_or("");
        w.line(
            0,
            "Completed Indexes:\t",
            if idx.is_empty() { "<none>" } else { idx },
        );
    }
    pod_template(w, &spec["template"]);
}

// ----- configuration ------------------------------------------------------------------

fn configmap(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.w(0, "\nData\n====\n");
    if let Some(m) = o.body.get("data").and_then(Value::as_object) {
        for (k, v) in m {
            w.f(
                0,
                format_args!("{k}:\n----\n{}\n\n", v.as_str().unwrap_or("")),
            );
        }
    }
    w.w(0, "\nBinaryData\n====\n");
    if let Some(m) = o.body.get("binaryData").and_then(Value::as_object) {
        for (k, v) in m {
            let bytes = v
                .as_str()
                .map_or(0, |b| b.trim_end_matches('=').len() * 3 / 4);
            w.f(0, format_args!("{k}: {bytes} bytes\n"));
        }
    }
    w.w(0, "\n");
}

fn secret(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.f(
        0,
        format_args!("\nType:\t{}\n\n", o.str_at(&["type"]).unwrap_or("Opaque")),
    );
    w.w(0, "Data\n====\n");
    let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(m) = o.body.get("data").and_then(Value::as_object) {
        for (k, v) in m {
            let b = v.as_str().unwrap_or("");
            let pad = b.chars().rev().take_while(|c| *c == '=').count();
            sizes.insert(k.clone(), (b.len() / 4) * 3 - pad.min(2));
        }
    }
    if let Some(m) = o.body.get("stringData").and_then(Value::as_object) {
        for (k, v) in m {
            sizes.insert(k.clone(), v.as_str().unwrap_or("").len());
        }
    }
    for (k, n) in sizes {
        w.f(0, format_args!("{k}:\t{n} bytes\n"));
    }
}

fn namespace(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.line(
        0,
        "Status:\t",
        &*(o.str_at(&["status", "phase"]).unwrap_or("Active")),
    );
    w.w(0, "\nNo resource quota.\n");
    w.w(0, "\nNo LimitRange resource.\n");
}

fn serviceaccount(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    let names = |key: &str| -> Vec<String> {
        o.body
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|x| s(x, &["name"]).to_string()).collect())
            .unwrap_or_default()
    };
    for (header, list) in [
        ("Image pull secrets:", names("imagePullSecrets")),
        ("Mountable secrets: ", names("secrets")),
        ("Tokens:            ", vec![]),
    ] {
        if list.is_empty() {
            w.f(0, format_args!("{header}\t<none>\n"));
        } else {
            let mut prefix = header.to_string();
            for n in list {
                w.f(0, format_args!("{prefix}\t{n}\n"));
                prefix = " ".repeat(19);
            }
        }
    }
}

// ----- networking and storage -----------------------------------------------------------

fn service(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.line(
        0,
        "Selector:\t",
        &*(format_labels(&string_map(&spec["selector"]))),
    );
    w.line(0, "Type:\t", &*(s(spec, &["type"])));
    if !s(spec, &["ipFamilyPolicy"]).is_empty() {
        w.line(0, "IP Family Policy:\t", &*(s(spec, &["ipFamilyPolicy"])));
    }
    let fams: Vec<String> = arr(spec, "ipFamilies").iter().map(go_v).collect();
    w.line(0, "IP Families:\t", &*(none_if_empty(&fams.join(","))));
    w.line(0, "IP:\t", &*(s(spec, &["clusterIP"])));
    let ips: Vec<String> = arr(spec, "clusterIPs").iter().map(go_v).collect();
    w.line(0, "IPs:\t", &*(none_if_empty(&ips.join(","))));
    let ext: Vec<String> = arr(spec, "externalIPs").iter().map(go_v).collect();
    if !ext.is_empty() {
        w.line(0, "External IPs:\t", &*(ext.join(",")));
    }
    if !s(spec, &["loadBalancerIP"]).is_empty() {
        w.line(
            0,
            "Desired LoadBalancer IP:\t",
            &*(s(spec, &["loadBalancerIP"])),
        );
    }
    if !s(spec, &["externalName"]).is_empty() {
        w.line(0, "External Name:\t", &*(s(spec, &["externalName"])));
    }
    let lb: Vec<String> = arr(&o.status()["loadBalancer"], "ingress")
        .iter()
        .map(|i| {
            let ip = s(i, &["ip"]);
            if ip.is_empty() {
                s(i, &["hostname"]).to_string()
            } else if !s(i, &["ipMode"]).is_empty() {
                format!("{ip} ({})", s(i, &["ipMode"]))
            } else {
                ip.to_string()
            }
        })
        .collect();
    if !lb.is_empty() {
        w.line(0, "LoadBalancer Ingress:\t", &*(lb.join(", ")));
    }
    let slices = slices_for(sim, &o.meta.namespace, &o.meta.name);
    for p in arr(spec, "ports") {
        let name = s(p, &["name"]);
        let shown = if name.is_empty() { "<unset>" } else { name };
        let proto = s(p, &["protocol"]);
        w.f(
            0,
            format_args!(
                "Port:\t{shown}\t{}/{proto}\n",
                p["port"].as_i64().unwrap_or(0)
            ),
        );
        w.f(
            0,
            format_args!("TargetPort:\t{}/{proto}\n", go_v(&p["targetPort"])),
        );
        if let Some(np) = p["nodePort"].as_i64().filter(|n| *n != 0) {
            w.f(0, format_args!("NodePort:\t{shown}\t{np}/{proto}\n"));
        }
        w.line(0, "Endpoints:\t", &*(endpoints_text(&slices, name)));
    }
    w.line(0, "Session Affinity:\t", &*(s(spec, &["sessionAffinity"])));
    if !s(spec, &["externalTrafficPolicy"]).is_empty() {
        w.line(
            0,
            "External Traffic Policy:\t",
            &*(s(spec, &["externalTrafficPolicy"])),
        );
    }
    if !s(spec, &["internalTrafficPolicy"]).is_empty() {
        w.line(
            0,
            "Internal Traffic Policy:\t",
            &*(s(spec, &["internalTrafficPolicy"])),
        );
    }
    if let Some(hc) = spec["healthCheckNodePort"].as_i64().filter(|n| *n != 0) {
        w.f(0, format_args!("HealthCheck NodePort:\t{}\n", hc));
    }
}

fn none_if_empty(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

/// `labels.FormatLabels`: `k=v,k2=v2`, `<none>` when empty.
fn format_labels(m: &BTreeMap<String, String>) -> String {
    let s = m
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    none_if_empty(&s).to_string()
}

fn slices_for<'a>(sim: &'a Sim, ns: &str, service: &str) -> Vec<&'a Object> {
    sim.store
        .list("EndpointSlice.discovery.k8s.io", ns)
        .filter(|es| {
            es.meta
                .labels
                .get("kubernetes.io/service-name")
                .map(String::as_str)
                == Some(service)
        })
        .collect()
}

/// `formatEndpointSlices` for one port name: ready `ip:port`, at most three, then
/// `+ N more...`; `<none>` only when the Service has no slices at all.
fn endpoints_text(slices: &[&Object], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    let mut list = vec![];
    let mut count = 0;
    for es in slices {
        for p in es
            .body
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if p["name"].as_str().unwrap_or("") != port_name {
                continue;
            }
            let port = p["port"].as_i64().unwrap_or(0);
            for e in es
                .body
                .get("endpoints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if e["conditions"]["ready"].as_bool() == Some(false) {
                    continue;
                }
                if list.len() < 3 {
                    list.push(format!(
                        "{}:{port}",
                        e["addresses"][0].as_str().unwrap_or("")
                    ));
                }
                count += 1;
            }
        }
    }
    if count > 3 {
        format!("{} + {} more...", list.join(","), count - 3)
    } else {
        list.join(",")
    }
}

fn access_modes(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|m| match m.as_str().unwrap_or("") {
                    "ReadWriteOnce" => "RWO",
                    "ReadOnlyMany" => "ROX",
                    "ReadWriteMany" => "RWX",
                    "ReadWriteOncePod" => "RWOP",
                    other => other,
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

fn pvc(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    w.line(0, "StorageClass:\t", &*(claim_class(&o.to_json())));
    match o.meta.deletion_ms {
        Some(d) => w.f(
            0,
            format_args!("Status:\tTerminating (lasts {})\n", since(sim, d)),
        ),
        None => w.line(
            0,
            "Status:\t",
            &*(o.str_at(&["status", "phase"]).unwrap_or("")),
        ),
    }
    let volume = s(spec, &["volumeName"]);
    w.line(0, "Volume:\t", &*volume);
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.f(
        0,
        format_args!("Finalizers:\t[{}]\n", o.meta.finalizers.join(" ")),
    );
    let (cap, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            go_v(&o.status()["capacity"]["storage"]),
            access_modes(&o.status()["accessModes"]),
        )
    };
    let cap = if cap == "<nil>" { String::new() } else { cap };
    w.line(0, "Capacity:\t", &*cap);
    w.line(0, "Access Modes:\t", &*modes);
    if !s(spec, &["volumeMode"]).is_empty() {
        w.line(0, "VolumeMode:\t", &*(s(spec, &["volumeMode"])));
    }
    let users: Vec<&str> = sim
        .store
        .list("Pod", &o.meta.namespace)
        .filter(|p| {
            p.get(&["spec", "volumes"]).as_array().is_some_and(|vs| {
                vs.iter()
                    .any(|v| v["persistentVolumeClaim"]["claimName"].as_str() == Some(&o.meta.name))
            })
        })
        .map(|p| p.meta.name.as_str())
        .collect();
    w.w(0, "Used By:\t");
    if users.is_empty() {
        w.w(0, "<none>\n");
    } else {
        for (i, u) in users.iter().enumerate() {
            if i > 0 {
                w.w(0, "\t");
            }
            w.line(0, "", &*u);
        }
    }
}

fn pv(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    w.line(0, "Name:\t", &*(o.meta.name));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.f(
        0,
        format_args!("Finalizers:\t[{}]\n", o.meta.finalizers.join(" ")),
    );
    // `storageutil.GetPersistentVolumeClass`: the beta annotation wins.
    let beta = o
        .meta
        .annotations
        .get("volume.beta.kubernetes.io/storage-class")
        .cloned();
    let class = beta.unwrap_or_else(|| s(spec, &["storageClassName"]).to_string());
    w.line(0, "StorageClass:\t", &*class);
    if let Some(d) = o.meta.deletion_ms {
        w.f(
            0,
            format_args!("Status:\tTerminating (lasts {})\n", since(sim, d)),
        );
    } else {
        w.line(
            0,
            "Status:\t",
            &*(o.str_at(&["status", "phase"]).unwrap_or("")),
        );
    }
    let claim = &spec["claimRef"];
    if claim.is_object() {
        w.f(
            0,
            format_args!(
                "Claim:\t{}/{}\n",
                s(claim, &["namespace"]),
                s(claim, &["name"])
            ),
        );
    } else {
        w.w(0, "Claim:\t\n");
    }
    w.line(
        0,
        "Reclaim Policy:\t",
        &*(s(spec, &["persistentVolumeReclaimPolicy"])),
    );
    w.line(0, "Access Modes:\t", &*(access_modes(&spec["accessModes"])));
    if !s(spec, &["volumeMode"]).is_empty() {
        w.line(0, "VolumeMode:\t", &*(s(spec, &["volumeMode"])));
    }
    w.line(0, "Capacity:\t", &*(go_v(&spec["capacity"]["storage"])));
    w.w(0, "Node Affinity:\t<none>\n");
    w.line(
        0,
        "Message:\t",
        &*(o.str_at(&["status", "message"]).unwrap_or("")),
    );
    w.w(0, "Source:\n");
    if spec["hostPath"].is_object() {
        let t = s(spec, &["hostPath", "type"]);
        w.f(
            2,
            format_args!(
            "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}\n",
            s(spec, &["hostPath", "path"]),
            none_if_empty(t)
        ),
        );
    } else if spec["csi"].is_object() {
        let c = &spec["csi"];
        w.f(2, format_args!(
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
            s(c, &["driver"]),
            s(c, &["fsType"]),
            s(c, &["volumeHandle"]),
            c["readOnly"].as_bool().unwrap_or(false)
        ));
        // `printCSIPersistentVolumeAttributesMultiline`.
        let attrs = string_map(&c["volumeAttributes"]);
        w.w(2, "VolumeAttributes:\t");
        if attrs.is_empty() {
            w.w(0, "<none>\n");
        }
        for (i, (k, v)) in attrs.iter().enumerate() {
            if i > 0 {
                w.w(2, "\t");
            }
            let line = format!("{k}={v}");
            w.line(0, "", &*(shorten(&line, MAX_ANNOTATION_LEN)));
        }
    } else if spec["local"].is_object() {
        w.line(2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t", &*(s(spec, &["local", "path"])));
    } else if spec["nfs"].is_object() {
        w.f(2, format_args!(
            "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
            s(spec, &["nfs", "server"]),
            s(spec, &["nfs", "path"]),
            spec["nfs"]["readOnly"].as_bool().unwrap_or(false)
        ));
    } else {
        w.w(1, "<unknown>\n");
    }
}

fn storageclass(o: &Object, w: &mut W) {
    let annotations = &o.meta.annotations;
    let is_default = |k: &str| annotations.get(k).is_some_and(|v| v == "true");
    let default_text = if is_default("storageclass.kubernetes.io/is-default-class")
        || is_default("storageclass.beta.kubernetes.io/is-default-class")
    {
        "Yes"
    } else {
        "No"
    };
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "IsDefaultClass:\t", &*default_text);
    w.line(0, "Annotations:\t", &*(format_labels(annotations)));
    w.line(
        0,
        "Provisioner:\t",
        &*(o.str_at(&["provisioner"]).unwrap_or("")),
    );
    w.line(
        0,
        "Parameters:\t",
        &*(format_labels(&string_map(o.get(&["parameters"])))),
    );
    let expansion = match o.get(&["allowVolumeExpansion"]).as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.line(0, "AllowVolumeExpansion:\t", &*expansion);
    let opts = o
        .get(&["mountOptions"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    if opts.is_empty() {
        w.w(0, "MountOptions:\t<none>\n");
    } else {
        w.w(0, "MountOptions:\n");
        for m in opts {
            w.line(1, "", &*(go_v(&m)));
        }
    }
    if let Some(r) = o.str_at(&["reclaimPolicy"]) {
        w.line(0, "ReclaimPolicy:\t", &*r);
    }
    if let Some(m) = o.str_at(&["volumeBindingMode"]) {
        w.line(0, "VolumeBindingMode:\t", &*m);
    }
}

fn ingress(sim: &Sim, o: &Object, w: &mut W) {
    let spec = o.spec();
    w.line(0, "Name:\t", &*(o.meta.name));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    let addrs: Vec<String> = arr(&o.status()["loadBalancer"], "ingress")
        .iter()
        .map(|i| {
            let ip = s(i, &["ip"]);
            if ip.is_empty() {
                s(i, &["hostname"]).to_string()
            } else {
                ip.to_string()
            }
        })
        .collect();
    w.line(0, "Address:\t", &*(addrs.join(",")));
    let class = s(spec, &["ingressClassName"]);
    w.line(
        0,
        "Ingress Class:\t",
        &*(if class.is_empty() { "<none>" } else { class }),
    );
    let backend_text = |b: &Value| -> String {
        let svc = &b["service"];
        if svc.is_object() {
            let port = if svc["port"]["number"].is_number() {
                go_v(&svc["port"]["number"])
            } else {
                s(svc, &["port", "name"]).to_string()
            };
            let name = s(svc, &["name"]);
            let Some(svc_obj) = sim.store.find("Service", &o.meta.namespace, name) else {
                return format!("{name}:{port} (<error: services \"{name}\" not found>)");
            };
            let slices = slices_for(sim, &o.meta.namespace, name);
            let mut port_name = String::new();
            for p in arr(svc_obj.spec(), "ports") {
                let by_number = svc["port"]["number"]
                    .as_i64()
                    .is_some_and(|n| n != 0 && Some(n) == p["port"].as_i64());
                let by_name = !s(svc, &["port", "name"]).is_empty()
                    && s(svc, &["port", "name"]) == s(p, &["name"]);
                if by_number || by_name {
                    port_name = s(p, &["name"]).to_string();
                }
            }
            format!("{name}:{port} ({})", endpoints_text(&slices, &port_name))
        } else if b["resource"].is_object() {
            format!(
                "APIGroup: {}, Kind: {}, Name: {}",
                b["resource"]["apiGroup"].as_str().unwrap_or("<none>"),
                s(b, &["resource", "kind"]),
                s(b, &["resource", "name"])
            )
        } else {
            String::new()
        }
    };
    let def = &spec["defaultBackend"];
    if def.is_object() {
        w.line(0, "Default backend:\t", &*(backend_text(def)));
    } else {
        w.w(0, "Default backend:\t<default>\n");
    }
    let tls = arr(spec, "tls");
    if !tls.is_empty() {
        w.w(0, "TLS:\n");
        for t in tls {
            let hosts: Vec<String> = arr(t, "hosts").iter().map(go_v).collect();
            let secret = s(t, &["secretName"]);
            if secret.is_empty() {
                w.line(1, "SNI routes ", &*(hosts.join(",")));
            } else {
                w.f(1, format_args!("{secret} terminates {}\n", hosts.join(",")));
            }
        }
    }
    w.w(0, "Rules:\n  Host\tPath\tBackends\n");
    w.w(1, "----\t----\t--------\n");
    let rules = arr(spec, "rules");
    let mut any = false;
    for r in rules {
        if !r["http"].is_object() {
            continue;
        }
        let paths = arr(&r["http"], "paths");
        any = true;
        let host = s(r, &["host"]);
        w.f(
            1,
            format_args!("{}\t\n", if host.is_empty() { "*" } else { host }),
        );
        for p in paths {
            w.f(
                2,
                format_args!("\t{} \t{}\n", s(p, &["path"]), backend_text(&p["backend"])),
            );
        }
    }
    if !any {
        w.f(
            1,
            format_args!(
                "{}\t{}\t{}\n",
                "*",
                "*",
                if def.is_object() {
                    backend_text(def)
                } else {
                    "<default>".into()
                }
            ),
        );
    }
    annotations_multiline(w, "Annotations", &o.meta.annotations);
}

fn ingressclass(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.line(0, "Controller:\t", &*(s(o.spec(), &["controller"])));
    let p = &o.spec()["parameters"];
    if p.is_object() {
        w.w(0, "Parameters:\n");
        if !s(p, &["apiGroup"]).is_empty() {
            w.line(1, "APIGroup:\t", &*(s(p, &["apiGroup"])));
        }
        w.line(1, "Kind:\t", &*(s(p, &["kind"])));
        w.line(1, "Name:\t", &*(s(p, &["name"])));
    }
}

/// `describeEndpoints`.
fn endpoints(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.w(0, "Subsets:\n");
    for subset in o.get(&["subsets"]).as_array().into_iter().flatten() {
        let ips = |k: &str| {
            let v: Vec<&str> = arr(subset, k).iter().map(|a| s(a, &["ip"])).collect();
            none_if_empty(&v.join(",")).to_string()
        };
        w.line(1, "Addresses:\t", &*(ips("addresses")));
        w.line(1, "NotReadyAddresses:\t", &*(ips("notReadyAddresses")));
        let ports = arr(subset, "ports");
        if !ports.is_empty() {
            w.w(1, "Ports:\n");
            w.w(2, "Name\tPort\tProtocol\n");
            w.w(2, "----\t----\t--------\n");
            for p in ports {
                w.f(
                    2,
                    format_args!(
                        "{}\t{}\t{}\n",
                        none_if_unset(s(p, &["name"])),
                        p["port"].as_i64().unwrap_or(0),
                        s(p, &["protocol"])
                    ),
                );
            }
        }
        w.w(0, "\n");
    }
}

fn none_if_unset(s: &str) -> &str {
    if s.is_empty() {
        "<unset>"
    } else {
        s
    }
}

/// `describeEndpointSliceV1`.
fn endpointslice(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    w.line(
        0,
        "AddressType:\t",
        &*(o.str_at(&["addressType"]).unwrap_or("")),
    );
    let ports = o.get(&["ports"]).as_array().cloned().unwrap_or_default();
    if ports.is_empty() {
        w.w(0, "Ports: <unset>\n");
    } else {
        w.w(0, "Ports:\n");
        w.w(1, "Name\tPort\tProtocol\n");
        w.w(1, "----\t----\t--------\n");
        for p in &ports {
            let port = p["port"]
                .as_i64()
                .map_or("<unset>".to_string(), |n| n.to_string());
            w.f(
                1,
                format_args!(
                    "{}\t{port}\t{}\n",
                    none_if_unset(s(p, &["name"])),
                    s(p, &["protocol"])
                ),
            );
        }
    }
    let eps = o
        .get(&["endpoints"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    if eps.is_empty() {
        w.w(0, "Endpoints: <none>\n");
    } else {
        w.w(0, "Endpoints:\n");
        for e in &eps {
            let addrs: Vec<String> = arr(e, "addresses").iter().map(go_v).collect();
            w.line(1, "- Addresses:\t", &*(none_if_empty(&addrs.join(", "))));
            w.w(2, "Conditions:\n");
            let ready = e["conditions"]["ready"]
                .as_bool()
                .map_or("<unset>".to_string(), |b| b.to_string());
            w.line(3, "Ready:\t", &*ready);
            w.line(
                2,
                "Hostname:\t",
                &*(e["hostname"].as_str().unwrap_or("<unset>")),
            );
            if e["targetRef"].is_object() {
                w.f(
                    2,
                    format_args!(
                        "TargetRef:\t{}/{}\n",
                        s(e, &["targetRef", "kind"]),
                        s(e, &["targetRef", "name"])
                    ),
                );
            }
            w.line(
                2,
                "NodeName:\t",
                &*(e["nodeName"].as_str().unwrap_or("<unset>")),
            );
            w.line(2, "Zone:\t", &*(e["zone"].as_str().unwrap_or("<unset>")));
        }
    }
}

// ----- everything else ------------------------------------------------------------------

/// kubectl's `genericDescriber`: the object's fields under smart labels.
fn generic(o: &Object, w: &mut W) {
    w.line(0, "Name:\t", &*(o.meta.name));
    w.line(0, "Namespace:\t", &*(o.meta.namespace));
    labels_multiline(w, "", "Labels", &o.meta.labels);
    annotations_multiline(w, "Annotations", &o.meta.annotations);
    if let Value::Object(m) = o.to_json() {
        unstructured(w, 0, &m, "");
    }
}

const GENERIC_SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// `printUnstructuredContent`.
fn unstructured(w: &mut W, level: usize, content: &serde_json::Map<String, Value>, prefix: &str) {
    for (field, value) in content {
        let path = format!("{prefix}.{field}");
        if GENERIC_SKIP.contains(&path.as_str()) {
            continue;
        }
        match value {
            Value::Object(m) => {
                w.f(level, format_args!("{}:\n", smart_label(field)));
                unstructured(w, level + 1, m, &path);
            }
            Value::Array(items) => {
                w.f(level, format_args!("{}:\n", smart_label(field)));
                for item in items {
                    match item {
                        Value::Object(m) => unstructured(w, level + 1, m, &path),
                        other => w.w(level + 1, &format!("{}\n", go_v(other))),
                    }
                }
            }
            other => w.f(
                level,
                format_args!("{}:\t{}\n", smart_label(field), go_v(other)),
            ),
        }
    }
}

/// `smartLabelFor`: `creationTimestamp` → `Creation Timestamp`, `apiVersion` →
/// `API Version`; names with characters other than letters and `-` stay as they are.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let up = p.to_uppercase();
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&up.as_str()) {
                up
            } else {
                let mut cs = p.chars();
                match cs.next() {
                    Some(f) => f.to_uppercase().collect::<String>() + cs.as_str(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `github.com/fatih/camelcase.Split`: runs of one character class, with an upper-case
/// run handing its last letter to a following lower-case run (`HTTPServer` → `HTTP`,
/// `Server`).
fn camel_split(s: &str) -> Vec<String> {
    fn class(c: char) -> u8 {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    }
    let mut runs: Vec<Vec<char>> = vec![];
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        if k == last && !runs.is_empty() {
            runs.last_mut().unwrap().push(c);
        } else {
            runs.push(vec![c]);
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase())
        {
            let moved = runs[i].pop().unwrap();
            runs[i + 1].insert(0, moved);
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1123z_matches_go() {
        assert_eq!(rfc1123z(0), "Thu, 01 Jan 2026 00:00:00 +0000");
        assert_eq!(
            rfc1123z(30_000 + 86_400_000 * 3),
            "Sun, 04 Jan 2026 00:00:30 +0000"
        );
    }

    #[test]
    fn smart_labels() {
        assert_eq!(smart_label("creationTimestamp"), "Creation Timestamp");
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("cronSpec"), "Cron Spec");
        assert_eq!(smart_label("podIP"), "Pod IP");
        assert_eq!(smart_label("v1"), "v1");
    }

    #[test]
    fn selector_strings_sort() {
        let v = serde_json::json!({"matchLabels": {"tier": "web", "app": "x"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["b", "a"]}]});
        assert_eq!(selector_string(&v), "app=x,env in (a,b),tier=web");
    }
}
