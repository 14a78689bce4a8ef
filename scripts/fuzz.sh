#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ one after another (FUZZING.md), each for
# FUZZ_SECONDS (600 by default), one process (libFuzzer without -jobs), niced; a hang (one input > 10 s) is a failure.
# Before fuzzing a target it replays that target's kept findings (fuzz/regressions/TARGET),
# each under the same 10 s limit.
# Usage: scripts/fuzz.sh [TARGET...]   (default: manifest command_line session)
# Env: FUZZ_SECONDS, FUZZ_LOGS (directory for the logs; target/fuzz-logs).
# New inputs go to fuzz/corpus/TARGET (committed; `make fuzz-cmin` keeps it small);
# fuzz/corpus-raw/TARGET, if present, is read as extra seeds. A crash lands in
# fuzz/artifacts/TARGET and fails the command.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-600}
LOGS=${FUZZ_LOGS:-../target/fuzz-logs}
mkdir -p "$LOGS"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(manifest command_line session)
max_len() {
  case $1 in
    manifest) echo 16384 ;;
    command_line) echo 8192 ;;
    *) echo 4096 ;;
  esac
}
cargo +nightly fuzz build -O -s none >/dev/null
failed=""
for t in "${targets[@]}"; do
  # First the kept findings (fuzz/regressions/TARGET): each runs once, under the same
  # 10 s limit; a crash or a timeout there fails the command (the fuzzing still runs).
  if compgen -G "regressions/$t/*" >/dev/null; then
    echo "== replay fuzz/regressions/$t (log: $LOGS/$t-regressions.log)"
    if nice -n 10 "target/x86_64-unknown-linux-gnu/release/$t" -timeout=10 \
        regressions/"$t"/* >"$LOGS/$t-regressions.log" 2>&1; then
      echo "   $(grep -c '^Executed ' "$LOGS/$t-regressions.log") inputs, slowest $(grep -o 'in [0-9]* ms' "$LOGS/$t-regressions.log" | awk '{print $2}' | sort -n | tail -1) ms"
    else
      echo "   FAILED: see $LOGS/$t-regressions.log" >&2
      tail -20 "$LOGS/$t-regressions.log" >&2
      failed="$failed $t(regressions)"
    fi
  fi
  mkdir -p "corpus/$t"
  extra=()
  [ -d "corpus-raw/$t" ] && extra=("corpus-raw/$t")
  echo "== fuzz $t for ${SECONDS_EACH}s (log: $LOGS/$t.log)"
  if nice -n 10 cargo +nightly fuzz run -O -s none "$t" "corpus/$t" "${extra[@]}" -- \
      -max_total_time="$SECONDS_EACH" -timeout=10 -max_len="$(max_len "$t")" \
      -print_final_stats=1 >"$LOGS/$t.log" 2>&1; then
    echo "   $(grep -m1 'stat::number_of_executed_units' "$LOGS/$t.log" || echo 'no stats') — no crash, no hang"
  else
    echo "   FAILED: see $LOGS/$t.log and fuzz/artifacts/$t/" >&2
    tail -20 "$LOGS/$t.log" >&2
    failed="$failed $t"
  fi
done
[ -z "$failed" ] || { echo "fuzz: FAILED:$failed" >&2; exit 1; }
