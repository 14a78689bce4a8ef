//! `kubectl wait`: advances virtual time (`Sim::advance_until`) until each named object
//! meets the condition — `condition=NAME[=VALUE]`, `delete`, `create`,
//! `jsonpath={.path}[=VALUE]` — or the timeout (default 30s) runs out, printing
//! `pod/x condition met` per object and kubectl's timeout error otherwise.

use serde_json::Value;

use super::args::{flag, parse};
use super::{flag_error, namespace_of, specs};
use crate::api::{ObjKey, Object, ResourceType, Selector};
use crate::errors::ApiError;
use crate::shell::{Output, Session};
use crate::sim::Sim;
use crate::time::Millis;

/// What `--for` asks for.
#[derive(Clone, Debug, PartialEq)]
enum Condition {
    /// `condition=Ready` (status defaults to `True`; compared case-insensitively).
    Status {
        name: String,
        value: String,
    },
    Delete,
    Create,
    /// `jsonpath={.status.phase}=Running`, or just the path: it must exist.
    JsonPath {
        path: String,
        value: Option<String>,
    },
}

fn parse_condition(text: &str) -> Result<Condition, String> {
    if text.eq_ignore_ascii_case("delete") {
        return Ok(Condition::Delete);
    }
    if text.eq_ignore_ascii_case("create") {
        return Ok(Condition::Create);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n, v),
            None => (rest, "true"),
        };
        return Ok(Condition::Status {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        // `{.a.b}=value`: the value starts after the closing brace.
        let (path, value) = match rest.find('}') {
            Some(i) => {
                let (p, v) = rest.split_at(i + 1);
                (p.to_string(), v.strip_prefix('=').map(str::to_string))
            }
            None => match rest.split_once('=') {
                Some((p, v)) => (p.to_string(), Some(v.to_string())),
                None => (rest.to_string(), None),
            },
        };
        if path.trim().is_empty() {
            return Err("jsonpath expression cannot be empty".into());
        }
        return Ok(Condition::JsonPath { path, value });
    }
    Err(format!("unrecognized condition: \"{text}\""))
}

/// Whether `obj` (None: it does not exist) meets the condition. `uid` is the UID the
/// object had when the wait began (a deleted-and-recreated object counts as deleted).
fn met(cond: &Condition, obj: Option<&Object>, uid: &str) -> bool {
    match cond {
        Condition::Delete => obj.is_none_or(|o| o.meta.uid != uid),
        Condition::Create => obj.is_some(),
        Condition::Status { name, value } => obj.is_some_and(|o| {
            let fresh = match (
                o.i64_at(&["status", "observedGeneration"]),
                o.meta.generation,
            ) {
                (Some(seen), g) if g > 0 => seen >= g as i64,
                _ => true,
            };
            fresh
                && o.get(&["status", "conditions"])
                    .as_array()
                    .is_some_and(|cs| {
                        cs.iter().any(|c| {
                            c["type"]
                                .as_str()
                                .is_some_and(|t| t.eq_ignore_ascii_case(name))
                                && c["status"]
                                    .as_str()
                                    .is_some_and(|s| s.eq_ignore_ascii_case(value))
                        })
                    })
        }),
        Condition::JsonPath { path, value } => obj.is_some_and(|o| {
            let json = o.to_json();
            match super::print_config::simple_json_path(&json, path) {
                None => false,
                Some(found) => match value {
                    None => !found.is_null(),
                    Some(want) => {
                        let got = match found {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        got == *want
                    }
                },
            }
        }),
    }
}

/// Go's `time.ParseDuration` for the forms people type (`30s`, `2m`, `1h30m`, `0`);
/// a negative timeout waits a week.
pub(super) fn parse_timeout(t: &str) -> Option<Millis> {
    let t = t.trim();
    if let Some(rest) = t.strip_prefix('-') {
        return crate::time::parse_duration(rest).map(|_| 7 * 86_400_000);
    }
    if t == "0" {
        return Some(0);
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    crate::time::parse_duration(t)
}

pub fn wait(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(
        words,
        &specs(
            const {
                &[
                    flag("for", None, true),
                    flag("timeout", None, true),
                    flag("selector", Some('l'), true),
                    flag("all", None, false),
                    flag("all-namespaces", Some('A'), false),
                    flag("filename", Some('f'), true),
                    flag("field-selector", None, true),
                    flag("output", Some('o'), true),
                    flag("local", None, false),
                ]
            },
        ),
    ) {
        Ok(a) => a,
        Err(e) => return flag_error("wait", &e),
    };
    let Some(for_text) = a.get("for") else {
        return Output::err("error: --for must be specified\n", 1);
    };
    let cond = match parse_condition(for_text) {
        Ok(c) => c,
        Err(e) => return Output::err(format!("error: {e}\n"), 1),
    };
    let timeout = match a.get("timeout") {
        None => 30_000,
        Some(t) => match parse_timeout(t) {
            Some(ms) => ms,
            None => {
                return Output::err(
                    format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: missing unit in duration \"{t}\"\n"),
                    1,
                )
            }
        },
    };
    if a.positional.is_empty() {
        return Output::err(
            "error: resource(s) were provided, but no name was specified\n",
            1,
        );
    }
    let ns = namespace_of(&a);
    let targets = match targets(&s.sim, &a.positional, &ns, &a, &cond) {
        Ok(t) => t,
        Err(o) => return o,
    };
    if targets.is_empty() {
        if cond == Condition::Delete {
            return Output::default();
        }
        return Output::err("error: no matching resources found\n", 1);
    }
    let deadline = s.sim.now + timeout;
    let mut out = Output::default();
    for (rt, key) in targets {
        let uid = s
            .sim
            .store
            .get(&key)
            .map(|o| o.meta.uid.clone())
            .unwrap_or_default();
        if cond != Condition::Delete && cond != Condition::Create && uid.is_empty() {
            out.line(
                &ApiError::NotFound {
                    resource: rt.qualified_plural(),
                    name: key.name.clone(),
                }
                .kubectl_text(),
            );
            out.code = 1;
            return out;
        }
        if cond == Condition::Delete && uid.is_empty() {
            continue;
        }
        let ok = s
            .sim
            .advance_until(deadline, |sim| met(&cond, sim.store.get(&key), &uid));
        if ok {
            out.linef(format_args!(
                "{}/{} condition met",
                rt.qualified_singular(),
                key.name
            ));
        } else {
            out.linef(format_args!(
                "error: timed out waiting for the condition on {}/{}",
                rt.plural, key.name
            ));
            out.code = 1;
            return out;
        }
    }
    out
}

/// The objects to wait for, resolved once at the start as kubectl does.
fn targets(
    sim: &Sim,
    words: &[String],
    ns: &str,
    a: &super::args::Args,
    cond: &Condition,
) -> Result<Vec<(ResourceType, ObjKey)>, Output> {
    let unknown = |k: &str| {
        Output::err(
            format!("error: the server doesn't have a resource type \"{k}\"\n"),
            1,
        )
    };
    let mut out = vec![];
    if words.iter().any(|w| w.contains('/')) {
        for w in words {
            let (k, n) = w.split_once('/').unwrap_or((w.as_str(), ""));
            let rt = sim.discovery.resolve(k).ok_or_else(|| unknown(k))?.clone();
            let nsv = if rt.namespaced { ns } else { "" };
            out.push((rt.clone(), ObjKey::new(&rt.gk(), nsv, n)));
        }
        return Ok(out);
    }
    let rt = sim
        .discovery
        .resolve(&words[0])
        .ok_or_else(|| unknown(&words[0]))?
        .clone();
    let nsv = if rt.namespaced { ns } else { "" };
    if words.len() > 1 {
        for n in &words[1..] {
            out.push((rt.clone(), ObjKey::new(&rt.gk(), nsv, n)));
        }
        return Ok(out);
    }
    let selector = match a.get("selector").map(Selector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return Err(Output::err(format!("error: {e}\n"), 1)),
        None => None,
    };
    let fields = match a.get("field-selector").map(super::fields::parse) {
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => {
            return Err(Output::err(
                format!("Error from server (BadRequest): {e}\n"),
                1,
            ))
        }
        None => None,
    };
    if let Some(e) = fields
        .as_ref()
        .and_then(|f| super::fields::refusal(f, &rt, a.get("selector").unwrap_or("")))
    {
        return Err(Output::err(format!("{e}\n"), 1));
    }
    if selector.is_none() && fields.is_none() && !a.bool("all") {
        if *cond == Condition::Create {
            return Ok(out);
        }
        return Err(Output::err(
            "error: resource(s) were provided, but no name was specified\n",
            1,
        ));
    }
    let list: Vec<&Object> = if rt.namespaced && a.bool("all-namespaces") {
        sim.store.list_all(&rt.gk()).collect()
    } else {
        sim.store.list(&rt.gk(), nsv).collect()
    };
    for o in list {
        if selector.as_ref().is_none_or(|s| s.matches(&o.meta.labels))
            && fields.as_ref().is_none_or(|f| f.matches(o))
        {
            out.push((rt.clone(), o.key()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse() {
        assert_eq!(
            parse_condition("condition=Ready").unwrap(),
            Condition::Status {
                name: "Ready".into(),
                value: "true".into()
            }
        );
        assert_eq!(
            parse_condition("condition=Available=False").unwrap(),
            Condition::Status {
                name: "Available".into(),
                value: "False".into()
            }
        );
        assert_eq!(parse_condition("delete").unwrap(), Condition::Delete);
        assert_eq!(
            parse_condition("jsonpath={.status.phase}=Running").unwrap(),
            Condition::JsonPath {
                path: "{.status.phase}".into(),
                value: Some("Running".into())
            }
        );
        assert_eq!(
            parse_condition("bogus").unwrap_err(),
            "unrecognized condition: \"bogus\""
        );
    }

    #[test]
    fn timeouts_parse() {
        assert_eq!(parse_timeout("60s"), Some(60_000));
        assert_eq!(parse_timeout("0"), Some(0));
        assert_eq!(parse_timeout("-1s"), Some(7 * 86_400_000));
        assert_eq!(parse_timeout("30"), None);
    }
}
