//! A big group of pods drawn as glyphs (`scene::GLYPH_GROUP`): one view per group, which
//! keeps one SVG element per pod and, when the group's cell changes, rewrites only the
//! attributes of the pods that changed (slot by slot, in the scene's order), adds
//! elements at the end or removes them from the end.
//!
//! A thousand pods are then one component and one effect, not a thousand components with
//! eight effects each: a jump from one moment to another with a thousand other pods
//! rewrites attributes of elements that are already there instead of removing and
//! building a thousand views.
//!
//! What a glyph shows is drawn per state, not per pod: for each pod state, one `<g>` (the
//! state's classes, so canvas.css styles it as a pod node of that state) with two paths —
//! every box of that state, every mark of that state. A pod's own element is a `<rect>`
//! over its box, with no fill: the hit area, the focus and selection ring, and the pod's
//! identity — `data-testid`, `data-uid`, `data-name`, `data-namespace`, `data-status`, a
//! role, `aria-pressed` and a `<title>` (its accessible name and tooltip) — so the
//! inspector, the keyboard, a screen reader and the tests see a pod as before. Its class
//! changes only with the selection. A pod changing state then rewrites two paths of its
//! old state and two of its new one, and the browser restyles and lays out a handful of
//! paths, not a thousand glyphs of four elements each (a state's class on a thousand
//! `<g>`s cost 44 ms of style and layout; BENCHMARKS.md, "Draws and jumps, session 7").
//! Clicks and keys are handled once, on the group. Glyphs neither grow in nor glide
//! (canvas.css): their slot is their place, and a pod's identity is in its attributes.

use leptos::prelude::*;
use orrery::scene::{self, Node, Status};
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
    /// The text node inside its `<title>`: a new title is written into it
    /// (`CharacterData.data`), not by `textContent`, which made a new text node on every
    /// write (a jump across the history rewrites a thousand titles; BENCHMARKS.md, "Jump,
    /// session 10").
    title: web_sys::Node,
    node: Node,
    lang: Lang,
    selected: bool,
    /// The glyph's box and mark as path data where it stands, in its state (for its
    /// state's paths).
    shape: String,
    mark: String,
}

/// Every state a node can be in, in the order their layers are drawn.
const STATES: [Status; 12] = Status::ALL;

fn state_index(s: Status) -> usize {
    STATES
        .iter()
        .position(|t| *t == s)
        .unwrap_or(STATES.len() - 1)
}

/// One block of one state's drawing: its box and mark paths with what they show.
struct Layer {
    boxes: web_sys::Element,
    marks: web_sys::Element,
    shown: (String, String),
}

/// A layer's key: the state's index in [`STATES`], then the block of the grid (column,
/// row) its glyphs stand in. A state's glyphs are cut in blocks of [`BLOCK_COLS`] ×
/// [`BLOCK_ROWS`] so that a path's bounds stay small: the browser rasters a tile with only
/// the paths that overlap it, and a change repaints only its blocks (one path for all
/// of a state's glyphs made every tile of the grid raster all of them, and any change
/// repaint the whole grid).
type LayerKey = (usize, i32, i32);

const BLOCK_COLS: f32 = 8.0;
const BLOCK_ROWS: f32 = 4.0;

fn layer_key(n: &Node) -> LayerKey {
    let pitch = scene::GLYPH + scene::GLYPH_GAP;
    (
        state_index(n.status),
        (n.x / (pitch * BLOCK_COLS)).floor() as i32,
        (n.y / (pitch * BLOCK_ROWS)).floor() as i32,
    )
}

/// What a group has on the page.
#[derive(Default)]
struct Glyphs {
    slots: Vec<Drawn>,
    /// The `<g>` holding the states' layers (first in the group: under the pods' rects).
    states: Option<web_sys::Element>,
    /// Each state's `<g>` (made when a glyph is first in that state).
    state_groups: Vec<Option<web_sys::Element>>,
    layers: std::collections::BTreeMap<LayerKey, Layer>,
}

#[component]
pub fn GlyphGroup(data: ArcRwSignal<GroupData>) -> impl IntoView {
    let pg = Playground::expect();
    let data = RwSignal::from(data);
    let group_key = Memo::new(move |_| data.with(|d| d.key.clone()));
    let root = NodeRef::<leptos::svg::G>::new();
    let drawn: StoredValue<Glyphs, LocalStorage> = StoredValue::new_local(Glyphs::default());
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
        // The group's key follows the group drawn in this place (`GlyphCells`).
        <g
            class="glyphs"
            data-group=group_key
            node_ref=root
            on:click=on_click
            on:keydown=on_key
        ></g>
    }
}

/// Brings the group's elements to `d`: slot `i` shows the group's `i`-th pod.
fn draw(g: &web_sys::Element, d: &GroupData, selected: Option<&str>, glyphs: &mut Glyphs) {
    let Some(document) = g.owner_document() else {
        return;
    };
    let nodes = d.nodes();
    let drawn = &mut glyphs.slots;
    // New glyphs are copies of one template (one call instead of two elements and
    // eight attributes each), inserted together at the end in one call.
    let mut template: Option<web_sys::Element> = None;
    let fresh = js_sys::Array::new();
    let mut batch = Batch::default();
    // Whether some glyph's box or mark moved or changed state: the states' paths are
    // then made again.
    let mut reshaped = drawn.len() != nodes.len();
    for (i, n) in nodes.iter().enumerate() {
        let sel = selected == Some(n.id.as_str());
        match drawn.get_mut(i) {
            Some(old) => {
                if old.node != *n || old.lang != d.lang || old.selected != sel {
                    reshaped |= apply(old, i, false, n, d.lang, sel, &mut batch);
                }
            }
            None => {
                if template.is_none() {
                    template = create(&document);
                }
                let Some(mut new) = template.as_ref().and_then(copy) else {
                    break;
                };
                apply(&mut new, i, true, n, d.lang, sel, &mut batch);
                fresh.push(&new.el);
                drawn.push(new);
            }
        }
    }
    batch.write(drawn);
    if fresh.length() > 0 {
        let _ = g.append_with_node(&fresh);
    }
    for gone in drawn.drain(nodes.len().min(drawn.len())..) {
        gone.el.remove();
    }
    if reshaped {
        draw_states(g, &document, glyphs);
    }
}

/// Writes each state's box and mark paths, block by block, where they changed.
fn draw_states(g: &web_sys::Element, document: &web_sys::Document, glyphs: &mut Glyphs) {
    let mut paths: std::collections::BTreeMap<LayerKey, (String, String)> = Default::default();
    for d in &glyphs.slots {
        let (boxes, marks) = paths.entry(layer_key(&d.node)).or_default();
        boxes.push_str(&d.shape);
        marks.push_str(&d.mark);
    }
    // Blocks that no glyph of their state stands in any more are emptied.
    for (key, layer) in glyphs.layers.iter_mut() {
        if !paths.contains_key(key) && !layer.shown.0.is_empty() {
            let _ = layer.boxes.set_attribute("d", "");
            let _ = layer.marks.set_attribute("d", "");
            layer.shown = Default::default();
        }
    }
    glyphs.state_groups.resize_with(STATES.len(), || None);
    for (key, (boxes, marks)) in paths {
        if !glyphs.layers.contains_key(&key) {
            if glyphs.states.is_none() {
                let Ok(states) = document.create_element_ns(Some(SVG), "g") else {
                    return;
                };
                let _ = states.set_attribute("class", "glyph-states");
                let _ = states.set_attribute("aria-hidden", "true");
                let _ = g.prepend_with_node_1(&states);
                glyphs.states = Some(states);
            }
            let Some(states) = &glyphs.states else {
                return;
            };
            let group = &mut glyphs.state_groups[key.0];
            if group.is_none() {
                *group = create_state(document, states, STATES[key.0]);
            }
            let Some(new) = group.as_ref().and_then(|s| create_layer(document, s)) else {
                return;
            };
            glyphs.layers.insert(key, new);
        }
        let Some(layer) = glyphs.layers.get_mut(&key) else {
            continue;
        };
        if layer.shown.0 != boxes {
            let _ = layer.boxes.set_attribute("d", &boxes);
            layer.shown.0 = boxes;
        }
        if layer.shown.1 != marks {
            let _ = layer.marks.set_attribute("d", &marks);
            layer.shown.1 = marks;
        }
    }
}

/// A state's `<g class="node pod glyph STATE">`, appended to `states` (the boxes never
/// overlap, so the states' order is only the DOM's).
fn create_state(
    document: &web_sys::Document,
    states: &web_sys::Element,
    s: Status,
) -> Option<web_sys::Element> {
    let g = document.create_element_ns(Some(SVG), "g").ok()?;
    let _ = g.set_attribute("class", &format!("node pod glyph {}", s.css()));
    let _ = g.set_attribute("data-state", s.css());
    let _ = states.append_child(&g);
    Some(g)
}

/// A block of a state: `<path class="box"/><path class="icon mark"/>` in the state's `<g>`.
fn create_layer(document: &web_sys::Document, state: &web_sys::Element) -> Option<Layer> {
    let boxes = document.create_element_ns(Some(SVG), "path").ok()?;
    let marks = document.create_element_ns(Some(SVG), "path").ok()?;
    let _ = boxes.set_attribute("class", "box");
    let _ = marks.set_attribute("class", "icon mark");
    let _ = state.append_child(&boxes);
    let _ = state.append_child(&marks);
    Some(Layer {
        boxes,
        marks,
        shown: Default::default(),
    })
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// An element seen through the two calls below.
    #[wasm_bindgen(extends = web_sys::Element)]
    type El;
    /// `Element.setAttribute` with a name and a value that are already JS strings: no
    /// text crosses from the wasm memory (web-sys's takes `&str`, two decodes a call).
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute_js(this: &El, name: &wasm_bindgen::JsValue, value: &wasm_bindgen::JsValue);
    /// A text node seen through the call below.
    #[wasm_bindgen(extends = web_sys::Node)]
    type Tx;
    /// The `CharacterData.data` setter of a text node, with a JS string.
    #[wasm_bindgen(method, setter = data)]
    fn set_data_js(this: &Tx, value: &wasm_bindgen::JsValue);
}

/// What one glyph attribute write is about: the element and the attribute.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Attr {
    Class,
    Pressed,
    Status,
    Uid,
    Name,
    Namespace,
    X,
    Y,
    Title,
}

impl Attr {
    const ALL: [Attr; 9] = [
        Attr::Class,
        Attr::Pressed,
        Attr::Status,
        Attr::Uid,
        Attr::Name,
        Attr::Namespace,
        Attr::X,
        Attr::Y,
        Attr::Title,
    ];

    fn name(self) -> &'static str {
        match self {
            Attr::Class => "class",
            Attr::Pressed => "aria-pressed",
            Attr::Status => "data-status",
            Attr::Uid => "data-uid",
            Attr::Name => "data-name",
            Attr::Namespace => "data-namespace",
            Attr::X => "x",
            Attr::Y => "y",
            Attr::Title => "",
        }
    }
}

/// A draw's attribute writes, handed to JS at once: every value joined in one string
/// (one decode instead of two per attribute; the decode dominated a jump's glyph
/// writes, BENCHMARKS.md "The cost of drawing"), split there into an array, each
/// value then set from the array. A value that holds the separator is kept aside and
/// written on its own, so every value arrives exactly as given.
#[derive(Default)]
struct Batch {
    /// (slot, attribute), in the order of the values.
    ops: Vec<(usize, Attr)>,
    /// The values, each followed by [`SEP`] (an op kept aside adds an empty one).
    text: String,
    /// Values holding [`SEP`]: (index in `ops`, value).
    aside: Vec<(usize, String)>,
}

const SEP: char = '\u{1}';

impl Batch {
    fn set(&mut self, slot: usize, attr: Attr, value: &str) {
        if value.contains(SEP) {
            self.aside.push((self.ops.len(), value.to_string()));
        } else {
            self.text.push_str(value);
        }
        self.text.push(SEP);
        self.ops.push((slot, attr));
    }

    /// The values, in order, as the writes will see them (for the tests).
    #[cfg(test)]
    fn values(&self) -> Vec<String> {
        let mut v: Vec<String> = self.text.split(SEP).map(str::to_string).collect();
        v.pop();
        for (i, s) in &self.aside {
            v[*i] = s.clone();
        }
        v
    }

    fn write(self, drawn: &[Drawn]) {
        if self.ops.is_empty() {
            return;
        }
        let names: Vec<wasm_bindgen::JsValue> = Attr::ALL
            .iter()
            .map(|a| wasm_bindgen::JsValue::from_str(a.name()))
            .collect();
        let values = js_sys::JsString::from(self.text.as_str()).split(&SEP.to_string());
        let mut aside = self.aside.into_iter().peekable();
        for (i, (slot, attr)) in self.ops.into_iter().enumerate() {
            let Some(d) = drawn.get(slot) else {
                continue;
            };
            let v = match aside.peek() {
                Some((at, _)) if *at == i => {
                    let (_, s) = aside.next().unwrap_or_default();
                    wasm_bindgen::JsValue::from_str(&s)
                }
                _ => values.get(i as u32),
            };
            if attr == Attr::Title {
                d.title.unchecked_ref::<Tx>().set_data_js(&v);
                continue;
            }
            d.el.unchecked_ref::<El>()
                .set_attribute_js(&names[attr as usize], &v);
        }
    }
}

/// A glyph's element: `<rect><title>text</title></rect>`, with what never changes.
fn create(document: &web_sys::Document) -> Option<web_sys::Element> {
    let el = document.create_element_ns(Some(SVG), "rect").ok()?;
    let title = document.create_element_ns(Some(SVG), "title").ok()?;
    let size = scene::GLYPH;
    for (k, v) in [
        ("rx", "4".to_string()),
        ("width", size.to_string()),
        ("height", size.to_string()),
    ] {
        let _ = el.set_attribute(k, &v);
    }
    let _ = el.set_attribute("data-testid", testid(scene::NodeKind::Pod));
    let _ = el.set_attribute("tabindex", "0");
    let _ = el.set_attribute("role", "button");
    // The title's text node, written in place ever after (`Drawn::title`).
    // (A space: an empty `textContent` makes no text node.)
    title.set_text_content(Some(" "));
    let _ = el.append_child(&title);
    Some(el)
}

/// A new glyph: a deep copy of the template, showing nothing yet.
fn copy(template: &web_sys::Element) -> Option<Drawn> {
    let el: web_sys::Element = template.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let title = el.first_element_child()?.first_child()?;
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
        shape: String::new(),
        mark: String::new(),
    })
}

/// Writes the attributes that differ between what `d` shows and `n` (all when `fresh`),
/// through `batch`; `slot` is the glyph's place in the group. Says whether the glyph's
/// box or mark changed (its place or its state): its states' paths are then redrawn.
fn apply(
    d: &mut Drawn,
    slot: usize,
    fresh: bool,
    n: &Node,
    lang: Lang,
    selected: bool,
    batch: &mut Batch,
) -> bool {
    let old = (!fresh).then_some(&d.node);
    let same_status = old.is_some_and(|o| o.status == n.status);
    // The class says only what the rect itself shows: the selection ring. The state is
    // drawn by the state's layer, so a change of state restyles nothing here.
    if d.selected != selected || old.is_none() {
        let class = if selected {
            "node pod glyph selected"
        } else {
            "node pod glyph"
        };
        batch.set(slot, Attr::Class, class);
        batch.set(slot, Attr::Pressed, if selected { "true" } else { "false" });
    }
    if !same_status {
        batch.set(slot, Attr::Status, n.status.css());
    }
    if old.is_none_or(|o| o.id != n.id) {
        batch.set(slot, Attr::Uid, &n.id);
    }
    if old.is_none_or(|o| o.name != n.name) {
        batch.set(slot, Attr::Name, &n.name);
    }
    if old.is_none_or(|o| o.namespace != n.namespace) {
        batch.set(slot, Attr::Namespace, &n.namespace);
    }
    // Placed by coordinates, not by a `transform` per glyph: each transform is a node of
    // the browser's property trees and its own paint chunk, and a thousand of them made
    // every frame's paint, layerize and commit O(glyphs) (BENCHMARKS.md, session 5).
    let moved = old.is_none_or(|o| o.x != n.x || o.y != n.y);
    let (x, y) = (snap(n.x), snap(n.y));
    if moved {
        // Whole pixels (the grid is): integer formatting is cheaper than a float's.
        batch.set(slot, Attr::X, &(x as i32).to_string());
        batch.set(slot, Attr::Y, &(y as i32).to_string());
        d.shape.clear();
        box_at(x, y, &mut d.shape);
    }
    if moved || !same_status {
        d.mark = mark_at(n.status, x, y);
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
        batch.set(slot, Attr::Title, &t);
    }
    d.node.clone_from(n);
    d.lang = lang;
    d.selected = selected;
    moved || !same_status
}

/// The grid a glyph is drawn on (canvas units): every glyph's corner at a multiple of it.
/// The borders of the states that are dashed or dotted are painted by the canvas's
/// patterns of this period (`canvas::SYMBOLS`, `g-dash`, `g-dots`, `g-dashdot`), anchored
/// at the canvas's origin; on this grid every edge of every box falls on a row or column
/// of their marks. (A `stroke-dasharray` on a path of a thousand boxes was re-dashed whole
/// by every raster tile it touched: 17–23 ms of raster CPU per draw of a busy instant,
/// beside the page's own 8–10 ms; BENCHMARKS.md, "Frames, session 9".) It divides both
/// the glyph's side and the grid's pitch, so a group's glyphs all move by the same
/// amount, at most half of it.
pub const SNAP: f32 = 4.0;

/// `v` on the [`SNAP`] grid (the nearest multiple).
pub fn snap(v: f32) -> f32 {
    (v / SNAP).round() * SNAP
}

/// The corner radius of a glyph's box (as the rect's `rx`).
const BOX_RX: f32 = 4.0;

/// A glyph's box at (`x`, `y`) as path data: the outline of a `<rect>` of side
/// `scene::GLYPH` with corners of [`BOX_RX`], started where SVG starts a rounded
/// rect's outline — (x + rx, y), clockwise — so a dashed border begins where it did.
pub fn box_at(x: f32, y: f32, out: &mut String) {
    let r = BOX_RX;
    let side = scene::GLYPH - 2.0 * r;
    out.push('M');
    push_hundredths(x + r, out);
    out.push(' ');
    push_hundredths(y, out);
    out.push('h');
    push_hundredths(side, out);
    out.push_str("a4 4 0 0 1 4 4v");
    push_hundredths(side, out);
    out.push_str("a4 4 0 0 1-4 4h-");
    push_hundredths(side, out);
    out.push_str("a4 4 0 0 1-4-4v-");
    push_hundredths(side, out);
    out.push_str("a4 4 0 0 1 4-4z");
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

/// The inset of a glyph's mark in its box, and the mark's scale (its 16-unit box drawn
/// in `GLYPH - 2 × inset` pixels).
const MARK_INSET: f32 = 3.0;
const MARK_SCALE: f32 = (scene::GLYPH - 2.0 * MARK_INSET) / 16.0;

/// [`mark_of`] drawn in the glyph at (`x`, `y`): the path's own coordinates moved and
/// scaled (absolute commands moved and scaled, relative ones scaled; an arc's radii
/// scaled, its rotation and flags kept), so that the glyph needs no `transform`.
pub fn mark_at(status: scene::Status, x: f32, y: f32) -> String {
    place_path(mark_of(status), x + MARK_INSET, y + MARK_INSET, MARK_SCALE)
}

/// Moves path `d` (commands M L H V C S Q T A Z, absolute or relative) by (`ox`, `oy`)
/// after scaling it by `s`.
pub fn place_path(d: &str, ox: f32, oy: f32, s: f32) -> String {
    let mut out = String::with_capacity(d.len() + d.len() / 2);
    let mut cmd = 'M';
    let mut i = 0; // index of the number within the command's parameter group
    let bytes = d.as_bytes();
    let mut p = 0;
    let num = |v: f32, out: &mut String| push_hundredths(v, out);
    while p < bytes.len() {
        let c = bytes[p] as char;
        if c.is_ascii_alphabetic() {
            cmd = c;
            i = 0;
            out.push(c);
            p += 1;
            continue;
        }
        if c == ' ' || c == ',' {
            p += 1;
            continue;
        }
        // A number: sign, digits, one dot, digits (a second dot or a sign starts the next).
        let start = p;
        if bytes[p] == b'-' || bytes[p] == b'+' {
            p += 1;
        }
        let mut dot = false;
        while p < bytes.len() {
            let b = bytes[p];
            if b.is_ascii_digit() {
                p += 1;
            } else if b == b'.' && !dot {
                dot = true;
                p += 1;
            } else {
                break;
            }
        }
        let v: f32 = d[start..p].parse().unwrap_or(0.0);
        let rel = cmd.is_ascii_lowercase();
        let (group, is_x, is_y) = match cmd.to_ascii_uppercase() {
            'H' => (1, true, false),
            'V' => (1, false, true),
            'A' => (7, i % 7 == 5, i % 7 == 6),
            'C' => (6, i % 2 == 0, i % 2 == 1),
            'S' | 'Q' => (4, i % 2 == 0, i % 2 == 1),
            _ => (2, i % 2 == 0, i % 2 == 1),
        };
        let w = if cmd.eq_ignore_ascii_case(&'A') {
            match i % 7 {
                0 | 1 => v * s,
                2..=4 => v,
                _ if rel => v * s,
                5 => ox + v * s,
                _ => oy + v * s,
            }
        } else if rel {
            v * s
        } else if is_x {
            ox + v * s
        } else if is_y {
            oy + v * s
        } else {
            v
        };
        if !out.ends_with(|ch: char| ch.is_ascii_alphabetic()) {
            out.push(' ');
        }
        num(w, &mut out);
        i = (i + 1) % group;
        // After a move's first pair, further pairs are lines (of the same relativity).
        if i == 0 && cmd.eq_ignore_ascii_case(&'M') {
            cmd = if rel { 'l' } else { 'L' };
        }
    }
    out
}

/// `v` rounded to two decimals, without trailing zeros: `12.25`, `3.5`, `-4`, `0` — as
/// `format!("{r}")` of the rounded `f32` writes it, but from the integer number of
/// hundredths (a float's shortest-digits formatting was most of a placed mark's cost).
/// Exact for |v| < 10,000, where an `f32` tells hundredths apart; beyond, the float is
/// formatted as before.
fn push_hundredths(v: f32, out: &mut String) {
    use std::fmt::Write;
    let r = (v * 100.0).round();
    if r.is_nan() || r.abs() >= 1_000_000.0 {
        let r = r / 100.0;
        let r = if r == 0.0 { 0.0 } else { r };
        let _ = write!(out, "{r}");
        return;
    }
    let k = r as i32;
    if k < 0 {
        out.push('-');
    }
    let k = k.unsigned_abs();
    let _ = write!(out, "{}", k / 100);
    match k % 100 {
        0 => {}
        f if f % 10 == 0 => {
            let _ = write!(out, ".{}", f / 10);
        }
        f => {
            let _ = write!(out, ".{f:02}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The integer formatting writes what the float formatting did, for every hundredth
    /// from -10,000 to 10,000 and for values between them.
    #[test]
    fn hundredths_are_written_as_the_float_was() {
        let float = |v: f32| {
            let r = (v * 100.0).round() / 100.0;
            let r = if r == 0.0 { 0.0 } else { r };
            format!("{r}")
        };
        let mut out = String::new();
        let mut check = |v: f32| {
            out.clear();
            push_hundredths(v, &mut out);
            assert_eq!(out, float(v), "{v}");
        };
        for k in -1_000_000..=1_000_000 {
            check(k as f32 / 100.0);
        }
        for v in [
            0.004, -0.004, 0.005, -0.005, 3.15, 12.345, 9_999.996, 123_456.78, -0.0,
        ] {
            check(v);
        }
        let mut x = 0.37_f32;
        for _ in 0..10_000 {
            check(x);
            check(-x);
            x = x * 1.0013 + 0.0071;
        }
    }

    /// Every state a pod glyph can be in.
    const POD_STATES: [scene::Status; 7] = {
        use scene::Status::*;
        [
            Pending,
            Creating,
            Running,
            Ready,
            Terminating,
            Failed,
            Succeeded,
        ]
    };

    #[test]
    fn a_batch_hands_every_value_over_exactly() {
        let mut b = Batch::default();
        b.set(0, Attr::Uid, "u-1");
        b.set(0, Attr::Title, "");
        b.set(1, Attr::Title, "a\u{1}b");
        b.set(2, Attr::Name, "web-7f9c");
        b.set(3, Attr::Title, "\u{1}");
        assert_eq!(b.values(), ["u-1", "", "a\u{1}b", "web-7f9c", "\u{1}"]);
        assert_eq!(b.ops.len(), 5);
        assert_eq!(b.ops[2], (1, Attr::Title));
        assert!(Attr::ALL.iter().enumerate().all(|(i, a)| *a as usize == i));
    }

    /// A box's path is the outline of the `<rect>` it replaced: side `GLYPH`, corners of
    /// `BOX_RX` (the arcs' radii are written as 4), starting at (x + rx, y).
    #[test]
    fn a_box_is_the_rounded_rect_it_replaced() {
        assert_eq!(BOX_RX, 4.0, "box_at writes its arcs with a radius of 4");
        assert_eq!(scene::GLYPH, 20.0);
        let mut out = String::new();
        box_at(40.0, 64.0, &mut out);
        assert_eq!(
            out,
            "M44 64h12a4 4 0 0 1 4 4v12a4 4 0 0 1-4 4h-12a4 4 0 0 1-4-4v-12a4 4 0 0 1 4-4z"
        );
        // Boxes of one state follow each other in one path: each its own closed subpath.
        box_at(64.0, 64.0, &mut out);
        assert_eq!(out.matches('M').count(), 2);
        assert!(out.ends_with("z"));
    }

    /// Glyphs are drawn on the grid of the border patterns: every corner of every box on
    /// a multiple of `SNAP`, at most half of it from the scene's place, and a group's
    /// glyphs all moved alike (the pitch kept).
    #[test]
    fn glyphs_are_drawn_on_the_grid_of_the_border_patterns() {
        let pitch = scene::GLYPH + scene::GLYPH_GAP;
        assert_eq!(
            scene::GLYPH % SNAP,
            0.0,
            "a box's far edges are on the grid too"
        );
        assert_eq!(
            pitch % SNAP,
            0.0,
            "the pitch keeps every glyph of a group on the grid"
        );
        let mut v = -37.3_f32;
        while v < 2_000.0 {
            let s = snap(v);
            assert_eq!(s % SNAP, 0.0, "{v} → {s}");
            assert!((s - v).abs() <= SNAP / 2.0, "{v} → {s}");
            for k in [1.0, 7.0, 39.0] {
                assert_eq!(snap(v + k * pitch), s + k * pitch, "{v}, {k}");
            }
            v += 0.37;
        }
    }

    /// The borders that are dashed or dotted (pending, creating, terminating) are painted
    /// by a pattern of the canvas, not by `stroke-dasharray` (which every raster tile
    /// dashed again over a thousand boxes): the glyph rules of canvas.css say so, and
    /// the patterns exist, anchored at the canvas's origin with a period on the grid.
    #[test]
    fn dashed_glyph_borders_are_painted_by_patterns_on_the_grid() {
        let css = include_str!("../style/canvas.css");
        for (state, id) in [
            ("pending", "g-dash"),
            ("creating", "g-dots"),
            ("terminating", "g-dashdot"),
        ] {
            let sel = format!(".node.glyph.{state} .box {{");
            let at = css.find(&sel).unwrap_or_else(|| panic!("no rule {sel}"));
            let rule = &css[at..at + css[at..].find('}').unwrap()];
            assert!(rule.contains("stroke-dasharray: none;"), "{rule}");
            assert!(rule.contains(&format!("stroke: url(#{id});")), "{rule}");
            let tag = format!("<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" ");
            let at = super::super::SYMBOLS
                .find(&tag)
                .unwrap_or_else(|| panic!("no pattern {id}"));
            let head = &super::super::SYMBOLS[at..];
            let head = &head[..head.find('>').unwrap()];
            for dim in ["width", "height"] {
                let v: f32 = head
                    .split(&format!("{dim}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("{id} {dim}"));
                assert_eq!(v % SNAP, 0.0, "{id} {dim}");
            }
            assert!(
                !head.contains(" x=") && !head.contains(" y="),
                "{id} at the origin"
            );
        }
        // No other glyph rule brings a dash array back.
        for (i, _) in css.match_indices(".node.glyph") {
            let rule = &css[i..i + css[i..].find('}').unwrap()];
            if let Some(d) = rule.split("stroke-dasharray:").nth(1) {
                assert!(d.trim_start().starts_with("none"), "{rule}");
            }
        }
    }

    /// A layer holds the glyphs of one state in one block of the grid: the glyphs of a
    /// block share its key, a neighbouring block or another state does not.
    #[test]
    fn glyphs_are_layered_by_state_and_block() {
        let pitch = scene::GLYPH + scene::GLYPH_GAP;
        let at = |col: f32, row: f32, status| {
            let mut n = copy_node();
            n.x = 30.0 + col * pitch;
            n.y = 200.0 + row * pitch;
            n.status = status;
            layer_key(&n)
        };
        let mut keys = std::collections::BTreeSet::new();
        for row in 0..25 {
            for col in 0..40 {
                keys.insert(at(col as f32, row as f32, Status::Ready));
            }
        }
        // 40 × 25 glyphs from (30, 200): columns cut every 8 from x = 0, rows every 4
        // from y = 0 — 6 × 8 blocks for the grid's offset, never one per glyph.
        assert!(keys.len() <= 6 * 8 && keys.len() >= 5 * 7, "{}", keys.len());
        assert_eq!(at(1.0, 1.0, Status::Ready), at(2.0, 1.0, Status::Ready));
        assert_ne!(at(1.0, 1.0, Status::Ready), at(1.0, 1.0, Status::Pending));
        assert_ne!(at(1.0, 1.0, Status::Ready), at(20.0, 1.0, Status::Ready));
        assert_ne!(at(1.0, 1.0, Status::Ready), at(1.0, 12.0, Status::Ready));
        // Every state has its own index.
        let idx: std::collections::HashSet<usize> =
            STATES.iter().map(|s| state_index(*s)).collect();
        assert_eq!(idx.len(), STATES.len());
    }

    fn copy_node() -> Node {
        Node {
            id: "u".into(),
            kind: scene::NodeKind::Pod,
            namespace: "default".into(),
            name: "p".into(),
            label: String::new(),
            detail: String::new(),
            status: Status::Neutral,
            badge: None,
            star: false,
            explain: String::new(),
            x: 0.0,
            y: 0.0,
            w: scene::GLYPH,
            h: scene::GLYPH,
            group: None,
        }
    }

    #[test]
    fn every_pod_state_has_its_own_mark() {
        let marks: std::collections::HashSet<&str> =
            POD_STATES.iter().map(|s| mark_of(*s)).collect();
        assert_eq!(marks.len(), POD_STATES.len());
        assert!(marks.iter().all(|m| m.starts_with('M')));
    }

    #[test]
    fn a_placed_mark_is_the_mark_moved_and_scaled() {
        // Identity: the same numbers back.
        assert_eq!(
            place_path("M3.6 8.4 6.8 11.4 12.6 4.8", 0.0, 0.0, 1.0),
            "M3.6 8.4 6.8 11.4 12.6 4.8"
        );
        assert_eq!(
            place_path(
                "M8 2a6 6 0 1 1 0 12a6 6 0 1 1 0-12M8 4.5V8l2.2 1.6",
                10.0,
                20.0,
                0.5
            ),
            "M14 21a3 3 0 1 1 0 6a3 3 0 1 1 0 -6M14 22.25V24l1.1 0.8"
        );
        assert_eq!(
            place_path("M8 1.5 15 14.5H1zM8 6v4M8 12v.6", 100.0, 0.0, 1.0),
            "M108 1.5 115 14.5H101zM108 6v4M108 12v0.6"
        );
        assert_eq!(
            place_path("M4 1.5h8M5 1.5c0 4 6 4 6 6.5s-6 2.5-6 6.5", 1.0, 1.0, 2.0),
            "M9 4h16M11 4c0 8 12 8 12 13s-12 5 -12 13"
        );
        // Every state's mark, at a glyph's place: as many numbers as before, all finite.
        for st in POD_STATES {
            let placed = mark_at(st, 40.0, 64.0);
            let count = |d: &str| {
                d.split(|c: char| c.is_ascii_alphabetic() || c == ' ')
                    .filter(|t| !t.is_empty())
                    .count()
            };
            assert!(count(&placed) >= count(mark_of(st)), "{st:?}: {placed}");
            assert!(
                !placed.contains("NaN") && !placed.contains("inf"),
                "{placed}"
            );
        }
    }
}
