# Shared by bench/ratios.sh and bench/before-after.sh: generated trees, interleaved pairs of runs
# through ratios-run, strace counts, and one table row of per-pair median ratios A/B.
# The caller sets BIN, FIXTURE, OUT, RUN and PAIRS and creates $OUT/strace and $OUT/ratios.

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

