//! `kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]`, `-l SELECTOR`,
//! `--all-containers`, `--tail`, `--timestamps`, `--prefix`: what a container wrote, as the
//! kubelet keeps it (simulated lines: `apps::startup_log` when a container starts, access
//! lines for the requests it served; `kubelet::ContainerRuntime::log`).
//!
//! Errors are the API server's and kubectl's texts. UNVERIFIED, chosen: a pod that has
//! not started a container yet answers "is waiting to start: <reason>" with the reason its
//! status shows (ContainerCreating for a pod not yet scheduled). `-f` prints what is there
//! and returns: the simulated stream ends at the present.

use super::args::{self, flag, parse, FlagSpec};
use super::exec::{container_names, find_pod, init_container_names};
use super::{flag_error, namespace_of, specs};
use crate::api::{Object, Selector};
use crate::kubelet::CState;
use crate::shell::{Output, Session};
use crate::time::{rfc3339, Millis};
use std::fmt::Write as _;

const LOGS_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("follow", Some('f'), false),
    flag("previous", Some('p'), false),
    flag("timestamps", None, false),
    flag("tail", None, true),
    flag("selector", Some('l'), true),
    flag("all-containers", None, false),
    flag("prefix", None, false),
    flag("since", None, true),
    flag("since-time", None, true),
    flag("limit-bytes", None, true),
    flag("max-log-requests", None, true),
    flag("ignore-errors", None, false),
    flag("pod-running-timeout", None, true),
];

pub fn logs(s: &mut Session, words: &[String]) -> Output {
    let a = match parse(words, &specs(LOGS_FLAGS)) {
        Ok(a) => a,
        Err(e) => return flag_error("logs", &e),
    };
    let ns = namespace_of(&a);
    let tail: Option<usize> = match a.get("tail") {
        None => None,
        Some(t) => match args::int_flag(t, "--tail", 64) {
            Ok(n) if n < 0 => None,
            Ok(n) => Some(n as usize),
            Err(e) => return flag_error("logs", &e),
        },
    };
    let opts = Opts {
        previous: a.bool("previous"),
        timestamps: a.bool("timestamps"),
        prefix: a.bool("prefix"),
        all: a.bool("all-containers"),
        tail,
    };
    let mut out = Output::default();
    if let Some(sel) = a.get("selector") {
        if !a.positional.is_empty() {
            return Output::err("error: only one of -l or POD may be specified\n", 1);
        }
        let sel = match Selector::parse(sel) {
            Ok(sel) => sel,
            Err(e) => return Output::err(format!("error: {e}\n"), 1),
        };
        let pods: Vec<Object> = s
            .sim
            .store
            .list("Pod", &ns)
            .filter(|p| sel.matches(&p.meta.labels))
            .cloned()
            .collect();
        if pods.is_empty() {
            return Output::ok(format!("No resources found in {ns} namespace.\n"));
        }
        // With a selector kubectl shows the last 10 lines of each pod unless told.
        let opts = Opts {
            tail: opts.tail.or(Some(10)),
            ..opts
        };
        for pod in &pods {
            let container = a.get("container").map(str::to_string);
            if let Err(e) = one_pod(s, pod, container, &opts, &mut out) {
                out.text.push_str(&e.text);
                out.code = e.code;
                return out;
            }
        }
        return out;
    }
    let Some(target) = a.positional.first() else {
        return Output::err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n", 1);
    };
    if a.positional.len() > 2 {
        return Output::err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n", 1);
    }
    let pod = match find_pod(&s.sim, &ns, target) {
        Ok(p) => p,
        Err(o) => return o,
    };
    if target.contains('/') && !target.starts_with("pod/") && !target.starts_with("pods/") {
        let n = count_pods_like(s, &pod);
        if n > 1 {
            out.linef(format_args!("Found {n} pods, using pod/{}", pod.meta.name));
        }
    }
    let container = a
        .get("container")
        .map(str::to_string)
        .or_else(|| a.positional.get(1).cloned());
    match one_pod(s, &pod, container, &opts, &mut out) {
        Ok(()) => out,
        Err(e) => {
            out.text.push_str(&e.text);
            out.code = e.code;
            out
        }
    }
}

struct Opts {
    previous: bool,
    timestamps: bool,
    prefix: bool,
    all: bool,
    tail: Option<usize>,
}

/// Pods the same controller owns (for "Found N pods, using pod/…").
fn count_pods_like(s: &Session, pod: &Object) -> usize {
    match pod.meta.owner_references.first() {
        Some(o) => s
            .sim
            .store
            .list("Pod", &pod.meta.namespace)
            .filter(|p| p.meta.owner_references.first().map(|r| &r.uid) == Some(&o.uid))
            .count(),
        None => 1,
    }
}

fn one_pod(
    s: &Session,
    pod: &Object,
    container: Option<String>,
    opts: &Opts,
    out: &mut Output,
) -> Result<(), Output> {
    let mains = container_names(pod);
    let inits = init_container_names(pod);
    let containers: Vec<String> = if opts.all {
        inits.iter().chain(mains.iter()).cloned().collect()
    } else {
        let c = match container {
            Some(c) => c,
            None => {
                let default = pod
                    .meta
                    .annotations
                    .get("kubectl.kubernetes.io/default-container")
                    .cloned();
                let Some(first) = default.or_else(|| mains.first().cloned()) else {
                    return Err(Output::err(
                        format!(
                            "error: pod {} does not have any containers\n",
                            pod.meta.name
                        ),
                        1,
                    ));
                };
                if mains.len() > 1
                    && !pod
                        .meta
                        .annotations
                        .contains_key("kubectl.kubernetes.io/default-container")
                {
                    out.linef(format_args!(
                        "Defaulted container \"{first}\" out of: {}",
                        mains.join(", ")
                    ));
                }
                first
            }
        };
        if !mains.contains(&c) && !inits.contains(&c) {
            return Err(Output::err(
                format!(
                    "Error from server (BadRequest): container {c} is not valid for pod {}\n",
                    pod.meta.name
                ),
                1,
            ));
        }
        vec![c]
    };
    for c in containers {
        let lines = container_lines(s, pod, &c, opts.previous)?;
        let skip = opts.tail.map_or(0, |t| lines.len().saturating_sub(t));
        for (at, line) in &lines[skip..] {
            let mut l = String::new();
            if opts.prefix {
                _ = write!(l, "[pod/{}/{c}] ", pod.meta.name);
            }
            if opts.timestamps {
                l.push_str(&nano_stamp(*at));
                l.push(' ');
            }
            l.push_str(line);
            out.line(&l);
        }
    }
    Ok(())
}

/// RFC 3339 with nanoseconds, as `--timestamps` prints it.
fn nano_stamp(ms: Millis) -> String {
    let whole = rfc3339(ms);
    format!(
        "{}.{:03}000000Z",
        whole.trim_end_matches('Z'),
        ms.rem_euclid(1000)
    )
}

fn container_lines(
    s: &Session,
    pod: &Object,
    container: &str,
    previous: bool,
) -> Result<Vec<(Millis, String)>, Output> {
    let waiting = |reason: &str| {
        Output::err(
            format!(
                "Error from server (BadRequest): container \"{container}\" in pod \"{}\" is waiting to start: {reason}\n",
                pod.meta.name
            ),
            1,
        )
    };
    let Some(c) = s
        .sim
        .runtime
        .get(&pod.meta.uid)
        .and_then(|rt| rt.containers.iter().find(|c| c.name == container))
    else {
        return Err(waiting("ContainerCreating"));
    };
    if previous {
        return c.previous_log.clone().ok_or_else(|| {
            Output::err(
                format!(
                    "Error from server (BadRequest): previous terminated container \"{container}\" in pod \"{}\" not found\n",
                    pod.meta.name
                ),
                1,
            )
        });
    }
    match &c.state {
        CState::Running { .. } | CState::Terminated { .. } => Ok(c.log.clone()),
        CState::Pulling { .. } | CState::Starting { .. } if c.restarts == 0 => {
            Err(waiting(if c.init {
                "PodInitializing"
            } else {
                "ContainerCreating"
            }))
        }
        CState::ErrImagePull { .. } => Err(waiting("image can't be pulled")),
        CState::PullBackOff { .. } => Err(waiting("trying and failing to pull image")),
        CState::ConfigError { message, .. } => {
            Err(waiting(&format!("CreateContainerConfigError: {message}")))
        }
        // Restarting: the last instance's lines are what the kubelet still has.
        _ => Ok(c.log.clone()),
    }
}
