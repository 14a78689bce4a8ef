//! What minikube addons add to the cluster beyond the preset (R5.18, R7.9):
//! `csi-hostpath-driver` (StorageClass `csi-hostpath-sc`), `volumesnapshots`,
//! `storage-provisioner` (the hostpath provisioner), `ingress` (namespace
//! `ingress-nginx`, the controller, IngressClass `nginx`).

use crate::sim::Sim;

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
