//! Data on volumes: each volume (a PV's backing storage, an emptyDir, a hostPath directory,
//! a container's own filesystem) holds a small file tree in `Sim::volumes`. Pods read and
//! write through their mounts (`volumeMounts` + `volumes`, `subPath` included).
//!
//! Lifetimes follow the real backends:
//! - a PV's data is keyed by its backing storage (hostPath directory, CSI volume handle),
//!   not by the PV object or the pod, so it survives pod deletion and re-attaches with
//!   the claim; a `Delete` reclaim policy deletes it with the PV (R5.9);
//! - emptyDir and the container's own filesystem are keyed by the pod's UID and go when
//!   the pod object is removed;
//! - hostPath volumes live on the node and outlive everything.
//!
//! A tree maps paths relative to the volume root (`a/b.txt`) to file contents; a key
//! ending in `/` is an (empty) directory made with `mkdir`. Parent directories of any file
//! exist implicitly.

use crate::sort::StableSort;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::api::Object;
use crate::sim::Sim;

pub type Tree = BTreeMap<String, String>;

/// A filesystem error, printed per shell flavour by `kubectl exec`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    IsADirectory,
    NotADirectory,
    ReadOnly,
    Exists,
    /// The parent directory of a file to create does not exist.
    NoParent,
}

/// Where an absolute path inside a container lands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// Key of the volume in `Sim::volumes`.
    pub volume: String,
    /// Path inside the volume tree ("" for its root).
    pub rel: String,
    pub read_only: bool,
    /// For the container's own filesystem: the image whose files show through.
    pub image: Option<String>,
    /// Files a configMap or secret volume projects (read-only, not stored).
    pub projected: Option<Tree>,
}

/// Splits `/a//b/./c/` into `["a", "b", "c"]` (`..` climbs).
pub fn components(path: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            c => out.push(c.to_string()),
        }
    }
    out
}

/// Joins a working directory and a path as a shell does.
pub fn absolute(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    format!("/{}", components(&joined).join("/"))
}

/// The backing-storage key of a PV: its hostPath directory, its CSI volume, or itself.
pub fn pv_volume_key(pv: &Object) -> String {
    if let Some(p) = pv.str_at(&["spec", "hostPath", "path"]) {
        return format!("hostpath:/{}", components(p).join("/"));
    }
    if let Some(p) = pv.str_at(&["spec", "local", "path"]) {
        return format!("hostpath:/{}", components(p).join("/"));
    }
    if let Some(h) = pv.str_at(&["spec", "csi", "volumeHandle"]) {
        let d = pv.str_at(&["spec", "csi", "driver"]).unwrap_or("");
        return format!("csi:{d}/{h}");
    }
    format!("pv:{}", pv.meta.uid)
}

fn container_spec<'a>(pod: &'a Object, container: &str) -> Option<&'a Value> {
    ["containers", "initContainers"].iter().find_map(|list| {
        pod.get(&["spec", list]).as_array().and_then(|cs| {
            cs.iter()
                .find(|c| c.get("name").and_then(Value::as_str) == Some(container))
        })
    })
}

/// The container `kubectl exec` and the apps use when none is named: the
/// `kubectl.kubernetes.io/default-container` annotation, else the first.
pub fn default_container(pod: &Object) -> Option<String> {
    if let Some(c) = pod
        .meta
        .annotations
        .get("kubectl.kubernetes.io/default-container")
    {
        if container_spec(pod, c).is_some() {
            return Some(c.clone());
        }
    }
    pod.get(&["spec", "containers"])
        .as_array()
        .and_then(|cs| cs.first())
        .and_then(|c| c.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Resolves an absolute path in a container through its mounts: the longest mountPath
/// that contains the path wins; otherwise the container's own filesystem.
pub fn resolve(sim: &Sim, pod: &Object, container: &str, path: &str) -> Resolved {
    let parts = components(path);
    let own = || Resolved {
        volume: format!("rootfs:{}/{container}", pod.meta.uid),
        rel: parts.join("/"),
        read_only: false,
        image: container_spec(pod, container)
            .and_then(|c| c.get("image"))
            .and_then(Value::as_str)
            .map(str::to_string),
        projected: None,
    };
    let Some(c) = container_spec(pod, container) else {
        return own();
    };
    let mut best: Option<(usize, &Value)> = None;
    for m in c
        .get("volumeMounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mp = components(m.get("mountPath").and_then(Value::as_str).unwrap_or(""));
        if mp.len() <= parts.len()
            && parts[..mp.len()] == mp[..]
            && best.is_none_or(|(l, _)| mp.len() > l)
        {
            best = Some((mp.len(), m));
        }
    }
    let Some((depth, m)) = best else {
        return own();
    };
    let name = m.get("name").and_then(Value::as_str).unwrap_or("");
    let sub = components(m.get("subPath").and_then(Value::as_str).unwrap_or(""));
    let mut rel_parts = sub;
    rel_parts.extend(parts[depth..].iter().cloned());
    let rel = rel_parts.join("/");
    let mount_ro = m.get("readOnly").and_then(Value::as_bool).unwrap_or(false);
    let vol = pod
        .get(&["spec", "volumes"])
        .as_array()
        .and_then(|vs| {
            vs.iter()
                .find(|v| v.get("name").and_then(Value::as_str) == Some(name))
        })
        .cloned()
        .unwrap_or(Value::Null);
    let base = |volume: String, read_only: bool| Resolved {
        volume,
        rel: rel.clone(),
        read_only: read_only || mount_ro,
        image: None,
        projected: None,
    };
    if let Some(claim) = vol
        .pointer("/persistentVolumeClaim/claimName")
        .and_then(Value::as_str)
    {
        let ro = vol
            .pointer("/persistentVolumeClaim/readOnly")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let key = sim
            .store
            .find("PersistentVolumeClaim", &pod.meta.namespace, claim)
            .and_then(|pvc| pvc.str_at(&["spec", "volumeName"]))
            .and_then(|pv| sim.store.find("PersistentVolume", "", pv))
            .map(pv_volume_key)
            .unwrap_or_else(|| format!("unbound:{}/{claim}", pod.meta.namespace));
        return base(key, ro);
    }
    if let Some(p) = vol.pointer("/hostPath/path").and_then(Value::as_str) {
        return base(format!("hostpath:/{}", components(p).join("/")), false);
    }
    for (kind, gk, field) in [
        ("configMap", "ConfigMap", "name"),
        ("secret", "Secret", "secretName"),
    ] {
        if let Some(src) = vol.get(kind) {
            let obj_name = src.get(field).and_then(Value::as_str).unwrap_or("");
            let mut files = Tree::new();
            if let Some(o) = sim.store.find(gk, &pod.meta.namespace, obj_name) {
                for (k, v) in o.get(&["data"]).as_object().into_iter().flatten() {
                    let text = v.as_str().unwrap_or("").to_string();
                    let text = if gk == "Secret" {
                        base64_decode(&text).unwrap_or(text)
                    } else {
                        text
                    };
                    files.insert(k.clone(), text);
                }
                for (k, v) in o.get(&["stringData"]).as_object().into_iter().flatten() {
                    files.insert(k.clone(), v.as_str().unwrap_or("").to_string());
                }
            }
            let mut r = base(format!("projected:{}/{name}", pod.meta.uid), true);
            r.projected = Some(files);
            return r;
        }
    }
    // emptyDir and every other volume type: the pod's own scratch space.
    base(format!("emptydir:{}/{name}", pod.meta.uid), false)
}

pub(crate) fn base64_decode(s: &str) -> Option<String> {
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = vec![];
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = ALPHA.iter().position(|&a| a == c)? as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    String::from_utf8(out).ok()
}

/// Files every image shows in its own filesystem (directories end in `/`), plus a few
/// per image so `cat` and `ls` look familiar.
fn image_files(image: &str, pod: &Object) -> Tree {
    let mut t = Tree::new();
    for d in [
        "bin/", "dev/", "etc/", "home/", "proc/", "root/", "sys/", "tmp/", "usr/", "var/",
    ] {
        t.insert(d.into(), String::new());
    }
    t.insert("etc/hostname".into(), format!("{}\n", pod.meta.name));
    let base = image
        .rsplit('/')
        .next()
        .unwrap_or(image)
        .split([':', '@'])
        .next()
        .unwrap_or("");
    match base {
        "nginx" | "nginx-slim" => {
            t.insert(
                "usr/share/nginx/html/index.html".into(),
                NGINX_INDEX.to_string(),
            );
            t.insert(
                "usr/share/nginx/html/50x.html".into(),
                NGINX_50X.to_string(),
            );
            t.insert("etc/nginx/nginx.conf".into(), "user  nginx;\nworker_processes  auto;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include       /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n}\n".into());
        }
        "mongo" | "mongodb" => {
            t.insert("data/db/".into(), String::new());
        }
        _ => {}
    }
    t
}

const NGINX_INDEX: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";
const NGINX_50X: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n";

/// The tree a resolved path reads from: stored data over image defaults / projections.
fn view(sim: &Sim, pod: &Object, r: &Resolved) -> Tree {
    let mut t = match (&r.projected, &r.image) {
        (Some(p), _) => p.clone(),
        (None, Some(img)) => image_files(img, pod),
        _ => Tree::new(),
    };
    if let Some(stored) = sim.volumes.get(&r.volume) {
        for (k, v) in stored {
            if v == WHITEOUT {
                t.remove(k);
            } else {
                t.insert(k.clone(), v.clone());
            }
        }
    }
    t
}

/// A stored value that hides an image's file (the overlay filesystem's whiteout).
const WHITEOUT: &str = "\u{0}whiteout";

/// Removes a file, or a directory with `recursive` (`rm -r`).
pub fn remove(
    sim: &mut Sim,
    pod: &Object,
    container: &str,
    path: &str,
    recursive: bool,
) -> Result<(), FsError> {
    let r = resolve(sim, pod, container, path);
    let t = view(sim, pod, &r);
    let keys: Vec<String> = match node(&t, &r.rel) {
        Node::Missing => return Err(FsError::NotFound),
        Node::Dir if !recursive => return Err(FsError::IsADirectory),
        Node::Dir if r.rel.is_empty() => return Err(FsError::ReadOnly),
        Node::Dir => {
            let prefix = format!("{}/", r.rel);
            t.keys()
                .filter(|k| k.starts_with(&prefix))
                .cloned()
                .collect()
        }
        Node::File => vec![r.rel.clone()],
    };
    if r.read_only {
        return Err(FsError::ReadOnly);
    }
    let base = match (&r.image, &r.projected) {
        (Some(img), _) => image_files(img, pod),
        _ => Tree::new(),
    };
    let tree = sim.volumes.entry(r.volume).or_default();
    for k in keys {
        if base.contains_key(&k) {
            tree.insert(k, WHITEOUT.to_string());
        } else {
            tree.remove(&k);
        }
    }
    // The parent stays a directory even when emptied.
    let p = parent(&r.rel);
    if !p.is_empty() {
        tree.insert(format!("{p}/"), String::new());
    }
    Ok(())
}

/// What a relative path is in a tree.
#[derive(Debug, PartialEq, Eq)]
enum Node {
    File,
    Dir,
    Missing,
}

fn node(t: &Tree, rel: &str) -> Node {
    if rel.is_empty() {
        return Node::Dir;
    }
    if t.contains_key(rel) {
        return Node::File;
    }
    let prefix = format!("{rel}/");
    if t.range(prefix.clone()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(&prefix))
    {
        return Node::Dir;
    }
    Node::Missing
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(p, _)| p)
}

/// Reads a file in a container.
pub fn read(sim: &Sim, pod: &Object, container: &str, path: &str) -> Result<String, FsError> {
    let r = resolve(sim, pod, container, path);
    let t = view(sim, pod, &r);
    match node(&t, &r.rel) {
        Node::File => Ok(t.get(&r.rel).cloned().unwrap_or_default()),
        Node::Dir => Err(FsError::IsADirectory),
        Node::Missing => Err(FsError::NotFound),
    }
}

/// Writes or appends to a file in a container. The parent directory must exist.
pub fn write(
    sim: &mut Sim,
    pod: &Object,
    container: &str,
    path: &str,
    content: &str,
    append: bool,
) -> Result<(), FsError> {
    let r = resolve(sim, pod, container, path);
    let t = view(sim, pod, &r);
    match node(&t, &r.rel) {
        Node::Dir => return Err(FsError::IsADirectory),
        Node::Missing if node(&t, parent(&r.rel)) != Node::Dir => {
            return Err(if node(&t, parent(&r.rel)) == Node::File {
                FsError::NotADirectory
            } else {
                FsError::NoParent
            })
        }
        _ => {}
    }
    if r.read_only {
        return Err(FsError::ReadOnly);
    }
    let old = if append {
        t.get(&r.rel).cloned().unwrap_or_default()
    } else {
        String::new()
    };
    let tree = sim.volumes.entry(r.volume).or_default();
    let parent_dir = format!("{}/", parent(&r.rel));
    tree.remove(&parent_dir);
    tree.insert(r.rel, old + content);
    Ok(())
}

/// Makes a directory; `parents` is `mkdir -p` (no error if it exists, parents made).
pub fn mkdir(
    sim: &mut Sim,
    pod: &Object,
    container: &str,
    path: &str,
    parents: bool,
) -> Result<(), FsError> {
    let r = resolve(sim, pod, container, path);
    let t = view(sim, pod, &r);
    match node(&t, &r.rel) {
        Node::Dir if parents => return Ok(()),
        Node::Dir | Node::File => return Err(FsError::Exists),
        Node::Missing => {}
    }
    if !parents && node(&t, parent(&r.rel)) != Node::Dir {
        return Err(FsError::NotFound);
    }
    // A file on the way blocks it.
    let mut acc = String::new();
    for c in r.rel.split('/') {
        if !acc.is_empty() {
            acc.push('/');
        }
        acc.push_str(c);
        if node(&t, &acc) == Node::File {
            return Err(FsError::NotADirectory);
        }
    }
    if r.read_only {
        return Err(FsError::ReadOnly);
    }
    sim.volumes
        .entry(r.volume)
        .or_default()
        .insert(format!("{}/", r.rel), String::new());
    Ok(())
}

/// What `ls PATH` shows: the sorted entries of a directory, or the path of a file.
pub fn list(sim: &Sim, pod: &Object, container: &str, path: &str) -> Result<Vec<String>, FsError> {
    let r = resolve(sim, pod, container, path);
    let t = view(sim, pod, &r);
    match node(&t, &r.rel) {
        Node::Missing => Err(FsError::NotFound),
        Node::File => Ok(vec![path.to_string()]),
        Node::Dir => {
            let prefix = if r.rel.is_empty() {
                String::new()
            } else {
                format!("{}/", r.rel)
            };
            let mut names: Vec<String> = t
                .keys()
                .filter_map(|k| k.strip_prefix(&prefix))
                .filter_map(|rest| rest.split('/').next())
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
            // Mount points inside this directory show as entries too.
            for m in mount_points(pod, container) {
                let abs = components(path);
                let mc = components(&m);
                if mc.len() == abs.len() + 1 && mc[..abs.len()] == abs[..] {
                    names.push(mc[abs.len()].clone());
                }
            }
            names.sort_stable();
            names.dedup();
            Ok(names)
        }
    }
}

fn mount_points(pod: &Object, container: &str) -> Vec<String> {
    container_spec(pod, container)
        .and_then(|c| c.get("volumeMounts"))
        .and_then(Value::as_array)
        .map(|ms| {
            ms.iter()
                .filter_map(|m| {
                    m.get("mountPath")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a path is a directory in a container (for `cd`, `ls` of mount points).
pub fn is_dir(sim: &Sim, pod: &Object, container: &str, path: &str) -> bool {
    let r = resolve(sim, pod, container, path);
    node(&view(sim, pod, &r), &r.rel) == Node::Dir
        || mount_points(pod, container)
            .iter()
            .any(|m| components(m) == components(path))
}

/// Called when an object leaves storage: a pod's emptyDirs and own filesystems go with
/// it; a volume whose reclaim policy is Delete takes its data along (R5.9).
pub fn on_removed(sim: &mut Sim, obj: &Object) {
    match obj.kind.as_str() {
        "Pod" => {
            for prefix in ["emptydir:", "rootfs:", "projected:"] {
                let p = format!("{prefix}{}/", obj.meta.uid);
                let keys: Vec<String> = sim
                    .volumes
                    .range(p.clone()..)
                    .take_while(|(k, _)| k.starts_with(&p))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in keys {
                    sim.volumes.remove(&k);
                }
            }
        }
        "PersistentVolume"
            if obj.str_at(&["spec", "persistentVolumeReclaimPolicy"]) == Some("Delete") =>
        {
            sim.volumes.remove(&pv_volume_key(obj));
        }
        "PersistentVolumeClaim" => {
            sim.claim_class_origins.remove(&obj.key());
            sim.provisioning.remove(&obj.meta.uid);
        }
        _ => {}
    }
}

/// The files stored on a PV's backing storage (for the page and the invariants).
pub fn pv_data<'a>(sim: &'a Sim, pv: &Object) -> Option<&'a Tree> {
    sim.volumes.get(&pv_volume_key(pv))
}

// ----- the simple API the apps use (first container, busybox-style messages) -----------

/// Reads a file at an absolute path inside a pod's default container, through its mounts.
pub fn read_file(sim: &Sim, pod: &Object, path: &str) -> Result<String, String> {
    let c = default_container(pod).unwrap_or_default();
    read(sim, pod, &c, path).map_err(|e| match e {
        FsError::IsADirectory => "cat: read error: Is a directory".to_string(),
        _ => format!("cat: can't open '{path}': No such file or directory"),
    })
}

/// Writes (or appends to) a file at an absolute path inside a pod's default container,
/// making missing parent directories as the app would.
pub fn write_file(
    sim: &mut Sim,
    pod: &Object,
    path: &str,
    content: &str,
    append: bool,
) -> Result<(), String> {
    let c = default_container(pod).unwrap_or_default();
    // An app makes its own directories (mongod creates its data directory on start).
    let parent = format!("/{}", {
        let mut p = components(path);
        p.pop();
        p.join("/")
    });
    let _ = mkdir(sim, pod, &c, &parent, true);
    write(sim, pod, &c, path, content, append)
        .map_err(|e| format!("sh: can't create {path}: {}", busybox_text(&e)))
}

/// Lists a directory inside a pod's default container.
pub fn list_dir(sim: &Sim, pod: &Object, path: &str) -> Result<Vec<String>, String> {
    let c = default_container(pod).unwrap_or_default();
    list(sim, pod, &c, path).map_err(|_| format!("ls: {path}: No such file or directory"))
}

/// busybox's wording of an error (`strerror`, with ash's `nonexistent directory`).
pub fn busybox_text(e: &FsError) -> &'static str {
    match e {
        FsError::NotFound => "No such file or directory",
        FsError::IsADirectory => "Is a directory",
        FsError::NotADirectory => "Not a directory",
        FsError::ReadOnly => "Read-only file system",
        FsError::Exists => "File exists",
        FsError::NoParent => "nonexistent directory",
    }
}

/// glibc's wording (`strerror`), with dash's `Directory nonexistent`.
pub fn gnu_text(e: &FsError) -> &'static str {
    match e {
        FsError::NoParent => "Directory nonexistent",
        other => busybox_text(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(components("/a//b/./c/"), vec!["a", "b", "c"]);
        assert_eq!(absolute("/data", "x/../y"), "/data/y");
        assert_eq!(absolute("/", "/usr/share"), "/usr/share");
    }

    #[test]
    fn nodes() {
        let mut t = Tree::new();
        t.insert("a/b.txt".into(), "x".into());
        t.insert("d/".into(), String::new());
        assert_eq!(node(&t, ""), Node::Dir);
        assert_eq!(node(&t, "a"), Node::Dir);
        assert_eq!(node(&t, "a/b.txt"), Node::File);
        assert_eq!(node(&t, "d"), Node::Dir);
        assert_eq!(node(&t, "a/c"), Node::Missing);
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some("hello"));
    }

    #[test]
    fn mounts_resolve_longest_prefix_and_sub_path() {
        let sim = Sim::new(1, crate::api::ClusterVersion::NEWEST);
        let mut pod = Object::from_manifest(&serde_json::json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx",
                "volumeMounts": [{"name": "a", "mountPath": "/data"},
                                 {"name": "b", "mountPath": "/data/deep", "subPath": "x/y"}]}],
                     "volumes": [{"name": "a", "emptyDir": {}}, {"name": "b", "hostPath": {"path": "/srv/b"}}]}
        }))
        .unwrap();
        pod.meta.uid = "U".into();
        let r = resolve(&sim, &pod, "c", "/data/f.txt");
        assert_eq!(
            (r.volume.as_str(), r.rel.as_str()),
            ("emptydir:U/a", "f.txt")
        );
        let r = resolve(&sim, &pod, "c", "/data/deep/z");
        assert_eq!(
            (r.volume.as_str(), r.rel.as_str()),
            ("hostpath:/srv/b", "x/y/z")
        );
        let r = resolve(&sim, &pod, "c", "/etc/hostname");
        assert_eq!(
            (r.volume.as_str(), r.rel.as_str()),
            ("rootfs:U/c", "etc/hostname")
        );
        assert_eq!(read(&sim, &pod, "c", "/etc/hostname").as_deref(), Ok("p\n"));
        assert_eq!(read(&sim, &pod, "c", "/data/none"), Err(FsError::NotFound));
    }
}
