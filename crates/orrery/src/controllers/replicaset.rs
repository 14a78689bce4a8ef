//! The replicaset controller (not yet modelled).

use crate::sim::{Out, Sim};

pub fn reconcile(_sim: &Sim, _out: &mut Out) {}
