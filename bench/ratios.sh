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

tree() { # kernels drivers variants devices -> folder (generated once, reused while the spec is the same)
  local dir=$OUT/r$1x$2x$3d$4
  if [ ! -f "$dir/.spec" ] || [ "$(cat "$dir/.spec")" != "$*" ]; then
    rm -rf "$dir"
    dotnet "$FIXTURE" --out "$dir" --seed 1 --kernels "$1" --drivers "$2" --variants "$3" --devices "$4" >/dev/null
    echo "$*" > "$dir/.spec"
  fi
  echo "$dir"
}

syscalls() { # name command... -> the table of one run's system calls (strace -f -c)
  local name=$1; shift
  strace -f -c -o "$OUT/strace/$name.txt" "$@" >/dev/null 2>&1 || true
  echo "$OUT/strace/$name.txt"
}

# pairs case pairs "A command" "B command": two warm-up pairs, then the interleaved pairs.
# The commands are words split by the shell (no path here has a space).
pairs() {
  local name=$1 n=$2 a=$3 b=$4
  rm -f "$OUT/ratios/$name.a" "$OUT/ratios/$name.b"
  for _ in 1 2; do $RUN /dev/null $a || true; $RUN /dev/null $b || true; done
  for _ in $(seq "$n"); do
    $RUN "$OUT/ratios/$name.a" $a || { echo "ratios: $name: A failed: $a" >&2; exit 1; }
    $RUN "$OUT/ratios/$name.b" $b || { echo "ratios: $name: B failed: $b" >&2; exit 1; }
  done
}

# row label case strace-table-A strace-table-B [modules]: one table row from the pairs' files.
row() {
  python3 - "$OUT/ratios/$2.a" "$OUT/ratios/$2.b" "$1" "$3" "$4" "${5:-}" <<'PY'
import statistics as st, sys
a = [list(map(int, l.split())) for l in open(sys.argv[1])]
b = [list(map(int, l.split())) for l in open(sys.argv[2])]
def calls(table, name="total"):
    for line in open(table):
        f = line.split()
        if f and f[-1] == name and len(f) >= 5:
            return int(f[3])
    return 0
label, ta, tb, per = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
sa, sb = calls(ta), calls(tb)
med = lambda rows, i: st.median(r[i] for r in rows)
def ratio(i):
    rs = [x[i] / y[i] for x, y in zip(a, b) if y[i] > 0]
    return "%.2f×" % st.median(rs) if rs else "n/a"
text = "%d / %d (%.2f×)" % (sa, sb, sa / sb) if sb else "%d / –" % sa
# .NET's threads spin in sched_yield while they wait, more or less depending on timing (strace slows them).
yields = calls(ta, "sched_yield")
if yields:
    text += ", of which %d sched_yield" % yields
if per:
    text += "; %.1f per module" % (sa / int(per))
print("| %s | %d | %.1f / %.1f ms | **%s** | %.1f / %.1f ms | **%s** | %s | %d / %d (%.2f×) | %.1f / %.1f MB (%.2f×) |" % (
    label, len(a), med(a, 0) / 1000, med(b, 0) / 1000, ratio(0), med(a, 1) / 1000, med(b, 1) / 1000, ratio(1),
    text, med(a, 2), med(b, 2), med(a, 2) / med(b, 2), med(a, 3) / 1024, med(b, 3) / 1024, med(a, 3) / med(b, 3)))
PY
}

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
