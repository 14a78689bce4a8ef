//! A big group of pods drawn as glyphs (`scene::GLYPH_GROUP`): one view per group, which
//! keeps one SVG element per pod and, when the group's cell changes, rewrites only the
//! attributes of the pods that changed (slot by slot, in the scene's order), adds
//! elements at the end or removes them from the end.
//!
//! A thousand pods are then one component and one effect, not a thousand components with
//! eight effects each: a jump from one moment to another with a thousand other pods
//! rewrites attributes of elements that are already there instead of removing and
//! building a thousand views. Each glyph is still its own element with the pod's
//! `data-testid`, `data-uid`, `data-name`, `data-status`, a role, a label and a tooltip,
//! so the inspector, the keyboard and the tests see a pod as before. Clicks and keys are
//! handled once, on the group. Glyphs neither grow in nor glide (canvas.css): their slot
//! is their place, and a pod's identity is in its attributes.

use leptos::prelude::*;
use orrery::scene::{self, Node};
use wasm_bindgen::JsCast;

use super::cells::GroupData;
use super::{aria_words, explain_in, object_kind, testid};
use crate::commands;
use crate::i18n::Lang;
use crate::state::Playground;

const SVG: &str = "http://www.w3.org/2000/svg";

/// One glyph on the page: its element, and what it shows now.
struct Drawn {
    el: web_sys::Element,
    title: web_sys::Element,
    node: Node,
    lang: Lang,
    selected: bool,
}

#[component]
pub fn GlyphGroup(key: String, data: ArcRwSignal<GroupData>) -> impl IntoView {
    let pg = Playground::expect();
    let data = RwSignal::from(data);
    let root = NodeRef::<leptos::svg::G>::new();
    let drawn: StoredValue<Vec<Drawn>, LocalStorage> = StoredValue::new_local(vec![]);
    Effect::new(move |_| {
        let Some(g) = root.get() else {
            return;
        };
        let selected = pg.selected.get();
        data.with(|d| {
            drawn.update_value(|drawn| draw(&g, d, selected.as_deref(), drawn));
        });
    });
    let uid_of = |ev: &web_sys::Event| {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-uid]").ok().flatten())
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(uid) = uid_of(&ev).and_then(|e| e.get_attribute("data-uid")) {
            pg.selected.set(Some(uid));
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(el) = uid_of(&ev) else {
            return;
        };
        match ev.key().as_str() {
            "Enter" | " " => {
                ev.prevent_default();
                pg.selected.set(el.get_attribute("data-uid"));
            }
            "Delete" => {
                let (Some(name), Some(ns)) = (
                    el.get_attribute("data-name"),
                    el.get_attribute("data-namespace"),
                ) else {
                    return;
                };
                if let Some(k) = object_kind(scene::NodeKind::Pod) {
                    ev.prevent_default();
                    pg.run(&commands::delete(k, &ns, &name), None, "canvas");
                }
            }
            _ => {}
        }
    };
    view! {
        <g class="glyphs" data-group=key node_ref=root on:click=on_click on:keydown=on_key></g>
    }
}

/// Brings the group's elements to `d`: slot `i` shows the group's `i`-th pod.
fn draw(g: &web_sys::Element, d: &GroupData, selected: Option<&str>, drawn: &mut Vec<Drawn>) {
    let Some(document) = g.owner_document() else {
        return;
    };
    for (i, n) in d.nodes.iter().enumerate() {
        let sel = selected == Some(n.id.as_str());
        match drawn.get_mut(i) {
            Some(old) => {
                if old.node != *n || old.lang != d.lang || old.selected != sel {
                    apply(old, false, n, d.lang, sel);
                }
            }
            None => {
                let Some(mut new) = create(&document) else {
                    return;
                };
                apply(&mut new, true, n, d.lang, sel);
                let _ = g.append_child(&new.el);
                drawn.push(new);
            }
        }
    }
    for gone in drawn.drain(d.nodes.len().min(drawn.len())..) {
        gone.el.remove();
    }
}

/// A glyph's elements: `<g><rect/><use/><title/></g>`, with what never changes.
fn create(document: &web_sys::Document) -> Option<Drawn> {
    let el = document.create_element_ns(Some(SVG), "g").ok()?;
    let rect = document.create_element_ns(Some(SVG), "rect").ok()?;
    let mark = document.create_element_ns(Some(SVG), "path").ok()?;
    let title = document.create_element_ns(Some(SVG), "title").ok()?;
    let size = scene::GLYPH;
    let inset = 3.0;
    for (k, v) in [
        ("class", "box".to_string()),
        ("rx", "4".into()),
        ("width", size.to_string()),
        ("height", size.to_string()),
    ] {
        let _ = rect.set_attribute(k, &v);
    }
    let _ = mark.set_attribute("class", "icon mark");
    let _ = mark.set_attribute(
        "transform",
        &format!(
            "translate({inset} {inset}) scale({})",
            (size - 2.0 * inset) / 16.0
        ),
    );
    let _ = el.set_attribute("data-testid", testid(scene::NodeKind::Pod));
    let _ = el.set_attribute("tabindex", "0");
    let _ = el.set_attribute("role", "button");
    let _ = el.append_child(&rect);
    let _ = el.append_child(&mark);
    let _ = el.append_child(&title);
    Some(Drawn {
        el,
        title,
        node: Node {
            id: String::new(),
            kind: scene::NodeKind::Pod,
            namespace: String::new(),
            name: String::new(),
            label: String::new(),
            detail: String::new(),
            status: scene::Status::Neutral,
            badge: None,
            star: false,
            explain: String::new(),
            x: f32::NAN,
            y: f32::NAN,
            w: 0.0,
            h: 0.0,
            group: None,
        },
        lang: Lang::En,
        selected: false,
    })
}

/// Writes the attributes that differ between what `d` shows and `n` (all when `fresh`).
fn apply(d: &mut Drawn, fresh: bool, n: &Node, lang: Lang, selected: bool) {
    let old = (!fresh).then_some(&d.node);
    let el = &d.el;
    let same_status = old.is_some_and(|o| o.status == n.status);
    if !same_status || d.selected != selected || old.is_none() {
        let _ = el.set_attribute(
            "class",
            &format!(
                "node pod glyph {}{}",
                n.status.css(),
                if selected { " selected" } else { "" }
            ),
        );
        let _ = el.set_attribute("aria-pressed", if selected { "true" } else { "false" });
    }
    if !same_status {
        let _ = el.set_attribute("data-status", n.status.css());
        if let Some(mark) = el.children().item(1) {
            let _ = mark.set_attribute("d", mark_of(n.status));
        }
    }
    if old.is_none_or(|o| o.id != n.id) {
        let _ = el.set_attribute("data-uid", &n.id);
    }
    if old.is_none_or(|o| o.name != n.name) {
        let _ = el.set_attribute("data-name", &n.name);
    }
    if old.is_none_or(|o| o.namespace != n.namespace) {
        let _ = el.set_attribute("data-namespace", &n.namespace);
    }
    if old.is_none_or(|o| o.x != n.x || o.y != n.y) {
        // Whole pixels (the grid is): integer formatting is cheaper than a float's.
        let _ = el.set_attribute(
            "transform",
            &format!("translate({} {})", n.x.round() as i32, n.y.round() as i32),
        );
    }
    let words_changed = old.is_none_or(|o| {
        o.name != n.name
            || o.status != n.status
            || o.detail != n.detail
            || o.explain != n.explain
            || o.namespace != n.namespace
    }) || d.lang != lang;
    if words_changed {
        // The title is the glyph's accessible name (an SVG element's `<title>`) and its
        // tooltip: one string for both.
        let mut t = aria_words(n, lang);
        if !n.explain.is_empty() {
            t.push_str(" — ");
            t.push_str(&explain_in(n, lang, None));
        }
        d.title.set_text_content(Some(&t));
    }
    d.node.clone_from(n);
    d.lang = lang;
    d.selected = selected;
}

/// A glyph's mark for each state: one path in a 16-unit box, stroked, the same idea as
/// the state's icon (`canvas::SYMBOLS`) drawn with one element instead of a `<use>`
/// (whose shadow tree costs style and layout a thousand times over).
pub fn mark_of(status: scene::Status) -> &'static str {
    use scene::Status::*;
    match status {
        // A clock.
        Pending => "M8 2a6 6 0 1 1 0 12a6 6 0 1 1 0-12M8 4.5V8l2.2 1.6",
        // Two arcs of a spinner.
        Creating => "M8 2a6 6 0 0 1 6 6M8 14a6 6 0 0 1-6-6",
        // A circle cut in half: started, not ready.
        Running => "M8 2a6 6 0 1 1 0 12a6 6 0 1 1 0-12M8 2v12",
        // A check.
        Ready => "M3.6 8.4 6.8 11.4 12.6 4.8",
        // An hourglass.
        Terminating => {
            "M4 1.5h8M4 14.5h8M5 1.5c0 4 6 4 6 6.5s-6 2.5-6 6.5M11 1.5c0 4-6 4-6 6.5s6 2.5 6 6.5"
        }
        // A warning sign.
        Failed | Lost => "M8 1.5 15 14.5H1zM8 6v4M8 12v.6",
        // A check on a line: done.
        Succeeded => "M3.4 7.6 6.2 10.2 12 4M3 13.5h10",
        Bound | Available | Released | Neutral => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pod_state_has_its_own_mark() {
        use scene::Status::*;
        let states = [
            Pending,
            Creating,
            Running,
            Ready,
            Terminating,
            Failed,
            Succeeded,
        ];
        let marks: std::collections::HashSet<&str> = states.iter().map(|s| mark_of(*s)).collect();
        assert_eq!(marks.len(), states.len());
        assert!(marks.iter().all(|m| m.starts_with('M')));
    }
}
