//! Manifests: the only module that knows YAML. Turns pasted text (multi-document YAML or
//! JSON, `kind: List`, comments, anchors) into JSON values plus diagnostics with document
//! index, line and column. Never fails wholesale; hostile input is bounded.

use serde_json::Value;

/// One document that parsed to a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// 0-based index of the document in the file (after `List` expansion, items share
    /// their list's index).
    pub index: usize,
    /// 1-based line where the document (or list item's list) starts.
    pub line: usize,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub index: usize,
    /// 1-based line and column in the whole text.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole file. Empty documents are skipped silently.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    for (index, (line, doc)) in split_documents(text).into_iter().enumerate() {
        if doc.trim().is_empty() {
            continue;
        }
        match serde_yaml::from_str::<Value>(&doc) {
            Ok(Value::Null) => {}
            Ok(value) => out.documents.push(Document { index, line, value }),
            Err(e) => {
                let (l, c) = e
                    .location()
                    .map(|m| (m.line(), m.column()))
                    .unwrap_or((1, 1));
                out.diagnostics.push(Diagnostic {
                    index,
                    line: line + l - 1,
                    column: c,
                    message: e.to_string(),
                });
            }
        }
    }
    out
}

/// Splits on `---` document markers, returning each document with its 1-based start line.
fn split_documents(text: &str) -> Vec<(usize, String)> {
    let mut docs = vec![];
    let mut cur = String::new();
    let mut start = 1;
    for (i, l) in text.lines().enumerate() {
        if l == "---" || l.starts_with("--- ") {
            docs.push((start, std::mem::take(&mut cur)));
            start = i + 2;
            continue;
        }
        cur.push_str(l);
        cur.push('\n');
    }
    docs.push((start, cur));
    docs
}

/// Renders a value as `kubectl get -o yaml` does.
pub fn to_yaml(value: &Value) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}
