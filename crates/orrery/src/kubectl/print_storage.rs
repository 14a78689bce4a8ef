//! Table columns for PersistentVolume, PersistentVolumeClaim, StorageClass (R8.2, R5.17),
//! as `printers.go` builds them server-side.
//!
//! VOLUMEATTRIBUTESCLASS: the column came with the VolumeAttributesClass API (alpha in
//! 1.29). The exact release is UNVERIFIED (§13.9); chosen: servers ≥1.29 print it.

use serde_json::Value;

use crate::api::Object;
use crate::controllers::persistentvolume::{self as pvc_ctl, canonical_quantity};
use crate::sim::Sim;

use super::printers::age;

/// Whether the server prints the VOLUMEATTRIBUTESCLASS column (chosen: ≥1.29).
pub fn has_vac_column(sim: &Sim) -> bool {
    sim.version.at_least(29)
}

/// Header of a kind's table, if this area prints it.
pub fn columns(sim: &Sim, gk: &str) -> Option<Vec<&'static str>> {
    let vac = has_vac_column(sim);
    let mut c = match gk {
        "PersistentVolumeClaim" => vec![
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
        ],
        "PersistentVolume" => vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
        ],
        "StorageClass.storage.k8s.io" => {
            return Some(vec![
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ])
        }
        _ => return None,
    };
    if vac {
        c.push("VOLUMEATTRIBUTESCLASS");
    }
    if gk == "PersistentVolume" {
        c.push("REASON");
    }
    c.push("AGE");
    Some(c)
}

/// Extra `-o wide` columns, if this area prints the kind.
pub fn wide_columns(gk: &str) -> Option<Vec<&'static str>> {
    match gk {
        "PersistentVolumeClaim" | "PersistentVolume" => Some(vec!["VOLUMEMODE"]),
        "StorageClass.storage.k8s.io" => Some(vec![]),
        _ => None,
    }
}

/// `GetAccessModesAsString`: fixed order RWO, ROX, RWX, RWOP, duplicates dropped.
pub fn access_modes_string(v: &Value) -> String {
    let modes = pvc_ctl::access_modes(v);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| modes.iter().any(|x| x == m))
    .map(|(_, s)| *s)
    .collect::<Vec<_>>()
    .join(",")
}

fn quantity_cell(v: &Value) -> String {
    match v {
        Value::String(s) => canonical_quantity(s),
        Value::Number(n) => canonical_quantity(&n.to_string()),
        _ => "0".into(),
    }
}

fn opt_str(v: &Value, unset: &str) -> String {
    v.as_str().unwrap_or(unset).to_string()
}

fn status_cell(obj: &Object) -> String {
    if obj.is_deleting() {
        return "Terminating".into();
    }
    obj.str_at(&["status", "phase"]).unwrap_or("").to_string()
}

/// Cells of one row, if this area prints the kind.
pub fn row(sim: &Sim, obj: &Object, wide: bool) -> Option<Vec<String>> {
    let vac = has_vac_column(sim);
    let age = age(sim.now, obj.meta.creation_ms);
    match obj.gk().as_str() {
        "PersistentVolumeClaim" => {
            let volume = obj
                .str_at(&["spec", "volumeName"])
                .unwrap_or("")
                .to_string();
            let (capacity, modes) = if volume.is_empty() {
                (String::new(), String::new())
            } else {
                (
                    quantity_cell(obj.get(&["status", "capacity", "storage"])),
                    access_modes_string(obj.get(&["status", "accessModes"])),
                )
            };
            let mut r = vec![
                obj.meta.name.clone(),
                status_cell(obj),
                volume,
                capacity,
                modes,
                pvc_ctl::claim_class(obj).unwrap_or_default(),
            ];
            if vac {
                r.push(opt_str(
                    obj.get(&["spec", "volumeAttributesClassName"]),
                    "<unset>",
                ));
            }
            r.push(age);
            if wide {
                r.push(opt_str(obj.get(&["spec", "volumeMode"]), "<unset>"));
            }
            Some(r)
        }
        "PersistentVolume" => {
            let claim = match pvc_ctl::claim_ref(obj) {
                Some((ns, name, _)) => format!("{ns}/{name}"),
                None => String::new(),
            };
            let mut r = vec![
                obj.meta.name.clone(),
                quantity_cell(obj.get(&["spec", "capacity", "storage"])),
                access_modes_string(obj.get(&["spec", "accessModes"])),
                opt_str(obj.get(&["spec", "persistentVolumeReclaimPolicy"]), ""),
                status_cell(obj),
                claim,
                pvc_ctl::volume_class(obj),
            ];
            if vac {
                r.push(opt_str(
                    obj.get(&["spec", "volumeAttributesClassName"]),
                    "<unset>",
                ));
            }
            r.push(opt_str(obj.get(&["status", "reason"]), ""));
            r.push(age);
            if wide {
                r.push(opt_str(obj.get(&["spec", "volumeMode"]), "<unset>"));
            }
            Some(r)
        }
        "StorageClass.storage.k8s.io" => {
            // R5.17: every class annotated default is marked, not only the effective one
            // (kubectl before PR #135964).
            let mut name = obj.meta.name.clone();
            if pvc_ctl::is_default_class(obj) {
                name.push_str(" (default)");
            }
            Some(vec![
                name,
                obj.str_at(&["provisioner"]).unwrap_or("").to_string(),
                obj.str_at(&["reclaimPolicy"])
                    .unwrap_or("Delete")
                    .to_string(),
                obj.str_at(&["volumeBindingMode"])
                    .unwrap_or("Immediate")
                    .to_string(),
                obj.get(&["allowVolumeExpansion"])
                    .as_bool()
                    .unwrap_or(false)
                    .to_string(),
                age,
            ])
        }
        _ => None,
    }
}
