//! kubectl: parses a command line into a typed request, runs it against the simulator and
//! prints exactly what kubectl prints (R8, R9). One file per family of subcommands.

pub mod args;
pub mod describe;
pub mod edit;
pub mod events;
pub mod exec;
pub mod expose;
pub mod fields;
pub mod get;
pub mod jsonpath;
pub mod logs;
pub mod mutate;
pub mod portforward;
pub mod print_config;
pub mod print_network;
pub mod print_storage;
pub mod print_workloads;
pub mod printers;
pub mod rollout;
pub mod run_pod;
pub mod table;
pub mod tabwriter;
pub mod taint;
pub mod wait;
pub mod watch;

use args::{flag, FlagSpec};

use crate::shell::{Output, Session};

/// Flags every subcommand accepts.
pub const GLOBAL_FLAGS: &[FlagSpec] = &[
    flag("namespace", Some('n'), true),
    flag("context", None, true),
    flag("kubeconfig", None, true),
    flag("v", Some('v'), true),
    flag("request-timeout", None, true),
];

/// Flag specs for a subcommand: the global ones plus its own.
pub fn specs(own: &[FlagSpec]) -> Vec<FlagSpec> {
    GLOBAL_FLAGS.iter().chain(own.iter()).copied().collect()
}

/// The subcommands kubectl 1.34 has, in its order (for `unknown command`, its
/// suggestions, and completion). Not all are simulated.
pub const SUBCOMMANDS: &[&str] = &[
    "alpha",
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "config",
    "cordon",
    "cp",
    "create",
    "debug",
    "delete",
    "describe",
    "diff",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "help",
    "kustomize",
    "label",
    "logs",
    "options",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "taint",
    "top",
    "uncordon",
    "version",
    "wait",
];

pub fn run(s: &mut Session, words: &[String], stdin: Option<&str>) -> Output {
    let Some(sub) = words.first() else {
        return Output::ok("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n");
    };
    let rest = &words[1..];
    // The old ways of asking for a dry run are read, with klog's deprecation warning
    // first (kubectl logs it before the command runs).
    if let Some(warning) = DRY_RUN_COMMANDS
        .contains(&sub.as_str())
        .then(|| mutate::dry_run_warning(s.sim.now, rest))
        .flatten()
    {
        let mut out = dispatch(s, sub, rest, stdin);
        out.text.insert_str(0, &warning);
        return out;
    }
    dispatch(s, sub, rest, stdin)
}

/// The simulated subcommands that take `--dry-run`.
const DRY_RUN_COMMANDS: &[&str] = &[
    "create", "apply", "run", "patch", "label", "annotate", "set", "rollout",
];

fn dispatch(s: &mut Session, sub: &str, rest: &[String], stdin: Option<&str>) -> Output {
    match sub {
        "get" => get::get(s, rest),
        "create" => mutate::create(s, rest, stdin),
        "apply" => mutate::apply(s, rest, stdin),
        "delete" => mutate::delete(s, rest, stdin),
        "scale" => mutate::scale(s, rest),
        "port-forward" => portforward::port_forward(s, rest),
        "set" => rollout::set(s, rest),
        "rollout" => rollout::rollout(s, rest),
        "exec" => exec::exec(s, rest),
        "logs" => logs::logs(s, rest),
        "version" => version(s, rest),
        "api-resources" => get::api_resources(s, rest),
        "config" => config(rest),
        "describe" => describe::describe(s, rest),
        "patch" => edit::patch(s, rest),
        "label" => edit::label(s, rest),
        "annotate" => edit::annotate(s, rest),
        "wait" => wait::wait(s, rest),
        "events" => events::events(s, rest),
        "run" => run_pod::run_pod(s, rest),
        "expose" => expose::expose(s, rest),
        "cluster-info" => cluster_info(s, rest),
        "top" => top(rest),
        "replace" => mutate::replace(s, rest, stdin),
        "cordon" => cordon(s, rest, true),
        "uncordon" => cordon(s, rest, false),
        "taint" => taint::taint(s, rest),
        other if SUBCOMMANDS.contains(&other) => Output::err(
            format!("error: \"kubectl {other}\" is not simulated yet\n"),
            1,
        ),
        other => Output::err(
            format!(
                "error: unknown command \"{other}\" for \"kubectl\"{}\n",
                suggestions(other)
            ),
            1,
        ),
    }
}

/// cobra's `findSuggestions`: commands within edit distance 2 (case-insensitive) or
/// starting with what was typed, in command order.
fn suggestions(word: &str) -> String {
    let typed = word.to_ascii_lowercase();
    let found: Vec<&str> = SUBCOMMANDS
        .iter()
        .filter(|c| edit_distance(&typed, c) <= 2 || c.starts_with(typed.as_str()))
        .copied()
        .collect();
    if found.is_empty() {
        return String::new();
    }
    let mut s = String::from("\n\nDid you mean this?");
    for c in found {
        s.push_str("\n\t");
        s.push_str(c);
    }
    s
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + (ca != *cb) as usize)
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The kubectl this simulator plays.
pub const CLIENT_MINOR: u32 = 34;

/// The API server's address, as the kubeconfig minikube writes names it.
const API_SERVER: &str = "https://192.168.49.2:8443";

/// `kubectl cluster-info`: the control plane's address, then each Service of
/// `kubectl top node|pod`: the simulated cluster runs no Metrics Server (minikube's
/// `metrics-server` addon is not simulated), so kubectl finds no Metrics API, as on a
/// minikube without that addon. Without a subcommand, cobra's `DefaultSubCommandRun`:
/// the help, or an unknown command.
/// The taint the node lifecycle controller keeps on an unschedulable node.
pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// `kubectl cordon|uncordon NODE`: `spec.unschedulable` on (with the controller's
/// `node.kubernetes.io/unschedulable:NoSchedule` taint) or off. New pods that do not
/// tolerate the taint stay Pending (`node(s) were unschedulable`); pods already on the
/// node keep running. `kubectl get nodes` shows `Ready,SchedulingDisabled`.
fn cordon(s: &mut Session, words: &[String], on: bool) -> Output {
    let verb = if on { "cordon" } else { "uncordon" };
    let a = match args::parse(words, &specs(&[flag("dry-run", None, true)])) {
        Ok(a) => a,
        Err(e) => return flag_error(verb, &e),
    };
    // `--dry-run`: kubectl says what it would do and changes nothing.
    let dry = match mutate::DryRun::of(&a) {
        Ok(d) => d.suffix(),
        Err(o) => return o,
    };
    let Some(name) = a.positional.first() else {
        return Output::err(
            format!("error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples\n"),
            1,
        );
    };
    let Some(node) = s.sim.store.find("Node", "", name).cloned() else {
        return Output::err(
            format!("Error from server (NotFound): nodes \"{name}\" not found\n"),
            1,
        );
    };
    let done = if on { "cordoned" } else { "uncordoned" };
    if node
        .get(&["spec", "unschedulable"])
        .as_bool()
        .unwrap_or(false)
        == on
    {
        return Output::ok(format!("node/{name} already {done}\n"));
    }
    if !dry.is_empty() {
        return Output::ok(format!("node/{name} {done}{dry}\n"));
    }
    let mut n = node.clone();
    let mut taints: Vec<serde_json::Value> = n
        .get(&["spec", "taints"])
        .as_array()
        .cloned()
        .unwrap_or_default();
    taints.retain(|t| t.get("key").and_then(|k| k.as_str()) != Some(UNSCHEDULABLE_TAINT));
    if on {
        n.set(&["spec", "unschedulable"], serde_json::json!(true));
        taints.push(
            serde_json::json!({"effect": "NoSchedule", "key": UNSCHEDULABLE_TAINT,
            "timeAdded": crate::time::rfc3339(s.sim.now)}),
        );
    } else if let Some(spec) = n.get_mut(&["spec"]).as_object_mut() {
        spec.remove("unschedulable");
    }
    if taints.is_empty() {
        if let Some(spec) = n.get_mut(&["spec"]).as_object_mut() {
            spec.remove("taints");
        }
    } else {
        n.set(&["spec", "taints"], serde_json::Value::Array(taints));
    }
    match s.sim.update(n) {
        Ok(_) => {
            s.sim.settle();
            Output::ok(format!("node/{name} {done}\n"))
        }
        Err(e) => Output::err(format!("{}\n", e.kubectl_text()), 1),
    }
}

fn top(words: &[String]) -> Output {
    match words
        .iter()
        .find(|w| !w.starts_with('-'))
        .map(String::as_str)
    {
        Some("node" | "nodes" | "no" | "pod" | "pods" | "po") => {
            Output::err("error: Metrics API not available\n", 1)
        }
        Some(other) => usage_error("top", &format!("unknown command {other:?}")),
        None => Output::err(TOP_HELP, 1),
    }
}

/// What `kubectl top` prints without its subcommand (to standard error).
const TOP_HELP: &str = "Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node        Display resource (CPU/memory) usage of nodes
  pod         Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use \"kubectl top <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// `kube-system` (or `-n`) labelled `kubernetes.io/cluster-service=true`, by its
/// `kubernetes.io/name` label, at its API-server proxy path (kubectl colours the names
/// in a terminal; the console prints plain text). `dump` is not simulated.
fn cluster_info(s: &Session, words: &[String]) -> Output {
    let a = match args::parse(words, &specs(&[])) {
        Ok(a) => a,
        Err(e) => return flag_error("cluster-info", &e),
    };
    if a.positional.first().map(String::as_str) == Some("dump") {
        return Output::err(
            "error: \"kubectl cluster-info dump\" is not simulated yet\n",
            1,
        );
    }
    let ns = a.get("namespace").unwrap_or("kube-system");
    let mut out = Output::default();
    out.linef(format_args!(
        "Kubernetes control plane is running at {API_SERVER}"
    ));
    for svc in s.sim.store.list("Service", ns) {
        if svc
            .meta
            .labels
            .get("kubernetes.io/cluster-service")
            .map(String::as_str)
            != Some("true")
        {
            continue;
        }
        let port = &svc.get(&["spec", "ports"])[0];
        let mut path = svc.meta.name.clone();
        if port.is_object() {
            let port_name = port["name"].as_str().unwrap_or_default();
            let https = port_name == "https" || port["port"].as_i64() == Some(443);
            path = match (https, port_name.is_empty()) {
                (true, _) => format!("https:{path}:{port_name}"),
                (false, false) => format!("{path}:{port_name}"),
                (false, true) => path,
            };
        }
        let shown = svc
            .meta
            .labels
            .get("kubernetes.io/name")
            .unwrap_or(&svc.meta.name);
        out.linef(format_args!(
            "{shown} is running at {API_SERVER}/api/v1/namespaces/{ns}/services/{path}/proxy"
        ));
    }
    out.line("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    out
}

fn version(s: &Session, words: &[String]) -> Output {
    let specs = specs(const { &[flag("client", None, false), flag("output", Some('o'), true)] });
    let a = match args::parse(words, &specs) {
        Ok(a) => a,
        Err(e) => return flag_error("version", &e),
    };
    let client = format!("v1.{CLIENT_MINOR}.0");
    let server = s.sim.version.git_version();
    let with_server = !a.bool("client");
    match a.get("output") {
        None | Some("") => {}
        Some(fmt @ ("json" | "yaml")) => {
            let info = |v: &str, minor: u32| {
                serde_json::json!({"major": "1", "minor": minor.to_string(), "gitVersion": v,
                    "gitTreeState": "clean", "compiler": "gc", "platform": "linux/amd64"})
            };
            let mut doc = serde_json::json!({
                "clientVersion": info(&client, CLIENT_MINOR),
                "kustomizeVersion": "v5.7.1",
            });
            if with_server {
                doc["serverVersion"] = info(&server, s.sim.version.minor);
            }
            let text = if fmt == "json" {
                format!(
                    "{}\n",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                )
            } else {
                crate::manifest::to_yaml(&doc)
            };
            return Output::ok(text);
        }
        Some(_) => return Output::err("error: --output must be 'yaml' or 'json'\n", 1),
    }
    let mut out = Output::default();
    out.linef(format_args!("Client Version: {client}"));
    out.line("Kustomize Version: v5.7.1");
    if with_server {
        out.linef(format_args!("Server Version: {server}"));
        let skew = (CLIENT_MINOR as i64 - s.sim.version.minor as i64).abs();
        if skew > 1 {
            out.linef(format_args!(
                "WARNING: version difference between client (1.{CLIENT_MINOR}) and server (1.{}) exceeds the supported minor version skew of +/-1",
                s.sim.version.minor
            ));
        }
    }
    out
}

/// `kubectl config`: the one minikube context of the simulated machine.
fn config(words: &[String]) -> Output {
    match words.first().map(String::as_str) {
        Some("get-contexts") => Output::ok(
            "CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE\n*         minikube   minikube   minikube   default\n",
        ),
        Some("current-context") => Output::ok("minikube\n"),
        Some("get-clusters") => Output::ok("NAME\nminikube\n"),
        Some("get-users") => Output::ok("NAME\nminikube\n"),
        Some("use-context") => match words.get(1).map(String::as_str) {
            Some("minikube") => Output::ok("Switched to context \"minikube\".\n"),
            Some(other) => Output::err(
                format!("error: no context exists with the name: \"{other}\"\n"),
                1,
            ),
            None => Output::err(
                "error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples\n",
                1,
            ),
        },
        Some("view") => Output::ok(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority: /home/user/.minikube/ca.crt\n    server: https://192.168.49.2:8443\n  name: minikube\ncontexts:\n- context:\n    cluster: minikube\n    namespace: default\n    user: minikube\n  name: minikube\ncurrent-context: minikube\nkind: Config\npreferences: {}\nusers:\n- name: minikube\n  user:\n    client-certificate: /home/user/.minikube/profiles/minikube/client.crt\n    client-key: /home/user/.minikube/profiles/minikube/client.key\n",
        ),
        Some(other @ ("set-context" | "set-cluster" | "set-credentials" | "set" | "unset" | "delete-context" | "delete-cluster" | "rename-context")) => Output::err(
            format!("error: \"kubectl config {other}\" is not simulated yet\n"),
            1,
        ),
        Some(other) => Output::err(
            format!("error: unknown command \"{other}\" for \"kubectl config\"\n"),
            1,
        ),
        None => Output::err(
            "Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\"\n",
            0,
        ),
    }
}

/// kubectl's framing of a flag-parsing error.
/// kubectl's usage error (`cmdutil.UsageErrorf`): the message, and where to read more.
pub fn usage_error(sub: &str, msg: &str) -> Output {
    Output::err(
        format!("error: {msg}\nSee 'kubectl {sub} -h' for help and examples\n"),
        1,
    )
}

/// Go's `strconv.Atoi` as kubectl's generators read a port, with its error as kubectl
/// prints it.
pub fn atoi(v: &str) -> Result<i64, Output> {
    v.parse::<i64>().map_err(|_| {
        Output::err(
            format!("error: strconv.Atoi: parsing \"{v}\": invalid syntax\n"),
            1,
        )
    })
}

/// `k=v` items (labels, annotations, a map-based selector) as a JSON map, or
/// `what: item` for an item without `=` or with an empty key.
pub fn key_values<'a>(
    items: impl Iterator<Item = &'a str>,
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut m = serde_json::Map::new();
    for item in items {
        match item.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                m.insert(k.to_string(), serde_json::Value::String(v.to_string()));
            }
            _ => return Err(format!("{what}: {item}")),
        }
    }
    Ok(m)
}

pub fn flag_error(sub: &str, e: &str) -> Output {
    Output::err(
        format!("error: {e}\nSee 'kubectl {sub} --help' for usage.\n"),
        1,
    )
}

/// The namespace a command works in: `-n`, else `default`.
pub fn namespace_of(a: &args::Args) -> String {
    a.get("namespace")
        .filter(|n| !n.is_empty())
        .unwrap_or("default")
        .to_string()
}
