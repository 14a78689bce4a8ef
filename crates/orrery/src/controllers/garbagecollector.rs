//! The garbage collector (background propagation): an object whose every owner
//! (by UID) is gone is deleted (R3.9, R3.16, §12.4). Owners that still exist but are
//! being deleted keep their dependents until they are removed.

use crate::sim::{Action, Out, Sim};

pub fn reconcile(sim: &Sim, out: &mut Out) {
    for obj in sim.store.all() {
        if obj.meta.owner_references.is_empty() || obj.is_deleting() {
            continue;
        }
        let orphaned = obj
            .meta
            .owner_references
            .iter()
            .all(|o| sim.store.by_uid(&o.uid).is_none());
        if orphaned {
            out.push(Action::Delete {
                key: obj.key(),
                grace_seconds: None,
            });
        }
    }
}
