//! `kubectl set image` and `kubectl rollout status|restart|undo|history|pause|resume`
//! (R4.10, the kubectl texts of `set_image.go`, `rollout_*.go` and the Deployment status
//! viewer). `rollout status` advances virtual time until the rollout finishes, fails, or
//! `--timeout` passes.

use serde_json::{json, Value};
use std::fmt::Write as _;

use super::args::{self, flag, parse, Args, FlagSpec};
use super::{flag_error, namespace_of, specs};
use crate::api::{ObjKey, Object, ResourceType};
use crate::controllers::deployment::{
    self as dc, equal_ignore_hash, revision_of, CHANGE_CAUSE, RESTARTED_AT, SKIP_COPY_ANNOTATIONS,
};
use crate::errors::ApiError;
use crate::shell::{Output, Session};
use crate::sim::Sim;
use crate::time::Millis;

/// `rollout status` without `--timeout` waits "forever"; the simulator stops after a
/// day of virtual time so a command always ends.
const STATUS_WAIT_LIMIT_MS: Millis = 86_400_000;

const NO_RESOURCE: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n";

/// The objects named by `TYPE/NAME …` or `TYPE NAME …`.
fn targets(s: &Session, words: &[String], ns: &str) -> Result<Vec<(ResourceType, ObjKey)>, Output> {
    if words.is_empty() {
        return Err(Output::err(NO_RESOURCE, 1));
    }
    let mut pairs: Vec<(String, String)> = vec![];
    if words.iter().any(|w| w.contains('/')) {
        for w in words {
            let Some((k, n)) = w.split_once('/') else {
                return Err(Output::err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n", 1));
            };
            pairs.push((k.to_string(), n.to_string()));
        }
    } else if words.len() == 1 {
        return Err(Output::err(
            "error: resource(s) were provided, but no name was specified\n",
            1,
        ));
    } else {
        for n in &words[1..] {
            pairs.push((words[0].clone(), n.clone()));
        }
    }
    let mut out = vec![];
    for (kind, name) in pairs {
        let Some(rt) = s.sim.discovery.resolve(&kind).cloned() else {
            return Err(Output::err(
                format!("error: the server doesn't have a resource type \"{kind}\"\n"),
                1,
            ));
        };
        let ns = if rt.namespaced { ns } else { "" };
        let key = ObjKey::new(&rt.gk(), ns, &name);
        out.push((rt, key));
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

/// The pod spec inside an object: a Pod's own, or its template's (CronJob: the job's).
fn pod_spec_path(obj: &Object) -> Option<Vec<&'static str>> {
    match obj.kind.as_str() {
        "Pod" => Some(vec!["spec"]),
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicationController"
        | "Job" => Some(vec!["spec", "template", "spec"]),
        "CronJob" => Some(vec!["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

/// The `kubernetes.io/change-cause` text `--record` writes: the command with its flags.
fn change_cause(sub: &str, a: &Args) -> String {
    let mut s = format!("kubectl {sub}");
    for p in &a.positional {
        s.push(' ');
        s.push_str(p);
    }
    for (k, vs) in &a.flags {
        for v in vs {
            let v = if v.is_empty() { "true" } else { v };
            _ = write!(s, " --{k}={v}");
        }
    }
    s
}

// ----- kubectl set image -----------------------------------------------------------------

const SET_IMAGE_FLAGS: &[FlagSpec] = &[
    flag("all", None, false),
    flag("selector", Some('l'), true),
    flag("record", None, false),
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
    flag("local", None, false),
    flag("filename", Some('f'), true),
];

const SET_ENV_FLAGS: &[FlagSpec] = &[
    flag("containers", Some('c'), true),
    flag("list", None, false),
    flag("from", None, true),
    flag("prefix", None, true),
    flag("overwrite", None, false),
    flag("all", None, false),
    flag("selector", Some('l'), true),
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
    flag("local", None, false),
    flag("filename", Some('f'), true),
    flag("keys", None, true),
    flag("resolve", None, false),
];

/// `kubectl set env RESOURCE… [NAME=VALUE…] [NAME-…] [-c CONTAINER] [--from=configmap/X |
/// secret/X [--prefix=P]] [--list]`: the pod template's containers (and init containers)
/// matching `-c` (every one by default) get each variable — a name already there is
/// replaced in place, a new one appended — or lose it (`NAME-`); `--from` adds one
/// variable per key of a ConfigMap or Secret, read from it (`valueFrom`), named as kubectl
/// names them (upper-cased, characters not allowed in a name as `_`). A change rolls out
/// like any template change; `--list` prints each container's `env`.
fn set_env(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(words, &specs(SET_ENV_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("set env", &e),
    };
    let ns = namespace_of(&a);
    let mut resources: Vec<String> = vec![];
    let mut sets: Vec<(String, Value)> = vec![];
    let mut removes: Vec<String> = vec![];
    for w in &a.positional {
        if let Some((k, v)) = w.split_once('=') {
            if k.is_empty() {
                return Output::err(format!("error: invalid env: {w}\n"), 1);
            }
            sets.push((k.to_string(), json!({"name": k, "value": v})));
        } else if let Some(k) = w.strip_suffix('-').filter(|k| !k.contains('/')) {
            removes.push(k.to_string());
        } else {
            resources.push(w.clone());
        }
    }
    if let Some(from) = a.get("from") {
        let (kind, field, name) = match from.split_once('/') {
            Some(("configmap" | "configmaps" | "cm", n)) => ("ConfigMap", "configMapKeyRef", n),
            Some(("secret" | "secrets", n)) => ("Secret", "secretKeyRef", n),
            _ => {
                return Output::err(
                    format!("error: unsupported resource specified in --from: {from}\n"),
                    1,
                )
            }
        };
        let Some(src) = s.sim.store.find(kind, &ns, name) else {
            let rt = if kind == "Secret" {
                "secrets"
            } else {
                "configmaps"
            };
            return Output::err(
                format!("Error from server (NotFound): {rt} \"{name}\" not found\n"),
                1,
            );
        };
        let prefix = a.get("prefix").unwrap_or_default();
        for k in src
            .get(&["data"])
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
        {
            let env: String = k
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            let env = format!("{prefix}{env}");
            sets.push((
                env.clone(),
                json!({"name": env, "valueFrom": {field: {"name": name, "key": k}}}),
            ));
        }
    }
    let list = a.bool("list");
    if !list && sets.is_empty() && removes.is_empty() {
        return Output::err(
            "error: at least one environment variable must be provided\n",
            1,
        );
    }
    let targets = match targets(s, &resources, &ns) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let wanted = a.get("containers").unwrap_or("*").to_string();
    let mut out = Output::default();
    let mut errors: Vec<String> = vec![];
    for (rt, key) in targets {
        let (obj, path) = match with_pod_spec(s, &rt, &key) {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut updated = obj.clone();
        let mut matched = false;
        for list_name in ["initContainers", "containers"] {
            let mut p: Vec<&str> = path.clone();
            p.push(list_name);
            for c in updated.get_mut(&p).as_array_mut().into_iter().flatten() {
                let cname = c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                if wanted != "*" && wanted != cname {
                    continue;
                }
                matched = true;
                if list {
                    out.linef(format_args!(
                        "# {} {}, container {cname}",
                        rt.plural, key.name
                    ));
                    for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                        let n = e.get("name").and_then(Value::as_str).unwrap_or("");
                        let Some(from) = e.get("valueFrom") else {
                            let v = e.get("value").and_then(Value::as_str).unwrap_or("");
                            out.linef(format_args!("{n}={v}"));
                            continue;
                        };
                        // kubectl's `GetEnvVarRefString`.
                        let at = |f: &str, k: &str| {
                            from.get(f)
                                .and_then(|r| r.get(k))
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string()
                        };
                        let what = if from.get("configMapKeyRef").is_some() {
                            format!(
                                "configmap {}, key {}",
                                at("configMapKeyRef", "name"),
                                at("configMapKeyRef", "key")
                            )
                        } else if from.get("secretKeyRef").is_some() {
                            format!(
                                "secret {}, key {}",
                                at("secretKeyRef", "name"),
                                at("secretKeyRef", "key")
                            )
                        } else if from.get("fieldRef").is_some() {
                            format!("field path {}", at("fieldRef", "fieldPath"))
                        } else {
                            "invalid valueFrom".into()
                        };
                        out.linef(format_args!("# {n} from {what}"));
                    }
                    continue;
                }
                let mut env: Vec<Value> = c
                    .get("env")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for (name, var) in &sets {
                    match env
                        .iter_mut()
                        .find(|e| e.get("name").and_then(Value::as_str) == Some(name.as_str()))
                    {
                        Some(e) => *e = var.clone(),
                        None => env.push(var.clone()),
                    }
                }
                env.retain(|e| {
                    !removes
                        .iter()
                        .any(|r| e.get("name").and_then(Value::as_str) == Some(r.as_str()))
                });
                if env.is_empty() {
                    if let Some(m) = c.as_object_mut() {
                        m.remove("env");
                    }
                } else {
                    c["env"] = Value::Array(env);
                }
            }
        }
        if !matched {
            // A warning, not a failure (kubectl's `set env`).
            out.linef(format_args!(
                "warning: {}/{} does not have any containers matching \"{wanted}\"",
                rt.plural, key.name
            ));
            continue;
        }
        if list || updated == obj {
            continue;
        }
        write_back(s, updated, &rt, &key, "env updated", &mut out, &mut errors);
    }
    s.sim.settle();
    finish(out, errors)
}

/// `kubectl set …`: `image` and `env` are simulated.
pub fn set(s: &mut Session, words: &[String]) -> Output {
    match words.first().map(String::as_str) {
        Some("image") => set_image(s, &words[1..]),
        Some("env") => set_env(s, &words[1..]),
        Some(other @ ("resources" | "selector" | "serviceaccount" | "subject")) => Output::err(
            format!("error: \"kubectl set {other}\" is not simulated yet\n"),
            1,
        ),
        Some(other) => Output::err(
            format!("error: unknown command \"{other}\" for \"kubectl set\"\n"),
            1,
        ),
        None => Output::err("error: Required subcommand: kubectl set image\n", 1),
    }
}

fn set_image(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(words, &specs(SET_IMAGE_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("set image", &e),
    };
    let ns = namespace_of(&a);
    let (images, resources): (Vec<&String>, Vec<&String>) =
        a.positional.iter().partition(|w| w.contains('='));
    if images.is_empty() {
        return Output::err("error: at least one image update is required\n", 1);
    }
    let resources: Vec<String> = resources.into_iter().cloned().collect();
    let targets = match targets(s, &resources, &ns) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut out = Output::default();
    if a.has("record") {
        out.line("Flag --record has been deprecated, --record will be removed in the future");
    }
    let pairs: Vec<(String, String)> = images
        .iter()
        .filter_map(|w| w.split_once('='))
        .map(|(c, i)| (c.to_string(), i.to_string()))
        .collect();
    let mut errors: Vec<String> = vec![];
    for (rt, key) in targets {
        let (obj, path) = match with_pod_spec(s, &rt, &key) {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut updated = obj.clone();
        for (container, image) in &pairs {
            let mut found = false;
            for list in ["initContainers", "containers"] {
                let mut p: Vec<&str> = path.clone();
                p.push(list);
                if !updated.get(&p).is_array() {
                    continue;
                }
                for c in updated.get_mut(&p).as_array_mut().into_iter().flatten() {
                    if container == "*" || c.get("name").and_then(Value::as_str) == Some(container)
                    {
                        c["image"] = json!(image);
                        found = true;
                    }
                }
            }
            if !found && container != "*" {
                errors.push(format!(
                    "error: unable to find container named \"{container}\""
                ));
            }
        }
        if updated == obj {
            continue;
        }
        if a.bool("record") || obj.meta.annotations.contains_key(CHANGE_CAUSE) {
            updated
                .meta
                .annotations
                .insert(CHANGE_CAUSE.into(), change_cause("set image", &a));
        }
        write_back(
            s,
            updated,
            &rt,
            &key,
            "image updated",
            &mut out,
            &mut errors,
        );
    }
    s.sim.settle();
    finish(out, errors)
}

/// A `set` target and the path of its pod spec, or kubectl's error for it (not found, or
/// a kind without a pod template).
fn with_pod_spec(
    s: &Session,
    rt: &ResourceType,
    key: &ObjKey,
) -> Result<(Object, Vec<&'static str>), String> {
    let obj = s
        .sim
        .store
        .get(key)
        .cloned()
        .ok_or_else(|| not_found(rt, key))?;
    let path = pod_spec_path(&obj).ok_or_else(|| {
        format!(
            "error: {}/{} the object is not a pod or does not have a pod template: *v1.{}",
            rt.plural, key.name, obj.kind
        )
    })?;
    Ok((obj, path))
}

/// Writes a changed object and prints kubectl's `KIND/NAME VERB` line, or the API's error.
fn write_back(
    s: &mut Session,
    updated: Object,
    rt: &ResourceType,
    key: &ObjKey,
    verb: &str,
    out: &mut Output,
    errors: &mut Vec<String>,
) {
    match s.sim.update(updated) {
        Ok(_) => out.linef(format_args!(
            "{}/{} {verb}",
            rt.qualified_singular(),
            key.name
        )),
        Err(e) => errors.push(e.kubectl_text()),
    }
}

fn finish(mut out: Output, errors: Vec<String>) -> Output {
    if !errors.is_empty() {
        for e in errors {
            out.line(&e);
        }
        out.code = 1;
    }
    out
}

// ----- kubectl rollout -------------------------------------------------------------------

pub fn rollout(s: &mut Session, words: &[String]) -> Output {
    let Some(sub) = words.first() else {
        return Output::ok("Manage the rollout of one or many resources.\n\nAvailable Commands:\n  history       View rollout history\n  pause         Mark the provided resource as paused\n  restart       Restart a resource\n  resume        Resume a paused resource\n  status        Show the status of the rollout\n  undo          Undo a previous rollout\n\nUsage:\n  kubectl rollout SUBCOMMAND [options]\n");
    };
    let rest = &words[1..];
    match sub.as_str() {
        "status" => status(s, rest),
        "restart" => restart(s, rest),
        "undo" => undo(s, rest),
        "history" => history(s, rest),
        "pause" => pause_resume(s, rest, true),
        "resume" => pause_resume(s, rest, false),
        other => Output::err(
            format!("error: unknown command \"{other}\" for \"kubectl rollout\"\n"),
            1,
        ),
    }
}

fn parse_args(words: &[String], own: &[FlagSpec], sub: &str) -> Result<Args, Output> {
    parse(words, &specs(own)).map_err(|e| flag_error(&format!("rollout {sub}"), &e))
}

/// The Deployment status viewer: (message, done) or an error text.
pub fn deployment_status(d: &Object, revision: Option<i64>) -> Result<(String, bool), String> {
    let name = &d.meta.name;
    if let Some(want) = revision {
        let have = d
            .meta
            .annotations
            .get(dc::REVISION)
            .and_then(|r| r.parse::<i64>().ok())
            .unwrap_or(0);
        if want != have {
            return Err(format!(
                "desired revision ({want}) is different from the running revision ({have})"
            ));
        }
    }
    let observed = d.i64_at(&["status", "observedGeneration"]).unwrap_or(0);
    if d.meta.generation as i64 > observed {
        return Ok((
            "Waiting for deployment spec update to be observed...".into(),
            false,
        ));
    }
    if dc::condition(d, "Progressing")
        .and_then(|c| c.get("reason"))
        .and_then(Value::as_str)
        == Some("ProgressDeadlineExceeded")
    {
        return Err(format!(
            "deployment \"{name}\" exceeded its progress deadline"
        ));
    }
    let g = |k: &str| d.i64_at(&["status", k]).unwrap_or(0);
    let replicas = d.i64_at(&["spec", "replicas"]).unwrap_or(1);
    let (updated, total, available) = (g("updatedReplicas"), g("replicas"), g("availableReplicas"));
    if updated < replicas {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated..."), false));
    }
    if total > updated {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", total - updated), false));
    }
    if available < updated {
        return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."), false));
    }
    Ok((
        format!("deployment \"{name}\" successfully rolled out"),
        true,
    ))
}

/// One status check of a supported kind.
fn status_of(sim: &Sim, key: &ObjKey, revision: Option<i64>) -> Result<(String, bool), String> {
    let Some(obj) = sim.store.get(key) else {
        return Err("object has been deleted".into());
    };
    match obj.kind.as_str() {
        "Deployment" => deployment_status(obj, revision),
        "StatefulSet" => {
            let (done, msg) = crate::controllers::statefulset::rollout_status(sim, obj);
            Ok((msg.trim_end().to_string(), done))
        }
        "DaemonSet" => Err("rollout status for daemonsets.apps is not simulated yet".into()),
        other => Err(format!("no status viewer has been implemented for {other}")),
    }
}

fn status(s: &mut Session, words: &[String]) -> Output {
    let a = match parse_args(
        words,
        const {
            &[
                flag("watch", Some('w'), true),
                flag("revision", None, true),
                flag("timeout", None, true),
                flag("filename", Some('f'), true),
                flag("selector", Some('l'), true),
            ]
        },
        "status",
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace_of(&a);
    let targets = match targets(s, &a.positional, &ns) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let revision = a
        .get("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0);
    let watch = a.get("watch").is_none_or(|w| w != "false");
    let timeout = match a.get("timeout").map(crate::time::parse_duration) {
        None => None,
        Some(Some(ms)) => Some(ms).filter(|ms| *ms > 0),
        Some(None) => {
            return Output::err(
                format!("error: invalid argument \"{}\" for \"--timeout\" flag: time: invalid duration \"{}\"\n", a.get("timeout").unwrap_or(""), a.get("timeout").unwrap_or("")),
                1,
            )
        }
    };
    let mut out = Output::default();
    for (rt, key) in targets {
        if s.sim.store.get(&key).is_none() {
            out.line(&not_found(&rt, &key));
            out.code = 1;
            return out;
        }
        if !matches!(rt.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet") {
            out.linef(format_args!(
                "error: no status viewer has been implemented for {}",
                rt.gk()
            ));
            out.code = 1;
            return out;
        }
        let deadline = s.sim.now + timeout.unwrap_or(STATUS_WAIT_LIMIT_MS);
        let mut lines: Vec<String> = vec![];
        let mut result: Option<Result<(), String>> = None;
        let done = s.sim.advance_until(deadline, |sim| {
            match status_of(sim, &key, revision) {
                Err(e) => {
                    result = Some(Err(e));
                    true
                }
                Ok((msg, done)) => {
                    // Print each new status once (kubectl prints one per watch event; a
                    // repeat of the same line adds nothing in a transcript).
                    if lines.last() != Some(&msg) {
                        lines.push(msg);
                    }
                    if done {
                        result = Some(Ok(()));
                    }
                    done || !watch
                }
            }
        });
        for l in &lines {
            out.line(l);
        }
        match result {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                out.linef(format_args!("error: {e}"));
                out.code = 1;
                return out;
            }
            None if !watch && done => {}
            None => {
                out.line("error: timed out waiting for the condition");
                out.code = 1;
                return out;
            }
        }
    }
    out
}

fn restart(s: &mut Session, words: &[String]) -> Output {
    let a = match parse_args(
        words,
        const {
            &[
                flag("filename", Some('f'), true),
                flag("selector", Some('l'), true),
                flag("dry-run", None, true),
                flag("output", Some('o'), true),
            ]
        },
        "restart",
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace_of(&a);
    let targets = match targets(s, &a.positional, &ns) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut out = Output::default();
    let mut errors = vec![];
    for (rt, key) in targets {
        let Some(obj) = s.sim.store.get(&key).cloned() else {
            errors.push(not_found(&rt, &key));
            continue;
        };
        let err = |msg: &str| format!("error: {} \"{}\" {msg}", rt.qualified_plural(), key.name);
        if !matches!(
            obj.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet"
        ) {
            errors.push(err("restarting is not supported"));
            continue;
        }
        if obj.kind == "Deployment" && obj.get(&["spec", "paused"]).as_bool() == Some(true) {
            errors.push(err(
                "can't restart paused deployment (run rollout resume first)",
            ));
            continue;
        }
        let stamp = crate::time::rfc3339(s.sim.now);
        let mut updated = obj.clone();
        updated.set(
            &["spec", "template", "metadata", "annotations", RESTARTED_AT],
            json!(stamp),
        );
        if updated == obj {
            errors.push(format!("error: failed to create patch for {}: if restart has already been triggered within the past second, please wait before attempting to trigger another", key.name));
            continue;
        }
        write_back(s, updated, &rt, &key, "restarted", &mut out, &mut errors);
    }
    s.sim.settle();
    finish(out, errors)
}

fn pause_resume(s: &mut Session, words: &[String], pause: bool) -> Output {
    let sub = if pause { "pause" } else { "resume" };
    let a = match parse_args(
        words,
        const {
            &[
                flag("selector", Some('l'), true),
                flag("filename", Some('f'), true),
            ]
        },
        sub,
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace_of(&a);
    let targets = match targets(s, &a.positional, &ns) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut out = Output::default();
    let mut errors = vec![];
    for (rt, key) in targets {
        let Some(obj) = s.sim.store.get(&key).cloned() else {
            errors.push(not_found(&rt, &key));
            continue;
        };
        let err = |msg: &str| format!("error: {} \"{}\" {msg}", rt.qualified_plural(), key.name);
        if obj.kind != "Deployment" {
            errors.push(err(if pause {
                "pausing is not supported"
            } else {
                "resuming is not supported"
            }));
            continue;
        }
        let paused = obj.get(&["spec", "paused"]).as_bool() == Some(true);
        if pause && paused {
            errors.push(err("is already paused"));
            continue;
        }
        if !pause && !paused {
            errors.push(err("is not paused"));
            continue;
        }
        let mut updated = obj.clone();
        if pause {
            updated.set(&["spec", "paused"], json!(true));
        } else if let Some(spec) = updated.get_mut(&["spec"]).as_object_mut() {
            spec.remove("paused");
        }
        let verb = if pause { "paused" } else { "resumed" };
        write_back(s, updated, &rt, &key, verb, &mut out, &mut errors);
    }
    s.sim.settle();
    finish(out, errors)
}

/// The Deployment and its ReplicaSets, or the error to print.
fn deployment_and_rss<'a>(
    sim: &'a Sim,
    rt: &ResourceType,
    key: &ObjKey,
    verb: &str,
) -> Result<(&'a Object, Vec<&'a Object>), String> {
    let Some(d) = sim.store.get(key) else {
        return Err(not_found(rt, key));
    };
    if d.kind != "Deployment" {
        return Err(format!(
            "error: {verb} of {} is not simulated yet",
            rt.qualified_plural()
        ));
    }
    Ok((d, dc::owned_replica_sets(sim, d)))
}

/// R4.10 `kubectl rollout undo`: copy an old ReplicaSet's template back.
fn undo(s: &mut Session, words: &[String]) -> Output {
    let a = match parse_args(
        words,
        const {
            &[
                flag("to-revision", None, true),
                flag("dry-run", None, true),
                flag("filename", Some('f'), true),
                flag("selector", Some('l'), true),
                flag("output", Some('o'), true),
            ]
        },
        "undo",
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let to_revision: i64 = match a
        .get("to-revision")
        .map(|v| args::int_flag(v, "--to-revision", 64))
    {
        None => 0,
        Some(Ok(r)) => r,
        Some(Err(e)) => return flag_error("rollout undo", &e),
    };
    let ns = namespace_of(&a);
    let targets = match targets(s, &a.positional, &ns) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut out = Output::default();
    let mut errors = vec![];
    for (rt, key) in targets {
        let (d, rss) = match deployment_and_rss(&s.sim, &rt, &key, "rollout undo") {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if d.get(&["spec", "paused"]).as_bool() == Some(true) {
            errors.push("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
            continue;
        }
        let target = match revision_rs(d, &rss, to_revision) {
            Ok(rs) => rs,
            Err(e) => {
                errors.push(format!("error: {e}"));
                continue;
            }
        };
        let template = target.get(&["spec", "template"]).clone();
        if equal_ignore_hash(&template, d.get(&["spec", "template"])) {
            out.linef(format_args!(
                "{}/{} skipped rollback (current template already matches revision {to_revision})",
                rt.qualified_singular(),
                key.name
            ));
            continue;
        }
        let mut updated = d.clone();
        updated.set(&["spec", "template"], dc::template_without_hash(&template));
        let mut annotations = std::collections::BTreeMap::new();
        annotations.extend(
            d.meta
                .annotations
                .iter()
                .filter(|(k, _)| SKIP_COPY_ANNOTATIONS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        for (k, v) in &target.meta.annotations {
            if !SKIP_COPY_ANNOTATIONS.contains(&k.as_str()) {
                annotations.insert(k.clone(), v.clone());
            }
        }
        updated.meta.annotations = annotations;
        match s.sim.update(updated) {
            Ok(_) => out.linef(format_args!(
                "{}/{} rolled back",
                rt.qualified_singular(),
                key.name
            )),
            Err(e) => errors.push(format!(
                "error: failed restoring revision {to_revision}: {}",
                e.message()
            )),
        }
    }
    s.sim.settle();
    finish(out, errors)
}

/// `deploymentRevision`: the ReplicaSet of `to_revision`, or of the previous revision (0).
fn revision_rs<'a>(d: &Object, rss: &[&'a Object], to_revision: i64) -> Result<&'a Object, String> {
    if to_revision > 0 {
        return rss
            .iter()
            .copied()
            .find(|rs| {
                revision_of(rs) == to_revision && rs.meta.annotations.contains_key(dc::REVISION)
            })
            .ok_or_else(|| format!("unable to find specified revision {to_revision} in history"));
    }
    let mut latest: Option<(i64, &Object)> = None;
    let mut previous: Option<(i64, &Object)> = None;
    for rs in rss {
        if !rs.meta.annotations.contains_key(dc::REVISION) {
            continue;
        }
        let v = revision_of(rs);
        if latest.is_none_or(|(l, _)| l < v) {
            previous = latest;
            latest = Some((v, rs));
        } else if previous.is_none_or(|(p, _)| p < v) {
            previous = Some((v, rs));
        }
    }
    previous.map(|(_, rs)| rs).ok_or_else(|| {
        format!(
            "no rollout history found for deployment \"{}\"",
            d.meta.name
        )
    })
}

/// `kubectl rollout history`: REVISION and CHANGE-CAUSE, or one revision's pod template.
fn history(s: &mut Session, words: &[String]) -> Output {
    let a = match parse_args(
        words,
        const {
            &[
                flag("revision", None, true),
                flag("filename", Some('f'), true),
                flag("selector", Some('l'), true),
                flag("output", Some('o'), true),
            ]
        },
        "history",
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let revision: i64 = a.get("revision").and_then(|r| r.parse().ok()).unwrap_or(0);
    let ns = namespace_of(&a);
    let targets = match targets(s, &a.positional, &ns) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut out = Output::default();
    let mut errors = vec![];
    for (rt, key) in targets {
        let (_, rss) = match deployment_and_rss(&s.sim, &rt, &key, "rollout history") {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // Revision → (template, change cause); a later ReplicaSet with the same number wins.
        let mut by_rev: std::collections::BTreeMap<i64, (&Value, String)> = Default::default();
        for rs in &rss {
            let Some(r) = rs
                .meta
                .annotations
                .get(dc::REVISION)
                .and_then(|r| r.parse::<i64>().ok())
            else {
                continue;
            };
            let cause = rs
                .meta
                .annotations
                .get(CHANGE_CAUSE)
                .cloned()
                .unwrap_or_default();
            by_rev.insert(r, (rs.get(&["spec", "template"]), cause));
        }
        let name = format!("{}/{}", rt.qualified_singular(), key.name);
        if by_rev.is_empty() {
            out.text
                .push_str(&format!("{name} \nNo rollout history found.\n"));
            continue;
        }
        if revision > 0 {
            let Some((template, cause)) = by_rev.get(&revision) else {
                errors.push("error: unable to find the specified revision".into());
                continue;
            };
            out.text
                .push_str(&format!("{name} with revision #{revision}\n"));
            out.text.push_str(&describe_pod_template(template, cause));
            out.text.push('\n');
            continue;
        }
        let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
        for (r, (_, cause)) in &by_rev {
            let cause = if cause.is_empty() {
                "<none>".to_string()
            } else {
                cause.clone()
            };
            rows.push(vec![r.to_string(), cause]);
        }
        _ = write!(out.text, "{name} \n");
        out.text.push_str(&tabbed(&rows, 2));
        out.text.push('\n');
    }
    finish(out, errors)
}

/// kubectl's `tabbedString` layout (tabwriter with minwidth 0 and the given padding).
fn tabbed(rows: &[Vec<String>], padding: usize) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            if i + 1 < row.len() {
                widths[i] = widths[i].max(c.chars().count() + padding);
            }
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            out.push_str(c);
            if i + 1 < row.len() {
                out.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// `DescribePodTemplate` as `rollout history --revision` prints it (raw tabs, no
/// tabwriter, as kubectl writes it): describe's pod template, with the revision's change
/// cause among the annotations when the template does not carry one.
pub fn describe_pod_template(t: &Value, change_cause: &str) -> String {
    let has_cause = t["metadata"]["annotations"].get(CHANGE_CAUSE).is_some();
    let md_ok = t.is_object() && (t["metadata"].is_object() || t["metadata"].is_null());
    if change_cause.is_empty() || has_cause || !md_ok {
        return super::describe::pod_template_text(t);
    }
    let mut t = t.clone();
    if !t["metadata"]["annotations"].is_object() {
        t["metadata"]["annotations"] = json!({});
    }
    t["metadata"]["annotations"][CHANGE_CAUSE] = json!(change_cause);
    super::describe::pod_template_text(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_table_uses_padding_two() {
        let rows = vec![
            vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()],
            vec!["1".to_string(), "<none>".to_string()],
        ];
        assert_eq!(
            tabbed(&rows, 2),
            "REVISION  CHANGE-CAUSE\n1         <none>\n"
        );
    }

    #[test]
    fn pod_template_description() {
        let t = json!({"metadata": {"labels": {"app": "nginx", "pod-template-hash": "5d9c"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.16.1",
                "ports": [{"containerPort": 80, "protocol": "TCP"}]}]}});
        let d = describe_pod_template(&t, "");
        assert_eq!(
            d,
            "Pod Template:\n  Labels:\tapp=nginx\n\tpod-template-hash=5d9c\n  Containers:\n   nginx:\n    Image:\tnginx:1.16.1\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n"
        );
    }

    #[test]
    fn set_env_lists_each_container() {
        let mut s = Session::new(1);
        s.exec("kubectl create deployment web --image=nginx:1.27", None);
        s.exec(
            "kubectl create configmap settings --from-literal=log-level=debug",
            None,
        );
        s.exec("kubectl set env deploy/web COLOR=red", None);
        s.exec("kubectl set env deploy/web --from=configmap/settings", None);
        let o = s.exec("kubectl set env deploy/web --list", None);
        assert_eq!(
            o.text,
            "# deployments web, container nginx\nCOLOR=red\n# LOG_LEVEL from configmap settings, key log-level\n"
        );
        assert_eq!(o.code, 0);
    }
}
