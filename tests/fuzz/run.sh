#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [TARGET...]: builds the libFuzzer targets (clang-14, ASan and UBSan)
# in the sanitizer build folder build-asan/ (scripts/sanitize.sh --build; $GENC_ASAN_BUILD_DIR)
# and runs each TARGET (default: all) for SECONDS, one after the other. Seeds are copied from
# examples/, stdlib/ and tests/golden/, and for fuzz_gir and fuzz_checkpoint made with a genc
# ($GENC, else build/tools/genc/genc or BUILD's) when there is one; the corpus a target grows
# stays in BUILD/fuzz/corpus/TARGET for the next run. The dictionary is generated from the
# grammar and the op tables (make_dict.py). GENC_FUZZ_NO_BUILD=1 runs what is built.
# Exit status 1 when a target found a crash: the input is in BUILD/fuzz/crashes/TARGET/
# (replay: BUILD/tests/fuzz/TARGET FILE).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
build=${GENC_ASAN_BUILD_DIR:-build-asan}
runtime=${GENC_BUILD_RUNTIME:-ON}
if [ ${#targets[@]} -eq 0 ]; then
  targets=(fuzz_compile fuzz_gir)
  [ "$runtime" = ON ] && targets+=(fuzz_checkpoint)
fi
genc=${GENC:-build/tools/genc/genc}
[ -x "$genc" ] || genc=$build/tools/genc/genc
work=$build/fuzz

[ "${GENC_FUZZ_NO_BUILD:-0}" = 1 ] || scripts/sanitize.sh --build "${targets[@]}"

mkdir -p "$work"
python3 tests/fuzz/make_dict.py --out "$work/gen.dict" >/dev/null

# Fills $work/seeds/TARGET afresh from the sources (nothing is committed twice).
make_seeds() {
  local target=$1 dir=$work/seeds/$1
  rm -rf "$dir" && mkdir -p "$dir"
  case $target in
    fuzz_compile)
      find examples stdlib tests/golden -name '*.gen' | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done ;;
    fuzz_gir)
      find tests/golden -name '*.gir' | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr / _)"; done
      if [ -x "$genc" ]; then
        for f in examples/*.gen tests/golden/ir/*.gen tests/golden/plan/*.gen; do
          "$genc" compile --emit ir "$f" -o "$dir/$(echo "$f" | tr / _).gir" 2>/dev/null || true
        done
      else
        echo "run.sh: no $genc (set GENC): fuzz_gir seeds only from tests/golden/**/*.gir"
      fi ;;
    fuzz_checkpoint)
      if [ -x "$genc" ]; then
        # A tiny model with a checkpoint every step (tests/fuzz/tiny_checkpoint.gen).
        "$genc" run tests/fuzz/tiny_checkpoint.gen --out "$work/tiny_run" --seed 1 >/dev/null 2>&1 || true
        cp "$work"/tiny_run/checkpoints/step_0000000[1-3].pt "$work"/tiny_run/checkpoints/step_00000200.pt "$dir/" 2>/dev/null || true
        rm -rf "$work/tiny_run"
      fi
      [ -n "$(ls -A "$dir")" ] || echo "run.sh: no checkpoint seeds (needs a regular build's genc, set GENC)" ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  make_seeds "$target"
  mkdir -p "$work/corpus/$target" "$work/crashes/$target"
  log=$work/$target.log
  # Source texts: the language's dictionary, up to 16 KiB; checkpoints (34 KB seeds): up to 64 KiB.
  options=(-dict="$work/gen.dict" -max_len=16384)
  [ "$target" = fuzz_checkpoint ] && options=(-max_len=65536)
  echo "run.sh: $target for ${seconds}s (log $log)"
  # Leaks are not crashes here (LibTorch and ANTLR keep caches for the process's lifetime).
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/tests/fuzz/$target" "$work/corpus/$target" "$work/seeds/$target" \
    "${options[@]}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/$target/" >"$log" 2>&1 || status=1
  grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE|SUMMARY|ERROR' "$log" | tail -3 || true
done
if [ $status -ne 0 ]; then
  echo "run.sh: crashes found:"
  ls "$work"/crashes/*/
fi
exit $status
