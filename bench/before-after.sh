#!/usr/bin/env bash
# Before/after: the published driver-tool (A) against an earlier build of it (B, the argument),
# every case interleaved A B A B … through ratios-run, PAIRS pairs after a warm-up, same trees and
# tools for both; wall and CPU as the median of the per-pair ratios A/B (below 1.00× is faster).
# A ratio within about ±5% is noise on a shared machine. Writes build/bench/before-after.md.
# Usage: bench/before-after.sh OLD-DRIVER-TOOL   (after make publish fixture floor)
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "${1:?usage: bench/before-after.sh OLD-DRIVER-TOOL}")
BIN=build/obj/driver-tool
FIXTURE=fixtures/Dmv.Fixtures/bin/Release/net10.0/dmv-fixture.dll
OUT=build/bench
PAIRS=${PAIRS:-30}
RUN=build/bench/floor/ratios-run
mkdir -p "$OUT/strace" "$OUT/ratios"
for tool in "$RUN" "$BIN" "$OLD"; do
  [ -x "$tool" ] || { echo "before-after: $tool is missing; run make publish fixture floor" >&2; exit 1; }
done

source bench/pairs-lib.sh

# case name label "A command": the same command with the old binary in place of the new one.
compare() {
  local name=$1 label=$2 a=$3
  local b=${a/#$BIN/$OLD}
  pairs "$name" "$PAIRS" "$a" "$b"
  row "$label" "$name" "$(syscalls "$name.new" $a)" "$(syscalls "$name.old" $b)"
}

{
  echo "| case (after vs before) | pairs | median wall after / before | wall ratio | median CPU after / before | CPU ratio | syscalls after / before | minor faults | peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for spec in "2 40 3 60" "3 60 3 80" "3 200 3 120" "10 1000 3 120"; do
    set -- $spec
    dir=$(tree "$@")
    compare "ba-list-$1x$2x$3" "\`-l\` $1×$2×$3, $4 devices" "$BIN --root $dir -l"
  done
  small=$(tree 2 40 3 60)
  compare ba-version "\`--version\`" "$BIN --version"
  compare ba-explain "\`explain intel-ice\` 2×40×3" "$BIN --root $small explain intel-ice"
  compare ba-kernels "\`kernels\` 2×40×3" "$BIN --root $small kernels"
  compare ba-dry-run "\`auto-select --dry-run\` 2×40×3" "$BIN --root $small auto-select --dry-run"
  image=""
  [ -f .cache/debian/image.done ] && read -r image release < .cache/debian/image.done
  if [ -n "$image" ] && [ -d "$image/lib/modules/$release/kernel" ]; then
    find "$image/lib/modules/$release/kernel" -name '*.ko' | sort > "$OUT/ratios/modules.txt"
    mapfile -t modules < "$OUT/ratios/modules.txt"
    compare ba-inspect "\`inspect\` all ${#modules[@]} Debian modules" "$BIN inspect ${modules[*]}"
  fi

  # select: each run really switches, the targets taken in turn over three variants, on one tree.
  w=$OUT/ratios/before-after-tree
  rm -rf "$w" && cp -a "$small" "$w"
  targets=(dell hpe generic)
  turn=0
  rm -f "$OUT/ratios/ba-select.a" "$OUT/ratios/ba-select.b"
  for i in $(seq $((PAIRS + 2))); do
    for side in a b; do
      tool=$BIN; [ "$side" = b ] && tool=$OLD
      file="$OUT/ratios/ba-select.$side"; [ "$i" -le 2 ] && file=/dev/null
      variant=${targets[$((turn % 3))]}; turn=$((turn + 1))
      $RUN "$file" "$tool" --root "$w" select intel-ice "$variant" --no-hooks --force || { echo "before-after: select failed" >&2; exit 1; }
    done
  done
  "$BIN" --root "$w" verify >/dev/null || { echo "before-after: the select tree is not clean after the runs" >&2; exit 1; }
  row "\`select --no-hooks\` copy of 2×40×3" ba-select \
    "$(syscalls ba-select.new "$BIN" --root "$w" select intel-ice dell --no-hooks --force)" \
    "$(syscalls ba-select.old "$OLD" --root "$w" select intel-ice hpe --no-hooks --force)"
  echo
  echo "Binary after: $(stat -c %s "$BIN") bytes; before: $(stat -c %s "$OLD") bytes."
} | tee "$OUT/before-after.md"
