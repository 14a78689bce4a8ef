#!/usr/bin/env bash
# Size of the page's release build with the standard library rebuilt by a pinned nightly
# (-Zbuild-std) and each of the size flags only that allows, one build per variant
# (BENCHMARKS.md, "Size, session 7"). Each variant is a full Trunk release build (the same
# wasm-bindgen and wasm-opt -Oz as `make dist`) into its own dist and target directory.
#
#   bash scripts/size-nightly.sh [VARIANT...]     (default: every variant below)
#
# Slow: every variant compiles the standard library and every dependency again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
NIGHTLY=${NIGHTLY:-nightly-2026-05-20}
OUT=${OUT:-target/size-nightly}

IA="-Zunstable-options -Cpanic=immediate-abort"
LOC="-Zlocation-detail=none"
FMT="-Zfmt-debug=none"
flags() {
  case "$1" in
    nightly) echo "" ;;
    std) echo "" ;;
    ia) echo "$IA" ;;
    loc) echo "$LOC" ;;
    fmt) echo "$FMT" ;;
    ia-loc | ofs) echo "$IA $LOC" ;;
    share) echo "$IA $LOC -Zshare-generics=y" ;;
    all) echo "$IA $LOC $FMT" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(nightly std ia loc fmt ia-loc all ofs share)
for v in "${variants[@]}"; do
  f=$(flags "$v")
  std=std,panic_abort
  [ "$v" = nightly ] && std=
  # The standard library's own size switch (smaller sorts, number formatting, …).
  features=
  [ "$v" = ofs ] && features=optimize_for_size
  echo "== $v: toolchain $NIGHTLY, build-std '${std}', build-std-features '$features', flags '$f'"
  start=$(date +%s)
  env RUSTUP_TOOLCHAIN="$NIGHTLY" ${std:+CARGO_UNSTABLE_BUILD_STD=$std} \
    ${features:+CARGO_UNSTABLE_BUILD_STD_FEATURES=$features} \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$f" CARGO_TARGET_DIR="$OUT/target-$v" \
    trunk build --release --offline --dist "$OUT/dist-$v" >"$OUT/build-$v.log" 2>&1 \
    || { echo "build failed: $OUT/build-$v.log" >&2; tail -20 "$OUT/build-$v.log" >&2; continue; }
  echo "built in $(( $(date +%s) - start )) s ($(uptime | sed 's/.*load/load/'))"
  node scripts/size.mjs "$OUT/dist-$v" | grep -E 'wasm|bundle'
done
