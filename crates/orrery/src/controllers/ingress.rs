//! The ingress controller (not yet modelled).

use crate::sim::{Out, Sim};

pub fn reconcile(_sim: &Sim, _out: &mut Out) {}

/// Creates what a minikube addon of this area adds.
pub fn enable_addon(_sim: &mut Sim, _name: &str) {}

/// Removes what a minikube addon of this area added.
pub fn disable_addon(_sim: &mut Sim, _name: &str) {}
