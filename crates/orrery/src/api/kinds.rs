//! API discovery (R10): which kinds a cluster of a given version serves, under which
//! group/version, their plural resource names, short names, scope and categories, and
//! whether the simulator models them or only stores them. CRDs add kinds at run time.

use super::object::{group_kind, GroupKind};
use crate::sort::StableSort;

/// A cluster version: `v1.<minor>.<patch>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClusterVersion {
    pub minor: u32,
    pub patch: u32,
}

impl ClusterVersion {
    /// The newest modelled version, used when no `minikube start --kubernetes-version`
    /// says otherwise.
    pub const NEWEST: ClusterVersion = ClusterVersion {
        minor: 34,
        patch: 0,
    };
    /// The oldest modelled version (the reference lesson's).
    pub const OLDEST_MINOR: u32 = 21;

    /// Parses `v1.21.2`, `1.21.2`, `1.21`, `stable`/`latest` (→ newest).
    pub fn parse(text: &str) -> Option<ClusterVersion> {
        let t = text.trim();
        if t == "stable" || t == "latest" {
            return Some(Self::NEWEST);
        }
        let t = t.strip_prefix('v').unwrap_or(t);
        let mut parts = t.split('.');
        if parts.next()? != "1" {
            return None;
        }
        let minor: u32 = parts.next()?.parse().ok()?;
        let patch: u32 = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(ClusterVersion { minor, patch })
    }

    pub fn is_supported(&self) -> bool {
        (Self::OLDEST_MINOR..=Self::NEWEST.minor).contains(&self.minor)
    }

    pub fn git_version(&self) -> String {
        format!("v1.{}.{}", self.minor, self.patch)
    }

    /// True on this version and later: `v.at_least(26)`.
    pub fn at_least(&self, minor: u32) -> bool {
        self.minor >= minor
    }
}

impl Default for ClusterVersion {
    fn default() -> Self {
        Self::NEWEST
    }
}

/// One served resource.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceType {
    pub group: String,
    /// Served versions, preferred first.
    pub versions: Vec<String>,
    pub kind: String,
    /// Plural resource name: `pods`, `statefulsets`.
    pub plural: String,
    pub singular: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
    /// In the `all` category (`kubectl get all`, R8.4).
    pub in_all: bool,
    /// Modelled by a controller or the kubelet; otherwise only stored and shown.
    pub simulated: bool,
}

impl ResourceType {
    pub fn gk(&self) -> GroupKind {
        group_kind(&self.group, &self.kind)
    }

    /// `pods`, `statefulsets.apps`, `storageclasses.storage.k8s.io` — the name errors use (R9.2).
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// `pod`, `statefulset.apps` — the prefix of `kubectl get all` and `-o name` (R8.4).
    pub fn qualified_singular(&self) -> String {
        if self.group.is_empty() {
            self.singular.clone()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }

    pub fn preferred_api_version(&self) -> String {
        api_version(&self.group, &self.versions[0])
    }
}

pub fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

struct Builtin {
    group: &'static str,
    versions: &'static [&'static str],
    kind: &'static str,
    plural: &'static str,
    short: &'static [&'static str],
    namespaced: bool,
    in_all: bool,
    simulated: bool,
    /// Served on minor versions in this inclusive range.
    minors: (u32, u32),
}

const ALWAYS: (u32, u32) = (0, u32::MAX);

#[rustfmt::skip]
const BUILTINS: &[Builtin] = &[
    Builtin { group: "", versions: &["v1"], kind: "Pod", plural: "pods", short: &["po"], namespaced: true, in_all: true, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "Service", plural: "services", short: &["svc"], namespaced: true, in_all: true, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "Endpoints", plural: "endpoints", short: &["ep"], namespaced: true, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "Namespace", plural: "namespaces", short: &["ns"], namespaced: false, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "Node", plural: "nodes", short: &["no"], namespaced: false, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "PersistentVolume", plural: "persistentvolumes", short: &["pv"], namespaced: false, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", short: &["pvc"], namespaced: true, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "ConfigMap", plural: "configmaps", short: &["cm"], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "Secret", plural: "secrets", short: &[], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "ServiceAccount", plural: "serviceaccounts", short: &["sa"], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "Event", plural: "events", short: &["ev"], namespaced: true, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "ReplicationController", plural: "replicationcontrollers", short: &["rc"], namespaced: true, in_all: true, simulated: false, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "LimitRange", plural: "limitranges", short: &["limits"], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "", versions: &["v1"], kind: "ResourceQuota", plural: "resourcequotas", short: &["quota"], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "apps", versions: &["v1"], kind: "Deployment", plural: "deployments", short: &["deploy"], namespaced: true, in_all: true, simulated: true, minors: ALWAYS },
    Builtin { group: "apps", versions: &["v1"], kind: "ReplicaSet", plural: "replicasets", short: &["rs"], namespaced: true, in_all: true, simulated: true, minors: ALWAYS },
    Builtin { group: "apps", versions: &["v1"], kind: "StatefulSet", plural: "statefulsets", short: &["sts"], namespaced: true, in_all: true, simulated: true, minors: ALWAYS },
    Builtin { group: "apps", versions: &["v1"], kind: "DaemonSet", plural: "daemonsets", short: &["ds"], namespaced: true, in_all: true, simulated: false, minors: ALWAYS },
    Builtin { group: "apps", versions: &["v1"], kind: "ControllerRevision", plural: "controllerrevisions", short: &[], namespaced: true, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "batch", versions: &["v1"], kind: "Job", plural: "jobs", short: &[], namespaced: true, in_all: true, simulated: true, minors: ALWAYS },
    Builtin { group: "batch", versions: &["v1", "v1beta1"], kind: "CronJob", plural: "cronjobs", short: &["cj"], namespaced: true, in_all: true, simulated: false, minors: ALWAYS },
    Builtin { group: "autoscaling", versions: &["v2", "v1"], kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", short: &["hpa"], namespaced: true, in_all: true, simulated: false, minors: ALWAYS },
    Builtin { group: "policy", versions: &["v1", "v1beta1"], kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", short: &["pdb"], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    // R7.11: policy/v1beta1 PodSecurityPolicy is served up to 1.24 and removed in 1.25.
    Builtin { group: "policy", versions: &["v1beta1"], kind: "PodSecurityPolicy", plural: "podsecuritypolicies", short: &["psp"], namespaced: false, in_all: false, simulated: false, minors: (0, 24) },
    Builtin { group: "storage.k8s.io", versions: &["v1"], kind: "StorageClass", plural: "storageclasses", short: &["sc"], namespaced: false, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "storage.k8s.io", versions: &["v1"], kind: "CSIDriver", plural: "csidrivers", short: &[], namespaced: false, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "storage.k8s.io", versions: &["v1"], kind: "VolumeAttachment", plural: "volumeattachments", short: &[], namespaced: false, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "networking.k8s.io", versions: &["v1"], kind: "Ingress", plural: "ingresses", short: &["ing"], namespaced: true, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "networking.k8s.io", versions: &["v1"], kind: "IngressClass", plural: "ingressclasses", short: &[], namespaced: false, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "networking.k8s.io", versions: &["v1"], kind: "NetworkPolicy", plural: "networkpolicies", short: &["netpol"], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    // R7.1: extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress are gone from 1.22.
    Builtin { group: "extensions", versions: &["v1beta1"], kind: "Ingress", plural: "ingresses", short: &["ing"], namespaced: true, in_all: false, simulated: true, minors: (0, 21) },
    Builtin { group: "discovery.k8s.io", versions: &["v1"], kind: "EndpointSlice", plural: "endpointslices", short: &[], namespaced: true, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "rbac.authorization.k8s.io", versions: &["v1"], kind: "Role", plural: "roles", short: &[], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "rbac.authorization.k8s.io", versions: &["v1"], kind: "RoleBinding", plural: "rolebindings", short: &[], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "rbac.authorization.k8s.io", versions: &["v1"], kind: "ClusterRole", plural: "clusterroles", short: &[], namespaced: false, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "rbac.authorization.k8s.io", versions: &["v1"], kind: "ClusterRoleBinding", plural: "clusterrolebindings", short: &[], namespaced: false, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "apiextensions.k8s.io", versions: &["v1"], kind: "CustomResourceDefinition", plural: "customresourcedefinitions", short: &["crd", "crds"], namespaced: false, in_all: false, simulated: true, minors: ALWAYS },
    Builtin { group: "admissionregistration.k8s.io", versions: &["v1"], kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations", short: &[], namespaced: false, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "admissionregistration.k8s.io", versions: &["v1"], kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations", short: &[], namespaced: false, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "scheduling.k8s.io", versions: &["v1"], kind: "PriorityClass", plural: "priorityclasses", short: &["pc"], namespaced: false, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "coordination.k8s.io", versions: &["v1"], kind: "Lease", plural: "leases", short: &[], namespaced: true, in_all: false, simulated: false, minors: ALWAYS },
    Builtin { group: "snapshot.storage.k8s.io", versions: &["v1"], kind: "VolumeSnapshotClass", plural: "volumesnapshotclasses", short: &["vsclass", "vsclasses"], namespaced: false, in_all: false, simulated: false, minors: (u32::MAX, u32::MAX) },
];

/// The kinds one cluster serves: the built-ins of its version plus registered CRDs.
#[derive(Clone, Debug)]
pub struct Discovery {
    types: Vec<ResourceType>,
}

impl Discovery {
    pub fn for_version(v: ClusterVersion) -> Discovery {
        let types = BUILTINS
            .iter()
            .filter(|b| b.minors.0 <= v.minor && v.minor <= b.minors.1)
            .map(|b| ResourceType {
                group: b.group.into(),
                versions: b.versions.iter().map(|s| s.to_string()).collect(),
                kind: b.kind.into(),
                plural: b.plural.into(),
                singular: b.kind.to_ascii_lowercase(),
                short_names: b.short.iter().map(|s| s.to_string()).collect(),
                namespaced: b.namespaced,
                in_all: b.in_all,
                simulated: b.simulated,
            })
            .collect();
        Discovery { types }
    }

    pub fn types(&self) -> &[ResourceType] {
        &self.types
    }

    /// Registers a kind (a CRD, or an addon's API). Replaces one with the same group/kind.
    pub fn register(&mut self, t: ResourceType) {
        self.types
            .retain(|x| !(x.group == t.group && x.kind == t.kind));
        self.types.push(t);
    }

    pub fn unregister(&mut self, group: &str, kind: &str) {
        self.types.retain(|x| !(x.group == group && x.kind == kind));
    }

    /// The type for an object's apiVersion + kind, if this cluster serves it (R9.5).
    pub fn for_api_version(&self, api_version: &str, kind: &str) -> Option<&ResourceType> {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        self.types
            .iter()
            .find(|t| t.group == group && t.kind == kind && t.versions.iter().any(|v| v == version))
    }

    pub fn by_gk(&self, gk: &str) -> Option<&ResourceType> {
        self.types.iter().find(|t| t.gk() == gk)
    }

    /// Resolves what a user typed after `kubectl get`: `pods`, `pod`, `po`, `Pod`,
    /// `statefulsets.apps`, `sts`, `deployment.apps`. Group-qualified names pick that group.
    pub fn resolve(&self, name: &str) -> Option<&ResourceType> {
        let lower = name.to_ascii_lowercase();
        let (base, group) = match lower.split_once('.') {
            Some((b, g)) => (b.to_string(), Some(g.to_string())),
            None => (lower.clone(), None),
        };
        let matches = |t: &&ResourceType| {
            (t.plural == base
                || t.singular == base
                || t.kind.to_ascii_lowercase() == base
                || t.short_names.contains(&base))
                && group.as_deref().is_none_or(|g| t.group == g)
        };
        // Prefer the newest API group for names served by two (Ingress: networking over
        // extensions), as kubectl's preferred-version discovery does.
        let mut found: Vec<&ResourceType> = self.types.iter().filter(matches).collect();
        found.sort_stable_by_key(|t| (t.group == "extensions") as u8);
        found.into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psp_is_served_only_before_1_25() {
        let old = Discovery::for_version(ClusterVersion {
            minor: 21,
            patch: 2,
        });
        let new = Discovery::for_version(ClusterVersion::NEWEST);
        assert!(old
            .for_api_version("policy/v1beta1", "PodSecurityPolicy")
            .is_some());
        assert!(new
            .for_api_version("policy/v1beta1", "PodSecurityPolicy")
            .is_none());
        assert!(new.resolve("psp").is_none());
        assert!(old
            .for_api_version("extensions/v1beta1", "Ingress")
            .is_some());
        let v22 = Discovery::for_version(ClusterVersion {
            minor: 22,
            patch: 0,
        });
        assert!(v22
            .for_api_version("extensions/v1beta1", "Ingress")
            .is_none());
    }

    #[test]
    fn short_names_resolve() {
        let d = Discovery::for_version(ClusterVersion::NEWEST);
        for (typed, kind) in [
            ("po", "Pod"),
            ("sts", "StatefulSet"),
            ("deploy", "Deployment"),
            ("pvc", "PersistentVolumeClaim"),
            ("sc", "StorageClass"),
            ("ing", "Ingress"),
            ("statefulsets.apps", "StatefulSet"),
            ("Pods", "Pod"),
        ] {
            assert_eq!(
                d.resolve(typed).map(|t| t.kind.as_str()),
                Some(kind),
                "{typed}"
            );
        }
        assert!(d.resolve("foo").is_none());
    }

    #[test]
    fn versions_parse() {
        assert_eq!(
            ClusterVersion::parse("v1.21.2"),
            Some(ClusterVersion {
                minor: 21,
                patch: 2
            })
        );
        assert_eq!(
            ClusterVersion::parse("1.30"),
            Some(ClusterVersion {
                minor: 30,
                patch: 0
            })
        );
        assert_eq!(ClusterVersion::parse("2.0.0"), None);
    }
}
