//! `kubectl get -o yaml`: the bytes kubectl's YAML printer writes (sigs.k8s.io/yaml →
//! go-yaml v2), which differ from a generic YAML writer in ways people notice:
//! keys in go-yaml's "natural" order, sequences not indented under their key, strings
//! that would read as another type double-quoted (`"1"`, `"true"`, timestamps, `""`),
//! strings that YAML syntax forbids plain single-quoted (`'*'`), multi-line strings as
//! `|` blocks, and long scalars folded at spaces past column 80. Reading YAML stays in
//! `manifest`; this module only writes.

use serde_json::{Map, Value};
use std::cmp::Ordering;

/// go-yaml's preferred line width: scalars fold at a space once a line passes it.
const BEST_WIDTH: usize = 80;

/// The document kubectl prints for a value (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::default();
    match v {
        Value::Object(m) if !m.is_empty() => e.mapping(m, 0, false),
        Value::Array(a) if !a.is_empty() => e.sequence(a, 0, false),
        other => {
            e.scalar(other, 0);
            e.newline();
        }
    }
    e.out
}

#[derive(Default)]
struct Emitter {
    out: String,
    column: usize,
}

impl Emitter {
    fn put(&mut self, s: &str) {
        for c in s.chars() {
            self.out.push(c);
            if c == '\n' {
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
    }

    fn newline(&mut self) {
        self.put("\n");
    }

    fn indent_to(&mut self, indent: usize) {
        self.newline();
        self.put(&" ".repeat(indent));
    }

    /// A block mapping whose keys sit at `indent`; `inline_first` when the first key
    /// follows a `- ` on the current line. Ends at the start of a line.
    fn mapping(&mut self, m: &Map<String, Value>, indent: usize, inline_first: bool) {
        let mut keys: Vec<&String> = m.keys().collect();
        keys.sort_by(|a, b| natural_cmp(a, b));
        for (i, k) in keys.into_iter().enumerate() {
            if i > 0 || !inline_first {
                self.put(&" ".repeat(indent));
            }
            self.key(k);
            self.put(":");
            match &m[k] {
                Value::Object(o) if !o.is_empty() => {
                    self.newline();
                    self.mapping(o, indent + 2, false);
                }
                // Sequences in a mapping are not indented (go-yaml's indentless block
                // sequences).
                Value::Array(a) if !a.is_empty() => {
                    self.newline();
                    self.sequence(a, indent, false);
                }
                other => {
                    self.put(" ");
                    self.scalar(other, indent + 2);
                    self.newline();
                }
            }
        }
    }

    /// A block sequence with `- ` at `indent`; `inline_first` when the first item
    /// follows a `- ` on the current line. Ends at the start of a line.
    fn sequence(&mut self, a: &[Value], indent: usize, inline_first: bool) {
        for (i, item) in a.iter().enumerate() {
            if i > 0 || !inline_first {
                self.put(&" ".repeat(indent));
            }
            self.put("- ");
            match item {
                Value::Object(o) if !o.is_empty() => self.mapping(o, indent + 2, true),
                Value::Array(inner) if !inner.is_empty() => self.sequence(inner, indent + 2, true),
                other => {
                    self.scalar(other, indent + 2);
                    self.newline();
                }
            }
        }
    }

    fn key(&mut self, k: &str) {
        match style_for(k) {
            Style::Plain | Style::Literal => self.put(k),
            Style::Single => self.put(&format!("'{}'", k.replace('\'', "''"))),
            Style::Double => self.put(&double_quoted(k)),
        }
    }

    /// A scalar value; `indent` is where folded continuation lines and block scalar
    /// content go.
    fn scalar(&mut self, v: &Value, indent: usize) {
        match v {
            Value::Null => self.put("null"),
            Value::Bool(b) => self.put(if *b { "true" } else { "false" }),
            Value::Number(n) => self.put(&n.to_string()),
            Value::Object(_) => self.put("{}"),
            Value::Array(_) => self.put("[]"),
            Value::String(s) => match style_for(s) {
                Style::Plain => self.folded(s, indent, 0),
                Style::Single => {
                    self.put("'");
                    self.folded(&s.replace('\'', "''"), indent, 1);
                    self.put("'");
                }
                Style::Double => {
                    self.put("\"");
                    let inner = double_quoted(s);
                    self.folded_double(&inner[1..inner.len() - 1], indent);
                    self.put("\"");
                }
                Style::Literal => self.literal(s, indent),
            },
        }
    }

    /// Writes text, replacing a single space by a line break and indentation once the
    /// line is past `BEST_WIDTH` (libyaml's plain and single-quoted writers). `quoted`
    /// forbids a break at the first or last character.
    fn folded(&mut self, s: &str, indent: usize, quoted: usize) {
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                let edge = quoted > 0 && (i == 0 || i + 1 == chars.len());
                if !spaces && self.column > BEST_WIDTH && !next_space && !edge {
                    self.indent_to(indent);
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                let mut buf = [0u8; 4];
                self.put(c.encode_utf8(&mut buf));
                spaces = false;
            }
        }
    }

    /// The double-quoted writer's folding: a break at a space past the width, with a
    /// `\` before a following space so it survives.
    fn folded_double(&mut self, escaped: &str, indent: usize) {
        let chars: Vec<char> = escaped.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if !spaces && self.column > BEST_WIDTH && i != 0 && i + 1 != chars.len() {
                    self.indent_to(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put("\\");
                    }
                } else {
                    self.put(" ");
                }
                spaces = true;
            } else {
                let mut buf = [0u8; 4];
                self.put(c.encode_utf8(&mut buf));
                spaces = false;
            }
        }
    }

    /// `|` block: chomping `-` without a final newline, `+` with several; an
    /// indentation indicator when the text starts with a space or newline.
    fn literal(&mut self, s: &str, indent: usize) {
        self.put("|");
        if s.starts_with(' ') || s.starts_with('\n') {
            self.put("2");
        }
        if !s.ends_with('\n') {
            self.put("-");
        } else if s.ends_with("\n\n") || s == "\n" {
            self.put("+");
        }
        let body = s.strip_suffix('\n').unwrap_or(s);
        for line in body.split('\n') {
            self.newline();
            if !line.is_empty() {
                self.put(&" ".repeat(indent));
                self.put(line);
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// go-yaml's choice for a string: double quotes when plain text would read as another
/// type, a `|` block for multi-line text, single quotes when YAML syntax forbids the
/// plain form, double quotes for text single quotes cannot carry.
fn style_for(s: &str) -> Style {
    if resolves_to_non_string(s) {
        return Style::Double;
    }
    let a = analyze(s);
    if s.contains('\n') {
        return if a.block_allowed {
            Style::Literal
        } else {
            Style::Double
        };
    }
    if a.plain_allowed {
        Style::Plain
    } else if a.single_allowed {
        Style::Single
    } else {
        Style::Double
    }
}

struct Analysis {
    plain_allowed: bool,
    single_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar`, for block context.
fn analyze(s: &str) -> Analysis {
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = false;
    let mut special = false;
    let mut line_breaks = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_ws = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = i + 1 >= n || matches!(chars[i + 1], ' ' | '\t' | '\n' | '\r');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' if followed_by_ws => block_indicators = true,
                '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        let printable = c == '\n'
            || ('\u{20}'..='\u{7e}').contains(&c)
            || c == '\u{85}'
            || ('\u{a0}'..='\u{d7ff}').contains(&c)
            || ('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}'
            || ('\u{10000}'..='\u{10ffff}').contains(&c);
        if !printable {
            special = true;
        }
        if c == '\n' {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if c == '\n' {
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t' | '\n' | '\r');
    }
    let mut plain = true;
    let mut single = true;
    let mut block = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        plain = false;
    }
    if trailing_space {
        block = false;
    }
    if break_space {
        plain = false;
        single = false;
    }
    if space_break || special {
        plain = false;
        single = false;
        block = false;
    }
    if line_breaks || block_indicators {
        plain = false;
    }
    if s.is_empty() {
        plain = false;
    }
    Analysis {
        plain_allowed: plain,
        single_allowed: single,
        block_allowed: block,
    }
}

/// Whether go-yaml v2 would read the plain text as something other than a string
/// (null, bool, int, float, timestamp, merge key) — then it must be quoted.
fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let first = match s.chars().next() {
        Some(c) => c,
        None => return true,
    };
    if !(first.is_ascii_digit() || first == '+' || first == '-' || first == '.') {
        return false;
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    if parses_as_go_int(&plain) || is_yaml_float(&plain) || is_base60_float(s) {
        return true;
    }
    is_timestamp(s)
}

/// `strconv.ParseInt(s, 0, 64)` (and go-yaml's `0b` forms).
fn parses_as_go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let (digits, radix) =
        if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (h, 16)
        } else if let Some(b) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (b, 2)
        } else if let Some(o) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (o, 8)
        } else if body.len() > 1 && body.starts_with('0') {
            (&body[1..], 8)
        } else {
            (body, 10)
        };
    !digits.is_empty()
        && digits.chars().all(|c| c.is_digit(radix))
        && i128::from_str_radix(digits, radix).is_ok_and(|v| v <= i64::MAX as i128 + 1)
}

/// go-yaml's float pattern `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let mant_ok = if let Some(frac) = mant.strip_prefix('.') {
        !frac.is_empty() && frac.chars().all(|c| c.is_ascii_digit())
    } else {
        let (int, frac) = match mant.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mant, None),
        };
        !int.is_empty()
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()))
    };
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mant_ok && exp_ok
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (`1:20` reads as a number).
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, _frac) = match b.split_once('.') {
        Some((m, f)) => {
            if !f.chars().all(|c| c.is_ascii_digit() || c == '_') {
                return false;
            }
            (m, Some(f))
        }
        None => (b, None),
    };
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    if head.is_empty()
        || !head.starts_with(|c: char| c.is_ascii_digit())
        || !head.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            let bytes = p.as_bytes();
            match bytes.len() {
                1 => bytes[0].is_ascii_digit(),
                2 => (b'0'..=b'5').contains(&bytes[0]) && bytes[1].is_ascii_digit(),
                _ => false,
            }
        })
}

/// go-yaml's timestamp forms: `2006-1-2`, with `T`/`t`/space and a time.
fn is_timestamp(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() < 8 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return false;
    }
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        || parts[1].len() > 2
        || parts[2].len() > 2
    {
        return false;
    }
    match time {
        None => true,
        Some(t) => {
            let t = t.trim_end_matches('Z');
            let hms: Vec<&str> = t
                .split(['+', '-'])
                .next()
                .unwrap_or("")
                .split('.')
                .next()
                .unwrap_or("")
                .split(':')
                .collect();
            hms.len() == 3
                && hms
                    .iter()
                    .all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit()))
        }
    }
}

/// A double-quoted scalar with libyaml's escapes.
fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{feff}' => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02X}"));
                } else {
                    out.push_str(&format!("\\u{n:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// go-yaml's `keyList.Less`: letters compare by code point, a non-letter sorts before a
/// letter, digit runs compare by value.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 {
                j -= 1;
                if !ar[j].is_ascii_digit() {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .saturating_mul(10)
                .saturating_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .saturating_mul(10)
                .saturating_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_style_document() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "resourceVersion": "12", "creationTimestamp": "2026-01-01T00:00:00Z",
                         "annotations": {"a": "true"}, "labels": {}},
            "spec": {"ports": [{"port": 80, "name": "http"}], "clusterIP": "10.96.0.1", "selector": {"app": "*"}},
            "status": {"loadBalancer": {}}
        });
        assert_eq!(
            to_yaml(&v),
            "apiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    a: \"true\"\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n  labels: {}\n  name: web\n  resourceVersion: \"12\"\nspec:\n  clusterIP: 10.96.0.1\n  ports:\n  - name: http\n    port: 80\n  selector:\n    app: '*'\nstatus:\n  loadBalancer: {}\n"
        );
    }

    #[test]
    fn lists_and_literals() {
        let v = json!({"items": [], "a": [["x", "y"], {"k": "line1\nline2\n"}], "metadata": {"resourceVersion": ""}});
        assert_eq!(
            to_yaml(&v),
            "a:\n- - x\n  - \"y\"\n- k: |\n    line1\n    line2\nitems: []\nmetadata:\n  resourceVersion: \"\"\n"
        );
    }

    #[test]
    fn long_strings_fold() {
        let msg = "0/1 nodes are available: persistentvolumeclaim \"www-web-0\" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
        let v = json!({"status": {"conditions": [{"message": msg, "type": "PodScheduled"}]}});
        let y = to_yaml(&v);
        assert!(y.contains("  - message: '0/1 nodes are available: persistentvolumeclaim \"www-web-0\" not found.\n      preemption:"), "{y}");
    }

    #[test]
    fn natural_key_order() {
        let mut keys = vec!["b", "a10", "a2", "A", "a", "a-b", "ab"];
        keys.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(keys, vec!["A", "a", "a-b", "a2", "a10", "ab", "b"]);
    }

    #[test]
    fn quoting() {
        for (s, style) in [
            ("1", Style::Double),
            ("1.5", Style::Double),
            ("yes", Style::Double),
            ("", Style::Double),
            ("2026-01-01T00:00:00Z", Style::Double),
            ("10.96.0.1", Style::Plain),
            ("1Gi", Style::Plain),
            ("25%", Style::Plain),
            ("*", Style::Single),
            ("a: b", Style::Single),
            ("- x", Style::Single),
            (" x", Style::Single),
            ("x\ny", Style::Literal),
            ("k8s.io/minikube-hostpath", Style::Plain),
        ] {
            assert_eq!(style_for(s), style, "{s:?}");
        }
    }
}
