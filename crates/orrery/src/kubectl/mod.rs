//! kubectl: parses a command line into a typed request, runs it against the simulator and
//! prints exactly what kubectl prints (R8, R9). One file per family of subcommands.

pub mod args;
pub mod exec;
pub mod get;
pub mod mutate;
pub mod print_config;
pub mod print_network;
pub mod print_storage;
pub mod print_workloads;
pub mod printers;
pub mod rollout;
pub mod table;

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

/// The subcommands kubectl has (for `unknown command` and completion).
pub const SUBCOMMANDS: &[&str] = &[
    "annotate",
    "api-resources",
    "apply",
    "config",
    "create",
    "delete",
    "describe",
    "exec",
    "get",
    "label",
    "logs",
    "patch",
    "port-forward",
    "rollout",
    "scale",
    "set",
    "version",
    "wait",
];

pub fn run(s: &mut Session, words: &[String], stdin: Option<&str>) -> Output {
    let Some(sub) = words.first() else {
        return Output::ok("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n");
    };
    let rest = &words[1..];
    match sub.as_str() {
        "get" => get::get(s, rest),
        "create" => mutate::create(s, rest, stdin),
        "apply" => mutate::apply(s, rest, stdin),
        "delete" => mutate::delete(s, rest, stdin),
        "scale" => mutate::scale(s, rest),
        "set" => rollout::set(s, rest),
        "rollout" => rollout::rollout(s, rest),
        "exec" => exec::exec(s, rest),
        "version" => version(s, rest),
        "api-resources" => get::api_resources(s, rest),
        "config" => config(rest),
        other if SUBCOMMANDS.contains(&other) => Output::err(
            format!("error: \"kubectl {other}\" is not simulated yet\n"),
            1,
        ),
        other => Output::err(
            format!(
                "error: unknown command \"{other}\" for \"kubectl\"\n\nDid you mean this?\n{}\n",
                suggest(other)
            ),
            1,
        ),
    }
}

fn suggest(word: &str) -> String {
    let best = SUBCOMMANDS
        .iter()
        .min_by_key(|c| edit_distance(word, c))
        .copied()
        .unwrap_or("get");
    format!("\t{best}")
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

fn version(s: &Session, words: &[String]) -> Output {
    let specs = specs(&[
        flag("client", None, false),
        flag("output", Some('o'), true),
        flag("short", None, false),
    ]);
    let a = match args::parse(words, &specs) {
        Ok(a) => a,
        Err(e) => return flag_error("version", &e),
    };
    let server = s.sim.version.git_version();
    let mut out = Output::default();
    out.line("Client Version: v1.34.0");
    out.line("Kustomize Version: v5.7.1");
    if !a.bool("client") {
        out.line(&format!("Server Version: {server}"));
    }
    out
}

fn config(words: &[String]) -> Output {
    match words.first().map(String::as_str) {
        Some("get-contexts") => Output::ok(
            "CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE\n*         minikube   minikube   minikube   default\n",
        ),
        Some("current-context") => Output::ok("minikube\n"),
        Some(other) => Output::err(format!("error: unknown command \"{other}\" for \"kubectl config\"\n"), 1),
        None => Output::err("error: Required subcommand: kubectl config get-contexts | current-context\n", 1),
    }
}

/// kubectl's framing of a flag-parsing error.
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
