#!/usr/bin/env bash
# Ratios of driver-tool to its floor (issue 12): each case runs driver-tool (A) and a reference
# (B, bench/floor/) interleaved, A B A B …, PAIRS pairs after a warm-up, each run through
# build/bench/floor/ratios-run (wall to the microsecond, and the rusage /usr/bin/time -v reports:
# user+sys, minor faults, peak RSS). Wall and CPU ratios are the MEDIAN OF THE PER-PAIR RATIOS A/B,
# so drift in the machine's speed over the run cancels within each pair. Minor faults and peak RSS
# are ratios of the two sides' medians; system calls come from one separate `strace -f -c` run of
# each side. Writes the table to build/bench/ratios.md (and the strace tables to build/bench/strace/).
# Needs `make publish fixture floor` first (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/obj/driver-tool
FLOOR=build/bench/floor
FIXTURE=fixtures/Dmv.Fixtures/bin/Release/net10.0/dmv-fixture.dll
OUT=build/bench
PAIRS=${PAIRS:-100}
BIG_PAIRS=${BIG_PAIRS:-30}
RUN=$FLOOR/ratios-run
mkdir -p "$OUT/strace" "$OUT/ratios"
for tool in "$RUN" "$FLOOR/floor-list" "$FLOOR/floor-inspect" "$FLOOR/floor-select" "$FLOOR/hello" "$OUT/hello-aot/hello-aot" "$BIN"; do
  [ -x "$tool" ] || { echo "ratios: $tool is missing; run make publish fixture floor" >&2; exit 1; }
done
command -v strace >/dev/null || { echo "ratios: strace is missing (scripts/setup-machine.sh bench)" >&2; exit 1; }

source bench/pairs-lib.sh

{
  echo "| case (A vs B) | pairs | median wall A / B | wall ratio | median CPU A / B | CPU ratio | syscalls A / B | minor faults A / B | peak RSS A / B |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"

  for spec in "2 40 3 60" "3 60 3 80" "3 200 3 120" "10 1000 3 120"; do
    set -- $spec
    dir=$(tree "$@")
    n=$PAIRS; [ "$2" -ge 1000 ] && n=$BIG_PAIRS
    name="list-$1x$2x$3"
    cmp -s <("$BIN" --root "$dir" -l) <("$FLOOR/floor-list" --root "$dir" -l) ||
      { echo "ratios: floor-list and driver-tool -l differ on $dir" >&2; exit 1; }
    pairs "$name" "$n" "$BIN --root $dir -l" "$FLOOR/floor-list --root $dir -l"
    row "\`-l\` $1×$2×$3, $4 devices (driver-tool vs floor-list)" "$name" \
      "$(syscalls "$name.driver-tool" "$BIN" --root "$dir" -l)" "$(syscalls "$name.floor" "$FLOOR/floor-list" --root "$dir" -l)"
  done

  pairs version-aot "$PAIRS" "$BIN --version" "$OUT/hello-aot/hello-aot"
  row "\`--version\` vs .NET AOT hello" version-aot "$(syscalls version.driver-tool "$BIN" --version)" "$(syscalls hello-aot "$OUT/hello-aot/hello-aot")"
  pairs version-c "$PAIRS" "$BIN --version" "$FLOOR/hello"
  row "\`--version\` vs C hello" version-c "$(syscalls version.driver-tool "$BIN" --version)" "$(syscalls hello-c "$FLOOR/hello")"

  image=""
  [ -f .cache/debian/image.done ] && read -r image release < .cache/debian/image.done
  if [ -n "$image" ] && [ -d "$image/lib/modules/$release/kernel" ]; then
    find "$image/lib/modules/$release/kernel" -name '*.ko' | sort > "$OUT/ratios/modules.txt"
    count=$(wc -l < "$OUT/ratios/modules.txt")
    mapfile -t modules < "$OUT/ratios/modules.txt"
    inspect=("$BIN" inspect "${modules[@]}")
    pairs inspect-floor "$BIG_PAIRS" "${inspect[*]}" "$FLOOR/floor-inspect ${modules[*]}"
    calls=$(syscalls inspect.driver-tool "${inspect[@]}")
    row "\`inspect\` all $count Debian modules (vs floor-inspect)" inspect-floor "$calls" \
      "$(syscalls inspect.floor "$FLOOR/floor-inspect" "${modules[@]}")" "$count"
    pairs inspect-modinfo "$BIG_PAIRS" "${inspect[*]}" "modinfo ${modules[*]}"
    row "\`inspect\` all $count Debian modules (vs modinfo)" inspect-modinfo "$calls" \
      "$(syscalls inspect.modinfo modinfo "${modules[@]}")" "$count"
  else
    echo "| \`inspect\` of the Debian modules | – | skipped: .cache/debian/ has no unpacked kernel (scripts/fetch-debian-kernel.sh) | | | | | | |"
  fi

  # select: each run really switches, the targets taken in turn over three variants.
  small=$(tree 2 40 3 60)
  w=$OUT/ratios/select-tree
  rm -rf "$w" && cp -a "$small" "$w"
  targets=(dell hpe generic)
  turn=0
  next() { variant=${targets[$((turn % 3))]}; turn=$((turn + 1)); }
  before_a() { next; A="$BIN --root $w select intel-ice $variant --no-hooks --force"; }
  before_b() { next; B="$FLOOR/floor-select --root $w select intel-ice $variant --no-hooks"; }
  rm -f "$OUT/ratios/select.a" "$OUT/ratios/select.b"
  for i in $(seq $((PAIRS + 2))); do
    file_a="$OUT/ratios/select.a"; file_b="$OUT/ratios/select.b"
    [ "$i" -le 2 ] && file_a=/dev/null && file_b=/dev/null
    before_a; $RUN "$file_a" $A || { echo "ratios: select failed: $A" >&2; exit 1; }
    before_b; $RUN "$file_b" $B || { echo "ratios: floor-select failed: $B" >&2; exit 1; }
  done
  "$BIN" --root "$w" verify >/dev/null || { echo "ratios: the select tree is not clean after the runs" >&2; exit 1; }
  before_a; sa=$(syscalls select.driver-tool $A)
  before_b; sb=$(syscalls select.floor $B)
  row "\`select --no-hooks\` copy of 2×40×3 (vs floor-select)" select "$sa" "$sb"
} | tee "$OUT/ratios.md"
