//! The inspector: everything about the selected object — why it is there (its causal
//! chain), its YAML as stored (defaults filled in), `kubectl describe`, its events — and
//! the actions one can take on it (delete, scale, make the default class, exec), each run
//! as the kubectl command it equals. With nothing selected it shows the cluster and its
//! minikube addons.
//!
//! The causal chain ([`why`]) is pure and tested natively. It says only what the
//! simulator recorded: who created the object (the actor of its `Created` step), its
//! owner and what the owner wants, an earlier object of the same name it replaced, and
//! the claims, volumes and classes it is tied to with the reasons the storage controller
//! gives. It does not guess.

use leptos::prelude::*;
use orrery::api::Object;
use orrery::controllers::persistentvolume as pv;
use orrery::sim::{Sim, StepVerb};
use orrery::time::{human_duration, Millis};

use crate::commands;
use crate::i18n::{I18n, Lang, T};
use crate::state::Playground;

// ------------------------------------------------------------------ pure, tested natively

fn ago(sim: &Sim, t: Millis, lang: Lang) -> String {
    T::Ago.fill(lang, &[&human_duration(sim.now - t)])
}

fn short_uid(uid: &str) -> &str {
    uid.get(..8).unwrap_or(uid)
}

/// Who did it, in words: `the statefulset controller`, `a kubectl command`.
pub fn actor_words(actor: &str, lang: Lang) -> String {
    match actor {
        "kubectl" => T::ActorKubectl.get(lang).into(),
        a if a.ends_with("-controller") => {
            T::ActorController.fill(lang, &[&a.trim_end_matches("-controller")])
        }
        "garbage-collector" => T::ActorGc.get(lang).into(),
        "" => T::ActorApiServer.get(lang).into(),
        a => a.to_string(),
    }
}

/// How a claim got its storage class, in words (the simulator's `ClassReason`).
pub fn class_reason_words(reason: &pv::ClassReason, lang: Lang) -> String {
    match reason {
        pv::ClassReason::Explicit(c) => T::ClassExplicit.fill(lang, &[&format!("{c:?}")]),
        pv::ClassReason::ExplicitNone => T::ClassExplicitNone.get(lang).into(),
        pv::ClassReason::DefaultAtAdmission(c) => {
            T::ClassDefaultAtAdmission.fill(lang, &[&format!("{c:?}")])
        }
        pv::ClassReason::Retroactive(c) => T::ClassRetroactive.fill(lang, &[&format!("{c:?}")]),
        pv::ClassReason::Unset => T::ClassUnset.get(lang).into(),
    }
}

/// The causal chain of an object: why it exists and is the way it is, in sentences.
pub fn why(sim: &Sim, uid: &str, lang: Lang) -> Vec<String> {
    let ago = |sim: &Sim, t: Millis| ago(sim, t, lang);
    let actor_words = |a: &str| actor_words(a, lang);
    let Some(obj) = sim.store.by_uid(uid) else {
        return vec![];
    };
    let name = &obj.meta.name;
    let mut lines = vec![];
    let created_by = sim
        .steps
        .iter()
        .find(|s| s.uid == uid && s.verb == StepVerb::Created)
        .map(|s| actor_words(s.actor));
    let when = ago(sim, obj.meta.creation_ms);
    let owner = obj.controller_ref().and_then(|o| sim.store.by_uid(&o.uid));
    let replicas = |o: &Object| o.i64_at(&["spec", "replicas"]).unwrap_or(1);

    match obj.kind.as_str() {
        "Pod" => {
            match owner {
                Some(o) if o.kind == "StatefulSet" => {
                    let ordinal = name
                        .strip_prefix(&format!("{}-", o.meta.name))
                        .unwrap_or("?");
                    lines.push(
                        T::WhyPodOfStatefulSet
                            .fill(lang, &[name, &when, &o.meta.name, &replicas(o), &ordinal]),
                    );
                }
                Some(o) if o.kind == "ReplicaSet" => {
                    lines.push(
                        T::WhyPodOfReplicaSet
                            .fill(lang, &[name, &when, &o.meta.name, &replicas(o)]),
                    );
                    if let Some(d) = o.controller_ref().and_then(|d| sim.store.by_uid(&d.uid)) {
                        lines.push(
                            T::WhyReplicaSetOfDeployment
                                .fill(lang, &[&o.meta.name, &d.meta.name, &replicas(d)]),
                        );
                    }
                }
                Some(o) => {
                    lines.push(T::WhyCreatedFor.fill(lang, &[name, &when, &o.kind, &o.meta.name]))
                }
                None => lines.push(
                    T::WhyPodUnowned.fill(
                        lang,
                        &[
                            name,
                            &when,
                            &created_by
                                .clone()
                                .unwrap_or_else(|| T::ActorKubectl.get(lang).into()),
                        ],
                    ),
                ),
            }
            // An earlier pod of the same name, removed before this one was created.
            let earlier = sim.steps.iter().rev().find(|s| {
                s.kind == "Pod"
                    && s.verb == StepVerb::Removed
                    && s.namespace == obj.meta.namespace
                    && s.name == *name
                    && s.uid != uid
                    && s.time <= obj.meta.creation_ms
            });
            if let Some(prev) = earlier {
                let deleted_by = sim
                    .steps
                    .iter()
                    .find(|s| s.uid == prev.uid && s.verb == StepVerb::Deleting)
                    .map(|s| {
                        T::WhyDeletedBy.fill(lang, &[&actor_words(s.actor), &ago(sim, s.time)])
                    })
                    .unwrap_or_default();
                lines.push(T::WhyReplaces.fill(
                    lang,
                    &[
                        name,
                        &short_uid(&prev.uid),
                        &deleted_by,
                        &ago(sim, prev.time),
                    ],
                ));
            }
            for claim in pv::pod_claims(obj) {
                let Some(pvc) =
                    sim.store
                        .find("PersistentVolumeClaim", &obj.meta.namespace, &claim)
                else {
                    lines.push(T::WhyClaimMissing.fill(lang, &[&claim]));
                    continue;
                };
                let phase = pvc.str_at(&["status", "phase"]).unwrap_or("Pending");
                let volume = pvc.str_at(&["spec", "volumeName"]).unwrap_or("");
                let mut s = if phase == "Bound" && !volume.is_empty() {
                    T::WhyMountsBound.fill(lang, &[&claim, &volume])
                } else {
                    T::WhyMountsPhase.fill(lang, &[&claim, &phase])
                };
                if pvc.meta.creation_ms < obj.meta.creation_ms {
                    s.push_str(&T::WhyClaimOlder.fill(lang, &[&ago(sim, pvc.meta.creation_ms)]));
                } else {
                    s.push('.');
                }
                lines.push(s);
            }
            if let Some(at) = obj.meta.deletion_ms {
                let grace = obj.meta.deletion_grace_period_seconds.unwrap_or(0);
                let by = sim
                    .steps
                    .iter()
                    .find(|s| s.uid == uid && s.verb == StepVerb::Deleting)
                    .map(|s| T::WhyTerminatingBy.fill(lang, &[&actor_words(s.actor)]))
                    .unwrap_or_default();
                lines.push(
                    T::WhyTerminating
                        .fill(lang, &[&by, &grace, &human_duration((at - sim.now).max(0))]),
                );
            }
            for svc in sim.store.list("Service", &obj.meta.namespace) {
                let sel = orrery::api::object::string_map(Some(svc.get(&["spec", "selector"])));
                if sel.is_empty() || !sel.iter().all(|(k, v)| obj.meta.labels.get(k) == Some(v)) {
                    continue;
                }
                let (ready, total) = orrery::kubectl::printers::pod_ready_counts(obj);
                let is_ready = ready == total && total > 0 && obj.meta.deletion_ms.is_none();
                lines.push(if is_ready {
                    T::WhyServiceReady.fill(lang, &[&svc.meta.name])
                } else {
                    T::WhyServiceNotReady.fill(lang, &[&svc.meta.name])
                });
            }
        }
        "PersistentVolumeClaim" => {
            let by_statefulset = sim
                .steps
                .iter()
                .find(|s| s.uid == uid && s.verb == StepVerb::Created)
                .is_some_and(|s| s.actor == "statefulset-controller");
            match created_by.as_deref() {
                Some(_) if by_statefulset => {
                    lines.push(T::WhyClaimFromTemplate.fill(lang, &[name, &when]))
                }
                Some(by) => lines.push(T::WhyCreatedBy.fill(lang, &[name, &when, &by])),
                None => lines.push(T::WhyCreated.fill(lang, &[name, &when])),
            }
            lines.push(class_reason_words(&pv::class_reason(sim, obj), lang));
            let volume = obj.str_at(&["spec", "volumeName"]).unwrap_or("");
            match sim.store.find("PersistentVolume", "", volume) {
                Some(v) if !volume.is_empty() => {
                    let how = match v.meta.annotations.get("pv.kubernetes.io/provisioned-by") {
                        Some(p) => T::WhyProvisionedFor.fill(lang, &[p]),
                        None => T::WhyExistingVolume.get(lang).into(),
                    };
                    lines.push(T::WhyBoundTo.fill(lang, &[&volume, &how]));
                }
                _ => {
                    let waiting = sim
                        .events
                        .iter()
                        .rev()
                        .find(|e| e.uid == uid)
                        .map(|e| T::WhyLastEvent.fill(lang, &[&e.message.trim()]))
                        .unwrap_or_default();
                    lines.push(T::WhyNotBound.fill(
                        lang,
                        &[
                            &obj.str_at(&["status", "phase"]).unwrap_or("Pending"),
                            &waiting,
                        ],
                    ));
                }
            }
            let users: Vec<&str> = sim
                .store
                .list("Pod", &obj.meta.namespace)
                .filter(|p| pv::pod_claims(p).iter().any(|c| c == name))
                .map(|p| p.meta.name.as_str())
                .collect();
            if !users.is_empty() {
                lines.push(T::WhyMountedBy.fill(lang, &[&users.join(", ")]));
            }
        }
        "PersistentVolume" => {
            match obj.meta.annotations.get("pv.kubernetes.io/provisioned-by") {
                Some(p) => lines.push(
                    T::WhyPvProvisioned.fill(lang, &[name, p, &when, &pv::volume_class(obj)]),
                ),
                None => lines.push(
                    T::WhyCreatedBy.fill(
                        lang,
                        &[
                            name,
                            &when,
                            &created_by
                                .clone()
                                .unwrap_or_else(|| T::ActorKubectl.get(lang).into()),
                        ],
                    ),
                ),
            }
            if let Some((ns, claim, _)) = pv::claim_ref(obj) {
                lines.push(T::WhyReservedFor.fill(lang, &[&format!("{ns}/{claim}")]));
            }
            let policy = obj
                .str_at(&["spec", "persistentVolumeReclaimPolicy"])
                .unwrap_or("Retain");
            lines.push(match policy {
                "Delete" => T::WhyReclaimDelete.get(lang).into(),
                p => T::WhyReclaimOther.fill(lang, &[&p]),
            });
        }
        "StorageClass" => {
            if pv::is_default_class(obj) {
                lines.push(T::WhyDefaultClass.fill(lang, &[name]));
                let defaults = pv::default_classes(sim).len();
                if defaults > 1 {
                    lines.push(T::WhyManyDefaults.fill(lang, &[&defaults]));
                }
            } else {
                lines.push(T::WhyNotDefaultClass.fill(lang, &[name]));
            }
            let claims = sim
                .store
                .list_all("PersistentVolumeClaim")
                .filter(|c| pv::claim_class(c).as_deref() == Some(name.as_str()))
                .count();
            let provisioner = obj.get(&["provisioner"]).as_str().unwrap_or("?");
            lines.push(if claims == 1 {
                T::WhyProvisionerOne.fill(lang, &[&provisioner])
            } else {
                T::WhyProvisionerMany.fill(lang, &[&provisioner, &claims])
            });
        }
        "StatefulSet" => {
            let n = replicas(obj);
            lines.push(T::WhyStatefulSet.fill(lang, &[name, &n, &(n - 1).max(0)]));
            lines.push(T::WhyReadyOf.fill(
                lang,
                &[&obj.i64_at(&["status", "readyReplicas"]).unwrap_or(0), &n],
            ));
        }
        "Deployment" => {
            let rs: Vec<&str> = sim
                .store
                .owned_by(uid)
                .filter(|o| o.kind == "ReplicaSet")
                .map(|o| o.meta.name.as_str())
                .collect();
            let rs = if rs.is_empty() {
                T::WhyNoneYet.get(lang).to_string()
            } else {
                rs.join(", ")
            };
            lines.push(T::WhyDeployment.fill(lang, &[name, &replicas(obj), &rs]));
        }
        "ReplicaSet" => {
            match owner {
                Some(d) => lines.push(
                    T::WhyReplicaSetOwned.fill(
                        lang,
                        &[
                            name,
                            &when,
                            &d.meta.name,
                            &obj.meta
                                .labels
                                .get("pod-template-hash")
                                .map(String::as_str)
                                .unwrap_or("?"),
                        ],
                    ),
                ),
                None => lines.push(T::WhyReplicaSetUnowned.fill(lang, &[name, &when])),
            }
            lines.push(T::WhyWantsPods.fill(lang, &[&replicas(obj)]));
        }
        "Service" => {
            let sel = orrery::api::object::string_map(Some(obj.get(&["spec", "selector"])));
            if sel.is_empty() {
                lines.push(T::WhyServiceNoSelector.fill(lang, &[name]));
            } else {
                let pods: Vec<&Object> = sim
                    .store
                    .list("Pod", &obj.meta.namespace)
                    .filter(|p| sel.iter().all(|(k, v)| p.meta.labels.get(k) == Some(v)))
                    .collect();
                let ready = pods
                    .iter()
                    .filter(|p| {
                        let (r, t) = orrery::kubectl::printers::pod_ready_counts(p);
                        r == t && t > 0 && p.meta.deletion_ms.is_none()
                    })
                    .count();
                let sel_text: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
                lines.push(
                    T::WhyServiceSelects
                        .fill(lang, &[name, &sel_text.join(","), &pods.len(), &ready]),
                );
            }
        }
        "Job" => {
            // What the Job controller works towards (completions, parallelism, the backoff
            // limit) and where it is; its conditions and failures come from its status.
            let spec = |k: &str, d: i64| obj.i64_at(&["spec", k]).unwrap_or(d);
            let status = |k: &str| obj.i64_at(&["status", k]).unwrap_or(0);
            lines.push(T::WhyJob.fill(
                lang,
                &[
                    name,
                    &when,
                    &spec("completions", 1),
                    &spec("parallelism", 1),
                    &spec("backoffLimit", 6),
                ],
            ));
            lines.push(T::WhyJobProgress.fill(
                lang,
                &[&status("succeeded"), &status("failed"), &status("active")],
            ));
            let condition = |ty: &str| {
                orrery::controllers::job::true_condition(obj, ty)
                    .map(|c| c["reason"].as_str().unwrap_or("").to_string())
            };
            if condition("Complete").is_some() {
                lines.push(T::WhyJobComplete.get(lang).into());
            } else if let Some(reason) = condition("Failed") {
                lines.push(T::WhyJobFailed.fill(lang, &[&reason]));
            }
        }
        "Node" => {
            // The machine pods run on: what keeps new pods off it (a cordon, taints by
            // effect, the scheduler's TaintToleration check) and what waits for it.
            lines.push(T::WhyNode.fill(lang, &[name, &when]));
            if obj.get(&["spec", "unschedulable"]).as_bool() == Some(true) {
                lines.push(T::WhyNodeCordoned.fill(lang, &[name]));
            }
            // In `kubectl describe node`'s order.
            for t in orrery::controllers::scheduler::sorted_taints(obj) {
                let f = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("");
                // The cordon's own taint is said by the line above.
                if f("key") == orrery::kubectl::UNSCHEDULABLE_TAINT {
                    continue;
                }
                let text = orrery::controllers::scheduler::taint_text(t);
                lines.push(match f("effect") {
                    "NoExecute" => T::WhyTaintNoExecute.fill(lang, &[&text]),
                    "PreferNoSchedule" => T::WhyTaintPrefer.fill(lang, &[&text]),
                    _ => T::WhyTaintNoSchedule.fill(lang, &[&text]),
                });
            }
            let waiting = sim
                .store
                .list_all("Pod")
                .filter(|p| {
                    p.meta.deletion_ms.is_none()
                        && p.str_at(&["spec", "nodeName"]).is_none_or(str::is_empty)
                })
                .count();
            if waiting > 0 {
                lines.push(T::WhyNodeWaiting.fill(lang, &[&waiting]));
            }
        }
        kind => {
            let by = created_by
                .map(|b| T::WhyOtherBy.fill(lang, &[&b]))
                .unwrap_or_default();
            lines.push(T::WhyOtherCreated.fill(lang, &[&kind, name, &when, &by]));
            let simulated = sim.discovery.by_gk(&obj.gk()).is_some_and(|t| t.simulated);
            if !simulated {
                lines.push(T::WhyNotSimulated.fill(lang, &[&kind]));
            }
        }
    }
    // A warning only while it is the object's latest word (a pod that waited for its
    // claim and then started is not in trouble any more).
    if let Some(e) = sim
        .events
        .iter()
        .filter(|e| e.uid == uid)
        .max_by_key(|e| e.last_ms)
        .filter(|e| e.warning)
    {
        lines.push(T::WhyLastWarning.fill(lang, &[&e.reason, &e.message.trim()]));
    }
    lines
}

/// The kubectl resource name for an object (`pod`, `pvc`, or the singular of a CRD).
pub fn resource_of(sim: &Sim, obj: &Object) -> String {
    match obj.kind.as_str() {
        "PersistentVolumeClaim" | "PersistentVolume" => commands::resource(&obj.kind),
        _ => sim
            .discovery
            .by_gk(&obj.gk())
            .map(|t| t.singular.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| commands::resource(&obj.kind)),
    }
}

/// What the inspector shows about the selected object, compared between versions so the
/// panel only redraws what changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub uid: String,
    pub kind: String,
    pub resource: String,
    pub namespace: String,
    pub name: String,
    pub status: String,
    pub replicas: Option<i64>,
    pub default_class: Option<bool>,
    /// For pods: a file on the first mounted volume (or /tmp) to write to.
    pub exec_file: Option<String>,
    pub deleting: bool,
}

impl Info {
    pub fn of(sim: &Sim, obj: &Object) -> Info {
        let status = match obj.kind.as_str() {
            "Pod" => orrery::kubectl::printers::pod_status(obj),
            _ => obj
                .str_at(&["status", "phase"])
                .map(str::to_string)
                .unwrap_or_default(),
        };
        let replicas = matches!(
            obj.kind.as_str(),
            "Deployment" | "StatefulSet" | "ReplicaSet"
        )
        .then(|| obj.i64_at(&["spec", "replicas"]).unwrap_or(1));
        let exec_file = (obj.kind == "Pod").then(|| {
            let mount = obj
                .get(&["spec", "containers"])
                .as_array()
                .and_then(|c| c.first())
                .and_then(|c| c.get("volumeMounts"))
                .and_then(|m| m.as_array())
                .and_then(|m| {
                    m.iter().find_map(|v| {
                        v.get("mountPath")
                            .and_then(|p| p.as_str())
                            .map(str::to_string)
                    })
                });
            match mount {
                Some(m) => format!("{}/note.txt", m.trim_end_matches('/')),
                None => "/tmp/note.txt".into(),
            }
        });
        Info {
            uid: obj.meta.uid.clone(),
            kind: obj.kind.clone(),
            resource: resource_of(sim, obj),
            namespace: obj.meta.namespace.clone(),
            name: obj.meta.name.clone(),
            status,
            replicas,
            default_class: (obj.kind == "StorageClass").then(|| pv::is_default_class(obj)),
            exec_file,
            deleting: obj.is_deleting(),
        }
    }

    fn ns_flag(&self) -> String {
        if self.namespace.is_empty() {
            String::new()
        } else {
            format!(" -n {}", commands::quote(&self.namespace))
        }
    }

    pub fn delete_line(&self) -> String {
        format!(
            "kubectl delete {} {}{}",
            self.resource,
            commands::quote(&self.name),
            self.ns_flag()
        )
    }

    pub fn describe_line(&self) -> String {
        format!(
            "kubectl describe {} {}{}",
            self.resource,
            commands::quote(&self.name),
            self.ns_flag()
        )
    }
}

/// The object a removed UID was, from the simulator's step log: (kind, namespace, name).
pub fn last_known(sim: &Sim, uid: &str) -> Option<(String, String, String)> {
    sim.steps
        .iter()
        .rev()
        .find(|s| s.uid == uid)
        .map(|s| (s.kind.clone(), s.namespace.clone(), s.name.clone()))
}

// ------------------------------------------------------------------ the component

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Why,
    Yaml,
    Describe,
    Events,
}

impl Tab {
    const ALL: [Tab; 4] = [Tab::Why, Tab::Yaml, Tab::Describe, Tab::Events];

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Tab::Why => T::TabWhy.get(lang),
            Tab::Yaml => "YAML",
            Tab::Describe => T::TabDescribe.get(lang),
            Tab::Events => T::TabEvents.get(lang),
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Why => "why",
            Tab::Yaml => "yaml",
            Tab::Describe => "describe",
            Tab::Events => "events",
        }
    }
}

#[component]
pub fn Inspector() -> impl IntoView {
    let pg = Playground::expect();
    let tab = RwSignal::new(Tab::Why);
    let i18n = I18n::expect();
    view! {
        <aside class="panel-box inspector" data-testid="inspector" aria-label=i18n.text(T::Inspector)>
            <h2 class="panel-title">{i18n.text(T::Inspector)}</h2>
            <div class="inspector-body">
                {move || match pg.selected.get() {
                    None => view! { <ClusterInfo /> }.into_any(),
                    Some(uid) => view! { <ObjectInfo uid=uid tab=tab /> }.into_any(),
                }}
            </div>
        </aside>
    }
}

/// Nothing selected: the cluster itself, and its addons.
#[component]
fn ClusterInfo() -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let cluster = Memo::new(move |_| {
        pg.with_sim(|s| {
            (
                s.cluster.node_name.clone(),
                s.cluster.node_ip.clone(),
                s.version.git_version(),
                s.store.len(),
            )
        })
    });
    let addons = Memo::new(move |_| {
        pg.with_sim(|s| {
            orrery::minikube::ADDONS
                .iter()
                .map(|(name, _)| (name.to_string(), s.cluster.addons.contains(*name)))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <p class="hint">{i18n.text(T::InspectorHint)}</p>
        <dl class="facts" data-testid="cluster-facts">
            <dt>{i18n.text(T::FactNode)}</dt>
            <dd translate="no">{move || cluster.with(|c| format!("{} ({})", c.0, c.1))}</dd>
            <dt>{i18n.text(T::FactKubernetes)}</dt>
            <dd translate="no">{move || cluster.with(|c| c.2.clone())}</dd>
            <dt>{i18n.text(T::FactObjects)}</dt>
            <dd>{move || cluster.with(|c| c.3)}</dd>
        </dl>
        <h3 class="section-title">{i18n.text(T::MinikubeAddons)}</h3>
        <ul class="addons">
            <For each=move || addons.get() key=|a| a.clone() let:a>
                <li>
                    <label class="switch">
                        <input
                            type="checkbox"
                            data-testid=format!("addon-{}", a.0)
                            prop:checked=a.1
                            on:change={
                                let name = a.0.clone();
                                move |ev| {
                                    let on = event_target_checked(&ev);
                                    pg.run(&commands::addon(&name, on), None, "canvas");
                                }
                            }
                        />
                        <span translate="no">{a.0.clone()}</span>
                    </label>
                </li>
            </For>
        </ul>
    }
}

#[component]
fn ObjectInfo(uid: String, tab: RwSignal<Tab>) -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let info = {
        let uid = uid.clone();
        Memo::new(move |_| pg.with_sim(|s| s.store.by_uid(&uid).map(|o| Info::of(s, o))))
    };
    let gone = {
        let uid = uid.clone();
        Memo::new(move |_| {
            pg.with_sim(|s| {
                let (kind, ns, name) = last_known(s, &uid)?;
                let gk = s
                    .discovery
                    .types()
                    .iter()
                    .find(|t| t.kind == kind)
                    .map(|t| t.gk())
                    .unwrap_or(kind.clone());
                let successor = s.store.find(&gk, &ns, &name).map(|o| o.meta.uid.clone());
                Some((kind, name, successor))
            })
        })
    };
    let exists = move || info.with(|i| i.is_some());
    view! {
        <Show
            when=exists
            fallback=move || {
                view! {
                    <div class="gone" data-testid="inspector-gone">
                        {move || match gone.get() {
                            Some((kind, name, Some(next))) => view! {
                                <p>{i18n.f(T::GoneReplaced, &[&kind, &name])}</p>
                                <button type="button" class="button" data-testid="select-successor"
                                    on:click=move |_| pg.selected.set(Some(next.clone()))>
                                    {i18n.f(T::SelectNew, &[&name])}
                                </button>
                            }.into_any(),
                            Some((kind, name, None)) => view! {
                                <p>{i18n.f(T::GoneNamed, &[&kind, &name])}</p>
                            }.into_any(),
                            None => view! { <p>{i18n.t(T::GoneUnknown)}</p> }.into_any(),
                        }}
                        <button type="button" class="button quiet" on:click=move |_| pg.selected.set(None)>
                            {i18n.text(T::ShowCluster)}
                        </button>
                    </div>
                }
            }
        >
            <ObjectHeader info=info />
            <Actions info=info />
            <div class="tabs inspector-tabs" role="tablist" aria-label=i18n.text(T::AboutObject)>
                {Tab::ALL.into_iter().map(|t| view! {
                    <button type="button" role="tab" class="tab"
                        data-testid=format!("inspector-tab-{}", t.id())
                        aria-selected=move || (tab.get() == t).to_string()
                        on:click=move |_| tab.set(t)>
                        {move || t.title(i18n.lang())}
                    </button>
                }).collect_view()}
            </div>
            <TabBody uid=uid.clone() info=info tab=tab />
        </Show>
    }
}

#[component]
fn ObjectHeader(info: Memo<Option<Info>>) -> impl IntoView {
    let i18n = I18n::expect();
    let get =
        move |f: fn(&Info) -> String| move || info.with(|i| i.as_ref().map(f).unwrap_or_default());
    view! {
        <header class="object-header" data-testid="inspector-object">
            <span class="kind-chip" translate="no">{get(|i| i.kind.clone())}</span>
            <h3 class="object-name" data-testid="inspector-name" translate="no">{get(|i| i.name.clone())}</h3>
            <p class="object-meta">
                {move || info.with(|i| i.as_ref().map(|i| if i.namespace.is_empty() {
                    i18n.t(T::ClusterScoped).to_string()
                } else {
                    i18n.f(T::InNamespace, &[&i.namespace])
                }).unwrap_or_default())}
                <span translate="no">{get(|i| if i.status.is_empty() { String::new() } else { format!(" · {}", i.status) })}</span>
            </p>
            <p class="object-uid">"UID " <code data-testid="inspector-uid" translate="no">{get(|i| i.uid.clone())}</code></p>
        </header>
    }
}

#[component]
fn Actions(info: Memo<Option<Info>>) -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    let run = move |line: String| {
        pg.run(&line, None, "canvas");
    };
    let replicas = move || info.with(|i| i.as_ref().and_then(|i| i.replicas));
    let scale_to = move |n: i64| {
        if let Some(i) = info.get_untracked() {
            run(commands::scale(&i.kind, &i.namespace, &i.name, n.max(0)));
        }
    };
    let typed = RwSignal::new(None::<i64>);
    let default_class = move || info.with(|i| i.as_ref().and_then(|i| i.default_class));
    let exec_file = RwSignal::new(String::new());
    let exec_text = RwSignal::new("hello from Orrery".to_string());
    let exec_out = RwSignal::new(None::<(String, String, i32)>);
    // Pre-fill the file once per object.
    Effect::new(move |prev: Option<String>| {
        let (uid, file) = info.with(|i| {
            i.as_ref()
                .map(|i| (i.uid.clone(), i.exec_file.clone().unwrap_or_default()))
                .unwrap_or_default()
        });
        if prev.as_deref() != Some(uid.as_str()) {
            exec_file.set(file);
            exec_out.set(None);
        }
        uid
    });
    let exec = move |write: bool| {
        let Some(i) = info.get_untracked() else {
            return;
        };
        let file = exec_file.get_untracked();
        let line = if write {
            commands::exec_write(&i.namespace, &i.name, &file, &exec_text.get_untracked())
        } else {
            commands::exec_read(&i.namespace, &i.name, &file)
        };
        let out = pg.run(&line, None, "canvas");
        exec_out.set(Some((line, out.text, out.code)));
    };
    view! {
        <div class="actions" data-testid="inspector-actions">
            <Show when=move || replicas().is_some()>
                <div class="action-row scale" role="group" aria-label=i18n.text(T::Scale)>
                    <span class="action-label">{i18n.text(T::Replicas)}</span>
                    <button type="button" class="icon-button" data-testid="scale-down" aria-label=i18n.text(T::ReplicaFewer)
                        on:click=move |_| scale_to(replicas().unwrap_or(0) - 1)>"−"</button>
                    <input type="number" min="0" max="5000" class="replicas" data-testid="scale-input"
                        aria-label=i18n.text(T::Replicas)
                        prop:value=move || replicas().unwrap_or(0).to_string()
                        on:input=move |ev| typed.set(event_target_value(&ev).trim().parse().ok())
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                if let Some(n) = typed.get_untracked() { scale_to(n); }
                            }
                        } />
                    <button type="button" class="icon-button" data-testid="scale-up" aria-label=i18n.text(T::ReplicaMore)
                        on:click=move |_| scale_to(replicas().unwrap_or(0) + 1)>"+"</button>
                    <button type="button" class="button" data-testid="scale-apply"
                        on:click=move |_| {
                            if let Some(n) = typed.get_untracked().or(replicas()) { scale_to(n); }
                        }>{i18n.text(T::Scale)}</button>
                </div>
            </Show>
            <Show when=move || default_class() == Some(false)>
                <div class="action-row">
                    <button type="button" class="button" data-testid="make-default"
                        title=i18n.text(T::MakeDefaultTitle)
                        on:click=move |_| {
                            let Some(i) = info.get_untracked() else { return };
                            let old: Vec<String> = untrack(|| pg.with_sim(|s| {
                                orrery::controllers::persistentvolume::default_classes(s)
                                    .iter().map(|c| c.meta.name.clone()).collect()
                            }));
                            for line in commands::make_default_class(&i.name, &old) {
                                run(line);
                            }
                        }>
                        {i18n.text(T::MakeDefault)}
                    </button>
                </div>
            </Show>
            <Show when=move || info.with(|i| i.as_ref().is_some_and(|i| i.exec_file.is_some()))>
                <details class="exec-details" data-testid="exec-details">
                <summary data-testid="exec-open">{i18n.text(T::ExecSummary)}<code translate="no">"kubectl exec"</code></summary>
                <form class="exec" data-testid="exec-form" on:submit=move |ev| { ev.prevent_default(); exec(true); }>
                    <label class="field">
                        <span>{i18n.text(T::ExecFile)}</span>
                        <input type="text" spellcheck="false" data-testid="exec-file"
                            prop:value=move || exec_file.get()
                            on:input=move |ev| exec_file.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span>{i18n.text(T::ExecText)}</span>
                        <input type="text" spellcheck="false" data-testid="exec-text"
                            prop:value=move || exec_text.get()
                            on:input=move |ev| exec_text.set(event_target_value(&ev)) />
                    </label>
                    <div class="exec-buttons">
                        <button type="submit" class="button" data-testid="exec-write">{i18n.text(T::ExecWrite)}</button>
                        <button type="button" class="button" data-testid="exec-read"
                            on:click=move |_| exec(false)>{i18n.text(T::ExecRead)}</button>
                    </div>
                    {move || exec_out.get().map(|(line, text, code)| view! {
                        <pre class=if code == 0 { "exec-output" } else { "exec-output error" } data-testid="exec-output" translate="no">
                            <span class="prompt">{format!("$ {line}\n")}</span>
                            {text}
                        </pre>
                    })}
                </form>
                </details>
            </Show>
            <div class="action-row">
                <button type="button" class="button danger" data-testid="delete-button"
                    prop:disabled=move || info.with(|i| i.as_ref().is_some_and(|i| i.deleting))
                    title=move || info.with(|i| i.as_ref().map(Info::delete_line).unwrap_or_default())
                    on:click=move |_| {
                        if let Some(i) = info.get_untracked() { run(i.delete_line()); }
                    }>
                    {move || i18n.t(if info.with(|i| i.as_ref().is_some_and(|i| i.deleting)) { T::Terminating } else { T::Delete })}
                </button>
                <code class="equals" translate="no">{move || info.with(|i| i.as_ref().map(Info::delete_line).unwrap_or_default())}</code>
            </div>
        </div>
    }
}

#[component]
fn TabBody(uid: String, info: Memo<Option<Info>>, tab: RwSignal<Tab>) -> impl IntoView {
    let pg = Playground::expect();
    let i18n = I18n::expect();
    // Each tab computes only while it shows.
    let body = Memo::new(move |_| {
        let t = tab.get();
        let uid = uid.clone();
        match t {
            Tab::Why => {
                let lang = i18n.lang();
                pg.with_sim(|s| why(s, &uid, lang)).join("\n")
            }
            Tab::Yaml => pg.with_sim(|s| {
                s.store
                    .by_uid(&uid)
                    .map(|o| orrery::manifest::to_yaml(&o.to_json()))
                    .unwrap_or_default()
            }),
            Tab::Describe => pg.describe(&uid).unwrap_or_default(),
            Tab::Events => pg.with_sim(|s| {
                let mut rows: Vec<String> = s
                    .events
                    .iter()
                    .filter(|e| e.uid == uid)
                    .map(|e| {
                        format!(
                            "{}\t{}\t{}\t{}{}",
                            human_duration(s.now - e.last_ms),
                            if e.warning { "Warning" } else { "Normal" },
                            e.reason,
                            e.message.trim(),
                            if e.count > 1 {
                                format!(" (x{})", e.count)
                            } else {
                                String::new()
                            }
                        )
                    })
                    .collect();
                rows.reverse();
                rows.join("\n")
            }),
        }
    });
    view! {
        <div class="tab-body" role="tabpanel" data-testid=move || format!("inspector-{}", tab.get().id())>
            {move || match tab.get() {
                Tab::Why => view! {
                    <ol class="why" data-testid="why">
                        {move || body.with(|b| b.lines().map(|l| view! { <li>{l.to_string()}</li> }).collect_view())}
                    </ol>
                }.into_any(),
                Tab::Yaml => view! { <pre class="code-view" translate="no">{move || body.get()}</pre> }.into_any(),
                Tab::Describe => view! {
                    <p class="equals-line">
                        <code translate="no">{move || format!("$ {}", info.with(|i| i.as_ref().map(Info::describe_line).unwrap_or_default()))}</code>
                    </p>
                    <pre class="code-view" translate="no">{move || body.get()}</pre>
                }.into_any(),
                Tab::Events => view! {
                    <Show when=move || body.with(|b| !b.is_empty()) fallback=move || view! { <p class="muted">{i18n.text(T::NoObjectEvents)}</p> }>
                        <ul class="events" translate="no">
                            {move || body.with(|b| b.lines().map(|l| {
                                let mut parts = l.splitn(4, '\t');
                                let age = parts.next().unwrap_or("").to_string();
                                let ty = parts.next().unwrap_or("").to_string();
                                let reason = parts.next().unwrap_or("").to_string();
                                let message = parts.next().unwrap_or("").to_string();
                                view! {
                                    <li class=format!("event {}", ty.to_ascii_lowercase()) data-testid="inspector-event">
                                        <span class="event-age">{age}</span>
                                        <span class="event-reason">{reason}</span>
                                        <span class="event-message">{message}</span>
                                    </li>
                                }
                            }).collect_view())}
                        </ul>
                    </Show>
                }.into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::shell::Session;

    fn lesson() -> Session {
        crate::canvas::tests_support::lesson()
    }

    fn uid_of(s: &Session, kind: &str, ns: &str, name: &str) -> String {
        s.sim.store.find(kind, ns, name).unwrap().meta.uid.clone()
    }

    #[test]
    fn a_recreated_mongo_0_explains_itself() {
        let mut s = lesson();
        let old = uid_of(&s, "Pod", "pacman", "mongo-0");
        s.exec("kubectl delete pod mongo-0 -n pacman", None);
        let terminating = why(&s.sim, &old, Lang::En).join("\n");
        assert!(
            terminating.contains("Terminating: deleted by a kubectl command"),
            "{terminating}"
        );
        s.exec("sleep 90s", None);
        let new = uid_of(&s, "Pod", "pacman", "mongo-0");
        assert_ne!(old, new);
        let text = why(&s.sim, &new, Lang::En).join("\n");
        assert!(
            text.contains("mongo-0 was created by the statefulset controller")
                && text.contains("StatefulSet mongo has replicas 1, and ordinal 0 was missing"),
            "{text}"
        );
        assert!(
            text.contains(&format!("replaces an earlier mongo-0 (UID {}", &old[..8])),
            "{text}"
        );
        assert!(
            text.contains("It mounts claim mongo-storage, bound to volume"),
            "{text}"
        );
        assert!(text.contains("the claim is older than this pod"), "{text}");
        assert_eq!(last_known(&s.sim, &old).unwrap().2, "mongo-0");
    }

    /// A Job's "why": what it wants, how far it got, how it ended.
    #[test]
    fn a_job_explains_itself() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create job hello --image=busybox -- sh -c 'echo hello'",
            None,
        );
        let uid = uid_of(&s, "Job.batch", "default", "hello");
        s.exec("kubectl wait --for=condition=complete job/hello", None);
        let lines = why(&s.sim, &uid, Lang::En);
        assert!(
            lines[0].starts_with("Job hello was created") && lines[0].ends_with(
                "it wants 1 successful pod(s), at most 1 at a time, and gives up after 6 failures."
            ),
            "{lines:?}"
        );
        assert_eq!(lines[1], "1 succeeded, 0 failed, 0 running.");
        assert_eq!(
            lines[2],
            "Complete: its pods stay until the Job is deleted."
        );
        let ko = why(&s.sim, &uid, Lang::Ko).join("\n");
        assert!(ko.contains("성공 1"), "{ko}");
    }

    /// The node's "why": a cordon, each taint by its effect, the pods waiting; the
    /// cordon's own taint is not said twice.
    #[test]
    fn a_cordoned_tainted_node_explains_itself() {
        let mut s = Session::new(1);
        let node = uid_of(&s, "Node", "", "minikube");
        let text = why(&s.sim, &node, Lang::En).join("\n");
        assert!(text.starts_with("minikube is the cluster's node"), "{text}");
        assert!(
            !text.contains("Cordoned") && !text.contains("Taint"),
            "{text}"
        );
        s.exec("kubectl cordon minikube", None);
        s.exec("kubectl taint nodes minikube dedicated=gpu:NoExecute", None);
        s.exec("kubectl taint nodes minikube spot:PreferNoSchedule", None);
        s.exec("kubectl run solo --image=nginx", None);
        s.exec("sleep 5s", None);
        let lines = why(&s.sim, &node, Lang::En);
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert!(lines[1].starts_with("Cordoned: the scheduler places no new pods here"));
        assert!(lines[1].ends_with("kubectl uncordon minikube undoes it."));
        // In describe's order: by effect, then key.
        assert!(lines[2].starts_with(
            "Taint dedicated=gpu:NoExecute: pods that do not tolerate it are evicted"
        ));
        assert!(lines[3].starts_with("Taint spot:PreferNoSchedule: the scheduler avoids"));
        assert_eq!(lines[4], "1 pod(s) wait to be scheduled.");
        let ko = why(&s.sim, &node, Lang::Ko).join("\n");
        assert!(
            ko.contains("코든됨") && ko.contains("테인트 dedicated=gpu:NoExecute"),
            "{ko}"
        );
    }

    #[test]
    fn a_claim_says_why_it_has_its_class() {
        let s = lesson();
        let uid = uid_of(&s, "PersistentVolumeClaim", "pacman", "mongo-storage");
        let text = why(&s.sim, &uid, Lang::En).join("\n");
        assert!(text.contains("csi-hostpath-sc"), "{text}");
        assert!(
            text.contains("provisioned dynamically for this claim"),
            "{text}"
        );
        assert!(text.contains("Mounted by pod mongo-0"), "{text}");
    }

    #[test]
    fn pacman_pods_and_classes_explain_their_owners() {
        let s = lesson();
        let pod = s
            .sim
            .store
            .list("Pod", "pacman")
            .find(|p| p.meta.name.starts_with("pacman-"))
            .unwrap();
        let text = why(&s.sim, &pod.meta.uid, Lang::En).join("\n");
        assert!(
            text.contains("created by the replicaset controller"),
            "{text}"
        );
        assert!(text.contains("belongs to Deployment pacman"), "{text}");
        assert!(
            text.contains("Service pacman selects it, and it is ready"),
            "{text}"
        );
        let csi = uid_of(&s, "StorageClass.storage.k8s.io", "", "csi-hostpath-sc");
        assert!(why(&s.sim, &csi, Lang::En)[0].contains("is the default StorageClass"));
        let standard = uid_of(&s, "StorageClass.storage.k8s.io", "", "standard");
        assert!(why(&s.sim, &standard, Lang::En)[0].contains("is not the default"));
    }

    #[test]
    fn stored_only_kinds_say_so() {
        let s = lesson();
        let psp = s
            .sim
            .store
            .all()
            .find(|o| o.kind == "PodSecurityPolicy")
            .unwrap();
        let text = why(&s.sim, &psp.meta.uid, Lang::En).join("\n");
        assert!(text.contains("does not simulate"), "{text}");
        let info = Info::of(&s.sim, psp);
        assert_eq!(
            info.delete_line(),
            "kubectl delete podsecuritypolicy pacman"
        );
    }

    #[test]
    fn info_offers_the_right_actions() {
        let s = lesson();
        let mongo = s.sim.store.find("Pod", "pacman", "mongo-0").unwrap();
        let i = Info::of(&s.sim, mongo);
        assert_eq!(i.delete_line(), "kubectl delete pod mongo-0 -n pacman");
        assert_eq!(i.describe_line(), "kubectl describe pod mongo-0 -n pacman");
        assert!(i.exec_file.as_deref().unwrap().ends_with("/note.txt"));
        assert_eq!(i.replicas, None);
        let d = s
            .sim
            .store
            .find("Deployment.apps", "pacman", "pacman")
            .unwrap();
        assert_eq!(Info::of(&s.sim, d).replicas, Some(1));
        let sc = s
            .sim
            .store
            .find("StorageClass.storage.k8s.io", "", "standard")
            .unwrap();
        let i = Info::of(&s.sim, sc);
        assert_eq!(i.default_class, Some(false));
        assert_eq!(i.delete_line(), "kubectl delete storageclass standard");
    }

    #[test]
    fn actors_read_as_words() {
        assert_eq!(
            actor_words("statefulset-controller", Lang::En),
            "the statefulset controller"
        );
        assert_eq!(actor_words("kubectl", Lang::En), "a kubectl command");
        assert_eq!(actor_words("kubectl", Lang::Ko), "kubectl 명령");
    }

    /// Every sentence of every lesson object's causal chain is in Korean when the page
    /// is, and says as much as the English (the same number of sentences).
    #[test]
    fn the_causal_chain_speaks_korean() {
        let mut s = lesson();
        s.exec("kubectl delete pod mongo-0 -n pacman", None);
        let hangul = |t: &str| t.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
        let uids: Vec<String> = s.sim.store.all().map(|o| o.meta.uid.clone()).collect();
        for uid in uids {
            let en = why(&s.sim, &uid, Lang::En);
            let ko = why(&s.sim, &uid, Lang::Ko);
            assert_eq!(en.len(), ko.len(), "{en:?}");
            for line in &ko {
                assert!(hangul(line), "{line}");
            }
        }
        let uid = uid_of(&s, "PersistentVolumeClaim", "pacman", "mongo-storage");
        let text = why(&s.sim, &uid, Lang::Ko).join("\n");
        assert!(
            text.contains("DefaultStorageClass 어드미션 플러그인"),
            "{text}"
        );
    }
}
