//! `kubectl taint nodes NAME KEY[=VALUE]:EFFECT… | KEY[:EFFECT]-…`: kubectl's own parsing
//! and messages (`pkg/cmd/taint`), then the node's `spec.taints` written. The scheduler's
//! TaintToleration plugin keeps new pods that do not tolerate a NoSchedule or NoExecute
//! taint Pending; the taint eviction controller deletes running pods a NoExecute taint
//! does not let stay.

use serde_json::{json, Value};

use super::args::{self, flag};
use super::{flag_error, mutate, specs, usage_error};
use crate::shell::{Output, Session};

/// One taint as kubectl parses it (`value` and `effect` may be empty).
#[derive(Clone, Debug, PartialEq)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

impl Taint {
    /// `v1.Taint.ToString`: `key=value:effect`, each part only when set.
    fn text(&self) -> String {
        let mut s = self.key.clone();
        if !self.value.is_empty() {
            s.push('=');
            s.push_str(&self.value);
        }
        if !self.effect.is_empty() {
            s.push(':');
            s.push_str(&self.effect);
        }
        s
    }

    /// `MatchTaint`: the same key and effect.
    fn matches(&self, other: &Value) -> bool {
        let f = |k: &str| other.get(k).and_then(Value::as_str).unwrap_or("");
        self.key == f("key") && self.effect == f("effect")
    }
}

const EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a name of at most 63
/// characters of `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn qualified_name(v: &str) -> Vec<String> {
    const FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    let bad_name = format!("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{FMT}')");
    let parts: Vec<&str> = v.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [name] => (None, *name),
        [prefix, name] => (Some(*prefix), *name),
        _ => {
            return vec![format!(
                "a qualified name {bad_name} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )]
        }
    };
    let mut errs = vec![];
    if let Some(p) = prefix {
        if p.is_empty() {
            errs.push("prefix part must be non-empty".to_string());
        } else {
            errs.extend(
                crate::validation::dns1123_subdomain(p)
                    .into_iter()
                    .map(|e| format!("prefix part {e}")),
            );
        }
    }
    let b = name.as_bytes();
    if b.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else {
        if b.len() > 63 {
            errs.push("name part must be no more than 63 characters".to_string());
        }
        let alnum = |c: u8| c.is_ascii_alphanumeric();
        let ok = alnum(b[0])
            && alnum(b[b.len() - 1])
            && b.iter()
                .all(|&c| alnum(c) || c == b'-' || c == b'_' || c == b'.');
        if !ok {
            errs.push(format!("name part {bad_name}"));
        }
    }
    errs
}

/// `parseTaint`: `key`, `key:effect` or `key=value:effect`.
fn parse_one(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (key.to_string(), String::new(), String::new()),
        [kv, effect] => {
            if !EFFECTS.contains(effect) {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv.as_slice() {
                [key] => (key.to_string(), String::new(), effect.to_string()),
                [key, value] => {
                    let errs = crate::validation::label_value(value);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                    }
                    (key.to_string(), value.to_string(), effect.to_string())
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = qualified_name(&key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(Taint { key, value, effect })
}

/// `ParseTaints`: the taints to add (each with an effect, no key and effect twice) and
/// those to remove (`…-`).
fn parse(specs: &[String]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    let (mut add, mut remove) = (Vec::<Taint>::new(), Vec::new());
    for spec in specs {
        if let Some(rest) = spec.strip_suffix('-') {
            let t = parse_one(rest)?;
            remove.push(Taint {
                value: String::new(),
                ..t
            });
        } else {
            let t = parse_one(spec)?;
            if t.effect.is_empty() {
                return Err(format!("invalid taint spec: {spec}"));
            }
            if add.iter().any(|a| a.key == t.key && a.effect == t.effect) {
                // Go's `%v` of a v1.Taint: `{key value effect <nil>}`.
                return Err(format!(
                    "duplicated taints with the same key and effect: {{{} {} {} <nil>}}",
                    t.key, t.value, t.effect
                ));
            }
            add.push(t);
        }
    }
    Ok((add, remove))
}

pub fn taint(s: &mut Session, words: &[String]) -> Output {
    let a = match args::parse(
        words,
        &specs(&[
            flag("overwrite", None, false),
            flag("all", None, false),
            flag("dry-run", None, true),
        ]),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("taint", &e),
    };
    let dry = match mutate::DryRun::of(&a) {
        Ok(d) => d.suffix(),
        Err(o) => return o,
    };
    // Resources first, then taint changes (an argument with `=`, `:` or a final `-`).
    let (mut resources, mut changes) = (Vec::new(), Vec::new());
    for w in &a.positional {
        let is_taint = w.contains('=') || w.contains(':') || w.ends_with('-');
        if is_taint {
            changes.push(w.clone());
        } else if !changes.is_empty() {
            return Output::err(
                format!("error: all resources must be specified before taint changes: {w}\n"),
                1,
            );
        } else {
            resources.push(w.clone());
        }
    }
    if resources.is_empty() {
        return Output::err(
            "error: one or more resources must be specified as <resource> <name>\n",
            1,
        );
    }
    if changes.is_empty() {
        return Output::err("error: at least one taint update is required\n", 1);
    }
    let (add, remove) = match parse(&changes) {
        Ok(p) => p,
        Err(e) => return usage_error("taint", &e),
    };
    let kind = resources[0].to_ascii_lowercase();
    match kind.as_str() {
        "node" | "nodes" | "no" => {}
        other => {
            return match s.sim.discovery.resolve(other) {
                Some(_) => Output::err(
                    format!(
                        "error: invalid resource type {other}, only node types are supported\n"
                    ),
                    1,
                ),
                None => Output::err(
                    format!("error: the server doesn't have a resource type \"{other}\"\n"),
                    1,
                ),
            };
        }
    }
    let conflicts: Vec<String> = add
        .iter()
        .flat_map(|t| {
            remove
                .iter()
                .filter(move |r| r.key == t.key && (r.effect.is_empty() || r.effect == t.effect))
        })
        .map(|r| format!("{{\"{}\":\"{}\"}}", r.key, r.effect))
        .collect();
    if !conflicts.is_empty() {
        return Output::err(
            format!(
                "error: can not both modify and remove the following taint(s) in the same command: {}\n",
                conflicts.join(", ")
            ),
            1,
        );
    }
    let names: Vec<String> = if a.bool("all") {
        s.sim
            .store
            .list_all("Node")
            .map(|n| n.meta.name.clone())
            .collect()
    } else {
        if resources.len() < 2 {
            return Output::err(
                "error: at least one resource name must be specified since 'all' parameter is not set\n",
                1,
            );
        }
        resources[1..].to_vec()
    };
    let overwrite = a.bool("overwrite");
    let mut out = Output::ok(String::new());
    for name in names {
        let Some(node) = s.sim.store.find("Node", "", &name).cloned() else {
            out.text.push_str(&format!(
                "Error from server (NotFound): nodes \"{name}\" not found\n"
            ));
            out.code = 1;
            continue;
        };
        let old: Vec<Value> = node
            .get(&["spec", "taints"])
            .as_array()
            .cloned()
            .unwrap_or_default();
        if !overwrite {
            let exists: Vec<&str> = add
                .iter()
                .filter(|t| old.iter().any(|o| t.matches(o)))
                .map(|t| t.key.as_str())
                .collect();
            if !exists.is_empty() {
                out.text.push_str(&format!(
                    "error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false\n",
                    exists.join(",")
                ));
                out.code = 1;
                continue;
            }
        }
        // `ReorganizeTaints`: the new taints, then the old ones they do not replace, less
        // those removed.
        let now = crate::time::rfc3339(s.sim.now);
        let mut new: Vec<Value> = add
            .iter()
            .map(|t| {
                let mut v = json!({"effect": t.effect, "key": t.key});
                if !t.value.is_empty() {
                    v["value"] = json!(t.value);
                }
                // The time the taint eviction controller counts `tolerationSeconds` from
                // (UNVERIFIED who sets it for a taint kubectl adds; chosen: it is set).
                if t.effect == "NoExecute" {
                    v["timeAdded"] = json!(now);
                }
                v
            })
            .collect();
        for o in &old {
            if !add.iter().any(|t| t.matches(o)) {
                new.push(o.clone());
            }
        }
        // `addTaints`' answer: whether the list grew.
        let added = new.len() != old.len();
        let mut deleted = false;
        let mut missing = vec![];
        for r in &remove {
            let n = new.len();
            new.retain(|t| {
                let key = t.get("key").and_then(Value::as_str).unwrap_or("");
                !(key == r.key && (r.effect.is_empty() || r.matches(t)))
            });
            deleted = new.len() != n;
            if !deleted {
                missing.push(format!("error: taint \"{}\" not found\n", r.text()));
            }
        }
        if !missing.is_empty() {
            for m in missing {
                out.text.push_str(&m);
            }
            out.code = 1;
            continue;
        }
        let operation = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        if dry.is_empty() {
            let mut n = node.clone();
            if new.is_empty() {
                if let Some(spec) = n.get_mut(&["spec"]).as_object_mut() {
                    spec.remove("taints");
                }
            } else {
                n.set(&["spec", "taints"], Value::Array(new));
            }
            if let Err(e) = s.sim.update(n) {
                out.text.push_str(&format!("{}\n", e.kubectl_text()));
                out.code = 1;
                continue;
            }
        }
        out.text
            .push_str(&format!("node/{name} {operation}{dry}\n"));
    }
    if dry.is_empty() {
        s.sim.settle();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taints_parse_as_kubectl_parses_them() {
        let t = |k: &str, v: &str, e: &str| Taint {
            key: k.into(),
            value: v.into(),
            effect: e.into(),
        };
        let p = |w: &[&str]| parse(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            p(&["dedicated=gpu:NoSchedule", "spot:NoExecute", "old-"]),
            Ok((
                vec![
                    t("dedicated", "gpu", "NoSchedule"),
                    t("spot", "", "NoExecute")
                ],
                vec![t("old", "", "")]
            ))
        );
        assert_eq!(
            p(&["a:NoSchedule-"]),
            Ok((vec![], vec![t("a", "", "NoSchedule")]))
        );
        assert_eq!(
            p(&["a=b:Never"]),
            Err("invalid taint effect: Never, unsupported taint effect".into())
        );
        assert_eq!(p(&["a"]), Err("invalid taint spec: a".into()));
        assert!(p(&["a=b"])
            .unwrap_err()
            .starts_with("invalid taint spec: a=b, name part"));
        assert_eq!(
            p(&["a=b=c:NoSchedule"]),
            Err("invalid taint spec: a=b=c:NoSchedule".into())
        );
        assert_eq!(
            p(&["a:NoSchedule", "a=x:NoSchedule"]),
            Err("duplicated taints with the same key and effect: {a x NoSchedule <nil>}".into())
        );
        assert!(p(&["-bad:NoSchedule"]).unwrap_err().starts_with(
            "invalid taint spec: -bad:NoSchedule, name part must consist of alphanumeric"
        ));
        assert!(p(&["example.com/gpu:NoSchedule"]).is_ok());
        assert_eq!(t("k", "v", "NoExecute").text(), "k=v:NoExecute");
        assert_eq!(t("k", "", "").text(), "k");
    }
}
