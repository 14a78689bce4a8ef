//! Every real-world manifest under `../shared/fixtures/` loads: each document is
//! simulated (a modelled kind, stored and reconciled), stored as not simulated, or
//! rejected with the error text a real cluster gives. Run on the newest version and on
//! 1.21 (the reference lesson's).

use std::path::{Path, PathBuf};

use orrery::api::Object;
use orrery::shell::Session;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json" | "tmpl")
        ) {
            out.push(p);
        }
    }
}

/// Texts a real cluster gives when it refuses a document.
const REAL_REJECTIONS: &[&str] = &[
    "no matches for kind",
    "is invalid:",
    "already exists",
    "is forbidden:",
    "not found",
];

fn load_all(start: &str) -> (usize, usize, usize) {
    let dir = fixtures_dir();
    let mut files = vec![];
    walk(&dir, &mut files);
    assert!(
        files.len() >= 40,
        "expected the shared fixtures at {}",
        dir.display()
    );
    let (mut simulated, mut stored, mut rejected, mut broken) = (0, 0, 0, 0);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut s = Session::new(1);
        if !start.is_empty() {
            let o = s.exec(start, None);
            assert_eq!(o.code, 0, "{}", o.text);
        }
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        s.files.insert(name.clone(), text.clone());
        let out = s.exec(&format!("kubectl apply -f {name}"), None);
        let parsed = orrery::manifest::parse(&text);
        // A file that is not valid YAML (an unrendered Go template) is refused with the
        // parser's line, as kubectl refuses it; its good documents still load.
        for d in &parsed.diagnostics {
            assert!(
                out.text.contains(&format!("line {}", d.line)) && out.code != 0,
                "{}: a YAML error at line {} was not reported:\n{}",
                f.display(),
                d.line,
                out.text
            );
            broken += 1;
        }
        for doc in parsed.documents {
            let obj = Object::from_manifest(&doc.value)
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let served = s
                .sim
                .discovery
                .for_api_version(&obj.api_version, &obj.kind)
                .cloned();
            let ns = match &served {
                Some(rt) if rt.namespaced && obj.meta.namespace.is_empty() => "default".to_string(),
                Some(rt) if rt.namespaced => obj.meta.namespace.clone(),
                _ => String::new(),
            };
            // The API server may keep an old group's object under the current group
            // (extensions/v1beta1 Ingress → networking.k8s.io), so match by kind.
            let present = served.is_some()
                && s.sim.store.all().any(|o| {
                    o.kind == obj.kind && o.meta.namespace == ns && o.meta.name == obj.meta.name
                });
            if present {
                if served.unwrap().simulated {
                    simulated += 1;
                } else {
                    stored += 1;
                }
                continue;
            }
            // Not stored: the output must carry a real cluster's rejection naming it.
            let mentions = out.text.lines().any(|l| {
                (l.contains(&format!("\"{}\"", obj.meta.name))
                    || l.contains(&obj.kind)
                    || l.contains(&format!("\"{name}\"")))
                    && REAL_REJECTIONS.iter().any(|r| l.contains(r))
            });
            assert!(
                mentions,
                "{}: {} {:?} was neither stored nor rejected with a real error; kubectl printed:\n{}",
                f.display(),
                obj.kind,
                obj.meta.name,
                out.text
            );
            rejected += 1;
        }
    }
    println!("{broken} YAML errors reported with their line");
    println!("{broken} YAML errors reported with their line");
    (simulated, stored, rejected)
}

#[test]
fn every_fixture_loads_on_the_newest_version() {
    let (sim, stored, rejected) = load_all("");
    println!("newest: {sim} simulated, {stored} stored, {rejected} rejected");
    assert!(sim > 0 && stored > 0);
}

#[test]
fn every_fixture_loads_on_1_21() {
    let (sim, stored, rejected) = load_all("minikube start --kubernetes-version=v1.21.2");
    println!("1.21.2: {sim} simulated, {stored} stored, {rejected} rejected");
    assert!(sim > 0 && stored > 0);
}
