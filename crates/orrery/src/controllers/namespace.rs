//! The namespace controller: a Terminating namespace has its contents deleted; once
//! nothing is left in it, its `kubernetes` finalizer goes and the namespace is removed.

use crate::api::ObjKey;
use crate::sim::{Action, Out, Sim};

pub fn reconcile(sim: &Sim, out: &mut Out) {
    for ns in sim.store.list("Namespace", "") {
        if !ns.is_deleting() {
            continue;
        }
        let name = &ns.meta.name;
        let mut left = 0;
        for rt in sim.discovery.types().iter().filter(|t| t.namespaced) {
            for obj in sim.store.list(&rt.gk(), name) {
                left += 1;
                if !obj.is_deleting() {
                    out.push(Action::Delete {
                        key: obj.key(),
                        grace_seconds: None,
                    });
                }
            }
        }
        if left == 0 {
            out.push(Action::Remove(ObjKey::new("Namespace", "", name)));
        }
    }
}
