#!/usr/bin/env bash
# Times `genc compile --emit ir-opt` of every example (best of N runs) and prints a table.
#   bench/compile_times.sh [path/to/genc] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
genc=${1:-build/tools/genc/genc}
runs=${2:-5}
[ -x "$genc" ] || { echo "no genc at $genc (build it first, or pass its path)" >&2; exit 1; }

printf '%-28s %10s %10s %8s\n' example "best ms" "median ms" "IR lines"
for f in examples/*.gen; do
  times=()
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$genc" compile "$f" --emit ir-opt >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  lines=$("$genc" compile "$f" --emit ir-opt | wc -l)
  awk -v n="$(basename "$f")" -v best="${sorted[0]}" -v med="${sorted[$((runs / 2))]}" -v l="$lines" \
    'BEGIN { printf "%-28s %10.1f %10.1f %8d\n", n, best / 1000, med / 1000, l }'
done
