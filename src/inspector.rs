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
use crate::state::Playground;

// ------------------------------------------------------------------ pure, tested natively

fn ago(sim: &Sim, t: Millis) -> String {
    format!("{} ago", human_duration(sim.now - t))
}

fn short_uid(uid: &str) -> &str {
    uid.get(..8).unwrap_or(uid)
}

/// Who did it, in words: `the statefulset controller`, `a kubectl command`.
pub fn actor_words(actor: &str) -> String {
    match actor {
        "kubectl" => "a kubectl command".into(),
        a if a.ends_with("-controller") => {
            format!("the {} controller", a.trim_end_matches("-controller"))
        }
        "garbage-collector" => "the garbage collector".into(),
        "" => "the API server".into(),
        a => a.to_string(),
    }
}

/// The causal chain of an object: why it exists and is the way it is, in sentences.
pub fn why(sim: &Sim, uid: &str) -> Vec<String> {
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
                    lines.push(format!(
                        "{name} was created by the statefulset controller {when}: StatefulSet {} has replicas {}, and ordinal {ordinal} was missing.",
                        o.meta.name,
                        replicas(o)
                    ));
                }
                Some(o) if o.kind == "ReplicaSet" => {
                    lines.push(format!(
                        "{name} was created by the replicaset controller {when}: ReplicaSet {} wants {} pods and had fewer. A ReplicaSet's pods get random suffixes.",
                        o.meta.name,
                        replicas(o)
                    ));
                    if let Some(d) = o
                        .controller_ref()
                        .and_then(|d| sim.store.by_uid(&d.uid))
                    {
                        lines.push(format!(
                            "ReplicaSet {} belongs to Deployment {}, which has replicas {}.",
                            o.meta.name,
                            d.meta.name,
                            replicas(d)
                        ));
                    }
                }
                Some(o) => lines.push(format!(
                    "{name} was created {when} for {} {}.",
                    o.kind, o.meta.name
                )),
                None => lines.push(format!(
                    "{name} was created {when} by {}. No controller owns it, so nothing recreates it if it is deleted.",
                    created_by.clone().unwrap_or_else(|| "a kubectl command".into())
                )),
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
                    .map(|s| format!(", deleted by {} {}", actor_words(s.actor), ago(sim, s.time)))
                    .unwrap_or_default();
                lines.push(format!(
                    "It replaces an earlier {name} (UID {}…{deleted_by}, removed {}). Same name, new UID: a StatefulSet pod keeps its identity, not its object.",
                    short_uid(&prev.uid),
                    ago(sim, prev.time)
                ));
            }
            for claim in pv::pod_claims(obj) {
                let Some(pvc) =
                    sim.store
                        .find("PersistentVolumeClaim", &obj.meta.namespace, &claim)
                else {
                    lines.push(format!(
                        "It mounts claim {claim}, which does not exist: the pod cannot start until it does."
                    ));
                    continue;
                };
                let phase = pvc.str_at(&["status", "phase"]).unwrap_or("Pending");
                let volume = pvc.str_at(&["spec", "volumeName"]).unwrap_or("");
                let mut s = if phase == "Bound" && !volume.is_empty() {
                    format!("It mounts claim {claim}, bound to volume {volume}")
                } else {
                    format!("It mounts claim {claim}, which is {phase}")
                };
                if pvc.meta.creation_ms < obj.meta.creation_ms {
                    s.push_str(&format!(
                        "; the claim is older than this pod (created {}), so the data on it outlived any earlier pod.",
                        ago(sim, pvc.meta.creation_ms)
                    ));
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
                    .map(|s| format!(" by {}", actor_words(s.actor)))
                    .unwrap_or_default();
                lines.push(format!(
                    "It is Terminating: deleted{by}; the kubelet stops it within its grace period of {grace}s ({} left).",
                    human_duration((at - sim.now).max(0))
                ));
            }
            for svc in sim.store.list("Service", &obj.meta.namespace) {
                let sel = orrery::api::object::string_map(Some(svc.get(&["spec", "selector"])));
                if sel.is_empty() || !sel.iter().all(|(k, v)| obj.meta.labels.get(k) == Some(v)) {
                    continue;
                }
                let (ready, total) = orrery::kubectl::printers::pod_ready_counts(obj);
                let is_ready = ready == total && total > 0 && obj.meta.deletion_ms.is_none();
                lines.push(if is_ready {
                    format!("Service {} selects it, and it is ready: it receives the Service's traffic.", svc.meta.name)
                } else {
                    format!("Service {} selects it, but it is not ready: the Service sends it no traffic.", svc.meta.name)
                });
            }
        }
        "PersistentVolumeClaim" => {
            match created_by.as_deref() {
                Some("the statefulset controller") => lines.push(format!(
                    "{name} was created by the statefulset controller {when}, from a volumeClaimTemplate. It is not deleted with its pod: a recreated pod of the same ordinal gets it back."
                )),
                Some(by) => lines.push(format!("{name} was created {when} by {by}.")),
                None => lines.push(format!("{name} was created {when}.")),
            }
            lines.push(pv::class_reason(sim, obj).explain());
            let volume = obj.str_at(&["spec", "volumeName"]).unwrap_or("");
            match sim.store.find("PersistentVolume", "", volume) {
                Some(v) if !volume.is_empty() => {
                    let how = match v.meta.annotations.get("pv.kubernetes.io/provisioned-by") {
                        Some(p) => format!(", which {p} provisioned dynamically for this claim"),
                        None => ", an existing volume that satisfied the claim".into(),
                    };
                    lines.push(format!("It is bound to volume {volume}{how}."));
                }
                _ => {
                    let waiting = sim
                        .events
                        .iter()
                        .rev()
                        .find(|e| e.uid == uid)
                        .map(|e| format!(" The last event says: {}", e.message.trim()))
                        .unwrap_or_default();
                    lines.push(format!(
                        "It is {}, not bound to a volume yet.{waiting}",
                        obj.str_at(&["status", "phase"]).unwrap_or("Pending")
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
                lines.push(format!("Mounted by pod {}.", users.join(", ")));
            }
        }
        "PersistentVolume" => {
            match obj
                .meta
                .annotations
                .get("pv.kubernetes.io/provisioned-by")
            {
                Some(p) => lines.push(format!(
                    "{name} was provisioned dynamically by {p} {when}, for a claim of StorageClass {}.",
                    pv::volume_class(obj)
                )),
                None => lines.push(format!("{name} was created {when} by {}.", created_by.clone().unwrap_or_else(|| "a kubectl command".into()))),
            }
            if let Some((ns, claim, _)) = pv::claim_ref(obj) {
                lines.push(format!("It is reserved for claim {ns}/{claim}."));
            }
            let policy = obj
                .str_at(&["spec", "persistentVolumeReclaimPolicy"])
                .unwrap_or("Retain");
            lines.push(match policy {
                "Delete" => "Reclaim policy Delete: when its claim is deleted, the volume and its data are deleted too.".into(),
                p => format!("Reclaim policy {p}: when its claim is deleted, the volume stays (Released) with its data."),
            });
        }
        "StorageClass" => {
            if pv::is_default_class(obj) {
                lines.push(format!(
                    "{name} is the default StorageClass: its annotation storageclass.kubernetes.io/is-default-class is \"true\". A claim created without storageClassName gets this class."
                ));
                let defaults = pv::default_classes(sim).len();
                if defaults > 1 {
                    lines.push(format!(
                        "{defaults} classes are marked default at the moment; take the annotation off the others."
                    ));
                }
            } else {
                lines.push(format!(
                    "{name} is not the default StorageClass: only claims that name it get it."
                ));
            }
            let claims = sim
                .store
                .list_all("PersistentVolumeClaim")
                .filter(|c| pv::claim_class(c).as_deref() == Some(name.as_str()))
                .count();
            lines.push(format!(
                "Provisioner {}; {claims} claim{} use{} it.",
                obj.get(&["provisioner"]).as_str().unwrap_or("?"),
                if claims == 1 { "" } else { "s" },
                if claims == 1 { "s" } else { "" }
            ));
        }
        "StatefulSet" => {
            let n = replicas(obj);
            lines.push(format!(
                "StatefulSet {name} has replicas {n}: its controller keeps pods {name}-0 … {name}-{} — created in ordinal order, removed in reverse — each with the same name and claims every time.",
                (n - 1).max(0)
            ));
            lines.push(format!(
                "{} of {n} ready.",
                obj.i64_at(&["status", "readyReplicas"]).unwrap_or(0)
            ));
        }
        "Deployment" => {
            let rs: Vec<&str> = sim
                .store
                .owned_by(uid)
                .filter(|o| o.kind == "ReplicaSet")
                .map(|o| o.meta.name.as_str())
                .collect();
            lines.push(format!(
                "Deployment {name} has replicas {}: the deployment controller keeps a ReplicaSet per pod template ({}), and each ReplicaSet keeps its pods.",
                replicas(obj),
                if rs.is_empty() { "none yet".to_string() } else { rs.join(", ") }
            ));
        }
        "ReplicaSet" => {
            match owner {
                Some(d) => lines.push(format!(
                    "{name} was created by the deployment controller {when} for Deployment {}: its name ends with the pod template's hash ({}).",
                    d.meta.name,
                    obj.meta.labels.get("pod-template-hash").map(String::as_str).unwrap_or("?")
                )),
                None => lines.push(format!("{name} was created {when}; no Deployment owns it.")),
            }
            lines.push(format!("It wants {} pods.", replicas(obj)));
        }
        "Service" => {
            let sel = orrery::api::object::string_map(Some(obj.get(&["spec", "selector"])));
            if sel.is_empty() {
                lines.push(format!(
                    "Service {name} has no selector: its endpoints are managed by hand."
                ));
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
                lines.push(format!(
                    "Service {name} selects pods labelled {}: {} match, {ready} ready. Only ready pods are endpoints that get traffic.",
                    sel_text.join(","),
                    pods.len()
                ));
            }
        }
        kind => {
            lines.push(format!(
                "{kind} {name} was created {when}{}.",
                created_by.map(|b| format!(" by {b}")).unwrap_or_default()
            ));
            let simulated = sim.discovery.by_gk(&obj.gk()).is_some_and(|t| t.simulated);
            if !simulated {
                lines.push(format!(
                    "Orrery stores {kind} objects and shows them, but does not simulate what they do."
                ));
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
        lines.push(format!("Last warning: {} — {}", e.reason, e.message.trim()));
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

    fn title(self) -> &'static str {
        match self {
            Tab::Why => "Why",
            Tab::Yaml => "YAML",
            Tab::Describe => "Describe",
            Tab::Events => "Events",
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
    view! {
        <aside class="panel-box inspector" data-testid="inspector" aria-label="Inspector">
            <h2 class="panel-title">"Inspector"</h2>
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
        <p class="hint">"Select an object on the canvas to see why it is there, its YAML, its events — and to act on it."</p>
        <dl class="facts" data-testid="cluster-facts">
            <dt>"Node"</dt>
            <dd>{move || cluster.with(|c| format!("{} ({})", c.0, c.1))}</dd>
            <dt>"Kubernetes"</dt>
            <dd>{move || cluster.with(|c| c.2.clone())}</dd>
            <dt>"Objects"</dt>
            <dd>{move || cluster.with(|c| c.3)}</dd>
        </dl>
        <h3 class="section-title">"minikube addons"</h3>
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
                        <span>{a.0.clone()}</span>
                    </label>
                </li>
            </For>
        </ul>
    }
}

#[component]
fn ObjectInfo(uid: String, tab: RwSignal<Tab>) -> impl IntoView {
    let pg = Playground::expect();
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
                                <p>{format!("This {kind} {name} no longer exists. A new {name} took its place.")}</p>
                                <button type="button" class="button" data-testid="select-successor"
                                    on:click=move |_| pg.selected.set(Some(next.clone()))>
                                    {format!("Select the new {name}")}
                                </button>
                            }.into_any(),
                            Some((kind, name, None)) => view! {
                                <p>{format!("{kind} {name} no longer exists.")}</p>
                            }.into_any(),
                            None => view! { <p>"The selected object no longer exists."</p> }.into_any(),
                        }}
                        <button type="button" class="button quiet" on:click=move |_| pg.selected.set(None)>
                            "Show the cluster"
                        </button>
                    </div>
                }
            }
        >
            <ObjectHeader info=info />
            <Actions info=info />
            <div class="tabs inspector-tabs" role="tablist" aria-label="About this object">
                {Tab::ALL.into_iter().map(|t| view! {
                    <button type="button" role="tab" class="tab"
                        data-testid=format!("inspector-tab-{}", t.id())
                        aria-selected=move || (tab.get() == t).to_string()
                        on:click=move |_| tab.set(t)>
                        {t.title()}
                    </button>
                }).collect_view()}
            </div>
            <TabBody uid=uid.clone() info=info tab=tab />
        </Show>
    }
}

#[component]
fn ObjectHeader(info: Memo<Option<Info>>) -> impl IntoView {
    let get =
        move |f: fn(&Info) -> String| move || info.with(|i| i.as_ref().map(f).unwrap_or_default());
    view! {
        <header class="object-header" data-testid="inspector-object">
            <span class="kind-chip">{get(|i| i.kind.clone())}</span>
            <h3 class="object-name" data-testid="inspector-name">{get(|i| i.name.clone())}</h3>
            <p class="object-meta">
                {get(|i| if i.namespace.is_empty() { "cluster-scoped".into() } else { format!("namespace {}", i.namespace) })}
                {get(|i| if i.status.is_empty() { String::new() } else { format!(" · {}", i.status) })}
            </p>
            <p class="object-uid">"UID " <code data-testid="inspector-uid">{get(|i| i.uid.clone())}</code></p>
        </header>
    }
}

#[component]
fn Actions(info: Memo<Option<Info>>) -> impl IntoView {
    let pg = Playground::expect();
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
                <div class="action-row scale" role="group" aria-label="Scale">
                    <span class="action-label">"Replicas"</span>
                    <button type="button" class="icon-button" data-testid="scale-down" aria-label="One replica fewer"
                        on:click=move |_| scale_to(replicas().unwrap_or(0) - 1)>"−"</button>
                    <input type="number" min="0" max="5000" class="replicas" data-testid="scale-input"
                        aria-label="Replicas"
                        prop:value=move || replicas().unwrap_or(0).to_string()
                        on:input=move |ev| typed.set(event_target_value(&ev).trim().parse().ok())
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" {
                                ev.prevent_default();
                                if let Some(n) = typed.get_untracked() { scale_to(n); }
                            }
                        } />
                    <button type="button" class="icon-button" data-testid="scale-up" aria-label="One replica more"
                        on:click=move |_| scale_to(replicas().unwrap_or(0) + 1)>"+"</button>
                    <button type="button" class="button" data-testid="scale-apply"
                        on:click=move |_| {
                            if let Some(n) = typed.get_untracked().or(replicas()) { scale_to(n); }
                        }>"Scale"</button>
                </div>
            </Show>
            <Show when=move || default_class() == Some(false)>
                <div class="action-row">
                    <button type="button" class="button" data-testid="make-default"
                        title="Two kubectl patch commands: this class gets the default annotation, the old default loses it"
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
                        "★ Make this the default class"
                    </button>
                </div>
            </Show>
            <Show when=move || info.with(|i| i.as_ref().is_some_and(|i| i.exec_file.is_some()))>
                <form class="exec" data-testid="exec-form" on:submit=move |ev| { ev.prevent_default(); exec(true); }>
                    <span class="action-label">"kubectl exec"</span>
                    <label class="field">
                        <span>"File"</span>
                        <input type="text" spellcheck="false" data-testid="exec-file"
                            prop:value=move || exec_file.get()
                            on:input=move |ev| exec_file.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">
                        <span>"Text"</span>
                        <input type="text" spellcheck="false" data-testid="exec-text"
                            prop:value=move || exec_text.get()
                            on:input=move |ev| exec_text.set(event_target_value(&ev)) />
                    </label>
                    <div class="exec-buttons">
                        <button type="submit" class="button" data-testid="exec-write">"Write"</button>
                        <button type="button" class="button" data-testid="exec-read"
                            on:click=move |_| exec(false)>"Read"</button>
                    </div>
                    {move || exec_out.get().map(|(line, text, code)| view! {
                        <pre class=if code == 0 { "exec-output" } else { "exec-output error" } data-testid="exec-output">
                            <span class="prompt">{format!("$ {line}\n")}</span>
                            {text}
                        </pre>
                    })}
                </form>
            </Show>
            <div class="action-row">
                <button type="button" class="button danger" data-testid="delete-button"
                    prop:disabled=move || info.with(|i| i.as_ref().is_some_and(|i| i.deleting))
                    title=move || info.with(|i| i.as_ref().map(Info::delete_line).unwrap_or_default())
                    on:click=move |_| {
                        if let Some(i) = info.get_untracked() { run(i.delete_line()); }
                    }>
                    {move || if info.with(|i| i.as_ref().is_some_and(|i| i.deleting)) { "Terminating…" } else { "Delete" }}
                </button>
                <code class="equals">{move || info.with(|i| i.as_ref().map(Info::delete_line).unwrap_or_default())}</code>
            </div>
        </div>
    }
}

#[component]
fn TabBody(uid: String, info: Memo<Option<Info>>, tab: RwSignal<Tab>) -> impl IntoView {
    let pg = Playground::expect();
    // Each tab computes only while it shows.
    let body = Memo::new(move |_| {
        let t = tab.get();
        let uid = uid.clone();
        match t {
            Tab::Why => pg.with_sim(|s| why(s, &uid)).join("\n"),
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
                Tab::Yaml => view! { <pre class="code-view">{move || body.get()}</pre> }.into_any(),
                Tab::Describe => view! {
                    <p class="equals-line">
                        <code>{move || format!("$ {}", info.with(|i| i.as_ref().map(Info::describe_line).unwrap_or_default()))}</code>
                    </p>
                    <pre class="code-view">{move || body.get()}</pre>
                }.into_any(),
                Tab::Events => view! {
                    <Show when=move || body.with(|b| !b.is_empty()) fallback=|| view! { <p class="muted">"No events for this object."</p> }>
                        <ul class="events">
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
        let terminating = why(&s.sim, &old).join("\n");
        assert!(
            terminating.contains("Terminating: deleted by a kubectl command"),
            "{terminating}"
        );
        s.exec("sleep 90s", None);
        let new = uid_of(&s, "Pod", "pacman", "mongo-0");
        assert_ne!(old, new);
        let text = why(&s.sim, &new).join("\n");
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

    #[test]
    fn a_claim_says_why_it_has_its_class() {
        let s = lesson();
        let uid = uid_of(&s, "PersistentVolumeClaim", "pacman", "mongo-storage");
        let text = why(&s.sim, &uid).join("\n");
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
        let text = why(&s.sim, &pod.meta.uid).join("\n");
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
        assert!(why(&s.sim, &csi)[0].contains("is the default StorageClass"));
        let standard = uid_of(&s, "StorageClass.storage.k8s.io", "", "standard");
        assert!(why(&s.sim, &standard)[0].contains("is not the default"));
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
        let text = why(&s.sim, &psp.meta.uid).join("\n");
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
            actor_words("statefulset-controller"),
            "the statefulset controller"
        );
        assert_eq!(actor_words("kubectl"), "a kubectl command");
    }
}
