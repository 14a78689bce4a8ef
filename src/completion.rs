//! Tab completion for the console: what could come next at the end of a command line.
//! Commands (kubectl and its subcommands, minikube, curl, sleep), kinds as this cluster's
//! discovery serves them (plural, singular and short names) and the names of stored
//! objects, in the namespace the line names with `-n` (or `default`). A pure function of
//! the line and the simulator, so it is tested natively.

use std::collections::BTreeSet;

use orrery::api::kinds::ResourceType;
use orrery::kubectl::SUBCOMMANDS;
use orrery::shell::Session;
use orrery::sim::Sim;

/// The commands the console's language has (TRANSCRIPT.md).
pub const COMMANDS: &[&str] = &[
    "cat", "clear", "curl", "echo", "grep", "head", "kubectl", "minikube", "sleep", "sort", "tail",
    "wc",
];

const MINIKUBE: &[&str] = &[
    "addons", "delete", "ip", "start", "status", "stop", "tunnel", "version",
];
const MINIKUBE_ADDONS: &[&str] = &["disable", "enable", "list"];
const ROLLOUT: &[&str] = &["history", "pause", "restart", "resume", "status", "undo"];
const CREATE: &[&str] = &[
    "configmap",
    "deployment",
    "ingress",
    "namespace",
    "secret",
    "service",
];
const SET: &[&str] = &["image"];
const CONFIG: &[&str] = &[
    "current-context",
    "get-clusters",
    "get-contexts",
    "get-users",
    "use-context",
    "view",
];
const OUTPUTS: &[&str] = &["json", "name", "wide", "yaml"];
const SLEEP: &[&str] = &["1s", "5s", "10s", "30s", "1m", "2m", "5m"];
const KUBECTL_FLAGS: &[&str] = &[
    "--all-namespaces",
    "--filename",
    "--image",
    "--namespace",
    "--output",
    "--replicas",
    "--restart",
    "--selector",
    "-A",
    "-f",
    "-l",
    "-n",
    "-o",
];
const CURL_FLAGS: &[&str] = &["-H", "-X", "-d", "-i", "-s", "-v"];

/// Subcommands whose first argument is a kind (or `kind/name`), then names.
const TAKES_KIND: &[&str] = &[
    "annotate", "delete", "describe", "edit", "expose", "get", "label", "patch", "scale", "wait",
];
/// Subcommands whose first argument is a pod (or `kind/name`).
const TAKES_POD: &[&str] = &["attach", "exec", "logs", "port-forward"];

/// What Tab offers: the candidates for the word that ends at the cursor, and where that
/// word starts (a byte offset into the line), so the caller can replace it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest prefix every candidate shares (what Tab inserts when there are many).
    pub fn common_prefix(&self) -> String {
        let mut it = self.candidates.iter();
        let Some(first) = it.next() else {
            return String::new();
        };
        let mut len = first.len();
        for c in it {
            len = first
                .char_indices()
                .zip(c.chars())
                .take_while(|((_, a), b)| a == b)
                .map(|((i, a), _)| i + a.len_utf8())
                .last()
                .unwrap_or(0)
                .min(len);
        }
        first[..len].to_string()
    }

    /// The line after accepting this completion: one candidate is inserted whole with a
    /// space after it (no space after `kind/`), several insert their common prefix.
    pub fn apply(&self, line: &str) -> String {
        let head = &line[..self.start.min(line.len())];
        match self.candidates.as_slice() {
            [] => line.to_string(),
            [one] if one.ends_with('/') || one.ends_with('=') => format!("{head}{one}"),
            [one] => format!("{head}{one} "),
            _ => {
                let prefix = self.common_prefix();
                let typed = &line[self.start.min(line.len())..];
                if prefix.len() > typed.len() {
                    format!("{head}{prefix}")
                } else {
                    line.to_string()
                }
            }
        }
    }
}

/// Candidates for the last word of `line` (the text before the cursor).
pub fn complete(line: &str, session: &Session) -> Completion {
    // The word being completed runs from the last whitespace to the end.
    let start = line
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let partial = &line[start..];
    let words: Vec<&str> = line[..start].split_whitespace().collect();
    // After `|`, `&&`, `||` or `;` a new command starts.
    let from = words
        .iter()
        .rposition(|w| matches!(*w, "|" | "&&" | "||" | ";"))
        .map_or(0, |i| i + 1);
    let mut candidates = candidates(&words[from..], partial, session);
    candidates.retain(|c| c.starts_with(partial));
    // The simulator's one stable sort, not another copy of the standard one.
    orrery::sort::StableSort::sort_stable(&mut candidates[..]);
    candidates.dedup();
    Completion { start, candidates }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn candidates(words: &[&str], partial: &str, session: &Session) -> Vec<String> {
    let sim = &session.sim;
    if matches!(words.last(), Some(&("-f" | "--filename"))) {
        return session.files.keys().cloned().collect();
    }
    let Some(&command) = words.first() else {
        return strings(COMMANDS);
    };
    match command {
        "kubectl" | "k" => kubectl(&words[1..], partial, sim),
        "minikube" => match words.get(1..) {
            Some([]) => strings(MINIKUBE),
            Some(["addons"]) => strings(MINIKUBE_ADDONS),
            Some(["addons", "enable" | "disable"]) => orrery::minikube::ADDONS
                .iter()
                .map(|(name, _)| name.to_string())
                .collect(),
            Some(["start", ..]) if partial.starts_with('-') => strings(&[
                "--addons=",
                "--driver=",
                "--kubernetes-version=",
                "--profile=",
            ]),
            _ => vec![],
        },
        "curl" if partial.starts_with('-') => strings(CURL_FLAGS),
        "sleep" if words.len() == 1 => strings(SLEEP),
        "cat" => session.files.keys().cloned().collect(),
        _ => vec![],
    }
}

/// The namespace a kubectl line names (`-n X`, `--namespace X`, `--namespace=X`, `-nX`),
/// and whether it asks for every namespace (`-A`, `--all-namespaces`).
pub fn namespace_of(words: &[&str]) -> (Option<String>, bool) {
    let mut namespace = None;
    let mut all = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "-n" || w == "--namespace" {
            if let Some(n) = words.get(i + 1) {
                namespace = Some(n.to_string());
            }
            i += 1;
        } else if let Some(n) = w.strip_prefix("--namespace=") {
            namespace = Some(n.to_string());
        } else if let Some(n) = w
            .strip_prefix("-n")
            .filter(|n| !n.is_empty() && !w.starts_with("--"))
        {
            namespace = Some(n.trim_start_matches('=').to_string());
        } else if w == "-A" || w == "--all-namespaces" {
            all = true;
        }
        i += 1;
    }
    (namespace, all)
}

/// Flags whose value is the next word.
const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "-o",
    "--output",
    "-l",
    "--selector",
    "-f",
    "--filename",
    "-p",
    "--patch",
    "--type",
    "--replicas",
    "--image",
    "--port",
    "--restart",
    "--env",
    "--labels",
    "--annotations",
    "--for",
    "--timeout",
    "-c",
    "--container",
];

/// The positional arguments after the subcommand (flags and their values left out).
fn positionals<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut out = vec![];
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        if w == "--" {
            break;
        }
        if w.starts_with('-') {
            if VALUE_FLAGS.contains(&w) {
                i += 1;
            }
        } else {
            out.push(w);
        }
        i += 1;
    }
    out
}

fn kubectl(args: &[&str], partial: &str, sim: &Sim) -> Vec<String> {
    let (namespace, all) = namespace_of(args);
    let namespace = namespace.unwrap_or_else(|| "default".to_string());
    // A flag's value.
    match args.last().copied() {
        Some("-n" | "--namespace") => return names_of(sim, "namespaces", &namespace, false),
        Some("-o" | "--output") => return strings(OUTPUTS),
        Some("--restart") => return strings(&["Always", "Never", "OnFailure"]),
        Some(w) if VALUE_FLAGS.contains(&w) => return vec![],
        _ => {}
    }
    if partial.starts_with('-') {
        return strings(KUBECTL_FLAGS);
    }
    // The subcommand is the first word that is not a flag (`kubectl -n x get …`).
    let all_pos = positionals(args);
    let Some((&sub, pos)) = all_pos.split_first() else {
        return strings(SUBCOMMANDS);
    };
    let pos = pos.to_vec();
    // `kind/name`: names of that kind.
    if let Some((kind, _)) = partial.split_once('/') {
        return names_of(sim, kind, &namespace, all)
            .into_iter()
            .map(|n| format!("{kind}/{n}"))
            .collect();
    }
    match sub {
        "rollout" => match pos.as_slice() {
            [] => strings(ROLLOUT),
            [_] => workload_kinds(),
            [_, kind] if !kind.contains('/') => names_of(sim, kind, &namespace, all),
            _ => vec![],
        },
        "create" => match pos.as_slice() {
            [] => strings(CREATE),
            ["service" | "svc"] => {
                strings(&["clusterip", "externalname", "loadbalancer", "nodeport"])
            }
            ["secret"] => strings(&["docker-registry", "generic", "tls"]),
            _ => vec![],
        },
        "set" => match pos.as_slice() {
            [] => strings(SET),
            [_] => workload_kinds(),
            [_, kind] if !kind.contains('/') => names_of(sim, kind, &namespace, all),
            _ => vec![],
        },
        "config" => match pos.as_slice() {
            [] => strings(CONFIG),
            _ => vec![],
        },
        "scale" => match pos.as_slice() {
            [] => strings(&["deployment", "replicaset", "statefulset"]),
            [kind] if !kind.contains('/') => names_of(sim, kind, &namespace, all),
            _ => vec![],
        },
        s if TAKES_KIND.contains(&s) => match pos.as_slice() {
            [] => {
                let mut k = kinds(sim);
                if s == "get" {
                    k.push("all".to_string());
                }
                k
            }
            // After the kind, any number of names (`kubectl delete pod a b`).
            [kind, ..] if !kind.contains('/') && *kind != "all" => {
                let mut already: BTreeSet<&str> = BTreeSet::new();
                already.extend(pos[1..].iter().copied());
                names_of(sim, kind, &namespace, all)
                    .into_iter()
                    .filter(|n| !already.contains(n.as_str()))
                    .collect()
            }
            _ => vec![],
        },
        s if TAKES_POD.contains(&s) => match pos.as_slice() {
            [] => {
                let mut pods = names_of(sim, "pods", &namespace, all);
                if s == "port-forward" {
                    pods = pods.into_iter().map(|p| format!("pod/{p}")).collect();
                    pods.extend(strings(&["deployment/", "pod/", "svc/"]));
                }
                pods
            }
            _ => vec![],
        },
        _ => vec![],
    }
}

fn workload_kinds() -> Vec<String> {
    strings(&["daemonset", "deployment", "statefulset"])
}

/// Every name a kind can be typed as: plural, singular, short names.
pub fn kinds(sim: &Sim) -> Vec<String> {
    let mut out = vec![];
    for t in sim.discovery.types() {
        out.push(t.plural.clone());
        out.push(t.singular.clone());
        out.extend(t.short_names.iter().cloned());
    }
    out
}

/// Names of the stored objects of `kind` (as typed: `po`, `pods`, `sts`…) in `namespace`
/// (cluster-scoped kinds ignore it; `all` lists every namespace).
pub fn names_of(sim: &Sim, kind: &str, namespace: &str, all: bool) -> Vec<String> {
    let Some(t): Option<&ResourceType> = sim.discovery.resolve(kind) else {
        return vec![];
    };
    let gk = t.gk();
    let names: Vec<String> = if !t.namespaced {
        sim.store
            .list(&gk, "")
            .map(|o| o.meta.name.clone())
            .collect()
    } else if all {
        sim.store
            .list_all(&gk)
            .map(|o| o.meta.name.clone())
            .collect()
    } else {
        sim.store
            .list(&gk, namespace)
            .map(|o| o.meta.name.clone())
            .collect()
    };
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::shell::Session;

    fn session() -> Session {
        let mut s = Session::new(1);
        s.exec("kubectl create namespace pacman", None);
        s.exec(
            "kubectl create deployment web --image=nginx -n pacman",
            None,
        );
        s.exec("kubectl create deployment api --image=nginx", None);
        s.sim.advance(5_000);
        s
    }

    fn cands(line: &str, s: &Session) -> Vec<String> {
        complete(line, s).candidates
    }

    #[test]
    fn commands_at_the_start() {
        let s = Session::new(1);
        assert_eq!(cands("ku", &s), ["kubectl"]);
        assert_eq!(cands("m", &s), ["minikube"]);
        assert_eq!(cands("", &s), COMMANDS);
        assert_eq!(cands("kubectl get pods | gr", &s), ["grep"]);
        assert_eq!(cands("kubectl get pods && kubectl ge", &s), ["get"]);
    }

    #[test]
    fn kubectl_subcommands() {
        let s = Session::new(1);
        assert_eq!(cands("kubectl ge", &s), ["get"]);
        assert_eq!(cands("kubectl de", &s), ["debug", "delete", "describe"]);
        assert_eq!(cands("kubectl rollout r", &s), ["restart", "resume"]);
    }

    #[test]
    fn kinds_include_short_names() {
        let s = Session::new(1);
        let c = cands("kubectl get st", &s);
        assert!(c.contains(&"statefulsets".to_string()), "{c:?}");
        assert!(c.contains(&"sts".to_string()), "{c:?}");
        assert!(c.contains(&"storageclasses".to_string()), "{c:?}");
        assert_eq!(cands("kubectl get s", &s).contains(&"sc".to_string()), true);
        assert!(cands("kubectl get a", &s).contains(&"all".to_string()));
        assert!(!cands("kubectl describe a", &s).contains(&"all".to_string()));
    }

    #[test]
    fn object_names_follow_the_namespace_flag() {
        let s = session();
        assert_eq!(cands("kubectl get deploy ", &s), ["api"]);
        assert_eq!(cands("kubectl get deploy -n pacman ", &s), ["web"]);
        assert_eq!(cands("kubectl -n pacman get deployment w", &s), ["web"]);
        assert_eq!(cands("kubectl get deploy --namespace=pacman ", &s), ["web"]);
        assert_eq!(cands("kubectl get deploy -A ", &s), ["api", "web"]);
        let pods = cands("kubectl delete pod -n pacman web-", &s);
        assert_eq!(pods.len(), 1, "{pods:?}");
        assert!(pods[0].starts_with("web-"));
        // Cluster-scoped kinds ignore the namespace.
        assert_eq!(cands("kubectl get sc -n pacman stan", &s), ["standard"]);
        assert!(cands("kubectl get ns ", &s).contains(&"pacman".to_string()));
    }

    #[test]
    fn kind_slash_name_and_flag_values() {
        let s = session();
        assert_eq!(cands("kubectl describe deploy/", &s), ["deploy/api"]);
        assert_eq!(
            cands("kubectl get pods -n ", &s).contains(&"pacman".to_string()),
            true
        );
        assert_eq!(cands("kubectl get pods -o y", &s), ["yaml"]);
        assert_eq!(cands("kubectl scale deployment ", &s), ["api"]);
        assert_eq!(cands("kubectl rollout status deployment ", &s), ["api"]);
        assert!(cands("kubectl get pods --n", &s).contains(&"--namespace".to_string()));
        let logs = cands("kubectl logs ", &s);
        assert_eq!(logs.len(), 1, "{logs:?}");
        assert!(logs[0].starts_with("api-"));
    }

    #[test]
    fn kubectl_run_flags_and_the_restart_policies() {
        let s = Session::new(1);
        assert_eq!(cands("kubectl ru", &s), ["run"]);
        assert_eq!(cands("kubectl run web --im", &s), ["--image"]);
        assert_eq!(
            cands("kubectl run web --image=nginx --res", &s),
            ["--restart"]
        );
        assert_eq!(
            cands("kubectl run web --image=nginx --restart ", &s),
            ["Always", "Never", "OnFailure"]
        );
        assert_eq!(cands("kubectl run web --restart N", &s), ["Never"]);
        let s = session();
        assert_eq!(cands("kubectl expose deployment ", &s), ["api"]);
        assert_eq!(cands("kubectl create se", &s), ["secret", "service"]);
        assert_eq!(cands("kubectl create i", &s), ["ingress"]);
        assert_eq!(cands("kubectl create secret g", &s), ["generic"]);
        assert_eq!(cands("kubectl create service n", &s), ["nodeport"]);
    }

    #[test]
    fn minikube_and_others() {
        let s = Session::new(1);
        assert_eq!(cands("minikube add", &s), ["addons"]);
        assert_eq!(cands("minikube addons enable in", &s), ["ingress"]);
        assert_eq!(cands("sleep 3", &s), ["30s"]);
        assert_eq!(cands("curl -", &s), CURL_FLAGS);
        assert!(cands("frobnicate ", &s).is_empty());
    }

    #[test]
    fn files_after_dash_f() {
        let mut s = Session::new(1);
        s.files.insert("web.yaml".into(), "kind: Pod\n".into());
        assert_eq!(cands("kubectl apply -f w", &s), ["web.yaml"]);
        assert_eq!(cands("cat ", &s), ["web.yaml"]);
    }

    #[test]
    fn applying_a_completion() {
        let s = Session::new(1);
        let line = "kubectl get storagecl";
        let c = complete(line, &s);
        assert_eq!(c.apply(line), "kubectl get storageclass");
        let line = "kubectl get storageclasse";
        let c = complete(line, &s);
        assert_eq!(c.apply(line), "kubectl get storageclasses ");
        let line = "kubectl de";
        let c = complete(line, &s);
        assert_eq!(c.common_prefix(), "de");
        assert_eq!(c.apply(line), "kubectl de");
        let line = "kubectl desc";
        assert_eq!(complete(line, &s).apply(line), "kubectl describe ");
        let line = "kubectl get persistentvolume";
        let c = complete(line, &s);
        assert_eq!(
            c.candidates,
            [
                "persistentvolume",
                "persistentvolumeclaim",
                "persistentvolumeclaims",
                "persistentvolumes"
            ]
        );
        assert_eq!(c.apply(line), "kubectl get persistentvolume");
        let line = "kubectl get 한글";
        assert_eq!(complete(line, &s).apply(line), line);
    }
}
