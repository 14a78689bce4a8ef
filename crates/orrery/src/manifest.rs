//! Manifests: the only module that knows YAML. Turns pasted text (multi-document YAML or
//! JSON, `kind: List`, comments, anchors) into JSON values plus diagnostics with document
//! index, line and column, and renders values back the way `kubectl get -o yaml` does.
//!
//! [`parse`] reads manifests (every document a mapping, `*List` kinds expanded);
//! [`parse_values`] reads any YAML or JSON value, as a patch is read; [`to_yaml`] renders.
//! Parsing never fails wholesale: a broken document gives one diagnostic and the others
//! still load. Lines count `\n`s and columns count characters, as an editor shows them.
//!
//! serde_yaml 0.9 (libyaml) does the YAML syntax and serde_json reads JSON, including
//! kubectl's streams of objects written back to back. This module adds what they lack:
//! - it splits YAML documents itself: serde_yaml's multi-document iterator yields the
//!   same syntax error forever once one document is broken;
//! - a pre-scan (`Scanner`) that bounds nesting and counts nodes before libyaml runs:
//!   libyaml's scanner is quadratic in flow nesting (`{a: {a: …` 30,000 deep takes
//!   seconds), builds all of a document's events before serde_yaml's depth check (128)
//!   runs, and takes 1-4 µs a node;
//! - a value budget while building values: serde_yaml bounds alias *jumps*, not the values
//!   they produce, so a 15 KB document of one anchor and many aliases would expand to 9
//!   million values;
//! - merge keys (`<<`), non-string keys, NaN and custom tags handled as kubectl's
//!   YAML-to-JSON conversion handles them, and duplicate keys as warnings (the last value
//!   wins, as in kubectl);
//! - diagnostics whose message keeps the parser's own words (kubectl prints go-yaml's,
//!   which are libyaml's) with the context and hints for a learner beside it.
//!
//! Scalars are read as kubectl reads them, with go-yaml v2's YAML 1.1 resolution: a plain
//! `yes`, `on` or `y` is `true`, `0644` is 420, `1_000` is 1000 ([`yaml11`], on top of
//! serde_yaml's YAML 1.2; `"yes"` quoted stays a string).

use crate::sort::StableSort;
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use serde_json::{Map, Number, Value};

/// Largest input [`parse`] reads: 16 MiB, about eight times the largest real-world
/// manifest we know (Argo CD's 1.9 MB `install.yaml`, which parses in about 0.2 s in a
/// native release build). Larger text is refused whole.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Largest single document: 3 MiB, the request body limit of a Kubernetes API server
/// ("Request entity too large: limit is 3145728"). libyaml holds every event of a
/// document in memory at once (up to ~100 bytes per byte of text), so this also caps the
/// parser's peak memory.
pub const MAX_DOCUMENT_BYTES: usize = 3 * 1024 * 1024;

/// Most documents read from one input. Real bundles have a few hundred at most; each
/// document costs a parser set-up, so a file of 4 million `a: 1\n---\n` would otherwise
/// take tens of seconds.
pub const MAX_DOCUMENTS: usize = 10_000;

/// Deepest nesting of mappings and lists. serde_yaml and serde_json both stop at 128, so
/// this is the same number, checked by a linear pre-scan before libyaml sees the text.
/// Real manifests reach about 35 (Argo CD's CRDs). At 128 levels building a value takes
/// under 128 KiB of stack in a release build (wasm has 1 MiB), up to 1 MiB in a debug one.
pub const MAX_DEPTH: usize = 128;

/// Most values (scalars, lists, mappings and keys) one input may produce: about 15 times
/// the Argo CD install (64,000 values; 16 MiB of YAML that dense holds about 550,000).
/// Bounds the memory of the result and, counted by the pre-scan before libyaml runs, the
/// parsing time: libyaml takes about 1 µs a node, up to 4 µs deep inside `[`/`{`.
pub const MAX_VALUES: usize = 1_000_000;

/// Values a document may produce beyond two per byte of its text. Text spells out at most
/// 1.5 values a byte (`[?,?,?]`), so anything past that can only come from aliases; the
/// allowance keeps ordinary alias use in small documents well inside the bound.
const ALIAS_ALLOWANCE: usize = 10_000;

/// Column past which `kubectl get -o yaml` (go-yaml's emitter) folds long strings.
const BEST_WIDTH: usize = 80;

/// One document that parsed to a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// 0-based index of the document in the file, counting empty documents (after `List`
    /// expansion, items share their list's index).
    pub index: usize,
    /// 1-based line where the document's content (or the item's list) starts.
    pub line: usize,
    pub value: Value,
    /// For an item of a `kind: List` (or `*List`): its position in `items`.
    pub item: Option<usize>,
}

/// What a diagnostic is about, so callers can word it as kubectl would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticKind {
    /// The text is not valid YAML or JSON (kubectl: `error converting YAML to JSON`).
    Syntax,
    /// The document is valid but not a mapping (kubectl: `error validating data`).
    NotAnObject,
    /// A bound on size, nesting or alias expansion was hit.
    Limit,
    /// A mapping repeats a key; the last value wins (a warning).
    DuplicateKey,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub index: usize,
    /// 1-based line and column (in characters) in the whole text.
    pub line: usize,
    pub column: usize,
    /// The problem alone, in the parser's words as kubectl prints them after `yaml: line
    /// N: ` (`mapping values are not allowed in this context`).
    pub message: String,
    /// Where it was found or a hint, for a learner: `while parsing a flow sequence at line
    /// 6, column 4`, `in spec.template`.
    pub context: Option<String>,
    pub kind: DiagnosticKind,
}

impl fmt::Display for Diagnostic {
    /// `line 7, column 2: did not find expected ',' or ']' (while parsing a flow sequence
    /// at line 6, column 4)`.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )?;
        match &self.context {
            Some(context) => write!(f, " ({context})"),
            None => Ok(()),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub documents: Vec<Document>,
    /// Problems that kept a document (or the rest of the input) from loading.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems that did not: the document loaded anyway (duplicate keys).
    pub warnings: Vec<Diagnostic>,
}

/// Parses a file of manifests: YAML documents or JSON, `List` kinds expanded into their
/// items, every document required to be a mapping. Empty documents are skipped silently.
pub fn parse(text: &str) -> Parsed {
    parse_as(text, Mode::Manifests)
}

/// Parses YAML or JSON values of any shape, as `kubectl patch -p` reads a patch: no `List`
/// expansion, and lists or scalars at the top level are fine.
pub fn parse_values(text: &str) -> Parsed {
    parse_as(text, Mode::Values)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Manifests,
    Values,
}

fn parse_as(text: &str, mode: Mode) -> Parsed {
    Parse::with_mode(text, mode).finish()
}

/// A parse of a file of manifests done a few documents at a time, so that a caller with a
/// thread to share (the page) can hand it back between steps. The result is exactly
/// [`parse`]'s: the same loop, only paused between documents. JSON input (text starting
/// with `{` or `[`) is read in the first step.
pub struct Parse {
    /// The text as libyaml reads it (no byte-order mark, lone `\r` made `\n`).
    text: String,
    mode: Mode,
    yaml: Option<YamlRead>,
    done: Option<Loaded>,
}

impl Parse {
    /// Starts parsing `text` as [`parse`] does (splitting it into documents: linear).
    pub fn new(text: &str) -> Parse {
        Parse::with_mode(text, Mode::Manifests)
    }

    fn with_mode(text: &str, mode: Mode) -> Parse {
        let mut p = Parse {
            text: String::new(),
            mode,
            yaml: None,
            done: None,
        };
        if text.len() > MAX_INPUT_BYTES {
            let message = format!(
                "the input is {} bytes; the limit is {MAX_INPUT_BYTES} bytes (16 MiB)",
                text.len()
            );
            let mut out = Loaded::default();
            out.diagnostic(DiagnosticKind::Limit, 0, (1, 1), message);
            p.done = Some(out);
            return p;
        }
        // Editors do not show a byte-order mark, so columns on line 1 do not count it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        p.text = lone_cr_to_lf(text).into_owned();
        let text = p.text.as_str();
        let first = text.trim_start().as_bytes().first().copied();
        if matches!(first, Some(b'{' | b'[')) {
            // kubectl reads text starting with `{` as JSON (a stream of objects). JSON that
            // does not parse may still be YAML (trailing commas, unquoted keys): keep
            // whichever reading has no errors, else the one that got further before its
            // first error.
            let json = read_json(text);
            p.done = Some(if json.diagnostics.is_empty() {
                json
            } else {
                let yaml = read_yaml(text);
                if yaml.first_problem() > json.first_problem() {
                    yaml
                } else {
                    json
                }
            });
        } else {
            p.yaml = Some(YamlRead::new(text));
        }
        p
    }

    /// Parses whole documents until at least `bytes` bytes of text have been read (one
    /// document at least) or the text is done. True when it is done.
    pub fn step(&mut self, bytes: usize) -> bool {
        if let Some(y) = &mut self.yaml {
            if y.step(&self.text, bytes) {
                self.done = self.yaml.take().map(|y| y.out);
            }
        }
        self.done.is_some()
    }

    /// How far the parse is, in bytes of text read (for a progress display).
    pub fn progress(&self) -> (usize, usize) {
        let at = match &self.yaml {
            Some(y) => y.read_bytes,
            None => self.text.len(),
        };
        (at, self.text.len())
    }

    /// Parses what is left and returns the result.
    pub fn finish(mut self) -> Parsed {
        self.step(usize::MAX);
        let mode = self.mode;
        self.done.take().unwrap_or_default().finish(mode)
    }

    /// [`Parse::finish`], remembered for [`parse_shared`] under `text` (the text this
    /// parse was started with).
    pub fn finish_shared(self, text: &str) -> Arc<Parsed> {
        let parsed = Arc::new(self.finish());
        remember(text, &parsed);
        parsed
    }
}

/// Texts at least this long are remembered by [`parse_shared`]: below it, parsing again
/// is cheaper than keeping the copy.
pub const REMEMBER_BYTES: usize = 64 * 1024;

thread_local! {
    /// The last large text parsed through [`parse_shared`] or [`Parse::finish_shared`]
    /// and its result: one entry, matched by the whole text.
    static LAST: std::cell::RefCell<Option<(String, Arc<Parsed>)>> =
        const { std::cell::RefCell::new(None) };
}

fn remember(text: &str, parsed: &Arc<Parsed>) {
    if text.len() >= REMEMBER_BYTES {
        LAST.with(|l| *l.borrow_mut() = Some((text.to_string(), parsed.clone())));
    }
}

/// [`parse`], sharing the result of the last large text parsed: the page's editor parses
/// a pasted file to report on it, and `kubectl apply -f` on the same text then reads the
/// same documents instead of parsing 2 MB again. Parsing is a pure function of the text,
/// so the result is the same as [`parse`]'s whether or not it was remembered.
pub fn parse_shared(text: &str) -> Arc<Parsed> {
    if let Some(p) = remembered(text) {
        return p;
    }
    let parsed = Arc::new(parse(text));
    remember(text, &parsed);
    parsed
}

/// [`parse_shared`] for a caller that consumes the documents (`kubectl apply -f` makes
/// objects of them): the remembered parse of `text` is taken out of memory and its
/// values moved rather than copied (copying the Argo CD install's took ~13 ms in the
/// page, BENCHMARKS.md "Paste, session 14"); another text is parsed. The next
/// [`parse_shared`] of the same text parses it again.
pub fn take_shared(text: &str) -> Parsed {
    let taken = if text.len() < REMEMBER_BYTES {
        None
    } else {
        LAST.with(|l| {
            let mut last = l.borrow_mut();
            let same = last
                .as_ref()
                .is_some_and(|(t, _)| t.len() == text.len() && t == text);
            if same {
                last.take().map(|(_, p)| p)
            } else {
                None
            }
        })
    };
    match taken {
        Some(p) => Arc::try_unwrap(p).unwrap_or_else(|p| (*p).clone()),
        None => parse(text),
    }
}

/// The remembered parse of exactly `text`, if it is the last large text parsed.
pub fn remembered(text: &str) -> Option<Arc<Parsed>> {
    if text.len() < REMEMBER_BYTES {
        return None;
    }
    LAST.with(|l| {
        l.borrow()
            .as_ref()
            .filter(|(t, _)| t.len() == text.len() && t == text)
            .map(|(_, p)| p.clone())
    })
}

/// Forgets the remembered parse (its text and values can be megabytes).
pub fn forget_shared() {
    LAST.with(|l| *l.borrow_mut() = None);
}

/// libyaml takes a lone `\r` for a line break; so do we, by making it a `\n` (same
/// length, so byte offsets do not change).
fn lone_cr_to_lf(text: &str) -> Cow<'_, str> {
    // Most texts have no `\r` at all: one fast search says so.
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = String::new();
    let mut last = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\r' && b.get(i + 1) != Some(&b'\n') {
            out.push_str(&text[last..i]);
            out.push('\n');
            last = i + 1;
        }
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Documents as read, before `List` expansion and the mapping check.
#[derive(Default)]
struct Loaded {
    /// Each value with its index and the line and column of its root.
    values: Vec<(usize, (usize, usize), Value)>,
    diagnostics: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// kubectl sends a manifest to the server as JSON written by Go, through a float64 for
/// every number with a point or an exponent: Go writes a whole one without either
/// (`replicas: 3.0` arrives as `3`, `1e3` as `1000`), and the server decodes it as the
/// integer it is (decode.rs). So do the documents here; `1.5` stays `1.5`.
fn whole_floats(v: &mut Value) {
    match v {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    *v = Value::from(f as i64);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(whole_floats),
        Value::Object(m) => m.values_mut().for_each(whole_floats),
        _ => {}
    }
}

impl Loaded {
    fn diagnostic(
        &mut self,
        kind: DiagnosticKind,
        index: usize,
        at: (usize, usize),
        message: String,
    ) {
        self.diagnostic_in(kind, index, at, message, None);
    }

    fn diagnostic_in(
        &mut self,
        kind: DiagnosticKind,
        index: usize,
        at: (usize, usize),
        message: String,
        context: Option<String>,
    ) {
        let d = Diagnostic {
            index,
            line: at.0,
            column: at.1,
            message,
            context,
            kind,
        };
        if kind == DiagnosticKind::DuplicateKey {
            self.warnings.push(d);
        } else {
            self.diagnostics.push(d);
        }
    }

    /// Where the first diagnostic is (the end of the text when there is none).
    fn first_problem(&self) -> (usize, usize) {
        self.diagnostics
            .iter()
            .map(|d| (d.line, d.column))
            .min()
            .unwrap_or((usize::MAX, usize::MAX))
    }

    fn finish(self, mode: Mode) -> Parsed {
        let mut out = Parsed {
            documents: Vec::with_capacity(self.values.len()),
            diagnostics: self.diagnostics,
            warnings: self.warnings,
        };
        for (index, (line, column), mut value) in self.values {
            whole_floats(&mut value);
            let not_object = |message: String| Diagnostic {
                index,
                line,
                column,
                message: format!("error validating data: {message}"),
                context: None,
                kind: DiagnosticKind::NotAnObject,
            };
            let expected = "expected a mapping with apiVersion and kind, found";
            if mode == Mode::Values {
                out.documents.push(Document {
                    index,
                    line,
                    value,
                    item: None,
                });
                continue;
            }
            let Value::Object(mut object) = value else {
                out.diagnostics
                    .push(not_object(format!("{expected} {}", describe(&value))));
                continue;
            };
            // apimachinery reads any kind ending in `List` that has `items` as a list.
            let is_list = object
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k.ends_with("List"))
                && object.contains_key("items");
            if !is_list {
                out.documents.push(Document {
                    index,
                    line,
                    value: Value::Object(object),
                    item: None,
                });
                continue;
            }
            match object.remove("items") {
                Some(Value::Array(items)) => {
                    for (i, item) in items.into_iter().enumerate() {
                        if item.is_object() {
                            out.documents.push(Document {
                                index,
                                line,
                                value: item,
                                item: Some(i),
                            });
                        } else {
                            let message = format!("items[{i}]: {expected} {}", describe(&item));
                            out.diagnostics.push(not_object(message));
                        }
                    }
                }
                Some(Value::Null) | None => {}
                Some(other) => out.diagnostics.push(not_object(format!(
                    "items of a List must be a list, found {}",
                    describe(&other)
                ))),
            }
        }
        let order = |d: &Diagnostic| (d.index, d.line, d.column);
        out.diagnostics.sort_stable_by_key(order);
        out.warnings.sort_stable_by_key(order);
        out
    }
}

/// "a list", "the string \"hello\"", "the number 3" — for messages about a value's shape.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let more = if short.len() < s.len() { "…" } else { "" };
            format!("the string \"{short}{more}\"")
        }
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "a mapping".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// YAML

/// One document's stretch of text: from its first line (comments and directives before a
/// `---` belong to the document they precede) to the line before the next document.
#[derive(Clone, Copy)]
struct Segment {
    start: usize,
    end: usize,
    /// 1-based line of `start` in the whole text.
    line: usize,
    /// Has a `---` marker: an empty one still counts as a document (PyYAML's count).
    marker: bool,
    /// Has a line that is not blank, a comment, a directive or a marker.
    content: bool,
    directive: bool,
}

impl Segment {
    fn is_document(&self) -> bool {
        self.marker || self.content || self.directive
    }
}

/// Whether `line` is the document marker `marker` (`---` or `...`) at column 0, followed
/// by nothing or by a blank, as libyaml requires.
fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.strip_prefix(marker.as_slice())
        .is_some_and(|rest| matches!(rest.first(), None | Some(b' ' | b'\t' | b'\r')))
}

/// Where the document boundaries are: one pass over the lines, in bytes (the markers,
/// blanks, `#` and `%` are ASCII). Only a line's first bytes matter, and once a document
/// has content only a line starting with `-` or `.` can change anything: the other lines
/// are not looked at beyond finding their end (2 MB of deeply indented CRDs took 70 ms in
/// wasm when every line was trimmed character by character).
fn split_documents(text: &str) -> Vec<Segment> {
    let new = |start, line| Segment {
        start,
        end: start,
        line,
        marker: false,
        content: false,
        directive: false,
    };
    let bytes = text.as_bytes();
    let mut out = vec![];
    let mut cur = new(0, 1);
    let mut offset = 0;
    let mut line_no = 0;
    while offset < bytes.len() {
        if cur.content {
            // Inside a document only a line starting with `-` or `.` can end it: the
            // lines before the next such line are skipped a word at a time.
            let (next, skipped) = next_dash_or_dot_line(bytes, offset);
            line_no += skipped;
            offset = next;
            if offset >= bytes.len() {
                break;
            }
        }
        line_no += 1;
        let rest = &bytes[offset..];
        let full_len = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |p| p + 1);
        let full = &rest[..full_len];
        let first = full[0];
        if cur.content && first != b'-' && first != b'.' {
            offset += full_len;
            continue;
        }
        let mut line = full;
        while let [head @ .., b'\n' | b'\r'] = line {
            line = head;
        }
        if is_marker(line, b"---") {
            if cur.marker || cur.content {
                cur.end = offset;
                out.push(std::mem::replace(&mut cur, new(offset, line_no)));
            }
            cur.marker = true;
            let rest = trim_blanks(&line[3..]);
            if !rest.is_empty() && rest[0] != b'#' {
                cur.content = true;
            }
        } else if is_marker(line, b"...") {
            cur.end = offset + full_len;
            out.push(std::mem::replace(
                &mut cur,
                new(offset + full_len, line_no + 1),
            ));
        } else {
            let t = trim_blanks(line);
            if t.is_empty() || t[0] == b'#' {
            } else if first == b'%' && !cur.marker && !cur.content {
                cur.directive = true;
            } else {
                cur.content = true;
            }
        }
        offset += full_len;
    }
    cur.end = offset;
    out.push(cur);
    out
}

/// From `start` (the start of a line), the start of the first line that begins with `-`
/// or `.` (`start` itself, or the text's end if none does) and how many lines come
/// before it. Eight bytes at a time: the page runs this over a 2 MB paste, and a loop
/// over bytes took ~8 ms of it in the browser (BENCHMARKS.md, "Paste, session 14").
fn next_dash_or_dot_line(bytes: &[u8], start: usize) -> (usize, usize) {
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const LOW7: u64 = u64::from_le_bytes([0x7f; 8]);
    const NEWLINES: u64 = u64::from_le_bytes([b'\n'; 8]);
    let starts_marker = |at: usize| matches!(bytes.get(at), Some(b'-' | b'.'));
    if starts_marker(start) {
        return (start, 0);
    }
    let mut lines = 0;
    // A newline at `at`: the line after it starts at `at + 1`.
    let mut newline = |at: usize| -> Option<(usize, usize)> {
        lines += 1;
        let next = at + 1;
        (next >= bytes.len() || starts_marker(next)).then_some((next, lines))
    };
    let mut at = start;
    let words = bytes[start..].chunks_exact(8);
    let tail = words.remainder().len();
    for word in words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        let x = w ^ NEWLINES;
        // A byte's high bit set exactly where `x` has a zero byte (a newline in `w`).
        let mut found = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        debug_assert_eq!(found & !HIGH, 0);
        while found != 0 {
            let i = (found.trailing_zeros() / 8) as usize;
            if let Some(r) = newline(at + i) {
                return r;
            }
            found &= found - 1;
        }
        at += 8;
    }
    for i in at..at + tail {
        if bytes[i] == b'\n' {
            if let Some(r) = newline(i) {
                return r;
            }
        }
    }
    // The last line has no newline: it is skipped too.
    (bytes.len(), lines + 1)
}

/// `line` without its leading spaces and tabs.
fn trim_blanks(line: &[u8]) -> &[u8] {
    let n = line
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(line.len());
    &line[n..]
}

fn read_yaml(text: &str) -> Loaded {
    let mut r = YamlRead::new(text);
    r.step(text, usize::MAX);
    r.out
}

/// [`read_yaml`]'s loop over documents, resumable between documents.
struct YamlRead {
    segments: Vec<Segment>,
    next: usize,
    out: Loaded,
    values_left: usize,
    index: usize,
    read: usize,
    /// Bytes of text up to the end of the last document read.
    read_bytes: usize,
}

impl YamlRead {
    fn new(text: &str) -> YamlRead {
        YamlRead {
            segments: split_documents(text),
            next: 0,
            out: Loaded::default(),
            values_left: MAX_VALUES,
            index: 0,
            read: 0,
            read_bytes: 0,
        }
    }

    /// Reads documents until `bytes` bytes of text have gone by; true when done.
    fn step(&mut self, text: &str, bytes: usize) -> bool {
        let stop = self.read_bytes.saturating_add(bytes);
        let mut first = true;
        while self.next < self.segments.len() {
            if self.read_bytes >= stop && !first {
                return false;
            }
            first = false;
            let seg = self.segments[self.next];
            self.next += 1;
            self.read_bytes = seg.end;
            if !self.document(text, seg) {
                self.next = self.segments.len();
            }
        }
        true
    }

    /// Reads one document; false when no more documents may be read.
    fn document(&mut self, text: &str, seg: Segment) -> bool {
        let out = &mut self.out;
        let values_left = &mut self.values_left;
        let index = &mut self.index;
        let read = &mut self.read;
        if !seg.is_document() {
            return true;
        }
        let this = *index;
        *index += 1;
        if !seg.content {
            return true; // `---` alone: an empty document
        }
        let src = &text[seg.start..seg.end];
        let abs = |(l, c): (usize, usize)| (seg.line + l - 1, c);
        *read += 1;
        if *read > MAX_DOCUMENTS {
            out.diagnostic(
                DiagnosticKind::Limit,
                this,
                (seg.line, 1),
                too_many_documents(),
            );
            return false;
        }
        if src.len() > MAX_DOCUMENT_BYTES {
            out.diagnostic(
                DiagnosticKind::Limit,
                this,
                (seg.line, 1),
                document_too_large(src.len()),
            );
            return true;
        }
        // Plain manifests are read by our own reader; anything it does not read the way
        // libyaml would (and every error) goes on to the pre-scan and serde_yaml below.
        // The pre-scan is not needed for what it reads: it nests at most 100 deep (the
        // pre-scan's limit is 128), and it counts every value the pre-scan counts (keys,
        // values, collections) plus empty values and indentless lists, within the same
        // budget, so the pre-scan's "too many values" could not have been reached.
        let budget = (2 * src.len() + ALIAS_ALLOWANCE).min(*values_left);
        if let Some(doc) = crate::yaml_fast::read(src, budget) {
            *values_left -= doc.used;
            out.values
                .push((this, abs(line_col(src, doc.root)), doc.value));
            return true;
        }
        let scan = Scanner::scan(src, *values_left);
        let Some(root) = scan.root else { return true };
        let root = line_col(src, root);
        if let Some(at) = scan.too_deep {
            out.diagnostic(
                DiagnosticKind::Limit,
                this,
                abs(line_col(src, at)),
                too_deep(),
            );
            return true;
        }
        if let Some(at) = scan.too_many {
            let at = abs(line_col(src, at));
            out.diagnostic(DiagnosticKind::Limit, this, at, too_many_values());
            return false;
        }
        let doc_cap = 2 * src.len() + ALIAS_ALLOWANCE;
        let mut cx = Ctx::new(src, doc_cap, *values_left);
        let result = load(&mut cx, serde_yaml::Deserializer::from_str(src));
        *values_left -= cx.used();
        let problem = |e: &serde_yaml::Error, cx: &Ctx| {
            let (at, kind, message, context) = yaml_problem(e, cx, src, root, seg.line - 1);
            (abs(at), kind, message, context)
        };
        match result {
            Ok(Value::Null) => {}
            Ok(value) => {
                if cx.duplicates > 0 {
                    // Find where the first duplicate is: read again, failing there, since
                    // serde_yaml gives positions only with errors.
                    let mut again = Ctx::new(src, usize::MAX, usize::MAX);
                    again.fail_on_duplicate = true;
                    if let Err(e) = load(&mut again, serde_yaml::Deserializer::from_str(src)) {
                        let (at, _, message, context) = problem(&e, &again);
                        let message = match context {
                            Some(path) => format!("{message} {path}"),
                            None => message,
                        };
                        out.diagnostic(
                            DiagnosticKind::DuplicateKey,
                            this,
                            at,
                            duplicate_message(message, cx.duplicates),
                        );
                    }
                }
                out.values.push((this, abs(root), value));
            }
            Err(e) => {
                // serde_yaml hands us the events before a syntax error: if our own check
                // refused one of them, the syntax error further on is the real problem.
                // (Ignoring values does not follow aliases, so this pass is linear.)
                let syntax = cx
                    .trouble
                    .as_ref()
                    .and_then(|_| serde_yaml::from_str::<de::IgnoredAny>(src).err());
                let (at, kind, message, context) = match &syntax {
                    Some(syntax) => problem(syntax, &Ctx::new(src, 0, 0)),
                    None => problem(&e, &cx),
                };
                out.diagnostic_in(kind, this, at, message, context);
                if cx.input_exhausted() {
                    return false;
                }
            }
        }
        true
    }
}

fn duplicate_message(first: String, count: usize) -> String {
    let more = match count {
        0 | 1 => String::new(),
        2 => " (and 1 more duplicate key in this document)".to_string(),
        n => format!(" (and {} more duplicate keys in this document)", n - 1),
    };
    format!("{first}; the last value wins{more}")
}

fn document_too_large(len: usize) -> String {
    format!(
        "this document is {len} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes (3 MiB), the largest request body a Kubernetes API server accepts"
    )
}

fn too_many_documents() -> String {
    format!("the input has more than {MAX_DOCUMENTS} documents; the rest of it was not read")
}

fn too_deep() -> String {
    format!("mappings and lists are nested more than {MAX_DEPTH} levels deep; the document was not read")
}

fn too_many_aliases(cap: Option<usize>) -> String {
    let past = cap
        .map(|n| format!(" to more than {n} values"))
        .unwrap_or_default();
    format!(
        "aliases expand this document{past}, far beyond what its text holds; it was not expanded (a \"billion laughs\" document?)"
    )
}

fn too_many_values() -> String {
    format!("the input holds more than {MAX_VALUES} values; the rest of it was not read")
}

/// 1-based line and column (in characters) of byte `offset` in `src`.
fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (line, column)
}

/// Position (in the document), kind, message and context of a serde_yaml error: libyaml's
/// own problem text (go-yaml's too), our own for the bounds, and as context libyaml's
/// "while parsing …" with absolute line numbers (the document starts `line_offset` lines
/// into the text) or the path to the value. Errors without a position get the document
/// root's, `root`.
fn yaml_problem(
    e: &serde_yaml::Error,
    cx: &Ctx,
    src: &str,
    root: (usize, usize),
    line_offset: usize,
) -> ((usize, usize), DiagnosticKind, String, Option<String>) {
    let full = e.to_string();
    // libyaml also breaks lines at U+0085, U+2028 and U+2029, which editors do not: count
    // from its byte offset instead.
    let mut at = e.location().map_or(root, |l| line_col(src, l.index()));
    if let Some((kind, message)) = &cx.trouble {
        if *kind == DiagnosticKind::Limit {
            // Inside an expanded alias, serde_yaml points at the anchored node: the
            // document as a whole is what is refused.
            return (root, *kind, message.clone(), None);
        }
        // serde_yaml prefixes our message with the path to the value: keep it as context.
        let path = full
            .find(message.as_str())
            .map(|p| full[..p].trim_end_matches([':', ' ']))
            .unwrap_or("");
        let context = (!path.is_empty() && path != ".").then(|| format!("in {path}"));
        return (at, *kind, message.clone(), context);
    }
    if full.starts_with("recursion limit exceeded") {
        return (at, DiagnosticKind::Limit, too_deep(), None);
    }
    if full.starts_with("repetition limit exceeded") {
        return (root, DiagnosticKind::Limit, too_many_aliases(None), None);
    }
    if full.starts_with("deserializing from YAML containing more than one document") {
        let message =
            "this text holds more than one document; separate documents with a `---` line"
                .to_string();
        return (at, DiagnosticKind::Syntax, message, None);
    }
    let mut message = full;
    if let Some(l) = e.location() {
        let primary = format!(" at line {} column {}", l.line(), l.column());
        if let Some(p) = message.find(&primary) {
            message.replace_range(p..p + primary.len(), "");
        }
    }
    // libyaml's reader reports a byte offset instead of a line ("at position 8").
    if let Some(p) = message.find(" at position ") {
        let digits: String = message[p + 13..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(offset) = digits.parse::<usize>() {
            at = line_col(src, offset);
            message.replace_range(p..p + 13 + digits.len(), "");
        }
    }
    let message = rebase_lines(&message, |line, column| {
        let (l, c) = line_col(src, libyaml_offset(src, line, column));
        (l + line_offset, c)
    });
    let (message, mut context) = match message.split_once(", while ") {
        Some((problem, context)) => (problem.to_string(), Some(format!("while {context}"))),
        None => (message, None),
    };
    if message == "found character that cannot start any token" && char_at(src, at) == Some('\t') {
        context = Some("a tab: YAML indents with spaces, never tabs".to_string());
    }
    (at, DiagnosticKind::Syntax, message, context)
}

/// Byte offset of libyaml's 1-based `line` and `column` (in characters) in `src`, with
/// libyaml's line breaks: `\r\n`, `\n`, `\r`, U+0085, U+2028 and U+2029.
fn libyaml_offset(src: &str, line: usize, column: usize) -> usize {
    let (mut l, mut c) = (1, 1);
    let mut chars = src.char_indices().peekable();
    while let Some((i, ch)) = chars.next() {
        if (l, c) >= (line, column) {
            return i;
        }
        if is_break(ch) {
            if ch == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n') {
                chars.next();
            }
            l += 1;
            c = 1;
        } else {
            c += 1;
        }
    }
    src.len()
}

/// Rewrites libyaml's "line 3 column 5" as "line 3, column 5", with the position mapped
/// through `to`.
fn rebase_lines(message: &str, to: impl Fn(usize, usize) -> (usize, usize)) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    let mut rest = message;
    while let Some(p) = rest.find("line ") {
        out.push_str(&rest[..p]);
        let after = &rest[p + 5..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let tail = &after[digits..];
        match (
            after[..digits].parse::<usize>(),
            tail.strip_prefix(" column "),
        ) {
            (Ok(line), Some(col)) if col.starts_with(|c: char| c.is_ascii_digit()) => {
                let cdigits = col.bytes().take_while(u8::is_ascii_digit).count();
                let (line, column) = to(line, col[..cdigits].parse().unwrap_or(1));
                out.push_str(&format!("line {line}, column {column}"));
                rest = &col[cdigits..];
            }
            _ => {
                out.push_str("line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn char_at(src: &str, (line, column): (usize, usize)) -> Option<char> {
    src.split('\n')
        .nth(line.checked_sub(1)?)?
        .chars()
        .nth(column.checked_sub(1)?)
}

// ---------------------------------------------------------------------------------------
// JSON

fn read_json(text: &str) -> Loaded {
    let mut out = Loaded::default();
    // First pass: where each value of the stream starts and ends, and the first syntax
    // error. serde_json skips ignored values without recursing, so any depth is fine here;
    // its depth limit (128) applies in the second pass, which builds the values.
    let mut spans = vec![];
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<de::IgnoredAny>();
    let mut syntax = None;
    loop {
        let before = stream.byte_offset();
        match stream.next() {
            None => break,
            Some(Ok(_)) => {
                let end = stream.byte_offset();
                let start = before + text[before..end].len()
                    - text[before..end]
                        .trim_start_matches([' ', '\t', '\n', '\r'])
                        .len();
                if spans.len() == MAX_DOCUMENTS {
                    let at = line_col(text, start);
                    out.diagnostic(DiagnosticKind::Limit, spans.len(), at, too_many_documents());
                    break;
                }
                spans.push(start..end);
            }
            Some(Err(e)) => {
                syntax = Some(e);
                break;
            }
        }
    }
    let mut lines = LineCursor::default();
    let mut values_left = MAX_VALUES;
    for (index, span) in spans.iter().enumerate() {
        let src = &text[span.clone()];
        let root = lines.at(text, span.start);
        if src.len() > MAX_DOCUMENT_BYTES {
            out.diagnostic(
                DiagnosticKind::Limit,
                index,
                root,
                document_too_large(src.len()),
            );
            continue;
        }
        let mut cx = Ctx::new(src, 2 * src.len() + ALIAS_ALLOWANCE, values_left);
        let result = load(&mut cx, &mut serde_json::Deserializer::from_str(src));
        values_left -= cx.used();
        match result {
            // `null` in a stream is an empty document, as in YAML.
            Ok(Value::Null) => {}
            Ok(value) => {
                if cx.duplicates > 0 {
                    let mut again = Ctx::new(src, usize::MAX, usize::MAX);
                    again.fail_on_duplicate = true;
                    if let Err(e) = load(&mut again, &mut serde_json::Deserializer::from_str(src)) {
                        let (at, _, message) = json_problem(&e, &again, text, span.start);
                        let at = lines.at(text, at);
                        out.diagnostic(
                            DiagnosticKind::DuplicateKey,
                            index,
                            at,
                            duplicate_message(message, cx.duplicates),
                        );
                    }
                }
                out.values.push((index, root, value));
            }
            Err(e) => {
                let (at, kind, message) = json_problem(&e, &cx, text, span.start);
                out.diagnostic(kind, index, lines.at(text, at), message);
                if cx.input_exhausted() {
                    return out;
                }
            }
        }
    }
    if let Some(e) = syntax {
        let (at, kind, message) = json_problem(&e, &Ctx::new("", 0, 0), text, 0);
        out.diagnostic(kind, spans.len(), lines.at(text, at), message);
    }
    out
}

/// Byte offset (in `text`), kind and message of a serde_json error in the value that
/// starts at byte `base` of `text`.
fn json_problem(
    e: &serde_json::Error,
    cx: &Ctx,
    text: &str,
    base: usize,
) -> (usize, DiagnosticKind, String) {
    // serde_json counts lines from its own input and columns in bytes.
    let src = &text[base..];
    let mut offset = 0;
    for _ in 1..e.line().max(1) {
        match src[offset..].find('\n') {
            Some(p) => offset += p + 1,
            None => break,
        }
    }
    let offset = (offset + e.column().saturating_sub(1)).min(src.len());
    let offset = (0..=offset)
        .rev()
        .find(|&o| src.is_char_boundary(o))
        .unwrap_or(0);
    let at = base + offset;
    if let Some((kind, message)) = &cx.trouble {
        return (at, *kind, message.clone());
    }
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(p) => full[..p].to_string(),
        None => full,
    };
    if message == "recursion limit exceeded" {
        return (at, DiagnosticKind::Limit, too_deep());
    }
    (at, DiagnosticKind::Syntax, message)
}

/// Line and column of increasing offsets in one text, in linear time overall (a JSON
/// stream may put thousands of objects on one line).
#[derive(Default)]
struct LineCursor {
    offset: usize,
    /// 0-based line and column (in characters) of `offset`.
    line: usize,
    column: usize,
}

impl LineCursor {
    fn at(&mut self, text: &str, offset: usize) -> (usize, usize) {
        if offset < self.offset {
            *self = LineCursor::default();
        }
        for &b in &text.as_bytes()[self.offset..offset] {
            if b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        self.offset = offset;
        (self.line + 1, self.column + 1)
    }
}

// ---------------------------------------------------------------------------------------
// Values: serde_yaml and serde_json events to `serde_json::Value`, within a budget.

/// One document's conversion state, shared by the seeds below.
struct Ctx<'s> {
    /// The document's text: a borrowed string pointing into it is a plain or quoted
    /// scalar, told apart by the byte before it (merge keys are plain `<<` only).
    source: &'s str,
    /// Values this document may still produce.
    left: usize,
    budget: usize,
    /// Whether the budget is the document's alias bound (else the input's remainder).
    alias_bound: bool,
    /// Set when our code (not the parser) refused the document.
    trouble: Option<(DiagnosticKind, String)>,
    duplicates: usize,
    fail_on_duplicate: bool,
}

impl<'s> Ctx<'s> {
    fn new(source: &'s str, doc_cap: usize, input_left: usize) -> Self {
        let budget = doc_cap.min(input_left);
        Ctx {
            source,
            left: budget,
            budget,
            alias_bound: doc_cap <= input_left,
            trouble: None,
            duplicates: 0,
            fail_on_duplicate: false,
        }
    }

    fn used(&self) -> usize {
        self.budget - self.left
    }

    fn input_exhausted(&self) -> bool {
        self.left == 0 && !self.alias_bound
    }

    fn fail<E: de::Error>(&mut self, kind: DiagnosticKind, message: String) -> E {
        let e = E::custom(&message);
        self.trouble = Some((kind, message));
        e
    }

    fn count<E: de::Error>(&mut self) -> Result<(), E> {
        if self.left == 0 {
            let message = if self.alias_bound {
                too_many_aliases(Some(self.budget))
            } else {
                too_many_values()
            };
            return Err(self.fail(DiagnosticKind::Limit, message));
        }
        self.left -= 1;
        Ok(())
    }

    fn is_plain(&self, s: &str) -> bool {
        let base = self.source.as_ptr() as usize;
        let p = s.as_ptr() as usize;
        if p < base || p > base + self.source.len() {
            return false;
        }
        let off = p - base;
        off == 0 || !matches!(self.source.as_bytes()[off - 1], b'"' | b'\'')
    }

    /// [`Ctx::is_plain`], and written without a tag before it (`!!str yes` stays a
    /// string; go-yaml resolves only untagged plain scalars, and leaves scalars with a
    /// tag it does not know as strings).
    fn is_untagged_plain(&self, s: &str) -> bool {
        if !self.is_plain(s) {
            return false;
        }
        let off = s.as_ptr() as usize - self.source.as_ptr() as usize;
        let b = &self.source.as_bytes()[..off];
        let end = b.len()
            - b.iter()
                .rev()
                .take_while(|c| c.is_ascii_whitespace())
                .count();
        let token = &b[..end];
        let start = token
            .iter()
            .rposition(|c| c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        token.get(start) != Some(&b'!')
    }

    /// The value go-yaml v2 gives a string scalar that YAML 1.2 left a string, if it
    /// gives another ([`yaml11`]).
    fn yaml11(&self, s: &str) -> Option<Yaml11> {
        yaml11(s).filter(|_| self.is_untagged_plain(s))
    }
}

/// Reads one document's value from a serde_yaml or serde_json deserializer.
fn load<'de, D: Deserializer<'de>>(cx: &mut Ctx, d: D) -> Result<Value, D::Error> {
    ValueVisitor { cx, merge: false }.deserialize(d)
}

/// Builds a value. With `merge`, the value of a `<<` key: it must be a mapping or a list
/// of mappings.
struct ValueVisitor<'c, 's> {
    cx: &'c mut Ctx<'s>,
    merge: bool,
}

impl ValueVisitor<'_, '_> {
    fn scalar<E: de::Error>(self, v: Value) -> Result<Value, E> {
        if self.merge {
            return Err(self
                .cx
                .fail(DiagnosticKind::Syntax, MERGE_SHAPE.to_string()));
        }
        self.cx.count()?;
        Ok(v)
    }
}

/// go-yaml's words (kubectl reads YAML with go-yaml).
const MERGE_SHAPE: &str = "map merge requires map or sequence of maps as the value";

/// The visitor is its own seed: a value inside a list or mapping, or under a custom tag.
impl<'de> DeserializeSeed<'de> for ValueVisitor<'_, '_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueVisitor<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.scalar(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.scalar(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.scalar(Value::Number(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        // Too big for 64 bits: go-yaml reads it as a float too.
        match i64::try_from(v) {
            Ok(v) => self.visit_i64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => self.visit_f64(v as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        match Number::from_f64(v) {
            Some(n) => self.scalar(Value::Number(n)),
            None => {
                let message = "infinity and NaN (.inf, .nan) have no JSON form, so no Kubernetes field can hold them";
                Err(self.cx.fail(DiagnosticKind::Syntax, message.to_string()))
            }
        }
    }

    /// A string borrowed from the text: a plain scalar may be a YAML 1.1 boolean or
    /// number for kubectl ([`yaml11`]; serde_yaml reads YAML 1.2).
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value, E> {
        match self.cx.yaml11(v) {
            Some(Yaml11::Bool(b)) => self.visit_bool(b),
            Some(Yaml11::Int(i)) => self.visit_i64(i),
            Some(Yaml11::Uint(u)) => self.visit_u64(u),
            Some(Yaml11::Float(f)) => self.visit_f64(f),
            None => self.visit_str(v),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.scalar(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.scalar(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        self.scalar(Value::String(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.scalar(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.scalar(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.cx.count()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(ValueVisitor {
            cx: &mut *self.cx,
            merge: false,
        })? {
            if self.merge && !item.is_object() {
                return Err(self
                    .cx
                    .fail(DiagnosticKind::Syntax, MERGE_SHAPE.to_string()));
            }
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.cx.count()?;
        let mut out = Map::new();
        let mut merges = vec![];
        while let Some(key) = map.next_key_seed(KeySeed {
            cx: &mut *self.cx,
            seen: &out,
        })? {
            match key {
                Key::Merge => merges.push(map.next_value_seed(ValueVisitor {
                    cx: &mut *self.cx,
                    merge: true,
                })?),
                Key::Name(name) => {
                    let value = map.next_value_seed(ValueVisitor {
                        cx: &mut *self.cx,
                        merge: false,
                    })?;
                    out.insert(name, value);
                }
            }
        }
        // YAML's merge: keys written in the mapping win, then earlier merged mappings.
        for source in merges {
            let maps = match source {
                Value::Array(items) => items,
                other => vec![other],
            };
            for m in maps {
                if let Value::Object(m) = m {
                    for (k, v) in m {
                        out.entry(k).or_insert(v);
                    }
                }
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A custom tag (`!Ref x`): kubectl's go-yaml ignores tags it does not know.
        let (_, variant) = data.variant::<de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

enum Key {
    Merge,
    Name(String),
}

/// A mapping key. Keys that are not strings become strings the way kubectl's YAML-to-JSON
/// conversion makes them (`9000` → `"9000"`, `true` → `"true"`); null and collection keys
/// have no JSON form.
struct KeySeed<'c, 's, 'm> {
    cx: &'c mut Ctx<'s>,
    seen: &'m Map<String, Value>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_, '_, '_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_any(self)
    }
}

impl KeySeed<'_, '_, '_> {
    fn name<E: de::Error>(self, name: String) -> Result<Key, E> {
        self.cx.count()?;
        if self.seen.contains_key(&name) {
            self.cx.duplicates += 1;
            if self.cx.fail_on_duplicate {
                return Err(self.cx.fail(
                    DiagnosticKind::DuplicateKey,
                    format!("duplicate key \"{name}\""),
                ));
            }
        }
        Ok(Key::Name(name))
    }

    fn refuse<E: de::Error>(self, what: &str) -> Result<Key, E> {
        let message = format!("a mapping key must be a string, a number or a boolean, not {what}");
        Err(self.cx.fail(DiagnosticKind::Syntax, message))
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, '_, '_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key, E> {
        if v == "<<" && self.cx.is_plain(v) {
            self.cx.count()?;
            return Ok(Key::Merge);
        }
        match self.cx.yaml11(v) {
            Some(Yaml11::Bool(b)) => self.visit_bool(b),
            Some(Yaml11::Int(i)) => self.visit_i64(i),
            Some(Yaml11::Uint(u)) => self.visit_u64(u),
            Some(Yaml11::Float(f)) => self.visit_f64(f),
            None => self.name(v.to_string()),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        self.name(v.to_string())
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
        self.name(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
        self.name(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        self.name(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Key, E> {
        self.name(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Key, E> {
        self.name(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
        if v.is_finite() {
            self.name(go_float(v))
        } else {
            self.refuse("infinity or NaN")
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        self.refuse("null (an empty key)")
    }

    fn visit_none<E: de::Error>(self) -> Result<Key, E> {
        self.refuse("null (an empty key)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
        self.refuse("a list")
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
        self.refuse("a mapping")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Key, A::Error> {
        let (_, variant) = data.variant::<de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

// ---------------------------------------------------------------------------------------
// The nesting pre-scan

/// A linear pass over one document that follows libyaml's tokenizer closely enough to
/// know, before libyaml runs, how deep its flow level (`[`, `{`) and block indentation
/// stack get. It never errs on the side of missing depth: where it cannot tell, it
/// counts. Mirrors `yaml_parser_fetch_next_token` and the scalar scanners of libyaml.
struct Scanner<'a> {
    s: &'a [u8],
    i: usize,
    /// Column of `i`, in characters.
    col: usize,
    flow: usize,
    /// libyaml's indentation stack (`parser->indents` plus `parser->indent`).
    indents: Vec<usize>,
    /// libyaml's `simple_key_allowed`.
    key_allowed: bool,
    /// Column where a possible simple key starts on the current line (block context).
    key_col: Option<usize>,
    /// Nodes (scalars, aliases, collections) the document may still have.
    nodes_left: usize,
    too_deep: Option<usize>,
    too_many: Option<usize>,
}

/// What [`Scanner::scan`] learned about a document.
struct Scan {
    /// Byte offset of the document's first token (its root node).
    root: Option<usize>,
    /// Byte offset where nesting first went past [`MAX_DEPTH`].
    too_deep: Option<usize>,
    /// Byte offset of the node past the budget given to [`Scanner::scan`].
    too_many: Option<usize>,
}

fn blankz(b: u8) -> bool {
    matches!(b, 0 | b' ' | b'\t' | b'\r' | b'\n')
}

fn flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'a> Scanner<'a> {
    /// Scans `src`, which may hold at most `nodes` nodes (aliases count one each).
    fn scan(src: &'a str, nodes: usize) -> Scan {
        let mut sc = Scanner {
            s: src.as_bytes(),
            i: 0,
            col: 0,
            flow: 0,
            indents: Vec::new(),
            key_allowed: true,
            key_col: None,
            nodes_left: nodes,
            too_deep: None,
            too_many: None,
        };
        let mut root = None;
        while sc.too_deep.is_none() && sc.too_many.is_none() {
            sc.skip_to_token();
            if sc.i >= sc.s.len() {
                break;
            }
            if sc.col == 0 && sc.s[sc.i] == b'%' {
                sc.skip_line();
                continue;
            }
            if sc.col == 0 && sc.document_marker() {
                for _ in 0..3 {
                    sc.bump();
                }
                sc.indents.clear();
                sc.flow = 0;
                sc.key_allowed = true;
                continue;
            }
            if sc.flow == 0 {
                while sc.indents.last().is_some_and(|&t| t > sc.col) {
                    sc.indents.pop();
                }
            }
            root.get_or_insert(sc.i);
            if !sc.token() {
                break; // libyaml stops with an error here too
            }
        }
        Scan {
            root,
            too_deep: sc.too_deep,
            too_many: sc.too_many,
        }
    }

    fn peek(&self, k: usize) -> u8 {
        self.s.get(self.i + k).copied().unwrap_or(0)
    }

    fn bump(&mut self) {
        let b = self.s[self.i];
        self.i += 1;
        if b == b'\n' {
            self.col = 0;
        } else if b & 0xC0 != 0x80 {
            self.col += 1;
        }
    }

    fn skip_line(&mut self) {
        while self.i < self.s.len() && self.s[self.i] != b'\n' {
            self.bump();
        }
    }

    fn document_marker(&self) -> bool {
        let m = self.s.get(self.i..self.i + 3);
        (m == Some(b"---") || m == Some(b"...")) && blankz(self.peek(3))
    }

    fn check_depth(&mut self, at: usize) {
        if self.indents.len() + self.flow > MAX_DEPTH && self.too_deep.is_none() {
            self.too_deep = Some(at);
        }
    }

    fn roll(&mut self, col: usize, at: usize) {
        if self.indents.last().is_none_or(|&t| col > t) {
            self.indents.push(col);
            self.check_depth(at);
            self.node(at);
        }
    }

    fn node(&mut self, at: usize) {
        match self.nodes_left.checked_sub(1) {
            Some(left) => self.nodes_left = left,
            None => {
                self.too_many.get_or_insert(at);
            }
        }
    }

    fn save_key(&mut self) {
        if self.key_allowed && self.flow == 0 {
            self.key_col = Some(self.col);
        }
    }

    /// `yaml_parser_scan_to_next_token`: blanks, comments and line breaks.
    fn skip_to_token(&mut self) {
        loop {
            while matches!(self.peek(0), b' ' | b'\t' | b'\r') && self.i < self.s.len() {
                self.bump();
            }
            if self.peek(0) == b'#' {
                self.skip_line();
            }
            if self.i < self.s.len() && self.s[self.i] == b'\n' {
                self.bump();
                if self.flow == 0 {
                    self.key_allowed = true;
                }
                self.key_col = None;
                continue;
            }
            return;
        }
    }

    /// One token; false where libyaml would stop with an error.
    fn token(&mut self) -> bool {
        let at = self.i;
        let c = self.s[at];
        let block = self.flow == 0;
        match c {
            b'[' | b'{' => {
                self.save_key();
                self.bump();
                self.flow += 1;
                self.key_allowed = true;
                self.check_depth(at);
                self.node(at);
            }
            b']' | b'}' => {
                self.bump();
                self.flow = self.flow.saturating_sub(1);
                self.key_allowed = false;
            }
            b',' => {
                self.bump();
                self.key_allowed = true;
            }
            b'-' if blankz(self.peek(1)) => {
                if block {
                    self.roll(self.col, at);
                }
                self.bump();
                self.key_allowed = true;
                self.key_col = None;
            }
            b'?' if !block || blankz(self.peek(1)) => {
                if block {
                    self.roll(self.col, at);
                }
                self.bump();
                self.key_allowed = block;
                self.key_col = None;
            }
            b':' if !block || blankz(self.peek(1)) => {
                if block {
                    let col = self.key_col.take().unwrap_or(self.col);
                    self.roll(col, at);
                }
                self.bump();
                self.key_allowed = block;
            }
            b'*' | b'&' => {
                if c == b'*' {
                    self.node(at);
                }
                self.save_key();
                self.bump();
                while self.peek(0).is_ascii_alphanumeric() || matches!(self.peek(0), b'-' | b'_') {
                    self.bump();
                }
                self.key_allowed = false;
            }
            b'!' => {
                self.save_key();
                self.bump();
                if self.peek(0) == b'<' {
                    while self.i < self.s.len() && !matches!(self.s[self.i], b'>' | b'\n') {
                        self.bump();
                    }
                } else {
                    while self.i < self.s.len()
                        && !blankz(self.s[self.i])
                        && (block || !flow_indicator(self.s[self.i]))
                    {
                        self.bump();
                    }
                }
                self.key_allowed = false;
            }
            b'|' | b'>' if block => {
                self.node(at);
                self.block_scalar();
                self.key_allowed = true;
                self.key_col = None;
            }
            b'\'' | b'"' => {
                self.node(at);
                self.save_key();
                self.quoted(c);
                self.key_allowed = false;
            }
            _ => {
                let indicator = blankz(c) || b"-?:,[]{}#&*!|>'\"%@`".contains(&c);
                let plain = !indicator
                    || (c == b'-' && !matches!(self.peek(1), b' ' | b'\t'))
                    || (block && matches!(c, b'?' | b':') && !blankz(self.peek(1)));
                if !plain {
                    return false;
                }
                self.node(at);
                self.save_key();
                return self.plain();
            }
        }
        true
    }

    fn quoted(&mut self, q: u8) {
        self.bump();
        while self.i < self.s.len() {
            let b = self.s[self.i];
            if q == b'\'' && b == b'\'' {
                self.bump();
                if self.peek(0) != b'\'' || self.i >= self.s.len() {
                    return;
                }
            } else if q == b'"' && b == b'\\' {
                self.bump();
                if self.i >= self.s.len() {
                    return;
                }
            } else if q == b'"' && b == b'"' {
                self.bump();
                return;
            }
            self.bump();
        }
    }

    /// `yaml_parser_scan_plain_scalar`; false on its flow-context `:` error.
    fn plain(&mut self) -> bool {
        let indent = self.indents.last().map_or(0, |&t| t + 1);
        let mut leading_blanks = false;
        loop {
            if self.col == 0 && self.document_marker() {
                break;
            }
            if self.peek(0) == b'#' {
                break;
            }
            while self.i < self.s.len() && !blankz(self.s[self.i]) {
                let b = self.s[self.i];
                let next = self.peek(1);
                if self.flow > 0 && b == b':' && (flow_indicator(next) || next == b'?') {
                    return false;
                }
                if (b == b':' && blankz(next)) || (self.flow > 0 && flow_indicator(b)) {
                    break;
                }
                self.bump();
            }
            if !matches!(self.peek(0), b' ' | b'\t' | b'\r' | b'\n') || self.i >= self.s.len() {
                break;
            }
            while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\r' | b'\n') {
                if self.s[self.i] == b'\n' {
                    leading_blanks = true;
                    self.key_col = None;
                }
                self.bump();
            }
            if self.flow == 0 && self.col < indent {
                break;
            }
        }
        self.key_allowed = leading_blanks;
        true
    }

    /// `yaml_parser_scan_block_scalar`: the header, then every line indented at least as
    /// far as the content.
    fn block_scalar(&mut self) {
        let top = self.indents.last().map_or(-1, |&t| t as isize);
        self.bump();
        let mut increment = 0isize;
        for _ in 0..2 {
            match self.peek(0) {
                b'+' | b'-' => self.bump(),
                d @ b'1'..=b'9' => {
                    increment = (d - b'0') as isize;
                    self.bump();
                }
                _ => {}
            }
        }
        self.skip_line();
        if self.i < self.s.len() {
            self.bump();
        }
        let mut indent = if increment > 0 {
            if top >= 0 {
                top + increment
            } else {
                increment
            }
        } else {
            0
        };
        let mut max_indent = 0isize;
        self.block_breaks(indent, &mut max_indent);
        if indent == 0 {
            indent = max_indent.max(top + 1).max(1);
        }
        while self.col as isize == indent && self.i < self.s.len() {
            self.skip_line();
            if self.i < self.s.len() {
                self.bump();
            }
            self.block_breaks(indent, &mut max_indent);
        }
    }

    /// `yaml_parser_scan_block_scalar_breaks`: indentation and empty lines.
    fn block_breaks(&mut self, indent: isize, max_indent: &mut isize) {
        loop {
            while self.peek(0) == b' '
                && self.i < self.s.len()
                && (indent == 0 || (self.col as isize) < indent)
            {
                self.bump();
            }
            *max_indent = (*max_indent).max(self.col as isize);
            match self.peek(0) {
                b'\r' | b'\n' if self.i < self.s.len() => {
                    if self.peek(0) == b'\r' {
                        self.bump();
                    }
                    if self.peek(0) == b'\n' && self.i < self.s.len() {
                        self.bump();
                    }
                }
                _ => return,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Rendering: `kubectl get -o yaml`

/// Renders a value the way `kubectl get -o yaml` does (kubectl converts JSON to YAML with
/// go-yaml v2, whose emitter is a port of libyaml's): keys in go-yaml's natural order,
/// lists not indented under their key, strings quoted only when a YAML 1.1 reader would
/// take them for something else (`"123"`, `"yes"`, `""`, timestamps) or when plain style
/// cannot hold them (`'*'`, `'a: b'`), multi-line strings as literal blocks, and long
/// strings folded past column 80. The output reads back to the same value with [`parse`].
pub fn to_yaml(value: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
    };
    match value {
        Value::Object(m) if !m.is_empty() => e.mapping(m, 0, false),
        Value::Array(a) if !a.is_empty() => e.sequence(a, 0, false),
        other => {
            e.scalar(other, 2);
            e.end_line();
        }
    }
    e.out
}

struct Emitter {
    out: String,
    /// Characters written on the current line.
    column: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        if c == '\n' {
            self.column = 0;
        } else {
            self.column += 1;
        }
    }

    fn write(&mut self, s: &str) {
        for c in s.chars() {
            self.put(c);
        }
    }

    fn pad(&mut self, indent: usize) {
        while self.column < indent {
            self.put(' ');
        }
    }

    /// libyaml's `write_indent` inside a scalar: a new line, then the indentation.
    fn break_line(&mut self, indent: usize) {
        self.put('\n');
        self.pad(indent);
    }

    fn end_line(&mut self) {
        if self.column > 0 {
            self.put('\n');
        }
    }

    fn mapping(&mut self, m: &Map<String, Value>, indent: usize, inline_first: bool) {
        let mut keys: Vec<&String> = m.keys().collect();
        merge_sort(&mut keys, |a, b| go_key_less(a, b));
        for (i, key) in keys.into_iter().enumerate() {
            if i > 0 || !inline_first {
                self.pad(indent);
            }
            let value = &m[key];
            let analysis = Analysis::of(key);
            if !analysis.multiline && key.len() <= 128 {
                self.string(key, indent + 2, true);
                self.put(':');
                match value {
                    Value::Object(v) if !v.is_empty() => {
                        self.put('\n');
                        self.mapping(v, indent + 2, false);
                    }
                    Value::Array(v) if !v.is_empty() => {
                        self.put('\n');
                        self.sequence(v, indent, false);
                    }
                    _ => {
                        self.put(' ');
                        self.scalar(value, indent + 2);
                        self.end_line();
                    }
                }
            } else {
                // libyaml writes a key longer than 128 bytes, or on several lines, as an
                // explicit `? key` / `: value` pair.
                self.write("? ");
                self.string(key, indent + 2, false);
                self.end_line();
                self.pad(indent);
                self.write(": ");
                self.item(value, indent + 2);
            }
        }
    }

    fn sequence(&mut self, items: &[Value], indent: usize, inline_first: bool) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 || !inline_first {
                self.pad(indent);
            }
            self.write("- ");
            self.item(item, indent + 2);
        }
    }

    /// What follows `- ` (or `: ` after an explicit key).
    fn item(&mut self, value: &Value, indent: usize) {
        match value {
            Value::Object(m) if !m.is_empty() => self.mapping(m, indent, true),
            Value::Array(a) if !a.is_empty() => self.sequence(a, indent, true),
            _ => {
                self.scalar(value, indent);
                self.end_line();
            }
        }
    }

    /// A scalar (or an empty collection) at the current position; `indent` is where
    /// folded and block-scalar lines go.
    fn scalar(&mut self, value: &Value, indent: usize) {
        match value {
            Value::Null => self.write("null"),
            Value::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Value::Number(n) => match n.as_f64() {
                Some(f) if !n.is_i64() && !n.is_u64() => self.write(&go_float(f)),
                _ => self.write(&n.to_string()),
            },
            Value::String(s) => self.string(s, indent, false),
            Value::Array(_) => self.write("[]"),
            Value::Object(_) => self.write("{}"),
        }
    }

    fn string(&mut self, s: &str, indent: usize, simple_key: bool) {
        let a = Analysis::of(s);
        // go-yaml's choice (encode.go `stringv`)…
        let mut style = if s.contains('\n') {
            Style::Literal
        } else if resolves_to_string(s) {
            Style::Plain
        } else {
            Style::Double
        };
        // …then libyaml's (`yaml_emitter_select_scalar_style`), in block context.
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        // A YAML reader folds `\r`, U+0085, U+2028 and U+2029 like `\n` in any style but
        // double quotes, where they can be escaped. (go-yaml would write them single-quoted
        // or in a block, and the value would change on the way back.)
        if style != Style::Double && s.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']) {
            style = Style::Double;
        }
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.plain(s, indent, allow_breaks),
            Style::Single => self.single_quoted(s, indent, allow_breaks),
            Style::Double => self.double_quoted(s, indent, allow_breaks),
            Style::Literal => self.literal(s, indent),
        }
    }

    fn fold_here(&self, allow_breaks: bool, spaces: bool) -> bool {
        allow_breaks && !spaces && self.column > BEST_WIDTH
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        let mut spaces = false;
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                if self.fold_here(allow_breaks, spaces) && chars.peek() != Some(&' ') {
                    self.break_line(indent);
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
    }

    fn single_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.put('\'');
        let mut spaces = false;
        let n = s.chars().count();
        let mut chars = s.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if c == ' ' {
                let next_space = chars.peek().is_some_and(|&(_, c)| c == ' ');
                if self.fold_here(allow_breaks, spaces) && i != 0 && i != n - 1 && !next_space {
                    self.break_line(indent);
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                spaces = false;
            }
        }
        self.put('\'');
    }

    fn double_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.put('"');
        let mut spaces = false;
        let n = s.chars().count();
        let mut chars = s.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if !printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c if (c as u32) <= 0xFF => self.write(&format!("x{:02X}", c as u32)),
                    c if (c as u32) <= 0xFFFF => self.write(&format!("u{:04X}", c as u32)),
                    c => self.write(&format!("U{:08X}", c as u32)),
                }
                spaces = false;
            } else if c == ' ' {
                if self.fold_here(allow_breaks, spaces) && i != 0 && i != n - 1 {
                    self.break_line(indent);
                    if chars.peek().is_some_and(|&(_, c)| c == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.put('"');
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.put('|');
        if s.starts_with([' ', '\n']) {
            self.put('2');
        }
        let mut tail = s.chars().rev();
        match (tail.next(), tail.next()) {
            (Some('\n'), None) | (Some('\n'), Some('\n')) => self.put('+'),
            (Some('\n'), Some(_)) => {}
            _ => self.put('-'),
        }
        self.put('\n');
        let mut at_line_start = true;
        for c in s.chars() {
            if c == '\n' {
                self.put('\n');
                at_line_start = true;
            } else {
                if at_line_start {
                    self.pad(indent);
                    at_line_start = false;
                }
                self.put(c);
            }
        }
    }
}

/// libyaml's `IS_PRINTABLE`.
fn printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..)
        && c != '\u{feff}'
}

/// libyaml's `IS_BREAK`.
fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds about a string, in block context.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(s: &str) -> Analysis {
        if s.is_empty() {
            return Analysis {
                multiline: false,
                block_plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }
        let chars: Vec<char> = s.chars().collect();
        let blankz = |i: usize| {
            chars
                .get(i)
                .is_none_or(|&c| c == ' ' || c == '\t' || is_break(c))
        };
        let mut block_indicators = s.starts_with("---") || s.starts_with("...");
        let (mut line_breaks, mut special) = (false, false);
        let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
            (false, false, false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut previous_space, mut previous_break) = (false, false);
        let mut preceded_by_whitespace = true;
        let last = chars.len() - 1;
        for (i, &c) in chars.iter().enumerate() {
            let followed_by_whitespace = blankz(i + 1);
            if i == 0 {
                if "#,[]{}&*!|>'\"%@`".contains(c)
                    || (matches!(c, '?' | ':' | '-') && followed_by_whitespace)
                {
                    block_indicators = true;
                }
            } else if (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace) {
                block_indicators = true;
            }
            if !printable(c) {
                special = true;
            }
            if is_break(c) {
                line_breaks = true;
            }
            if c == ' ' {
                leading_space |= i == 0;
                trailing_space |= i == last;
                break_space |= previous_break;
                previous_space = true;
                previous_break = false;
            } else if is_break(c) {
                leading_break |= i == 0;
                trailing_break |= i == last;
                space_break |= previous_space;
                previous_space = false;
                previous_break = true;
            } else {
                previous_space = false;
                previous_break = false;
            }
            preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
        }
        let mut a = Analysis {
            multiline: line_breaks,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
        if leading_space || leading_break || trailing_space || trailing_break {
            a.block_plain_allowed = false;
        }
        if trailing_space {
            a.block_allowed = false;
        }
        if break_space {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
        }
        if space_break || special {
            a.block_plain_allowed = false;
            a.single_quoted_allowed = false;
            a.block_allowed = false;
        }
        if line_breaks || block_indicators {
            a.block_plain_allowed = false;
        }
        a
    }
}

/// Whether go-yaml v2's `resolve` reads `s`, written plain, as a string (so it needs no
/// quotes), and it is not a base-60 float ("1:20"), which go-yaml also quotes. YAML 1.1:
/// `yes`, `on`, `y`, octal `0644`, `1_000` and timestamps are not strings.
fn resolves_to_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    if WORDS.contains(&s) {
        return false;
    }
    let Some(&first) = s.as_bytes().first() else {
        return false;
    };
    match first {
        b'.' => !go_parse_float(s),
        b'0'..=b'9' | b'+' | b'-' => {
            if first.is_ascii_digit() && is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            !(go_parse_int(&plain)
                || (yaml_style_float(&plain) && go_parse_float(&plain))
                || is_base60_float(s)
                || beyond_64_bits(&plain))
        }
        _ => true,
    }
}

/// What go-yaml v2 reads a plain scalar as, where YAML 1.2 (serde_yaml, and the fast
/// reader) reads a string: kubectl reads manifests with go-yaml v2 (sigs.k8s.io/yaml's
/// `YAMLToJSON`), whose YAML 1.1 resolution makes `yes`, `on`, `y` booleans, `0644` the
/// octal 420, `1_000` 1000, `0X1F` 31 and `08` the float 8 (its octal parse fails and the
/// float pattern matches). Timestamps stay strings (go-yaml v2 keeps them as text when
/// the target is `interface{}`). `None`: a string for both.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Yaml11 {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
}

/// go-yaml v2's `resolve` of an untagged plain scalar, for the scalars YAML 1.2 leaves as
/// strings (see [`Yaml11`]); cheap for the common case, a word starting with a letter.
pub(crate) fn yaml11(s: &str) -> Option<Yaml11> {
    let first = *s.as_bytes().first()?;
    match first {
        b'y' | b'Y' | b'n' | b'N' | b'o' | b'O' | b't' | b'T' | b'f' | b'F' => match s {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
                Some(Yaml11::Bool(true))
            }
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False"
            | "FALSE" => Some(Yaml11::Bool(false)),
            _ => None,
        },
        b'.' | b'+' | b'-' | b'0'..=b'9' => {
            match s {
                ".nan" | ".NaN" | ".NAN" => return Some(Yaml11::Float(f64::NAN)),
                ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                    return Some(Yaml11::Float(f64::INFINITY))
                }
                "-.inf" | "-.Inf" | "-.INF" => return Some(Yaml11::Float(f64::NEG_INFINITY)),
                _ => {}
            }
            // Go's ParseFloat fails on overflow; underflow reads as zero.
            let float = |t: &str| t.parse::<f64>().ok().filter(|f| f.is_finite());
            if first == b'.' {
                return float(s).map(Yaml11::Float);
            }
            if first.is_ascii_digit() && is_timestamp(s) {
                return None;
            }
            let plain: Cow<str> = if s.contains('_') {
                Cow::Owned(s.replace('_', ""))
            } else {
                Cow::Borrowed(s)
            };
            if let Some(v) = go_int_value(&plain) {
                if let Ok(i) = i64::try_from(v) {
                    return Some(Yaml11::Int(i));
                }
                // ParseUint takes no sign.
                if !plain.starts_with(['+', '-']) {
                    if let Ok(u) = u64::try_from(v) {
                        return Some(Yaml11::Uint(u));
                    }
                }
            }
            if yaml_style_float(&plain) {
                return float(&plain).map(Yaml11::Float);
            }
            None
        }
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`'s digits, read with its base prefixes (`0x`, `0o`,
/// `0b`, a leading `0` for octal, either case), as a wide integer; `None` if it does not
/// parse or is beyond 64 bits either way.
fn go_int_value(s: &str) -> Option<i128> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let b = unsigned.as_bytes();
    let (digits, radix) = if b.len() >= 3 && b[0] == b'0' && matches!(b[1], b'x' | b'X') {
        (&unsigned[2..], 16)
    } else if b.len() >= 3 && b[0] == b'0' && matches!(b[1], b'o' | b'O') {
        (&unsigned[2..], 8)
    } else if b.len() >= 3 && b[0] == b'0' && matches!(b[1], b'b' | b'B') {
        (&unsigned[2..], 2)
    } else if b.first() == Some(&b'0') {
        // Go: the leading zero is the octal prefix; "0" alone is zero.
        if b.len() == 1 {
            return Some(0);
        }
        (&unsigned[1..], 8)
    } else {
        (unsigned, 10)
    };
    // from_str_radix takes a sign of its own; Go's digits do not.
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let v = u64::from_str_radix(digits, radix).ok()? as i128;
    if negative {
        (v <= 1i128 << 63).then_some(-v)
    } else {
        Some(v)
    }
}

/// A hexadecimal or octal integer (`0x`, `0o`) too wide for 64 bits but not for 128.
/// go-yaml v2 reads it as a string (its ParseInt and ParseUint fail, the float pattern
/// does not match), and writes it plain; serde_yaml reads it as a 128-bit integer, which
/// the manifest reader makes a float, as it must for a wide *decimal* integer (go-yaml's
/// float pattern matches that), and cannot tell the two apart (serde's `visit_u128` has
/// no text). So the reader differs from kubectl on such a scalar, and `to_yaml` quotes
/// it, so that what it writes reads back as the string it holds (found by the manifest
/// fuzzer, session 18: `"0x0Afffffffffffffcffcff"` read back as 8.3e23).
fn beyond_64_bits(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (digits, radix) = match unsigned.get(..2) {
        Some("0x" | "0X") => (&unsigned[2..], 16),
        Some("0o" | "0O") => (&unsigned[2..], 8),
        _ => return false,
    };
    !digits.starts_with(['+', '-']) && u128::from_str_radix(digits, radix).is_ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)` (or `ParseUint`) succeeding, or go-yaml's `0b`.
fn go_parse_int(s: &str) -> bool {
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (digits, radix) = if let Some(r) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        (r, 16)
    } else if let Some(r) = unsigned
        .strip_prefix("0o")
        .or_else(|| unsigned.strip_prefix("0O"))
    {
        (r, 8)
    } else if let Some(r) = unsigned
        .strip_prefix("0b")
        .or_else(|| unsigned.strip_prefix("0B"))
    {
        (r, 2)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (&unsigned[1..], 8)
    } else {
        (unsigned, 10)
    };
    !digits.is_empty() && u128::from_str_radix(digits, radix).is_ok_and(|v| v <= u64::MAX as u128)
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let digits =
        |b: &[u8], from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i;
    if b.first() == Some(&b'.') {
        i = 1 + digits(b, 1);
        if i == 1 {
            return false;
        }
    } else {
        i = digits(b, 0);
        if i == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1 + digits(b, i + 1);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let d = digits(b, i);
        if d == 0 {
            return false;
        }
        i += d;
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` accepting `s` (for the strings that reach it here).
fn go_parse_float(s: &str) -> bool {
    s.parse::<f64>().is_ok() || yaml_style_float(s)
}

/// go-yaml's timestamp formats all start with four digits and a dash; quote anything that
/// looks like a date (`2021-01-01`, `2021-01-01T00:00:00Z`).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit()
}

/// go-yaml's `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    if !b.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let mut i = 1 + b[1..]
        .iter()
        .take_while(|&&c| c.is_ascii_digit() || c == b'_')
        .count();
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        let d = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let ok = match d {
            1 => true,
            2 => b[i + 1] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        i += 1 + d;
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1 + b[i + 1..]
            .iter()
            .take_while(|&&c| c.is_ascii_digit() || c == b'_')
            .count();
    }
    i == b.len()
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, as go-yaml writes floats: the shortest
/// digits, in exponent form when the decimal exponent is below -4 or at least 6 (Go's
/// threshold for the shortest precision): `1.5`, `123456`, `1e+06`, `1e-05`.
fn go_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..6).contains(&exp) {
        let (head, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{head}{dot}{rest}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        return format!("{sign}0.{}{digits}", "0".repeat((-point) as usize));
    }
    let point = point as usize;
    if digits.len() <= point {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

/// go-yaml v2's map key order (`keyList.Less`): letters after other characters, runs of
/// digits compared as numbers (`a2` before `a10`).
fn go_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// A stable merge sort that never panics, whatever `less` does: go-yaml's key order is
/// not guaranteed to be a total order, and the standard sort may panic on one that isn't.
fn merge_sort<T: Copy>(v: &mut [T], less: impl Fn(&T, &T) -> bool + Copy) {
    if v.len() <= 1 {
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], less);
    merge_sort(&mut v[mid..], less);
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if less(&v[j], &v[i]) {
            merged.push(v[j]);
            j += 1;
        } else {
            merged.push(v[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.copy_from_slice(&merged);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `index line: value` for each document.
    fn docs(text: &str) -> Vec<String> {
        parse(text)
            .documents
            .iter()
            .map(|d| format!("{} {}: {}", d.index, d.line, d.value))
            .collect()
    }

    /// `index: line L, column C: message` for each diagnostic.
    fn diags(text: &str) -> Vec<String> {
        parse(text)
            .diagnostics
            .iter()
            .map(|d| format!("{}: {d}", d.index))
            .collect()
    }

    fn value(text: &str) -> Value {
        let p = parse_values(text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(p.documents.len(), 1, "{text}");
        p.documents.into_iter().next().unwrap().value
    }

    // --- documents and their lines

    #[test]
    fn documents_split_on_markers_keep_absolute_lines_and_yaml_indices() {
        let text = "# licence\n---\na: 1\n---\n---\nb: 2\n...\n%YAML 1.2\n---\nc: 3\n--- {d: 4}\n--- # x\ne: 5\n";
        assert_eq!(
            docs(text),
            [
                r#"0 3: {"a":1}"#,
                r#"2 6: {"b":2}"#,
                r#"3 10: {"c":3}"#,
                r#"4 11: {"d":4}"#,
                r#"5 13: {"e":5}"#
            ]
        );
        assert!(diags(text).is_empty());
    }

    #[test]
    fn empty_documents_and_comments_alone_are_skipped_silently() {
        for text in [
            "",
            "\n\n",
            "# just a comment\n",
            "---\n---\n---\n",
            "--- # a\n...\n",
            "~\n",
            "null\n---\n",
        ] {
            let p = parse(text);
            assert_eq!(p, Parsed::default(), "{text:?}");
        }
        // Empty documents still count for the index, as YAML loaders count them.
        assert_eq!(docs("---\n---\nkind: A\n---\n"), [r#"1 3: {"kind":"A"}"#]);
    }

    #[test]
    fn a_bare_document_after_an_end_marker_is_its_own_document() {
        assert_eq!(
            docs("a: 1\n...\nb: 2\n"),
            [r#"0 1: {"a":1}"#, r#"1 3: {"b":2}"#]
        );
    }

    #[test]
    fn no_trailing_newline_and_crlf_and_lone_cr_and_bom() {
        assert_eq!(
            docs("a: 1\n---\nb: 2"),
            [r#"0 1: {"a":1}"#, r#"1 3: {"b":2}"#]
        );
        assert_eq!(
            docs("a: 1\r\n---\r\nb: 2\r\n"),
            [r#"0 1: {"a":1}"#, r#"1 3: {"b":2}"#]
        );
        assert_eq!(
            docs("a: 1\r---\rb: 2\r"),
            [r#"0 1: {"a":1}"#, r#"1 3: {"b":2}"#]
        );
        assert_eq!(diags("a: 1\r\n---\r\nb: [\r\n"), ["1: line 4, column 1: did not find expected node content (while parsing a flow node)"]);
        assert_eq!(diags("\u{feff}a: [x,\n"), ["0: line 2, column 1: did not find expected node content (while parsing a flow node)"]);
    }

    // --- diagnostics

    #[test]
    fn a_broken_document_gives_one_diagnostic_and_the_others_load() {
        let text = "a: 1\n---\nb: 1\nc: d: e\n---\nf: [1, 2\ng: 3\n---\nh: 1\n";
        assert_eq!(docs(text), [r#"0 1: {"a":1}"#, r#"3 9: {"h":1}"#]);
        assert_eq!(
            diags(text),
            [
                "1: line 4, column 5: mapping values are not allowed in this context",
                "2: line 7, column 2: did not find expected ',' or ']' (while parsing a flow sequence at line 6, column 4)",
            ]
        );
        // The message is libyaml's (and go-yaml's, so kubectl's) alone; where it was found
        // is the context.
        let d = &parse(text).diagnostics[1];
        assert_eq!(d.message, "did not find expected ',' or ']'");
        assert_eq!(
            d.context.as_deref(),
            Some("while parsing a flow sequence at line 6, column 4")
        );
    }

    #[test]
    fn diagnostics_display_with_line_and_column_and_keep_the_message_bare() {
        let d = &parse("kind: Pod\nmetadata:\n  name: x\n  labels: a: b\n").diagnostics[0];
        assert_eq!(
            (d.index, d.line, d.column, d.kind),
            (0, 4, 12, DiagnosticKind::Syntax)
        );
        assert_eq!(d.message, "mapping values are not allowed in this context");
        assert_eq!(
            d.to_string(),
            "line 4, column 12: mapping values are not allowed in this context"
        );
    }

    #[test]
    fn tabs_used_for_indentation_get_a_plain_explanation() {
        let d = &parse("a:\n\tb: 1\n").diagnostics[0];
        // kubectl's words in the message, the hint in the context.
        assert_eq!(d.message, "found character that cannot start any token");
        assert_eq!(
            d.to_string(),
            "line 2, column 1: found character that cannot start any token (a tab: YAML indents with spaces, never tabs)"
        );
    }

    #[test]
    fn reader_errors_with_a_byte_offset_get_a_line_and_column() {
        assert_eq!(
            diags("a: b\nc: \u{1}\n"),
            ["0: line 2, column 4: control characters are not allowed"]
        );
    }

    #[test]
    fn lines_break_only_at_line_feeds_as_in_an_editor() {
        // libyaml also breaks lines at U+2028; positions must not drift after one.
        assert_eq!(
            diags("a: \"x\u{2028}y\"\nb: [c,\n"),
            ["0: line 3, column 1: did not find expected node content (while parsing a flow node)"]
        );
        assert_eq!(
            diags("a: 1\u{2028}\nb: {c\n  d: 2\n"),
            ["0: line 3, column 4: did not find expected ',' or '}' (while parsing a flow mapping at line 2, column 4)"]
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(
            diags("é: ü: x\n"),
            ["0: line 1, column 5: mapping values are not allowed in this context"]
        );
        // serde_json counts bytes; the second object's `2` is character 17, byte 18.
        assert_eq!(
            diags("{\"é\": 1}{\"é\": 1 2}"),
            ["1: line 1, column 17: expected `,` or `}`"]
        );
    }

    #[test]
    fn an_unknown_alias_and_two_documents_without_a_marker_are_explained() {
        assert_eq!(
            diags("kind: A\nb: *nope\n"),
            ["0: line 2, column 4: unknown anchor"]
        );
        assert_eq!(
            diags("--- |\nfoo\n"),
            ["0: line 1, column 5: this text holds more than one document; separate documents with a `---` line"]
        );
    }

    #[test]
    fn a_syntax_error_wins_over_a_value_refused_before_it() {
        // A Go template: `{{…}}` reads as a mapping key up to the syntax error after it.
        let text = "kind: Pod\nspec:\n  image: {{.Repo | default .R }}{{.Image}}\n";
        assert_eq!(diags(text), ["0: line 3, column 33: did not find expected key (while parsing a block mapping at line 3, column 3)"]);
    }

    #[test]
    fn documents_that_are_not_mappings_are_refused_like_kubectl_validation() {
        let text = "hello\n---\n- a\n---\n\n42\n---\ntrue\n";
        assert_eq!(
            diags(text),
            [
                "0: line 1, column 1: error validating data: expected a mapping with apiVersion and kind, found the string \"hello\"",
                "1: line 3, column 1: error validating data: expected a mapping with apiVersion and kind, found a list",
                "2: line 6, column 1: error validating data: expected a mapping with apiVersion and kind, found the number 42",
                "3: line 8, column 1: error validating data: expected a mapping with apiVersion and kind, found `true`",
            ]
        );
        assert!(parse(text)
            .diagnostics
            .iter()
            .all(|d| d.kind == DiagnosticKind::NotAnObject));
        // As values (a patch), any shape is fine.
        assert_eq!(parse_values(text).documents.len(), 4);
    }

    // --- JSON

    #[test]
    fn a_pretty_printed_json_object_is_one_document() {
        let text = "\n{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"PersistentVolumeClaim\"\n}\n";
        assert_eq!(
            docs(text),
            [r#"0 2: {"apiVersion":"v1","kind":"PersistentVolumeClaim"}"#]
        );
    }

    #[test]
    fn json_objects_back_to_back_are_a_stream_as_kubectl_reads_them() {
        let text = "{\n  \"kind\": \"Service\"\n}\n{\n  \"kind\": \"ReplicationController\"\n}";
        assert_eq!(
            docs(text),
            [
                r#"0 1: {"kind":"Service"}"#,
                r#"1 4: {"kind":"ReplicationController"}"#
            ]
        );
    }

    #[test]
    fn a_json_error_has_serde_json_position_and_earlier_objects_still_load() {
        let text = "{\"kind\": \"A\"}\n{\n  \"kind\": \"B\"\n  \"x\": 1\n}\n";
        assert_eq!(docs(text), [r#"0 1: {"kind":"A"}"#]);
        assert_eq!(diags(text), ["1: line 4, column 3: expected `,` or `}`"]);
    }

    #[test]
    fn json_that_is_valid_yaml_falls_back_to_yaml() {
        // Trailing commas and unquoted keys: not JSON, but fine YAML (as KYAML writes it).
        assert_eq!(
            docs("{\n  kind: \"A\",\n  spec: {replicas: 1,},\n}\n"),
            [r#"0 1: {"kind":"A","spec":{"replicas":1}}"#]
        );
    }

    #[test]
    fn null_in_a_json_stream_is_an_empty_document() {
        assert_eq!(
            docs("{\"kind\": \"A\"} null {\"kind\": \"B\"}"),
            [r#"0 1: {"kind":"A"}"#, r#"2 1: {"kind":"B"}"#]
        );
    }

    #[test]
    fn a_json_array_is_not_a_manifest_but_is_a_value() {
        let text = "[{\"op\": \"replace\", \"path\": \"/spec/replicas\", \"value\": 3}]";
        assert_eq!(
            diags(text),
            ["0: line 1, column 1: error validating data: expected a mapping with apiVersion and kind, found a list"]
        );
        assert_eq!(
            value(text),
            json!([{"op": "replace", "path": "/spec/replicas", "value": 3}])
        );
    }

    // --- List kinds

    #[test]
    fn a_list_expands_into_its_items_which_keep_the_list_index_and_line() {
        let text = "kind: A\n---\napiVersion: v1\nkind: List\nitems:\n- kind: B\n- kind: C\n";
        let p = parse(text);
        let got: Vec<_> = p
            .documents
            .iter()
            .map(|d| (d.index, d.line, d.item, d.value["kind"].as_str().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                (0, 1, None, "A"),
                (1, 3, Some(0), "B"),
                (1, 3, Some(1), "C")
            ]
        );
    }

    #[test]
    fn any_kind_ending_in_list_expands_and_bad_items_are_diagnosed() {
        assert_eq!(
            docs("kind: ServiceList\nitems:\n- kind: Service\n"),
            [r#"0 1: {"kind":"Service"}"#]
        );
        assert_eq!(
            docs("{\"kind\": \"PodList\", \"items\": [{\"kind\": \"Pod\"}]}"),
            [r#"0 1: {"kind":"Pod"}"#]
        );
        assert!(parse("kind: List\nitems:\n").documents.is_empty());
        assert!(parse("kind: List\nitems:\n").diagnostics.is_empty());
        assert_eq!(
            diags("kind: List\nitems:\n- kind: A\n- 3\n"),
            ["0: line 1, column 1: error validating data: items[1]: expected a mapping with apiVersion and kind, found the number 3"]
        );
        assert_eq!(
            diags("kind: List\nitems: x\n"),
            ["0: line 1, column 1: error validating data: items of a List must be a list, found the string \"x\""]
        );
        // Without items, a kind ending in List is an ordinary object; as values, no expansion.
        assert_eq!(
            docs("kind: NetworkPolicyList\n"),
            [r#"0 1: {"kind":"NetworkPolicyList"}"#]
        );
        assert_eq!(
            parse_values("kind: List\nitems: [{kind: A}]\n").documents[0].item,
            None
        );
    }

    // --- anchors, aliases, merge keys, keys and scalars

    #[test]
    fn anchors_and_aliases_are_resolved() {
        let text = "spec:\n  selector:\n    matchLabels: &labels\n      app: hello\n  template:\n    metadata:\n      labels: *labels\n";
        assert_eq!(
            value(text),
            json!({"spec": {"selector": {"matchLabels": {"app": "hello"}}, "template": {"metadata": {"labels": {"app": "hello"}}}}})
        );
    }

    #[test]
    fn merge_keys_merge_with_written_keys_first_then_earlier_sources() {
        // (Not `y` as a key: go-yaml v2 reads a plain `y` as `true`.)
        let text = "a: &a {x: 1, w: 1}\nb: &b {x: 2, w: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 3\nd:\n  w: 4\n  <<: *b\n";
        assert_eq!(
            value(text),
            json!({"a": {"x": 1, "w": 1}, "b": {"x": 2, "w": 2, "z": 2}, "c": {"x": 1, "w": 3, "z": 2}, "d": {"x": 2, "w": 4, "z": 2}})
        );
        // Only a plain `<<` merges.
        assert_eq!(value("\"<<\": 1\n'<<': 2\n"), json!({"<<": 2}));
        assert_eq!(
            diags("kind: A\nspec:\n  <<: 3\n"),
            ["0: line 3, column 7: map merge requires map or sequence of maps as the value (in spec.<<)"]
        );
        assert_eq!(
            diags("kind: A\nspec:\n  <<: [{a: 1}, 2]\n"),
            ["0: line 3, column 7: map merge requires map or sequence of maps as the value (in spec.<<)"]
        );
    }

    #[test]
    fn keys_that_are_not_strings_become_strings_as_kubectl_makes_them() {
        assert_eq!(
            value("9000: a\ntrue: b\n1.5: c\n0x10: d\n"),
            json!({"9000": "a", "true": "b", "1.5": "c", "16": "d"})
        );
        assert_eq!(
            diags("kind: A\n? \n: v\n"),
            ["0: line 2, column 2: a mapping key must be a string, a number or a boolean, not null (an empty key)"]
        );
        assert_eq!(
            diags("kind: A\n[a]: v\n"),
            ["0: line 2, column 1: a mapping key must be a string, a number or a boolean, not a list"]
        );
    }

    #[test]
    fn scalars_follow_go_yaml_v2_and_what_json_cannot_hold_is_refused() {
        // kubectl's YAML 1.1 (go-yaml v2): plain words and numbers YAML 1.2 reads as
        // strings.
        assert_eq!(
            value("a: yes\nb: on\nc: 0644\nd: 1_000\ne: ~\nf: 1e3\ng: 0x1F\nh: N\ni: OFF\nj: 0X1f\nk: 08\nl: -0_10\nm: 0b101\nnn: 2021-01-01\no: 1:20\np: yess\nq: 18446744073709551615\nr: -9223372036854775808\n"),
            json!({"a": true, "b": true, "c": 420, "d": 1000, "e": null, "f": 1000, "g": 31, "h": false, "i": false, "j": 31, "k": 8, "l": -8, "m": 5, "nn": "2021-01-01", "o": "1:20", "p": "yess", "q": 18446744073709551615u64, "r": i64::MIN})
        );
        // Quoted, in a block scalar, with a tag, or in JSON: a string.
        assert_eq!(
            value("a: \"yes\"\nb: '0644'\nc: !!str on\nd: |-\n  yes\ne: [\"on\", on]\n"),
            json!({"a": "yes", "b": "0644", "c": "on", "d": "yes", "e": ["on", true]})
        );
        assert_eq!(
            value("{\"a\": \"yes\", \"b\": \"0644\"}"),
            json!({"a": "yes", "b": "0644"})
        );
        // Keys too (sigs.k8s.io/yaml writes a boolean key as `true`/`false`), and aliases
        // of a plain scalar keep its meaning.
        assert_eq!(
            value("on: 1\n'off': 2\n010: 3\nx: &v yes\nz: *v\n"),
            json!({"true": 1, "off": 2, "8": 3, "x": true, "z": true})
        );
        // A whole float is the integer kubectl sends (`whole_floats`); others stay floats.
        assert_eq!(
            value("a: 3.0\nb: 1.5\nc: -2.0\nd: [1.0, 2.5]\n"),
            json!({"a": 3, "b": 1.5, "c": -2, "d": [1, 2.5]})
        );
        assert_eq!(
            value("v: 123456789012345678901234567890\n"),
            json!({"v": 1.2345678901234568e29})
        );
        assert_eq!(
            diags("kind: A\nv: .nan\n"),
            ["0: line 2, column 4: infinity and NaN (.inf, .nan) have no JSON form, so no Kubernetes field can hold them (in v)"]
        );
    }

    #[test]
    fn tags_are_ignored_except_the_core_ones() {
        assert_eq!(
            value("a: !!str 12\nb: !Ref x\nc: !custom {d: 1}\n!k e: 2\n"),
            json!({"a": "12", "b": "x", "c": {"d": 1}, "e": 2})
        );
    }

    #[test]
    fn duplicate_keys_warn_where_the_first_one_repeats_and_the_last_value_wins() {
        let text = "kind: A\nmetadata:\n  name: a\n  name: b\n  labels: {x: 1, x: 2}\n";
        let p = parse(text);
        assert_eq!(
            p.documents[0].value,
            json!({"kind": "A", "metadata": {"name": "b", "labels": {"x": 2}}})
        );
        assert!(p.diagnostics.is_empty());
        let w: Vec<_> = p.warnings.iter().map(|d| (d.to_string(), d.kind)).collect();
        assert_eq!(
            w,
            [(
                "line 4, column 3: duplicate key \"name\" in metadata; the last value wins (and 1 more duplicate key in this document)".to_string(),
                DiagnosticKind::DuplicateKey
            )]
        );
        let w = parse("{\"kind\": \"A\",\n \"kind\": \"B\"}").warnings;
        // serde_json reports the key's closing quote.
        assert_eq!(
            w[0].to_string(),
            "line 2, column 7: duplicate key \"kind\"; the last value wins"
        );
    }

    // --- bounds

    #[test]
    fn an_input_over_16_mib_is_refused_whole() {
        let text = " ".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(diags(&text), ["0: line 1, column 1: the input is 16777217 bytes; the limit is 16777216 bytes (16 MiB)"]);
    }

    #[test]
    fn a_document_over_3_mib_is_refused_and_the_others_load() {
        let text = format!(
            "kind: A\n---\nkind: B\ndata: \"{}\"\n---\nkind: C\n",
            "x".repeat(MAX_DOCUMENT_BYTES)
        );
        assert_eq!(
            docs(&text),
            [r#"0 1: {"kind":"A"}"#, r#"2 6: {"kind":"C"}"#]
        );
        assert_eq!(
            diags(&text),
            ["1: line 2, column 1: this document is 3145749 bytes; the limit is 3145728 bytes (3 MiB), the largest request body a Kubernetes API server accepts"]
        );
    }

    #[test]
    fn nesting_deeper_than_128_is_refused_before_libyaml_reads_it() {
        let deep = |open: &str, n: usize| format!("kind: A\nv: {}\n", open.repeat(n));
        let message =
            "mappings and lists are nested more than 128 levels deep; the document was not read";
        // The top-level mapping is level 1, `v`'s value level 2: the 128th `[` is level 129.
        assert_eq!(
            diags(&deep("[", 10_000)),
            [format!("0: line 2, column {}: {message}", 4 + 127)]
        );
        assert_eq!(
            diags(&deep("{a: ", 10_000)),
            [format!("0: line 2, column {}: {message}", 4 + 4 * 127)]
        );
        // Indentation costs quadratic bytes, so 300 levels (90 KB) is a lot of block nesting.
        let block: String = (0..300)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect();
        assert_eq!(
            diags(&block),
            [format!("0: line 129, column 257: {message}")]
        );
        assert_eq!(
            diags(&format!("{}x\n", "- ".repeat(10_000))),
            [format!("0: line 1, column 257: {message}")]
        );
        // Exactly 128 levels is fine.
        let ok = format!("v: {}1{}\n", "[".repeat(127), "]".repeat(127));
        assert!(diags(&ok).is_empty());
    }

    #[test]
    fn nesting_the_pre_scan_undercounts_is_still_bounded_by_serde_yaml() {
        // `key:` then an unindented `- ` nests two levels for one indentation step.
        let text: String = (0..200)
            .map(|i| format!("{}- a:\n", "  ".repeat(i)))
            .collect();
        let p = parse_values(&text);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].message, too_deep());
        assert_eq!(p.diagnostics[0].kind, DiagnosticKind::Limit);
    }

    #[test]
    fn the_deepest_nesting_allowed_fits_a_small_stack() {
        // Measured: 128 levels need under 128 KiB in a release build (wasm's stack is
        // 1 MiB) and under 1 MiB in a debug build, whose serde frames are much larger.
        let stack = if cfg!(debug_assertions) { 1536 } else { 256 } * 1024;
        let texts = [
            format!("v: {}1{}\n", "{a: ".repeat(127), "}".repeat(127)),
            format!("v: {}{}\n", "[".repeat(127), "]".repeat(127)),
            (0..128)
                .map(|i| format!("{}a:\n", " ".repeat(i)))
                .collect::<String>(),
            format!("{}1{}", "{\"a\":".repeat(128), "}".repeat(128)),
        ];
        for text in texts {
            let parsed = std::thread::Builder::new()
                .stack_size(stack)
                .spawn(move || parse_values(&text))
                .unwrap()
                .join()
                .unwrap();
            assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
            assert_eq!(parsed.documents.len(), 1);
        }
    }

    #[test]
    fn deep_json_is_bounded_by_serde_json() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(diags(&text), ["0: line 1, column 129: mappings and lists are nested more than 128 levels deep; the document was not read"]);
    }

    #[test]
    fn a_billion_laughs_is_refused_quickly() {
        let mut text = "kind: A\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_string();
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let d = parse(&text).diagnostics;
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].line, d[0].column, d[0].kind),
            (1, 1, DiagnosticKind::Limit)
        );
        assert!(
            d[0].message
                .starts_with("aliases expand this document to more than 10"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn many_aliases_of_one_big_anchor_are_refused_too() {
        // serde_yaml's own limit counts alias jumps, so this 15 KB text would give 9
        // million values.
        let text = format!(
            "kind: A\na: &a [{}1]\nb: [{}*a]\n",
            "1,".repeat(3000),
            "*a,".repeat(3000)
        );
        let d = parse(&text).diagnostics;
        assert_eq!(
            d[0].message,
            too_many_aliases(Some(2 * text.len() + ALIAS_ALLOWANCE))
        );
        // A few aliases are nothing unusual.
        let text = format!("kind: A\na: &a [{}1]\nb: [*a, *a, *a]\n", "1,".repeat(3000));
        assert!(parse(&text).diagnostics.is_empty());
    }

    #[test]
    fn the_input_value_budget_stops_reading_when_spent() {
        let mut cx = Ctx::new("", 10, 3);
        for _ in 0..3 {
            cx.count::<serde_json::Error>().unwrap();
        }
        assert!(cx.count::<serde_json::Error>().is_err());
        assert!(cx.input_exhausted());
        assert_eq!(cx.trouble.unwrap().1, too_many_values());
        let mut cx = Ctx::new("", 3, 10);
        cx.left = 0;
        assert!(cx.count::<serde_json::Error>().is_err());
        assert!(!cx.input_exhausted());
    }

    #[test]
    fn the_pre_scan_counts_nodes_so_libyaml_never_parses_past_the_value_budget() {
        // Key a, the mapping, the list, three scalars and an alias in it, key d and its
        // block scalar: nine nodes, the ninth at byte 24.
        let text = "a: [1, 'b', \"c\", *x]\nd: |\n  e\n";
        assert_eq!(Scanner::scan(text, 9).too_many, None);
        assert_eq!(Scanner::scan(text, 8).too_many, Some(24));
        // One document of a million and one scalars is refused before libyaml reads it.
        let text = format!(
            "kind: A\n---\nv: [{}1]\n---\nkind: B\n",
            "1,".repeat(MAX_VALUES)
        );
        let p = parse(&text);
        assert_eq!(docs(&text), [r#"0 1: {"kind":"A"}"#]);
        // Document 0 spends 3 values; in document 1, `v`, the mapping and the list spend 3
        // more, so scalar number MAX_VALUES - 5 is the first too many.
        let column = 5 + 2 * (MAX_VALUES - 6);
        assert_eq!(
            p.diagnostics[0].to_string(),
            format!("line 3, column {column}: {}", too_many_values())
        );
    }

    #[test]
    fn more_than_10000_documents_are_not_read() {
        let text = "kind: A\n---\n".repeat(MAX_DOCUMENTS + 5);
        let p = parse(&text);
        assert_eq!(p.documents.len(), MAX_DOCUMENTS);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].to_string(), "line 20000, column 1: the input has more than 10000 documents; the rest of it was not read");
    }

    #[test]
    fn a_one_megabyte_line_is_fine() {
        let big = "x".repeat(1 << 20);
        let p = parse(&format!("kind: ConfigMap\ndata: {{big: {big}}}\n"));
        assert!(p.diagnostics.is_empty());
        assert_eq!(
            p.documents[0].value["data"]["big"].as_str().map(str::len),
            Some(1 << 20)
        );
        let p = parse(&format!("kind: A\nv: [{}\n", "[x, ".repeat(1 << 18)));
        assert_eq!(p.diagnostics[0].kind, DiagnosticKind::Limit);
    }

    // --- the pre-scan does not see depth where there is none

    #[test]
    fn brackets_in_block_scalars_plain_scalars_quotes_and_comments_are_not_nesting() {
        let script = "if [ -f /x ]; then { echo \"[[[[{{{{\"; }; fi\n".repeat(200);
        let indented: String = script.lines().map(|l| format!("    {l}\n")).collect();
        let text = format!(
            "kind: ConfigMap\ndata:\n  run.sh: |\n{indented}  regex: ^[a-z]+[[[[[[$\n  q: '[[[[[[[[' # [[[[[[[[\n  d: \"{{{{{{{{\"\n  p: a [[[[[[[[ b\n"
        );
        let text = text.replace("[[[[[[[[", &"[".repeat(300));
        let p = parse(&text);
        assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
        assert_eq!(
            p.documents[0].value["data"]["regex"],
            json!("^[a-z]+[[[[[[$")
        );
    }

    #[test]
    fn the_pre_scan_finds_the_root_and_nothing_in_comment_only_text() {
        assert_eq!(
            Scanner::scan("# x\n%YAML 1.2\n---   # y\n  a: 1", usize::MAX).root,
            Some(26)
        );
        assert_eq!(Scanner::scan("# x\n---\n...\n", usize::MAX).root, None);
    }

    // --- to_yaml

    #[test]
    fn to_yaml_writes_what_kubectl_get_o_yaml_writes() {
        let v = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "1"}, "creationTimestamp": "2024-01-01T00:00:00Z", "generation": 1},
            "spec": {
                "replicas": 3,
                "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2", "args": ["-g", "daemon off;"], "ports": [{"containerPort": 80, "protocol": "TCP"}], "resources": {}}]}},
                "paused": false,
                "progressDeadlineSeconds": null
            },
            "status": {"conditions": []}
        });
        let expected = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: \"1\"
  creationTimestamp: \"2024-01-01T00:00:00Z\"
  generation: 1
  labels:
    app: web
  name: web
spec:
  paused: false
  progressDeadlineSeconds: null
  replicas: 3
  template:
    spec:
      containers:
      - args:
        - -g
        - daemon off;
        image: nginx:1.14.2
        name: nginx
        ports:
        - containerPort: 80
          protocol: TCP
        resources: {}
status:
  conditions: []
";
        assert_eq!(to_yaml(&v), expected);
        assert_eq!(value(&to_yaml(&v)), v);
    }

    #[test]
    fn to_yaml_quotes_only_what_needs_quotes() {
        let cases = [
            ("plain", "plain"),
            ("", "\"\""),
            ("123", "\"123\""),
            ("1.5", "\"1.5\""),
            ("0644", "\"0644\""),
            ("1_000", "\"1_000\""),
            ("0x1F", "\"0x1F\""),
            // Beyond 64 bits: a string for go-yaml, a number for serde_yaml.
            ("0x0Afffffffffffffcffcff", "\"0x0Afffffffffffffcffcff\""),
            (
                "0o7777777777777777777777777",
                "\"0o7777777777777777777777777\"",
            ),
            // Beyond 128 bits: a string for both, written plain.
            (
                "0x1ffffffffffffffffffffffffffffffff",
                "0x1ffffffffffffffffffffffffffffffff",
            ),
            ("1e3", "\"1e3\""),
            ("yes", "\"yes\""),
            ("on", "\"on\""),
            ("n", "\"n\""),
            ("true", "\"true\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            (".inf", "\".inf\""),
            ("2021-01-01", "\"2021-01-01\""),
            ("1:20", "\"1:20\""),
            ("<<", "\"<<\""),
            ("*", "'*'"),
            ("- x", "'- x'"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            ("#a", "'#a'"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("it's: x", "'it''s: x'"),
            ("a:b", "a:b"),
            ("a#b", "a#b"),
            ("-x", "-x"),
            ("héllo", "héllo"),
            ("1.2.3", "1.2.3"),
            ("tab\there", "\"tab\\there\""),
            (
                "nul\u{0}bell\u{7}\u{85}\u{feff}\u{2028}",
                "\"nul\\0bell\\a\\N\\uFEFF\\L\"",
            ),
            ("cr\r", "\"cr\\r\""),
            ("ls\u{2028}... x", "\"ls\\L... x\""),
            ("*\u{85}", "\"*\\N\""),
            ("q\"b\\", "q\"b\\"),
            ("\"q", "'\"q'"),
        ];
        for (s, want) in cases {
            assert_eq!(to_yaml(&json!({ "k": s })), format!("k: {want}\n"), "{s:?}");
            assert_eq!(
                value(&to_yaml(&json!({ "k": s }))),
                json!({ "k": s }),
                "{s:?}"
            );
        }
        // Keys follow the same rules.
        assert_eq!(
            to_yaml(&json!({"9000": "x", "": 1, "a b": 2})),
            "\"\": 1\n\"9000\": x\na b: 2\n"
        );
    }

    #[test]
    fn to_yaml_writes_multi_line_strings_as_literal_blocks() {
        let cases = [
            ("a\nb\n", "k: |\n  a\n  b\n"),
            ("a\nb", "k: |-\n  a\n  b\n"),
            ("a\n\n", "k: |+\n  a\n\n"),
            ("\n", "k: |2+\n\n"),
            ("  x\ny\n", "k: |2\n    x\n  y\n"),
            ("a\n\nb\n", "k: |\n  a\n\n  b\n"),
            ("a \nb\n", "k: \"a \\nb\\n\"\n"),
            ("a\nb \n", "k: \"a\\nb \\n\"\n"),
            ("a\r\nb\n", "k: \"a\\r\\nb\\n\"\n"),
        ];
        for (s, want) in cases {
            assert_eq!(to_yaml(&json!({ "k": s })), want, "{s:?}");
            assert_eq!(
                value(&to_yaml(&json!({ "k": s }))),
                json!({ "k": s }),
                "{s:?}"
            );
        }
        assert_eq!(
            to_yaml(&json!({"a": [{"s": "x\ny\n"}]})),
            "a:\n- s: |\n    x\n    y\n"
        );
    }

    #[test]
    fn to_yaml_folds_long_strings_past_column_80_as_go_yaml_does() {
        let message = "0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
        let v = json!({"status": {"conditions": [{"message": message, "plain": "word ".repeat(20).trim_end()}]}});
        let expected = "\
status:
  conditions:
  - message: '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane:
      }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.'
    plain: word word word word word word word word word word word word word word word
      word word word word word
";
        assert_eq!(to_yaml(&v), expected);
        assert_eq!(value(&to_yaml(&v)), v);
        let spaced = json!({"d": format!("{}  x\t", "y ".repeat(50))});
        assert_eq!(value(&to_yaml(&spaced)), spaced);
    }

    #[test]
    fn to_yaml_orders_keys_as_go_yaml_does() {
        let v = json!({"a10": 1, "a2": 2, "a_b": 3, "aB": 4, "a-b": 5, "b": 6, "A": 7, "a01": 8, "a1": 9});
        let keys: Vec<String> = to_yaml(&v)
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(
            keys,
            ["A", "a-b", "a_b", "a1", "a01", "a2", "a10", "aB", "b"]
        );
    }

    #[test]
    fn to_yaml_writes_long_keys_explicitly_and_numbers_as_go_does() {
        let long = "k".repeat(129);
        assert_eq!(
            to_yaml(&json!({ long.clone(): {"a": 1} })),
            format!("? {long}\n: a: 1\n")
        );
        assert_eq!(
            to_yaml(&json!({"x\ny": [1, 2]})),
            "? |-\n  x\n  y\n: - 1\n  - 2\n"
        );
        for v in [json!({ long.clone(): {"a": 1} }), json!({"x\ny": [1, 2]})] {
            assert_eq!(value(&to_yaml(&v)), v);
        }
        let floats = [
            (1.5, "1.5"),
            (1.0, "1"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-7, "-2.5e-07"),
            (1e21, "1e+21"),
            (0.1, "0.1"),
        ];
        for (f, want) in floats {
            assert_eq!(go_float(f), want, "{f}");
        }
        assert_eq!(
            to_yaml(&json!({"i": -3, "u": u64::MAX, "f": 2.5})),
            "f: 2.5\ni: -3\nu: 18446744073709551615\n"
        );
    }

    #[test]
    fn to_yaml_of_scalars_and_empty_collections() {
        assert_eq!(to_yaml(&json!("x")), "x\n");
        assert_eq!(to_yaml(&json!(null)), "null\n");
        assert_eq!(to_yaml(&json!({})), "{}\n");
        assert_eq!(to_yaml(&json!([])), "[]\n");
        assert_eq!(
            to_yaml(&json!([[1, [2]], {}, []])),
            "- - 1\n  - - 2\n- {}\n- []\n"
        );
    }

    /// Texts with every kind of document and problem: a parse done in steps, whatever
    /// the step, gives exactly what one `parse` gives.
    fn stepwise_samples() -> Vec<String> {
        let good = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n";
        let mut samples = vec![
            String::new(),
            "---\n---\n".to_string(),
            format!("{good}---\n{good}"),
            format!("# lead\n{good}---\nkind: [\n---\n- 1\n---\n{good}...\n{good}"),
            format!("{good}---\na: 1\na: 2\n---\napiVersion: v1\nkind: List\nitems:\n- {{apiVersion: v1, kind: Pod, metadata: {{name: p}}}}\n- 3\n"),
            "\u{feff}a: 1\r\rkind: x\r\n---\r\nb: 2\n".to_string(),
            "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"j\"}}".to_string(),
            format!("%YAML 1.2\n---\n{good}---\n{}", "[".repeat(200)),
        ];
        samples.push(
            (0..300)
                .map(|i| format!("kind: K{i}\napiVersion: v1\n---\n"))
                .collect(),
        );
        samples
    }

    #[test]
    fn a_parse_in_steps_is_the_same_parse() {
        for text in stepwise_samples() {
            let whole = parse(&text);
            for bytes in [0, 1, 7, 64, 1_000, usize::MAX] {
                let mut p = Parse::new(&text);
                let mut steps = 0;
                while !p.step(bytes) {
                    steps += 1;
                    assert!(steps <= text.len() + 1, "a step always makes progress");
                    let (at, of) = p.progress();
                    assert!(at <= of);
                }
                assert_eq!(p.finish(), whole, "{text:?} in steps of {bytes}");
            }
        }
    }

    /// The splitter as it was written first, line by line in characters: the byte
    /// splitter must find exactly the same documents.
    fn split_documents_by_chars(text: &str) -> Vec<(usize, usize, usize, bool, bool, bool)> {
        let is_marker = |line: &str, marker: &str| {
            line.strip_prefix(marker)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
        };
        let new = |start, line| (start, start, line, false, false, false);
        let mut out = vec![];
        let mut cur = new(0, 1);
        let mut offset = 0;
        for (i, full) in text.split_inclusive('\n').enumerate() {
            let line_no = i + 1;
            let line = full.trim_end_matches(['\n', '\r']);
            if is_marker(line, "---") {
                if cur.3 || cur.4 {
                    cur.1 = offset;
                    out.push(std::mem::replace(&mut cur, new(offset, line_no)));
                }
                cur.3 = true;
                let rest = line[3..].trim_start_matches([' ', '\t']);
                if !rest.is_empty() && !rest.starts_with('#') {
                    cur.4 = true;
                }
            } else if is_marker(line, "...") {
                cur.1 = offset + full.len();
                out.push(std::mem::replace(
                    &mut cur,
                    new(offset + full.len(), line_no + 1),
                ));
            } else {
                let t = line.trim_start_matches([' ', '\t']);
                if t.is_empty() || t.starts_with('#') {
                } else if line.starts_with('%') && !cur.3 && !cur.4 {
                    cur.5 = true;
                } else {
                    cur.4 = true;
                }
            }
            offset += full.len();
        }
        cur.1 = offset;
        out.push(cur);
        out
    }

    #[test]
    fn the_byte_splitter_finds_the_same_documents() {
        let mut samples = stepwise_samples();
        for s in [
            "---",
            "--- # c\n\n...\n...\n---\n",
            "--- a: 1\n---\t\n--- #x\n----\n--\n",
            "%YAML 1.2\n%TAG ! x\n---\na: 1\n%not a directive\n---\n",
            "a: 1\n...x\n... \n...\r\n---\r\nb: 2\r\n\r\n---\r\r\n",
            "  \t\n# only comments\n\t# and tabs\n",
            "- a\n- b\n---\n- c\n-- d\n.x\n",
            "\n\n\n",
            "é: ü\n---\n…\n",
        ] {
            samples.push(s.to_string());
        }
        for path in [
            "../../fuzz/regressions/manifest/fast-reader-dot-marker-after-lone-cr",
            "../../../shared/fixtures/real-world/argoproj__argo-cd/install.yaml",
            "../../../shared/fixtures/real-world/argoproj__argo-cd/concatenated.yaml",
        ] {
            if let Ok(bytes) = std::fs::read(path) {
                samples.push(lone_cr_to_lf(&String::from_utf8_lossy(&bytes)).into_owned());
            }
        }
        // Texts of the characters that matter, in every arrangement a small generator
        // makes (a line starting at each offset of the eight-byte words).
        let mut rng = crate::rng::Rng::new(7);
        for _ in 0..3_000 {
            let len = (rng.next_u64() % 40) as usize;
            let text: String = (0..len)
                .map(|_| ['-', '.', '\n', 'a', '\r', ' ', '#', '%'][(rng.next_u64() % 8) as usize])
                .collect();
            samples.push(text);
        }
        for text in samples {
            let got: Vec<_> = split_documents(&text)
                .iter()
                .map(|s| (s.start, s.end, s.line, s.marker, s.content, s.directive))
                .collect();
            assert_eq!(
                got,
                split_documents_by_chars(&text),
                "{:?}",
                &text[..text.len().min(200)]
            );
        }
    }

    #[test]
    fn a_remembered_parse_is_the_same_parse() {
        forget_shared();
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: NAME\n";
        let text: String = (0..2_000)
            .map(|i| format!("---\n{}", doc.replace("NAME", &format!("c{i}"))))
            .collect();
        assert!(text.len() >= REMEMBER_BYTES);
        assert!(remembered(&text).is_none());
        let first = parse_shared(&text);
        assert_eq!(*first, parse(&text));
        // The same text again: the same parse, not a new one.
        let again = parse_shared(&text.clone());
        assert!(Arc::ptr_eq(&first, &again));
        // A text that differs in one byte is parsed on its own.
        let other = text.replacen("c0\n", "d0\n", 1);
        let third = parse_shared(&other);
        assert!(!Arc::ptr_eq(&first, &third));
        assert_eq!(*third, parse(&other));
        // A parse in steps is remembered too.
        let stepped = Parse::new(&text).finish_shared(&text);
        assert!(Arc::ptr_eq(&stepped, &parse_shared(&text)));
        // Small texts are not remembered.
        // Taken for objects: moved out of memory, the same documents.
        let taken = take_shared(&text);
        assert_eq!(taken, *first);
        assert!(remembered(&text).is_none());
        assert_eq!(take_shared(&text), taken);
        let small = parse_shared(doc);
        assert!(!Arc::ptr_eq(&small, &parse_shared(doc)));
        forget_shared();
        assert!(remembered(&text).is_none());
    }
}
