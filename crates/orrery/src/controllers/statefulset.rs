//! The statefulset controller (not yet modelled).

use crate::sim::{Out, Sim};

pub fn reconcile(_sim: &Sim, _out: &mut Out) {}

/// `kubectl rollout status` for a StatefulSet: (done, message). A stub until the
/// statefulset controller lands; it reports the rollout as done.
pub fn rollout_status(_sim: &Sim, _sts: &crate::api::Object) -> (bool, String) {
    (true, String::new())
}
