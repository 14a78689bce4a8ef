//! Table columns for PersistentVolume, PersistentVolumeClaim, StorageClass (R8.2).

use crate::api::Object;
use crate::sim::Sim;

/// Header of a kind's table, if this area prints it.
pub fn columns(_sim: &Sim, _gk: &str) -> Option<Vec<&'static str>> {
    None
}

/// Extra `-o wide` columns, if this area prints the kind.
pub fn wide_columns(_gk: &str) -> Option<Vec<&'static str>> {
    None
}

/// Cells of one row, if this area prints the kind.
pub fn row(_sim: &Sim, _obj: &Object, _wide: bool) -> Option<Vec<String>> {
    None
}
