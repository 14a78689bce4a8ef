//! The fast YAML reader (`yaml_fast`) against serde_yaml: on every fixture, every
//! `manifest` fuzz corpus input, the lessons' manifests and a list of tricky snippets,
//! `manifest::parse` and `parse_values` give the same result with the fast reader on and
//! off — values, diagnostics and warnings alike. And the fast reader does read what it is
//! for: nearly every document of the real-world fixtures.

use std::path::{Path, PathBuf};

use orrery::manifest;
use orrery::yaml_fast;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Both readers on `text`: panics with `name` if they differ.
fn same(name: &str, text: &str) {
    yaml_fast::set_enabled(true);
    let fast = manifest::parse(text);
    let fast_values = manifest::parse_values(text);
    yaml_fast::set_enabled(false);
    let slow = manifest::parse(text);
    let slow_values = manifest::parse_values(text);
    yaml_fast::set_enabled(true);
    assert_eq!(fast, slow, "manifest::parse differs on {name}");
    assert_eq!(
        fast_values, slow_values,
        "manifest::parse_values differs on {name}"
    );
}

/// Every document of `text` that the fast reader reads, as (read, documents).
fn coverage(text: &str) -> (usize, usize) {
    let mut read = 0;
    let mut docs = 0;
    for doc in text.split("\n---") {
        if doc.trim().is_empty() {
            continue;
        }
        docs += 1;
        if yaml_fast::read(doc, usize::MAX).is_some() {
            read += 1;
        }
    }
    (read, docs)
}

#[test]
fn the_fixtures_read_the_same_and_fast() {
    let mut files = vec![];
    files_under(&root().join("../shared/fixtures"), &mut files);
    files_under(&root().join("lessons"), &mut files);
    files.sort();
    let mut checked = 0;
    let (mut read, mut docs) = (0, 0);
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        same(&f.display().to_string(), &text);
        checked += 1;
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext == "yaml" || ext == "yml" {
            let (r, d) = coverage(&text);
            read += r;
            docs += d;
        }
    }
    assert!(checked >= 40, "only {checked} fixture files found");
    // The point of the fast reader: real manifests are read by it, not handed on.
    assert!(
        read * 100 >= docs * 90,
        "the fast reader read {read} of {docs} fixture documents"
    );
    let argo = std::fs::read_to_string(
        root().join("../shared/fixtures/real-world/argoproj__argo-cd/install.yaml"),
    )
    .expect("the argo-cd install");
    let (r, d) = coverage(&argo);
    assert_eq!(r, d, "the argo-cd install: {r} of {d} documents read fast");
}

#[test]
fn the_fuzz_corpus_reads_the_same() {
    let mut files = vec![];
    files_under(&root().join("fuzz/corpus/manifest"), &mut files);
    files_under(&root().join("fuzz/regressions/manifest"), &mut files);
    files.sort();
    assert!(files.len() > 100, "only {} corpus inputs", files.len());
    for f in &files {
        // (A fuzzer running beside the test may have removed the file since.)
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        same(&f.display().to_string(), &text);
    }
}

/// Snippets at the edges of what the fast reader reads. The ones marked `fast` must be
/// read by it (so these features are really exercised); all must read the same.
const SNIPPETS: &[(bool, &str)] = &[
    // A line starting with the document-end marker ends the document even with text after
    // it (libyaml reads that text as another document); `...` in a value does not.
    (false, "a: 1\n...  b: 2\n"),
    (false, "a: 1\n... b: 2\nc: 3\n"),
    (false, "...\na: 1\n"),
    (true, "a: ...\nb: x...\n"),
    (true, "a:\n- ...x\n"),
    (true, "a: 1\nb: -2\nc: 0\nd: 18446744073709551615\ne: x\n"),
    (
        true,
        "a: ~\nb: null\nc: Null\nd:\ne: true\nf: False\ng: yes\nh: on\n",
    ),
    (
        true,
        "a: 'it''s'\nb: \"q\\\"x\\n\\t\\u00e9\\\\\"\nc: \"#not comment\" # comment\n",
    ),
    (
        true,
        "a: plain # comment\nb: with#hash\nc: http://x:80/y\nd: -x\ne: --port=80\n",
    ),
    (true, "a: one\n  two\n\n  three\n\n\n  four\nb: x\n"),
    (
        true,
        "a: |\n  line 1\n   more\n\n  line 3\n\n\nb: |-\n  x\n  y\n\nc: |+\n  k\n\n\nd: end\n",
    ),
    (
        true,
        "a: >\n  folded\n  text\n\n  para\n    indented\n  back\nb: >-\n  x\n  y\n",
    ),
    (true, "a: |\n\n\n  leading\nb: |\nc: x\n"),
    (
        true,
        "- a\n- b: 1\n  c: 2\n- - x\n  - y\n-\n  z: 1\n- \n- |\n  lit\n",
    ),
    (true, "k:\n- a\n- b\nl: 1\nm:\n  - c\n"),
    (
        true,
        "a: []\nb: {}\nc: [x, \"y\", 'z', 80, true, ~]\nd: [ ]\ne: { }\n",
    ),
    (true, "---\na: 1\n"),
    (true, "--- # comment\n# another\na: 1\n"),
    (
        true,
        "\"quoted key\": 1\n'single key': 2\nkey with spaces : 3\n",
    ),
    (true, "a:\n  b:\n    c:\n      - d: e\n        f: g\n"),
    (true, ".dockerconfigjson: abc\nx.y/z: \"1\"\n"),
    (true, "a: \"\"\nb: ''\nc: \" lead and trail \"\n"),
    (
        true,
        "a: line\n  # not a comment? it is: the scalar ended\nb: 2\n",
    ),
    (true, "  a: 1\n  b: 2\n"),
    (true, "a: |\n  x\n   \n  y\n"),
    (true, "a: >\n\n  x\n\n\n  y\n  \n"),
    (true, "a: x\n\n\n"),
    (true, "a: x\n   "),
    (true, "a:\n x{#\n   "),
    (true, "a: 'x'\n   "),
    (true, "a: |\n  x\n   "),
    (true, "a: \"é ü 漢字 🎉\"\nb: 漢字\n"),
    (
        false,
        "a: 1.5\nb: 0x10\nc: 0644\nd: +1\ne: .inf\nf: 1e3\ng: 1_000\n",
    ),
    (false, "a: &x 1\nb: *x\n"),
    (false, "a: !!str 1\n"),
    (false, "a: 1\na: 2\n"),
    (false, "<<: {a: 1}\n"),
    (false, "80: x\n"),
    (false, "true: x\n"),
    (false, "a: {b: c}\n"),
    (
        true,
        "a: \"multi\n  line\"\nb: 'x\n\n   y  \n  z'\nc: \"j\\\n  oin\"\nd: \"e\\\n\n  f\"\n",
    ),
    (false, "a: \"multi\nline\"\n"),
    (false, "\"multi\n  key\": 1\n"),
    // An escaped line break is a line break: not in a key (libyaml: "mapping values are
    // not allowed in this context"), and the line after it indented as any other's
    // (the manifest fuzzer's finding, session 18).
    (false, "\"j\\\noin\": v\n"),
    (false, "a:\n  b: \"j\\\noin\"\n"),
    (false, "a: \"j\\\n---\noin\"\n"),
    (false, "a: [x,\n  y]\n"),
    (false, "a:\tb\n"),
    (false, "a: b\r\nc: d\r\n"),
    (false, "a: b: c\n"),
    (false, "a: b\n  c: d\n"),
    (false, "a: |2\n   x\n"),
    (false, "? a\n: b\n"),
    (false, "a: 1\n...\n"),
    (false, "%YAML 1.2\n---\na: 1\n"),
    (false, "a: - b\n"),
    (false, "a: 1\n- b\n"),
    (false, "- a\nb: 1\n"),
    (false, "a: \"x\" y\n"),
    (false, "just a scalar\n"),
    (false, "a:\n  |\n  x\n"),
    (false, "a: x\n    b\n  c: d\n"),
    (false, "a: [a, ]\n"),
    (false, "a: \"\\x41\"\n"),
    (false, "a: '\u{85}'\n"),
    (false, "a:\n  - x\n  y: 1\n"),
    (true, "a: |\n      \nb: 1\n"),
    (true, "a: >+\n  x\n\n\n"),
    (true, "a: >\n  x\n  \ty\n  z\n"),
    (true, "a: 'x\"y\\z'\n"),
    (true, "a: [-1, -x, a-b]\n"),
    (true, "a: -9223372036854775808\n"),
    (false, "a: -9223372036854775809\n"),
    (true, "a: x\n  - y\n  \"z\"\n  [w] {v} &u *t !s |r >q ?p\n"),
];

#[test]
fn the_snippets_read_the_same() {
    for (fast, text) in SNIPPETS {
        same(text, text);
        if *fast {
            assert!(
                yaml_fast::read(text, usize::MAX).is_some(),
                "the fast reader should read {text:?}"
            );
        }
    }
}

#[test]
fn the_count_of_values_is_the_same() {
    // The input's value budget (manifest::MAX_VALUES) counts the same with both readers:
    // a document that fits exactly fits both ways, one over fails both ways.
    let text = "a: 1\nb: [x, y]\nc:\n  d: e\n";
    let used = yaml_fast::read(text, usize::MAX).unwrap().used;
    // mapping, 3 keys, 1, list, x, y, mapping, key d, e: as `manifest`'s reader counts
    assert_eq!(used, 11);
    assert!(yaml_fast::read(text, 11).is_some());
    assert!(yaml_fast::read(text, 10).is_none());
}
