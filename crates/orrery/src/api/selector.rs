//! Label selectors: the API form (`matchLabels` + `matchExpressions`), a Service's plain
//! map, and kubectl's `-l` syntax (`a=b,c!=d,e in (x,y),!f,g`).

use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A conjunction of requirements. The empty selector matches everything; `Nothing`
/// matches nothing (a `null` selector in the API).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
    pub nothing: bool,
}

impl Selector {
    pub fn everything() -> Selector {
        Selector::default()
    }

    pub fn nothing() -> Selector {
        Selector {
            requirements: vec![],
            nothing: true,
        }
    }

    /// From a plain label map (a Service selector, `matchLabels`).
    pub fn from_map(m: &BTreeMap<String, String>) -> Selector {
        Selector {
            requirements: m
                .iter()
                .map(|(k, v)| Requirement::Eq(k.clone(), v.clone()))
                .collect(),
            nothing: false,
        }
    }

    /// From an API `LabelSelector` (`{matchLabels, matchExpressions}`).
    pub fn from_label_selector(v: &Value) -> Selector {
        if v.is_null() {
            return Selector::nothing();
        }
        let mut reqs = vec![];
        if let Some(Value::Object(m)) = v.get("matchLabels") {
            for (k, val) in m {
                reqs.push(Requirement::Eq(
                    k.clone(),
                    val.as_str().unwrap_or("").to_string(),
                ));
            }
        }
        if let Some(Value::Array(exprs)) = v.get("matchExpressions") {
            for e in exprs {
                let key = e
                    .get("key")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                    "In" => reqs.push(Requirement::In(key, values)),
                    "NotIn" => reqs.push(Requirement::NotIn(key, values)),
                    "Exists" => reqs.push(Requirement::Exists(key)),
                    "DoesNotExist" => reqs.push(Requirement::DoesNotExist(key)),
                    _ => return Selector::nothing(),
                }
            }
        }
        Selector {
            requirements: reqs,
            nothing: false,
        }
    }

    /// kubectl `-l` syntax. Errors carry kubectl's wording closely enough to be useful.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut reqs = vec![];
        for part in split_top_level(text) {
            let p = part.trim();
            if p.is_empty() {
                continue;
            }
            if let Some(k) = p.strip_prefix('!') {
                reqs.push(Requirement::DoesNotExist(k.trim().to_string()));
            } else if let Some((k, v)) = p.split_once("!=") {
                reqs.push(Requirement::NotEq(k.trim().into(), v.trim().into()));
            } else if let Some((k, v)) = p.split_once("==") {
                reqs.push(Requirement::Eq(k.trim().into(), v.trim().into()));
            } else if let Some((k, v)) = p.split_once('=') {
                reqs.push(Requirement::Eq(k.trim().into(), v.trim().into()));
            } else if let Some((k, rest)) = split_set_op(p, " notin ") {
                reqs.push(Requirement::NotIn(k, parse_set(&rest)?));
            } else if let Some((k, rest)) = split_set_op(p, " in ") {
                reqs.push(Requirement::In(k, parse_set(&rest)?));
            } else if p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                reqs.push(Requirement::Exists(p.to_string()));
            } else {
                return Err(format!(
                    "unable to parse requirement: found '{p}', expected: identifier"
                ));
            }
        }
        Ok(Selector {
            requirements: reqs,
            nothing: false,
        })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        if self.nothing {
            return false;
        }
        self.requirements.iter().all(|r| match r {
            Requirement::Eq(k, v) => labels.get(k) == Some(v),
            Requirement::NotEq(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|x| vs.contains(x)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|x| !vs.contains(x)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        })
    }

    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// `app=nginx,tier in (web)` — the form `describe` and `-o wide` print.
    pub fn to_string_form(&self) -> String {
        self.requirements
            .iter()
            .map(|r| match r {
                Requirement::Eq(k, v) => format!("{k}={v}"),
                Requirement::NotEq(k, v) => format!("{k}!={v}"),
                Requirement::In(k, vs) => format!("{k} in ({})", vs.join(",")),
                Requirement::NotIn(k, vs) => format!("{k} notin ({})", vs.join(",")),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn split_top_level(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut depth = 0;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

fn split_set_op(p: &str, op: &str) -> Option<(String, String)> {
    p.split_once(op)
        .map(|(k, r)| (k.trim().to_string(), r.trim().to_string()))
}

fn parse_set(s: &str) -> Result<Vec<String>, String> {
    let inner = s
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .ok_or_else(|| format!("unable to parse requirement: found '{s}', expected: '('"))?;
    Ok(inner
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn kubectl_syntax() {
        let l = labels(&[("app", "nginx"), ("tier", "web")]);
        assert!(Selector::parse("app=nginx").unwrap().matches(&l));
        assert!(Selector::parse("app=nginx,tier!=db").unwrap().matches(&l));
        assert!(Selector::parse("tier in (web,db)").unwrap().matches(&l));
        assert!(!Selector::parse("tier notin (web)").unwrap().matches(&l));
        assert!(Selector::parse("app").unwrap().matches(&l));
        assert!(!Selector::parse("!app").unwrap().matches(&l));
    }

    #[test]
    fn api_selector() {
        let v: Value = serde_json::json!({"matchLabels": {"app": "nginx"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]});
        let s = Selector::from_label_selector(&v);
        assert!(s.matches(&labels(&[("app", "nginx"), ("tier", "web")])));
        assert!(!s.matches(&labels(&[("app", "nginx")])));
        assert!(!Selector::from_label_selector(&Value::Null).matches(&labels(&[])));
    }
}
