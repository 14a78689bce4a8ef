#!/usr/bin/env bash
# How much of the bundle the simulator alone costs: builds a wasm that contains only the
# `orrery` crate's entry points the page uses (a Timeline, one command line, the scene),
# with the release profile's size settings, wasm-bindgen and `wasm-opt -Oz` as Trunk runs
# them, and prints its raw / gzip / brotli size. BENCHMARKS.md, "Size: what stands in
# the way of 300 KB". Takes a few minutes (a separate target directory).
#
#   bash scripts/size-sim.sh            # needs the tools `make tools` installs
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=$ROOT/target/size-sim
mkdir -p "$DIR/src"
WB=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")
cat > "$DIR/Cargo.toml" <<TOML
[package]
name = "size-sim"
version = "0.0.0"
edition = "2021"
publish = false
[lib]
crate-type = ["cdylib"]
[dependencies]
orrery = { path = "$ROOT/crates/orrery" }
wasm-bindgen = "=$WB"
[profile.release]
opt-level = "z"
lto = true
codegen-units = 1
panic = "abort"
strip = "debuginfo"
[workspace]
TOML
cat > "$DIR/src/lib.rs" <<'RS'
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
thread_local!(static T: RefCell<Option<orrery::timeline::Timeline>> = const { RefCell::new(None) });
/// Runs one command line and returns its output and the number of nodes drawn.
#[wasm_bindgen]
pub fn run(line: &str, stdin: Option<String>) -> String {
    T.with(|t| {
        let mut t = t.borrow_mut();
        let tl = t.get_or_insert_with(|| orrery::timeline::Timeline::new(orrery::shell::Session::new(1)));
        let out = tl.exec(line, stdin.as_deref());
        format!("{}{}", out.text, orrery::scene::build(&tl.session.sim).nodes.len())
    })
}
RS
cd "$DIR"
cp "$ROOT/Cargo.lock" Cargo.lock
CARGO_TARGET_DIR="$DIR/target" cargo build --quiet --offline --release --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir out target/wasm32-unknown-unknown/release/size_sim.wasm
PATH="$ROOT/node_modules/.bin:$PATH" wasm-opt -Oz out/size_sim_bg.wasm -o out/opt.wasm
node "$ROOT/scripts/size.mjs" out | grep -E '^(file|opt\.wasm)'
