//! `kubectl get` (R8.0–R8.4): kinds and short names, names and `kind/name`, `-n`, `-A`,
//! `-l`, `-o wide|yaml|json|name`, `--show-labels`, `get all`; and `api-resources`.

use crate::sort::StableSort;
use serde_json::Value;

use super::args::{flag, parse, Args};
use super::{flag_error, namespace_of, printers, specs, table};
use crate::api::{Object, ResourceType, Selector};
use crate::errors::ApiError;
use crate::shell::{Output, Session};
use crate::sim::Sim;

const GET_FLAGS: &[super::args::FlagSpec] = &[
    flag("all-namespaces", Some('A'), false),
    flag("selector", Some('l'), true),
    flag("output", Some('o'), true),
    flag("show-labels", None, false),
    flag("watch", Some('w'), false),
    flag("watch-only", None, false),
    flag("output-watch-events", None, false),
    flag("no-headers", None, false),
    flag("field-selector", None, true),
    flag("sort-by", None, true),
    flag("label-columns", Some('L'), true),
    flag("show-kind", None, false),
    flag("filename", Some('f'), true),
];

/// The server's NotFound for one of the names asked for, as kubectl prints it (the
/// listing goes on with the other names).
fn not_found(errors: &mut String, rt: &ResourceType, name: &str) {
    errors.push_str(
        &ApiError::NotFound {
            resource: rt.qualified_plural(),
            name: name.to_string(),
        }
        .kubectl_text(),
    );
    errors.push('\n');
}

/// What to list: a type and optionally names.
struct Target {
    rt: ResourceType,
    names: Vec<String>,
}

pub fn get(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(words, &specs(GET_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("get", &e),
    };
    let output = a.get("output").unwrap_or("").to_string();
    let template = output.strip_prefix("jsonpath=").map(str::to_string);
    let columns = output.strip_prefix("custom-columns=").map(str::to_string);
    if template.as_deref() == Some("") || columns.as_deref() == Some("") {
        return Output::err(
            "error: template format specified but no template given\n",
            1,
        );
    }
    let output = if template.is_some() {
        "jsonpath".to_string()
    } else if columns.is_some() {
        "custom-columns".to_string()
    } else {
        output
    };
    if !matches!(
        output.as_str(),
        "" | "wide" | "yaml" | "json" | "name" | "jsonpath" | "custom-columns"
    ) {
        return Output::err(
            format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"),
            1,
        );
    }
    let selector = match a.get("selector").map(Selector::parse) {
        None => None,
        Some(Ok(sel)) => Some(sel),
        Some(Err(e)) => return Output::err(format!("error: {e}\n"), 1),
    };
    let fields = match a.get("field-selector").map(super::fields::parse) {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => return Output::err(format!("Error from server (BadRequest): {e}\n"), 1),
    };
    if a.positional.is_empty() {
        return Output::err(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n",
            1,
        );
    }
    let targets = match resolve_targets(&s.sim, &a.positional) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let all_ns = a.bool("all-namespaces");
    let ns = namespace_of(&a);
    // `resource.MultipleTypesRequested`: `all`, a comma list, or kind/name pairs of
    // different kinds print names as `kind.group/name`.
    let multi = a.bool("show-kind") || multiple_types_requested(&a.positional);
    let spec = template.or(columns).unwrap_or_default();
    let streams = matches!(output.as_str(), "" | "wide" | "name" | "yaml" | "json");
    if (a.bool("watch") || a.bool("watch-only"))
        && streams
        && !targets.iter().any(|t| t.rt.gk() == "Event")
    {
        return watch(
            s,
            &a,
            &targets,
            &ns,
            all_ns,
            (selector, fields),
            &output,
            multi,
        );
    }
    let mut out = render(
        &s.sim,
        &targets,
        &ns,
        all_ns,
        (selector.as_ref(), fields.as_ref()),
        (&output, &spec),
        &a,
        multi,
    );
    // API warnings (R6.4) come first, as kubectl prints them when the response arrives.
    let warnings: String = targets
        .iter()
        .filter_map(|t| super::print_network::warning(&s.sim, &t.rt.gk()))
        .map(|w| w + "\n")
        .collect();
    out.text.insert_str(0, &warnings);
    out
}

fn multiple_types_requested(words: &[String]) -> bool {
    if words.len() == 1 && words[0] == "all" {
        return true;
    }
    let mut kinds: Vec<&str> = vec![];
    for w in words {
        if let Some((k, _)) = w.split_once('/') {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
            if kinds.len() > 1 {
                return true;
            }
        } else if w.contains(',') {
            return true;
        }
    }
    false
}

/// `kubectl get -w` (kubectl `get.go` `watch()`, [`super::watch`]): the list, then —
/// in the time a `timeout` gives it (the CLI) — a line per watch event. Without a
/// deadline it prints the list and leaves the open watch in `Session::watch` for the
/// page's console to stream; in a transcript the next command drops it (time stands
/// still between commands, so nothing would have changed: TRANSCRIPT.md).
#[allow(clippy::too_many_arguments)]
fn watch(
    s: &mut Session,
    a: &Args,
    targets: &[Target],
    ns: &str,
    all_ns: bool,
    (selector, fields): (Option<Selector>, Option<super::fields::FieldSelector>),
    output: &str,
    multi: bool,
) -> Output {
    // The builder's `SingleResourceType()` (UNVERIFIED text: cli-runtime's builder
    // error, as read in its source), before anything is listed.
    let t = &targets[0];
    if targets.iter().any(|o| o.rt.gk() != t.rt.gk()) {
        return Output::err("error: you may only specify a single resource type\n", 1);
    }
    if let Some(f) = &fields {
        if let Some(e) = super::fields::refusal(f, &t.rt, a.get("selector").unwrap_or("")) {
            return Output::err(format!("{e}\n"), 1);
        }
    }
    let sim = &s.sim;
    let gk = t.rt.gk();
    let scope = if !t.rt.namespaced || all_ns {
        None
    } else {
        Some(ns.to_string())
    };
    let names: Vec<String> = targets.iter().flat_map(|t| t.names.clone()).collect();
    let mut objs: Vec<&Object> = vec![];
    let mut errors = String::new();
    if names.is_empty() {
        match &scope {
            None if !t.rt.namespaced => objs.extend(sim.store.list(&gk, "")),
            None => objs.extend(sim.store.list_all(&gk)),
            Some(ns) => objs.extend(sim.store.list(&gk, ns)),
        }
    } else {
        for name in &names {
            match sim.store.find(&gk, scope.as_deref().unwrap_or(""), name) {
                Some(o) => objs.push(o),
                None => {
                    not_found(&mut errors, &t.rt, name);
                }
            }
        }
    }
    // A named object that does not exist ends the command before the watch begins.
    if !errors.is_empty() {
        return Output::err(errors, 1);
    }
    if let Some(sel) = &selector {
        objs.retain(|o| sel.matches(&o.meta.labels));
    }
    if let Some(f) = &fields {
        objs.retain(|o| f.matches(o));
    }
    if let Some(path) = a.get("sort-by") {
        sort_by_path(&mut objs, path);
    }
    let format = match output {
        "name" => super::watch::Format::Name,
        "yaml" => super::watch::Format::Yaml,
        "json" => super::watch::Format::Json,
        _ => super::watch::Format::Table,
    };
    let columns = Columns {
        show_ns: all_ns && t.rt.namespaced,
        wide: output == "wide",
        multi,
        label_columns: label_columns(a),
        show_labels: a.bool("show-labels"),
    };
    let mut w = super::watch::Watch::new(
        t.rt.clone(),
        scope,
        names,
        selector,
        fields,
        format,
        columns,
        a.bool("no-headers"),
        a.bool("output-watch-events"),
    );
    let mut out = Output::default();
    if let Some(warning) = super::print_network::warning(sim, &gk) {
        out.line(&warning);
    }
    out.text
        .push_str(&w.initial(sim, &objs, !a.bool("watch-only")));
    match s.deadline {
        // `timeout D kubectl get -w`: virtual time runs to the deadline, every write of
        // the kind kept on the way, then printed as it happened (each row at its time).
        Some(deadline) => {
            s.sim.watch.open(&gk);
            s.sim.advance(deadline - s.sim.now);
            let writes = s.sim.watch.take(usize::MAX);
            s.sim.watch.close();
            out.text.push_str(&w.print(&mut s.sim, writes));
            s.timed_out = true;
        }
        None => s.watch = Some(w),
    }
    out
}

/// `-L key1,key2 -L key3`: the label columns asked for.
fn label_columns(a: &Args) -> Vec<String> {
    a.all("label-columns")
        .iter()
        .flat_map(|l| {
            l.split(',')
                .map(|x| x.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// `pods`, `pods,svc`, `pod mongo-0 mongo-1`, `pod/mongo-0`, `all`.
fn resolve_targets(sim: &Sim, words: &[String]) -> Result<Vec<Target>, Output> {
    let mut targets: Vec<Target> = vec![];
    let unknown = |w: &str| {
        Output::err(
            format!("error: the server doesn't have a resource type \"{w}\"\n"),
            1,
        )
    };
    if words.iter().any(|w| w.contains('/')) {
        for w in words {
            let Some((kind, name)) = w.split_once('/') else {
                return Err(Output::err(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n",
                    1,
                ));
            };
            let rt = sim
                .discovery
                .resolve(kind)
                .ok_or_else(|| unknown(kind))?
                .clone();
            targets.push(Target {
                rt,
                names: vec![name.to_string()],
            });
        }
        return Ok(targets);
    }
    let kinds = &words[0];
    let names: Vec<String> = words[1..].to_vec();
    for k in kinds.split(',').filter(|k| !k.is_empty()) {
        if k == "all" {
            let mut all: Vec<&ResourceType> =
                sim.discovery.types().iter().filter(|t| t.in_all).collect();
            all.sort_stable_by_key(|t| all_order(&t.kind));
            for rt in all {
                targets.push(Target {
                    rt: rt.clone(),
                    names: names.clone(),
                });
            }
            continue;
        }
        let rt = sim.discovery.resolve(k).ok_or_else(|| unknown(k))?.clone();
        targets.push(Target {
            rt,
            names: names.clone(),
        });
    }
    Ok(targets)
}

/// R8.4 order of `get all`.
fn all_order(kind: &str) -> usize {
    [
        "Pod",
        "ReplicationController",
        "Service",
        "DaemonSet",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "HorizontalPodAutoscaler",
        "CronJob",
        "Job",
    ]
    .iter()
    .position(|k| *k == kind)
    .unwrap_or(99)
}

#[allow(clippy::too_many_arguments)]
fn render(
    sim: &Sim,
    targets: &[Target],
    ns: &str,
    all_ns: bool,
    (selector, fields): (Option<&Selector>, Option<&super::fields::FieldSelector>),
    (output, spec): (&str, &str),
    a: &Args,
    multi: bool,
) -> Output {
    let mut out = Output::default();
    let mut errors = String::new();
    let mut objects_for_doc: Vec<Value> = vec![];
    let mut printed_any = false;
    let wide = output == "wide";
    let label_columns = label_columns(a);
    let single_item = targets.len() == 1 && targets[0].names.len() == 1;
    for t in targets {
        let gk = t.rt.gk();
        if let Some(f) = fields {
            if let Some(e) = super::fields::refusal(f, &t.rt, a.get("selector").unwrap_or("")) {
                errors.push_str(&e);
                errors.push('\n');
                continue;
            }
        }
        // Events live in the simulator's event log; they are listed as Event objects.
        let synthesized: Vec<Object> = if gk == "Event" {
            super::events::objects(sim, if all_ns { None } else { Some(ns) })
        } else {
            vec![]
        };
        let mut objs: Vec<&Object> = if gk == "Event" {
            if t.names.is_empty() {
                synthesized.iter().collect()
            } else {
                let mut v = vec![];
                for name in &t.names {
                    match synthesized.iter().find(|o| &o.meta.name == name) {
                        Some(o) => v.push(o),
                        None => {
                            not_found(&mut errors, &t.rt, name);
                        }
                    }
                }
                v
            }
        } else if !t.names.is_empty() {
            let mut v = vec![];
            for name in &t.names {
                let ns_for = if t.rt.namespaced { ns } else { "" };
                match sim.store.find(&gk, ns_for, name) {
                    Some(o) => v.push(o),
                    None => {
                        not_found(&mut errors, &t.rt, name);
                    }
                }
            }
            v
        } else if !t.rt.namespaced {
            sim.store.list(&gk, "").collect()
        } else if all_ns {
            sim.store.list_all(&gk).collect()
        } else {
            sim.store.list(&gk, ns).collect()
        };
        if let Some(sel) = selector {
            objs.retain(|o| sel.matches(&o.meta.labels));
        }
        if let Some(f) = fields {
            objs.retain(|o| f.matches(o));
        }
        if let Some(path) = a.get("sort-by") {
            sort_by_path(&mut objs, path);
        }
        if objs.is_empty() {
            continue;
        }
        match output {
            "yaml" | "json" | "jsonpath" | "custom-columns" => {
                objects_for_doc.extend(objs.iter().map(|o| o.to_json()))
            }
            "name" => {
                for o in &objs {
                    out.linef(format_args!(
                        "{}/{}",
                        t.rt.qualified_singular(),
                        o.meta.name
                    ));
                }
            }
            _ => {
                if printed_any {
                    out.text.push('\n');
                }
                printed_any = true;
                let columns = Columns {
                    show_ns: all_ns && t.rt.namespaced,
                    wide,
                    multi,
                    label_columns: label_columns.clone(),
                    show_labels: a.bool("show-labels"),
                };
                let mut rows = vec![];
                if !a.bool("no-headers") {
                    rows.push(columns.header(sim, &t.rt));
                }
                for o in &objs {
                    rows.push(columns.row(sim, &t.rt, o));
                }
                out.text.push_str(&table::render(&rows));
            }
        }
    }
    match output {
        "custom-columns" => match custom_columns(spec, &objects_for_doc, a.bool("no-headers")) {
            Ok(text) => out.text.push_str(&text),
            Err(e) => return Output::err(format!("error: {e}\n"), 1),
        },
        "yaml" | "json" | "jsonpath" => {
            let single = single_item && objects_for_doc.len() == 1;
            let doc = if single {
                objects_for_doc.pop().unwrap()
            } else {
                serde_json::json!({"apiVersion": "v1", "items": objects_for_doc, "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            // A named object that was not found prints only the error.
            if single || !single_item || errors.is_empty() {
                if output == "jsonpath" {
                    match super::jsonpath::render(spec, &doc) {
                        Ok(text) => out.text.push_str(&text),
                        Err(e) => {
                            return Output::err(
                                format!("error: error parsing jsonpath {spec}, {e}\n"),
                                1,
                            )
                        }
                    }
                } else if output == "json" {
                    out.text.push_str(&to_kubectl_json(&doc));
                } else {
                    out.text.push_str(&crate::manifest::to_yaml(&doc));
                }
            }
        }
        _ => {
            if out.text.is_empty() && errors.is_empty() {
                // R8.0 (UNVERIFIED exact text, §13.10): kubectl writes this to stderr.
                let any_namespaced = targets.iter().any(|t| t.rt.namespaced);
                if all_ns || !any_namespaced {
                    out.line("No resources found");
                } else {
                    out.linef(format_args!("No resources found in {ns} namespace."));
                }
            }
        }
    }
    if !errors.is_empty() {
        out.text.push_str(&errors);
        out.code = 1;
    }
    out
}

/// `-o custom-columns=HEADER:PATH,…`: one column per spec, `<none>` for a missing
/// field, several values joined by commas.
fn custom_columns(spec: &str, objects: &[Value], no_headers: bool) -> Result<String, String> {
    let mut cols = vec![];
    for part in spec.split(',') {
        let Some((h, p)) = part.split_once(':') else {
            return Err(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            ));
        };
        cols.push((h.to_string(), p.to_string()));
    }
    let mut rows = vec![];
    if !no_headers {
        rows.push(cols.iter().map(|(h, _)| h.clone()).collect::<Vec<_>>());
    }
    for o in objects {
        let mut r = vec![];
        for (_, p) in &cols {
            let vals = super::jsonpath::find(p, o)?;
            if vals.is_empty() {
                r.push("<none>".to_string());
            } else {
                r.push(
                    vals.iter()
                        .map(|v| match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                );
            }
        }
        rows.push(r);
    }
    Ok(table::render(&rows))
}

/// kubectl's JSON printer: `json.MarshalIndent` with four spaces, and Go's HTML-safe
/// escapes for `<`, `>` and `&` (they can only occur inside strings).
pub fn to_kubectl_json(v: &Value) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    let mut s = String::from_utf8(buf).unwrap_or_default();
    s = s
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    s.push('\n');
    s
}

/// `--sort-by=.metadata.creationTimestamp`: numbers by value, everything else as text;
/// objects without the field first (kubectl's sorter treats them as smallest).
fn sort_by_path(objs: &mut [&Object], path: &str) {
    let keyed: Vec<(Value, usize)> = objs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let json = o.to_json();
            (
                super::print_config::simple_json_path(&json, path)
                    .cloned()
                    .unwrap_or(Value::Null),
                i,
            )
        })
        .collect();
    let mut order: Vec<usize> = (0..objs.len()).collect();
    order.sort_stable_by(|&x, &y| {
        let (a, b) = (&keyed[x].0, &keyed[y].0);
        match (a, b) {
            (Value::Number(p), Value::Number(q)) => p
                .as_f64()
                .partial_cmp(&q.as_f64())
                .unwrap_or(std::cmp::Ordering::Equal),
            (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
            (Value::Null, _) => std::cmp::Ordering::Less,
            (_, Value::Null) => std::cmp::Ordering::Greater,
            (Value::String(p), Value::String(q)) => p.cmp(q),
            (p, q) => p.to_string().cmp(&q.to_string()),
        }
    });
    let sorted: Vec<&Object> = order.iter().map(|&i| objs[i]).collect();
    objs.copy_from_slice(&sorted);
}

/// The columns of `get`'s table beside the kind's own (R8.2): NAMESPACE with `-A`,
/// `kind/name` names when several types are listed, `-L` label columns, `--show-labels`.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    pub show_ns: bool,
    pub wide: bool,
    pub multi: bool,
    pub label_columns: Vec<String>,
    pub show_labels: bool,
}

impl Columns {
    pub fn header(&self, sim: &Sim, rt: &ResourceType) -> Vec<String> {
        let mut header: Vec<String> = vec![];
        if self.show_ns {
            header.push("NAMESPACE".into());
        }
        header.extend(printers::columns(sim, &rt.gk(), self.wide));
        header.extend(
            self.label_columns
                .iter()
                .map(|l| l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase()),
        );
        if self.show_labels {
            header.push("LABELS".into());
        }
        header
    }

    pub fn row(&self, sim: &Sim, rt: &ResourceType, o: &Object) -> Vec<String> {
        let mut r = vec![];
        if self.show_ns {
            r.push(o.meta.namespace.clone());
        }
        let mut cells = printers::row(sim, o, self.wide);
        if self.multi {
            cells[0] = format!("{}/{}", rt.qualified_singular(), cells[0]);
        }
        r.extend(cells);
        for l in &self.label_columns {
            r.push(o.meta.labels.get(l).cloned().unwrap_or_default());
        }
        if self.show_labels {
            r.push(labels_cell(o));
        }
        r
    }
}

fn labels_cell(o: &Object) -> String {
    if o.meta.labels.is_empty() {
        return "<none>".into();
    }
    o.meta
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `kubectl api-resources`: sorted by API group (core first, then groups
/// alphabetically; kubectl's default sort), resources in discovery order (by name)
/// within a group.
pub fn api_resources(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("namespaced", None, true),
                    flag("output", Some('o'), true),
                    flag("api-group", None, true),
                    flag("no-headers", None, false),
                    flag("sort-by", None, true),
                    flag("verbs", None, true),
                    flag("categories", None, true),
                    flag("cached", None, false),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("api-resources", &e),
    };
    let output = a.get("output").unwrap_or("");
    if !matches!(output, "" | "wide" | "name") {
        return Output::err(format!("error: --output {output} is not available\n"), 1);
    }
    let mut types: Vec<&ResourceType> = s.sim.discovery.types().iter().collect();
    types.sort_stable_by(|x, y| {
        (x.group.as_str(), x.plural.as_str()).cmp(&(y.group.as_str(), y.plural.as_str()))
    });
    match a.get("sort-by") {
        Some("name") => types.sort_stable_by(|x, y| x.plural.cmp(&y.plural)),
        Some("kind") => types.sort_stable_by(|x, y| x.kind.cmp(&y.kind)),
        Some("") | None => {}
        Some(other) => {
            return Output::err(
                format!("error: --sort-by accepts only name or kind, got \"{other}\"\n"),
                1,
            )
        }
    }
    if let Some(ns) = a.get("namespaced") {
        let want = ns != "false";
        types.retain(|t| t.namespaced == want);
    }
    if let Some(g) = a.get("api-group") {
        types.retain(|t| t.group == g);
    }
    if let Some(c) = a.get("categories") {
        let wanted: Vec<&str> = c.split(',').collect();
        types.retain(|t| wanted.contains(&"all") && t.in_all);
    }
    if output == "name" {
        let mut out = String::new();
        for t in types {
            out.push_str(&t.qualified_plural());
            out.push('\n');
        }
        return Output::ok(out);
    }
    let mut rows = vec![];
    if !a.bool("no-headers") {
        let mut h: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .map(String::from)
            .to_vec();
        if output == "wide" {
            h.extend(["VERBS".into(), "CATEGORIES".into()]);
        }
        rows.push(h);
    }
    for t in types {
        let mut r = vec![
            t.plural.clone(),
            t.short_names.join(","),
            t.preferred_api_version(),
            t.namespaced.to_string(),
            t.kind.clone(),
        ];
        if output == "wide" {
            r.push("[create delete deletecollection get list patch update watch]".into());
            r.push(if t.in_all {
                "all".into()
            } else {
                String::new()
            });
        }
        rows.push(r);
    }
    Output::ok(table::render(&rows))
}

#[cfg(test)]
mod exit_codes {
    //! kubectl's exit status: 0 on success, 1 for every error it reports.
    use crate::shell::Session;

    fn code(s: &mut Session, line: &str) -> i32 {
        s.exec(line, None).code
    }

    #[test]
    fn errors_exit_1_and_successes_0() {
        let mut s = Session::new(1);
        for ok in [
            "kubectl get pods",
            "kubectl get ns",
            "kubectl version",
            "kubectl api-resources",
            "kubectl config get-contexts",
            "kubectl describe ns default",
            "kubectl label ns default a=b",
            "kubectl annotate ns default a=b",
            "kubectl patch ns default -p '{\"metadata\":{\"labels\":{\"c\":\"d\"}}}'",
            "kubectl wait --for=delete pod/nope",
            "kubectl events",
        ] {
            assert_eq!(code(&mut s, ok), 0, "{ok}");
        }
        for bad in [
            "kubectl get pod x",
            "kubectl get foo",
            "kubectl get pods --bogus",
            "kubectl frobnicate",
            "kubectl describe pod x",
            "kubectl describe",
            "kubectl label ns default a=c",
            "kubectl patch ns default --type json -p '[{\"op\":\"remove\",\"path\":\"/x\"}]'",
            "kubectl patch ns nope -p '{}'",
            "kubectl wait --for=condition=Ready pod/nope",
            "kubectl wait --for=condition=Ready pods -l app=nope",
            "kubectl get pods -o bogus",
        ] {
            assert_eq!(code(&mut s, bad), 1, "{bad}");
        }
    }

    #[test]
    fn wait_timeout_advances_virtual_time_and_fails() {
        let mut s = Session::new(1);
        let before = s.sim.now;
        let o = s.exec(
            "kubectl wait --for=jsonpath={.status.phase}=Gone ns/default --timeout=7s",
            None,
        );
        assert_eq!(o.code, 1);
        assert_eq!(
            o.text,
            "error: timed out waiting for the condition on namespaces/default\n"
        );
        assert_eq!(s.sim.now - before, 7_000);
    }
}
