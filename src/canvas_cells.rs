//! Per-node and per-edge signals for the canvas, written by one diff of each new layout
//! against the previous one.
//!
//! Every node and edge view reads only its own cell, so a change of the cluster notifies
//! the views whose drawing changed and no other. (Before, each of ~1,000 views had a memo
//! over the one `layout` memo: every change re-ran all of them, and each re-subscribed to
//! that memo, whose unsubscribe is O(subscribers) — O(n²) per change.) A cell is created
//! when its id appears and dropped from the map when it goes; the view holding it keeps
//! the last value until its `<For>` removes it.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::prelude::*;
use orrery::scene::{EdgeKind, Node};
use orrery::time::Millis;

use super::{edge_path, Layout, Rect};
use crate::i18n::Lang;

/// What one node view draws. `lang` is here so that a change of language reaches each
/// node through its own cell (the views do not read the language signal themselves:
/// a thousand subscribers to one signal is the pattern this module removes).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeData {
    pub node: Node,
    /// (deletionTimestamp, grace period in seconds) while the object is being deleted.
    pub deletion: Option<(Millis, i64)>,
    pub lang: Lang,
    /// Where a dynamically provisioned volume comes from (its StorageClass's box), as
    /// it was when the node appeared.
    pub origin: Option<(f32, f32)>,
}

/// A node's id and its cell, as the canvas's `<For>` lists them.
pub type NodeItem = (String, ArcRwSignal<NodeData>);

/// An edge: (key, from, to, kind) and its cell, which holds the SVG path.
pub type EdgeItem = (String, String, String, EdgeKind, ArcRwSignal<String>);

/// How many cells one sync created, wrote and dropped (for tests and the profile).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sync {
    pub created: usize,
    pub written: usize,
    pub dropped: usize,
}

#[derive(Default)]
pub struct NodeCells {
    map: HashMap<String, ArcRwSignal<NodeData>>,
    ids: Vec<String>,
}

impl NodeCells {
    /// Brings the cells to `layout` in `lang`. Returns the new list of items when the
    /// ids (or their order) changed, and what it did.
    pub fn sync(&mut self, layout: &Layout, lang: Lang) -> (Option<Vec<NodeItem>>, Sync) {
        let mut sync = Sync::default();
        // Glyphs are drawn by their group ([`GlyphCells`]), not one view each.
        let nodes: Vec<&Node> = layout
            .scene
            .nodes
            .iter()
            .filter(|n| !n.is_glyph())
            .collect();
        let same_ids =
            nodes.len() == self.ids.len() && nodes.iter().zip(&self.ids).all(|(n, id)| n.id == *id);
        for &n in &nodes {
            let deletion = layout.deletion.get(&n.id).copied();
            match self.map.get(&n.id) {
                Some(cell) => {
                    let differs = cell.with_untracked(|d| {
                        d.node != *n || d.deletion != deletion || d.lang != lang
                    });
                    if differs {
                        cell.update(|d| {
                            d.node.clone_from(n);
                            d.deletion = deletion;
                            d.lang = lang;
                        });
                        sync.written += 1;
                    }
                }
                None => {
                    let origin = layout
                        .provisioned_from
                        .get(&n.id)
                        .and_then(|sc| layout.node(sc))
                        .map(|sc| (sc.x + sc.w / 2.0 - orrery::scene::POD_W / 2.0, sc.y));
                    self.map.insert(
                        n.id.clone(),
                        ArcRwSignal::new(NodeData {
                            node: n.clone(),
                            deletion,
                            lang,
                            origin,
                        }),
                    );
                    sync.created += 1;
                }
            }
        }
        if same_ids {
            return (None, sync);
        }
        if self.map.len() > nodes.len() {
            let keep: std::collections::HashSet<&str> =
                nodes.iter().map(|n| n.id.as_str()).collect();
            let before = self.map.len();
            self.map.retain(|id, _| keep.contains(id.as_str()));
            sync.dropped = before - self.map.len();
        }
        self.ids = nodes.iter().map(|n| n.id.clone()).collect();
        let items = nodes
            .iter()
            .map(|n| (n.id.clone(), self.map[&n.id].clone()))
            .collect();
        (Some(items), sync)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// What one group of glyphs draws: its group's key (`Node::group`), its pods, in order
/// (a run of the layout's nodes, shared, not copied: a thousand pods' nodes cloned on
/// every draw were a good part of its script), and the language.
#[derive(Clone, Debug)]
pub struct GroupData {
    pub key: String,
    layout: Arc<Layout>,
    range: std::ops::Range<usize>,
    pub lang: Lang,
}

impl GroupData {
    /// The group's pods, in the scene's order.
    pub fn nodes(&self) -> &[Node] {
        &self.layout.scene.nodes[self.range.clone()]
    }
}

impl PartialEq for GroupData {
    fn eq(&self, other: &GroupData) -> bool {
        self.key == other.key && self.lang == other.lang && self.nodes() == other.nodes()
    }
}

/// A glyph group's place among the canvas's groups (its `<For>` key) and its cell.
pub type GroupItem = (usize, ArcRwSignal<GroupData>);

/// One cell per group of glyphs, by the group's place among the groups (first, second…
/// in the scene's order), not by the group: a group's view diffs its pods itself, so a
/// thousand glyphs are one view, one effect, and a group that takes another's place
/// (a jump from a moment of one Deployment's thousand pods to another's) is drawn by the
/// same view over the same elements, its attributes rewritten, instead of a thousand
/// elements removed and as many made (BENCHMARKS.md, "Jump, session 10").
#[derive(Default)]
pub struct GlyphCells {
    slots: Vec<ArcRwSignal<GroupData>>,
}

impl GlyphCells {
    /// As [`NodeCells::sync`], for the groups of glyphs: a place's cell is written when
    /// its group or any of its pods changed; the list changes only when the number of
    /// groups does.
    pub fn sync(&mut self, layout: &Arc<Layout>, lang: Lang) -> (Option<Vec<GroupItem>>, Sync) {
        let mut sync = Sync::default();
        // A group's glyphs are consecutive in the scene: (key, range of nodes).
        let mut groups: Vec<(&str, std::ops::Range<usize>)> = vec![];
        for (i, n) in layout.scene.nodes.iter().enumerate() {
            let Some(g) = n.group.as_deref() else {
                continue;
            };
            match groups.last_mut() {
                Some((k, r)) if *k == g && r.end == i => r.end = i + 1,
                _ => groups.push((g, i..i + 1)),
            }
        }
        let before = self.slots.len();
        for (i, (key, range)) in groups.iter().enumerate() {
            let data = GroupData {
                key: key.to_string(),
                layout: layout.clone(),
                range: range.clone(),
                lang,
            };
            match self.slots.get(i) {
                Some(cell) => {
                    // The same nodes in a new layout: keep the old one (nothing to draw).
                    if cell.with_untracked(|d| *d != data) {
                        cell.set(data);
                        sync.written += 1;
                    }
                }
                None => {
                    self.slots.push(ArcRwSignal::new(data));
                    sync.created += 1;
                }
            }
        }
        if groups.len() == before {
            return (None, sync);
        }
        sync.dropped = self.slots.len().saturating_sub(groups.len());
        self.slots.truncate(groups.len());
        let items = self.slots.iter().cloned().enumerate().collect();
        (Some(items), sync)
    }
}

/// The key of an edge in the canvas's `<For>`.
pub fn edge_key(from: &str, to: &str, kind: EdgeKind) -> String {
    format!("{from}>{to}>{kind:?}")
}

#[derive(Default)]
pub struct EdgeCells {
    map: HashMap<String, ArcRwSignal<String>>,
    keys: Vec<String>,
}

impl EdgeCells {
    /// Brings the edges' paths to `layout`; as [`NodeCells::sync`].
    pub fn sync(&mut self, layout: &Layout) -> (Option<Vec<EdgeItem>>, Sync) {
        let mut sync = Sync::default();
        let mut keys = Vec::with_capacity(layout.edges.len());
        for e in &layout.edges {
            let key = edge_key(&e.from, &e.to, e.kind);
            let d = match (layout.node(&e.from), layout.node(&e.to)) {
                (Some(a), Some(b)) => edge_path(Rect::of(a), Rect::of(b)),
                _ => String::new(),
            };
            match self.map.get(&key) {
                Some(cell) => {
                    if cell.with_untracked(|old| *old != d) {
                        cell.set(d);
                        sync.written += 1;
                    }
                }
                None => {
                    self.map.insert(key.clone(), ArcRwSignal::new(d));
                    sync.created += 1;
                }
            }
            keys.push(key);
        }
        if keys == self.keys {
            return (None, sync);
        }
        let before = self.map.len();
        {
            let keep: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
            self.map.retain(|k, _| keep.contains(k.as_str()));
        }
        sync.dropped = before - self.map.len();
        let items = layout
            .edges
            .iter()
            .zip(&keys)
            .map(|(e, k)| {
                (
                    k.clone(),
                    e.from.clone(),
                    e.to.clone(),
                    e.kind,
                    self.map[k].clone(),
                )
            })
            .collect();
        self.keys = keys;
        (Some(items), sync)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery::scene::NodeKind;
    use orrery::shell::Session;

    fn pods(cells: &[NodeItem]) -> usize {
        cells
            .iter()
            .filter(|(_, c)| c.with_untracked(|d| d.node.kind == NodeKind::Pod))
            .count()
    }

    #[test]
    fn only_the_nodes_that_changed_are_written() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment web --image=nginx --replicas=3",
            None,
        );
        s.exec("sleep 60s", None);
        let mut cells = NodeCells::default();
        let (items, first) = cells.sync(&Layout::of(&s.sim), Lang::En);
        let items = items.expect("the first sync lists every node");
        assert_eq!(pods(&items), 3);
        assert_eq!(first.created, items.len());
        // The same layout again: nothing written, no new list.
        let (again, sync) = cells.sync(&Layout::of(&s.sim), Lang::En);
        assert!(again.is_none());
        assert_eq!(sync, Sync::default());
        // Delete one pod: the deleted pod changes state, and its replacement appears;
        // the two others are not touched.
        let victim = items
            .iter()
            .find(|(_, c)| c.with_untracked(|d| d.node.kind == NodeKind::Pod))
            .map(|(_, c)| c.with_untracked(|d| d.node.name.clone()))
            .unwrap();
        s.exec(&format!("kubectl delete pod {victim} --wait=false"), None);
        let before: Vec<(String, NodeData)> = items
            .iter()
            .map(|(id, c)| (id.clone(), c.get_untracked()))
            .collect();
        let l = Layout::of(&s.sim);
        let (items, sync) = cells.sync(&l, Lang::En);
        let items = items.expect("a new pod: a new list");
        let changed: Vec<String> = before
            .iter()
            .filter(|(id, d)| {
                items
                    .iter()
                    .any(|(i, c)| i == id && c.get_untracked() != *d)
            })
            .map(|(_, d)| format!("{:?} {}", d.node.kind, d.node.name))
            .collect();
        assert_eq!(changed.len(), sync.written, "{changed:?}");
        assert_eq!(sync.created, 1, "{sync:?}");
        assert!(sync.written < before.len(), "{sync:?} {changed:?}");
        assert!(changed.iter().any(|c| c.ends_with(&victim)), "{changed:?}");
        let terminating = items
            .iter()
            .find(|(_, c)| c.with_untracked(|d| d.node.name == victim))
            .unwrap();
        assert!(terminating.1.with_untracked(|d| d.deletion.is_some()));
        // It goes: its cell is dropped.
        s.exec("sleep 60s", None);
        let (items, sync) = cells.sync(&Layout::of(&s.sim), Lang::En);
        let items = items.unwrap();
        assert_eq!(sync.dropped, 1);
        assert_eq!(pods(&items), 3);
        assert_eq!(cells.len(), items.len());
        // A new language reaches every node through its cell.
        let (none, sync) = cells.sync(&Layout::of(&s.sim), Lang::Ko);
        assert!(none.is_none());
        assert_eq!(sync.written, items.len());
    }

    #[test]
    fn a_big_group_is_one_cell_written_when_one_pod_changes() {
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment big --image=nginx --replicas=30",
            None,
        );
        s.exec("sleep 60s", None);
        let (mut nodes, mut groups) = (NodeCells::default(), GlyphCells::default());
        let l = Arc::new(Layout::of(&s.sim));
        let (node_items, _) = nodes.sync(&l, Lang::En);
        assert_eq!(
            pods(&node_items.unwrap()),
            0,
            "no pod has a view of its own"
        );
        let (items, sync) = groups.sync(&l, Lang::En);
        let items = items.unwrap();
        assert_eq!((items.len(), sync.created), (1, 1));
        assert_eq!(items[0].1.with_untracked(|d| d.nodes().len()), 30);
        let victim = items[0].1.with_untracked(|d| d.nodes()[7].name.clone());
        s.exec(&format!("kubectl delete pod {victim} --wait=false"), None);
        let (none, sync) = groups.sync(&Arc::new(Layout::of(&s.sim)), Lang::En);
        assert!(none.is_none(), "the same group");
        assert_eq!(sync.written, 1);
        assert_eq!(items[0].1.with_untracked(|d| d.nodes().len()), 31);
        // The same cluster again, in a new layout: nothing written.
        let (none, sync) = groups.sync(&Arc::new(Layout::of(&s.sim)), Lang::En);
        assert!(none.is_none());
        assert_eq!(sync.written, 0);
        // Scaled to 10: boxes again, the group's cell goes.
        s.exec("kubectl scale deployment big --replicas=10", None);
        s.exec("sleep 60s", None);
        let l = Arc::new(Layout::of(&s.sim));
        let (items, sync) = groups.sync(&l, Lang::En);
        assert_eq!(items.map(|i| i.len()), Some(0));
        assert_eq!(sync.dropped, 1);
        assert_eq!(pods(&nodes.sync(&l, Lang::En).0.unwrap()), 10);
    }

    #[test]
    fn a_group_in_anothers_place_is_drawn_by_its_cell() {
        // One Deployment's thousand pods at one moment, another's at the next (a jump
        // across the history): the place's cell shows the other group; no cell is made
        // or dropped, so its view and elements stay.
        let mut s = Session::new(1);
        s.exec(
            "kubectl create deployment one --image=nginx --replicas=30",
            None,
        );
        s.exec("sleep 60s", None);
        let mut groups = GlyphCells::default();
        let (items, _) = groups.sync(&Arc::new(Layout::of(&s.sim)), Lang::En);
        let items = items.unwrap();
        assert_eq!(items.len(), 1);
        let first = items[0]
            .1
            .with_untracked(|d| (d.key.clone(), d.nodes()[0].id.clone()));
        s.exec("kubectl delete deployment one", None);
        s.exec(
            "kubectl create deployment two --image=nginx --replicas=30",
            None,
        );
        s.exec("sleep 60s", None);
        let (none, sync) = groups.sync(&Arc::new(Layout::of(&s.sim)), Lang::En);
        assert!(none.is_none(), "the same places");
        assert_eq!(
            sync,
            Sync {
                created: 0,
                written: 1,
                dropped: 0
            }
        );
        let now = items[0]
            .1
            .with_untracked(|d| (d.key.clone(), d.nodes()[0].id.clone()));
        assert_ne!(now.0, first.0, "the other group's key");
        assert_ne!(now.1, first.1, "the other group's pods");
        assert!(items[0]
            .1
            .with_untracked(|d| d.nodes().iter().all(|n| n.name.starts_with("two-"))));
    }

    #[test]
    fn edges_keep_their_cells_and_follow_their_ends() {
        let s = crate::canvas::tests_support::lesson();
        let l = Layout::of(&s.sim);
        let mut cells = EdgeCells::default();
        let (items, sync) = cells.sync(&l);
        let items = items.unwrap();
        assert!(!items.is_empty());
        assert_eq!(sync.created, items.len());
        assert!(items
            .iter()
            .all(|i| i.4.with_untracked(|d| d.starts_with('M'))));
        let (none, sync) = cells.sync(&l);
        assert!(none.is_none());
        assert_eq!(sync, Sync::default());
    }
}
