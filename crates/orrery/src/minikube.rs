//! minikube: the cluster preset (one node `minikube`, the system namespaces, the
//! `kubernetes` Service, the `standard` StorageClass) and its addons (R5.18, R7.9), plus
//! the `minikube` commands of TRANSCRIPT.md.

use serde_json::Value;

use crate::api::{ClusterVersion, Object};
use crate::kubectl::args::{flag, parse, FlagSpec};
use crate::shell::{Output, Session};
use crate::sim::Sim;

/// How long `minikube start` takes in virtual time: objects it creates show this AGE
/// right after it returns.
pub const START_MS: i64 = 30_000;

/// Addons `minikube addons list` knows, with whether a fresh cluster has them on.
pub const ADDONS: &[(&str, bool)] = &[
    ("csi-hostpath-driver", false),
    ("default-storageclass", true),
    ("ingress", false),
    ("storage-provisioner", true),
    ("volumesnapshots", false),
];

fn create(sim: &mut Sim, v: serde_json::Value) {
    let obj = Object::from_manifest(&v).expect("preset objects are well-formed");
    // Preset objects are known-good; a failure here is a bug in the preset.
    let _ = sim.create(obj);
}

/// Builds a fresh cluster in `sim` (which must be empty) with the default addons plus
/// `addons`, then lets `START_MS` of virtual time pass.
pub fn bootstrap(sim: &mut Sim, addons: &[String]) {
    // The namespaces, the node and the `kubernetes` Service (addons/cluster.yaml: text,
    // not `json!` code, BENCHMARKS.md "Size"); the node gets the cluster's name and IP.
    for mut v in crate::addons::manifests(crate::addons::CLUSTER) {
        if v["kind"] == "Node" {
            registered_node(sim, &mut v);
        }
        create(sim, v);
    }
    for (name, on) in ADDONS {
        if *on {
            enable_addon(sim, name);
        }
    }
    for a in addons {
        enable_addon(sim, a);
    }
    sim.advance(START_MS);
}

/// The node as the kubelet registers it and kubeadm and minikube label it, at the
/// cluster's version and the present moment: addons/cluster.yaml holds what does not
/// change; the name, the IP, the times and what differs by version are set here.
fn registered_node(sim: &Sim, v: &mut Value) {
    let name = Value::from(sim.cluster.node_name.as_str());
    let version = sim.version;
    let now = crate::time::rfc3339(sim.now);
    let meta = &mut v["metadata"];
    meta["name"] = name.clone();
    let labels = &mut meta["labels"];
    labels["kubernetes.io/hostname"] = name.clone();
    labels["minikube.k8s.io/name"] = name.clone();
    // minikube stamps its start with Go's "2006_01_02T15_04_05_0700" layout; the
    // simulated clock is UTC.
    let stamp = format!(
        "{}_0000",
        now.trim_end_matches('Z').replace([':', '-'], "_")
    );
    labels["minikube.k8s.io/updated_at"] = Value::from(stamp);
    // kubeadm labelled control-plane nodes `master` too until 1.24 (kubernetes PR #107533,
    // [CL]); `kubectl get nodes` then shows ROLES `control-plane,master`.
    if !version.at_least(24) {
        labels["node-role.kubernetes.io/master"] = Value::from("");
    }
    // kubeadm records the CRI socket on the node: dockershim's until it was removed in
    // 1.24, then minikube's cri-dockerd [OBS]. kubeadm's NodeLocalCRISocket gate keeps it
    // in the kubelet's instance config instead; that it is on by default (beta) from 1.34
    // is UNVERIFIED (chosen: no annotation from 1.34).
    let socket = if !version.at_least(24) {
        Some("/var/run/dockershim.sock")
    } else if !version.at_least(34) {
        Some("unix:///var/run/cri-dockerd.sock")
    } else {
        None
    };
    if let Some(socket) = socket {
        meta["annotations"]["kubeadm.alpha.kubernetes.io/cri-socket"] = Value::from(socket);
    }
    let status = &mut v["status"];
    status["addresses"][0]["address"] = Value::from(sim.cluster.node_ip.as_str());
    status["addresses"][1]["address"] = name;
    // The kubelet posts its conditions when it registers; nothing changes them after.
    if let Some(conditions) = status["conditions"].as_array_mut() {
        for c in conditions {
            c["lastHeartbeatTime"] = Value::from(now.as_str());
            c["lastTransitionTime"] = Value::from(now.as_str());
        }
    }
    let info = &mut status["nodeInfo"];
    info["kubeletVersion"] = Value::from(version.git_version());
    info["kubeProxyVersion"] = Value::from(kube_proxy_version(version));
}

/// `status.nodeInfo.kubeProxyVersion` as the kubelet sets it: its own version, until the
/// DisableNodeKubeProxyVersion gate, on by default from 1.33 (kubernetes PR #129713), left
/// it empty. 1.31.0 had the gate on too; 1.31.1 turned it off again (PR #126721, [CL];
/// a real v1.31.0 minikube node shows an empty `Kube-Proxy Version:` [OBS]).
fn kube_proxy_version(version: ClusterVersion) -> String {
    if version.at_least(33) || (version.minor == 31 && version.patch == 0) {
        String::new()
    } else {
        version.git_version()
    }
}

/// Turns an addon on. Returns false for an unknown addon.
pub fn enable_addon(sim: &mut Sim, name: &str) -> bool {
    if !ADDONS.iter().any(|(n, _)| *n == name) {
        return false;
    }
    if !sim.cluster.addons.insert(name.to_string()) {
        return true;
    }
    if name == "default-storageclass" {
        // R5.18: minikube's `standard` class, annotated default.
        for v in crate::addons::manifests(crate::addons::DEFAULT_STORAGECLASS) {
            create(sim, v);
        }
    }
    crate::addons::enable(sim, name);
    true
}

/// Turns an addon off. Returns false for an unknown addon.
pub fn disable_addon(sim: &mut Sim, name: &str) -> bool {
    if !ADDONS.iter().any(|(n, _)| *n == name) {
        return false;
    }
    if !sim.cluster.addons.remove(name) {
        return true;
    }
    if name == "default-storageclass" {
        if let Some(sc) = sim
            .store
            .find("StorageClass.storage.k8s.io", "", "standard")
        {
            let key = sc.key();
            let _ = sim.delete(&key, None);
        }
    }
    crate::addons::disable(sim, name);
    true
}

const START_FLAGS: &[FlagSpec] = &[
    flag("kubernetes-version", None, true),
    flag("addons", None, true),
    flag("profile", Some('p'), true),
    flag("driver", Some('d'), true),
    flag("vm-driver", None, true),
    flag("cpus", None, true),
    flag("memory", None, true),
    flag("nodes", Some('n'), true),
    flag("container-runtime", None, true),
    flag("cni", None, true),
    flag("network-plugin", None, true),
    flag("feature-gates", None, true),
    flag("extra-config", None, true),
    flag("disk-size", None, true),
    flag("wait", None, true),
    flag("force", None, false),
];

pub fn run(s: &mut Session, words: &[String]) -> Output {
    let Some(sub) = words.first() else {
        return Output::ok("minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n");
    };
    match sub.as_str() {
        "start" => start(s, &words[1..]),
        "addons" => addons(s, &words[1..]),
        "ip" => Output::ok(format!("{}\n", s.sim.cluster.node_ip)),
        "tunnel" => {
            s.sim.cluster.tunnel = true;
            s.sim.settle();
            Output::ok("Status:\t\n\tmachine: minikube\n\tpid: 4242\n\troute: 10.96.0.0/12 -> 192.168.49.2\n\tminikube: Running\n\tservices: []\n    errors: \n\t\tminikube: no errors\n\t\trouter: no errors\n\t\tloadbalancer emulator: no errors\n")
        }
        "status" => Output::ok("minikube\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\nkubeconfig: Configured\n\n"),
        "version" => Output::ok("minikube version: v1.34.0\n"),
        "stop" | "delete" => Output::err(format!("! \"minikube {sub}\" is not simulated: the cluster stays as it is.\n"), 0),
        other => Output::err(format!("Error: unknown command \"{other}\" for \"minikube\"\nRun 'minikube --help' for usage.\n"), 1),
    }
}

fn start(s: &mut Session, words: &[String]) -> Output {
    let args = match parse(words, START_FLAGS) {
        Ok(a) => a,
        Err(e) => return Output::err(format!("Error: {e}\n"), 1),
    };
    let version = match args.get("kubernetes-version") {
        None => ClusterVersion::NEWEST,
        Some(v) => match ClusterVersion::parse(v) {
            Some(v) if v.is_supported() => v,
            Some(v) => {
                return Output::err(
                    format!(
                        "X Exiting due to K8S_UNSUPPORTED: Kubernetes {} is not simulated; Orrery models v1.{}.0 to v1.{}.x\n",
                        v.git_version(),
                        ClusterVersion::OLDEST_MINOR,
                        ClusterVersion::NEWEST.minor
                    ),
                    1,
                )
            }
            None => {
                return Output::err(format!("X Exiting due to MK_USAGE: Unable to parse \"{v}\": expected a version like v1.21.2\n"), 1)
            }
        },
    };
    let addons: Vec<String> = args
        .all("addons")
        .iter()
        .flat_map(|a| {
            a.split(',')
                .map(|x| x.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|a| !a.is_empty())
        .collect();
    for a in &addons {
        if !ADDONS.iter().any(|(n, _)| n == a) {
            return Output::err(format!("X Exiting due to MK_ADDON_ENABLE: enable failed: run callbacks: addon \"{a}\" is not simulated\n"), 1);
        }
    }
    let mut sim = Sim::new(s.seed, version);
    sim.verify_skips = s.sim.verify_skips;
    // The new cluster starts at the session's present: virtual time never runs backwards
    // (the page's scrubber and event log order by it), and ages are relative anyway.
    sim.now = s.sim.now;
    bootstrap(&mut sim, &addons);
    s.sim = sim;
    s.port_forwards.clear();
    let mut out = Output::default();
    out.line("😄  minikube v1.34.0 on Orrery (simulated)");
    out.linef(format_args!(
        "🐳  Preparing Kubernetes {} on Docker 27.2.0 ...",
        version.git_version()
    ));
    for a in &addons {
        out.linef(format_args!("🌟  Enabled addon: {a}"));
    }
    out.line("🏄  Done! kubectl is now configured to use \"minikube\" cluster and \"default\" namespace by default");
    out
}

fn addons(s: &mut Session, words: &[String]) -> Output {
    let (Some(verb), name) = (words.first(), words.get(1)) else {
        return Output::err("Error: requires a subcommand: enable, disable, list\n", 1);
    };
    match verb.as_str() {
        "list" => {
            let mut out = Output::default();
            out.line("|-----------------------------|----------|--------------|");
            out.line("|         ADDON NAME          | PROFILE  |    STATUS    |");
            out.line("|-----------------------------|----------|--------------|");
            for (n, _) in ADDONS {
                let on = s.sim.cluster.addons.contains(*n);
                out.linef(format_args!(
                    "| {:<27} | minikube | {:<12} |",
                    n,
                    if on { "enabled ✅" } else { "disabled" }
                ));
            }
            out.line("|-----------------------------|----------|--------------|");
            out
        }
        "enable" | "disable" => {
            let Some(name) = name else {
                return Output::err(
                    format!(
                        "X Exiting due to MK_USAGE: usage: minikube addons {verb} ADDON_NAME\n"
                    ),
                    1,
                );
            };
            let ok = if verb == "enable" {
                enable_addon(&mut s.sim, name)
            } else {
                disable_addon(&mut s.sim, name)
            };
            if !ok {
                return Output::err(format!("X Exiting due to MK_ADDON_ENABLE: enable failed: run callbacks: addon \"{name}\" is not simulated\n"), 10);
            }
            s.sim.settle();
            if verb == "enable" {
                Output::ok(format!("🌟  The '{name}' addon is enabled\n"))
            } else {
                Output::ok(format!("🌑  \"The '{name}' addon is disabled\"\n"))
            }
        }
        other => Output::err(
            format!("Error: unknown command \"{other}\" for \"minikube addons\"\n"),
            1,
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    /// What kubeadm and the kubelet register differs by version: the `master` role before
    /// 1.24, the CRI socket annotation (dockershim, cri-dockerd, none from 1.34), and
    /// kube-proxy's version (empty from 1.33, and on 1.31.0 only of the 1.31s).
    #[test]
    fn the_node_is_registered_as_its_version_registers_it() {
        for (version, master, socket, proxy) in [
            ("v1.21.2", true, Some("/var/run/dockershim.sock"), "v1.21.2"),
            (
                "v1.24.0",
                false,
                Some("unix:///var/run/cri-dockerd.sock"),
                "v1.24.0",
            ),
            (
                "v1.31.0",
                false,
                Some("unix:///var/run/cri-dockerd.sock"),
                "",
            ),
            (
                "v1.31.1",
                false,
                Some("unix:///var/run/cri-dockerd.sock"),
                "v1.31.1",
            ),
            (
                "v1.32.0",
                false,
                Some("unix:///var/run/cri-dockerd.sock"),
                "v1.32.0",
            ),
            (
                "v1.33.0",
                false,
                Some("unix:///var/run/cri-dockerd.sock"),
                "",
            ),
            ("v1.34.0", false, None, ""),
        ] {
            let mut s = Session::new(1);
            let out = s.exec(
                &format!("minikube start --kubernetes-version={version}"),
                None,
            );
            assert_eq!(out.code, 0, "{}", out.text);
            let node = s.sim.store.find("Node", "", "minikube").unwrap();
            assert_eq!(
                node.meta
                    .labels
                    .contains_key("node-role.kubernetes.io/master"),
                master,
                "{version}"
            );
            assert_eq!(
                node.meta
                    .annotations
                    .get("kubeadm.alpha.kubernetes.io/cri-socket")
                    .map(String::as_str),
                socket,
                "{version}"
            );
            assert_eq!(
                node.str_at(&["status", "nodeInfo", "kubeProxyVersion"]),
                Some(proxy),
                "{version}"
            );
            assert_eq!(
                node.str_at(&["status", "nodeInfo", "kubeletVersion"]),
                Some(version)
            );
        }
    }

    /// A restart keeps the session's clock: time on the page never runs backwards.
    #[test]
    fn minikube_start_does_not_turn_the_clock_back() {
        let mut s = Session::new(1);
        s.exec("sleep 60s", None);
        let before = s.sim.now;
        assert!(before >= 60_000);
        let out = s.exec("minikube start --kubernetes-version=v1.21.2", None);
        assert_eq!(out.code, 0, "{}", out.text);
        assert!(s.sim.now >= before + super::START_MS);
    }
}
