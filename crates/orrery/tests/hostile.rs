//! Hostile input (issue 7): each case gets a clear message, nothing the user gave is
//! lost, and the simulator stays quick. These go through `shell::Session`, the door the
//! page's editor, console and buttons use; the page-level half is
//! `tests/e2e/hostile.test.mjs`. Scaling to 100,000 replicas is the transcript
//! `tests/transcripts/scale-to-100000-replicas-capped-by-the-pod-quota.txt`.
//!
//! Times are asserted loosely (debug builds on a shared 2-core machine): the point is
//! "seconds, not forever".

use std::time::{Duration, Instant};

use orrery::manifest;
use orrery::shell::Session;

/// Runs `f`, failing the test if it takes longer than `limit`.
fn within<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < limit, "{what} took {took:?} (limit {limit:?})");
    out
}

fn apply(s: &mut Session, text: &str) -> orrery::shell::Output {
    s.files.insert("hostile.yaml".into(), text.into());
    s.exec("kubectl apply -f hostile.yaml", None)
}

/// The YAML "billion laughs": nine levels of nine aliases each, 9^9 values if expanded.
fn billion_laughs() -> String {
    let mut y = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a \"lol\"\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut prev = "a";
    for n in names {
        y.push_str(&format!(
            "  {n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
        prev = n;
    }
    y
}

#[test]
fn billion_laughs_is_refused_with_a_reason_and_nothing_is_created() {
    let text = billion_laughs();
    let parsed = within("parsing the alias bomb", Duration::from_secs(10), || {
        manifest::parse(&text)
    });
    assert!(parsed.documents.is_empty(), "the bomb must not load");
    let d = &parsed.diagnostics[0];
    assert!(d.message.contains("values"), "the diagnostic says why: {d}");
    let mut s = Session::new(1);
    let out = within(
        "kubectl apply of the alias bomb",
        Duration::from_secs(10),
        || apply(&mut s, &text),
    );
    assert_ne!(out.code, 0);
    assert!(out.text.contains("error"), "{}", out.text);
    assert!(s.sim.store.find("ConfigMap", "default", "lol").is_none());
    // The text is still there to fix (the virtual file is the editor's tab).
    assert_eq!(s.read_file("hostile.yaml").as_deref(), Some(text.as_str()));
}

#[test]
fn ten_thousand_deep_flow_nesting_is_refused_with_the_depth() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let parsed = within("parsing 10,000 [", Duration::from_secs(10), || {
        manifest::parse(&text)
    });
    assert!(parsed.documents.is_empty());
    assert!(
        parsed.diagnostics[0]
            .message
            .contains("nested more than 128 levels"),
        "{}",
        parsed.diagnostics[0]
    );
    let mut s = Session::new(1);
    let out = apply(&mut s, &text);
    assert_ne!(out.code, 0);
    assert!(
        out.text.contains("nested more than 128 levels"),
        "{}",
        out.text
    );
}

#[test]
fn ten_thousand_deep_block_nesting_is_refused_with_the_depth() {
    // Block mappings, each key one space deeper (2,000 levels: 10,000 would be 50 MB of
    // indentation, refused by size first), and 10,000 block sequences on one line.
    let mut maps = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx:\n");
    for i in 1..2_000 {
        maps.push_str(&" ".repeat(i));
        maps.push_str("k:\n");
    }
    let seqs = format!("- {}x\n", "- ".repeat(10_000));
    for text in [maps, seqs] {
        let parsed = within(
            "parsing 10,000 levels of block nesting",
            Duration::from_secs(20),
            || manifest::parse(&text),
        );
        assert!(parsed.documents.is_empty());
        assert!(
            parsed.diagnostics[0]
                .message
                .contains("nested more than 128 levels"),
            "{}",
            parsed.diagnostics[0]
        );
    }
}

#[test]
fn a_20_mb_paste_is_refused_by_size_and_kept() {
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  k: v\n---\n";
    let text = doc.repeat(20 * 1024 * 1024 / doc.len() + 1);
    assert!(text.len() > 20 * 1024 * 1024);
    let parsed = within("parsing 20 MB", Duration::from_secs(10), || {
        manifest::parse(&text)
    });
    assert!(parsed.documents.is_empty());
    assert!(
        parsed.diagnostics[0]
            .message
            .contains("the limit is 16777216 bytes (16 MiB)"),
        "{}",
        parsed.diagnostics[0]
    );
    let mut s = Session::new(1);
    let out = apply(&mut s, &text);
    assert_ne!(out.code, 0);
    assert!(out.text.contains("16 MiB"), "{}", out.text);
    assert_eq!(
        s.read_file("hostile.yaml").map(|t| t.len()),
        Some(text.len())
    );
}

#[test]
fn a_single_1_mb_line_loads_as_a_value() {
    // One scalar of 1 MiB on one line: a legal value (a ConfigMap holds up to 1 MiB),
    // stored and shown whole by `kubectl create`.
    let value = "x".repeat(1024 * 1024);
    let text =
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\ndata:\n  k: {value}\n");
    let mut s = Session::new(1);
    // `kubectl apply` would copy it into the last-applied annotation, over the API's
    // 256 KiB for an object's annotations: refused, as a cluster refuses it.
    let out = within("applying a 1 MB line", Duration::from_secs(20), || {
        apply(&mut s, &text)
    });
    assert_eq!(
        out.text,
        "The ConfigMap \"wide\" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes\n"
    );
    assert_eq!(out.code, 1);
    let out = within("creating a 1 MB line", Duration::from_secs(20), || {
        s.exec("kubectl create -f hostile.yaml", None)
    });
    assert_eq!(out.text, "configmap/wide created\n");
    let cm = s.sim.store.find("ConfigMap", "default", "wide").unwrap();
    assert_eq!(cm.str_at(&["data", "k"]).map(str::len), Some(value.len()));
    // A 1 MB flow line with no newline at all is one document too.
    let flow = format!("{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"flow\"}}, \"data\": {{\"k\": \"{value}\"}}}}");
    s.files.insert("flow.yaml".into(), flow);
    let out = s.exec("kubectl apply --server-side -f flow.yaml", None);
    assert_eq!(out.text, "configmap/flow serverside-applied\n");
}

#[test]
fn a_1_mb_command_line_is_refused_with_the_limit() {
    let mut s = Session::new(1);
    let line = format!("kubectl get pods {}", "a".repeat(1024 * 1024));
    let out = s.exec(&line, None);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.text,
        format!(
            "error: command line too long ({} bytes; the limit is 65536)\n",
            line.len()
        )
    );
}

const HOSTILE_NAMES: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\u{202E}gnp.exe",
    "web\u{200F}",
];

#[test]
fn markup_and_right_to_left_names_are_refused_by_the_apis_validation() {
    let mut s = Session::new(1);
    for name in HOSTILE_NAMES {
        let out = s.exec(
            &format!("kubectl create deployment '{name}' --image=nginx"),
            None,
        );
        assert_eq!(out.code, 1, "{name}: {}", out.text);
        // The real API server's text: the name, quoted as Go quotes it, is invalid.
        assert!(out.text.contains("is invalid"), "{name}: {}", out.text);
        assert!(
            out.text.contains("metadata.name: Invalid value: \""),
            "{name}: {}",
            out.text
        );
        assert!(
            out.text
                .contains("a lowercase RFC 1123 subdomain must consist of"),
            "{name}: {}",
            out.text
        );
        let manifest = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\ndata:\n  k: v\n",
            serde_json::to_string(name).unwrap()
        );
        let out = apply(&mut s, &manifest);
        assert_ne!(out.code, 0, "{name}: {}", out.text);
        assert!(out.text.contains("is invalid"), "{name}: {}", out.text);
    }
    assert_eq!(s.sim.store.list_all("Deployment.apps").count(), 0);
}

#[test]
fn markup_and_right_to_left_text_in_values_is_kept_literally() {
    // Annotation values may hold anything: they are stored and printed byte for byte.
    let mut s = Session::new(1);
    s.exec("kubectl create deployment web --image=nginx", None);
    for (i, text) in HOSTILE_NAMES.iter().enumerate() {
        let out = s.exec(
            &format!("kubectl annotate deployment web note{i}='{text}'"),
            None,
        );
        assert_eq!(out.text, "deployment.apps/web annotated\n");
    }
    let yaml = s.exec("kubectl get deployment web -o yaml", None).text;
    let describe = s.exec("kubectl describe deployment web", None).text;
    let parsed = manifest::parse(&yaml);
    let notes = &parsed.documents[0].value["metadata"]["annotations"];
    for (i, text) in HOSTILE_NAMES.iter().enumerate() {
        assert_eq!(
            notes[format!("note{i}")].as_str(),
            Some(*text),
            "-o yaml reads back"
        );
        assert!(describe.contains(text), "describe shows {text:?} literally");
    }
}

#[test]
fn ten_thousand_commands_all_run_in_order() {
    let mut s = Session::new(1);
    s.exec(
        "kubectl create deployment web --image=nginx --replicas=1",
        None,
    );
    within("10,000 commands", Duration::from_secs(120), || {
        for i in 0..10_000 {
            let line = match i % 4 {
                0 => "kubectl get pods".to_string(),
                1 => format!("kubectl annotate deployment web n={i} --overwrite"),
                2 => "sleep 1s".to_string(),
                _ => format!("echo {i}"),
            };
            let out = s.exec(&line, None);
            assert_eq!(out.code, 0, "{line}: {}", out.text);
        }
    });
    // Nothing lost: every command is in the history, the last one's effect is there.
    assert_eq!(s.history.len(), 10_001);
    assert_eq!(s.history.last().map(String::as_str), Some("echo 9999"));
    let web = s
        .sim
        .store
        .find("Deployment.apps", "default", "web")
        .unwrap();
    assert_eq!(
        web.meta.annotations.get("n").map(String::as_str),
        Some("9997")
    );
}

#[test]
fn a_statefulset_of_100000_replicas_stops_at_the_quota_with_a_failed_create() {
    // The StatefulSet controller, Parallel: pods up to the quota, then the next ordinal's
    // creation is refused with the quota's message (OrderedReady would take 5,000 pods'
    // start-up to get there).
    let mut s = Session::new(1);
    let out = apply(
        &mut s,
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  replicas: 100000\n  podManagementPolicy: Parallel\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.14.2\n",
    );
    assert_eq!(out.text, "statefulset.apps/web created\n");
    s.exec("sleep 5s", None);
    assert_eq!(s.sim.pods_in_quota("default"), orrery::sim::MAX_PODS);
    let refused = s
        .sim
        .events
        .iter()
        .find(|e| e.reason == "FailedCreate")
        .expect("a FailedCreate event");
    assert_eq!(
        refused.message,
        "create Pod web-5000 in StatefulSet web failed error: pods \"web-5000\" is forbidden: exceeded quota: orrery-simulator, requested: pods=1, used: pods=5000, limited: pods=5000"
    );
}
