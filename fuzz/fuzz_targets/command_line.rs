//! The command line: any text, one command per line (or a transcript's `$ ` commands) (with `<<EOF` heredocs), run through
//! `shell::Session::exec` — the shell tokeniser, kubectl's flag parsing and every command
//! the console accepts (kubectl, minikube, curl, sleep, cat, echo) — against a small
//! running cluster. Never panics, never hangs, and the invariants hold afterwards.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use orrery::shell::{heredoc_marker, Session};
use orrery::transcript::{self, Item};

/// At most this many commands per input: each may sleep up to a day of virtual time.
const MAX_COMMANDS: usize = 24;

const SETUP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 1
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: mongo
        image: mongo:4.2
        volumeMounts:
        - name: data
          mountPath: /data/db
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
";

thread_local! {
    static BASE: RefCell<Option<Session>> = const { RefCell::new(None) };
}

fn base() -> Session {
    BASE.with(|b| {
        b.borrow_mut()
            .get_or_insert_with(|| {
                let mut s = Session::new(7);
                s.files.insert("web.yaml".into(), SETUP.into());
                s.exec("minikube addons enable ingress", None);
                s.exec("kubectl apply -f web.yaml", None);
                s.exec("sleep 20s", None);
                s
            })
            .clone()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut s = base();
    // A transcript (the seed corpus is tests/transcripts/ and lessons/): its commands.
    if let Ok(items) = transcript::parse(&text) {
        for c in items
            .iter()
            .filter_map(|i| match i {
                Item::Command(c) => Some(c),
                _ => None,
            })
            .take(MAX_COMMANDS)
        {
            s.exec(&c.line, c.heredoc.as_ref().map(|(b, _)| b.as_str()));
        }
        check(&s);
        return;
    }
    // Anything else: one command per line.
    let mut lines = text.lines();
    let mut n = 0;
    while let Some(line) = lines.next() {
        if n == MAX_COMMANDS {
            break;
        }
        n += 1;
        let stdin = heredoc_marker(line).map(|marker| {
            let mut body = String::new();
            for b in lines.by_ref() {
                if b.trim_end() == marker {
                    break;
                }
                body.push_str(b);
                body.push('\n');
            }
            body
        });
        s.exec(line, stdin.as_deref());
    }
    check(&s);
});

fn check(s: &Session) {
    if let Err(e) = orrery::invariants::check(&s.sim) {
        panic!("invariant broken: {e}");
    }
}
