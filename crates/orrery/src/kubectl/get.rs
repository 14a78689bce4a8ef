//! `kubectl get` (R8.0–R8.4): kinds and short names, names and `kind/name`, `-n`, `-A`,
//! `-l`, `-o wide|yaml|json|name`, `--show-labels`, `get all`; and `api-resources`.

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
    flag("no-headers", None, false),
    flag("field-selector", None, true),
    flag("sort-by", None, true),
    flag("label-columns", Some('L'), true),
    flag("show-kind", None, false),
    flag("filename", Some('f'), true),
];

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
    if !matches!(output.as_str(), "" | "wide" | "yaml" | "json" | "name") {
        return Output::err(
            format!("error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,wide,yaml\n"),
            1,
        );
    }
    let selector = match a.get("selector").map(Selector::parse) {
        None => None,
        Some(Ok(sel)) => Some(sel),
        Some(Err(e)) => return Output::err(format!("error: {e}\n"), 1),
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
    let multi = targets.len() > 1 || a.positional.iter().any(|p| p.contains('/'));
    let mut out = render(
        &s.sim,
        &targets,
        &ns,
        all_ns,
        selector.as_ref(),
        &output,
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
                    format!("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n"),
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
            all.sort_by_key(|t| all_order(&t.kind));
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
    selector: Option<&Selector>,
    output: &str,
    a: &Args,
    multi: bool,
) -> Output {
    let mut out = Output::default();
    let mut errors = String::new();
    let mut objects_for_doc: Vec<Value> = vec![];
    let mut printed_any = false;
    let wide = output == "wide";
    for t in targets {
        let gk = t.rt.gk();
        let mut objs: Vec<&Object> = if !t.names.is_empty() {
            let mut v = vec![];
            for name in &t.names {
                let ns_for = if t.rt.namespaced { ns } else { "" };
                match sim.store.find(&gk, ns_for, name) {
                    Some(o) => v.push(o),
                    None => {
                        let e = ApiError::NotFound {
                            resource: t.rt.qualified_plural(),
                            name: name.clone(),
                        };
                        errors.push_str(&e.kubectl_text());
                        errors.push('\n');
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
        if objs.is_empty() {
            continue;
        }
        match output {
            "yaml" | "json" => objects_for_doc.extend(objs.iter().map(|o| o.to_json())),
            "name" => {
                for o in &objs {
                    out.line(&format!("{}/{}", t.rt.qualified_singular(), o.meta.name));
                }
            }
            _ => {
                if printed_any {
                    out.text.push('\n');
                }
                printed_any = true;
                let show_ns = all_ns && t.rt.namespaced;
                let mut header: Vec<String> = vec![];
                if show_ns {
                    header.push("NAMESPACE".into());
                }
                header.extend(
                    printers::columns(sim, &gk, wide)
                        .iter()
                        .map(|c| c.to_string()),
                );
                if a.bool("show-labels") {
                    header.push("LABELS".into());
                }
                let mut rows = vec![];
                if !a.bool("no-headers") {
                    rows.push(header);
                }
                for o in &objs {
                    let mut r = vec![];
                    if show_ns {
                        r.push(o.meta.namespace.clone());
                    }
                    let mut cells = printers::row(sim, o, wide);
                    if multi || targets.len() > 1 {
                        cells[0] = format!("{}/{}", t.rt.qualified_singular(), cells[0]);
                    }
                    r.extend(cells);
                    if a.bool("show-labels") {
                        r.push(labels_cell(o));
                    }
                    rows.push(r);
                }
                out.text.push_str(&table::render(&rows));
            }
        }
    }
    match output {
        "yaml" | "json" => {
            let single =
                targets.len() == 1 && targets[0].names.len() == 1 && objects_for_doc.len() == 1;
            let doc = if single {
                objects_for_doc.pop().unwrap()
            } else {
                serde_json::json!({"apiVersion": "v1", "items": objects_for_doc, "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            if !objects_for_doc.is_empty() || single || errors.is_empty() {
                if output == "json" {
                    out.text
                        .push_str(&serde_json::to_string_pretty(&doc).unwrap_or_default());
                    out.text.push('\n');
                } else {
                    out.text.push_str(&crate::manifest::to_yaml(&doc));
                }
            }
        }
        _ => {
            if out.text.is_empty() && errors.is_empty() {
                let any_namespaced = targets.iter().any(|t| t.rt.namespaced);
                if all_ns || !any_namespaced {
                    out.line("No resources found");
                } else {
                    out.line(&format!("No resources found in {ns} namespace."));
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

/// `kubectl api-resources`.
pub fn api_resources(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(
        words,
        &specs(&[
            flag("namespaced", None, true),
            flag("output", Some('o'), true),
            flag("api-group", None, true),
        ]),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("api-resources", &e),
    };
    let mut types: Vec<&ResourceType> = s.sim.discovery.types().iter().collect();
    types.sort_by(|x, y| {
        (x.group.as_str(), x.plural.as_str()).cmp(&(y.group.as_str(), y.plural.as_str()))
    });
    // kubectl lists the core group first, then groups alphabetically.
    if let Some(ns) = a.get("namespaced") {
        let want = ns != "false";
        types.retain(|t| t.namespaced == want);
    }
    if let Some(g) = a.get("api-group") {
        types.retain(|t| t.group == g);
    }
    let mut rows = vec![vec![
        "NAME".to_string(),
        "SHORTNAMES".into(),
        "APIVERSION".into(),
        "NAMESPACED".into(),
        "KIND".into(),
    ]];
    for t in types {
        if a.get("output") == Some("name") {
            continue;
        }
        rows.push(vec![
            t.plural.clone(),
            t.short_names.join(","),
            t.preferred_api_version(),
            t.namespaced.to_string(),
            t.kind.clone(),
        ]);
    }
    Output::ok(table::render(&rows))
}
