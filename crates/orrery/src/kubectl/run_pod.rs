//! `kubectl run NAME --image=IMAGE …`: a bare Pod, built as kubectl's pod generator
//! builds it (`generateversioned.BasicPod`), and with `--expose` a Service in front of it.
//!
//! What is built: `metadata.labels` from `-l, --labels` (else `run: NAME`), annotations
//! from `--annotations`; one container named NAME with the image, `--env` as `env`,
//! `--port` as its one `containerPort`, the words after NAME (and `--`) as `args` (or as
//! `command` with `--command`), `--image-pull-policy`, `--privileged` as its security context;
//! `restartPolicy` from `--restart` (Always, else OnFailure or Never) and `dnsPolicy:
//! ClusterFirst`. It is sent like `kubectl create deployment`'s object
//! ([`super::mutate::send_built`]): `--dry-run=client|server`, `-o yaml|json|name`.
//!
//! Not simulated, refused before anything is sent: attaching to the container (`-i`,
//! `-t`, `--attach`, and so `--rm`), `--overrides`. The console has no terminal for the
//! container; `kubectl logs` and `kubectl exec` read it instead.

use serde_json::{json, Value};

use super::args::{flag, parse, Args};
use super::mutate::{send_built, CreateOutput, Exists, Sending};
use super::{flag_error, key_values, namespace_of, specs};
use crate::shell::{Output, Session};

/// `kubectl run`'s own flags.
const RUN_FLAGS: &[super::args::FlagSpec] = &[
    flag("image", None, true),
    flag("labels", Some('l'), true),
    flag("annotations", None, true),
    flag("env", None, true),
    flag("port", None, true),
    flag("expose", None, false),
    flag("restart", None, true),
    flag("command", None, false),
    flag("image-pull-policy", None, true),
    flag("privileged", None, false),
    flag("dry-run", None, true),
    flag("save-config", None, false),
    flag("output", Some('o'), true),
    flag("stdin", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("attach", None, false),
    flag("rm", None, false),
    flag("quiet", Some('q'), false),
    flag("overrides", None, true),
    flag("serviceaccount", None, true),
    flag("pod-running-timeout", None, true),
    flag("field-manager", None, true),
];

fn usage(msg: &str) -> Output {
    super::usage_error("run", msg)
}

pub fn run_pod(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(words, &specs(RUN_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("run", &e),
    };
    // cobra's required flag, before the command runs.
    if !a.has("image") {
        return Output::err("error: required flag(s) \"image\" not set\n", 1);
    }
    let Some(name) = a.positional.first().cloned() else {
        return usage("NAME is required for run");
    };
    let attach = a.bool("stdin") || a.bool("tty") || a.bool("attach");
    if a.bool("tty") && !a.bool("stdin") {
        return Output::err(
            "error: -i/--stdin is required for containers with -t/--tty=true\n",
            1,
        );
    }
    if a.bool("rm") && !attach {
        return usage("--rm should only be used for attached containers");
    }
    if a.has("overrides") {
        return Output::err(
            "error: \"kubectl run --overrides\" is not simulated; write a manifest and use kubectl create -f\n",
            1,
        );
    }
    let image = a.get("image").unwrap_or_default();
    if image.is_empty() {
        return Output::err("error: --image is required\n", 1);
    }
    if !valid_reference(image) {
        return Output::err(
            format!("error: Invalid image name \"{image}\": invalid reference format\n"),
            1,
        );
    }
    let restart = match a.get("restart").unwrap_or_default() {
        "" => "Always",
        r @ ("Always" | "OnFailure" | "Never") => r,
        other => return usage(&format!("invalid restart policy: {other}")),
    };
    let port = a.get("port").filter(|p| !p.is_empty());
    if a.bool("expose") && port.is_none() {
        return usage("--port must be set when exposing a service");
    }
    let port: Option<i64> = match port.map(super::atoi).transpose() {
        Ok(p) => p,
        Err(o) => return o,
    };
    let sending = match Sending::of(&a, Exists::FromServer, "created") {
        Ok(x) => x,
        Err(o) => return o,
    };
    if attach && !matches!(sending.dry_run, super::mutate::DryRun::None) {
        return Output::err(
            "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\n",
            1,
        );
    }
    let pod = match build_pod(&a, &name, image, restart, port) {
        Ok(p) => p,
        Err(msg) => return Output::err(format!("error: {msg}\n"), 1),
    };
    if attach {
        return run_attached(s, &a, pod, &name, restart, &sending);
    }
    let selector = pod["metadata"]["labels"].clone();
    // kubectl creates the pod, then the service, and prints the service's line first
    // (`generateService` prints its object as it makes it; the pod is printed last).
    let made = send_built(s, pod, "pod", &sending);
    if made.code != 0 || !a.bool("expose") {
        return made;
    }
    let service = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace_of(&a)},
        "spec": {
            "ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
            "selector": selector,
        },
    });
    let exposed = send_built(s, service, "service", &sending);
    // Two objects printed as YAML are two documents.
    let between = if matches!(sending.output, CreateOutput::Doc(false)) {
        "---\n"
    } else {
        ""
    };
    if exposed.code != 0 {
        return Output::err(format!("{}{}", made.text, exposed.text), exposed.code);
    }
    Output::ok(format!("{}{between}{}", exposed.text, made.text))
}

/// How long `kubectl run -i` waits for the pod to run (`--pod-running-timeout`'s default).
const POD_RUNNING_TIMEOUT_MS: i64 = 60_000;

/// `kubectl run -i [-t] [--rm] NAME --image=… -- COMMAND…`: the pod is created, kubectl
/// waits for it to run, and the console shows what the command printed (it runs through
/// the pod's shell, so `nslookup`, `wget` and `curl` see cluster DNS and the pod network);
/// then, with `--rm`, the pod is deleted (`pod "NAME" deleted`). With `--restart=Never`
/// a failed command ends the run with `pod NS/NAME terminated (Error)` and its status.
/// The command's status is the container's exit code (`kubectl get pod` and `logs` agree).
///
/// Not simulated, refused before anything is created: an interactive shell (no command,
/// or a shell without `-c`: the console has no terminal to give it) and a command that
/// does not exit (kubectl would stay attached).
fn run_attached(
    s: &mut Session,
    a: &Args,
    pod: Value,
    name: &str,
    restart: &str,
    sending: &Sending,
) -> Output {
    let image = pod["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let c = &pod["spec"]["containers"][0];
    let mut argv: Vec<String> = ["command", "args"]
        .iter()
        .flat_map(|k| c[*k].as_array().cloned().unwrap_or_default())
        .filter_map(|w| w.as_str().map(str::to_string))
        .collect();
    // curlimages/curl's entrypoint runs `curl "$@"` unless the first word is a program.
    let programs = [
        "curl", "sh", "/bin/sh", "wget", "nslookup", "sleep", "echo", "cat", "ls", "env",
    ];
    if crate::apps::image_base(&image) == "curl"
        && !argv.is_empty()
        && c["command"].is_null()
        && !programs.contains(&argv[0].as_str())
    {
        argv.insert(0, "curl".into());
    }
    let example = format!(
        "kubectl run -i --rm --restart=Never {name} --image={image} -- nslookup kubernetes.default"
    );
    let shell = argv.first().map(|p| p.rsplit('/').next().unwrap_or(p));
    let interactive = match shell {
        None => crate::apps::model_for(&image, &[], &[]).kind == crate::apps::AppKind::Shell,
        Some("sh" | "bash" | "ash" | "dash") => argv.get(1).map(String::as_str) != Some("-c"),
        Some(_) => false,
    };
    if interactive {
        return Output::err(
            format!("error: interactive shells are not simulated: the console has no terminal to give the container; give it one command instead, e.g. {example}\n"),
            1,
        );
    }
    let model = crate::apps::model_for(&image, &argv, &[]);
    let Some((runs_ms, _)) = model.exits else {
        return Output::err(
            format!("error: \"kubectl run\" attached to a container that does not exit is not simulated (kubectl would stay attached to {name}); give it a command that ends, e.g. {example}, or run it without -i and read it with kubectl logs\n"),
            1,
        );
    };
    let made = send_built(s, pod, "pod", sending);
    if made.code != 0 {
        return made;
    }
    let ns = namespace_of(a);
    let mut out = Output::default();
    // kubectl waits for the pod to run, then attaches.
    let running = |sim: &crate::sim::Sim| {
        sim.store.find("Pod", &ns, name).is_some_and(|p| {
            sim.runtime.get(&p.meta.uid).is_some_and(|rt| {
                rt.containers.iter().any(|c| {
                    c.name == name && matches!(c.state, crate::kubelet::CState::Running { .. })
                })
            })
        })
    };
    let deadline = s.sim.now + POD_RUNNING_TIMEOUT_MS;
    if !s.sim.advance_until(deadline, running) {
        return Output::err("error: timed out waiting for the condition\n", 1);
    }
    let Some(p) = s.sim.store.find("Pod", &ns, name).cloned() else {
        return Output::err(format!("error: pod {name} is gone\n"), 1);
    };
    let uid = p.meta.uid.clone();
    if a.bool("tty") {
        out.line("If you don't see a command prompt, try pressing enter.");
    }
    let (text, code) = super::exec::run_in_container(s, &p, name, &argv);
    out.text.push_str(&text);
    // The process's output and status are the container's.
    let now = s.sim.now;
    if let Some(c) = s.sim.runtime.get_mut(&uid).and_then(|rt| {
        std::sync::Arc::make_mut(rt)
            .containers
            .iter_mut()
            .find(|c| c.name == name)
    }) {
        c.exit_code = Some(code);
        c.log = text.lines().map(|l| (now, l.to_string())).collect();
    }
    // The container exits; kubectl's attachment ends with it.
    // (Bounded as `sleep` is: a day of virtual time per command.)
    s.sim.advance((runs_ms + 100).min(86_400_000));
    if a.bool("rm") {
        let key = crate::api::ObjKey::new("Pod", &ns, name);
        if s.sim.delete(&key, None).is_ok() {
            out.linef(format_args!("pod \"{name}\" deleted"));
        }
        s.sim.settle();
    }
    if restart == "Never" && code != 0 {
        out.linef(format_args!("pod {ns}/{name} terminated (Error)"));
        out.code = code;
    }
    out
}

/// The Pod kubectl's generator builds from the flags.
fn build_pod(
    a: &Args,
    name: &str,
    image: &str,
    restart: &str,
    port: Option<i64>,
) -> Result<Value, String> {
    let labels = match a.get("labels").filter(|l| !l.is_empty()) {
        None => json!({"run": name}),
        Some(spec) => Value::Object(key_values(spec.split(','), "invalid label spec")?),
    };
    let mut meta = json!({"name": name, "namespace": namespace_of(a), "labels": labels});
    let annotations = a.all("annotations");
    if !annotations.is_empty() {
        meta["annotations"] = Value::Object(key_values(
            annotations.iter().map(String::as_str),
            "invalid annotation spec",
        )?);
    }
    let mut c = json!({"name": name, "image": image});
    let envs = a.all("env");
    if !envs.is_empty() {
        let mut list = vec![];
        for e in &envs {
            match e.split_once('=') {
                Some((k, v)) if valid_env_name(k) => list.push(json!({"name": k, "value": v})),
                _ => return Err(format!("invalid env: {e}")),
            }
        }
        c["env"] = Value::Array(list);
    }
    if let Some(p) = port {
        c["ports"] = json!([{"containerPort": p}]);
    }
    // The words after NAME, with or without `--` before them (cobra hands kubectl both).
    let words: Vec<String> = a.positional[1..]
        .iter()
        .chain(&a.after_dashes)
        .cloned()
        .collect();
    if !words.is_empty() {
        let words = Value::from(words);
        c[if a.bool("command") { "command" } else { "args" }] = words;
    }
    if let Some(p) = a.get("image-pull-policy").filter(|p| !p.is_empty()) {
        c["imagePullPolicy"] = json!(p);
    }
    if a.bool("privileged") {
        c["securityContext"] = json!({"privileged": true});
    }
    let mut spec = json!({
        "containers": [c],
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": restart,
    });
    if let Some(sa) = a.get("serviceaccount").filter(|s| !s.is_empty()) {
        spec["serviceAccountName"] = json!(sa);
    }
    Ok(json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}))
}

/// `IsEnvVarName`: letters, digits, `_`, `-`, `.`, not starting with a digit.
fn valid_env_name(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// Whether `image` reads as an image reference (the docker distribution grammar
/// kubectl checks, `reference.ReferenceRegexp`): an optional registry (`host[:port]/`),
/// path components of lower-case letters and digits joined by `.`, `_`, `__` or dashes,
/// an optional `:tag` (a word character, then up to 127 of word, `.` or `-`) and an
/// optional `@algorithm:hex` digest (32 or more hex digits).
pub fn valid_reference(image: &str) -> bool {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    if let Some(d) = digest {
        let Some((alg, hex)) = d.split_once(':') else {
            return false;
        };
        let alg_ok = alg.starts_with(|c: char| c.is_ascii_alphabetic())
            && alg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_+.".contains(c));
        if !alg_ok || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
    }
    // The tag is after the last ':' that follows the last '/' (a registry's port is not).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(t) = tag {
        let ok = t.len() <= 128
            && t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return false;
        }
    }
    let mut parts: Vec<&str> = path.split('/').collect();
    // A first part with a '.', a ':' or that is `localhost` is a registry.
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let host = parts.remove(0);
        let (h, p) = match host.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host, None),
        };
        let labels_ok = h.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
        if !labels_ok || p.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
            return false;
        }
    }
    !path.is_empty() && parts.iter().all(|p| path_component(p))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`.
fn path_component(p: &str) -> bool {
    let b = p.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator: `.`, `_`, `__` or any number of dashes, between alphanumerics.
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &p[start..i];
        if !(sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|c| c == b'-')) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_as_the_distribution_grammar_reads_them() {
        for ok in [
            "nginx",
            "nginx:1.25",
            "busybox:1.36.1",
            "docker.io/bitnami/mongodb:4.4.8",
            "registry.k8s.io/ingress-nginx/controller:v1.8.1@sha256:e5c4824e7375fcf2a393e1c03c293b69759af37a9ca6abdb91b13d78a93da8bd",
            "localhost:5000/my-app",
            "quay.io/argoproj/argocd:v2.9.3",
            "my__app",
            "a-----b",
            "gcr.io/k8s-minikube/storage-provisioner:v5",
        ] {
            assert!(valid_reference(ok), "{ok} should be valid");
        }
        for bad in [
            "Nginx",
            "nginx:",
            ":latest",
            "nginx:-1",
            "my app",
            "nginx@sha256:abc",
            "a..b",
            "a___b",
            "-nginx",
            "nginx/",
            "registry:port/app",
        ] {
            assert!(!valid_reference(bad), "{bad} should be invalid");
        }
    }

    #[test]
    fn env_names_as_is_env_var_name_reads_them() {
        assert!(valid_env_name("DNS_DOMAIN"));
        assert!(valid_env_name("a.b-c"));
        assert!(!valid_env_name("1A"));
        assert!(!valid_env_name(""));
        assert!(!valid_env_name("A B"));
    }
}
