//! The Job controller (kubernetes `pkg/controller/job/job_controller.go`, `syncJob`,
//! `manageJob`, `trackJobStatusAndRemoveFinalizers`) and the TTL-after-finished
//! controller (`pkg/controller/ttlafterfinished`), with the API server's part of a Job:
//! its defaults (`pkg/apis/batch/v1/defaults.go`) and its generated selector
//! (`pkg/registry/batch/job/strategy.go`, `generateSelector`).
//!
//! A Job runs pods from its template, named `JOB-xxxxx`, at most `parallelism` at once,
//! until `completions` of them succeed (`Complete`) or too many fail (`Failed`,
//! `BackoffLimitExceeded`) or it outlives `activeDeadlineSeconds` (`DeadlineExceeded`).
//! A failed pod of a `restartPolicy: Never` template is replaced after the pod failure
//! back-off (10 s doubling); with `OnFailure` the kubelet restarts the container in
//! place, and the restarts count against `backoffLimit`. What a container does — exits
//! with 0, exits with 1, runs forever — is the kubelet's app model (`apps::model_for`).
//!
//! Counting. From 1.26 (JobTrackingWithFinalizers GA) every pod is created with the
//! `batch.kubernetes.io/job-tracking` finalizer; a pod is counted once, in the pass that
//! finds it finished (Succeeded, Failed, or deleted before it succeeded) and removes the
//! finalizer — so counts survive the pod. Before 1.26 (legacy tracking) the counts are the
//! finished pods still there. (JobTrackingWithFinalizers was beta on in 1.23–1.24:
//! UNVERIFIED, those versions are modelled with legacy tracking.)
//!
//! Simplifications (chosen): the real controller batches pod events for 1 s
//! (`syncJobBatchPeriod`); this one reacts in the same instant. The pod failure back-off
//! is computed from the finished pods still in the store (the real one keeps it in
//! memory). Orphan pods are not adopted. Indexed completion, pod failure policies,
//! success policies and `backoffLimitPerIndex` are not modelled (stored, not acted on).

use serde_json::{json, Map, Value};

use super::replicaset::{controlled_by, is_pod_active, is_pod_ready, pod_from_template};
use crate::api::{ClusterVersion, Object};
use crate::sim::{Action, EventSpec, Out, Sim, GENERATED_NAME};
use crate::time::{parse_rfc3339, rfc3339, Millis};

/// `batch.JobTrackingFinalizer`.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// `DefaultJobPodFailureBackOff`.
const POD_FAILURE_BACKOFF_MS: Millis = 10_000;
/// `MaxPodCreateDeletePerSync`.
const MAX_CREATE_DELETE: usize = 500;

/// What the cluster version switches on (the feature gates of the Job API).
#[derive(Clone, Copy, Debug)]
struct Gates {
    /// JobTrackingWithFinalizers (GA 1.26): the finalizer, `uncountedTerminatedPods`.
    tracking: bool,
    /// JobReadyPods (beta 1.24): `status.ready`.
    ready: bool,
    /// JobPodReplacementPolicy (beta 1.29): `status.terminating`, `podReplacementPolicy`.
    terminating: bool,
    /// `delayTerminalCondition` (1.31, PR #125510 with JobManagedBy/JobPodReplacementPolicy
    /// on): `SuccessCriteriaMet`/`FailureTarget` first, the terminal condition once no
    /// pod is terminating.
    delay_terminal: bool,
}

fn gates(v: ClusterVersion) -> Gates {
    Gates {
        tracking: v.at_least(26),
        ready: v.at_least(24),
        terminating: v.at_least(29),
        delay_terminal: v.at_least(31),
    }
}

/// `MaxJobPodFailureBackOff`: 10 min in the controller since the back-off store (1.28,
/// boundary UNVERIFIED); 6 min (`MaxJobBackOff`, 360 s, what the docs still say) before.
fn max_backoff_ms(v: ClusterVersion) -> Millis {
    if v.at_least(28) {
        600_000
    } else {
        360_000
    }
}

/// `getRemainingTimeForFailuresCount`'s back-off after `failures` consecutive failures:
/// 10 s, 20 s, 40 s, … capped.
pub fn pod_failure_backoff_ms(v: ClusterVersion, failures: u32) -> Millis {
    if failures == 0 {
        return 0;
    }
    let max = max_backoff_ms(v);
    let mut d = POD_FAILURE_BACKOFF_MS;
    for _ in 1..failures {
        d *= 2;
        if d >= max {
            return max;
        }
    }
    d
}

// ----- the API server's part ---------------------------------------------------------

/// `SetDefaults_Job` and the pod template's defaults. `completionMode` and `suspend` are
/// defaulted from 1.22 (IndexedJob and SuspendJob beta), `podReplacementPolicy` from
/// 1.29, `manualSelector: false` from 1.29 (the defaulting that replaced the nil checks
/// of issue #116137; version UNVERIFIED, chosen with JobPodReplacementPolicy, as the
/// docs' 1.29 output shows both).
pub fn default_job(v: ClusterVersion, obj: &mut Object) {
    let spec = obj.get_mut(&["spec"]);
    if spec.is_null() {
        *spec = Value::Object(Map::new());
    }
    let Some(spec) = spec.as_object_mut() else {
        return;
    };
    let unset = |spec: &Map<String, Value>, k: &str| spec.get(k).is_none_or(Value::is_null);
    if unset(spec, "completions") && unset(spec, "parallelism") {
        spec.insert("completions".into(), json!(1));
        spec.insert("parallelism".into(), json!(1));
    }
    if unset(spec, "parallelism") {
        spec.insert("parallelism".into(), json!(1));
    }
    if unset(spec, "backoffLimit") {
        let limit = if unset(spec, "backoffLimitPerIndex") {
            6
        } else {
            i64::from(i32::MAX)
        };
        spec.insert("backoffLimit".into(), json!(limit));
    }
    if v.at_least(22) {
        if unset(spec, "completionMode") {
            spec.insert("completionMode".into(), json!("NonIndexed"));
        }
        if unset(spec, "suspend") {
            spec.insert("suspend".into(), json!(false));
        }
    }
    if v.at_least(29) {
        if unset(spec, "podReplacementPolicy") {
            let policy = if unset(spec, "podFailurePolicy") {
                "TerminatingOrFailed"
            } else {
                "Failed"
            };
            spec.insert("podReplacementPolicy".into(), json!(policy));
        }
        if unset(spec, "manualSelector") {
            spec.insert("manualSelector".into(), json!(false));
        }
    }
    if let Some(t) = spec
        .get_mut("template")
        .and_then(|t| t.get_mut("spec"))
        .and_then(Value::as_object_mut)
    {
        crate::admission::default_pod_spec(t);
    }
}

/// `generateSelector`, once the Job has its UID (unless `manualSelector: true`): the
/// template gets `job-name` and `controller-uid` labels — and from 1.27 their
/// `batch.kubernetes.io/` forms, which the selector then matches on — and the selector
/// matches the UID. A Job without labels of its own shows its template's
/// (`SetDefaults_Job`: `obj.Labels = obj.Spec.Template.Labels`, applied again when the
/// stored Job is read, so it carries the generated ones too).
pub fn generate_selector(v: ClusterVersion, job: &mut Object) {
    if job.get(&["spec", "manualSelector"]).as_bool() == Some(true) {
        return;
    }
    let (name, uid) = (job.meta.name.clone(), job.meta.uid.clone());
    let prefixed = v.at_least(27);
    let labels = job.get_mut(&["spec", "template", "metadata", "labels"]);
    if !labels.is_object() {
        *labels = Value::Object(Map::new());
    }
    if let Some(labels) = labels.as_object_mut() {
        let mut add = |k: &str, val: &str| {
            labels
                .entry(k.to_string())
                .or_insert_with(|| Value::String(val.to_string()));
        };
        add("job-name", &name);
        add("controller-uid", &uid);
        if prefixed {
            add("batch.kubernetes.io/job-name", &name);
            add("batch.kubernetes.io/controller-uid", &uid);
        }
    }
    let key = if prefixed {
        "batch.kubernetes.io/controller-uid"
    } else {
        "controller-uid"
    };
    let ml = job.get_mut(&["spec", "selector", "matchLabels"]);
    if !ml.is_object() {
        *ml = Value::Object(Map::new());
    }
    if let Some(ml) = ml.as_object_mut() {
        ml.entry(key.to_string())
            .or_insert_with(|| Value::String(uid.clone()));
    }
    if job.meta.labels.is_empty() {
        let template = crate::api::object::string_map(Some(
            job.get(&["spec", "template", "metadata", "labels"]),
        ));
        job.meta.labels = template.into();
    }
}

// ----- pods ----------------------------------------------------------------------------

fn phase(pod: &Object) -> &str {
    pod.str_at(&["status", "phase"]).unwrap_or("")
}

fn has_finalizer(pod: &Object) -> bool {
    pod.meta.finalizers.iter().any(|f| f == TRACKING_FINALIZER)
}

/// `isPodFailed` (without a pod failure policy): Failed, or deleted before it succeeded.
fn is_pod_failed(pod: &Object) -> bool {
    phase(pod) == "Failed" || (pod.is_deleting() && phase(pod) != "Succeeded")
}

/// `CountTerminatingPods`: deleted and not yet in a terminal phase.
fn is_terminating(pod: &Object) -> bool {
    pod.is_deleting() && !matches!(phase(pod), "Succeeded" | "Failed")
}

/// `getFinishedTime`: the last container's `finishedAt`, else when Ready turned False,
/// else the deletion's start, else the creation.
fn finished_time(pod: &Object) -> Millis {
    let statuses = pod.get(&["status", "containerStatuses"]).as_array();
    let mut latest: Option<Millis> = None;
    let mut all = statuses.is_some_and(|s| !s.is_empty());
    for c in statuses.into_iter().flatten() {
        match c["state"]["terminated"]["finishedAt"]
            .as_str()
            .and_then(parse_rfc3339)
        {
            Some(t) => latest = Some(latest.map_or(t, |l| l.max(t))),
            None => all = false,
        }
    }
    if let (true, Some(t)) = (all, latest) {
        return t;
    }
    let ready_false = pod
        .get(&["status", "conditions"])
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Ready" && c["status"] == "False")
        .and_then(|c| c["lastTransitionTime"].as_str())
        .and_then(parse_rfc3339);
    if let Some(t) = ready_false {
        return t;
    }
    if let Some(d) = pod.meta.deletion_ms {
        return d - pod.meta.deletion_grace_period_seconds.unwrap_or(0) * 1000;
    }
    pod.meta.creation_ms
}

/// The back-off record (`newBackoffRecord`) from the finished pods: the failures since
/// the last success and when the last of them finished.
fn backoff_record(pods: &[&Object]) -> (u32, Option<Millis>) {
    let mut finished: Vec<(Millis, bool)> = pods
        .iter()
        .filter_map(|p| match phase(p) {
            "Succeeded" => Some((finished_time(p), true)),
            _ if is_pod_failed(p) => Some((finished_time(p), false)),
            _ => None,
        })
        .collect();
    finished.sort_by_key(|(t, ok)| (*t, !*ok));
    let mut failures = 0;
    let mut last = None;
    for (t, ok) in finished {
        if ok {
            failures = 0;
            last = None;
        } else {
            failures += 1;
            last = Some(t);
        }
    }
    (failures, last)
}

/// `newBackoffRecord`: the record updated with the pods counted in this pass. No success:
/// the failures add up, the last one's finish time kept. A success resets it; failures
/// that finished after the last success count again.
fn new_backoff_record(
    old: Option<(u32, Millis)>,
    succeeded: &[&Object],
    failed: &[&Object],
) -> Option<(u32, Millis)> {
    let mut failed_at: Vec<Millis> = failed.iter().map(|p| finished_time(p)).collect();
    failed_at.sort_unstable();
    let last_success = succeeded.iter().map(|p| finished_time(p)).max();
    match last_success {
        None => match failed_at.last() {
            None => old,
            Some(&last) => Some((old.map_or(0, |o| o.0) + failed_at.len() as u32, last)),
        },
        Some(success) => {
            let after: Vec<Millis> = failed_at.into_iter().filter(|t| *t > success).collect();
            after.last().map(|&last| (after.len() as u32, last))
        }
    }
}

/// `pastBackoffLimitOnFailure`: with `restartPolicy: OnFailure`, the restarts of the
/// running and pending pods' containers reach `backoffLimit` (exceed 0 when it is 0).
fn past_backoff_limit_on_failure(job: &Object, pods: &[&Object], limit: i64) -> bool {
    if job.str_at(&["spec", "template", "spec", "restartPolicy"]) != Some("OnFailure") {
        return false;
    }
    let mut restarts = 0;
    for p in pods {
        if matches!(phase(p), "Running" | "Pending") {
            for list in ["initContainerStatuses", "containerStatuses"] {
                for c in p.get(&["status", list]).as_array().into_iter().flatten() {
                    restarts += c["restartCount"].as_i64().unwrap_or(0);
                }
            }
        }
    }
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

// ----- conditions ----------------------------------------------------------------------

fn condition<'a>(job: &'a Object, t: &str) -> Option<&'a Value> {
    job.get(&["status", "conditions"])
        .as_array()?
        .iter()
        .find(|c| c["type"] == t)
}

/// The Job's condition of type `t`, if it is True (the canvas and the inspector read a
/// finished Job's state and reason from it).
pub fn true_condition<'a>(job: &'a Object, t: &str) -> Option<&'a Value> {
    condition(job, t).filter(|c| c["status"] == "True")
}

fn condition_true(job: &Object, t: &str) -> bool {
    true_condition(job, t).is_some()
}

/// `IsJobFinished`: a `Complete` or `Failed` condition that is True.
pub fn is_finished(job: &Object) -> bool {
    condition_true(job, "Complete") || condition_true(job, "Failed")
}

/// When the Job finished: its terminal condition's transition time.
pub fn finish_time(job: &Object) -> Option<Millis> {
    ["Complete", "Failed"]
        .iter()
        .filter_map(|t| true_condition(job, t))
        .filter_map(|c| c["lastTransitionTime"].as_str().and_then(parse_rfc3339))
        .next()
}

/// `newCondition`: both probe and transition times now; reason and message omitted when
/// empty.
fn new_condition(t: &str, status: &str, reason: &str, message: &str, now: Millis) -> Value {
    let mut c = Map::new();
    c.insert("type".into(), json!(t));
    c.insert("status".into(), json!(status));
    c.insert("lastProbeTime".into(), json!(rfc3339(now)));
    c.insert("lastTransitionTime".into(), json!(rfc3339(now)));
    if !reason.is_empty() {
        c.insert("reason".into(), json!(reason));
    }
    if !message.is_empty() {
        c.insert("message".into(), json!(message));
    }
    Value::Object(c)
}

/// `ensureJobConditionStatus`: sets the condition of that type (a new one is not added
/// as False); whether the list changed.
fn ensure_condition(
    conds: &mut Vec<Value>,
    t: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Millis,
) -> bool {
    if let Some(c) = conds.iter_mut().find(|c| c["type"] == t) {
        let same = c["status"] == status
            && c["reason"].as_str().unwrap_or("") == reason
            && c["message"].as_str().unwrap_or("") == message;
        if same {
            return false;
        }
        *c = new_condition(t, status, reason, message, now);
        return true;
    }
    if status == "False" {
        return false;
    }
    conds.push(new_condition(t, status, reason, message, now));
    true
}

/// How the Job finishes, once it is known (`finishedCondition`).
#[derive(Clone, Debug, PartialEq)]
enum Finish {
    Success,
    Failure { reason: String, message: String },
}

const COMPLETIONS_REACHED: &str = "CompletionsReached";
const COMPLETIONS_REACHED_MESSAGE: &str = "Reached expected number of succeeded pods";

// ----- the Job controller --------------------------------------------------------------

pub fn reconcile(sim: &Sim, out: &mut Out) {
    for job in sim.store.list_all("Job.batch") {
        sync_job(sim, job, out);
    }
    // `removeBackoffRecord` of the Jobs that are gone.
    for uid in sim.job_backoff.keys() {
        if sim.store.by_uid(uid).is_none() {
            out.push(Action::JobBackoff {
                uid: uid.clone(),
                record: None,
            });
        }
    }
}

fn sync_job(sim: &Sim, job: &Object, out: &mut Out) {
    let now = sim.now;
    let g = gates(sim.version);
    let pods: Vec<&Object> = controlled_by(sim, &job.meta.uid, "Pod").collect();
    if is_finished(job) {
        // `cleanupPodFinalizers`: nothing of a finished Job keeps its pods.
        for p in pods.iter().filter(|p| has_finalizer(p)) {
            out.push(Action::Update(without_finalizer(p)));
        }
        // Its back-off record goes.
        if sim.job_backoff.contains_key(&job.meta.uid) {
            out.push(Action::JobBackoff {
                uid: job.meta.uid.clone(),
                record: None,
            });
        }
        return;
    }
    let spec = job.spec();
    let status = job.status();
    let parallelism = spec["parallelism"].as_i64().unwrap_or(1).max(0);
    let completions = spec["completions"].as_i64();
    let backoff_limit = spec["backoffLimit"].as_i64().unwrap_or(6);
    let suspended = spec["suspend"].as_bool() == Some(true);
    let deleting = job.is_deleting();

    let active_pods: Vec<&Object> = pods.iter().copied().filter(|p| is_pod_active(p)).collect();
    let mut active = active_pods.len() as i64;
    let mut ready = active_pods.iter().filter(|p| is_pod_ready(p)).count() as i64;
    let mut terminating = pods.iter().filter(|p| is_terminating(p)).count() as i64;

    // Counting (see the module's comment).
    let counted_succeeded = status["succeeded"].as_i64().unwrap_or(0);
    let counted_failed = status["failed"].as_i64().unwrap_or(0);
    let new_succeeded: Vec<&Object> = pods
        .iter()
        .copied()
        .filter(|p| g.tracking && has_finalizer(p) && phase(p) == "Succeeded")
        .collect();
    let new_failed: Vec<&Object> = pods
        .iter()
        .copied()
        .filter(|p| g.tracking && has_finalizer(p) && is_pod_failed(p))
        .collect();
    // The pod failure back-off: the controller's record, updated with the pods counted
    // now (legacy tracking: from the finished pods still there).
    let backoff = if g.tracking {
        let old = sim.job_backoff.get(&job.meta.uid).copied();
        let new = new_backoff_record(old, &new_succeeded, &new_failed);
        if new != old {
            out.push(Action::JobBackoff {
                uid: job.meta.uid.clone(),
                record: new,
            });
        }
        new.map_or((0, None), |(n, t)| (n, Some(t)))
    } else {
        backoff_record(&pods)
    };
    let (succeeded, mut failed) = if g.tracking {
        (
            counted_succeeded + new_succeeded.len() as i64,
            counted_failed + new_failed.len() as i64,
        )
    } else {
        let present_failed = pods.iter().filter(|p| phase(p) == "Failed").count() as i64;
        (
            pods.iter().filter(|p| phase(p) == "Succeeded").count() as i64,
            present_failed.max(counted_failed),
        )
    };

    let mut conditions: Vec<Value> = status["conditions"].as_array().cloned().unwrap_or_default();
    let mut start_time = status["startTime"].as_str().and_then(parse_rfc3339);
    if start_time.is_none() && !suspended {
        start_time = Some(now);
    }

    // The finished condition: an interim one from an earlier pass, or the limits.
    let mut finish: Option<Finish> = None;
    if condition_true(job, "SuccessCriteriaMet") {
        finish = Some(Finish::Success);
    } else if let Some(c) = condition(job, "FailureTarget").filter(|c| c["status"] == "True") {
        finish = Some(Finish::Failure {
            reason: c["reason"].as_str().unwrap_or("").into(),
            message: c["message"].as_str().unwrap_or("").into(),
        });
    } else if failed > backoff_limit || past_backoff_limit_on_failure(job, &pods, backoff_limit) {
        finish = Some(Finish::Failure {
            reason: "BackoffLimitExceeded".into(),
            message: "Job has reached the specified backoff limit".into(),
        });
    } else if let (Some(ads), Some(start), false) = (
        spec["activeDeadlineSeconds"].as_i64(),
        start_time,
        suspended,
    ) {
        // `pastActiveDeadline`, else a sync when it will be.
        if now - start >= ads * 1000 {
            finish = Some(Finish::Failure {
                reason: "DeadlineExceeded".into(),
                message: "Job was active longer than specified deadline".into(),
            });
        } else {
            out.wake_at(start + ads * 1000);
        }
    }

    let mut deletes: Vec<&Object> = vec![];
    let mut creates = 0usize;
    if let Some(Finish::Failure { .. }) = &finish {
        // `deleteActivePods`: the Job failed; its running pods go.
        deletes = active_pods.clone();
        terminating += deletes.len() as i64;
        ready -= deletes.iter().filter(|p| is_pod_ready(p)).count() as i64;
        active = 0;
    } else if finish.is_none() {
        let mut managed = false;
        if !deleting {
            managed = true;
            // `manageJob`.
            if suspended {
                deletes = active_pods.clone();
            } else {
                let want = match completions {
                    None if succeeded > 0 => active,
                    None => parallelism,
                    Some(c) => (c - succeeded).min(parallelism).max(0),
                };
                if active > want {
                    let n = ((active - want) as usize).min(MAX_CREATE_DELETE);
                    deletes = super::replicaset::pods_to_delete(sim, &active_pods, &active_pods, n);
                } else if want - active > 0 {
                    let (failures, last) = backoff;
                    let until = last.map(|t| t + pod_failure_backoff_ms(sim.version, failures));
                    if let Some(until) = until.filter(|u| *u > now) {
                        // `enqueueSyncJobWithDelay`: a sync when the back-off ends (the
                        // 1 s batch period it is at least is not modelled: a wake-up that
                        // depended on the pass's own instant would not be one), and
                        // manageJob returns 0 active, as upstream does.
                        out.wake_at(until);
                        active = 0;
                    } else {
                        creates = ((want - active) as usize).min(MAX_CREATE_DELETE);
                    }
                }
            }
            let n = deletes.len() as i64;
            active -= n;
            terminating += n;
            ready -= deletes.iter().filter(|p| is_pod_ready(p)).count() as i64;
            active += creates as i64;
        }
        let complete = match completions {
            None => succeeded > 0 && active == 0,
            Some(c) => succeeded >= c && active == 0,
        };
        if complete {
            finish = Some(Finish::Success);
        } else if managed {
            if suspended {
                if ensure_condition(
                    &mut conditions,
                    "Suspended",
                    "True",
                    "JobSuspended",
                    "Job suspended",
                    now,
                ) {
                    out.push(EventSpec::normal(job, "Suspended", "Job suspended".into()));
                }
            } else if ensure_condition(
                &mut conditions,
                "Suspended",
                "False",
                "JobResumed",
                "Job resumed",
                now,
            ) {
                out.push(EventSpec::normal(job, "Resumed", "Job resumed".into()));
                // A resumed Job's active deadline counts from now.
                start_time = Some(now);
            }
        }
    }

    // The pods' deletions and creations, with the events RealPodControl records.
    // `deleteJobPods` (suspend, too many running) takes the tracking finalizer off first,
    // so those pods are not counted; `deleteActivePods` (the Job failed) keeps it.
    let failing = matches!(finish, Some(Finish::Failure { .. }));
    for p in &deletes {
        if !failing && has_finalizer(p) {
            out.push(Action::Update(without_finalizer(p)));
        }
        out.push(Action::Delete {
            key: p.key(),
            grace_seconds: None,
        });
        out.push(EventSpec::normal(
            job,
            "SuccessfulDelete",
            format!("Deleted pod: {}", p.meta.name),
        ));
    }
    if creates > 0 {
        let template = job.get(&["spec", "template"]);
        for _ in 0..creates {
            let mut pod = pod_from_template(job, template);
            if g.tracking {
                pod.meta.finalizers.push(TRACKING_FINALIZER.into());
            }
            out.push(Action::Create(pod));
            out.push(EventSpec::normal(
                job,
                "SuccessfulCreate",
                format!("Created pod: {GENERATED_NAME}"),
            ));
        }
    }

    // `trackJobStatusAndRemoveFinalizers`: the finished pods are counted and released;
    // once the Job is finished (or being deleted) every pod is, the unfinished ones
    // counted as failed.
    if g.tracking {
        for p in &pods {
            let taken_off = !failing && deletes.iter().any(|d| d.meta.uid == p.meta.uid);
            if !has_finalizer(p) || taken_off {
                continue;
            }
            let releasing =
                deleting || finish.is_some() || phase(p) == "Succeeded" || is_pod_failed(p);
            if !releasing {
                continue;
            }
            if phase(p) != "Succeeded"
                && !is_pod_failed(p)
                && matches!(finish, Some(Finish::Failure { .. }))
            {
                failed += 1;
            }
            out.push(Action::Update(without_finalizer(p)));
        }
    } else if let Some(Finish::Failure { .. }) = &finish {
        // The legacy controller: `failed += active`.
        failed += deletes.len() as i64;
    }

    // The terminal condition, or the interim one first (1.31+) while pods terminate.
    let mut completion_time = status["completionTime"].as_str().map(str::to_string);
    let mut finished_event: Option<Action> = None;
    match &finish {
        Some(Finish::Success) => {
            let (reason, message) = if g.delay_terminal {
                (COMPLETIONS_REACHED, COMPLETIONS_REACHED_MESSAGE)
            } else {
                ("", "")
            };
            if g.delay_terminal && condition(job, "SuccessCriteriaMet").is_none() {
                conditions.push(new_condition(
                    "SuccessCriteriaMet",
                    "True",
                    reason,
                    message,
                    now,
                ));
            }
            if !(g.delay_terminal && terminating > 0) {
                ensure_condition(&mut conditions, "Complete", "True", reason, message, now);
                completion_time = Some(rfc3339(now));
                finished_event = Some(EventSpec::normal(job, "Completed", "Job completed".into()));
                if completions.is_some_and(|c| succeeded > c) {
                    out.push(EventSpec::warning(
                        job,
                        "TooManySucceededPods",
                        "Too many succeeded pods running after completion count reached".into(),
                    ));
                }
            }
        }
        Some(Finish::Failure { reason, message }) => {
            if g.delay_terminal && condition(job, "FailureTarget").is_none() {
                conditions.push(new_condition("FailureTarget", "True", reason, message, now));
            }
            if !(g.delay_terminal && terminating > 0) {
                ensure_condition(&mut conditions, "Failed", "True", reason, message, now);
                finished_event = Some(EventSpec::warning(job, reason, message.clone()));
            }
        }
        None => {}
    }

    let mut st = Map::new();
    if active > 0 {
        st.insert("active".into(), json!(active));
    }
    if let Some(t) = &completion_time {
        st.insert("completionTime".into(), json!(t));
    }
    if !conditions.is_empty() {
        st.insert("conditions".into(), Value::Array(conditions));
    }
    if failed > 0 {
        st.insert("failed".into(), json!(failed));
    }
    if g.ready {
        st.insert("ready".into(), json!(ready.max(0)));
    }
    if let Some(t) = start_time {
        st.insert("startTime".into(), json!(rfc3339(t)));
    }
    if succeeded > 0 {
        st.insert("succeeded".into(), json!(succeeded));
    }
    if g.terminating {
        st.insert("terminating".into(), json!(terminating.max(0)));
    }
    if g.tracking {
        st.insert("uncountedTerminatedPods".into(), json!({}));
    }
    let st = Value::Object(st);
    if !crate::api::object::values_equal(status, &st) {
        out.push(Action::Update(job.with_status(st)));
    }
    if let Some(e) = finished_event {
        out.push(e);
    }
}

fn without_finalizer(pod: &Object) -> Object {
    let mut p = pod.clone();
    p.meta.finalizers.retain(|f| f != TRACKING_FINALIZER);
    p
}

// ----- the TTL-after-finished controller ------------------------------------------------

/// `pkg/controller/ttlafterfinished`: a finished Job with `ttlSecondsAfterFinished` is
/// deleted that long after it finished (its terminal condition's time), and the garbage
/// collector deletes its pods. The real controller deletes with Foreground propagation
/// (the Job waits, Terminating, for its pods to go); here it goes at once and its pods
/// after it (chosen: the pods of a finished Job are already finished, so both are gone
/// within the instant).
pub fn ttl_reconcile(sim: &Sim, out: &mut Out) {
    for job in sim.store.list_all("Job.batch") {
        let Some(ttl) = job.i64_at(&["spec", "ttlSecondsAfterFinished"]) else {
            continue;
        };
        if job.is_deleting() {
            continue;
        }
        let Some(finished) = finish_time(job) else {
            continue;
        };
        let expire = finished + ttl.max(0) * 1000;
        if expire <= sim.now {
            out.push(Action::Delete {
                key: job.key(),
                grace_seconds: None,
            });
        } else {
            out.wake_at(expire);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(minor: u32) -> ClusterVersion {
        ClusterVersion { minor, patch: 0 }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let new = v(34);
        assert_eq!(pod_failure_backoff_ms(new, 0), 0);
        assert_eq!(pod_failure_backoff_ms(new, 1), 10_000);
        assert_eq!(pod_failure_backoff_ms(new, 2), 20_000);
        assert_eq!(pod_failure_backoff_ms(new, 3), 40_000);
        assert_eq!(pod_failure_backoff_ms(new, 6), 320_000);
        assert_eq!(pod_failure_backoff_ms(new, 7), 600_000);
        assert_eq!(pod_failure_backoff_ms(new, 60), 600_000);
        assert_eq!(pod_failure_backoff_ms(v(21), 7), 360_000);
    }

    fn job(manifest: Value, minor: u32) -> Object {
        let mut j = Object::from_manifest(&manifest).unwrap();
        j.meta.uid = "u-1".into();
        default_job(v(minor), &mut j);
        generate_selector(v(minor), &mut j);
        j
    }

    #[test]
    fn defaults_and_the_generated_selector_by_version() {
        let m = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}],
            "restartPolicy": "Never"}}}});
        let j = job(m.clone(), 34);
        let spec = j.spec();
        assert_eq!(
            (spec["completions"].clone(), spec["parallelism"].clone()),
            (json!(1), json!(1))
        );
        assert_eq!(spec["backoffLimit"], json!(6));
        assert_eq!(spec["podReplacementPolicy"], json!("TerminatingOrFailed"));
        assert_eq!(
            spec["selector"],
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}})
        );
        assert_eq!(
            j.meta
                .labels
                .get("batch.kubernetes.io/job-name")
                .map(String::as_str),
            Some("pi")
        );
        assert_eq!(
            j.meta.labels.get("controller-uid").map(String::as_str),
            Some("u-1")
        );
        let old = job(m, 21);
        assert_eq!(
            old.spec()["selector"],
            json!({"matchLabels": {"controller-uid": "u-1"}})
        );
        assert!(old.spec()["completionMode"].is_null());
        assert_eq!(old.meta.labels.len(), 2);
        // Only parallelism set: completions stays unset (a work queue).
        let wq = job(
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "q"},
            "spec": {"parallelism": 3, "template": {"spec": {"containers": []}}}}),
            34,
        );
        assert!(wq.spec()["completions"].is_null());
    }

    #[test]
    fn the_backoff_record_counts_failures_since_the_last_success() {
        let pod = |name: &str, phase: &str, at: i64| {
            let mut p = Object::new("v1", "Pod", "default", name);
            p.set(&["status", "phase"], json!(phase));
            p.set(
                &["status", "containerStatuses"],
                json!([{"state": {"terminated": {"finishedAt": rfc3339(at * 1000)}}}]),
            );
            p
        };
        let (a, b, c) = (
            pod("a", "Failed", 10),
            pod("b", "Succeeded", 20),
            pod("c", "Failed", 30),
        );
        assert_eq!(backoff_record(&[&a, &b, &c]), (1, Some(30_000)));
        let d = pod("d", "Failed", 40);
        assert_eq!(backoff_record(&[&d, &a, &b, &c]), (2, Some(40_000)));
        assert_eq!(backoff_record(&[&b]), (0, None));
        // The controller's record: failures add up across passes, a success resets it.
        let one = new_backoff_record(None, &[], &[&a]);
        assert_eq!(one, Some((1, 10_000)));
        assert_eq!(new_backoff_record(one, &[], &[&c]), Some((2, 30_000)));
        assert_eq!(new_backoff_record(one, &[], &[]), one);
        assert_eq!(new_backoff_record(one, &[&b], &[]), None);
        assert_eq!(new_backoff_record(one, &[&b], &[&a, &c]), Some((1, 30_000)));
    }
}
