//! What minikube addons add to the cluster beyond the preset (R5.18, R7.9):
//! `csi-hostpath-driver` (StorageClass `csi-hostpath-sc`), `volumesnapshots`,
//! `storage-provisioner` (the hostpath provisioner), `ingress` (namespace
//! `ingress-nginx`, the controller, IngressClass `nginx`).

use crate::sim::Sim;
use serde_json::Value;

// What the preset and the addons create, as manifest text read at run time by the
// simulator's own parser. As `json!` builders these objects were about 40 KB of wasm
// code; as text they are a few KB that compress well (BENCHMARKS.md, "Size"). The
// files carry no comments, since every byte of them ships in the page: their notes are
// here. The tests below check that each file's objects agree with the constants the
// controllers use.

/// What `minikube start` creates before the addons, in this order: the system
/// namespaces, the node and the `kubernetes` Service (§13.5, UNVERIFIED, chosen: it is
/// 10.96.0.1). `minikube::bootstrap` sets the node's name, hostname label and address
/// from the cluster; the file holds the defaults.
pub(crate) const CLUSTER: &str = include_str!("addons/cluster.yaml");
/// R5.18: minikube's `standard` class, annotated default (the default-storageclass
/// addon).
pub(crate) const DEFAULT_STORAGECLASS: &str = include_str!("addons/default-storageclass.yaml");
/// R7.9: what `minikube addons enable ingress` installs, in this order: the shape of
/// minikube's `ingress-deploy.yaml.tmpl` for Kubernetes ≥ 1.19, without the admission
/// webhook and its certificate Jobs, which the simulator does not run. Names match
/// `controllers::ingress`'s `NAMESPACE`, `CLASS_NAME`, `CONTROLLER_CLASS`,
/// `CONTROLLER_IMAGE` and `COMPONENT_LABELS`.
pub(crate) const INGRESS: &str = include_str!("addons/ingress.yaml");
/// R5.18: what `minikube addons enable csi-hostpath-driver` creates, in this order: the
/// CSIDriver, the driver's StatefulSets in kube-system (attacher, resizer, plugin;
/// `CSI_STATEFULSETS`) and the StorageClass `csi-hostpath-sc` (not default, no
/// allowVolumeExpansion: prints false).
pub(crate) const CSI_HOSTPATH_DRIVER: &str = include_str!("addons/csi-hostpath-driver.yaml");
/// `csi-hostpath-snapclass`, which the csi-hostpath-driver addon creates once the
/// snapshot CRDs exist (whichever of csi-hostpath-driver and volumesnapshots is enabled
/// second).
pub(crate) const CSI_HOSTPATH_SNAPCLASS: &str = include_str!("addons/csi-hostpath-snapclass.yaml");
/// R5.18: what `minikube addons enable volumesnapshots` creates, in this order: the
/// snapshot.storage.k8s.io CRDs (`SNAPSHOT_CRDS`: stored and listed, not simulated) and
/// the snapshot-controller Deployment.
pub(crate) const VOLUMESNAPSHOTS: &str = include_str!("addons/volumesnapshots.yaml");

/// The objects of one of the files above, in file order. The files are known-good (a
/// test parses each and compares key fields), so a problem is not expected: a document
/// that did not parse would be missing, and the tests would fail.
pub(crate) fn manifests(text: &str) -> Vec<Value> {
    crate::manifest::parse(text)
        .documents
        .into_iter()
        .map(|d| d.value)
        .collect()
}

/// Creates the addon's objects.
pub fn enable(sim: &mut Sim, name: &str) {
    match name {
        "csi-hostpath-driver" | "volumesnapshots" | "storage-provisioner" => {
            crate::controllers::persistentvolume::enable_addon(sim, name)
        }
        "ingress" => crate::controllers::ingress::enable_addon(sim, name),
        _ => {}
    }
}

/// Removes the addon's objects.
pub fn disable(sim: &mut Sim, name: &str) {
    match name {
        "csi-hostpath-driver" | "volumesnapshots" | "storage-provisioner" => {
            crate::controllers::persistentvolume::disable_addon(sim, name)
        }
        "ingress" => crate::controllers::ingress::disable_addon(sim, name),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Object;
    use crate::controllers::ingress::{
        CLASS_NAME, COMPONENT_LABELS, CONTROLLER_CLASS, CONTROLLER_IMAGE, NAMESPACE,
    };
    use crate::controllers::persistentvolume::{CSI_HOSTPATH, CSI_STATEFULSETS, SNAPSHOT_CRDS};

    /// `kind/name` of each object of a file, in order; every file parses without a
    /// diagnostic or warning, and every document is an object the store accepts.
    fn names(text: &str) -> Vec<String> {
        let parsed = crate::manifest::parse(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        manifests(text)
            .iter()
            .map(|v| {
                let o = Object::from_manifest(v).expect("a well-formed object");
                format!("{}/{}", o.kind, o.meta.name)
            })
            .collect()
    }

    fn find<'a>(objs: &'a [Value], kind: &str) -> &'a Value {
        objs.iter().find(|v| v["kind"] == kind).expect(kind)
    }

    #[test]
    fn cluster_preset_objects() {
        let mut want: Vec<String> = ["default", "kube-node-lease", "kube-public", "kube-system"]
            .iter()
            .map(|n| format!("Namespace/{n}"))
            .collect();
        want.extend(["Node/minikube".into(), "Service/kubernetes".into()]);
        assert_eq!(names(CLUSTER), want);
        let objs = manifests(CLUSTER);
        let node = find(&objs, "Node");
        let cluster = crate::sim::Cluster::default();
        assert_eq!(node["metadata"]["name"], cluster.node_name.as_str());
        assert_eq!(
            node["status"]["addresses"][0]["address"],
            cluster.node_ip.as_str()
        );
        let ready = node["status"]["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
            .expect("a Ready condition");
        assert_eq!(ready["status"], "True");
        assert_eq!(node["status"]["allocatable"]["pods"], "110");
        let svc = find(&objs, "Service");
        assert_eq!(svc["spec"]["ports"][0]["port"], 443);
        assert_eq!(svc["spec"]["ports"][0]["targetPort"], 8443);
        assert_eq!(names(DEFAULT_STORAGECLASS), ["StorageClass/standard"]);
        let sc = &manifests(DEFAULT_STORAGECLASS)[0];
        assert_eq!(sc["provisioner"], "k8s.io/minikube-hostpath");
        assert_eq!(
            sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"],
            "true"
        );
    }

    #[test]
    fn ingress_addon_objects_match_the_controller_constants() {
        assert_eq!(
            names(INGRESS),
            [
                format!("Namespace/{NAMESPACE}"),
                "ServiceAccount/ingress-nginx".into(),
                "ConfigMap/ingress-nginx-controller".into(),
                "Service/ingress-nginx-controller-admission".into(),
                "Service/ingress-nginx-controller".into(),
                "Deployment/ingress-nginx-controller".into(),
                format!("IngressClass/{CLASS_NAME}"),
            ]
        );
        let objs = manifests(INGRESS);
        for v in &objs[1..6] {
            assert_eq!(v["metadata"]["namespace"], NAMESPACE, "{v}");
        }
        let labels: serde_json::Map<String, Value> = COMPONENT_LABELS
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect();
        let deploy = find(&objs, "Deployment");
        assert_eq!(
            deploy["spec"]["selector"]["matchLabels"],
            Value::Object(labels.clone())
        );
        let pod = &deploy["spec"]["template"];
        for (k, v) in COMPONENT_LABELS {
            assert_eq!(pod["metadata"]["labels"][k], v);
        }
        let c = &pod["spec"]["containers"][0];
        assert_eq!(c["image"], CONTROLLER_IMAGE);
        assert_eq!(c["readinessProbe"]["httpGet"]["port"], 10254);
        assert_eq!(c["ports"][0]["hostPort"], 80);
        let svc = &objs[4];
        assert_eq!(svc["spec"]["type"], "NodePort");
        assert_eq!(svc["spec"]["selector"], Value::Object(labels));
        let class = find(&objs, "IngressClass");
        assert_eq!(class["spec"]["controller"], CONTROLLER_CLASS);
    }

    #[test]
    fn storage_addon_objects_match_the_controller_constants() {
        let mut want = vec![format!("CSIDriver/{CSI_HOSTPATH}")];
        want.extend(CSI_STATEFULSETS.iter().map(|n| format!("StatefulSet/{n}")));
        want.push("StorageClass/csi-hostpath-sc".into());
        assert_eq!(names(CSI_HOSTPATH_DRIVER), want);
        let objs = manifests(CSI_HOSTPATH_DRIVER);
        assert_eq!(find(&objs, "StorageClass")["provisioner"], CSI_HOSTPATH);
        assert_eq!(
            objs[3]["spec"]["template"]["spec"]["containers"]
                .as_array()
                .map(Vec::len),
            Some(6)
        );
        assert_eq!(
            names(CSI_HOSTPATH_SNAPCLASS),
            ["VolumeSnapshotClass/csi-hostpath-snapclass"]
        );
        assert_eq!(manifests(CSI_HOSTPATH_SNAPCLASS)[0]["driver"], CSI_HOSTPATH);

        let mut want: Vec<String> = SNAPSHOT_CRDS
            .iter()
            .map(|(_, plural, ..)| {
                format!("CustomResourceDefinition/{plural}.snapshot.storage.k8s.io")
            })
            .collect();
        want.push("Deployment/snapshot-controller".into());
        assert_eq!(names(VOLUMESNAPSHOTS), want);
        let objs = manifests(VOLUMESNAPSHOTS);
        for ((kind, plural, singular, short, namespaced), crd) in SNAPSHOT_CRDS.iter().zip(&objs) {
            let n = &crd["spec"]["names"];
            assert_eq!(n["kind"], *kind);
            assert_eq!(n["listKind"], format!("{kind}List"));
            assert_eq!(n["plural"], *plural);
            assert_eq!(n["singular"], *singular);
            assert_eq!(n["shortNames"], Value::from(short.to_vec()));
            let scope = if *namespaced { "Namespaced" } else { "Cluster" };
            assert_eq!(crd["spec"]["scope"], scope);
        }
    }
}
