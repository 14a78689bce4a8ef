//! Entry point of the wasm binary that Trunk builds: mounts the app on `<body>`.

use wasm_bindgen::prelude::*;

fn main() {
    // The wasm is fetched, compiled and instantiated: startup marks, BENCHMARKS.md.
    orrery_web::bench::mark("orrery:wasm-started");
    // A panic in the page is a bug; this puts its message in the console instead of
    // "unreachable executed".
    console_error_panic_hook::set_once();
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
