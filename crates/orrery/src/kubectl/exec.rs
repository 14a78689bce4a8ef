//! `kubectl exec POD [-c C] [-n NS] -- COMMAND…`: the checks kubectl, the API server and
//! the kubelet make before a command runs, and a tiny shell over the container's files
//! (`volumes`): `echo`, `printf`, `cat`, `ls`, `mkdir [-p]`, `touch`, `rm [-rf]`, `cd`,
//! `pwd`, `hostname`, `true`, `false`, `sleep`, `exit`, `env`, `printenv`, the filters of
//! `crate::textutil` (`grep`, `head`, `tail`, `wc`, `sort`); `>`, `>>`, `2>`, `2>&1`, `<`; pipes; `;`, `&&`, `||` and newlines; quotes,
//! `$VAR`, `$(…)` and backticks. Images that carry them also have `wget`, `nslookup` and
//! `curl` (`has_tool`), which reach the cluster as the pod does (`crate::netcmd`).
//!
//! Errors read as the image's shell prints them: busybox ash for busybox/alpine images,
//! dash with GNU coreutils for the Debian-based rest (nginx, mongo, …).

use crate::sort::StableSort;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::args::{flag, parse, FlagSpec};
use super::{flag_error, namespace_of, specs};
use crate::api::{Object, Selector};
use crate::kubelet::CState;
use crate::shell::{Output, Session};
use crate::sim::Sim;
use crate::volumes::{self, FsError};

const EXEC_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("stdin", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("quiet", Some('q'), false),
    flag("pod-running-timeout", None, true),
    flag("filename", Some('f'), true),
];

/// Bound on how much a script may do (loops are not supported, but pipes and `&&` chains
/// of pasted text could still be long).
const MAX_COMMANDS: usize = 1_000;
/// Bound on a file's size after a write, so a page cannot fill memory.
const MAX_FILE_BYTES: usize = 1 << 20;

pub fn exec(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(words, &specs(EXEC_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("exec", &e),
    };
    let ns = namespace_of(&a);
    let Some(target) = a.positional.first() else {
        return Output::err("error: pod, type/name or --filename must be specified\n", 1);
    };
    if a.positional.len() > 1 {
        return Output::err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n", 1);
    }
    if a.after_dashes.is_empty() {
        return Output::err(
            "error: you must specify at least one command for the container\n",
            1,
        );
    }
    let pod = match find_pod(&s.sim, &ns, target) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let mut out = Output::default();
    if let Some(phase @ ("Succeeded" | "Failed")) = pod.str_at(&["status", "phase"]) {
        return Output::err(
            format!(
                "error: cannot exec into a container in a completed pod; current phase is {phase}\n"
            ),
            1,
        );
    }
    let container = match a.get("container") {
        Some(c) => c.to_string(),
        None => {
            let Some(c) = volumes::default_container(&pod) else {
                return Output::err(
                    format!(
                        "error: pod {} does not have any containers\n",
                        pod.meta.name
                    ),
                    1,
                );
            };
            let names = container_names(&pod);
            if names.len() > 1
                && !a.bool("quiet")
                && !pod
                    .meta
                    .annotations
                    .contains_key("kubectl.kubernetes.io/default-container")
            {
                out.linef(format_args!(
                    "Defaulted container \"{c}\" out of: {}",
                    names.join(", ")
                ));
            }
            c
        }
    };
    let all: Vec<String> = container_names(&pod)
        .into_iter()
        .chain(init_container_names(&pod))
        .collect();
    if !all.contains(&container) {
        return Output::err(
            format!(
                "Error from server (BadRequest): container {container} is not valid for pod {}\n",
                pod.meta.name
            ),
            1,
        );
    }
    if pod.str_at(&["spec", "nodeName"]).unwrap_or("").is_empty() {
        return Output::err(
            format!(
                "Error from server (BadRequest): pod {} does not have a host assigned\n",
                pod.meta.name
            ),
            1,
        );
    }
    let Some(rt) = s.sim.runtime.get(&pod.meta.uid) else {
        return Output::err(
            "error: unable to upgrade connection: pod does not exist\n",
            1,
        );
    };
    let running = rt
        .containers
        .iter()
        .any(|c| c.name == container && matches!(c.state, CState::Running { .. }));
    if !running {
        return Output::err(
            format!("error: unable to upgrade connection: container not found (\"{container}\")\n"),
            1,
        );
    }
    if a.bool("tty") && a.bool("stdin") && is_interactive(&a.after_dashes) {
        return Output::err(
            format!("error: interactive shells are not simulated; run one command instead, e.g. kubectl exec {} -- sh -c 'ls /'\n", pod.meta.name),
            1,
        );
    }
    let (text, code) = run_in_container(s, &pod, &container, &a.after_dashes);
    out.text.push_str(&text);
    if code != 0 {
        out.linef(format_args!("command terminated with exit code {code}"));
    }
    out.code = code;
    out
}

/// Runs a command in a container as its process (`kubectl exec`, or `kubectl run -i`'s
/// command): the tiny shell with the container's environment; what the terminal shows and
/// the exit status. A network tool's request becomes the page's route.
pub(super) fn run_in_container(
    s: &mut Session,
    pod: &Object,
    container: &str,
    argv: &[String],
) -> (String, i32) {
    let image = image_of(pod, container);
    let mut sh = Shell {
        sim: &mut s.sim,
        pod: pod.clone(),
        container: container.to_string(),
        flavor: Flavor::for_image(&image),
        image,
        route: None,
        cwd: "/".into(),
        env: BTreeMap::new(),
        last_code: 0,
        budget: MAX_COMMANDS,
        out: String::new(),
        exited: None,
        line: 1,
    };
    sh.env.insert("HOSTNAME".into(), pod.meta.name.clone());
    sh.env.insert("HOME".into(), "/root".into());
    sh.env.insert(
        "PATH".into(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
    );
    let env = container_env(sh.sim, pod, container);
    sh.env.extend(env);
    let code = sh.run_argv(argv);
    let route = sh.route.take();
    let text = std::mem::take(&mut sh.out);
    if route.is_some() {
        s.last_route = route;
    }
    (text, code)
}

/// The variables the container was given, as the kubelet makes them
/// (`makeEnvironmentVariables`): every `envFrom` source in order (its keys, with the
/// source's `prefix`), then `env` in order, a later name replacing an earlier one.
/// `valueFrom` reads a ConfigMap's key, a Secret's key (decoded) or one of the pod's own
/// fields (`fieldRef`); a `value`'s `$(NAME)` is replaced by a variable set before it
/// (unknown names stay as written, `$$` is a `$`). A missing optional source or key sets
/// nothing (a missing required one kept the container from starting). Before them all, the
/// Services' variables (`service_env`), which `$(NAME)` can use and `env` overrides. Not
/// set (UNVERIFIED which a learner would miss first): the image's own (`NGINX_VERSION` …),
/// `resourceFieldRef`. `env` prints them sorted by name; a real container's order is the
/// runtime's.
fn container_env(sim: &Sim, pod: &Object, container: &str) -> Vec<(String, String)> {
    let ns = &pod.meta.namespace;
    let Some(c) = container_spec(pod, container) else {
        return vec![];
    };
    // A ConfigMap's or Secret's keys as text (a Secret's `data` is base64).
    let source = |kind: &str, name: &str| -> Option<Vec<(String, String)>> {
        let o = sim.store.find(kind, ns, name)?;
        let mut kv = vec![];
        for (k, v) in o.get(&["data"]).as_object().into_iter().flatten() {
            let text = v.as_str().unwrap_or("");
            let text = if kind == "Secret" {
                volumes::base64_decode(text).unwrap_or_default()
            } else {
                text.to_string()
            };
            kv.push((k.clone(), text));
        }
        Some(kv)
    };
    let mut vars: Vec<(String, String)> = service_env(sim, pod, container);
    let set = |vars: &mut Vec<(String, String)>, k: String, v: String| {
        vars.retain(|(n, _)| *n != k);
        vars.push((k, v));
    };
    for from in c
        .get("envFrom")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let prefix = from.get("prefix").and_then(|p| p.as_str()).unwrap_or("");
        for (field, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
            let Some(name) = from
                .get(field)
                .and_then(|r| r.get("name"))
                .and_then(|n| n.as_str())
            else {
                continue;
            };
            for (k, v) in source(kind, name).unwrap_or_default() {
                set(&mut vars, format!("{prefix}{k}"), v);
            }
        }
    }
    for e in c
        .get("env")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let Some(name) = e.get("name").and_then(|n| n.as_str()) else {
            continue;
        };
        let value = if let Some(from) = e.get("valueFrom") {
            let key_of = |field: &str, kind: &str| -> Option<String> {
                let r = from.get(field)?;
                let name = r.get("name").and_then(|n| n.as_str()).unwrap_or("");
                let key = r.get("key").and_then(|k| k.as_str()).unwrap_or("");
                source(kind, name)?
                    .into_iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v)
            };
            let field = from
                .get("fieldRef")
                .and_then(|f| f.get("fieldPath"))
                .and_then(|p| p.as_str())
                .and_then(|path| pod_field(sim, pod, path));
            key_of("configMapKeyRef", "ConfigMap")
                .or_else(|| key_of("secretKeyRef", "Secret"))
                .or(field)
        } else {
            Some(expand_env(
                e.get("value").and_then(|v| v.as_str()).unwrap_or(""),
                &vars,
            ))
        };
        if let Some(v) = value {
            set(&mut vars, name.to_string(), v);
        }
    }
    vars
}

/// The Services' variables the kubelet gives a container (`getServiceEnvVarMap`,
/// `envvars.FromServices`): for each Service of the pod's namespace (with
/// `enableServiceLinks`, the default) and always for `kubernetes` in `default`, if it has a
/// ClusterIP (not headless, not ExternalName): `<NAME>_SERVICE_HOST`, `_SERVICE_PORT` (the
/// first port), `_SERVICE_PORT_<PORTNAME>` per named port, and Docker's link variables
/// (`<NAME>_PORT=tcp://IP:PORT` for the first port; per port `_PORT_<P>_TCP`, `_PROTO`,
/// `_PORT`, `_ADDR`); names upper-cased with `-` as `_`. Only Services that existed when
/// the container started: one created later is not in its environment until the pod is
/// recreated (the "Connecting Applications with Services" tutorial's point). A Service
/// deleted since is left out here (the simulator keeps no deleted objects; UNVERIFIED
/// that a learner meets it).
fn service_env(sim: &Sim, pod: &Object, container: &str) -> Vec<(String, String)> {
    let started = sim
        .runtime
        .get(&pod.meta.uid)
        .and_then(|rt| rt.containers.iter().find(|c| c.name == container))
        .and_then(|c| match c.state {
            CState::Running { since } => Some(since),
            _ => None,
        })
        .unwrap_or(sim.now);
    let links = pod.get(&["spec", "enableServiceLinks"]).as_bool() != Some(false);
    let ns = pod.meta.namespace.as_str();
    let mut services: Vec<&Object> = sim
        .store
        .list("Service", ns)
        .filter(|_| links)
        .chain(
            sim.store
                .find("Service", "default", "kubernetes")
                .filter(|_| ns != "default" || !links),
        )
        .filter(|svc| svc.meta.creation_ms <= started)
        .collect();
    services.sort_stable_by_key(|svc| svc.meta.name.clone());
    let env_name = |s: &str| s.replace('-', "_").to_ascii_uppercase();
    let mut vars = vec![];
    for svc in services {
        let ip = svc.str_at(&["spec", "clusterIP"]).unwrap_or("");
        let ports = svc
            .get(&["spec", "ports"])
            .as_array()
            .cloned()
            .unwrap_or_default();
        if ip.is_empty() || ip == "None" || ports.is_empty() {
            continue;
        }
        let prefix = env_name(&svc.meta.name);
        let port_of = |p: &serde_json::Value| p.get("port").and_then(|v| v.as_i64()).unwrap_or(0);
        vars.push((format!("{prefix}_SERVICE_HOST"), ip.to_string()));
        vars.push((
            format!("{prefix}_SERVICE_PORT"),
            port_of(&ports[0]).to_string(),
        ));
        for p in &ports {
            if let Some(name) = p
                .get("name")
                .and_then(|n| n.as_str())
                .filter(|n| !n.is_empty())
            {
                vars.push((
                    format!("{prefix}_SERVICE_PORT_{}", env_name(name)),
                    port_of(p).to_string(),
                ));
            }
        }
        for (i, p) in ports.iter().enumerate() {
            let proto = p.get("protocol").and_then(|v| v.as_str()).unwrap_or("TCP");
            let lower = proto.to_ascii_lowercase();
            let port = port_of(p);
            let url = format!("{lower}://{ip}:{port}");
            if i == 0 {
                vars.push((format!("{prefix}_PORT"), url.clone()));
            }
            let pp = format!("{prefix}_PORT_{port}_{}", proto.to_ascii_uppercase());
            vars.push((format!("{pp}_PROTO"), lower));
            vars.push((format!("{pp}_PORT"), port.to_string()));
            vars.push((format!("{pp}_ADDR"), ip.to_string()));
            vars.push((pp, url));
        }
    }
    vars
}

/// A `fieldRef` of the downward API: the pod's own fields.
fn pod_field(sim: &Sim, pod: &Object, path: &str) -> Option<String> {
    let quoted = |prefix: &str| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix("']"))
            .map(str::to_string)
    };
    match path {
        "metadata.name" => Some(pod.meta.name.clone()),
        "metadata.namespace" => Some(pod.meta.namespace.clone()),
        "metadata.uid" => Some(pod.meta.uid.clone()),
        "spec.nodeName" | "spec.serviceAccountName" | "status.podIP" | "status.hostIP" => {
            let (a, b) = path.split_once('.')?;
            let v = pod.str_at(&[a, b]).map(str::to_string);
            // The node's IP where the pod's status does not carry it.
            v.or_else(|| (path == "status.hostIP").then(|| sim.cluster.node_ip.clone()))
        }
        _ => {
            if let Some(k) = quoted("metadata.labels['") {
                return pod.meta.labels.get(&k).cloned();
            }
            if let Some(k) = quoted("metadata.annotations['") {
                return pod.meta.annotations.get(&k).cloned();
            }
            None
        }
    }
}

/// Kubernetes' `$(NAME)` expansion of an `env` value over the variables set before it:
/// a known name is replaced, an unknown one left as written, `$$` is a `$`.
fn expand_env(value: &str, vars: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(j) => {
                    let name = &inner[..j];
                    match vars.iter().rev().find(|(k, _)| k == name) {
                        Some((_, v)) => out.push_str(v),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = &inner[j + 1..];
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn is_interactive(argv: &[String]) -> bool {
    matches!(
        argv.first().map(|s| s.rsplit('/').next().unwrap_or(s)),
        Some("sh" | "bash" | "ash" | "dash" | "zsh")
    ) && argv.len() == 1
}

pub(super) fn container_names(pod: &Object) -> Vec<String> {
    names_in(pod, "containers")
}

pub(super) fn init_container_names(pod: &Object) -> Vec<String> {
    names_in(pod, "initContainers")
}

fn names_in(pod: &Object, list: &str) -> Vec<String> {
    pod.get(&["spec", list])
        .as_array()
        .map(|cs| {
            cs.iter()
                .filter_map(|c| c.get("name").and_then(|n| n.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The spec of the pod's container (or init container) of that name.
fn container_spec<'a>(pod: &'a Object, container: &str) -> Option<&'a serde_json::Value> {
    ["containers", "initContainers"]
        .iter()
        .filter_map(|l| pod.get(&["spec", l]).as_array())
        .flatten()
        .find(|c| c.get("name").and_then(|n| n.as_str()) == Some(container))
}

/// Whether an image carries a network tool (UNVERIFIED per image, chosen from what the
/// images are known to ship): busybox's `wget` and `nslookup` in busybox- and
/// alpine-based images (curlimages/curl and netshoot too); `curl` in curlimages/curl,
/// netshoot and the official nginx images. Elsewhere the shell says `not found`.
fn has_tool(image: &str, tool: &str) -> bool {
    let base = crate::apps::image_base(image);
    let busybox_applets =
        Flavor::for_image(image) == Flavor::Busybox || matches!(base, "netshoot" | "curl");
    match tool {
        "wget" | "nslookup" => busybox_applets || (tool == "nslookup" && base == "dnsutils"),
        "curl" => matches!(base, "curl" | "netshoot" | "nginx"),
        _ => false,
    }
}

/// A shell inside a pod is a network client there: cluster DNS with the pod's search
/// path (R6.8), the pod network and kube-proxy (R6.9), files in the container.
impl crate::curl::Client for Shell<'_> {
    fn sim(&mut self) -> &mut Sim {
        self.sim
    }

    fn read_file(&self, name: &str) -> Option<String> {
        self.read(name).ok()
    }

    fn write_file(&mut self, name: &str, text: &str) -> Result<(), String> {
        if name == "/dev/null" {
            return Ok(());
        }
        if text.len() > MAX_FILE_BYTES {
            return Err("No space left on device".into());
        }
        let abs = self.abs(name);
        volumes::write(self.sim, &self.pod, &self.container, &abs, text, false)
            .map_err(|e| volumes::busybox_text(&e).to_string())
    }

    fn resolve(&self, host: &str) -> Option<String> {
        if host.parse::<std::net::IpAddr>().is_ok() {
            return Some(host.to_string());
        }
        if host == "localhost" {
            return Some("127.0.0.1".into());
        }
        crate::controllers::endpointslice::resolve_dns(self.sim, host, &self.pod.meta.namespace)
            .and_then(|ips| ips.into_iter().next())
    }

    fn entry(
        &mut self,
        addr: &str,
        port: i64,
    ) -> Result<crate::routing::Entry, crate::routing::Route> {
        Ok(crate::routing::Entry::FromPod {
            pod: self.pod.key(),
            ip: addr.to_string(),
            port,
        })
    }
}

fn image_of(pod: &Object, container: &str) -> String {
    container_spec(pod, container)
        .and_then(|c| c.get("image").and_then(|i| i.as_str()).map(str::to_string))
        .unwrap_or_default()
}

/// `POD`, `pod/POD`, or `TYPE/NAME` of a workload or Service (its first running pod).
pub(super) fn find_pod(sim: &Sim, ns: &str, target: &str) -> Result<Object, Output> {
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => (k, n),
        None => ("pod", target),
    };
    let Some(rt) = sim.discovery.resolve(kind) else {
        return Err(Output::err(
            format!("error: the server doesn't have a resource type \"{kind}\"\n"),
            1,
        ));
    };
    let Some(obj) = sim.store.find(&rt.gk(), ns, name) else {
        return Err(Output::err(
            format!(
                "Error from server (NotFound): {} \"{name}\" not found\n",
                rt.qualified_plural()
            ),
            1,
        ));
    };
    if rt.kind == "Pod" {
        return Ok(obj.clone());
    }
    let sel = match rt.kind.as_str() {
        "Service" => obj.get(&["spec", "selector"]).as_object().map(|m| {
            Selector::from_map(
                &m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                    .collect(),
            )
        }),
        _ => {
            let s = obj.get(&["spec", "selector"]);
            s.is_object().then(|| Selector::from_label_selector(s))
        }
    };
    let Some(sel) = sel else {
        return Err(Output::err(
            format!(
                "error: cannot attach to {}: selector for {} not implemented\n",
                rt.qualified_singular(),
                name
            ),
            1,
        ));
    };
    let mut pods: Vec<&Object> = sim
        .store
        .list("Pod", ns)
        .filter(|p| sel.matches(&p.meta.labels) && !p.is_deleting())
        .collect();
    pods.sort_stable_by_key(|p| {
        (
            p.str_at(&["status", "phase"]) != Some("Running"),
            p.meta.creation_ms,
        )
    });
    pods.first()
        .map(|p| (*p).clone())
        .ok_or_else(|| Output::err("error: no pods found for the selector\n".to_string(), 1))
}

// ----- the tiny shell ------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// busybox ash + busybox applets.
    Busybox,
    /// dash + GNU coreutils (Debian-based images).
    Gnu,
}

impl Flavor {
    pub fn for_image(image: &str) -> Flavor {
        let base = image.rsplit('/').next().unwrap_or(image);
        let name = base.split([':', '@']).next().unwrap_or("");
        if matches!(name, "busybox" | "alpine" | "curl") || base.contains("alpine") {
            Flavor::Busybox
        } else {
            Flavor::Gnu
        }
    }

    fn has_bash(self) -> bool {
        self == Flavor::Gnu
    }
}

/// One piece of a word: literal text, or an expansion; `split` when unquoted.
#[derive(Clone, Debug, PartialEq)]
enum Part {
    Lit(String),
    Var(String, bool),
    Subst(String, bool),
}

type Word = Vec<Part>;

#[derive(Clone, Debug, PartialEq)]
enum Redir {
    Out(Word, bool),
    Err(Word, bool),
    ErrToOut,
    In(Word),
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Simple {
    words: Vec<Word>,
    redirs: Vec<Redir>,
    line: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(Word),
    Op(&'static str),
    Redir(&'static str),
    Newline,
}

/// Splits a script into tokens (quotes, `$…`, operators). Errors are the shell's
/// syntax errors.
fn lex(script: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut toks = vec![];
    let mut i = 0;
    let mut word: Word = vec![];
    let mut lit = String::new();
    let mut in_word = false;
    let flush_lit = |word: &mut Word, lit: &mut String| {
        if !lit.is_empty() {
            word.push(Part::Lit(std::mem::take(lit)));
        }
    };
    macro_rules! end_word {
        () => {
            if in_word {
                flush_lit(&mut word, &mut lit);
                toks.push(Tok::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                end_word!();
                i += 1;
            }
            '\n' => {
                end_word!();
                toks.push(Tok::Newline);
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            ';' => {
                end_word!();
                toks.push(Tok::Op(";"));
                i += 1;
            }
            '&' => {
                end_word!();
                if chars.get(i + 1) == Some(&'&') {
                    toks.push(Tok::Op("&&"));
                    i += 2;
                } else {
                    // Background jobs finish at once here; treat `&` as `;`.
                    toks.push(Tok::Op(";"));
                    i += 1;
                }
            }
            '|' => {
                end_word!();
                if chars.get(i + 1) == Some(&'|') {
                    toks.push(Tok::Op("||"));
                    i += 2;
                } else {
                    toks.push(Tok::Op("|"));
                    i += 1;
                }
            }
            '>' | '<' => {
                // `2>`, `2>>`, `2>&1` when the word so far is exactly "2".
                let fd2 = in_word && word.is_empty() && lit == "2";
                if fd2 {
                    lit.clear();
                    in_word = false;
                } else {
                    end_word!();
                }
                if c == '<' {
                    toks.push(Tok::Redir("<"));
                    i += 1;
                } else if chars.get(i + 1) == Some(&'>') {
                    toks.push(Tok::Redir(if fd2 { "2>>" } else { ">>" }));
                    i += 2;
                } else if fd2 && chars.get(i + 1) == Some(&'&') && chars.get(i + 2) == Some(&'1') {
                    toks.push(Tok::Redir("2>&1"));
                    i += 3;
                } else {
                    toks.push(Tok::Redir(if fd2 { "2>" } else { ">" }));
                    i += 1;
                }
            }
            '\'' => {
                in_word = true;
                i += 1;
                let start = i;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err("Syntax error: Unterminated quoted string".into());
                }
                lit.extend(&chars[start..i]);
                i += 1;
            }
            '"' => {
                in_word = true;
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("Syntax error: Unterminated quoted string".into()),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            match chars.get(i + 1) {
                                Some(x @ ('"' | '\\' | '$' | '`')) => lit.push(*x),
                                Some('\n') => {}
                                Some(x) => {
                                    lit.push('\\');
                                    lit.push(*x);
                                }
                                None => lit.push('\\'),
                            }
                            i += 2;
                        }
                        Some('$') | Some('`') => {
                            let (part, n) = dollar(&chars, i, false)?;
                            match part {
                                Some(p) => {
                                    flush_lit(&mut word, &mut lit);
                                    word.push(p);
                                }
                                None => lit.push('$'),
                            }
                            i += n;
                        }
                        Some(x) => {
                            lit.push(*x);
                            i += 1;
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.get(i + 1) {
                    if *x != '\n' {
                        lit.push(*x);
                    }
                }
                i += 2;
            }
            '$' | '`' => {
                in_word = true;
                let (part, n) = dollar(&chars, i, true)?;
                match part {
                    Some(p) => {
                        flush_lit(&mut word, &mut lit);
                        word.push(p);
                    }
                    None => lit.push('$'),
                }
                i += n;
            }
            c => {
                in_word = true;
                lit.push(c);
                i += 1;
            }
        }
    }
    if in_word {
        flush_lit(&mut word, &mut lit);
        toks.push(Tok::Word(word));
    }
    Ok(toks)
}

/// An expansion at `chars[i]` (`$NAME`, `${NAME}`, `$?`, `$(…)`, `` `…` ``): the part and
/// how many characters it used. `None` for a lone `$`.
fn dollar(chars: &[char], i: usize, split: bool) -> Result<(Option<Part>, usize), String> {
    if chars[i] == '`' {
        let mut j = i + 1;
        while j < chars.len() && chars[j] != '`' {
            j += 1;
        }
        if j >= chars.len() {
            return Err("Syntax error: EOF in backquote substitution".into());
        }
        let inner: String = chars[i + 1..j].iter().collect();
        return Ok((Some(Part::Subst(inner, split)), j - i + 1));
    }
    match chars.get(i + 1) {
        Some('(') => {
            let mut depth = 1;
            let mut j = i + 2;
            let mut quote: Option<char> = None;
            while j < chars.len() {
                let c = chars[j];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None => match c {
                        '\'' | '"' => quote = Some(c),
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    },
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err("Syntax error: end of file unexpected (expecting \")\")".into());
            }
            let inner: String = chars[i + 2..j].iter().collect();
            Ok((Some(Part::Subst(inner, split)), j - i + 1))
        }
        Some('{') => {
            let mut j = i + 2;
            while j < chars.len() && chars[j] != '}' {
                j += 1;
            }
            if j >= chars.len() {
                return Err("Syntax error: Missing '}'".into());
            }
            let name: String = chars[i + 2..j].iter().collect();
            Ok((Some(Part::Var(name, split)), j - i + 1))
        }
        Some('?') => Ok((Some(Part::Var("?".into(), split)), 2)),
        Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let name: String = chars[i + 1..j].iter().collect();
            Ok((Some(Part::Var(name, split)), j - i))
        }
        _ => Ok((None, 1)),
    }
}

/// A parsed script: and-or lists of pipelines, in order.
#[derive(Debug)]
struct AndOr {
    /// (operator before it: "" for the first, "&&", "||"; the pipeline)
    items: Vec<(&'static str, Vec<Simple>)>,
}

fn parse_script(toks: Vec<Tok>) -> Result<Vec<AndOr>, String> {
    let mut lists: Vec<AndOr> = vec![];
    let mut cur = AndOr { items: vec![] };
    let mut pipeline: Vec<Simple> = vec![];
    let mut simple = Simple {
        line: 1,
        ..Simple::default()
    };
    let mut line = 1;
    let mut pending_op: &'static str = "";
    let mut it = toks.into_iter().peekable();
    let unexpected = |t: &str| format!("Syntax error: \"{t}\" unexpected");
    while let Some(t) = it.next() {
        match t {
            Tok::Word(w) => {
                if simple.words.is_empty() && simple.redirs.is_empty() {
                    simple.line = line;
                }
                simple.words.push(w);
            }
            Tok::Redir(r) => {
                if simple.words.is_empty() && simple.redirs.is_empty() {
                    simple.line = line;
                }
                if r == "2>&1" {
                    simple.redirs.push(Redir::ErrToOut);
                    continue;
                }
                let Some(Tok::Word(target)) = it.next() else {
                    return Err("Syntax error: redirection unexpected".into());
                };
                simple.redirs.push(match r {
                    ">" => Redir::Out(target, false),
                    ">>" => Redir::Out(target, true),
                    "2>" => Redir::Err(target, false),
                    "2>>" => Redir::Err(target, true),
                    _ => Redir::In(target),
                });
            }
            Tok::Op("|") => {
                if simple.words.is_empty() && simple.redirs.is_empty() {
                    return Err(unexpected("|"));
                }
                pipeline.push(std::mem::take(&mut simple));
            }
            Tok::Op(op @ ("&&" | "||")) => {
                if simple.words.is_empty() && simple.redirs.is_empty() {
                    return Err(unexpected(op));
                }
                pipeline.push(std::mem::take(&mut simple));
                cur.items.push((pending_op, std::mem::take(&mut pipeline)));
                pending_op = op;
                // A newline may follow `&&`.
                while it.peek() == Some(&Tok::Newline) {
                    it.next();
                    line += 1;
                }
            }
            Tok::Op(_) | Tok::Newline => {
                let is_newline = t == Tok::Newline;
                if simple.words.is_empty() && simple.redirs.is_empty() {
                    if !pipeline.is_empty() || !pending_op.is_empty() {
                        return Err(unexpected(if is_newline { "newline" } else { ";" }));
                    }
                    if !is_newline && cur.items.is_empty() {
                        return Err(unexpected(";"));
                    }
                } else {
                    pipeline.push(std::mem::take(&mut simple));
                    cur.items.push((pending_op, std::mem::take(&mut pipeline)));
                    pending_op = "";
                    lists.push(std::mem::replace(&mut cur, AndOr { items: vec![] }));
                }
                if is_newline {
                    line += 1;
                }
            }
        }
    }
    if !simple.words.is_empty() || !simple.redirs.is_empty() {
        pipeline.push(simple);
    }
    if !pipeline.is_empty() {
        cur.items.push((pending_op, pipeline));
    } else if !pending_op.is_empty() {
        return Err("Syntax error: end of file unexpected".into());
    }
    if !cur.items.is_empty() {
        lists.push(cur);
    }
    Ok(lists)
}

struct Shell<'a> {
    sim: &'a mut Sim,
    pod: Object,
    container: String,
    flavor: Flavor,
    image: String,
    /// The route of the last request a network tool made, for the page's request lane.
    route: Option<crate::routing::Route>,
    cwd: String,
    env: BTreeMap<String, String>,
    last_code: i32,
    budget: usize,
    /// What the terminal shows (stdout and stderr interleaved).
    out: String,
    /// `exit N` was run.
    exited: Option<i32>,
    line: usize,
}

/// Where a command's output goes.
#[derive(Default)]
struct Io {
    stdin: String,
    stdout: String,
    stderr: String,
    /// stderr written after the command's stdout (`wget -O-`'s progress line): the
    /// terminal shows it last.
    stderr_after: String,
}

impl Shell<'_> {
    /// Runs the argv kubectl passes: `sh -c SCRIPT`, or one program.
    fn run_argv(&mut self, argv: &[String]) -> i32 {
        let prog = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
        let shells = ["sh", "ash", "dash", "bash"];
        if shells.contains(&prog.as_str()) {
            if prog == "bash" && !self.flavor.has_bash() {
                return self.not_executable(&argv[0]);
            }
            if argv.get(1).map(String::as_str) == Some("-c") {
                let Some(script) = argv.get(2) else {
                    self.err_line(&format!("{prog}: -c requires an argument"));
                    return 2;
                };
                return self.run_script(script);
            }
            // No -c and no stdin attached: the shell reads EOF and exits.
            return 0;
        }
        if !self.is_program(&prog) {
            return self.not_executable(&argv[0]);
        }
        let mut io = Io::default();
        let code = self.builtin(&prog, &argv[1..], &mut io);
        self.out.push_str(&io.stderr);
        self.out.push_str(&io.stdout);
        self.out.push_str(&io.stderr_after);
        code
    }

    fn not_executable(&mut self, prog: &str) -> i32 {
        _ = write!(self.out, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"{prog}\": executable file not found in $PATH: unknown\n");
        126
    }

    fn is_program(&self, prog: &str) -> bool {
        matches!(
            prog,
            "echo"
                | "printf"
                | "cat"
                | "ls"
                | "mkdir"
                | "touch"
                | "rm"
                | "pwd"
                | "hostname"
                | "true"
                | "false"
                | "sleep"
                | "env"
                | "printenv"
        ) || crate::textutil::is_filter(prog)
            || has_tool(&self.image, prog)
    }

    fn err_line(&mut self, msg: &str) {
        self.out.push_str(msg);
        self.out.push('\n');
    }

    /// The shell's prefix for its own messages: dash numbers lines, ash does not.
    fn sh_prefix(&self, line: usize) -> String {
        match self.flavor {
            Flavor::Gnu => format!("sh: {line}: "),
            Flavor::Busybox => "sh: ".into(),
        }
    }

    fn run_script(&mut self, script: &str) -> i32 {
        let lists = match lex(script).and_then(parse_script) {
            Ok(l) => l,
            Err(e) => {
                let p = self.sh_prefix(1);
                self.err_line(&format!("{p}{e}"));
                return 2;
            }
        };
        for list in lists {
            for (op, pipeline) in list.items {
                let skip = match op {
                    "&&" => self.last_code != 0,
                    "||" => self.last_code == 0,
                    _ => false,
                };
                if skip {
                    continue;
                }
                self.last_code = self.run_pipeline(&pipeline);
                if let Some(code) = self.exited {
                    return code;
                }
            }
        }
        self.last_code
    }

    fn run_pipeline(&mut self, pipeline: &[Simple]) -> i32 {
        let mut stdin = String::new();
        let mut code = 0;
        let n = pipeline.len();
        for (i, cmd) in pipeline.iter().enumerate() {
            if self.budget == 0 {
                return 1;
            }
            self.budget -= 1;
            let mut io = Io {
                stdin: std::mem::take(&mut stdin),
                ..Io::default()
            };
            code = self.run_simple(cmd, &mut io);
            // stderr always reaches the terminal; stdout feeds the next command.
            self.out.push_str(&io.stderr);
            if i + 1 < n {
                stdin = io.stdout;
            } else {
                self.out.push_str(&io.stdout);
            }
            self.out.push_str(&io.stderr_after);
            if self.exited.is_some() {
                break;
            }
        }
        code
    }

    fn expand(&mut self, w: &Word) -> Vec<String> {
        let mut fields: Vec<String> = vec![];
        let mut cur = String::new();
        let mut has = false;
        for p in w {
            let (text, split) = match p {
                Part::Lit(s) => (s.clone(), false),
                Part::Var(name, split) => (self.var(name), *split),
                Part::Subst(script, split) => (self.subst(script), *split),
            };
            if !split {
                cur.push_str(&text);
                has = true;
                continue;
            }
            let mut pieces = text.split_whitespace().peekable();
            if text.starts_with(char::is_whitespace) && has {
                fields.push(std::mem::take(&mut cur));
                has = false;
            }
            while let Some(piece) = pieces.next() {
                cur.push_str(piece);
                has = true;
                if pieces.peek().is_some() {
                    fields.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            if text.ends_with(char::is_whitespace) && has {
                fields.push(std::mem::take(&mut cur));
                has = false;
            }
        }
        if has {
            fields.push(cur);
        }
        fields
    }

    fn var(&self, name: &str) -> String {
        if name == "?" {
            return self.last_code.to_string();
        }
        if name == "PWD" {
            return self.cwd.clone();
        }
        self.env.get(name).cloned().unwrap_or_default()
    }

    /// `$(…)`: runs the script in a subshell and takes its stdout, without trailing
    /// newlines; its stderr reaches the terminal.
    fn subst(&mut self, script: &str) -> String {
        let saved_out = std::mem::take(&mut self.out);
        let saved_cwd = self.cwd.clone();
        let saved_exit = self.exited.take();
        let lists = match lex(script).and_then(parse_script) {
            Ok(l) => l,
            Err(e) => {
                let p = self.sh_prefix(self.line);
                self.out = saved_out;
                self.err_line(&format!("{p}{e}"));
                return String::new();
            }
        };
        let mut captured = String::new();
        let mut errs = String::new();
        for list in lists {
            for (op, pipeline) in list.items {
                let skip = match op {
                    "&&" => self.last_code != 0,
                    "||" => self.last_code == 0,
                    _ => false,
                };
                if skip {
                    continue;
                }
                // Capture stdout of the last command of each pipeline separately from
                // stderr: run it with a local buffer.
                let mut stdin = String::new();
                let n = pipeline.len();
                for (i, cmd) in pipeline.iter().enumerate() {
                    let mut io = Io {
                        stdin: std::mem::take(&mut stdin),
                        ..Io::default()
                    };
                    self.last_code = self.run_simple(cmd, &mut io);
                    errs.push_str(&io.stderr);
                    if i + 1 < n {
                        stdin = io.stdout;
                    } else {
                        captured.push_str(&io.stdout);
                    }
                }
                if self.exited.is_some() {
                    break;
                }
            }
        }
        errs.insert_str(0, &std::mem::take(&mut self.out));
        self.out = saved_out;
        self.out.push_str(&errs);
        self.cwd = saved_cwd;
        self.exited = saved_exit;
        captured.trim_end_matches('\n').to_string()
    }

    fn run_simple(&mut self, cmd: &Simple, io: &mut Io) -> i32 {
        self.line = cmd.line;
        let mut argv: Vec<String> = vec![];
        for w in &cmd.words {
            let fields = self.expand(w);
            argv.extend(fields);
        }
        // Assignments before a command (`A=b`) set the variable.
        while let Some(first) = argv.first() {
            match first.split_once('=') {
                Some((k, v))
                    if !k.is_empty()
                        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !k.starts_with(|c: char| c.is_ascii_digit()) =>
                {
                    self.env.insert(k.to_string(), v.to_string());
                    argv.remove(0);
                }
                _ => break,
            }
        }
        // Redirections, in order.
        let mut out_to: Option<(String, bool)> = None;
        let mut err_to: Option<(String, bool)> = None;
        let mut err_to_out = false;
        for r in &cmd.redirs {
            match r {
                Redir::Out(w, append) => {
                    let target = self.expand(w).join(" ");
                    if let Err(code) = self.open_for_write(&target, *append, cmd.line, io) {
                        return code;
                    }
                    out_to = Some((target, *append));
                }
                Redir::Err(w, append) => {
                    let target = self.expand(w).join(" ");
                    if let Err(code) = self.open_for_write(&target, *append, cmd.line, io) {
                        return code;
                    }
                    err_to = Some((target, *append));
                }
                Redir::ErrToOut => err_to_out = true,
                Redir::In(w) => {
                    let target = self.expand(w).join(" ");
                    match self.read(&target) {
                        Ok(t) => io.stdin = t,
                        Err(e) => {
                            let p = self.sh_prefix(cmd.line);
                            let msg = match self.flavor {
                                Flavor::Gnu => {
                                    format!("{p}cannot open {target}: {}", volumes::gnu_text(&e))
                                }
                                Flavor::Busybox => format!(
                                    "{p}can't open '{target}': {}",
                                    volumes::busybox_text(&e)
                                ),
                            };
                            io.stderr.push_str(&msg);
                            io.stderr.push('\n');
                            return if self.flavor == Flavor::Gnu { 2 } else { 1 };
                        }
                    }
                }
            }
        }
        let code = if argv.is_empty() {
            0
        } else {
            let prog = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
            let mut sub = Io {
                stdin: std::mem::take(&mut io.stdin),
                ..Io::default()
            };
            let code = match prog.as_str() {
                "cd" => self.cd(&argv[1..], cmd.line, &mut sub),
                "exit" => {
                    let c = argv
                        .get(1)
                        .and_then(|a| a.parse::<i32>().ok())
                        .unwrap_or(self.last_code);
                    self.exited = Some(c & 0xFF);
                    c & 0xFF
                }
                "export" => {
                    for a in &argv[1..] {
                        if let Some((k, v)) = a.split_once('=') {
                            self.env.insert(k.to_string(), v.to_string());
                        }
                    }
                    0
                }
                "sh" | "bash" | "ash" | "dash" if argv.get(1).map(String::as_str) == Some("-c") => {
                    let script = argv.get(2).cloned().unwrap_or_default();
                    let saved = std::mem::take(&mut self.out);
                    let c = self.run_script(&script);
                    let inner = std::mem::replace(&mut self.out, saved);
                    self.exited = None;
                    sub.stdout.push_str(&inner);
                    c
                }
                p if self.is_program(p) => self.builtin(p, &argv[1..], &mut sub),
                _ => {
                    let p = self.sh_prefix(cmd.line);
                    _ = write!(sub.stderr, "{p}{}: not found\n", argv[0]);
                    127
                }
            };
            if err_to_out {
                let late = std::mem::take(&mut sub.stderr_after);
                sub.stdout.insert_str(0, &std::mem::take(&mut sub.stderr));
                sub.stdout.push_str(&late);
            }
            io.stdout.push_str(&sub.stdout);
            io.stderr.push_str(&sub.stderr);
            io.stderr.push_str(&sub.stderr_after);
            code
        };
        if let Some((target, append)) = err_to {
            let text = std::mem::take(&mut io.stderr);
            let _ = self.write_target(&target, &text, append);
        }
        if let Some((target, append)) = out_to {
            let text = std::mem::take(&mut io.stdout);
            if let Err(e) = self.write_target(&target, &text, append) {
                let p = self.sh_prefix(cmd.line);
                _ = write!(io.stderr, "{p}{e}\n");
                return 1;
            }
        }
        code
    }

    fn abs(&self, path: &str) -> String {
        volumes::absolute(&self.cwd, path)
    }

    fn read(&self, path: &str) -> Result<String, FsError> {
        if path == "/dev/null" {
            return Ok(String::new());
        }
        volumes::read(self.sim, &self.pod, &self.container, &self.abs(path))
    }

    /// Opens a redirect target as the shell does before running the command (truncating
    /// it for `>`); on failure prints the shell's message and gives the exit status.
    fn open_for_write(
        &mut self,
        target: &str,
        append: bool,
        line: usize,
        io: &mut Io,
    ) -> Result<(), i32> {
        if target == "/dev/null" || target == "/dev/stdout" || target == "/dev/stderr" {
            return Ok(());
        }
        let abs = self.abs(target);
        let r = volumes::write(self.sim, &self.pod, &self.container, &abs, "", append);
        match r {
            // `>` truncated it already (a write of nothing, not appending).
            Ok(()) => Ok(()),
            Err(e) => {
                let p = self.sh_prefix(line);
                let msg = match self.flavor {
                    Flavor::Gnu => format!("{p}cannot create {target}: {}", volumes::gnu_text(&e)),
                    Flavor::Busybox => {
                        format!("{p}can't create {target}: {}", volumes::busybox_text(&e))
                    }
                };
                io.stderr.push_str(&msg);
                io.stderr.push('\n');
                Err(if self.flavor == Flavor::Gnu { 2 } else { 1 })
            }
        }
    }

    fn write_target(&mut self, target: &str, text: &str, _append: bool) -> Result<(), String> {
        match target {
            "/dev/null" => return Ok(()),
            "/dev/stdout" | "/dev/stderr" => {
                self.out.push_str(text);
                return Ok(());
            }
            _ => {}
        }
        let abs = self.abs(target);
        let current = volumes::read(self.sim, &self.pod, &self.container, &abs).unwrap_or_default();
        if current.len() + text.len() > MAX_FILE_BYTES {
            return Err(format!("write error: No space left on device ({target})"));
        }
        // The file was opened (and truncated if `>`) already: append what the command wrote.
        volumes::write(self.sim, &self.pod, &self.container, &abs, text, true)
            .map_err(|e| format!("can't create {target}: {}", volumes::busybox_text(&e)))
    }

    fn cd(&mut self, args: &[String], line: usize, io: &mut Io) -> i32 {
        let target = args
            .first()
            .cloned()
            .unwrap_or_else(|| self.env.get("HOME").cloned().unwrap_or("/".into()));
        let abs = self.abs(&target);
        if volumes::is_dir(self.sim, &self.pod, &self.container, &abs) {
            self.cwd = abs;
            return 0;
        }
        let p = self.sh_prefix(line);
        match self.flavor {
            Flavor::Gnu => io
                .stderr
                .push_str(&format!("{p}cd: can't cd to {target}\n")),
            Flavor::Busybox => {
                _ = write!(
                    io.stderr,
                    "{p}cd: can't cd to {target}: No such file or directory\n"
                )
            }
        }
        if self.flavor == Flavor::Gnu {
            2
        } else {
            1
        }
    }

    fn builtin(&mut self, prog: &str, args: &[String], io: &mut Io) -> i32 {
        let gnu = self.flavor == Flavor::Gnu;
        match prog {
            "true" | "sleep" => 0,
            "false" => 1,
            "pwd" => {
                io.stdout.push_str(&self.cwd);
                io.stdout.push('\n');
                0
            }
            "hostname" => {
                io.stdout.push_str(&self.pod.meta.name);
                io.stdout.push('\n');
                0
            }
            "env" => {
                for (k, v) in &self.env {
                    _ = write!(io.stdout, "{k}={v}\n");
                }
                0
            }
            // `printenv NAME…`: each value set, a line each; 1 if any is not set.
            "printenv" if args.is_empty() => self.builtin("env", args, io),
            "printenv" => {
                let mut code = 0;
                for name in args {
                    match self.env.get(name) {
                        Some(v) => _ = write!(io.stdout, "{v}\n"),
                        None => code = 1,
                    }
                }
                code
            }
            "curl" => {
                let (o, route) = crate::curl::request(self, args);
                self.route = route.or(self.route.take());
                io.stdout.push_str(&o.text);
                o.code
            }
            "wget" => {
                let (r, route) = crate::netcmd::wget(self, args);
                self.route = route.or(self.route.take());
                io.stdout.push_str(&r.stdout);
                io.stderr.push_str(&r.stderr);
                io.stderr_after.push_str(&r.stderr_after);
                r.code
            }
            "nslookup" => {
                let kind = crate::netcmd::Nslookup::for_image(&self.image);
                let r = crate::netcmd::nslookup(self.sim, &self.pod.meta.namespace, kind, args);
                io.stdout.push_str(&r.stdout);
                io.stderr.push_str(&r.stderr);
                io.stderr_after.push_str(&r.stderr_after);
                r.code
            }
            "echo" => {
                let mut newline = true;
                let mut escapes = gnu; // dash's echo interprets escapes
                let mut rest = args;
                while let Some(f) = rest.first() {
                    match f.as_str() {
                        "-n" => newline = false,
                        "-e" => escapes = true,
                        "-E" => escapes = false,
                        "-ne" | "-en" => {
                            newline = false;
                            escapes = true;
                        }
                        _ => break,
                    }
                    rest = &rest[1..];
                }
                let text = rest.join(" ");
                io.stdout
                    .push_str(&if escapes { unescape(&text) } else { text });
                if newline {
                    io.stdout.push('\n');
                }
                0
            }
            "printf" => {
                let Some(fmt) = args.first() else {
                    io.stderr.push_str(if gnu {
                        "printf: usage: printf format [arg ...]\n"
                    } else {
                        "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: printf FORMAT [ARG]...\n"
                    });
                    return if gnu { 2 } else { 1 };
                };
                io.stdout.push_str(&printf(fmt, &args[1..]));
                0
            }
            "grep" | "head" | "tail" | "wc" | "sort" => {
                let read = |f: &str| {
                    self.read(f).map_err(|e| {
                        if gnu {
                            volumes::gnu_text(&e)
                        } else {
                            volumes::busybox_text(&e)
                        }
                        .to_string()
                    })
                };
                let r = crate::textutil::run(prog, args, &io.stdin, &read, gnu);
                io.stdout.push_str(&r.0);
                io.stderr.push_str(&r.1);
                r.2
            }
            "cat" => {
                let mut code = 0;
                let files: Vec<&String> = args.iter().filter(|a| *a != "-").collect();
                if files.is_empty() {
                    io.stdout.push_str(&io.stdin.clone());
                }
                for f in files {
                    match self.read(f) {
                        Ok(t) => io.stdout.push_str(&t),
                        Err(e) => {
                            code = 1;
                            let msg = match (gnu, &e) {
                                (true, _) => format!("cat: {f}: {}\n", volumes::gnu_text(&e)),
                                (false, FsError::IsADirectory) => {
                                    "cat: read error: Is a directory\n".into()
                                }
                                (false, _) => format!(
                                    "cat: can't open '{f}': {}\n",
                                    volumes::busybox_text(&e)
                                ),
                            };
                            io.stderr.push_str(&msg);
                        }
                    }
                }
                code
            }
            "ls" => {
                let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                let show_all = args.iter().any(|a| a.starts_with('-') && a.contains('a'));
                let targets: Vec<String> = if paths.is_empty() {
                    vec![".".into()]
                } else {
                    paths.iter().map(|p| p.to_string()).collect()
                };
                let mut code = 0;
                let many = targets.len() > 1;
                let mut first = true;
                for t in &targets {
                    let abs = self.abs(t);
                    match volumes::list(self.sim, &self.pod, &self.container, &abs) {
                        Ok(entries) => {
                            let is_file = entries.len() == 1
                                && entries[0] == abs
                                && !volumes::is_dir(self.sim, &self.pod, &self.container, &abs);
                            if is_file {
                                _ = write!(io.stdout, "{t}\n");
                                continue;
                            }
                            if many {
                                if !first {
                                    io.stdout.push('\n');
                                }
                                _ = write!(io.stdout, "{t}:\n");
                            }
                            first = false;
                            if show_all {
                                io.stdout.push_str(".\n..\n");
                            }
                            for e in entries {
                                io.stdout.push_str(&e);
                                io.stdout.push('\n');
                            }
                        }
                        Err(e) => {
                            code = if gnu { 2 } else { 1 };
                            io.stderr.push_str(&if gnu {
                                format!("ls: cannot access '{t}': {}\n", volumes::gnu_text(&e))
                            } else {
                                format!("ls: {t}: {}\n", volumes::busybox_text(&e))
                            });
                        }
                    }
                }
                code
            }
            "mkdir" => {
                let parents = args.iter().any(|a| a.starts_with('-') && a.contains('p'));
                let mut code = 0;
                for d in args.iter().filter(|a| !a.starts_with('-')) {
                    let abs = self.abs(d);
                    if let Err(e) =
                        volumes::mkdir(self.sim, &self.pod, &self.container, &abs, parents)
                    {
                        code = 1;
                        io.stderr.push_str(&if gnu {
                            format!(
                                "mkdir: cannot create directory '{d}': {}\n",
                                volumes::gnu_text(&e)
                            )
                        } else {
                            format!(
                                "mkdir: can't create directory '{d}': {}\n",
                                volumes::busybox_text(&e)
                            )
                        });
                    }
                }
                code
            }
            "touch" => {
                let mut code = 0;
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    let abs = self.abs(f);
                    if volumes::is_dir(self.sim, &self.pod, &self.container, &abs) {
                        continue;
                    }
                    if let Err(e) =
                        volumes::write(self.sim, &self.pod, &self.container, &abs, "", true)
                    {
                        code = 1;
                        io.stderr.push_str(&if gnu {
                            format!(
                                "touch: cannot touch '{f}': {}\n",
                                volumes::gnu_text(&e)
                                    .replace("Directory nonexistent", "No such file or directory")
                            )
                        } else {
                            format!(
                                "touch: {f}: {}\n",
                                volumes::busybox_text(&e)
                                    .replace("nonexistent directory", "No such file or directory")
                            )
                        });
                    }
                }
                code
            }
            "rm" => {
                let flags: String = args
                    .iter()
                    .filter(|a| a.starts_with('-'))
                    .map(|a| a.trim_start_matches('-'))
                    .collect();
                let recursive = flags.contains('r') || flags.contains('R');
                let force = flags.contains('f');
                let mut code = 0;
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    let abs = self.abs(f);
                    match volumes::remove(self.sim, &self.pod, &self.container, &abs, recursive) {
                        Ok(()) => {}
                        Err(FsError::NotFound) if force => {}
                        Err(e) => {
                            code = 1;
                            io.stderr.push_str(&match (gnu, &e) {
                                (true, _) => {
                                    format!("rm: cannot remove '{f}': {}\n", volumes::gnu_text(&e))
                                }
                                (false, FsError::IsADirectory) => {
                                    format!("rm: '{f}' is a directory\n")
                                }
                                (false, _) => format!(
                                    "rm: can't remove '{f}': {}\n",
                                    volumes::busybox_text(&e)
                                ),
                            });
                        }
                    }
                }
                code
            }
            _ => 127,
        }
    }
}

/// Backslash escapes of `echo -e` / dash's echo.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('c') => break,
            Some(x) => {
                out.push('\\');
                out.push(x);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `printf FORMAT ARGS…` for `%s`, `%d`, `%%` and backslash escapes; the format is reused
/// while arguments remain.
fn printf(fmt: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut i = 0;
    loop {
        let mut used = false;
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('\\') => out.push('\\'),
                    Some(x) => {
                        out.push('\\');
                        out.push(x);
                    }
                    None => out.push('\\'),
                },
                '%' => match chars.next() {
                    Some('%') => out.push('%'),
                    Some('s') | Some('d') | Some('b') => {
                        used = true;
                        if let Some(a) = args.get(i) {
                            out.push_str(a);
                        } else if fmt.contains("%d") {
                            out.push('0');
                        }
                        i += 1;
                    }
                    Some(x) => {
                        out.push('%');
                        out.push(x);
                    }
                    None => out.push('%'),
                },
                c => out.push(c),
            }
        }
        if !used || i >= args.len() {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_quotes_and_expansions() {
        let toks = lex("echo \"$(hostname)\" > /x; cat /x && ls").unwrap();
        assert_eq!(toks.len(), 9);
        assert!(
            matches!(&toks[1], Tok::Word(w) if matches!(&w[0], Part::Subst(s, false) if s == "hostname"))
        );
        assert_eq!(toks[2], Tok::Redir(">"));
        assert!(lex("echo 'a").is_err());
    }

    #[test]
    fn parses_lists() {
        let lists = parse_script(lex("a && b || c; d | e\nf").unwrap()).unwrap();
        assert_eq!(lists.len(), 3);
        assert_eq!(lists[0].items.len(), 3);
        assert_eq!(lists[1].items[0].1.len(), 2);
        assert!(parse_script(lex("&& a").unwrap()).is_err());
    }

    #[test]
    fn flavors() {
        assert_eq!(Flavor::for_image("busybox:1.36"), Flavor::Busybox);
        assert_eq!(Flavor::for_image("nginx:1.25-alpine"), Flavor::Busybox);
        assert_eq!(
            Flavor::for_image("registry.k8s.io/nginx-slim:0.24"),
            Flavor::Gnu
        );
        assert_eq!(printf("%s-%s\\n", &["a".into(), "b".into()]), "a-b\n");
    }
}
