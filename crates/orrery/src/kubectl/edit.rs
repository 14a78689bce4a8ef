//! The kubectl commands that edit stored objects in place: `patch` (JSON merge patch,
//! RFC 6902 JSON patch, and strategic merge patch for the common list fields), `label`
//! and `annotate`. Every edit goes through the object's JSON (`Object::to_json`), is
//! rebuilt keeping the stored identity (`rebuild`), and is written with `Sim::update`
//! so admission and validation run as for any update. Messages per R8.5.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::args::{flag, parse, Args};
use super::{flag_error, namespace_of, specs};
use crate::api::{ObjKey, Object, ResourceType, Selector};
use crate::errors::ApiError;
use crate::shell::{Output, Session};
use crate::sim::Sim;

/// An object rebuilt from edited JSON, keeping what the API server owns: identity,
/// kind, name, namespace, timestamps, generation and resourceVersion. Labels,
/// annotations, owner references and finalizers come from the JSON, as a patch may
/// change them.
pub fn rebuild(stored: &Object, edited: &Value) -> Result<Object, String> {
    let mut obj = Object::from_manifest(edited)?;
    obj.api_version = stored.api_version.clone();
    obj.kind = stored.kind.clone();
    obj.meta.name = stored.meta.name.clone();
    obj.meta.namespace = stored.meta.namespace.clone();
    obj.meta.generate_name = stored.meta.generate_name.clone();
    keep_server_fields(stored, &mut obj);
    Ok(obj)
}

/// What the API server owns of an object, copied onto a new version of it (a patch's,
/// `kubectl replace`'s): its UID, resourceVersion, generation, creation and deletion.
pub fn keep_server_fields(stored: &Object, obj: &mut Object) {
    obj.meta.uid = stored.meta.uid.clone();
    obj.meta.resource_version = stored.meta.resource_version;
    obj.meta.generation = stored.meta.generation;
    obj.meta.creation_ms = stored.meta.creation_ms;
    obj.meta.deletion_ms = stored.meta.deletion_ms;
    obj.meta.deletion_grace_period_seconds = stored.meta.deletion_grace_period_seconds;
}

/// The objects a `label`/`annotate`/`patch` command names: `TYPE NAME…`, `TYPE/NAME…`,
/// `TYPE -l SEL`, `TYPE --all`. Errors are kubectl's.
fn resolve(
    sim: &Sim,
    resources: &[String],
    a: &Args,
    verb: &str,
) -> Result<Vec<(ResourceType, ObjKey)>, String> {
    let ns = namespace_of(a);
    let unknown = |k: &str| format!("error: the server doesn't have a resource type \"{k}\"");
    let mut out = vec![];
    if resources.is_empty() {
        return Err(format!(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl {verb} -h' for help and examples"
        ));
    }
    if resources.iter().any(|r| r.contains('/')) {
        for r in resources {
            let Some((k, n)) = r.split_once('/') else {
                return Err(format!("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl {verb} resource/<resource_name>' instead of 'kubectl {verb} resource resource/<resource_name>'"));
            };
            let rt = sim.discovery.resolve(k).ok_or_else(|| unknown(k))?.clone();
            let nsv = if rt.namespaced {
                ns.clone()
            } else {
                String::new()
            };
            out.push((rt.clone(), ObjKey::new(&rt.gk(), &nsv, n)));
        }
        return Ok(out);
    }
    let rt = sim
        .discovery
        .resolve(&resources[0])
        .ok_or_else(|| unknown(&resources[0]))?
        .clone();
    let nsv = if rt.namespaced {
        ns.clone()
    } else {
        String::new()
    };
    if resources.len() > 1 {
        for n in &resources[1..] {
            out.push((rt.clone(), ObjKey::new(&rt.gk(), &nsv, n)));
        }
        return Ok(out);
    }
    let selector = match a.get("selector").map(Selector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return Err(format!("error: {e}")),
        None => None,
    };
    if selector.is_none() && !a.bool("all") {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    let list: Vec<&Object> = if rt.namespaced && a.bool("all-namespaces") {
        sim.store.list_all(&rt.gk()).collect()
    } else {
        sim.store.list(&rt.gk(), &nsv).collect()
    };
    for o in list {
        if selector.as_ref().is_none_or(|s| s.matches(&o.meta.labels)) {
            out.push((rt.clone(), o.key()));
        }
    }
    if out.is_empty() {
        return Err(if rt.namespaced {
            format!("No resources found in {ns} namespace.")
        } else {
            "No resources found".into()
        });
    }
    Ok(out)
}

fn not_found(rt: &ResourceType, key: &ObjKey) -> String {
    ApiError::NotFound {
        resource: rt.qualified_plural(),
        name: key.name.clone(),
    }
    .kubectl_text()
}

// ----- patch ----------------------------------------------------------------------------

/// `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`.
pub fn patch(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("patch", Some('p'), true),
                    flag("patch-file", None, true),
                    flag("type", None, true),
                    flag("filename", Some('f'), true),
                    flag("dry-run", None, true),
                    flag("output", Some('o'), true),
                    flag("local", None, false),
                    flag("record", None, false),
                    flag("subresource", None, true),
                    flag("field-manager", None, true),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("patch", &e),
    };
    let text = match (a.get("patch"), a.get("patch-file")) {
        (Some(p), _) => p.to_string(),
        (None, Some(f)) => match s.read_file(f) {
            Some(t) => t,
            None => {
                return Output::err(
                    format!(
                        "error: unable to read patch file: open {f}: no such file or directory\n"
                    ),
                    1,
                )
            }
        },
        (None, None) => return Output::err(
            "error: must specify --patch or --patch-file containing the contents of the patch\n",
            1,
        ),
    };
    if text.trim().is_empty() {
        return Output::err("error: the contents of the patch is empty\n", 1);
    }
    let kind = a.get("type").unwrap_or("strategic").to_ascii_lowercase();
    if !matches!(kind.as_str(), "json" | "merge" | "strategic") {
        return Output::err(
            format!(
                "error: --type must be one of [json merge strategic], not \"{}\"\n",
                a.get("type").unwrap_or("")
            ),
            1,
        );
    }
    // kubectl turns the patch from YAML or JSON into JSON first (`yaml.ToJSON`).
    let parsed = crate::manifest::parse_values(&text);
    let doc = match (parsed.documents.first(), parsed.diagnostics.first()) {
        (_, Some(d)) => {
            // go-yaml names the problem alone (no libyaml context), at a line of the
            // patch text.
            let problem = d.message.split(" (while ").next().unwrap_or(&d.message);
            let line = d.line.min(text.lines().count().max(1));
            return Output::err(
                format!("error: unable to parse \"{text}\": error converting YAML to JSON: yaml: line {line}: {problem}\n"),
                1,
            );
        }
        (Some(d), None) => d.value.clone(),
        (None, None) => Value::Null,
    };
    // A value it cannot read is taken as a client dry run (as before this helper).
    let dry_run = super::mutate::DryRun::read(a.get("dry-run"))
        .unwrap_or(super::mutate::DryRun::Client)
        .suffix();
    let targets = match resolve(&s.sim, &a.positional, &a, "patch") {
        Ok(t) => t,
        Err(e) => return Output::err(format!("{e}\n"), 1),
    };
    let mut out = Output::default();
    for (rt, key) in targets {
        let Some(stored) = s.sim.store.get(&key).cloned() else {
            out.line(&not_found(&rt, &key));
            out.code = 1;
            continue;
        };
        let before = stored.to_json();
        let patched = match kind.as_str() {
            "merge" => Ok(merge_patch(&before, &doc)),
            "json" => json_patch(&before, &doc),
            _ => {
                if is_custom(&s.sim, &rt) {
                    Err("Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml".to_string())
                } else {
                    Ok(strategic_merge(&before, &doc, &mut vec![], &rt.kind))
                }
            }
        };
        let patched = match patched {
            Ok(p) => p,
            Err(e) => {
                out.line(&e);
                out.code = 1;
                continue;
            }
        };
        let obj = match rebuild(&stored, &patched) {
            Ok(o) => o,
            Err(e) => {
                out.linef(format_args!("error: {e}"));
                out.code = 1;
                continue;
            }
        };
        let name = format!("{}/{}", rt.qualified_singular(), key.name);
        if dry_run.is_empty() {
            match s.sim.update(obj) {
                Ok(_) => {}
                Err(e) => {
                    out.line(&e.kubectl_text());
                    out.code = 1;
                    continue;
                }
            }
        }
        let after = s
            .sim
            .store
            .get(&key)
            .map(Object::to_json)
            .unwrap_or(Value::Null);
        let changed = if dry_run.is_empty() {
            strip_rv(&after) != strip_rv(&before)
        } else {
            strip_rv(&patched) != strip_rv(&before)
        };
        if changed || !dry_run.is_empty() {
            out.linef(format_args!("{name} patched{dry_run}"));
        } else {
            out.linef(format_args!("{name} patched (no change)"));
        }
    }
    s.sim.settle();
    out
}

fn strip_rv(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(md) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        md.remove("resourceVersion");
    }
    v
}

/// Custom resources (kinds a CRD serves) do not accept strategic merge patches.
pub fn is_custom(sim: &Sim, rt: &ResourceType) -> bool {
    sim.store
        .find(
            "CustomResourceDefinition.apiextensions.k8s.io",
            "",
            &format!("{}.{}", rt.plural, rt.group),
        )
        .is_some()
}

/// RFC 7386 JSON merge patch: objects merge, `null` deletes, anything else replaces.
pub fn merge_patch(target: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            let mut out = match target {
                Value::Object(t) => t.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                if v.is_null() {
                    out.remove(k);
                } else {
                    let cur = out.get(k).cloned().unwrap_or(Value::Null);
                    out.insert(k.clone(), merge_patch(&cur, v));
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// The merge key of a list field in a strategic merge patch, by the field's path (the
/// `patchMergeKey` tags of the core types), or None for lists that are replaced.
fn merge_key(path: &[String], kind: &str) -> Option<&'static str> {
    let field = path.last()?.as_str();
    let parent = path.iter().rev().nth(1).map(String::as_str).unwrap_or("");
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        "secrets" if kind == "ServiceAccount" => Some("name"),
        "ports" if parent == "containers[]" || parent == "initContainers[]" => {
            Some("containerPort")
        }
        "ports" if kind == "Service" && parent == "spec" => Some("port"),
        "topologySpreadConstraints" => Some("topologyKey"),
        _ => None,
    }
}

/// A strategic merge patch for the common cases: maps merge as in a JSON merge patch;
/// lists with a merge key (containers, ports, volumes, env, …) merge element by
/// element on that key (`$patch: delete` removes one); `finalizers` merge as a set;
/// other lists are replaced. `$patch: replace` replaces a map or list.
pub fn strategic_merge(target: &Value, patch: &Value, path: &mut Vec<String>, kind: &str) -> Value {
    match patch {
        Value::Object(p) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut m = p.clone();
                m.remove("$patch");
                return Value::Object(m);
            }
            let mut out = match target {
                Value::Object(t) => t.clone(),
                _ => Map::new(),
            };
            if let Some(Value::Array(keep)) = p.get("$retainKeys") {
                let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
                out.retain(|k, _| keep.contains(&k.as_str()));
            }
            for (k, v) in p {
                if k.starts_with('$') {
                    continue;
                }
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                path.push(k.clone());
                let cur = out.get(k).cloned().unwrap_or(Value::Null);
                let merged = match (v, &cur) {
                    (Value::Array(pl), Value::Array(tl)) => merge_list(tl, pl, path, kind),
                    (Value::Array(pl), _) => Value::Array(
                        pl.iter()
                            .filter(|e| e.get("$patch").is_none())
                            .cloned()
                            .collect(),
                    ),
                    _ => strategic_merge(&cur, v, path, kind),
                };
                path.pop();
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn merge_list(target: &[Value], patch: &[Value], path: &mut Vec<String>, kind: &str) -> Value {
    if patch
        .iter()
        .any(|e| e.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        return Value::Array(
            patch
                .iter()
                .filter(|e| e.get("$patch").is_none())
                .cloned()
                .collect(),
        );
    }
    let field = path.last().cloned().unwrap_or_default();
    if field == "finalizers" {
        let mut out = target.to_vec();
        for v in patch {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        return Value::Array(out);
    }
    let Some(key) = merge_key(path, kind) else {
        return Value::Array(patch.to_vec());
    };
    let mut out: Vec<Value> = target.to_vec();
    let elem_path = format!("{field}[]");
    for pe in patch {
        let k = pe.get(key).cloned().unwrap_or(Value::Null);
        let pos = out
            .iter()
            .position(|e| e.get(key) == Some(&k) && !k.is_null());
        if pe.get("$patch").and_then(Value::as_str) == Some("delete") {
            if let Some(i) = pos {
                out.remove(i);
            }
            continue;
        }
        path.push(elem_path.clone());
        match pos {
            Some(i) => {
                let merged = strategic_merge(&out[i], pe, path, kind);
                out[i] = merged;
            }
            None => out.push(strategic_merge(&Value::Null, pe, path, kind)),
        }
        path.pop();
    }
    Value::Array(out)
}

/// RFC 6902 JSON patch. Failures read as the API server reports them.
pub fn json_patch(target: &Value, patch: &Value) -> Result<Value, String> {
    let Value::Array(ops) = patch else {
        return Err("Error from server (BadRequest): json: cannot unmarshal object into Go value of type jsonpatch.Patch".into());
    };
    let invalid = || {
        "The request is invalid: the server rejected our request due to an error in our request"
            .to_string()
    };
    let mut doc = target.clone();
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).ok_or_else(invalid)?;
        let ptr = parse_pointer(path).ok_or_else(invalid)?;
        match kind {
            "add" => {
                let v = op.get("value").cloned().ok_or_else(invalid)?;
                add(&mut doc, &ptr, v).ok_or_else(invalid)?;
            }
            "remove" => {
                remove(&mut doc, &ptr).ok_or_else(invalid)?;
            }
            "replace" => {
                let v = op.get("value").cloned().ok_or_else(invalid)?;
                remove(&mut doc, &ptr).ok_or_else(invalid)?;
                add(&mut doc, &ptr, v).ok_or_else(invalid)?;
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(Value::as_str).ok_or_else(invalid)?;
                let fptr = parse_pointer(from).ok_or_else(invalid)?;
                let v = get(&doc, &fptr).cloned().ok_or_else(invalid)?;
                if kind == "move" {
                    remove(&mut doc, &fptr).ok_or_else(invalid)?;
                }
                add(&mut doc, &ptr, v).ok_or_else(invalid)?;
            }
            "test" => {
                let v = op.get("value").ok_or_else(invalid)?;
                if get(&doc, &ptr) != Some(v) {
                    return Err(invalid());
                }
            }
            _ => return Err(invalid()),
        }
    }
    Ok(doc)
}

fn parse_pointer(p: &str) -> Option<Vec<String>> {
    if p.is_empty() {
        return Some(vec![]);
    }
    let rest = p.strip_prefix('/')?;
    Some(
        rest.split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

fn get<'a>(doc: &'a Value, ptr: &[String]) -> Option<&'a Value> {
    let mut cur = doc;
    for seg in ptr {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn parent_mut<'a>(doc: &'a mut Value, ptr: &[String]) -> Option<&'a mut Value> {
    let mut cur = doc;
    for seg in &ptr[..ptr.len().saturating_sub(1)] {
        cur = match cur {
            Value::Object(m) => m.get_mut(seg)?,
            Value::Array(a) => a.get_mut(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn add(doc: &mut Value, ptr: &[String], v: Value) -> Option<()> {
    let Some(last) = ptr.last() else {
        *doc = v;
        return Some(());
    };
    match parent_mut(doc, ptr)? {
        Value::Object(m) => {
            m.insert(last.clone(), v);
        }
        Value::Array(a) => {
            if last == "-" {
                a.push(v);
            } else {
                let i: usize = last.parse().ok()?;
                if i > a.len() {
                    return None;
                }
                a.insert(i, v);
            }
        }
        _ => return None,
    }
    Some(())
}

fn remove(doc: &mut Value, ptr: &[String]) -> Option<()> {
    let last = ptr.last()?;
    match parent_mut(doc, ptr)? {
        Value::Object(m) => m.remove(last).map(|_| ()),
        Value::Array(a) => {
            let i: usize = last.parse().ok()?;
            (i < a.len()).then(|| {
                a.remove(i);
            })
        }
        _ => None,
    }
}

// ----- label and annotate ---------------------------------------------------------------

/// `kubectl label` / `kubectl annotate`: which of the two.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Labels,
    Annotations,
}

pub fn label(s: &mut Session, words: &[String]) -> Output {
    edit_map(s, words, Which::Labels)
}

pub fn annotate(s: &mut Session, words: &[String]) -> Output {
    edit_map(s, words, Which::Annotations)
}

/// `KEY=VALUE` sets, `KEY-` removes. Key validation is kubectl's qualified-name rule,
/// in short.
fn parse_changes(
    pairs: &[String],
    which: Which,
) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    let mut set = BTreeMap::new();
    let mut remove = vec![];
    for p in pairs {
        if let Some(k) = p.strip_suffix('-').filter(|_| !p.contains('=')) {
            remove.push(k.to_string());
            continue;
        }
        let Some((k, v)) = p.split_once('=') else {
            return Err(format!("invalid {} spec: {p}", noun(which)));
        };
        if k.is_empty() || !valid_key(k) || (which == Which::Labels && !valid_label_value(v)) {
            return Err(format!("invalid {} spec: {p}", noun(which)));
        }
        set.insert(k.to_string(), v.to_string());
    }
    for k in &remove {
        if set.contains_key(k) {
            return Err(format!(
                "can not both modify and remove the following {}(s) in the same command: {k}",
                noun(which)
            ));
        }
    }
    Ok((set, remove))
}

fn noun(which: Which) -> &'static str {
    match which {
        Which::Labels => "label",
        Which::Annotations => "annotation",
    }
}

/// `[prefix/]name`: a DNS subdomain prefix and a 63-character name of alphanumerics,
/// `-`, `_`, `.`, starting and ending alphanumeric.
fn valid_key(k: &str) -> bool {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if prefix.is_some_and(|p| !crate::validation::matches_dns1123_subdomain(p)) {
        return false;
    }
    valid_label_value(name) && !name.is_empty()
}

fn valid_label_value(v: &str) -> bool {
    if v.is_empty() {
        return true;
    }
    let b = v.as_bytes();
    v.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn edit_map(s: &mut Session, words: &[String], which: Which) -> Output {
    let verb = match which {
        Which::Labels => "label",
        Which::Annotations => "annotate",
    };
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("overwrite", None, false),
                    flag("all", None, false),
                    flag("all-namespaces", Some('A'), false),
                    flag("selector", Some('l'), true),
                    flag("list", None, false),
                    flag("resource-version", None, true),
                    flag("dry-run", None, true),
                    flag("output", Some('o'), true),
                    flag("local", None, false),
                    flag("filename", Some('f'), true),
                    flag("field-manager", None, true),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error(verb, &e),
    };
    // Resources come first, then changes (`cmdutil.GetResourcesAndPairs`).
    let mut resources = vec![];
    let mut pairs = vec![];
    for w in &a.positional {
        let is_pair = w.contains('=') || (w.len() > 1 && w.ends_with('-'));
        if is_pair {
            pairs.push(w.clone());
        } else if !pairs.is_empty() {
            return Output::err(
                format!(
                    "error: all resources must be specified before {} changes: {w}\n",
                    noun(which)
                ),
                1,
            );
        } else {
            resources.push(w.clone());
        }
    }
    let list = a.bool("list");
    if pairs.is_empty() && !list {
        return Output::err(
            format!(
                "error: at least one {} update is required\nSee 'kubectl {verb} -h' for help and examples\n",
                noun(which)
            ),
            1,
        );
    }
    let (set, remove) = match parse_changes(&pairs, which) {
        Ok(x) => x,
        Err(e) => return Output::err(format!("error: {e}\n"), 1),
    };
    let targets = match resolve(&s.sim, &resources, &a, verb) {
        Ok(t) => t,
        Err(e) if e.starts_with("No resources found") => return Output::ok(format!("{e}\n")),
        Err(e) => return Output::err(format!("{e}\n"), 1),
    };
    let overwrite = a.bool("overwrite");
    let mut out = Output::default();
    for (rt, key) in targets {
        let Some(stored) = s.sim.store.get(&key).cloned() else {
            out.line(&not_found(&rt, &key));
            out.code = 1;
            continue;
        };
        let current = match which {
            Which::Labels => &stored.meta.labels,
            Which::Annotations => &stored.meta.annotations,
        };
        if list {
            for (k, v) in current {
                out.linef(format_args!("{k}={v}"));
            }
            continue;
        }
        if let Some(rv) = a.get("resource-version") {
            if rv != stored.meta.resource_version.to_string() {
                out.line(
                    &crate::errors::ApiError::conflict(&rt.qualified_plural(), &key.name)
                        .kubectl_text(),
                );
                out.code = 1;
                continue;
            }
        }
        if !overwrite {
            let clashes: Vec<(&String, &String)> = set
                .iter()
                .filter_map(|(k, v)| current.get(k).filter(|c| *c != v).map(|c| (k, c)))
                .collect();
            if !clashes.is_empty() {
                let msg = match which {
                    Which::Labels => {
                        let errs: Vec<String> = clashes
                            .iter()
                            .map(|(k, c)| {
                                format!("'{k}' already has a value ({c}), and --overwrite is false")
                            })
                            .collect();
                        if errs.len() == 1 {
                            errs[0].clone()
                        } else {
                            format!("[{}]", errs.join(", "))
                        }
                    }
                    Which::Annotations => format!(
                        "--overwrite is false but found the following declared annotation(s): {}",
                        clashes
                            .iter()
                            .map(|(k, c)| format!("'{k}' already has a value ({c})"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                };
                out.linef(format_args!("error: {msg}"));
                out.code = 1;
                continue;
            }
        }
        if which == Which::Labels {
            for k in &remove {
                if !current.contains_key(k) {
                    out.linef(format_args!("label \"{k}\" not found."));
                }
            }
        }
        let mut obj = stored.clone();
        let map = match which {
            Which::Labels => std::sync::Arc::make_mut(&mut obj.meta.labels),
            Which::Annotations => &mut obj.meta.annotations,
        };
        for (k, v) in &set {
            map.insert(k.clone(), v.clone());
        }
        for k in &remove {
            map.remove(k);
        }
        let before = serde_json::to_string(&stored.to_json()).unwrap_or_default();
        let after = serde_json::to_string(&obj.to_json()).unwrap_or_default();
        let name = format!("{}/{}", rt.qualified_singular(), key.name);
        let dry = !matches!(
            super::mutate::DryRun::read(a.get("dry-run")),
            Ok(super::mutate::DryRun::None)
        );
        if !dry && before != after {
            if let Err(e) = s.sim.update(obj) {
                out.line(&e.kubectl_text());
                out.code = 1;
                continue;
            }
        }
        let suffix = if dry { " (dry run)" } else { "" };
        let message = match which {
            // `updateDataChangeMsg`: "unlabeled" when the object shrank without
            // --overwrite, "not labeled" when nothing changed.
            Which::Labels if before == after => "not labeled",
            Which::Labels if !overwrite && after.len() < before.len() => "unlabeled",
            Which::Labels => "labeled",
            Which::Annotations => "annotated",
        };
        out.linef(format_args!("{name} {message}{suffix}"));
    }
    s.sim.settle();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_deletes_with_null() {
        let t = json!({"a": {"b": 1, "c": 2}, "d": [1, 2]});
        let p = json!({"a": {"b": null, "e": 3}, "d": [3]});
        assert_eq!(
            merge_patch(&t, &p),
            json!({"a": {"c": 2, "e": 3}, "d": [3]})
        );
    }

    #[test]
    fn strategic_merges_containers_by_name() {
        let t = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "web", "image": "nginx:1", "ports": [{"containerPort": 80}]},
            {"name": "side", "image": "busybox"}
        ]}}}});
        let p = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "web", "image": "nginx:2", "ports": [{"containerPort": 443}]},
            {"name": "side", "$patch": "delete"}
        ]}}}});
        let r = strategic_merge(&t, &p, &mut vec![], "Deployment");
        assert_eq!(
            r,
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "web", "image": "nginx:2", "ports": [{"containerPort": 80}, {"containerPort": 443}]}
            ]}}}})
        );
    }

    #[test]
    fn strategic_replaces_plain_lists() {
        let t = json!({"spec": {"containers": [{"name": "a", "args": ["x", "y"]}]}});
        let p = json!({"spec": {"containers": [{"name": "a", "args": ["z"]}]}});
        assert_eq!(
            strategic_merge(&t, &p, &mut vec![], "Pod"),
            json!({"spec": {"containers": [{"name": "a", "args": ["z"]}]}})
        );
    }

    #[test]
    fn json_patch_ops() {
        let t = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"l": [1, 2]}});
        let p = json!([
            {"op": "add", "path": "/metadata/labels/b", "value": "2"},
            {"op": "remove", "path": "/metadata/labels/a"},
            {"op": "add", "path": "/spec/l/-", "value": 3},
            {"op": "replace", "path": "/spec/l/0", "value": 0}
        ]);
        assert_eq!(
            json_patch(&t, &p).unwrap(),
            json!({"metadata": {"labels": {"b": "2"}}, "spec": {"l": [0, 2, 3]}})
        );
        assert!(json_patch(&t, &json!([{"op": "remove", "path": "/nope"}])).is_err());
    }
}
