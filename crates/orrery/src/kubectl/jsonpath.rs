//! kubectl's JSONPath templates (`-o jsonpath=…`, `-o custom-columns=…`): text with
//! `{…}` expressions — fields (`.a.b`, `['a']`), indexes and `[*]`, filters
//! (`[?(@.type=="Ready")]`), `..name`, quoted literals (`{"\n"}`), and
//! `{range …}…{end}`. Several results print space-separated; strings raw, other values
//! as compact JSON. Missing fields print nothing (kubectl allows missing keys).

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Recursive(String),
    Index(i64),
    All,
    Filter {
        path: Vec<Step>,
        op: String,
        value: Value,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Text(String),
    Literal(String),
    Path(Vec<Step>),
    Range(Vec<Step>),
    End,
}

/// Renders `template` against `root`. Errors read as kubectl's template errors.
pub fn render(template: &str, root: &Value) -> Result<String, String> {
    let pieces = parse_template(template)?;
    let mut out = String::new();
    let mut pos = 0;
    run(&pieces, &mut pos, root, root, &mut out, false)?;
    Ok(out)
}

/// The values one path finds in `root` (for custom columns).
pub fn find(path: &str, root: &Value) -> Result<Vec<Value>, String> {
    let p = path.trim();
    let inner = p
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(p);
    let steps = parse_path(inner)?;
    Ok(eval(&steps, root, root).into_iter().cloned().collect())
}

fn run(
    pieces: &[Piece],
    pos: &mut usize,
    root: &Value,
    cur: &Value,
    out: &mut String,
    in_range: bool,
) -> Result<(), String> {
    while *pos < pieces.len() {
        let p = pieces[*pos].clone();
        *pos += 1;
        match p {
            Piece::Text(t) | Piece::Literal(t) => out.push_str(&t),
            Piece::Path(steps) => {
                let vals = eval(&steps, root, cur);
                let text: Vec<String> = vals.iter().map(|v| print_value(v)).collect();
                out.push_str(&text.join(" "));
            }
            Piece::Range(steps) => {
                let items: Vec<Value> = eval(&steps, root, cur)
                    .into_iter()
                    .flat_map(|v| match v {
                        Value::Array(a) => a.clone(),
                        other => vec![other.clone()],
                    })
                    .collect();
                let start = *pos;
                if items.is_empty() {
                    // Skip the body.
                    let mut scratch = String::new();
                    run(pieces, pos, root, &Value::Null, &mut scratch, true)?;
                }
                for item in &items {
                    *pos = start;
                    run(pieces, pos, root, item, out, true)?;
                }
            }
            Piece::End => {
                if in_range {
                    return Ok(());
                }
                return Err("not in range, nothing to end".into());
            }
        }
    }
    if in_range {
        return Err("unclosed action".into());
    }
    Ok(())
}

fn print_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn parse_template(t: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = vec![];
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    let mut text = String::new();
    while i < chars.len() {
        if chars[i] == '{' {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            let mut depth = 0;
            let mut j = i;
            let mut quote: Option<char> = None;
            loop {
                if j >= chars.len() {
                    return Err("unclosed action".into());
                }
                let c = chars[j];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        '"' | '\'' => quote = Some(c),
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    },
                }
                j += 1;
            }
            let inner: String = chars[i + 1..j].iter().collect();
            pieces.push(parse_action(inner.trim())?);
            i = j + 1;
        } else {
            text.push(chars[i]);
            i += 1;
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

fn parse_action(a: &str) -> Result<Piece, String> {
    if a == "end" {
        return Ok(Piece::End);
    }
    if let Some(rest) = a.strip_prefix("range ") {
        return Ok(Piece::Range(parse_path(rest.trim())?));
    }
    if (a.starts_with('"') && a.ends_with('"') && a.len() >= 2)
        || (a.starts_with('\'') && a.ends_with('\'') && a.len() >= 2)
    {
        return Ok(Piece::Literal(unescape(&a[1..a.len() - 1])));
    }
    Ok(Piece::Path(parse_path(a)?))
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_path(p: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut steps = vec![];
    let mut i = 0;
    if chars.first() == Some(&'$') || chars.first() == Some(&'@') {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let recursive = chars.get(i + 1) == Some(&'.');
                i += if recursive { 2 } else { 1 };
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        name.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    name.push(chars[i]);
                    i += 1;
                }
                if name.is_empty() {
                    continue;
                }
                steps.push(if recursive {
                    Step::Recursive(name)
                } else {
                    Step::Field(name)
                });
            }
            '[' => {
                let end = find_close(&chars, i)?;
                let inner: String = chars[i + 1..end].iter().collect();
                let inner = inner.trim();
                if inner == "*" {
                    steps.push(Step::All);
                } else if let Some(f) = inner.strip_prefix("?(").and_then(|x| x.strip_suffix(')')) {
                    steps.push(parse_filter(f)?);
                } else if (inner.starts_with('\'') && inner.ends_with('\''))
                    || (inner.starts_with('"') && inner.ends_with('"'))
                {
                    steps.push(Step::Field(inner[1..inner.len() - 1].to_string()));
                } else {
                    let n: i64 = inner
                        .parse()
                        .map_err(|_| format!("invalid array index {inner}"))?;
                    steps.push(Step::Index(n));
                }
                i = end + 1;
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                let mut name = String::new();
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    name.push(chars[i]);
                    i += 1;
                }
                steps.push(Step::Field(name));
            }
        }
    }
    Ok(steps)
}

fn find_close(chars: &[char], open: usize) -> Result<usize, String> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(j);
                    }
                }
                _ => {}
            },
        }
    }
    Err("unterminated array".into())
}

fn parse_filter(f: &str) -> Result<Step, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((l, r)) = f.split_once(op) {
            let path = parse_path(l.trim())?;
            let r = r.trim();
            let value = if (r.starts_with('"') && r.ends_with('"'))
                || (r.starts_with('\'') && r.ends_with('\''))
            {
                Value::String(r[1..r.len() - 1].to_string())
            } else {
                serde_json::from_str(r).unwrap_or(Value::String(r.to_string()))
            };
            return Ok(Step::Filter {
                path,
                op: op.to_string(),
                value,
            });
        }
    }
    // `[?(@.field)]`: the field exists.
    Ok(Step::Filter {
        path: parse_path(f.trim())?,
        op: "exists".into(),
        value: Value::Null,
    })
}

fn eval<'a>(steps: &[Step], _root: &'a Value, cur: &'a Value) -> Vec<&'a Value> {
    let mut vals: Vec<&Value> = vec![cur];
    for s in steps {
        let mut next = vec![];
        for v in vals {
            match s {
                Step::Field(name) => {
                    if let Some(x) = v.get(name.as_str()) {
                        next.push(x);
                    }
                }
                Step::Recursive(name) => collect_recursive(v, name, &mut next),
                Step::Index(n) => {
                    if let Value::Array(a) = v {
                        let idx = if *n < 0 { a.len() as i64 + n } else { *n };
                        if let Some(x) = usize::try_from(idx).ok().and_then(|i| a.get(i)) {
                            next.push(x);
                        }
                    }
                }
                Step::All => match v {
                    Value::Array(a) => next.extend(a.iter()),
                    Value::Object(m) => next.extend(m.values()),
                    _ => {}
                },
                Step::Filter { path, op, value } => {
                    if let Value::Array(a) = v {
                        for item in a {
                            let found = eval(path, item, item);
                            let keep = match op.as_str() {
                                "exists" => !found.is_empty(),
                                _ => found.iter().any(|f| compare(f, op, value)),
                            };
                            if keep {
                                next.push(item);
                            }
                        }
                    }
                }
            }
        }
        vals = next;
    }
    vals
}

fn collect_recursive<'a>(v: &'a Value, name: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x);
            }
            for child in m.values() {
                collect_recursive(child, name, out);
            }
        }
        Value::Array(a) => {
            for child in a {
                collect_recursive(child, name, out);
            }
        }
        _ => {}
    }
}

fn compare(a: &Value, op: &str, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            match op {
                "==" => x == y,
                "!=" => x != y,
                "<" => x < y,
                ">" => x > y,
                "<=" => x <= y,
                ">=" => x >= y,
                _ => false,
            }
        }
        _ => {
            let (x, y) = (print_value(a), print_value(b));
            match op {
                "==" => x == y,
                "!=" => x != y,
                "<" => x < y,
                ">" => x > y,
                "<=" => x <= y,
                ">=" => x >= y,
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_filters_and_ranges() {
        let pod = json!({"metadata": {"name": "web-0", "labels": {"app.kubernetes.io/name": "web"}},
            "status": {"podIP": "10.244.0.3", "conditions": [
                {"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}]}});
        assert_eq!(render("{.status.podIP}", &pod).unwrap(), "10.244.0.3");
        assert_eq!(
            render("{.status.conditions[?(@.type==\"Ready\")].status}", &pod).unwrap(),
            "False"
        );
        assert_eq!(
            render("{.metadata.labels.app\\.kubernetes\\.io/name}", &pod).unwrap(),
            "web"
        );
        assert_eq!(render("{.nope}", &pod).unwrap(), "");
        let list = json!({"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]});
        assert_eq!(render("{.items[*].metadata.name}", &list).unwrap(), "a b");
        assert_eq!(
            render("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &list).unwrap(),
            "a\nb\n"
        );
        assert_eq!(
            render("name: {.items[0].metadata.name}", &list).unwrap(),
            "name: a"
        );
        assert_eq!(
            render("{.metadata.labels}", &pod).unwrap(),
            "{\"app.kubernetes.io/name\":\"web\"}"
        );
    }
}
