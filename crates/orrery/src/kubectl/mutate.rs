//! The kubectl commands that change objects: `create`, `apply`, `delete` (from files or by
//! name), `scale`. Messages and errors per R8.5, R9.

use serde_json::Value;

use super::args::{flag, int_flag, parse, Args, FlagSpec};
use super::{flag_error, namespace_of, specs};
use crate::api::{ObjKey, Object, ResourceType, Selector};
use crate::errors::ApiError;
use crate::manifest;
use crate::shell::{Output, Session};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

const FILE_FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("recursive", Some('R'), false),
    flag("dry-run", None, true),
    flag("save-config", None, false),
    flag("validate", None, true),
    flag("output", Some('o'), true),
    flag("record", None, false),
    flag("force", None, false),
    flag("server-side", None, false),
    flag("force-conflicts", None, false),
    flag("field-manager", None, true),
    flag("prune", None, false),
    flag("selector", Some('l'), true),
];

const DELETE_FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("all", None, false),
    flag("all-namespaces", Some('A'), false),
    flag("selector", Some('l'), true),
    flag("grace-period", None, true),
    flag("force", None, false),
    flag("now", None, false),
    flag("wait", None, true),
    flag("cascade", None, true),
    flag("ignore-not-found", None, false),
    flag("timeout", None, true),
    flag("recursive", Some('R'), false),
];

const REPLACE_FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("recursive", Some('R'), false),
    flag("force", None, false),
    flag("grace-period", None, true),
    flag("timeout", None, true),
    flag("cascade", None, true),
    flag("wait", None, true),
    flag("save-config", None, false),
    flag("validate", None, true),
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
];

/// One object read from a file, with where it came from (for messages).
struct Item {
    obj: Result<Object, String>,
    /// Whether the document's fields decode into the API's types (`decode::check`).
    decode: Option<crate::decode::Refusal>,
    source: String,
    /// The document's `metadata.resourceVersion`, if it has one: the object is built
    /// without it (the store assigns its own), but `kubectl replace` sends it as a
    /// precondition.
    resource_version: Option<String>,
}

/// Reads every `-f` source: a virtual file, a file next to the transcript, or `-` (stdin).
fn read_items(
    s: &Session,
    a: &Args,
    stdin: Option<&str>,
) -> Result<(Vec<Item>, Vec<String>), Output> {
    let files = a.all("filename");
    if files.is_empty() {
        return Err(Output::err("error: must specify one of -f and -k\n", 1));
    }
    let mut items = vec![];
    let mut errors = vec![];
    for f in files {
        let (text, source) = if f == "-" {
            (stdin.unwrap_or("").to_string(), "STDIN".to_string())
        } else {
            match s.read_file(&f) {
                Some(t) => (t, f.clone()),
                None => {
                    errors.push(format!("error: the path \"{f}\" does not exist"));
                    continue;
                }
            }
        };
        // A large file the page's editor has just parsed is not parsed again: its
        // documents become the objects.
        let parsed = manifest::take_shared(&text);
        for d in &parsed.diagnostics {
            errors.push(format!(
                "error: error parsing {source}: error converting YAML to JSON: yaml: line {}: {}",
                d.line, d.message
            ));
        }
        for doc in parsed.documents {
            let decode = crate::decode::check(&doc.value, s.sim.version.at_least(25));
            let resource_version = match doc.value.pointer("/metadata/resourceVersion") {
                Some(Value::String(v)) if !v.is_empty() => Some(v.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            items.push(Item {
                obj: Object::from_manifest_owned(doc.value),
                decode,
                source: source.clone(),
                resource_version,
            });
        }
    }
    Ok((items, errors))
}

fn kind_error(e: &str, source: &str) -> String {
    format!("error: error validating \"{source}\": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false")
        .replace("invalid object to validate", if e.contains("Kind") { "kind not set" } else { "apiVersion not set" })
}

/// The namespace an object from a file goes to, or kubectl's mismatch error.
fn place(s: &Session, obj: &mut Object, a: &Args) -> Result<(), String> {
    let explicit = a.get("namespace").filter(|n| !n.is_empty());
    let namespaced = s
        .sim
        .discovery
        .for_api_version(&obj.api_version, &obj.kind)
        .map(|t| t.namespaced);
    // An unserved kind keeps the manifest's namespace: kubectl fails to map it before
    // defaulting (R9.5 prints `namespace: ""` for a manifest without one).
    if namespaced != Some(true) {
        return Ok(());
    }
    match (obj.meta.namespace.is_empty(), explicit) {
        (true, Some(n)) => obj.meta.namespace = n.to_string(),
        (true, None) => obj.meta.namespace = "default".into(),
        (false, Some(n)) if n != obj.meta.namespace => {
            return Err(format!(
                "error: the namespace from the provided object \"{}\" does not match the namespace \"{n}\". You must pass '--namespace={}' to perform this operation.",
                obj.meta.namespace, obj.meta.namespace
            ))
        }
        _ => {}
    }
    Ok(())
}

/// Deprecation warnings the API server sends for old API versions (text UNVERIFIED,
/// §13.20; chosen from the apiserver's standard deprecation format).
fn deprecation_warning(obj: &Object) -> Option<String> {
    match (obj.api_version.as_str(), obj.kind.as_str()) {
        ("policy/v1beta1", "PodSecurityPolicy") => {
            Some("Warning: policy/v1beta1 PodSecurityPolicy is deprecated in v1.21+, unavailable in v1.25+".into())
        }
        ("extensions/v1beta1", "Ingress") => Some(
            "Warning: extensions/v1beta1 Ingress is deprecated in v1.14+, unavailable in v1.22+; use networking.k8s.io/v1 Ingress"
                .into(),
        ),
        _ => None,
    }
}

pub fn create(s: &mut Session, words: &[String], stdin: Option<&str>) -> Output {
    if let Some(first) = words.first().filter(|w| !w.starts_with('-')) {
        return create_imperative(s, first, &words[1..]);
    }
    let a = match parse(words, &specs(FILE_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("create", &e),
    };
    from_files(s, &a, stdin, false)
}

pub fn apply(s: &mut Session, words: &[String], stdin: Option<&str>) -> Output {
    let a = match parse(words, &specs(FILE_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("apply", &e),
    };
    // Argo CD's docs: `kubectl apply --server-side --force-conflicts -f …`. Conflicts
    // between field managers are not modelled, so forcing changes nothing.
    if a.bool("force-conflicts") && !a.bool("server-side") {
        return Output::err(
            "error: --force-conflicts only works with --server-side\n",
            1,
        );
    }
    from_files(s, &a, stdin, true)
}

fn from_files(s: &mut Session, a: &Args, stdin: Option<&str>, is_apply: bool) -> Output {
    from_files_keyed(s, a, stdin, is_apply, &mut Results::Lines(""))
}

/// How [`from_files_keyed`] reports each object it created or applied.
enum Results {
    /// `deployment.apps/web created`, and this after it (` (server dry run)`).
    Lines(&'static str),
    /// No line: the object's printed kind (`deployment.apps`) and key, for `-o`.
    Collect(Vec<(String, ObjKey)>),
}

/// [`from_files`], reporting each result as `results` says.
fn from_files_keyed(
    s: &mut Session,
    a: &Args,
    stdin: Option<&str>,
    is_apply: bool,
    results: &mut Results,
) -> Output {
    let dry_run = match DryRun::of(a) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let output = match CreateOutput::of(a) {
        Ok(o) => o,
        Err(o) => return o,
    };
    if dry_run != DryRun::None || !matches!(output, CreateOutput::Line) {
        return from_files_printed(s, a, stdin, is_apply, dry_run, output);
    }
    let (items, mut errors) = match read_items(s, a, stdin) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let mut out = Output::default();
    for item in items {
        let Some((obj, rt)) = placed(s, a, item.obj, &item.source, &mut errors) else {
            continue;
        };
        // A field of the wrong JSON type (R9.1, `decode`): on a cluster that validates
        // fields (≥ 1.25) the server's decoding refuses the body before admission; on an
        // older one kubectl's own check against the schema refuses it before sending.
        // For an object that exists, apply's request is a patch; its server error is
        // framed as apply's other update errors are.
        let verb = || {
            let key = ObjKey::new(&rt.gk(), &obj.meta.namespace, &obj.meta.name);
            if is_apply && s.sim.store.get(&key).is_some() {
                "applying"
            } else {
                "creating"
            }
        };
        if let Some(e) = decode_refusal(item.decode, &item.source, &obj, verb) {
            errors.push(e);
            continue;
        }
        if let Some(w) = deprecation_warning(&obj) {
            out.line(&w);
        }
        // Only the name and namespace are needed after the object has gone to the API
        // (a CRD can be 100 KB of schema: no whole copy).
        let (name, namespace) = (obj.meta.name.clone(), obj.meta.namespace.clone());
        let result = if is_apply {
            if !a.bool("server-side") {
                if let Some(w) = missing_last_applied(s, &rt, &obj) {
                    out.line(&w);
                }
            }
            apply_one(s, &rt, obj, a.bool("server-side"))
        } else {
            let mut obj = obj;
            save_config(a, &mut obj);
            create_one(s, obj)
        };
        match result {
            Ok(verb) => {
                let name = obj_name(&s.sim, &name);
                match results {
                    Results::Lines(suffix) => out.linef(format_args!(
                        "{}/{name} {verb}{suffix}",
                        rt.qualified_singular()
                    )),
                    Results::Collect(done) => {
                        let ns = if rt.namespaced {
                            namespace
                        } else {
                            String::new()
                        };
                        done.push((rt.qualified_singular(), ObjKey::new(&rt.gk(), &ns, &name)));
                    }
                }
            }
            Err((e, verb)) => {
                errors.push(e.kubectl_file_text(verb, &item.source, &name, &namespace))
            }
        }
    }
    s.sim.settle();
    for e in &errors {
        out.line(e);
    }
    if !errors.is_empty() {
        out.code = 1;
    }
    out
}

/// The message for a document whose fields do not decode into the API's types (R9.1,
/// `decode`): on a cluster that validates fields (≥ 1.25) the server's decoding refuses
/// the body before admission (framed with `verb`, as the request's other errors are);
/// on an older one kubectl's own check against the schema refuses it before sending.
fn decode_refusal(
    decode: Option<crate::decode::Refusal>,
    source: &str,
    obj: &Object,
    verb: impl FnOnce() -> &'static str,
) -> Option<String> {
    Some(match decode? {
        crate::decode::Refusal::Client(message) => format!("error: error validating \"{source}\": error validating data: {message}; if you choose to ignore these errors, turn validation off with --validate=false"),
        crate::decode::Refusal::Server(message) => ApiError::Other {
            reason: "BadRequest".into(),
            message,
        }
        .kubectl_file_text(verb(), source, &obj.meta.name, &obj.meta.namespace),
    })
}

/// One object read from `-f`, placed in its namespace (`-n`, the default) and typed; or,
/// with the message kubectl prints, nothing.
fn placed(
    s: &Session,
    a: &Args,
    obj: Result<Object, String>,
    source: &str,
    errors: &mut Vec<String>,
) -> Option<(Object, ResourceType)> {
    let mut obj = match obj {
        Ok(o) => o,
        Err(e) => {
            errors.push(kind_error(&e, source));
            return None;
        }
    };
    if let Err(e) = place(s, &mut obj, a) {
        errors.push(e);
        return None;
    }
    match s.sim.resource_type(&obj) {
        Ok(rt) => Some((obj, rt)),
        Err(e) => {
            errors.push(e.kubectl_file_text(
                "creating",
                source,
                &obj.meta.name,
                &obj.meta.namespace,
            ));
            None
        }
    }
}

/// `kubectl create|apply -f … --dry-run=client|server` and `-o yaml|json|name`: the
/// same requests on a copy of the session (a server dry run is admitted and forgotten;
/// `-o` prints what the server answered), or — client-side — nothing sent at all: each
/// object as kubectl would send it (for apply, with its last-applied annotation), and
/// `created (dry run)`, or `configured`/`unchanged (dry run)` for an object that exists.
fn from_files_printed(
    s: &mut Session,
    a: &Args,
    stdin: Option<&str>,
    is_apply: bool,
    dry_run: DryRun,
    output: CreateOutput,
) -> Output {
    if dry_run == DryRun::Client {
        let (items, mut errors) = match read_items(s, a, stdin) {
            Ok(x) => x,
            Err(o) => return o,
        };
        let mut out = Output::default();
        let mut docs = vec![];
        for item in items {
            let Some((mut obj, rt)) = placed(s, a, item.obj, &item.source, &mut errors) else {
                continue;
            };
            let key = ObjKey::new(&rt.gk(), &obj.meta.namespace, &obj.meta.name);
            if is_apply {
                if let Some(w) = missing_last_applied(s, &rt, &obj) {
                    out.line(&w);
                }
            }
            let stored = s.sim.store.get(&key);
            let applied = (is_apply || a.bool("save-config")).then(|| last_applied(&obj));
            // Create asks nothing of the server; apply reads the live object to
            // compute its patch.
            let verb = match (stored, &applied) {
                (Some(st), Some(ap)) if is_apply => {
                    if st.meta.annotations.get(LAST_APPLIED).map(|p| p.trim_end()) == Some(ap) {
                        "unchanged"
                    } else {
                        "configured"
                    }
                }
                _ => "created",
            };
            match &output {
                CreateOutput::Line => out.linef(format_args!(
                    "{}/{} {verb} (dry run)",
                    rt.qualified_singular(),
                    obj.meta.name
                )),
                CreateOutput::Name => out.linef(format_args!(
                    "{}/{}",
                    rt.qualified_singular(),
                    obj.meta.name
                )),
                CreateOutput::Doc(_) => {
                    if let Some(ap) = applied {
                        obj.meta.annotations.insert(LAST_APPLIED.into(), ap + "\n");
                    }
                    let mut doc = obj.to_json();
                    if let Some(md) = doc.get_mut("metadata").and_then(Value::as_object_mut) {
                        unsent_meta(&s.sim, md);
                    }
                    docs.push(doc);
                }
            }
        }
        print_docs(&mut out, docs, &output);
        for e in &errors {
            out.line(e);
        }
        if !errors.is_empty() {
            out.code = 1;
        }
        return out;
    }
    // Sent: for real (only `-o` differs), or on a copy that is then dropped.
    let mut copy;
    let target = if dry_run == DryRun::Server {
        copy = s.clone();
        &mut copy
    } else {
        &mut *s
    };
    let mut plain = a.clone();
    plain.flags.remove("dry-run");
    plain.flags.remove("output");
    let mut results = match output {
        CreateOutput::Line if dry_run == DryRun::Server => Results::Lines(" (server dry run)"),
        CreateOutput::Line => Results::Lines(""),
        _ => Results::Collect(vec![]),
    };
    let out = from_files_keyed(target, &plain, stdin, is_apply, &mut results);
    let Results::Collect(done) = results else {
        return out;
    };
    // The objects (`-o yaml|json`) or their names first, then what else was printed
    // (warnings, errors).
    let mut printed = Output::default();
    let mut docs = vec![];
    for (kind, key) in &done {
        match output {
            CreateOutput::Name => printed.linef(format_args!("{kind}/{}", key.name)),
            _ => {
                if let Some(obj) = target.sim.store.get(key) {
                    docs.push(obj.to_json());
                }
            }
        }
    }
    print_docs(&mut printed, docs, &output);
    printed.text.push_str(&out.text);
    Output {
        text: printed.text,
        ..out
    }
}

/// `-o yaml|json` of several objects: YAML documents separated by `---`, JSON ones one
/// after another.
fn print_docs(out: &mut Output, docs: Vec<Value>, output: &CreateOutput) {
    let CreateOutput::Doc(json) = output else {
        return;
    };
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 && !json {
            out.text.push_str("---\n");
        }
        out.text.push_str(&print_doc(doc, *json));
    }
}

/// The name to print for a created object (a generated one if the manifest had only
/// `generateName`).
fn obj_name(sim: &crate::sim::Sim, name: &str) -> String {
    if !name.is_empty() {
        return name.to_string();
    }
    sim.steps
        .last()
        .map(|st| st.name.clone())
        .unwrap_or_default()
}

/// kubectl apply's warning for a live object without the last-applied annotation
/// (made by `kubectl create` without `--save-config`, `run`, `expose`, or `replace`):
/// the patch adds it, so the object is `configured` even when nothing else changes.
fn missing_last_applied(s: &Session, rt: &ResourceType, obj: &Object) -> Option<String> {
    let key = ObjKey::new(&rt.gk(), &obj.meta.namespace, &obj.meta.name);
    let stored = s.sim.store.get(&key)?;
    (!stored.meta.annotations.contains_key(LAST_APPLIED)).then(|| {
        format!(
            "Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
            rt.plural, obj.meta.name
        )
    })
}

/// `--save-config`: the object carries the annotation apply would write, so that a
/// later `kubectl apply` finds it.
fn save_config(a: &Args, obj: &mut Object) {
    if a.bool("save-config") {
        let applied = last_applied(obj);
        obj.meta
            .annotations
            .insert(LAST_APPLIED.into(), applied + "\n");
    }
}

fn create_one(s: &mut Session, obj: Object) -> Result<&'static str, (ApiError, &'static str)> {
    s.sim
        .create(obj)
        .map(|_| "created")
        .map_err(|e| (e, "creating"))
}

/// The manifest as `kubectl apply` records it in the last-applied annotation: the
/// object's JSON (`Object::to_json`, keys in order) without the fields the server sets,
/// written straight from the object: no copy of its body (a CRD's schema is up to
/// 300 KB, and the Argo CD install applies 10 of them).
fn last_applied(obj: &Object) -> String {
    let mut md = obj.meta_json();
    if let Some(md) = md.as_object_mut() {
        for k in ["creationTimestamp", "resourceVersion", "uid"] {
            md.remove(k);
        }
        if let Some(ann) = md.get_mut("annotations").and_then(Value::as_object_mut) {
            ann.remove(LAST_APPLIED);
            if ann.is_empty() {
                md.remove("annotations");
            }
        }
    }
    let api_version = Value::String(obj.api_version.clone());
    let kind = Value::String(obj.kind.clone());
    let mut fields: Vec<(&str, &Value)> = obj.body.iter().map(|(k, v)| (k.as_str(), v)).collect();
    for (k, v) in [
        ("apiVersion", &api_version),
        ("kind", &kind),
        ("metadata", &md),
    ] {
        // As in `to_json`, a body field of the same name wins.
        if !obj.body.contains_key(k) {
            fields.push((k, v));
        }
    }
    fields.sort_unstable_by_key(|&(k, _)| k);
    serde_json::to_string(&Fields(&fields)).unwrap_or_default()
}

/// A JSON object written from borrowed fields, in the order given.
struct Fields<'a>(&'a [(&'a str, &'a Value)]);

impl serde::Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// `kubectl apply` of one object: created, configured or unchanged (R8.5). The merge
/// is modelled as: fields the manifest sets replace the stored ones; fields it dropped
/// since the last apply are removed; everything else (status, fields set by
/// controllers or other commands) is kept.
///
/// `--server-side`: the API server merges, and kubectl prints `serverside-applied` for
/// every object. No `last-applied-configuration` annotation is written — which is why
/// the docs of installs with very large objects (Argo CD's ApplicationSet CRD, 346 KB
/// of JSON, over the 256 KiB annotation limit) say to use it. Field ownership
/// (`managedFields`) is not modelled: fields dropped from the manifest since an earlier
/// server-side apply are kept, where the server would remove those it owned.
fn apply_one(
    s: &mut Session,
    rt: &ResourceType,
    obj: Object,
    server_side: bool,
) -> Result<&'static str, (ApiError, &'static str)> {
    let key = ObjKey::new(&rt.gk(), &obj.meta.namespace, &obj.meta.name);
    if server_side {
        return server_side_apply(s, &key, obj);
    }
    let applied = last_applied(&obj);
    let Some(stored) = s.sim.store.get(&key).cloned() else {
        let mut obj = obj;
        obj.meta
            .annotations
            .insert(LAST_APPLIED.into(), applied + "\n");
        return s
            .sim
            .create(obj)
            .map(|_| "created")
            .map_err(|e| (e, "creating"));
    };
    let previous = stored
        .meta
        .annotations
        .get(LAST_APPLIED)
        .map(|s| s.trim_end().to_string());
    if previous.as_deref() == Some(applied.as_str()) {
        return Ok("unchanged");
    }
    let prev_obj: Option<Object> = previous
        .as_deref()
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|v| Object::from_manifest(&v).ok());
    let mut merged = stored.clone();
    // Top-level body fields.
    if let Some(prev) = &prev_obj {
        for k in prev.body.keys() {
            if !obj.body.contains_key(k) && k != "status" {
                merged.body.remove(k);
            }
        }
    }
    for (k, v) in &obj.body {
        if k == "status" {
            continue;
        }
        let base = merged.body.get(k).cloned().unwrap_or(Value::Null);
        let prev = prev_obj
            .as_ref()
            .and_then(|p| p.body.get(k))
            .cloned()
            .unwrap_or(Value::Null);
        merged.body.insert(k.clone(), three_way(&base, &prev, v));
    }
    for (mine, theirs, prev) in [
        (
            std::sync::Arc::make_mut(&mut merged.meta.labels),
            &*obj.meta.labels,
            prev_obj.as_ref().map(|p| &*p.meta.labels),
        ),
        (
            &mut merged.meta.annotations,
            &obj.meta.annotations,
            prev_obj.as_ref().map(|p| &p.meta.annotations),
        ),
    ] {
        if let Some(prev) = prev {
            for k in prev.keys() {
                if !theirs.contains_key(k) {
                    mine.remove(k);
                }
            }
        }
        for (k, v) in theirs {
            mine.insert(k.clone(), v.clone());
        }
    }
    merged
        .meta
        .annotations
        .insert(LAST_APPLIED.into(), applied + "\n");
    s.sim
        .update(merged)
        .map(|_| "configured")
        .map_err(|e| (e, "applying"))
}

/// `kubectl apply --server-side` of one object (see [`apply_one`]): created as sent, or
/// the manifest's fields merged over the stored object's.
fn server_side_apply(
    s: &mut Session,
    key: &ObjKey,
    obj: Object,
) -> Result<&'static str, (ApiError, &'static str)> {
    const DONE: &str = "serverside-applied";
    let Some(stored) = s.sim.store.get(key) else {
        return s.sim.create(obj).map(|_| DONE).map_err(|e| (e, "creating"));
    };
    let mut merged = stored.clone();
    for (k, v) in &obj.body {
        if k == "status" {
            continue;
        }
        let base = merged.body.get(k).cloned().unwrap_or(Value::Null);
        merged
            .body
            .insert(k.clone(), three_way(&base, &Value::Null, v));
    }
    std::sync::Arc::make_mut(&mut merged.meta.labels)
        .extend(obj.meta.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
    merged.meta.annotations.extend(
        obj.meta
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    if &merged == stored {
        return Ok(DONE);
    }
    s.sim
        .update(merged)
        .map(|_| DONE)
        .map_err(|e| (e, "applying"))
}

/// A three-way merge of JSON objects: `new` wins; keys present in `prev` (the last
/// applied manifest) but absent from `new` are deleted from `base`; other keys of `base`
/// (defaults, fields set by controllers) stay. Lists are replaced whole.
fn three_way(base: &Value, prev: &Value, new: &Value) -> Value {
    match (base, new) {
        (Value::Object(b), Value::Object(n)) => {
            let mut out = b.clone();
            if let Value::Object(p) = prev {
                for k in p.keys() {
                    if !n.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            for (k, v) in n {
                let bk = b.get(k).cloned().unwrap_or(Value::Null);
                let pk = prev.get(k).cloned().unwrap_or(Value::Null);
                out.insert(k.clone(), three_way(&bk, &pk, v));
            }
            Value::Object(out)
        }
        _ => new.clone(),
    }
}

/// `kubectl create namespace|deployment|…` (the imperative forms the lessons use).
fn create_imperative(s: &mut Session, what: &str, words: &[String]) -> Output {
    // (Before the flags, which are those of these subcommands: `--cert`, `--docker-server`.)
    if let Some(t @ ("tls" | "docker-registry")) = words
        .first()
        .map(String::as_str)
        .filter(|_| what == "secret")
    {
        return Output::err(format!("error: \"kubectl create secret {t}\" is not simulated; write a manifest and use kubectl create -f\n"), 1);
    }
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("image", None, true),
                    flag("replicas", Some('r'), true),
                    flag("port", None, true),
                    flag("dry-run", None, true),
                    flag("output", Some('o'), true),
                    flag("from-literal", None, true),
                    flag("type", None, true),
                    flag("tcp", None, true),
                    flag("node-port", None, true),
                    flag("clusterip", None, true),
                    flag("external-name", None, true),
                    flag("rule", None, true),
                    flag("class", None, true),
                    flag("default-backend", None, true),
                    flag("annotation", None, true),
                    flag("save-config", None, false),
                    flag("from", None, true),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("create", &e),
    };
    // `--from` is `create job`'s alone (`create secret generic` has `--from-file`).
    if a.has("from") && what != "job" {
        return flag_error("create", "unknown flag: --from");
    }
    // `kubectl create secret generic NAME`: the word after `secret` is its type (cobra's
    // `DefaultSubCommandRun` without one: the help, or an unknown command).
    let mut a = a;
    if what == "secret" {
        match a.positional.first().map(String::as_str) {
            Some("generic") => {
                a.positional.remove(0);
            }
            None => return Output::err(CREATE_SECRET_HELP, 1),
            Some(_) => {
                return super::usage_error(
                    "create secret",
                    &format!("unknown command {:?}", a.positional.join(" ")),
                )
            }
        }
    }
    // `kubectl create service clusterip|nodeport|loadbalancer NAME`: the word after
    // `service` is the Service's type.
    let mut service_type = "";
    if matches!(what, "service" | "svc") {
        service_type = match a.positional.first().map(String::as_str) {
            Some("clusterip") => "ClusterIP",
            Some("nodeport") => "NodePort",
            Some("loadbalancer") => "LoadBalancer",
            Some("externalname") => {
                return Output::err("error: \"kubectl create service externalname\" is not simulated; write a manifest and use kubectl create -f\n", 1)
            }
            // cobra's `DefaultSubCommandRun`: the help, or an unknown command.
            None => return Output::err(CREATE_SERVICE_HELP, 1),
            Some(_) => {
                return super::usage_error(
                    "create service",
                    &format!("unknown command {:?}", a.positional.join(" ")),
                )
            }
        };
        a.positional.remove(0);
    }
    // `NameFromCommandArgs` (so a bare `--dry-run client` leaves a second NAME).
    let [name] = a.positional.as_slice() else {
        return Output::err(format!("error: exactly one NAME is required, got {}\nSee 'kubectl create {what} -h' for help and examples\n", a.positional.len()), 1);
    };
    let name = name.clone();
    let sending = match Sending::of(&a, Exists::FailedToCreate, "created") {
        Ok(x) => x,
        Err(o) => return o,
    };
    let ns = namespace_of(&a);
    let v = match what {
        "namespace" | "ns" => serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
        "deployment" | "deploy" => {
            let Some(image) = a.get("image") else {
                return Output::err("error: required flag(s) \"image\" not set\n", 1);
            };
            // pflag's Int32 (`-r, --replicas`): a value that does not read is refused
            // before anything is sent.
            let replicas = match a.get("replicas").map(|r| int_flag(r, "-r, --replicas", 32)) {
                None => 1,
                Some(Ok(r)) => r,
                Some(Err(e)) => return flag_error("create deployment", &e),
            };
            let base = crate::apps::image_base(image).to_string();
            let mut c = serde_json::json!({"name": base, "image": image});
            if let Some(p) = a.get("port").and_then(|p| p.parse::<i64>().ok()) {
                c["ports"] = serde_json::json!([{"containerPort": p}]);
            }
            serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
                "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                         "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [c]}}}})
        }
        "job" => match job_built(&s.sim, &a, &name, &ns) {
            Ok(v) => v,
            Err(o) => return o,
        },
        "secret" | "configmap" | "cm" => {
            let mut data = serde_json::Map::new();
            for lit in a.all("from-literal") {
                let Some((k, v)) = lit.split_once('=') else {
                    return Output::err(format!("error: invalid literal source {lit}, expected key=value\n"), 1);
                };
                let v = if what == "secret" { base64(v.as_bytes()) } else { v.to_string() };
                data.insert(k.to_string(), Value::String(v));
            }
            if what == "secret" {
                serde_json::json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                    "metadata": {"name": name, "namespace": ns}, "data": data})
            } else {
                serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": name, "namespace": ns}, "data": data})
            }
        }
        "ingress" | "ing" => match ingress_spec(&a) {
            Ok((spec, annotations)) => {
                let mut meta = serde_json::json!({"name": name, "namespace": ns});
                if !annotations.is_empty() {
                    meta["annotations"] = Value::Object(annotations);
                }
                serde_json::json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                    "metadata": meta, "spec": spec})
            }
            Err(o) => return o,
        },
        "service" | "svc" => match service_spec(&a, &name, service_type) {
            Ok(spec) => serde_json::json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": name, "namespace": ns, "labels": {"app": name}}, "spec": spec}),
            Err(o) => return o,
        },
        other => return Output::err(format!("error: \"kubectl create {other}\" is not simulated; write a manifest and use kubectl create -f\n"), 1),
    };
    send_built(s, v, what, &sending)
}

/// `kubectl create job NAME --image=IMAGE [-- COMMAND ARGS…]` or `--from=cronjob/NAME`
/// (kubectl `create_job.go`): `Validate`'s two refusals, then the Job `createJob` builds
/// — one container named after the Job, the words after `--` its `command`, `restartPolicy:
/// Never` — or the one `createJobFromCronJob` builds from the stored CronJob's
/// `jobTemplate`: its spec, labels and annotations, `cronjob.kubernetes.io/instantiate:
/// manual`, and the CronJob as controller owner (without `blockOwnerDeletion`).
fn job_built(sim: &crate::sim::Sim, a: &Args, name: &str, ns: &str) -> Result<Value, Output> {
    let image = a.get("image").unwrap_or_default();
    let from = a.get("from").unwrap_or_default();
    if image.is_empty() == from.is_empty() {
        return Err(Output::err(
            "error: either --image or --from must be specified\n",
            1,
        ));
    }
    if !a.after_dashes.is_empty() && !from.is_empty() {
        return Err(Output::err("error: cannot specify --from and command\n", 1));
    }
    if !image.is_empty() {
        let mut c = serde_json::json!({"name": name, "image": image});
        if !a.after_dashes.is_empty() {
            c["command"] = serde_json::json!(a.after_dashes);
        }
        return Ok(serde_json::json!({"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"template": {"spec": {"containers": [c], "restartPolicy": "Never"}}}}));
    }
    // The builder's `ResourceTypeOrNameArgs(false, from)`: TYPE/NAME of any kind.
    let (kind, cj_name) = from.split_once('/').unwrap_or((from, ""));
    let Some(rt) = sim.discovery.resolve(kind) else {
        return Err(Output::err(
            format!("error: the server doesn't have a resource type \"{kind}\"\n"),
            1,
        ));
    };
    let Some(obj) = sim.store.find(&rt.gk(), ns, cj_name) else {
        return Err(Output::err(
            format!(
                "Error from server (NotFound): {} \"{cj_name}\" not found\n",
                rt.qualified_plural()
            ),
            1,
        ));
    };
    if obj.gk() != "CronJob.batch" {
        // `fmt.Errorf("unknown object type %T", obj)` of the typed object: Go names its
        // package by the last element of its path (`k8s.io/api/apps/v1` → `v1`).
        let version = obj.api_version.rsplit('/').next().unwrap_or("v1");
        return Err(Output::err(
            format!("error: unknown object type *{version}.{}\n", obj.kind),
            1,
        ));
    }
    let template = obj.get(&["spec", "jobTemplate"]);
    let mut annotations = serde_json::Map::new();
    annotations.insert(
        "cronjob.kubernetes.io/instantiate".into(),
        Value::String("manual".into()),
    );
    if let Some(m) = template["metadata"]["annotations"].as_object() {
        annotations.extend(m.clone());
    }
    let mut meta = serde_json::json!({"name": name, "namespace": ns,
        "annotations": annotations,
        "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob",
            "name": obj.meta.name, "uid": obj.meta.uid, "controller": true}]});
    if let Some(l) = template["metadata"]["labels"]
        .as_object()
        .filter(|l| !l.is_empty())
    {
        meta["labels"] = Value::Object(l.clone());
    }
    let spec = template
        .get("spec")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}));
    Ok(serde_json::json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": spec}))
}

/// What `kubectl create secret` prints without its subcommand (to standard error).
const CREATE_SECRET_HELP: &str = "Create a secret with specified type.

 A docker-registry type secret is for accessing a container registry.

 A generic type secret indicate an Opaque secret type.

 A tls type secret holds TLS certificate and its associated key.

Available Commands:
  docker-registry   Create a secret for use with a Docker registry
  generic           Create a secret from a local file, directory, or literal value
  tls               Create a TLS secret

Usage:
  kubectl create secret (docker-registry | generic | tls) [options]

Use \"kubectl create secret <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// What `kubectl create service` prints without its subcommand (to standard error).
const CREATE_SERVICE_HELP: &str = "Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip       Create a ClusterIP service
  externalname    Create an ExternalName service
  loadbalancer    Create a LoadBalancer service
  nodeport        Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use \"kubectl create service <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// `kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]]`
/// (create_ingress.go): `Validate`'s checks and texts, then the annotations
/// (`--annotation key=value`) and the spec it builds — `--class`, `--default-backend`,
/// a rule per host with its paths in order (a path ending in `*` is a `Prefix` without
/// the `*`, any other `Exact`), a port that reads as a number is `number`, else `name`;
/// and a TLS entry per secret for the rules with `,tls[=secret]`, each host once.
fn ingress_spec(a: &Args) -> Result<(Value, serde_json::Map<String, Value>), Output> {
    let (rules, backend) = (a.all("rule"), a.get("default-backend").unwrap_or_default());
    let refuse = |text: String| Err(Output::err(format!("error: {text}\n"), 1));
    if backend.is_empty() && rules.is_empty() {
        return refuse("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)".into());
    }
    // `^(?P<host>[\w\*\-\.]*)(?P<path>/.*)=(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)`,
    // unanchored at the end (kubectl's `ruleRegex`; its TLS part is optional, so it
    // never decides a match). A rule kubectl would accept and then crash on (a path
    // with `=` in it: `foo.com/a=b=svc:80`) is refused here as invalid (UNVERIFIED).
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let word = |w: &str| !w.is_empty() && w.bytes().all(is_word);
    // (`strings.Split(service, ":")[1]`: the port ends at a second colon.)
    let service_of = |svc: &str| {
        svc.split_once(':').filter(|(n, _)| word(n)).map(|(n, p)| {
            (
                n.to_string(),
                p.split(':').next().unwrap_or_default().to_string(),
            )
        })
    };
    let mut paths = vec![];
    for rule in &rules {
        let head = rule.split(',').next().unwrap_or_default();
        let parsed = head.split_once('/').and_then(|(host, rest)| {
            let host_ok = host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_*-.".contains(&b));
            let (path, svc) = rest.split_once('=')?;
            let (svc, port) = service_of(svc)?;
            // (The port need only start with a word character: the pattern ends there.)
            (host_ok && port.bytes().next().is_some_and(is_word))
                .then(|| (host.to_string(), format!("/{path}"), svc, port))
        });
        match parsed {
            Some(p) => paths.push(p),
            None => return refuse(format!("rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]")),
        }
    }
    let mut annotations = serde_json::Map::new();
    for an in a.all("annotation") {
        let Some((k, v)) = an.split_once('=') else {
            return refuse(format!(
                "annotation {an} is invalid and should be in format key=[value]"
            ));
        };
        annotations.insert(k.to_string(), Value::String(v.to_string()));
    }
    if !backend.is_empty() && backend.split(':').count() != 2 {
        return refuse("default-backend should be in format servicename:serviceport".into());
    }
    // `intstr.Parse`: a port that reads as a number (Go's Atoi) is one.
    let port = |p: &str| match p.parse::<i64>().ok() {
        Some(n) => serde_json::json!({"number": n}),
        None => serde_json::json!({"name": p}),
    };
    let backend_of =
        |name: &str, p: &str| serde_json::json!({"service": {"name": name, "port": port(p)}});
    let mut spec = serde_json::Map::new();
    if let Some(class) = a.get("class").filter(|c| !c.is_empty()) {
        spec.insert("ingressClassName".into(), Value::String(class.to_string()));
    }
    if let Some((name, p)) = backend.split_once(':') {
        spec.insert("defaultBackend".into(), backend_of(name, p));
    }
    // `buildTLSRules`: rules with exactly one comma; a host goes to the entry of its
    // secret if there is one, else a new entry; each host once.
    let mut tls: Vec<(Vec<String>, String)> = vec![];
    let mut hosts_seen: Vec<String> = vec![];
    for rule in &rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or_default().to_string();
        let secret = parts[1].split('=').nth(1).unwrap_or_default().to_string();
        if hosts_seen.contains(&host) {
            continue;
        }
        hosts_seen.push(host.clone());
        if let Some(entry) = tls.iter_mut().find(|(_, s)| *s == secret) {
            entry.0.push(host);
        } else if !host.is_empty() || !secret.is_empty() {
            tls.push((if host.is_empty() { vec![] } else { vec![host] }, secret));
        }
    }
    if !tls.is_empty() {
        let entries = tls.into_iter().map(|(hosts, secret)| {
            let mut e = serde_json::Map::new();
            if !hosts.is_empty() {
                e.insert("hosts".into(), serde_json::json!(hosts));
            }
            if !secret.is_empty() {
                e.insert("secretName".into(), Value::String(secret));
            }
            Value::Object(e)
        });
        spec.insert("tls".into(), Value::Array(entries.collect()));
    }
    // `buildIngressRules`: one rule per host, in the order of first appearance.
    let mut by_host: Vec<(String, Vec<Value>)> = vec![];
    for (host, path, svc, p) in paths {
        let (path, kind) = match path.strip_suffix('*') {
            Some(prefix) => (prefix.to_string(), "Prefix"),
            None => (path, "Exact"),
        };
        let entry =
            serde_json::json!({"backend": backend_of(&svc, &p), "path": path, "pathType": kind});
        match by_host.iter_mut().find(|(h, _)| *h == host) {
            Some((_, list)) => list.push(entry),
            None => by_host.push((host, vec![entry])),
        }
    }
    if !by_host.is_empty() {
        let rules = by_host.into_iter().map(|(host, paths)| {
            let mut r = serde_json::json!({"http": {"paths": paths}});
            if !host.is_empty() {
                r["host"] = Value::String(host);
            }
            r
        });
        spec.insert("rules".into(), Value::Array(rules.collect()));
    }
    Ok((Value::Object(spec), annotations))
}

/// The spec `kubectl create service TYPE NAME` builds: selector `app: NAME`, a port
/// for each `--tcp=PORT[:TARGET]` (named `PORT-TARGET`; the target is a number or a
/// port name, the port itself when left out), `--node-port` on a NodePort's ports,
/// `--clusterip` (`None`: headless, ClusterIP only), and the type.
fn service_spec(a: &Args, name: &str, service_type: &str) -> Result<Value, Output> {
    let cluster_ip = a.get("clusterip").unwrap_or_default();
    if cluster_ip == "None" && service_type != "ClusterIP" {
        return Err(Output::err(
            "error: ClusterIP=None can only be used with ClusterIP service type\n",
            1,
        ));
    }
    let tcp: Vec<String> = a
        .all("tcp")
        .iter()
        .flat_map(|t| t.split(','))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if cluster_ip != "None" && tcp.is_empty() {
        return Err(Output::err(
            "error: at least one tcp port specifier must be provided\n",
            1,
        ));
    }
    let node_port = match a.get("node-port").map(|p| int_flag(p, "--node-port", 32)) {
        None => 0,
        Some(Ok(p)) => p,
        Some(Err(e)) => {
            let sub = format!("create service {}", service_type.to_ascii_lowercase());
            return Err(flag_error(&sub, &e));
        }
    };
    let mut ports = vec![];
    for t in &tcp {
        let (port, target) = t.split_once(':').unwrap_or((t.as_str(), t.as_str()));
        let port = super::atoi(port)?;
        let target = target
            .parse::<i64>()
            .map_or_else(|_| Value::String(target.to_string()), Value::from);
        let mut p = serde_json::json!({"name": t.replace(':', "-"), "port": port,
            "protocol": "TCP", "targetPort": target});
        if node_port > 0 && service_type == "NodePort" {
            p["nodePort"] = Value::from(node_port);
        }
        ports.push(p);
    }
    let mut spec = serde_json::json!({"selector": {"app": name}, "type": service_type});
    // `omitempty`: a headless service without ports has no `ports`.
    if !ports.is_empty() {
        spec["ports"] = Value::Array(ports);
    }
    if !cluster_ip.is_empty() {
        spec["clusterIP"] = Value::from(cluster_ip);
    }
    Ok(spec)
}

/// How kubectl reports a name that is taken: `kubectl create deployment|…` wraps the
/// server's error (`error: failed to create deployment: …`), `kubectl run` and `kubectl
/// expose` print it as it is (`Error from server (AlreadyExists): …`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Exists {
    FailedToCreate,
    FromServer,
}

/// How a generator's object is sent and reported: `--dry-run`, `-o`, whether `-n` was
/// given, how a taken name is reported, and the line's verb (`created`, `exposed`).
pub(super) struct Sending {
    pub dry_run: DryRun,
    pub output: CreateOutput,
    explicit_ns: bool,
    exists: Exists,
    verb: &'static str,
    /// `--save-config`: the object carries apply's last-applied annotation.
    save_config: bool,
}

impl Sending {
    /// Reads `--dry-run` and `-o` (kubectl's errors for values it does not know).
    pub(super) fn of(a: &Args, exists: Exists, verb: &'static str) -> Result<Sending, Output> {
        Ok(Sending {
            dry_run: DryRun::of(a)?,
            output: CreateOutput::of(a)?,
            explicit_ns: a.has("namespace"),
            exists,
            verb,
            save_config: a.bool("save-config"),
        })
    }
}

/// Sends an object one of kubectl's generators built (`kubectl create deployment|…`,
/// `kubectl run`, `kubectl expose`): created and settled, or admitted on a copy of the
/// cluster (server dry run), or not sent at all (client dry run: the object as built,
/// typed as [`client_dry_run_doc`] says); printed as `-o` asks. `what` is the generator's
/// word (`deployment`, `pod`, `service`…).
pub(super) fn send_built(s: &mut Session, v: Value, what: &str, how: &Sending) -> Output {
    let (dry_run, output, verb) = (how.dry_run, &how.output, how.verb);
    let mut v = v;
    let mut obj = match Object::from_manifest(&v) {
        Ok(o) => o,
        Err(e) => return Output::err(format!("error: {e}\n"), 1),
    };
    // (The annotation is the object as kubectl built it, which a client dry run prints;
    // its keys in sorted order, where kubectl's encoder follows its structs' field order:
    // UNVERIFIED.)
    if how.save_config {
        let built = client_dry_run_doc(&s.sim, v.clone(), what, how.explicit_ns);
        let applied = serde_json::to_string(&built).unwrap_or_default() + "\n";
        v["metadata"]["annotations"][LAST_APPLIED] = Value::String(applied.clone());
        obj.meta.annotations.insert(LAST_APPLIED.into(), applied);
    }
    let rt = match s.sim.resource_type(&obj) {
        Ok(rt) => rt,
        Err(e) => return Output::err(format!("{}\n", e.kubectl_text()), 1),
    };
    let name = obj.meta.name.clone();
    // `-o name` prints the name alone; `-o yaml|json` the object (below).
    let line_only = matches!(output, CreateOutput::Line);
    let created = |suffix: &str| {
        if line_only {
            format!("{}/{name} {verb}{suffix}\n", rt.qualified_singular())
        } else {
            format!("{}/{name}\n", rt.qualified_singular())
        }
    };
    if dry_run == DryRun::Client {
        // Nothing is sent: the object as kubectl built it, without what the server
        // would add (`generate`'s structs, empty ones printed as `{}`).
        if let CreateOutput::Doc(json) = *output {
            let doc = client_dry_run_doc(&s.sim, v, what, how.explicit_ns);
            return Output::ok(print_doc(&doc, json));
        }
        return Output::ok(created(" (dry run)"));
    }
    // A server dry run is admitted like a create (defaults, validation, the name's
    // uniqueness) and then forgotten: done on a copy of the cluster.
    let mut scratch;
    let sim = if dry_run == DryRun::Server {
        scratch = s.sim.clone();
        &mut scratch
    } else {
        &mut s.sim
    };
    let key = ObjKey::new(&rt.gk(), &obj.meta.namespace, &obj.meta.name);
    match sim.create(obj) {
        Ok(_) => {
            let stored = sim.store.get(&key).map(|o| o.to_json());
            if dry_run == DryRun::None {
                sim.settle();
            }
            match (output, stored) {
                (CreateOutput::Doc(json), Some(doc)) => Output::ok(print_doc(&doc, *json)),
                _ => Output::ok(created(if dry_run == DryRun::Server {
                    " (server dry run)"
                } else {
                    ""
                })),
            }
        }
        Err(e @ ApiError::AlreadyExists { .. }) if how.exists == Exists::FailedToCreate => {
            Output::err(
                format!("error: failed to create {}: {}\n", rt.singular, e.message()),
                1,
            )
        }
        Err(e) => Output::err(format!("{}\n", e.kubectl_text()), 1),
    }
}

/// `--dry-run`: `none` (the default), `client` (nothing is sent) or `server` (admitted,
/// not stored).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// What kubectl adds to its `KIND/NAME VERB` line: ` (dry run)`, ` (server dry run)`.
    pub(super) fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }

    pub(super) fn of(a: &Args) -> Result<DryRun, Output> {
        DryRun::read(a.get("dry-run")).map_err(|other| {
            Output::err(
                format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n"),
                1,
            )
        })
    }

    /// `GetDryRunStrategy`: `client`, `server`, `none`; the bare flag (pflag's
    /// `NoOptDefVal`, `unchanged`: [`super::args::parse`]) and a Go boolean, deprecated
    /// but read (true → client, false → none: [`dry_run_warning`] says so); anything
    /// else is handed back for the error.
    pub(super) fn read(v: Option<&str>) -> Result<DryRun, &str> {
        match v {
            None | Some("none") => Ok(DryRun::None),
            Some("client" | "unchanged") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(b) => match go_bool(b) {
                Some(true) => Ok(DryRun::Client),
                Some(false) => Ok(DryRun::None),
                None => Err(b),
            },
        }
    }
}

/// Go's `strconv.ParseBool`.
fn go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// What kubectl logs (klog, to standard error) when `--dry-run` is given the old way:
/// bare (`--dry-run -o yaml`, in many older tutorials) or as a boolean. klog's header
/// is `W` + the date and time + the process id + the source line; here the time is the
/// virtual clock's and the process id and source line are fixed placeholders
/// (**UNVERIFIED** which line of `helpers.go` a release logs from; transcripts match the
/// header with `[..]`). None when `--dry-run` is absent or given a strategy. R-less: not
/// in the behaviour reference; kubectl's `GetDryRunStrategy`.
pub fn dry_run_warning(now: crate::time::Millis, words: &[String]) -> Option<String> {
    let mut message = None;
    for w in words.iter().take_while(|w| *w != "--") {
        if w == "--dry-run" {
            message = Some(
                "--dry-run is deprecated and can be replaced with --dry-run=client.".to_string(),
            );
        } else if let Some(v) = w.strip_prefix("--dry-run=") {
            message = go_bool(v).map(|b| {
                let to = if b { "client" } else { "none" };
                format!("--dry-run={v} is deprecated (boolean value) and can be replaced with --dry-run={to}.")
            });
        }
    }
    message.map(|m| {
        // 2026-01-01T00:00:30Z → 0101 00:00:30.000000
        let stamp = crate::time::rfc3339(now);
        let (date, time) = (&stamp[5..10], &stamp[11..19]);
        format!(
            "W{}{} {time}.{:06}   12345 helpers.go:703] {m}\n",
            &date[..2],
            &date[3..],
            now.rem_euclid(1000) * 1000
        )
    })
}

/// What `kubectl create` prints: the `created` line, the object (`-o yaml|json`) or its
/// name (`-o name`).
pub(super) enum CreateOutput {
    Line,
    Name,
    /// `true`: JSON.
    Doc(bool),
}

impl CreateOutput {
    pub(super) fn of(a: &Args) -> Result<CreateOutput, Output> {
        match a.get("output") {
            None | Some("") => Ok(CreateOutput::Line),
            Some("name") => Ok(CreateOutput::Name),
            Some("yaml") => Ok(CreateOutput::Doc(false)),
            Some("json") => Ok(CreateOutput::Doc(true)),
            Some(o) if o.starts_with("jsonpath") || o.contains("template") => Err(Output::err(
                format!("error: \"kubectl create -o {o}\" is not simulated; use -o yaml, -o json or -o name\n"),
                1,
            )),
            Some(o) => Err(Output::err(
                format!("error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n"),
                1,
            )),
        }
    }
}

fn print_doc(doc: &Value, json: bool) -> String {
    if json {
        super::get::to_kubectl_json(doc)
    } else {
        crate::manifest::to_yaml(doc)
    }
}

/// The metadata of an object kubectl built but did not send: nothing the server sets (no
/// uid, resource version or creation time), and before 1.33 an unset `creationTimestamp`
/// printed as `null` (the `omitzero` change; the release is **UNVERIFIED**, 1.35's
/// output has none).
fn unsent_meta(sim: &crate::sim::Sim, meta: &mut serde_json::Map<String, Value>) {
    meta.remove("uid");
    meta.remove("resourceVersion");
    if sim.version.at_least(33) {
        meta.remove("creationTimestamp");
    } else {
        meta.insert("creationTimestamp".into(), Value::Null);
    }
}

/// The object `kubectl create deployment|namespace|configmap|secret … --dry-run=client`
/// prints: what its generator built, typed — so the Deployment's and Namespace's empty
/// structs print as `{}` (`strategy`, `resources`, `spec`, `status`) — with no
/// namespace unless `-n` was given; its metadata as [`unsent_meta`] says (the pod
/// template's too).
fn client_dry_run_doc(sim: &crate::sim::Sim, mut v: Value, what: &str, explicit_ns: bool) -> Value {
    let stamp_null = !sim.version.at_least(33);
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        if !explicit_ns || matches!(what, "namespace" | "ns") {
            meta.remove("namespace");
        }
        unsent_meta(sim, meta);
    }
    match what {
        "deployment" | "deploy" => {
            v["spec"]["strategy"] = serde_json::json!({});
            if stamp_null {
                v["spec"]["template"]["metadata"]["creationTimestamp"] = Value::Null;
            }
            if let Some(cs) = v["spec"]["template"]["spec"]["containers"].as_array_mut() {
                for c in cs {
                    c["resources"] = serde_json::json!({});
                }
            }
            v["status"] = serde_json::json!({});
        }
        "namespace" | "ns" => {
            v["spec"] = serde_json::json!({});
            v["status"] = serde_json::json!({});
        }
        "job" => {
            let tm = &mut v["spec"]["template"]["metadata"];
            if tm.is_null() {
                *tm = serde_json::json!({});
            }
            if stamp_null {
                tm["creationTimestamp"] = Value::Null;
            }
            if let Some(cs) = v["spec"]["template"]["spec"]["containers"].as_array_mut() {
                for c in cs {
                    if c["resources"].is_null() {
                        c["resources"] = serde_json::json!({});
                    }
                }
            }
            v["status"] = serde_json::json!({});
        }
        // `kubectl run`'s pod and the service of `--expose` (kubectl/run_pod.rs).
        "pod" => {
            if let Some(cs) = v["spec"]["containers"].as_array_mut() {
                for c in cs {
                    c["resources"] = serde_json::json!({});
                }
            }
            v["status"] = serde_json::json!({});
        }
        "service" | "svc" | "ingress" | "ing" => {
            v["status"] = serde_json::json!({"loadBalancer": {}});
        }
        _ => {
            if v.get("data")
                .and_then(Value::as_object)
                .is_some_and(|d| d.is_empty())
            {
                if let Some(o) = v.as_object_mut() {
                    o.remove("data");
                }
            }
            // The Secret's type is left to the server (its default, Opaque).
            if let Some(o) = v.as_object_mut() {
                o.remove("type");
            }
        }
    }
    v
}

/// `kubectl delete -f FILE | KIND NAME... | KIND/NAME | KIND -l sel | KIND --all`.
/// `kubectl replace -f FILE`: each object sent whole in place of the live one (an HTTP
/// PUT): what the file leaves out is gone — labels, annotations (the last-applied one
/// too, unless `--save-config`), fields — and defaulted again; the server keeps the
/// object's identity (UID, creation time), its status and its deletion. Not found: an
/// error, nothing made. A `metadata.resourceVersion` in the file is a precondition, as
/// the API server's optimistic concurrency makes it: when the live object has been
/// written since (another resourceVersion), 409 Conflict and nothing replaced — the
/// error of `kubectl get -o yaml > f`, a change by someone else, `kubectl replace -f f`.
/// Without one the replace is unconditional. `--force`: the object is deleted
/// (with its grace period, `--grace-period`), kubectl waits until it is gone
/// (`--timeout`, 5 minutes when 0 or unset) and creates it anew — how a pod's fields
/// that an update may not change are changed. `--dry-run` and `-o` are not simulated.
pub fn replace(s: &mut Session, words: &[String], stdin: Option<&str>) -> Output {
    let a = match parse(words, &specs(REPLACE_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("replace", &e),
    };
    if !a.has("filename") {
        return super::usage_error("replace", "Must specify --filename to replace");
    }
    if a.has("dry-run") || a.has("output") {
        return Output::err("error: \"kubectl replace\" with --dry-run or -o is not simulated; run it without them, then read the object with kubectl get -o yaml\n", 1);
    }
    let grace = match a
        .get("grace-period")
        .map(|g| int_flag(g, "--grace-period", 64))
    {
        None => None,
        Some(Ok(g)) => (g >= 0).then_some(g),
        Some(Err(e)) => return flag_error("replace", &e),
    };
    let timeout = match a.get("timeout").map(super::wait::parse_timeout) {
        None => 5 * 60_000,
        Some(Some(0)) => 5 * 60_000,
        Some(Some(t)) => t,
        Some(None) => {
            let t = a.get("timeout").unwrap_or_default();
            return Output::err(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl replace --help' for usage.\n"), 1);
        }
    };
    let (items, mut errors) = match read_items(s, &a, stdin) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let mut out = Output::default();
    for item in items {
        let Some((mut obj, rt)) = placed(s, &a, item.obj, &item.source, &mut errors) else {
            continue;
        };
        if let Some(e) = decode_refusal(item.decode, &item.source, &obj, || "replacing") {
            errors.push(e);
            continue;
        }
        save_config(&a, &mut obj);
        let key = ObjKey::new(&rt.gk(), &obj.meta.namespace, &obj.meta.name);
        let (name, namespace) = (obj.meta.name.clone(), obj.meta.namespace.clone());
        let result = if a.bool("force") {
            force_replace(s, &rt, &key, obj, grace, timeout, &mut out)
        } else {
            replace_one(s, &rt, &key, obj, item.resource_version.as_deref())
        };
        match result {
            Ok(()) => out.linef(format_args!("{}/{name} replaced", rt.qualified_singular())),
            Err(e) => {
                errors.push(e.kubectl_file_text("replacing", &item.source, &name, &namespace))
            }
        }
    }
    s.sim.settle();
    for e in &errors {
        out.line(e);
    }
    if !errors.is_empty() {
        out.code = 1;
    }
    out
}

/// One object of `kubectl replace` (without `--force`): the file's object with the live
/// one's identity, status and deletion, as an update.
fn replace_one(
    s: &mut Session,
    rt: &ResourceType,
    key: &ObjKey,
    mut obj: Object,
    resource_version: Option<&str>,
) -> Result<(), ApiError> {
    let Some(stored) = s.sim.store.get(key) else {
        return Err(ApiError::NotFound {
            resource: rt.qualified_plural(),
            name: key.name.clone(),
        });
    };
    // The update's precondition (`GuaranteedUpdate` in the API server's storage): a
    // resourceVersion that is not the live one is a conflict.
    if resource_version.is_some_and(|rv| rv != stored.meta.resource_version.to_string()) {
        return Err(ApiError::conflict(&rt.qualified_plural(), &key.name));
    }
    super::edit::keep_server_fields(stored, &mut obj);
    obj.meta.created_seq = stored.meta.created_seq;
    obj.body.remove("status");
    if let Some(status) = stored.body.get("status").cloned() {
        obj.body.insert("status".into(), status);
    }
    s.sim.update(obj).map(|_| ())
}

/// `kubectl replace --force`: delete, wait until gone, create.
fn force_replace(
    s: &mut Session,
    rt: &ResourceType,
    key: &ObjKey,
    obj: Object,
    grace: Option<i64>,
    timeout: crate::time::Millis,
    out: &mut Output,
) -> Result<(), ApiError> {
    if let Some(uid) = s.sim.store.get(key).map(|o| o.meta.uid.clone()) {
        s.sim.delete(key, grace)?;
        out.line(&deleted_line(&s.sim, rt, key));
        let deadline = s.sim.now + timeout;
        let gone = s.sim.advance_until(deadline, |sim| {
            sim.store.get(key).is_none_or(|o| o.meta.uid != uid)
        });
        if !gone {
            return Err(ApiError::Other {
                reason: "Timeout".into(),
                message: "timed out waiting for the condition".into(),
            });
        }
    }
    s.sim.create(obj).map(|_| ())
}

pub fn delete(s: &mut Session, words: &[String], stdin: Option<&str>) -> Output {
    let a = match parse(words, &specs(DELETE_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("delete", &e),
    };
    let grace: Option<i64> = match a
        .get("grace-period")
        .map(|g| int_flag(g, "--grace-period", 64))
    {
        None => None,
        Some(Ok(g)) if g >= 0 => Some(g),
        Some(Ok(_)) => None,
        Some(Err(e)) => return flag_error("delete", &e),
    };
    let grace = if a.bool("now") { Some(1) } else { grace };
    let grace = if a.bool("force") && grace == Some(0) {
        Some(0)
    } else {
        grace
    };
    let orphan = a.get("cascade") == Some("orphan");
    let ignore_missing = a.bool("ignore-not-found");
    let mut keys: Vec<(ResourceType, ObjKey)> = vec![];
    let mut errors: Vec<String> = vec![];
    let ns = namespace_of(&a);
    if a.has("filename") {
        let (items, errs) = match read_items(s, &a, stdin) {
            Ok(x) => x,
            Err(o) => return o,
        };
        errors.extend(errs);
        for item in items {
            let Ok(mut obj) = item.obj else { continue };
            if let Err(e) = place(s, &mut obj, &a) {
                errors.push(e);
                continue;
            }
            match s.sim.resource_type(&obj) {
                Ok(rt) => {
                    let ns = if rt.namespaced {
                        obj.meta.namespace.clone()
                    } else {
                        String::new()
                    };
                    keys.push((rt.clone(), ObjKey::new(&rt.gk(), &ns, &obj.meta.name)));
                }
                Err(e) => errors.push(e.kubectl_file_text(
                    "deleting",
                    &item.source,
                    &obj.meta.name,
                    &obj.meta.namespace,
                )),
            }
        }
    } else {
        let pos = &a.positional;
        if pos.is_empty() {
            return Output::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n", 1);
        }
        let mut pairs: Vec<(String, Option<String>)> = vec![];
        if pos.iter().any(|p| p.contains('/')) {
            for p in pos {
                let (k, n) = p.split_once('/').unwrap_or((p.as_str(), ""));
                pairs.push((k.to_string(), Some(n.to_string())));
            }
        } else if pos.len() == 1 {
            pairs.push((pos[0].clone(), None));
        } else {
            for n in &pos[1..] {
                pairs.push((pos[0].clone(), Some(n.clone())));
            }
        }
        for (kind, name) in pairs {
            let Some(rt) = s.sim.discovery.resolve(&kind).cloned() else {
                return Output::err(
                    format!("error: the server doesn't have a resource type \"{kind}\"\n"),
                    1,
                );
            };
            let nsv = if rt.namespaced {
                ns.clone()
            } else {
                String::new()
            };
            match name {
                Some(n) => keys.push((rt.clone(), ObjKey::new(&rt.gk(), &nsv, &n))),
                None => {
                    let sel = match a.get("selector").map(Selector::parse) {
                        Some(Ok(sel)) => Some(sel),
                        Some(Err(e)) => return Output::err(format!("error: {e}\n"), 1),
                        None => None,
                    };
                    if sel.is_none() && !a.bool("all") {
                        return Output::err(
                            "error: resource(s) were provided, but no name was specified\n",
                            1,
                        );
                    }
                    let objs: Vec<ObjKey> = if a.bool("all-namespaces") && rt.namespaced {
                        s.sim
                            .store
                            .list_all(&rt.gk())
                            .filter(|o| sel.as_ref().is_none_or(|x| x.matches(&o.meta.labels)))
                            .map(Object::key)
                            .collect()
                    } else {
                        s.sim
                            .store
                            .list(&rt.gk(), &nsv)
                            .filter(|o| sel.as_ref().is_none_or(|x| x.matches(&o.meta.labels)))
                            .map(Object::key)
                            .collect()
                    };
                    if objs.is_empty() {
                        if rt.namespaced {
                            errors.push(format!("No resources found in {ns} namespace."));
                        } else {
                            errors.push("No resources found".into());
                        }
                        continue;
                    }
                    keys.extend(objs.into_iter().map(|k| (rt.clone(), k)));
                }
            }
        }
    }
    let mut out = Output::default();
    let mut failed = false;
    for (rt, key) in keys {
        if orphan {
            orphan_dependents(s, &key);
        }
        match s.sim.delete(&key, grace) {
            Ok(()) => out.line(&deleted_line(&s.sim, &rt, &key)),
            Err(e) => {
                if !(ignore_missing && matches!(e, ApiError::NotFound { .. })) {
                    out.line(&e.kubectl_text());
                    failed = true;
                }
            }
        }
    }
    s.sim.settle();
    for e in errors {
        if e.starts_with("No resources found") {
            out.line(&e);
        } else {
            out.line(&e);
            failed = true;
        }
    }
    if failed {
        out.code = 1;
    }
    out
}

/// `pod "web-1" deleted` (R8.5); kubectl 1.34 adds ` from <ns> namespace` (§13.8,
/// UNVERIFIED; this simulator prints the classic form, which both 1.21 and most
/// published lessons show).
fn deleted_line(_sim: &crate::sim::Sim, rt: &ResourceType, key: &ObjKey) -> String {
    format!("{} \"{}\" deleted", rt.qualified_singular(), key.name)
}

/// `--cascade=orphan`: dependents lose their owner reference to this object.
fn orphan_dependents(s: &mut Session, key: &ObjKey) {
    let Some(owner) = s.sim.store.get(key) else {
        return;
    };
    let uid = owner.meta.uid.clone();
    let deps: Vec<Object> = s.sim.store.owned_by(&uid).cloned().collect();
    for mut d in deps {
        d.meta.owner_references.retain(|o| o.uid != uid);
        let _ = s.sim.update(d);
    }
}

/// `kubectl scale KIND NAME --replicas=N` / `KIND/NAME`.
pub fn scale(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("replicas", None, true),
                    flag("current-replicas", None, true),
                    flag("filename", Some('f'), true),
                    flag("timeout", None, true),
                    flag("all", None, false),
                    flag("selector", Some('l'), true),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("scale", &e),
    };
    let Some(replicas) = a.get("replicas") else {
        return Output::err("error: required flag(s) \"replicas\" not set\n", 1);
    };
    // pflag's Int (`--replicas`), then kubectl scale's own check (scale.go, Validate).
    let replicas: i64 = match int_flag(replicas, "--replicas", 64) {
        Ok(r) if r >= 0 => r,
        Ok(_) => return Output::err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n", 1),
        Err(e) => return flag_error("scale", &e),
    };
    let ns = namespace_of(&a);
    let targets: Vec<(String, String)> = match a.positional.as_slice() {
        [one] if one.contains('/') => {
            let (k, n) = one.split_once('/').unwrap();
            vec![(k.to_string(), n.to_string())]
        }
        [kind, names @ ..] if !names.is_empty() => {
            names.iter().map(|n| (kind.clone(), n.clone())).collect()
        }
        _ => {
            return Output::err(
                "error: resource(s) were provided, but no name was specified\n",
                1,
            )
        }
    };
    let mut out = Output::default();
    for (kind, name) in targets {
        let Some(rt) = s.sim.discovery.resolve(&kind).cloned() else {
            return Output::err(
                format!("error: the server doesn't have a resource type \"{kind}\"\n"),
                1,
            );
        };
        if !matches!(
            rt.kind.as_str(),
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            out.linef(format_args!(
                "error: cannot scale {}: no scale subresource",
                rt.qualified_singular()
            ));
            out.code = 1;
            continue;
        }
        let key = ObjKey::new(&rt.gk(), &ns, &name);
        let Some(mut obj) = s.sim.store.get(&key).cloned() else {
            out.line(
                &ApiError::NotFound {
                    resource: rt.qualified_plural(),
                    name,
                }
                .kubectl_text(),
            );
            out.code = 1;
            continue;
        };
        if let Some(cur) = a
            .get("current-replicas")
            .and_then(|c| c.parse::<i64>().ok())
        {
            if obj.i64_at(&["spec", "replicas"]) != Some(cur) {
                out.linef(format_args!(
                    "error: Expected replicas to be {cur}, was {}",
                    obj.i64_at(&["spec", "replicas"]).unwrap_or(0)
                ));
                out.code = 1;
                continue;
            }
        }
        // No limit here: the API server accepts any replica count, and the simulated
        // pod quota (sim::MAX_PODS) refuses the pods beyond it, as a ResourceQuota would.
        obj.set(&["spec", "replicas"], Value::from(replicas));
        match s.sim.update(obj) {
            Ok(_) => out.linef(format_args!(
                "{}/{} scaled",
                rt.qualified_singular(),
                key.name
            )),
            Err(e) => {
                out.line(&e.kubectl_text());
                out.code = 1;
            }
        }
    }
    s.sim.settle();
    out
}

/// Standard base64 with padding (Secret `data`).
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod base64_tests {
    #[test]
    fn encodes_like_kubectl() {
        assert_eq!(super::base64(b"clyde"), "Y2x5ZGU=");
        assert_eq!(super::base64(b"pacman"), "cGFjbWFu");
        assert_eq!(super::base64(b"pinky"), "cGlua3k=");
        assert_eq!(super::base64(b""), "");
    }
}

#[cfg(test)]
mod last_applied_tests {
    use super::*;

    /// The annotation as it was first written: the whole object converted to JSON.
    fn by_copy(obj: &Object) -> String {
        let mut v = obj.to_json();
        if let Some(md) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            for k in ["creationTimestamp", "resourceVersion", "uid"] {
                md.remove(k);
            }
            if let Some(ann) = md.get_mut("annotations").and_then(Value::as_object_mut) {
                ann.remove(LAST_APPLIED);
                if ann.is_empty() {
                    md.remove("annotations");
                }
            }
        }
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn the_annotation_is_the_object_without_server_fields() {
        let mut texts = vec![
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: x\ndata:\n  z: \"1\"\n  a: b\n".to_string(),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: n, labels: {app: d}, annotations: {k: v}}\nspec: {replicas: 2}\nstatus: {}\nzzz: [1, 2.5, null, true]\n".to_string(),
            "kind: X\napiVersion: v\nmetadata: {name: \"\\u00e9<&>\\\"\"}\nAAA: 1\nlower: {b: 1, a: 2}\n".to_string(),
        ];
        if let Ok(t) = std::fs::read_to_string(
            "../../../shared/fixtures/real-world/argoproj__argo-cd/install.yaml",
        ) {
            texts.push(t);
        }
        let mut n = 0;
        for text in texts {
            for doc in manifest::parse(&text).documents {
                let mut obj = Object::from_manifest(&doc.value).unwrap();
                assert_eq!(last_applied(&obj), by_copy(&obj));
                // Fields the server set do not change it; a body field named like a
                // top-level one wins, as in `to_json`.
                obj.meta.uid = "u".into();
                obj.meta.resource_version = 7;
                assert_eq!(last_applied(&obj), by_copy(&obj));
                obj.body.insert("kind".into(), Value::from(3));
                assert_eq!(last_applied(&obj), by_copy(&obj));
                n += 1;
            }
        }
        assert!(n >= 3);
    }
}

#[cfg(test)]
mod ingress_tests {
    use super::*;

    fn spec(words: &[&str]) -> Result<Value, String> {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let specs = specs(&[
            flag("rule", None, true),
            flag("class", None, true),
            flag("default-backend", None, true),
            flag("annotation", None, true),
        ]);
        let a = parse(&words, &specs).map_err(|e| format!("{e:?}"))?;
        ingress_spec(&a).map(|(s, _)| s).map_err(|o| o.text)
    }

    /// kubectl's `ruleRegex`, matched at the start only: a host of word characters,
    /// `*`, `-` and `.`, a path from `/`, `=`, a service name and a port.
    #[test]
    fn rules_read_as_kubectl_reads_them() {
        let ok = |r: &str| spec(&[&format!("--rule={r}")]).is_ok();
        assert!(ok("foo.com/bar=svc1:8080,tls=my-cert"));
        assert!(ok("*.foo.com/=svc:http"));
        assert!(ok("/=svc:8080,tls"));
        assert!(ok("foo.com/=svc:80junk!!"), "unanchored at the end");
        assert!(!ok("foo com/=svc:80"));
        assert!(!ok("foo.com=svc:80"), "no path");
        assert!(!ok("foo.com/=svc"), "no port");
        assert!(!ok("foo.com/=:80"), "no service");
        // Accepted by kubectl's pattern, then its build would index past the end: refused.
        assert!(!ok("foo.com/a=b=svc:80"));
        let s = spec(&["--rule=foo.com/=svc:80:90", "--rule=foo.com/x=svc:-1"]).unwrap();
        let paths = &s["rules"][0]["http"]["paths"];
        assert_eq!(
            paths[0]["backend"]["service"]["port"],
            serde_json::json!({"number": 80})
        );
        assert_eq!(
            paths[1]["backend"]["service"]["port"],
            serde_json::json!({"number": -1})
        );
    }

    /// `buildTLSRules`: a host once, in the entry of its secret; a rule without a
    /// host and without a secret adds nothing.
    #[test]
    fn tls_entries_group_hosts_by_secret() {
        let s = spec(&[
            "--rule=a.com/=s:80,tls=one",
            "--rule=b.com/=s:80,tls=one",
            "--rule=a.com/x=s:80,tls=two",
            "--rule=/=s:80,tls",
            "--rule=c.com/=s:80,tls",
        ])
        .unwrap();
        assert_eq!(
            s["tls"],
            serde_json::json!([{"hosts": ["a.com", "b.com"], "secretName": "one"}, {"hosts": ["c.com"]}])
        );
        assert_eq!(s["rules"].as_array().unwrap().len(), 4);
    }
}
