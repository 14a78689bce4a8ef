//! Entry point of the wasm binary that Trunk builds: mounts the app on `<body>`.

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
    orrery_web::bench::mark_first_render();
}
