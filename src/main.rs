//! Entry point of the wasm binary that Trunk builds: mounts the app on `<body>`.

use wasm_bindgen::prelude::*;

fn main() {
    // The wasm is fetched, compiled and instantiated: startup marks, BENCHMARKS.md.
    orrery_web::bench::mark("orrery:wasm-started");
    // A panic in the page is a bug; this puts its message in the console instead of
    // "unreachable executed". The release build has no panic machinery at all (a panic
    // is a trap there: `-Cpanic=immediate-abort`, Makefile), so the hook is left out of
    // it; debug builds and the browser tests keep it.
    #[cfg(any(panic = "abort", panic = "unwind"))]
    console_error_panic_hook::set_once();
    // Either way a bug ends in a trap; the learner is told so on the page.
    install_crash_notice();
    // `?bench` mounts the benchmark harness instead (src/bench.rs, BENCHMARKS.md).
    if orrery_web::bench::mount_if_requested() {
        return;
    }
    leptos::mount::mount_to_body(orrery_web::App);
    settle_boot_animations();
    orrery_web::bench::mark_first_render();
}

#[wasm_bindgen]
extern "C" {
    /// `document.getAnimations()`: every running CSS animation and transition (it
    /// computes the page's style first, which its first frame would do anyway).
    #[wasm_bindgen(js_namespace = document, js_name = getAnimations, catch)]
    fn document_animations() -> Result<js_sys::Array, JsValue>;

    type CssAnimation;
    #[wasm_bindgen(method, getter, js_name = animationName)]
    fn animation_name(this: &CssAnimation) -> Option<String>;
    #[wasm_bindgen(method, catch)]
    fn finish(this: &CssAnimation) -> Result<(), JsValue>;
}

/// The objects on the canvas when the page opens are drawn where they are, not grown in:
/// their `grow` animations (canvas.css: what appears grows from a third of its size) are
/// finished before the first frame. Nothing has *happened* yet for the learner to watch,
/// and the grow costs the first frames most of their time: a `scale` animated on an SVG
/// group makes the browser lay its text out again each frame with a font of a new size,
/// each new size a font look-up in the browser process (BENCHMARKS.md, "First render,
/// session 5"). Objects that appear later grow in as before: their animations start
/// after this.
fn settle_boot_animations() {
    let Ok(animations) = document_animations() else {
        return;
    };
    for a in animations.iter() {
        let a: CssAnimation = a.unchecked_into();
        if a.animation_name().as_deref() == Some("grow") {
            let _ = a.finish();
        }
    }
}

/// A bug in the page — a panic, or any other trap of the wasm (out of memory, an
/// out-of-bounds access) — ends the running wasm call with a `WebAssembly.RuntimeError`,
/// whatever called it: an event handler, a timer, an animation frame or a future. The
/// browser reports the exception on `window` (an `error` event, or `unhandledrejection`
/// from a promise callback), where this listener shows the learner, in the notice bar at
/// the top of the page, that Orrery stopped and that what they typed is still there (the
/// DOM outlives the trap: the editor and the console keep their text) and saved (the
/// autosave runs on every command and once a second, src/reach.rs).
///
/// The listener runs in the wasm that trapped, so it touches no state the trap may have
/// left half-changed (signals, `RefCell`s): it only reads the language, builds a few DOM
/// nodes and allocates nothing in Rust. Everything it needs is made here, at start.
fn install_crash_notice() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let embed = orrery_web::embed::parse_query(&orrery_web::persist::query()).embed;
    let reload = Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let reload: js_sys::Function = reload.into_js_value().unchecked_into();
    let count = (!embed).then(CrashCounter::new).flatten();
    let on_error = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        // `ErrorEvent.error`, or `PromiseRejectionEvent.reason`.
        let thrown = ["error", "reason"]
            .into_iter()
            .filter_map(|k| js_sys::Reflect::get(&event, &JsValue::from_str(k)).ok())
            .find(|v| !v.is_undefined());
        if thrown.is_some_and(|e| e.is_instance_of::<js_sys::WebAssembly::RuntimeError>()) {
            if let Some(c) = &count {
                c.add_one();
            }
            show_crash_notice(embed, &reload);
        }
    });
    let f: &js_sys::Function = on_error.as_ref().unchecked_ref();
    let _ = window.add_event_listener_with_callback("error", f);
    let _ = window.add_event_listener_with_callback("unhandledrejection", f);
    on_error.forget();
}

/// Counts a trap in `localStorage` (`persist::CRASH_KEY`; src/reach.rs does not reopen a
/// session that stopped the page twice in a row). Made at start, it runs after a trap
/// with JS values only (`localStorage.getItem` / `setItem`), no Rust allocation. Embeds
/// do not count (they never reopen a saved session).
struct CrashCounter {
    storage: JsValue,
    key: JsValue,
    get: js_sys::Function,
    set: js_sys::Function,
}

impl CrashCounter {
    fn new() -> Option<CrashCounter> {
        let storage: JsValue = web_sys::window()?.local_storage().ok()??.into();
        let method = |name: &str| -> Option<js_sys::Function> {
            js_sys::Reflect::get(&storage, &JsValue::from_str(name))
                .ok()?
                .dyn_into()
                .ok()
        };
        Some(CrashCounter {
            get: method("getItem")?,
            set: method("setItem")?,
            key: JsValue::from_str(orrery_web::persist::CRASH_KEY),
            storage,
        })
    }

    fn add_one(&self) {
        // Only "none, one, more" matters (a third opening is refused after two traps), so
        // the count stops at 2 and nothing is parsed here.
        let Ok(old) = self.get.call1(&self.storage, &self.key) else {
            return;
        };
        let n = if old.is_null() { 1.0 } else { 2.0 };
        let _ = self
            .set
            .call2(&self.storage, &self.key, &JsValue::from_f64(n));
    }
}

/// The notice, once, in the same bar and look as the page's other error notices
/// (src/reach.rs), above them.
fn show_crash_notice(embed: bool, reload: &js_sys::Function) {
    use orrery_web::i18n::{tr, T};
    use std::sync::atomic::{AtomicBool, Ordering};
    static SHOWN: AtomicBool = AtomicBool::new(false);
    if SHOWN.swap(true, Ordering::Relaxed) {
        return;
    }
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let el = |tag: &str, class: &str| -> Option<web_sys::HtmlElement> {
        let e = doc.create_element(tag).ok()?;
        e.set_class_name(class);
        e.dyn_into().ok()
    };
    let (Some(bar), Some(notice), Some(text), Some(button), Some(body)) = (
        el("div", "reach-notices"),
        el("div", "reach-notice error"),
        el("span", "reach-notice-text"),
        el("button", "link"),
        doc.body(),
    ) else {
        return;
    };
    // Above the page's own notice bar (z-index 40, style/reach.css), which may be stuck
    // showing an older notice. The CSSOM, not a style attribute: the page's
    // Content-Security-Policy allows no inline styles.
    let _ = bar.style().set_property("z-index", "50");
    let _ = notice.set_attribute("role", "alert");
    let _ = notice.set_attribute("data-testid", "crash-notice");
    let message = if embed {
        T::CrashStoppedEmbed
    } else {
        T::CrashStopped
    };
    text.set_text_content(Some(tr(message)));
    let _ = button.set_attribute("type", "button");
    let _ = button.set_attribute("data-testid", "crash-reload");
    button.set_text_content(Some(tr(T::CrashReload)));
    button.set_onclick(Some(reload));
    let _ = notice.append_child(&text);
    let _ = notice.append_child(&button);
    let _ = bar.append_child(&notice);
    let _ = body.append_child(&bar);
}

// A bug on purpose, for the end-to-end test of the notice above (tests/e2e/crash.test.mjs):
// `wasmBindings.orrery_test_trap(entry)` panics in a Rust callback that the browser calls
// — `"timer"` (setTimeout), `"frame"` (requestAnimationFrame), `"event"` (a listener
// for the `orrery-test-trap` event on `document`, which the test then dispatches),
// `"task"` (a future, as the page's async work runs) — as a bug would.
// (Plain comments: wasm-bindgen copies a doc comment into the shipped JS.)
#[wasm_bindgen]
pub fn orrery_test_trap(entry: &str) {
    fn bug() {
        panic!("orrery_test_trap: a bug on purpose");
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    match entry {
        "timer" => {
            let f = Closure::once_into_js(bug);
            let _ = window.set_timeout_with_callback(f.unchecked_ref());
        }
        "frame" => {
            let f = Closure::once_into_js(|_: f64| bug());
            let _ = window.request_animation_frame(f.unchecked_ref());
        }
        "event" => {
            // The test dispatches the event, as the browser dispatches a click.
            let Some(doc) = window.document() else {
                return;
            };
            let f = Closure::once_into_js(|_: web_sys::Event| bug());
            let _ = doc.add_event_listener_with_callback("orrery-test-trap", f.unchecked_ref());
        }
        _ => wasm_bindgen_futures::spawn_local(async { bug() }),
    }
}
