//! What minikube addons add to the cluster beyond the preset (R5.18, R7.9):
//! `csi-hostpath-driver` (StorageClass `csi-hostpath-sc`), `volumesnapshots`,
//! `storage-provisioner` (the hostpath provisioner), `ingress` (namespace
//! `ingress-nginx`, the controller, IngressClass `nginx`).

use crate::sim::Sim;
use serde_json::Value;

// What the preset and the addons create, as manifest text read at run time by the
// simulator's own parser. As `json!` builders these objects were about 40 KB of wasm
// code; as text they are a few KB that compress well (BENCHMARKS.md, "Size").
pub(crate) const CLUSTER: &str = include_str!("addons/cluster.yaml");
pub(crate) const DEFAULT_STORAGECLASS: &str = include_str!("addons/default-storageclass.yaml");
pub(crate) const INGRESS: &str = include_str!("addons/ingress.yaml");
pub(crate) const CSI_HOSTPATH_DRIVER: &str = include_str!("addons/csi-hostpath-driver.yaml");
pub(crate) const CSI_HOSTPATH_SNAPCLASS: &str = include_str!("addons/csi-hostpath-snapclass.yaml");
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

/// The objects as the `json!` builders made them before they became YAML files.
#[cfg(test)]
#[allow(clippy::all)]
pub(crate) mod old {
    use crate::controllers::ingress::*;
    use crate::controllers::persistentvolume::CSI_HOSTPATH;
    use serde_json::{json, Value};
    const COMPONENT_LABELS: [(&str, &str); 3] = [
        ("app.kubernetes.io/name", "ingress-nginx"),
        ("app.kubernetes.io/instance", "ingress-nginx"),
        ("app.kubernetes.io/component", "controller"),
    ];
    fn labels_json() -> Value {
        let mut m = serde_json::Map::new();
        for (k, v) in COMPONENT_LABELS {
            m.insert(k.into(), json!(v));
        }
        Value::Object(m)
    }
    pub fn ingress() -> Vec<Value> {
        let mut out = vec![];
        let labels = labels_json();
        out.push(json!({"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": NAMESPACE, "labels": {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx"}}}),
    );
        out.push(json!({"apiVersion": "v1", "kind": "ServiceAccount",
               "metadata": {"name": "ingress-nginx", "namespace": NAMESPACE, "labels": labels},
               "automountServiceAccountToken": true}));
        out.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "ingress-nginx-controller", "namespace": NAMESPACE, "labels": labels},
               "data": {"hsts": "false", "allow-snippet-annotations": "true"}}),
    );
        out.push(json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "ingress-nginx-controller-admission", "namespace": NAMESPACE, "labels": labels},
               "spec": {"type": "ClusterIP", "selector": labels,
                        "ports": [{"name": "https-webhook", "port": 443, "targetPort": "webhook", "appProtocol": "https"}]}}),
    );
        out.push(json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "ingress-nginx-controller", "namespace": NAMESPACE, "labels": labels},
               "spec": {"type": "NodePort", "selector": labels,
                        "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http", "appProtocol": "http"},
                                  {"name": "https", "port": 443, "protocol": "TCP", "targetPort": "https", "appProtocol": "https"}]}}),
    );
        let mut pod_labels = labels.clone();
        pod_labels["gcp-auth-skip-secret"] = json!("true");
        out.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "ingress-nginx-controller", "namespace": NAMESPACE, "labels": labels},
               "spec": {"selector": {"matchLabels": labels}, "revisionHistoryLimit": 10, "minReadySeconds": 0,
                        "template": {"metadata": {"labels": pod_labels},
                                     "spec": {"dnsPolicy": "ClusterFirst", "serviceAccountName": "ingress-nginx",
                                              "containers": [{
                                                  "name": "controller", "image": CONTROLLER_IMAGE, "imagePullPolicy": "IfNotPresent",
                                                  "args": ["/nginx-ingress-controller", "--election-id=ingress-controller-leader",
                                                           "--controller-class=k8s.io/ingress-nginx",
                                                           "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                                                           "--report-node-internal-ip-address",
                                                           "--tcp-services-configmap=$(POD_NAMESPACE)/tcp-services",
                                                           "--udp-services-configmap=$(POD_NAMESPACE)/udp-services",
                                                           "--validating-webhook=:8443"],
                                                  "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                                                          {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                                                  "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                                                                    "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                                                  "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/healthz", "port": 10254, "scheme": "HTTP"},
                                                                     "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
                                                  "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP", "hostPort": 80},
                                                            {"name": "https", "containerPort": 443, "protocol": "TCP", "hostPort": 443},
                                                            {"name": "webhook", "containerPort": 8443, "protocol": "TCP"}],
                                                  "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}}}]}}}}),
    );
        out.push(
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
               "metadata": {"name": CLASS_NAME, "labels": labels,
                            "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
               "spec": {"controller": CONTROLLER_CLASS}}),
        );

        out
    }
    fn csi_statefulset(name: &str, containers: &[(&str, &str)]) -> Value {
        let cs: Vec<Value> = containers
            .iter()
            .map(|(n, image)| json!({"name": n, "image": image}))
            .collect();
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
           "metadata": {"name": name, "namespace": "kube-system",
                        "labels": {"addonmanager.kubernetes.io/mode": "Reconcile",
                                   "app.kubernetes.io/instance": "hostpath.csi.k8s.io",
                                   "app.kubernetes.io/part-of": "csi-driver-host-path",
                                   "app.kubernetes.io/name": name}},
           "spec": {"serviceName": name, "replicas": 1,
                    "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
                    "template": {"metadata": {"labels": {"app.kubernetes.io/name": name,
                                                         "app.kubernetes.io/instance": "hostpath.csi.k8s.io",
                                                         "app.kubernetes.io/part-of": "csi-driver-host-path"}},
                                 "spec": {"serviceAccountName": format!("{name}-sa"), "containers": cs}}}})
    }

    const SNAPSHOT_CRDS: &[(&str, &str, &str, &[&str], bool)] = &[
        (
            "VolumeSnapshotClass",
            "volumesnapshotclasses",
            "volumesnapshotclass",
            &["vsclass", "vsclasses"],
            false,
        ),
        (
            "VolumeSnapshotContent",
            "volumesnapshotcontents",
            "volumesnapshotcontent",
            &["vsc", "vscs"],
            false,
        ),
        (
            "VolumeSnapshot",
            "volumesnapshots",
            "volumesnapshot",
            &["vs"],
            true,
        ),
    ];
    pub fn pv(name: &str, other_on: bool) -> Vec<Value> {
        let mut out = vec![];
        match name {
            "csi-hostpath-driver" => {
                out.push(json!({"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver",
                       "metadata": {"name": CSI_HOSTPATH, "labels": {"addonmanager.kubernetes.io/mode": "Reconcile",
                                    "app.kubernetes.io/instance": CSI_HOSTPATH, "app.kubernetes.io/part-of": "csi-driver-host-path"}},
                       "spec": {"attachRequired": true, "podInfoOnMount": true, "fsGroupPolicy": "File",
                                "requiresRepublish": false, "storageCapacity": false,
                                "volumeLifecycleModes": ["Persistent", "Ephemeral"]}}),
            );
                out.push(csi_statefulset(
                    "csi-hostpath-attacher",
                    &[(
                        "csi-attacher",
                        "registry.k8s.io/sig-storage/csi-attacher:v4.0.0",
                    )],
                ));
                out.push(csi_statefulset(
                    "csi-hostpath-resizer",
                    &[(
                        "csi-resizer",
                        "registry.k8s.io/sig-storage/csi-resizer:v1.6.0",
                    )],
                ));
                out.push(csi_statefulset(
                    "csi-hostpathplugin",
                    &[
                        ("csi-external-health-monitor-controller", "registry.k8s.io/sig-storage/csi-external-health-monitor-controller:v0.7.0"),
                        ("node-driver-registrar", "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.6.0"),
                        ("hostpath", "registry.k8s.io/sig-storage/hostpathplugin:v1.9.0"),
                        ("liveness-probe", "registry.k8s.io/sig-storage/livenessprobe:v2.8.0"),
                        ("csi-provisioner", "registry.k8s.io/sig-storage/csi-provisioner:v3.3.0"),
                        ("csi-snapshotter", "registry.k8s.io/sig-storage/csi-snapshotter:v6.1.0"),
                    ],
                ),
            );
                // R5.18: not default, no allowVolumeExpansion (prints false).
                out.push(json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                       "metadata": {"name": "csi-hostpath-sc", "labels": {"addonmanager.kubernetes.io/mode": "Reconcile"}},
                       "provisioner": CSI_HOSTPATH, "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate"}),
            );
                if other_on {
                    out.extend(snapclass());
                }
            }
            "volumesnapshots" => {
                for (kind, plural, singular, short, namespaced) in SNAPSHOT_CRDS {
                    out.push(json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                           "metadata": {"name": format!("{plural}.snapshot.storage.k8s.io"),
                                        "labels": {"addonmanager.kubernetes.io/mode": "Reconcile"},
                                        "annotations": {"api-approved.kubernetes.io": "https://github.com/kubernetes-csi/external-snapshotter/pull/665"}},
                           "spec": {"group": "snapshot.storage.k8s.io",
                                    "names": {"kind": kind, "listKind": format!("{kind}List"), "plural": plural,
                                              "singular": singular, "shortNames": short},
                                    "scope": if *namespaced { "Namespaced" } else { "Cluster" },
                                    "versions": [{"name": "v1", "served": true, "storage": true},
                                                 {"name": "v1beta1", "served": false, "storage": false}]}}),
                );
                }
                out.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": {"name": "snapshot-controller", "namespace": "kube-system",
                                    "labels": {"addonmanager.kubernetes.io/mode": "Reconcile"}},
                       "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "snapshot-controller"}},
                                "template": {"metadata": {"labels": {"app": "snapshot-controller"}},
                                             "spec": {"serviceAccountName": "snapshot-controller",
                                                      "containers": [{"name": "snapshot-controller",
                                                                      "image": "registry.k8s.io/sig-storage/snapshot-controller:v6.1.0",
                                                                      "args": ["--v=5", "--leader-election=false"]}]}}}}),
            );
                if other_on {
                    out.extend(snapclass());
                }
            }
            _ => {}
        }
        out
    }
    pub fn snapclass() -> Vec<Value> {
        let mut out = vec![];

        out.push(json!({"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshotClass",
               "metadata": {"name": "csi-hostpath-snapclass", "labels": {"addonmanager.kubernetes.io/mode": "Reconcile"}},
               "driver": CSI_HOSTPATH, "deletionPolicy": "Delete"}),
    );

        out
    }
    pub fn cluster(node: &str, node_ip: &str) -> Vec<Value> {
        let mut out = vec![];
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            out.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}));
        }
        let node = node.to_string();
        out.push(json!({"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": node, "labels": {"kubernetes.io/hostname": node, "node-role.kubernetes.io/control-plane": ""}},
               "status": {"addresses": [{"type": "InternalIP", "address": node_ip}],
                          "conditions": [{"type": "Ready", "status": "True"}]}}),
    );
        // §13.5 (UNVERIFIED, chosen): the kubernetes Service is 10.96.0.1.
        out.push(json!({"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "kubernetes", "namespace": "default", "labels": {"component": "apiserver", "provider": "kubernetes"}},
               "spec": {"ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 8443}]}}),
    );

        out
    }
    pub fn default_storageclass() -> Vec<Value> {
        let mut out = vec![];
        out.push(json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                   "metadata": {"name": "standard", "labels": {"addonmanager.kubernetes.io/mode": "EnsureExists"},
                                "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
                   "provisioner": "k8s.io/minikube-hostpath"}),
        );

        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_make_the_objects_the_json_builders_made() {
        for text in [
            CLUSTER,
            DEFAULT_STORAGECLASS,
            INGRESS,
            CSI_HOSTPATH_DRIVER,
            CSI_HOSTPATH_SNAPCLASS,
            VOLUMESNAPSHOTS,
        ] {
            let parsed = crate::manifest::parse(text);
            assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
            assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        }
        assert_eq!(manifests(CLUSTER), old::cluster("minikube", "192.168.49.2"));
        assert_eq!(manifests(DEFAULT_STORAGECLASS), old::default_storageclass());
        assert_eq!(manifests(INGRESS), old::ingress());
        assert_eq!(
            manifests(CSI_HOSTPATH_DRIVER),
            old::pv("csi-hostpath-driver", false)
        );
        assert_eq!(
            manifests(VOLUMESNAPSHOTS),
            old::pv("volumesnapshots", false)
        );
        assert_eq!(manifests(CSI_HOSTPATH_SNAPCLASS), old::snapclass());
    }
}
