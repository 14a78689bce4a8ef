//! What one manifest file holds, as the editor's status line shows it: how many
//! documents parsed, which kinds they are, and the diagnostics of the ones that did not.
//! A pure function of the text, so it is tested natively.

use orrery::manifest::{self, Diagnostic};

use crate::i18n::{Lang, T};

/// At most this many diagnostics are kept for display; a pasted binary file should not
/// turn into a hundred thousand list items.
pub const MAX_DIAGNOSTICS: usize = 100;

/// Shown for a document that has no string `kind`.
pub const NO_KIND: &str = "(no kind)";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileReport {
    /// Documents that parsed to a value (after `List` expansion).
    pub documents: usize,
    /// Kinds in order of first appearance, with how many documents have each.
    pub kinds: Vec<KindCount>,
    /// The first [`MAX_DIAGNOSTICS`] diagnostics, in the parser's order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many diagnostics there were in all.
    pub diagnostics_total: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindCount {
    pub kind: String,
    pub count: usize,
}

impl FileReport {
    pub fn of(text: &str) -> FileReport {
        FileReport::of_parsed(&manifest::parse(text))
    }

    /// The report on a parse (the page parses a large text a few documents at a time with
    /// [`manifest::Parse`], and `kubectl apply` then re-uses that parse).
    pub fn of_parsed(parsed: &manifest::Parsed) -> FileReport {
        let mut kinds: Vec<KindCount> = Vec::new();
        for document in &parsed.documents {
            let kind = document
                .value
                .get("kind")
                .and_then(|k| k.as_str())
                .unwrap_or(NO_KIND);
            // Files hold a handful of kinds, so a linear search beats a map here and
            // keeps first-appearance order for free.
            match kinds.iter_mut().find(|k| k.kind == kind) {
                Some(k) => k.count += 1,
                None => kinds.push(KindCount {
                    kind: kind.to_string(),
                    count: 1,
                }),
            }
        }
        let diagnostics_total = parsed.diagnostics.len();
        let diagnostics = parsed.diagnostics[..diagnostics_total.min(MAX_DIAGNOSTICS)].to_vec();
        FileReport {
            documents: parsed.documents.len(),
            kinds,
            diagnostics,
            diagnostics_total,
        }
    }

    /// Adds the report of the text that follows this one, `lines` lines further down.
    /// A diagnostic's document `index` stays the one within its piece, and its `context`
    /// (which quotes positions within the piece) is dropped: the editor shows
    /// line:column and the message.
    pub fn append(&mut self, next: FileReport, lines: usize) {
        self.documents += next.documents;
        for k in next.kinds {
            match self.kinds.iter_mut().find(|m| m.kind == k.kind) {
                Some(m) => m.count += k.count,
                None => self.kinds.push(k),
            }
        }
        self.diagnostics_total += next.diagnostics_total;
        for mut d in next.diagnostics {
            if self.diagnostics.len() >= MAX_DIAGNOSTICS {
                break;
            }
            if lines > 0 {
                d.line += lines;
                d.context = None;
            }
            self.diagnostics.push(d);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics_total > 0
    }

    /// "11 documents", "1 document", "No documents".
    pub fn documents_label(&self) -> String {
        self.documents_label_in(Lang::En)
    }

    pub fn documents_label_in(&self, lang: Lang) -> String {
        match self.documents {
            0 => T::DocumentsNone.get(lang).to_string(),
            1 => T::DocumentsOne.get(lang).to_string(),
            n => T::DocumentsMany.fill(lang, &[&n]),
        }
    }

    /// "2 problems", "1 problem".
    pub fn problems_label(&self) -> String {
        self.problems_label_in(Lang::En)
    }

    pub fn problems_label_in(&self, lang: Lang) -> String {
        match self.diagnostics_total {
            1 => T::ProblemsOne.get(lang).to_string(),
            n => T::ProblemsMany.fill(lang, &[&n]),
        }
    }
}

impl KindCount {
    /// "Service ×2", or just "Namespace" for one.
    pub fn label(&self) -> String {
        if self.count == 1 {
            self.kind.clone()
        } else {
            format!("{} ×{}", self.kind, self.count)
        }
    }
}

/// Splits a text into pieces of about `target` bytes that end where a YAML document
/// ends (before a `---` line), so each can be parsed on its own and the reports
/// appended: a large file is then parsed a piece at a time, with the browser getting
/// the thread back in between. Returns (start byte, lines before it) of each piece.
pub fn pieces(text: &str, target: usize) -> Vec<(usize, usize)> {
    let mut out = vec![(0, 0)];
    let mut line = 0;
    let mut offset = 0;
    let mut piece_start = 0;
    for l in text.split_inclusive('\n') {
        let is_marker = l.starts_with("---")
            && matches!(
                l.as_bytes().get(3),
                None | Some(b' ' | b'\t' | b'\n' | b'\r')
            );
        if is_marker && offset - piece_start >= target {
            out.push((offset, line));
            piece_start = offset;
        }
        offset += l.len();
        line += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_kinds_in_order_of_first_appearance() {
        let text = "kind: Service\n---\nkind: Namespace\n---\nkind: Service\n---\nname: x\n";
        let report = FileReport::of(text);
        assert_eq!(report.documents, 4);
        let labels: Vec<String> = report.kinds.iter().map(KindCount::label).collect();
        assert_eq!(labels, ["Service ×2", "Namespace", NO_KIND]);
        assert!(!report.has_errors());
        assert_eq!(report.documents_label(), "4 documents");
        assert_eq!(report.documents_label_in(Lang::Ko), "문서 4개");
    }

    #[test]
    fn broken_yaml_gives_a_positioned_diagnostic_and_keeps_the_rest() {
        let text = "kind: Namespace\n---\nkind: Service\nmetadata: [\n";
        let report = FileReport::of(text);
        assert_eq!(report.documents, 1);
        assert_eq!(report.diagnostics_total, 1);
        assert_eq!(report.problems_label(), "1 problem");
        let d = &report.diagnostics[0];
        assert!(
            d.line >= 3,
            "diagnostic points into the second document: {d:?}"
        );
        assert!(d.column >= 1);
        assert!(!d.message.is_empty());
    }

    #[test]
    fn empty_and_hostile_text_never_panics() {
        for text in [
            "", "---", "\n\n", "\u{feff}", "[", "{", "&a [*a]", ": : :", "\t- x", "\0",
        ] {
            let _ = FileReport::of(text);
        }
        assert_eq!(FileReport::of("").documents_label(), "No documents");
    }

    #[test]
    fn diagnostics_are_capped() {
        let text = "a: [\n---\n".repeat(MAX_DIAGNOSTICS + 5);
        let report = FileReport::of(&text);
        assert_eq!(report.diagnostics_total, MAX_DIAGNOSTICS + 5);
        assert_eq!(report.diagnostics.len(), MAX_DIAGNOSTICS);
    }

    /// The report of a text parsed piece by piece equals the report of the whole.
    fn by_pieces(text: &str, target: usize) -> FileReport {
        let pieces = pieces(text, target);
        let mut report = FileReport::default();
        for (i, &(start, lines)) in pieces.iter().enumerate() {
            let end = pieces.get(i + 1).map_or(text.len(), |p| p.0);
            report.append(FileReport::of(&text[start..end]), lines);
        }
        report
    }

    #[test]
    fn pieces_end_at_documents_and_reports_add_up() {
        let texts = [
            "kind: Service\n---\nkind: Namespace\n---\nkind: Service\n".to_string(),
            "kind: Namespace\n---\nkind: Service\nmetadata: [\n---\nkind: Pod\nx: {\n".to_string(),
            "a: [\n---\n".repeat(MAX_DIAGNOSTICS + 5),
            "--- # comment\nkind: A\n---\n---\nkind: B\n----\n".to_string(),
            crate::scenario::DEFAULT.files[0].text.to_string(),
        ];
        for text in &texts {
            let unindexed = |mut r: FileReport| {
                r.diagnostics.iter_mut().for_each(|d| {
                    d.index = 0;
                    d.context = None;
                });
                r
            };
            for target in [1, 10, 64, 1 << 20] {
                assert_eq!(
                    unindexed(by_pieces(text, target)),
                    unindexed(FileReport::of(text)),
                    "{target}: {text:?}"
                );
            }
        }
        assert_eq!(pieces("", 10), [(0, 0)]);
        assert_eq!(pieces("a: 1\n---\nb: 2\n", 1), [(0, 0), (5, 1)]);
    }
}
