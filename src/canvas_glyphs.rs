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
//! What a glyph shows is painted, not built: the group's glyphs are a picture on a
//! `<canvas>` under the pods' elements ([`Paint`]), a sprite per state copied into each
//! glyph's cell, only where a cell changed. A pod's own element is a `<rect>` over its
//! box, with no fill: the hit area, the focus and selection ring, and the pod's identity
//! — `data-testid`, `data-uid`, `data-name`, `data-namespace`, `data-status`, a role,
//! `aria-pressed` and a `<title>` (its accessible name and tooltip) — so the inspector,
//! the keyboard, a screen reader and the tests see a pod as before. Its class changes
//! only with the selection. A pod changing state then repaints one cell of a bitmap and
//! restyles nothing (as SVG paths per state, a busy instant's draw cost ~15 ms of style,
//! layout and paint at 1,000 pods: BENCHMARKS.md, "Session 17").
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
}

/// Every state a node can be in (a sprite each).
const STATES: [Status; 12] = Status::ALL;

fn state_index(s: Status) -> usize {
    STATES
        .iter()
        .position(|t| *t == s)
        .unwrap_or(STATES.len() - 1)
}

/// What a group has on the page.
#[derive(Default)]
struct Glyphs {
    slots: Vec<Drawn>,
    /// The group's picture (made at its first draw).
    paint: Option<Paint>,
}

#[component]
pub fn GlyphGroup(data: ArcRwSignal<GroupData>, zoom: RwSignal<f64>) -> impl IntoView {
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
        // The picture is painted again at a new zoom (its pixels follow the screen's)
        // and in a new theme (its colours are the style sheet's).
        let look = Look {
            zoom: zoom.get(),
            theme: crate::theme::epoch(),
        };
        data.with(|d| {
            drawn.update_value(|drawn| draw(&g, d, selected.as_deref(), look, drawn));
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
fn draw(
    g: &web_sys::Element,
    d: &GroupData,
    selected: Option<&str>,
    look: Look,
    glyphs: &mut Glyphs,
) {
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
    for (i, n) in nodes.iter().enumerate() {
        let sel = selected == Some(n.id.as_str());
        match drawn.get_mut(i) {
            Some(old) => {
                if old.node != *n || old.lang != d.lang || old.selected != sel {
                    apply(old, i, false, n, d.lang, sel, &mut batch);
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
    if glyphs.paint.is_none() {
        glyphs.paint = Paint::new(g, &document);
    }
    if let Some(paint) = &mut glyphs.paint {
        paint.draw(&document, nodes.iter().map(Cell::of).collect(), look);
    }
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
    })
}

/// Writes the attributes that differ between what `d` shows and `n` (all when `fresh`),
/// through `batch`; `slot` is the glyph's place in the group. (Its look is painted on
/// the group's canvas, [`Paint`], from the node's place and state.)
fn apply(
    d: &mut Drawn,
    slot: usize,
    fresh: bool,
    n: &Node,
    lang: Lang,
    selected: bool,
    batch: &mut Batch,
) {
    let old = (!fresh).then_some(&d.node);
    let same_status = old.is_some_and(|o| o.status == n.status);
    // The class says only what the rect itself shows: the selection ring. The state is
    // painted on the group's canvas, so a change of state restyles nothing here.
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
}

/// The grid a glyph is drawn on (canvas units): every glyph's corner at a multiple of it,
/// so a group's rects and its painted glyphs share whole pixels at 100 % (and the
/// glyphs of one group all move by the same amount, at most half of it: it divides both
/// the glyph's side and the grid's pitch).
pub const SNAP: f32 = 4.0;

/// `v` on the [`SNAP`] grid (the nearest multiple).
pub fn snap(v: f32) -> f32 {
    (v / SNAP).round() * SNAP
}

/// The corner radius of a glyph's box (as the rect's `rx`).
const BOX_RX: f64 = 4.0;

/// A glyph's mark for each state: one path in a 16-unit box, stroked, the same idea as
/// the state's icon (`canvas::SYMBOLS`).
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

/// The border of a glyph in each state, as a canvas line dash (canvas units; empty:
/// solid): dashes while pending, dots while the containers are created, dash and dot
/// while terminating — as the named pods' boxes, at the glyph's size, so the state
/// reads without colour. Dots and the dash-dot's dot are zero-length dashes with round
/// caps.
pub fn dash_of(status: scene::Status) -> (&'static [f64], bool) {
    use scene::Status::*;
    match status {
        Pending => (&[3.0, 2.0], false),
        Creating => (&[0.0, 3.0], true),
        Terminating => (&[4.0, 2.5, 0.0, 2.5], true),
        _ => (&[], false),
    }
}

/// The inset of a glyph's mark in its box, and the mark's scale (its 16-unit box drawn
/// in `GLYPH - 2 × inset` units).
const MARK_INSET: f64 = 3.0;
const MARK_SCALE: f64 = (scene::GLYPH as f64 - 2.0 * MARK_INSET) / 16.0;

/// A glyph's cell: its place in the group's picture and its state. The picture is
/// painted in cells of one pitch (the glyph and half the gap around it), so a glyph is
/// cleared and painted again without touching its neighbours.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Cell {
    /// The glyph's corner on the canvas's grid (canvas units, snapped).
    x: i32,
    y: i32,
    state: usize,
}

impl Cell {
    fn of(n: &Node) -> Cell {
        Cell {
            x: snap(n.x) as i32,
            y: snap(n.y) as i32,
            state: state_index(n.status),
        }
    }
}

/// Half the gap between glyphs: a cell reaches this far beyond its glyph's box (a
/// border is at most 3.2 units wide, half of it outside the box).
const MARGIN: i32 = (scene::GLYPH_GAP / 2.0) as i32;
/// A cell's side (canvas units).
const CELL: i32 = scene::GLYPH as i32 + 2 * MARGIN;
/// The picture grows by this many rows at a time, so that a group that grows is not
/// given a new bitmap (and painted whole) at every row.
const ROWS_AT_A_TIME: i32 = 8;
/// The most pixels a group's bitmap may have (64 MB at four bytes a pixel would be too
/// many for a phone): beyond, the picture is drawn at a lower resolution.
const MAX_PIXELS: f64 = 8_000_000.0;

/// What the picture depends on besides the glyphs: the canvas's zoom and the theme.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Look {
    zoom: f64,
    theme: u32,
}

/// What a group's picture is painted with for one state, read from the style sheet
/// (canvas.css: `.node.glyph.STATE .box` and `.mark`), so the themes and the named pods'
/// colours are defined once.
#[derive(Clone, Debug, Default, PartialEq)]
struct Ink {
    fill: String,
    stroke: String,
    width: f64,
    mark_width: f64,
    alpha: f64,
}

/// The group's glyphs as a picture: a `<canvas>` in a `<foreignObject>` under the pods'
/// rects (which stay the hit areas, rings, accessible names and test ids). Each state's
/// glyph is painted once into a sprite, and a glyph is a copy of its state's sprite
/// into its cell; a change of state clears and copies one cell. (As SVG — a path of
/// boxes and one of marks per state and block — a busy instant's draw cost 15 ms of
/// style, layout and paint at 1,000 pods and made one frame in nine late; with those
/// paths hidden, one in fifty: BENCHMARKS.md, "Session 17".)
struct Paint {
    holder: web_sys::Element,
    canvas: web_sys::HtmlCanvasElement,
    ctx: web_sys::CanvasRenderingContext2d,
    /// A hidden `<g class="node pod glyph STATE">` with a box and a mark per state, whose
    /// computed style is the state's [`Ink`].
    probes: web_sys::Element,
    /// The picture's corner (canvas units) and size in cells.
    origin: (i32, i32),
    size: (i32, i32),
    /// Device pixels per canvas unit.
    scale: f64,
    look: Option<Look>,
    sprites: Vec<Option<web_sys::HtmlCanvasElement>>,
    /// What each slot shows on the picture now (cells in the picture's own units).
    shown: Vec<Cell>,
}

const XHTML: &str = "http://www.w3.org/1999/xhtml";

impl Paint {
    /// The picture of group `g`, first in the group (under its rects).
    fn new(g: &web_sys::Element, document: &web_sys::Document) -> Option<Paint> {
        let holder = document
            .create_element_ns(Some(SVG), "foreignObject")
            .ok()?;
        let _ = holder.set_attribute("class", "glyph-paint");
        let _ = holder.set_attribute("aria-hidden", "true");
        let (canvas, ctx) = new_canvas(document)?;
        let _ = holder.append_child(&canvas);
        let probes = document.create_element_ns(Some(SVG), "g").ok()?;
        let _ = probes.set_attribute("class", "glyph-probes");
        let _ = probes.set_attribute("aria-hidden", "true");
        for s in STATES {
            let one = document.create_element_ns(Some(SVG), "g").ok()?;
            let _ = one.set_attribute("class", &format!("node pod glyph {}", s.css()));
            for class in ["box", "icon mark"] {
                let p = document.create_element_ns(Some(SVG), "path").ok()?;
                let _ = p.set_attribute("class", class);
                let _ = one.append_child(&p);
            }
            let _ = probes.append_child(&one);
        }
        let _ = g.prepend_with_node_2(&holder, &probes);
        Some(Paint {
            holder,
            canvas,
            ctx,
            probes,
            origin: (0, 0),
            size: (0, 0),
            scale: 1.0,
            look: None,
            sprites: Vec::new(),
            shown: Vec::new(),
        })
    }

    /// Brings the picture to `want` (slot `i` shows glyph `want[i]`): the cells that
    /// changed are cleared and painted again; all of them when the bitmap or its look
    /// changed. A group that moves as a whole moves the picture, not its pixels.
    fn draw(&mut self, document: &web_sys::Document, mut want: Vec<Cell>, look: Look) {
        let (origin, size) = frame(&want);
        if origin != self.origin {
            let _ = self.holder.set_attribute("x", &origin.0.to_string());
            let _ = self.holder.set_attribute("y", &origin.1.to_string());
            self.origin = origin;
        }
        // Into the picture's own units, in place.
        for c in &mut want {
            c.x -= MARGIN + origin.0;
            c.y -= MARGIN + origin.1;
        }
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let scale = scale_for(look.zoom * dpr, size);
        let mut whole = false;
        if size != self.size || scale != self.scale {
            let (w, h) = (size.0 * CELL, size.1 * CELL);
            let _ = self.holder.set_attribute("width", &w.to_string());
            let _ = self.holder.set_attribute("height", &h.to_string());
            // A new size clears the bitmap.
            self.canvas.set_width(px(w, scale) as u32);
            self.canvas.set_height(px(h, scale) as u32);
            self.size = size;
            whole = true;
        }
        if self.look != Some(look) || scale != self.scale || self.sprites.is_empty() {
            self.scale = scale;
            self.look = Some(look);
            self.sprites = self.sprites(document);
            whole = true;
        }
        let (clear, paint) = if whole {
            self.ctx.clear_rect(
                0.0,
                0.0,
                f64::from(self.canvas.width()),
                f64::from(self.canvas.height()),
            );
            (Vec::new(), (0..want.len()).collect())
        } else {
            changes(&self.shown, &want)
        };
        for c in clear {
            let (x0, y0) = (px(c.x, scale), px(c.y, scale));
            let (x1, y1) = (px(c.x + CELL, scale), px(c.y + CELL, scale));
            self.ctx.clear_rect(x0, y0, x1 - x0, y1 - y0);
        }
        for i in paint {
            let c = want[i];
            if let Some(Some(sprite)) = self.sprites.get(c.state) {
                let _ = self.ctx.draw_image_with_html_canvas_element(
                    sprite,
                    px(c.x, scale),
                    px(c.y, scale),
                );
            }
        }
        self.shown = want;
    }

    /// Each state's glyph painted once, at the picture's scale, in the style sheet's
    /// colours (read now: after a change of theme they are the new theme's).
    fn sprites(&self, document: &web_sys::Document) -> Vec<Option<web_sys::HtmlCanvasElement>> {
        let Some(window) = web_sys::window() else {
            return Vec::new();
        };
        let side = px(CELL, self.scale).ceil().max(1.0);
        let probes = self.probes.children();
        STATES
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let probe = probes.item(i as u32)?;
                let ink = ink_of(&window, &probe)?;
                let (sprite, ctx) = new_canvas(document)?;
                sprite.set_width(side as u32);
                sprite.set_height(side as u32);
                paint_glyph(&ctx, *s, &ink, self.scale);
                Some(sprite)
            })
            .collect()
    }
}

/// A new `<canvas>` and its 2D context.
fn new_canvas(
    document: &web_sys::Document,
) -> Option<(
    web_sys::HtmlCanvasElement,
    web_sys::CanvasRenderingContext2d,
)> {
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element_ns(Some(XHTML), "canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    let ctx = canvas.get_context("2d").ok().flatten()?.dyn_into().ok()?;
    Some((canvas, ctx))
}

/// The state's ink, from its probe's computed style: the box's fill, stroke and width,
/// the mark's width, the group's opacity. A border painted by a pattern has no colour
/// of its own; the mark's (the state's colour) is used.
fn ink_of(window: &web_sys::Window, probe: &web_sys::Element) -> Option<Ink> {
    let style = |e: &web_sys::Element| window.get_computed_style(e).ok().flatten();
    let (g, bx, mark) = (
        style(probe)?,
        style(&probe.first_element_child()?)?,
        style(&probe.last_element_child()?)?,
    );
    let get =
        |s: &web_sys::CssStyleDeclaration, k: &str| s.get_property_value(k).unwrap_or_default();
    let num = |v: String| v.trim_end_matches("px").trim().parse::<f64>().ok();
    let mark_colour = get(&mark, "stroke");
    let stroke = get(&bx, "stroke");
    Some(Ink {
        fill: get(&bx, "fill"),
        stroke: if stroke.starts_with("url(") || stroke == "none" {
            mark_colour
        } else {
            stroke
        },
        width: num(get(&bx, "stroke-width")).unwrap_or(1.4),
        mark_width: num(get(&mark, "stroke-width")).unwrap_or(1.75),
        alpha: num(get(&g, "opacity")).unwrap_or(1.0),
    })
}

/// One glyph of state `s` into a sprite (its cell, at `scale` pixels a unit): the box
/// filled and bordered (dashed as [`dash_of`] says), the state's mark stroked in it.
fn paint_glyph(ctx: &web_sys::CanvasRenderingContext2d, s: Status, ink: &Ink, scale: f64) {
    let _ = ctx.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);
    ctx.set_global_alpha(ink.alpha);
    let m = f64::from(MARGIN);
    let side = f64::from(scene::GLYPH);
    ctx.begin_path();
    let _ = ctx.round_rect_with_f64(m, m, side, side, BOX_RX);
    if !ink.fill.is_empty() && ink.fill != "none" {
        ctx.set_fill_style_str(&ink.fill);
        ctx.fill();
    }
    let (dash, round) = dash_of(s);
    let segments: js_sys::Array = dash
        .iter()
        .map(|d| wasm_bindgen::JsValue::from_f64(*d))
        .collect();
    let _ = ctx.set_line_dash(&segments);
    ctx.set_line_cap(if round { "round" } else { "butt" });
    ctx.set_line_width(ink.width);
    ctx.set_stroke_style_str(&ink.stroke);
    ctx.stroke();
    let mark = mark_of(s);
    if mark.is_empty() {
        return;
    }
    let Ok(path) = web_sys::Path2d::new_with_path_string(mark) else {
        return;
    };
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    let k = scale * MARK_SCALE;
    let _ = ctx.set_transform(
        k,
        0.0,
        0.0,
        k,
        scale * (m + MARK_INSET),
        scale * (m + MARK_INSET),
    );
    ctx.set_line_cap("round");
    ctx.set_line_join("round");
    ctx.set_line_width(ink.mark_width / MARK_SCALE);
    ctx.stroke_with_path(&path);
}

/// `units` canvas units in device pixels at `scale`, rounded: the edges of neighbouring
/// cells fall on the same pixel.
fn px(units: i32, scale: f64) -> f64 {
    (f64::from(units) * scale).round()
}

/// The pixels per canvas unit a picture of `size` cells is drawn at: the screen's
/// (`wanted`, the zoom times the device's pixel ratio), unless the bitmap would have
/// more than [`MAX_PIXELS`].
fn scale_for(wanted: f64, size: (i32, i32)) -> f64 {
    let units = f64::from(size.0 * CELL) * f64::from(size.1 * CELL);
    let most = (MAX_PIXELS / units.max(1.0)).sqrt();
    wanted.min(most).max(0.05)
}

/// The picture's corner (canvas units) and its size in cells for glyphs `want`: from the
/// first glyph's cell to the last's, its rows rounded up to [`ROWS_AT_A_TIME`].
fn frame(want: &[Cell]) -> ((i32, i32), (i32, i32)) {
    let (Some(x0), Some(y0)) = (
        want.iter().map(|c| c.x).min(),
        want.iter().map(|c| c.y).min(),
    ) else {
        return ((0, 0), (0, 0));
    };
    let (x1, y1) = (
        want.iter().map(|c| c.x).max().unwrap_or(x0),
        want.iter().map(|c| c.y).max().unwrap_or(y0),
    );
    let pitch = scene::GLYPH as i32 + scene::GLYPH_GAP as i32;
    let cols = (x1 - x0) / pitch + 1;
    let rows = (y1 - y0) / pitch + 1;
    let rows = (rows + ROWS_AT_A_TIME - 1) / ROWS_AT_A_TIME * ROWS_AT_A_TIME;
    ((x0 - MARGIN, y0 - MARGIN), (cols, rows))
}

/// What to clear (the cells shown that are no longer shown as they were) and what to
/// paint (the slots of `want` not shown as wanted) to bring a picture from `shown` to
/// `want`: all the clearing first, then the painting, so a glyph painted where another
/// was is not cleared after.
fn changes(shown: &[Cell], want: &[Cell]) -> (Vec<Cell>, Vec<usize>) {
    let mut clear = Vec::new();
    let mut paint = Vec::new();
    for i in 0..shown.len().max(want.len()) {
        match (shown.get(i), want.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                clear.extend(a.copied());
                if b.is_some() {
                    paint.push(i);
                }
            }
        }
    }
    (clear, paint)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn every_pod_state_has_its_own_mark() {
        let marks: std::collections::HashSet<&str> =
            POD_STATES.iter().map(|s| mark_of(*s)).collect();
        assert_eq!(marks.len(), POD_STATES.len());
        assert!(marks.iter().all(|m| m.starts_with('M')));
    }

    /// The border of each state reads without colour: pending, creating and terminating
    /// have dashes of their own, the others are solid; and canvas.css no longer paints a
    /// glyph's border with a pattern or a dash array (the picture does).
    #[test]
    fn each_moving_state_has_a_border_of_its_own() {
        let dashes: std::collections::HashSet<String> = POD_STATES
            .iter()
            .map(|s| format!("{:?}", dash_of(*s)))
            .collect();
        assert_eq!(dashes.len(), 4, "three dashed borders and the solid one");
        for s in [
            Status::Ready,
            Status::Running,
            Status::Failed,
            Status::Succeeded,
        ] {
            assert!(dash_of(s).0.is_empty(), "{s:?} is solid");
        }
        let css = include_str!("../style/canvas.css");
        for (i, _) in css.match_indices(".node.glyph") {
            let rule = &css[i..i + css[i..].find('}').unwrap()];
            assert!(!rule.contains("url(#"), "{rule}");
            if let Some(d) = rule.split("stroke-dasharray:").nth(1) {
                assert!(d.trim_start().starts_with("none"), "{rule}");
            }
        }
    }

    fn cell(x: i32, y: i32, state: usize) -> Cell {
        Cell { x, y, state }
    }

    /// Bringing a picture from one set of glyphs to another clears what changed or went
    /// and paints what changed or came, and nothing else.
    #[test]
    fn only_the_cells_that_changed_are_cleared_and_painted() {
        let shown = [cell(0, 0, 1), cell(24, 0, 1), cell(48, 0, 2)];
        let (clear, paint) = changes(&shown, &shown);
        assert!(clear.is_empty() && paint.is_empty());
        // One changes state, one comes.
        let want = [
            cell(0, 0, 1),
            cell(24, 0, 3),
            cell(48, 0, 2),
            cell(72, 0, 0),
        ];
        let (clear, paint) = changes(&shown, &want);
        assert_eq!(clear, [cell(24, 0, 1)]);
        assert_eq!(paint, [1, 3]);
        // Two go.
        let (clear, paint) = changes(&shown, &shown[..1]);
        assert_eq!(clear, [cell(24, 0, 1), cell(48, 0, 2)]);
        assert!(paint.is_empty());
        // Slots that swap places: both cleared first, then both painted.
        let want = [cell(24, 0, 1), cell(0, 0, 1), cell(48, 0, 2)];
        let (clear, paint) = changes(&shown, &want);
        assert_eq!(clear, [cell(0, 0, 1), cell(24, 0, 1)]);
        assert_eq!(paint, [0, 1]);
    }

    /// The picture covers every glyph's cell, starts half a gap before the first glyph,
    /// and grows by eight rows at a time.
    #[test]
    fn the_picture_frames_its_glyphs_and_grows_by_rows() {
        let pitch = (scene::GLYPH + scene::GLYPH_GAP) as i32;
        assert_eq!(CELL, pitch, "cells tile the grid without gaps or overlaps");
        let grid = |n: i32| -> Vec<Cell> {
            (0..n)
                .map(|i| cell(40 + (i % 40) * pitch, 200 + (i / 40) * pitch, 0))
                .collect()
        };
        assert_eq!(frame(&[]), ((0, 0), (0, 0)));
        assert_eq!(frame(&grid(25)), ((38, 198), (25, 8)));
        assert_eq!(frame(&grid(40 * 8)), ((38, 198), (40, 8)));
        assert_eq!(frame(&grid(40 * 8 + 1)), ((38, 198), (40, 16)));
        // Every cell inside the picture.
        let g = grid(1000);
        let ((ox, oy), (cols, rows)) = frame(&g);
        for c in &g {
            let (x, y) = (c.x - MARGIN - ox, c.y - MARGIN - oy);
            assert!(x >= 0 && y >= 0 && x + CELL <= cols * CELL && y + CELL <= rows * CELL);
        }
    }

    /// Neighbouring cells meet on one pixel at any scale (a cleared cell never clears a
    /// column of its neighbour, nor leaves one of its own), and a bitmap never has more
    /// than `MAX_PIXELS`.
    #[test]
    fn cells_meet_on_whole_pixels_and_bitmaps_stay_bounded() {
        for scale in [0.2, 0.5, 0.8, 1.0, 1.25, 1.5625, 2.0, 3.0, 6.0] {
            for k in 0..50 {
                let (a, b) = (k * CELL, (k + 1) * CELL);
                assert_eq!(px(a + CELL, scale), px(b, scale), "{scale} {k}");
            }
        }
        assert_eq!(scale_for(2.0, (40, 32)), 2.0);
        for rows in [8, 128, 1_256, 5_000] {
            let s = scale_for(6.0, (40, rows));
            let pixels = px(40 * CELL, s) * px(rows * CELL, s);
            assert!(pixels <= MAX_PIXELS * 1.01, "{rows}: {pixels}");
        }
    }
}
