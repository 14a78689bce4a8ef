//! Every real-world manifest under the shared fixtures parses: no diagnostics or warnings,
//! every document a mapping with `apiVersion` and `kind`, the documents and kinds that
//! `SOURCES.md` records (counted there with PyYAML) found again, and `to_yaml` of every
//! document reading back to the same value.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use orrery::manifest::{parse, to_yaml};

/// The shared folder sits next to the clone, here and on CI.
fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.file_name().is_some_and(|n| n != "SOURCES.md") {
            out.push(p);
        }
    }
}

/// Files that are not valid YAML on purpose (SOURCES.md, note D), with their one
/// diagnostic. PyYAML stops at the same place: "expected <block end>, but found '{'" at
/// line 103, column 122.
const BROKEN: &[(&str, usize, &str)] = &[(
    "storage-provisioner.yaml.tmpl",
    5,
    "line 103, column 122: did not find expected key (while parsing a block mapping at line 102, column 5)",
)];

/// What SOURCES.md says a file holds: top-level documents that are not empty, and the
/// kinds of the objects (a List counted by its items).
struct Expected {
    documents: usize,
    kinds: BTreeMap<String, usize>,
}

/// Reads the tables of `real-world/SOURCES.md`: `| `file` | repo | path | commit | licence
/// | Docs | Kinds (apiVersions) | Contents |`.
fn expected_from_sources(dir: &Path) -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(dir.join("real-world/SOURCES.md")).unwrap();
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let (file, docs, kinds) = (
            cells[0].trim_start_matches("| ").trim_matches('`'),
            cells[5],
            cells[6],
        );
        let mut words = docs.split_whitespace();
        let Some(Ok(total)) = words.next().map(str::parse::<usize>) else {
            continue; // "-": not valid YAML, see BROKEN and the JSON stream test
        };
        // "5 (2 empty)"
        let empty = words
            .next()
            .map_or(0, |w| w.trim_start_matches('(').parse::<usize>().unwrap());
        // "Deployment x12, Service (apps/v1, v1)", or "List [items: Deployment, Service] (v1)"
        let kinds = &kinds[..kinds.rfind(" (").unwrap()];
        let kinds = kinds
            .strip_prefix("List [items: ")
            .map_or(kinds, |k| k.trim_end_matches(']'));
        let mut counts = BTreeMap::new();
        for k in kinds.split(", ") {
            let (kind, n) = match k.split_once(" x") {
                Some((kind, n)) => (kind, n.parse::<usize>().unwrap()),
                None => (k, 1),
            };
            *counts.entry(kind.to_string()).or_default() += n;
        }
        out.insert(
            file.to_string(),
            Expected {
                documents: total - empty,
                kinds: counts,
            },
        );
    }
    out
}

#[test]
fn every_fixture_parses_and_reads_back_from_to_yaml() {
    let dir = fixtures_dir();
    let mut files = vec![];
    walk(&dir, &mut files);
    assert!(
        files.len() >= 45,
        "expected the shared fixtures at {}",
        dir.display()
    );
    let expected = expected_from_sources(&dir);
    assert!(
        expected.len() >= 38,
        "SOURCES.md tables not found: {}",
        expected.len()
    );
    let mut checked = 0;
    let (mut total_docs, mut total_bytes) = (0, 0);
    for f in &files {
        let rel = f
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let parsed = parse(&text);
        let indices: std::collections::BTreeSet<usize> =
            parsed.documents.iter().map(|d| d.index).collect();
        println!(
            "{rel}: {} bytes, {} top-level documents, {} objects, {} diagnostics",
            text.len(),
            indices.len(),
            parsed.documents.len(),
            parsed.diagnostics.len()
        );
        total_docs += parsed.documents.len();
        total_bytes += text.len();

        let shown: Vec<String> = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
        match BROKEN.iter().find(|(n, _, _)| *n == name) {
            Some((_, objects, diagnostic)) => {
                assert_eq!(shown, [*diagnostic], "{rel}");
                assert_eq!(
                    parsed.documents.len(),
                    *objects,
                    "{rel}: the documents before the broken one load"
                );
            }
            None => assert!(shown.is_empty(), "{rel}: {shown:#?}"),
        }
        assert!(parsed.warnings.is_empty(), "{rel}: {:#?}", parsed.warnings);

        let mut last_line = 0;
        for doc in &parsed.documents {
            for field in ["apiVersion", "kind"] {
                let v = doc.value.get(field).and_then(|v| v.as_str()).unwrap_or("");
                assert!(
                    !v.is_empty(),
                    "{rel}: document {} (line {}) has no {field}",
                    doc.index,
                    doc.line
                );
            }
            assert!(
                doc.line >= last_line,
                "{rel}: lines go backwards at document {}",
                doc.index
            );
            last_line = doc.line;
            let yaml = to_yaml(&doc.value);
            let back = parse(&yaml);
            assert!(
                back.diagnostics.is_empty() && back.warnings.is_empty(),
                "{rel}: {:?}\n{yaml}",
                back.diagnostics
            );
            assert_eq!(back.documents.len(), 1, "{rel}");
            assert_eq!(
                back.documents[0].value, doc.value,
                "{rel}: document {} changed through to_yaml:\n{yaml}",
                doc.index
            );
        }

        if let Some(want) = expected.get(rel.strip_prefix("real-world/").unwrap_or(&rel)) {
            let mut kinds = BTreeMap::new();
            for doc in &parsed.documents {
                *kinds
                    .entry(doc.value["kind"].as_str().unwrap().to_string())
                    .or_insert(0) += 1;
            }
            assert_eq!(
                indices.len(),
                want.documents,
                "{rel}: top-level documents, as SOURCES.md counts them"
            );
            assert_eq!(kinds, want.kinds, "{rel}: kinds, as SOURCES.md lists them");
            checked += 1;
        }
    }
    println!(
        "{} files, {total_bytes} bytes, {total_docs} objects; {checked} checked against SOURCES.md",
        files.len()
    );
    assert!(
        checked >= 38,
        "only {checked} files matched a SOURCES.md row"
    );
}

/// `multi-resource-json.json` is two JSON objects back to back: no YAML loader reads it,
/// kubectl's JSON stream decoder does (SOURCES.md, note D).
#[test]
fn json_objects_back_to_back_load_as_kubectl_reads_them() {
    let path = fixtures_dir().join("real-world/kubernetes__kubernetes/multi-resource-json.json");
    let parsed = parse(&std::fs::read_to_string(path).unwrap());
    let got: Vec<(usize, usize, &str)> = parsed
        .documents
        .iter()
        .map(|d| (d.index, d.line, d.value["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [(0, 1, "Service"), (1, 21, "ReplicationController")]);
    assert!(parsed.diagnostics.is_empty());
}

/// A `kind: List`, in YAML and in JSON, expands into its items.
#[test]
fn lists_expand_into_their_items() {
    let dir = fixtures_dir().join("real-world/kubernetes__kubernetes");
    for (file, kinds) in [
        ("list.yaml", ["Service", "Deployment"]),
        (
            "multi-resource-list.json",
            ["Service", "ReplicationController"],
        ),
    ] {
        let parsed = parse(&std::fs::read_to_string(dir.join(file)).unwrap());
        let got: Vec<(usize, Option<usize>, &str)> = parsed
            .documents
            .iter()
            .map(|d| (d.index, d.item, d.value["kind"].as_str().unwrap()))
            .collect();
        assert_eq!(
            got,
            [(0, Some(0), kinds[0]), (0, Some(1), kinds[1])],
            "{file}"
        );
    }
}

/// The knative sample reuses the Deployment's selector labels through an alias.
#[test]
fn an_alias_in_a_real_manifest_resolves() {
    let path = fixtures_dir().join("real-world/knative__docs/sample-app.yaml");
    let parsed = parse(&std::fs::read_to_string(path).unwrap());
    let deployment = parsed
        .documents
        .iter()
        .find(|d| d.value["kind"] == "Deployment")
        .unwrap();
    let spec = &deployment.value["spec"];
    assert!(spec["selector"]["matchLabels"].is_object());
    assert_eq!(
        spec["selector"]["matchLabels"],
        spec["template"]["metadata"]["labels"]
    );
}
