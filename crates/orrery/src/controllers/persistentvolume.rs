//! The persistentvolume controller (not yet modelled).

use crate::sim::{Out, Sim};

pub fn reconcile(_sim: &Sim, _out: &mut Out) {}

/// R5.8: whether a claim keeps a pod from being scheduled (an Immediate claim not yet
/// Bound). WaitForFirstConsumer claims do not block; the scheduler selects the node.
pub fn claim_blocks_scheduling(_sim: &Sim, pvc: &crate::api::Object) -> bool {
    pvc.str_at(&["status", "phase"]) != Some("Bound")
}

/// Creates what a minikube addon of this area adds.
pub fn enable_addon(_sim: &mut Sim, _name: &str) {}

/// Removes what a minikube addon of this area added.
pub fn disable_addon(_sim: &mut Sim, _name: &str) {}
