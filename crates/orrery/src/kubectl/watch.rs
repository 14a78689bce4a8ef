//! `kubectl get --watch` (kubectl `get.go` `watch()`): the list, then one line per watch
//! event on a matching object, as the writes the simulator's tap kept
//! ([`crate::watch`]) come in.
//!
//! How kubectl prints them, reproduced here:
//! - The list is printed through one tabwriter and flushed once: header and rows aligned
//!   together. Each event after it is printed and flushed alone, so its row is aligned
//!   only with itself (each cell its own width + 3, at least 6): `web-0   0/1   Pending
//!   0     0s` under a header whose STATUS column is wider or narrower.
//! - The header is printed with the first row printed (`HumanReadablePrinter`'s
//!   `printedHeaders`): an empty list prints nothing, and the first event then comes
//!   with the header, the two aligned together. `--watch-only` skips the list; its first
//!   event brings the header.
//! - A row per write, not per visible change: a status write that changes no printed
//!   column prints the same row again (the API server sends every write; kubectl prints
//!   every event).
//! - An object that stops matching the label or field selector is a DELETED event
//!   carrying its previous state, one that starts matching an ADDED event (the API
//!   server's watch cache, `cacheWatcher.convertToWatchEvent`); a removal is DELETED with
//!   the object's last state.
//! - `--output-watch-events`: an EVENT column first, `ADDED   `, `MODIFIED`, `DELETED `
//!   (kubectl's `formattedEventType`, padded to eight), the list's rows as ADDED.
//! - `-o name` prints `kind/name` per event; `-o yaml` each object as a document,
//!   separated by `---` (the YAML printer's count); `-o json` each object.

use std::collections::BTreeMap;

use serde_json::json;

use super::get::Columns;
use crate::api::{Object, ResourceType, Selector};
use crate::sim::{Sim, StepVerb};
use crate::watch::Tapped;

/// How events are printed.
#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    Table,
    Name,
    Yaml,
    Json,
}

/// A watch event's type (`watch.EventType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    /// kubectl's `formattedEventType`: padded to eight, the EVENT column's cell.
    fn cell(self) -> &'static str {
        match self {
            EventType::Added => "ADDED   ",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED ",
        }
    }

    fn name(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// An open `kubectl get -w`: what it watches and how it prints, and what it has seen.
#[derive(Clone, Debug)]
pub struct Watch {
    pub rt: ResourceType,
    /// The namespace watched; None: every namespace (`-A`) or a cluster-scoped kind.
    pub namespace: Option<String>,
    /// Named objects (`kubectl get pod web-0 -w`); empty: all.
    pub names: Vec<String>,
    pub selector: Option<Selector>,
    pub fields: Option<super::fields::FieldSelector>,
    pub format: Format,
    pub columns: Columns,
    pub no_headers: bool,
    /// `--output-watch-events`.
    pub events: bool,
    header_printed: bool,
    docs_printed: usize,
    /// The objects that matched at their last write, by UID, with that version when a
    /// selector could make them stop matching (the DELETED event carries it).
    seen: BTreeMap<String, Option<Object>>,
}

impl Watch {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rt: ResourceType,
        namespace: Option<String>,
        names: Vec<String>,
        selector: Option<Selector>,
        fields: Option<super::fields::FieldSelector>,
        format: Format,
        columns: Columns,
        no_headers: bool,
        events: bool,
    ) -> Watch {
        Watch {
            rt,
            namespace,
            names,
            selector,
            fields,
            format,
            columns,
            no_headers,
            events,
            header_printed: false,
            docs_printed: 0,
            seen: BTreeMap::new(),
        }
    }

    /// The watched kind, as the tap takes it.
    pub fn gk(&self) -> String {
        self.rt.gk()
    }

    fn in_scope(&self, o: &Object) -> bool {
        self.namespace
            .as_ref()
            .is_none_or(|ns| o.meta.namespace == *ns)
            && (self.names.is_empty() || self.names.contains(&o.meta.name))
    }

    fn matches(&self, o: &Object) -> bool {
        self.in_scope(o)
            && self
                .selector
                .as_ref()
                .is_none_or(|s| s.matches(&o.meta.labels))
            && self.fields.as_ref().is_none_or(|f| f.matches(o))
    }

    /// Whether a matching object could stop matching (then its last version is kept).
    fn keeps_versions(&self) -> bool {
        self.selector.is_some() || self.fields.is_some()
    }

    /// The list the watch starts from (already filtered): what `kubectl get -w` prints
    /// first, and with `print: false` (`--watch-only`) only what it has seen.
    pub fn initial(&mut self, sim: &Sim, objs: &[&Object], print: bool) -> String {
        for o in objs {
            let kept = self.keeps_versions().then(|| (*o).clone());
            self.seen.insert(o.meta.uid.clone(), kept);
        }
        if !print || objs.is_empty() {
            return String::new();
        }
        match self.format {
            Format::Table => {
                let mut rows = vec![];
                if !self.no_headers {
                    rows.push(self.header(sim));
                }
                for o in objs {
                    rows.push(self.row(sim, EventType::Added, o));
                }
                self.header_printed = true;
                super::table::render(&rows)
            }
            _ => objs
                .iter()
                .map(|o| self.document(EventType::Added, o))
                .collect(),
        }
    }

    fn header(&self, sim: &Sim) -> Vec<String> {
        let mut h = vec![];
        if self.events {
            h.push("EVENT".to_string());
        }
        h.extend(self.columns.header(sim, &self.rt));
        h
    }

    fn row(&self, sim: &Sim, t: EventType, o: &Object) -> Vec<String> {
        let mut r = vec![];
        if self.events {
            r.push(t.cell().to_string());
        }
        r.extend(self.columns.row(sim, &self.rt, o));
        r
    }

    /// One object in a non-table format.
    fn document(&mut self, t: EventType, o: &Object) -> String {
        let value = if self.events {
            json!({"type": t.name(), "object": o.to_json()})
        } else {
            o.to_json()
        };
        match self.format {
            Format::Name => format!("{}/{}\n", self.rt.qualified_singular(), o.meta.name),
            Format::Json => super::get::to_kubectl_json(&value),
            _ => {
                self.docs_printed += 1;
                let sep = if self.docs_printed > 1 { "---\n" } else { "" };
                format!("{sep}{}", crate::manifest::to_yaml(&value))
            }
        }
    }

    /// What one write means to this watch: an event type and the object it carries, or
    /// nothing (not a matching object before or after).
    fn classify(&mut self, w: Tapped) -> Option<(EventType, Object)> {
        let uid = w.object.meta.uid.clone();
        let now = w.verb != StepVerb::Removed && self.matches(&w.object);
        match (now, self.seen.contains_key(&uid)) {
            (true, seen) => {
                let kept = self.keeps_versions().then(|| w.object.clone());
                self.seen.insert(uid, kept);
                let t = if seen {
                    EventType::Modified
                } else {
                    EventType::Added
                };
                Some((t, w.object))
            }
            (false, true) => {
                let before = self.seen.remove(&uid).flatten();
                // A removal carries the last state; an object that stopped matching,
                // its previous one.
                let o = match (w.verb, before) {
                    (StepVerb::Removed, _) | (_, None) => w.object,
                    (_, Some(prev)) => prev,
                };
                Some((EventType::Deleted, o))
            }
            (false, false) => None,
        }
    }

    /// The lines the writes print, each as kubectl prints an event (flushed alone).
    /// Each row is printed at the time of its write (AGE, a restart's `(5s ago)`):
    /// `sim.now` is set to it while the row is made, and put back.
    pub fn print(&mut self, sim: &mut Sim, writes: Vec<Tapped>) -> String {
        let mut out = String::new();
        let now = sim.now;
        for w in writes {
            let time = w.time;
            let Some((t, o)) = self.classify(w) else {
                continue;
            };
            sim.now = time;
            match self.format {
                Format::Table => {
                    let mut rows = vec![];
                    if !self.header_printed && !self.no_headers {
                        rows.push(self.header(sim));
                    }
                    self.header_printed = true;
                    rows.push(self.row(sim, t, &o));
                    out.push_str(&super::table::render(&rows));
                }
                _ => out.push_str(&self.document(t, &o)),
            }
        }
        sim.now = now;
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::Session;

    #[test]
    fn an_empty_list_prints_nothing_and_the_first_event_brings_the_header() {
        let mut s = Session::new(1);
        let o = s.exec("kubectl get pods -w", None);
        assert_eq!((o.text.as_str(), o.code), ("", 0));
        assert!(s.watch.is_some(), "the open watch is left for the console");
        s.exec("kubectl run p --image=nginx", None);
        assert!(s.watch.is_none(), "the next command drops it");
        s.exec("kubectl delete pod p --wait=false", None);
        s.exec("kubectl run p --image=nginx", None);
        let o = s.exec("timeout 10s kubectl get pods --watch-only", None);
        assert_eq!(o.code, 124);
        // Header and first row flushed together; the next rows alone.
        assert_eq!(
            o.text,
            "NAME   READY   STATUS    RESTARTS   AGE\n\
             p      1/1     Running   0          2s\n"
        );
    }

    #[test]
    fn each_event_row_is_aligned_alone_and_deletion_prints_the_last_state() {
        let mut s = Session::new(1);
        s.exec("kubectl run p --image=nginx", None);
        s.exec("sleep 5s", None);
        s.exec("kubectl delete pod p --wait=false", None);
        let before = s.sim.now;
        let o = s.exec("timeout 5s kubectl get pods -w --output-watch-events", None);
        assert_eq!(s.sim.now - before, 5_000);
        assert_eq!(o.code, 124);
        // The list's row as ADDED, aligned with the header; the removal's row alone,
        // with the pod's last state (the simulated kubelet removes it without a last
        // status write: kubectl on a real node shows `0/1 Terminating` rows first).
        assert_eq!(
            o.text,
            "EVENT      NAME   READY   STATUS        RESTARTS   AGE\n\
             ADDED      p      1/1     Terminating   0          5s\n\
             DELETED    p     1/1   Terminating   0     6s\n"
        );
    }

    #[test]
    fn an_object_that_stops_matching_the_selector_is_deleted_from_the_watch() {
        let mut s = Session::new(1);
        s.exec("kubectl run p --image=nginx --labels=app=a", None);
        s.exec("sleep 5s", None);
        let o = s.exec("kubectl get pods -l app=a -w --watch-only -o name", None);
        assert_eq!(o.text, "");
        let mut w = s.watch.take().unwrap();
        s.sim.watch.open(&w.gk());
        s.exec("kubectl label pod p app=b --overwrite", None);
        s.exec("kubectl label pod p app=a --overwrite", None);
        let writes = s.sim.watch.take(usize::MAX);
        assert_eq!(writes.len(), 2);
        w.events = true;
        w.format = super::Format::Yaml;
        let text = w.print(&mut s.sim, writes);
        // The DELETED event carries the version that matched; the ADDED one the new.
        let docs: Vec<&str> = text.split("---\n").collect();
        assert_eq!(docs.len(), 2, "{text}");
        assert!(
            docs[0].starts_with("object:")
                && docs[0].contains("app: a")
                && docs[0].ends_with("type: DELETED\n"),
            "{}",
            docs[0]
        );
        assert!(
            docs[1].contains("app: a") && docs[1].ends_with("type: ADDED\n"),
            "{}",
            docs[1]
        );
    }

    #[test]
    fn a_write_that_changes_no_column_prints_the_same_row_again() {
        let mut s = Session::new(1);
        s.exec("kubectl run p --image=nginx", None);
        s.exec("sleep 5s", None);
        let o = s.exec("timeout 1s kubectl get pods -w --watch-only", None);
        assert_eq!(o.text, "");
        s.exec("kubectl annotate pod p a=b", None);
        let _ = s.exec("kubectl get pod p -w", None);
        let mut w = s.watch.take().unwrap();
        s.sim.watch.open(&w.gk());
        s.exec("kubectl annotate pod p c=d", None);
        let writes = s.sim.watch.take(usize::MAX);
        assert_eq!(
            w.print(&mut s.sim, writes),
            "p     1/1   Running   0     6s\n"
        );
    }

    #[test]
    fn timeout_ends_other_commands_at_once_and_cuts_sleep() {
        let mut s = Session::new(1);
        let t = s.sim.now;
        let o = s.exec("timeout 30s kubectl get ns", None);
        assert_eq!((o.code, s.sim.now), (0, t));
        let o = s.exec("timeout 2 sleep 5", None);
        assert_eq!((o.code, s.sim.now - t), (124, 2_000));
        let o = s.exec("timeout 5m sleep 1", None);
        assert_eq!((o.code, s.sim.now - t), (0, 3_000));
        assert_eq!(s.exec("timeout 1.5x sleep 1", None).code, 125);
        assert_eq!(s.exec("timeout 1", None).code, 125);
        assert_eq!(s.exec("timeout 1s kubectl get pods,svc -w", None).code, 1);
    }
}
