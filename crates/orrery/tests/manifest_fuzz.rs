//! Property tests for the manifest parser, deterministic (a hand-written xorshift, fixed
//! seeds): thousands of random and mutated inputs never panic, every position a diagnostic
//! or document carries lies inside the text, and every value that loads — and every
//! random value — reads back unchanged from `to_yaml`. Time per input is not asserted:
//! the bounds that keep it small are tested by name in the unit tests.
//!
//! `MANIFEST_FUZZ_ROUNDS=50 cargo test --release --test manifest_fuzz` runs 50 times as
//! many cases (same seeds, longer streams) when hunting for a crash.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use orrery::manifest::{parse, parse_values, to_yaml, Parsed};
use serde_json::{Map, Number, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Pieces that mean something to YAML, JSON or this parser.
const TOKENS: &[&str] = &[
    "-",
    "- ",
    ":",
    ": ",
    "?",
    "? ",
    ",",
    "[",
    "]",
    "{",
    "}",
    "#",
    " #",
    "&a",
    "&b ",
    "*a",
    "*b",
    "!",
    "!!str ",
    "!t ",
    "|",
    "|-",
    "|+",
    "|2",
    ">",
    "'",
    "''",
    "\"",
    "\\",
    "%YAML 1.2",
    "%TAG ! x",
    "@",
    "`",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  ",
    "    ",
    "---",
    "---\n",
    "...",
    "...\n",
    "<<: ",
    "<<",
    "~",
    "null",
    "yes",
    "on",
    "0644",
    "0x1F",
    "1e3",
    ".nan",
    ".inf",
    "-.inf",
    "12345678901234567890123",
    "1.5",
    "true",
    "a",
    "kind",
    "apiVersion: v1\n",
    "kind: List\n",
    "items:\n",
    "é",
    "\u{85}",
    "\u{2028}",
    "\u{feff}",
    "\u{0}",
    "\u{1}",
    "\u{7f}",
    "\"\\u00e9\"",
    "\"\\ud800\"",
    "{\"a\": 1}",
    "[1, 2]",
    "x: &a [1, *a]",
    "{a: {a: {a: ",
    "[[[[",
    "]]]]",
];

fn token_soup(rng: &mut Rng) -> String {
    let n = 1 + rng.below(60);
    (0..n).map(|_| *rng.pick(TOKENS)).collect()
}

/// Inline samples, so the test means something even without the shared fixtures.
const SAMPLES: &[&str] = &[
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\n  labels: {app: nginx}\nspec:\n  clusterIP: None\n  ports: [{port: 80, name: web}]\n",
    "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: &l {app: nginx}}\n    spec:\n      containers:\n      - name: nginx\n        command: [\"sh\", \"-c\", 'echo hi']\n        args:\n        - |\n          multi\n          line\n  selector: {matchLabels: *l}\n...\n",
    "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [{\"kind\": \"Pod\", \"apiVersion\": \"v1\"}]\n}\n",
    "a: &a {x: 1}\nb:\n  <<: *a\n  y: >\n    folded\n    text\n",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(7) {
            0 => {
                let end = (at + rng.below(40)).min(s.len());
                s.drain(at..end);
            }
            1 => {
                let end = (at + rng.below(80)).min(s.len());
                let copy: Vec<char> = s[at..end].to_vec();
                let to = rng.below(s.len() + 1);
                s.splice(to..to, copy);
            }
            2 => {
                let t: Vec<char> = rng.pick(TOKENS).chars().collect();
                s.splice(at..at, t);
            }
            3 => s.truncate(at),
            4 => {
                // Change the indentation of a line.
                let start = s[..at]
                    .iter()
                    .rposition(|&c| c == '\n')
                    .map_or(0, |p| p + 1);
                let spaces = rng.below(5);
                s.splice(start..start, std::iter::repeat_n(' ', spaces));
            }
            5 => {
                if at < s.len() {
                    s[at] = rng.pick(TOKENS).chars().next().unwrap_or('x');
                }
            }
            _ => {
                let soup: Vec<char> = token_soup(rng).chars().collect();
                s.splice(at..at, soup);
            }
        }
    }
    s.into_iter().collect()
}

fn random_string(rng: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a",
        "b",
        "Z",
        "0",
        "1",
        "9",
        " ",
        "  ",
        "-",
        ":",
        ": ",
        "#",
        " #",
        "'",
        "\"",
        "\\",
        "\n",
        "\r",
        "\t",
        "*",
        "&",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        ",",
        "[",
        "]",
        "{",
        "}",
        "?",
        "~",
        ".",
        "é",
        "→",
        "😀",
        "\u{85}",
        "\u{a0}",
        "\u{2028}",
        "\u{feff}",
        "\u{0}",
        "\u{1b}",
        "\u{7f}",
        "yes",
        "null",
        "true",
        "0x1",
        "1e5",
        "0644",
        "1:20",
        "2021-01-01",
        "<<",
        "---",
        "...",
        "word ",
        "word word word word word word word word word ",
    ];
    let n = rng.below(14);
    (0..n).map(|_| *rng.pick(PIECES)).collect()
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 4 { 6 } else { 9 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 1),
        2 => Value::Number((rng.next() as i64 >> rng.below(64)).into()),
        3 => Value::Number(Number::from(rng.next())),
        4 => {
            let f = (rng.next() as i64 >> rng.below(60)) as f64 / (1u64 << rng.below(40)) as f64;
            Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        5 => Value::String(random_string(rng)),
        6 | 7 => {
            let mut m = Map::new();
            for _ in 0..rng.below(5) {
                m.insert(random_string(rng), random_value(rng, depth + 1));
            }
            Value::Object(m)
        }
        _ => Value::Array(
            (0..rng.below(5))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
    }
}

/// Equal, except that a float read back as an integer (go-yaml writes `1.0` as `1`) is
/// the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Parses `text` both ways, failing with the input on a panic, and checks the invariants.
fn check(case: &str, text: &str) {
    let run = |f: fn(&str) -> Parsed| {
        catch_unwind(AssertUnwindSafe(|| f(text)))
            .unwrap_or_else(|_| panic!("{case}: panicked on {text:?}"))
    };
    let lines = text.split('\n').count() + text.matches('\r').count();
    for (mode, parsed) in [("parse", run(parse)), ("parse_values", run(parse_values))] {
        for d in parsed.diagnostics.iter().chain(&parsed.warnings) {
            assert!(
                d.line >= 1 && d.line <= lines + 1,
                "{case} {mode}: {d} outside {lines} lines of {text:?}"
            );
            assert!(
                d.column >= 1 && !d.message.is_empty(),
                "{case} {mode}: {d:?} in {text:?}"
            );
            assert!(d.to_string().starts_with("line "));
        }
        let mut last = 0;
        for doc in &parsed.documents {
            assert!(
                doc.line >= 1 && doc.line <= lines + 1,
                "{case} {mode}: document at line {} in {text:?}",
                doc.line
            );
            assert!(
                doc.index >= last,
                "{case} {mode}: indices go back in {text:?}"
            );
            last = doc.index;
            if mode == "parse" {
                assert!(
                    doc.value.is_object(),
                    "{case}: a document that is not a mapping in {text:?}"
                );
            }
            let yaml = to_yaml(&doc.value);
            let back = parse_values(&yaml);
            assert!(
                back.diagnostics.is_empty()
                    && back.documents.len() == 1
                    && same(&back.documents[0].value, &doc.value),
                "{case} {mode}: {} does not read back from\n{yaml}\n{:?}",
                doc.value,
                back.diagnostics
            );
        }
    }
}

/// Cases per test: the base count times `MANIFEST_FUZZ_ROUNDS` (default 1).
fn rounds(base: usize) -> usize {
    base * std::env::var("MANIFEST_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
}

fn fixture_texts() -> Vec<String> {
    let mut out: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/real-world");
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut paths: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                // The big Argo CD install would only slow the mutations down.
                if text.len() < 30_000 && !p.ends_with("SOURCES.md") {
                    out.push(text);
                }
            }
        }
    }
    out
}

#[test]
fn random_token_soup_never_panics_and_positions_stay_in_the_text() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..rounds(4000) {
        let text = token_soup(&mut rng);
        check(&format!("soup #{i}"), &text);
    }
}

#[test]
fn mutated_manifests_never_panic_and_what_loads_reads_back() {
    let texts = fixture_texts();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for i in 0..rounds(3000) {
        let base = &texts[rng.below(texts.len())];
        let text = mutate(&mut rng, base);
        check(&format!("mutant #{i}"), &text);
    }
}

#[test]
fn random_values_read_back_from_to_yaml() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for i in 0..rounds(3000) {
        let v = random_value(&mut rng, 0);
        let yaml = to_yaml(&v);
        let back = catch_unwind(|| parse_values(&yaml))
            .unwrap_or_else(|_| panic!("#{i}: panicked on {yaml:?}"));
        let read = match &back.documents[..] {
            [one] => one.value.clone(),
            [] => Value::Null, // `null` reads as an empty document
            more => panic!("#{i}: {} documents from {yaml:?}", more.len()),
        };
        assert!(
            back.diagnostics.is_empty() && same(&read, &v),
            "#{i}: {v}\nwrote\n{yaml}\nread {read}\n{:?}",
            back.diagnostics
        );
    }
}
