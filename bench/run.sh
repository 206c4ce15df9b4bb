#!/usr/bin/env bash
# Command-line benchmarks of the published driver-tool on generated host trees.
# Wall time: hyperfine, median of repeated runs after warm-up. Peak RSS: /usr/bin/time, median of 10 runs.
# Writes the table to build/bench/results.md (copy it into bench/README.md with the date and machine).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/obj/driver-tool
FIXTURE=fixtures/Dmv.Fixtures/bin/Release/net10.0/dmv-fixture.dll
OUT=build/bench
RUNS=${RUNS:-30}
mkdir -p "$OUT"

tree() { # name kernels drivers variants devices
  local dir=$OUT/$1
  if [ ! -f "$dir/.spec" ] || [ "$(cat "$dir/.spec")" != "$2 $3 $4 $5" ]; then
    dotnet "$FIXTURE" --out "$dir" --seed 1 --kernels "$2" --drivers "$3" --variants "$4" --devices "$5" >/dev/null
    echo "$2 $3 $4 $5" > "$dir/.spec"
  fi
  echo "$dir"
}

median_ms() { # hyperfine json -> median in ms
  python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"
}

wall() { # runs command...
  local runs=$1; shift
  hyperfine -N --warmup 5 --runs "$runs" --export-json "$OUT/h.json" "$*" >/dev/null 2>&1
  median_ms "$OUT/h.json"
}

rss_mb() { # command...
  for _ in $(seq 10); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; done |
    sort -n | awk '{a[NR]=$1} END {printf "%.1f", (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2 / 1024}'
}

count_info() { find "$1/lib/modules" -name info.json | wc -l; }

{
  echo "| case | tree | info.json | median wall | peak RSS |"
  echo "|---|---|---:|---:|---:|"
  for spec in "small 2 40 3 60" "medium 3 200 3 120" "large 10 1000 3 120"; do
    set -- $spec
    dir=$(tree "t$2x$3" "$2" "$3" "$4" "$5")
    runs=$RUNS; [ "$1" = large ] && runs=10
    echo "| \`-l\` $1 | $2 kernels × $3 drivers × $4 variants, $5 PCI devices | $(count_info "$dir") | $(wall "$runs" "$BIN --root $dir -l") ms | $(rss_mb "$BIN" --root "$dir" -l) MB |"
  done
  dir=$(tree t2x40 2 40 3 60)
  echo "| \`-l --lspci FILE\` small | as small, hardware from lspci text | $(count_info "$dir") | $(wall "$RUNS" "$BIN --root $dir -l --lspci $dir/lspci-nm.txt") ms | $(rss_mb "$BIN" --root "$dir" -l --lspci "$dir/lspci-nm.txt") MB |"
  echo "| \`-l --format table\` small | as small | $(count_info "$dir") | $(wall "$RUNS" "$BIN --root $dir -l --format table") ms | |"
  echo "| \`--version\` | – | – | $(wall 100 "$BIN --version") ms | $(rss_mb "$BIN" --version) MB |"
  echo
  echo "Switches on a copy of the small tree (--no-hooks; each timed run really switches: hyperfine --prepare puts the other variant back first):"
  echo
  echo "| command | median wall | peak RSS |"
  echo "|---|---:|---:|"
  w=$OUT/t2x40-write
  rm -rf "$w" && cp -a "$dir" "$w"
  sel="$BIN --root $w select intel-ice dell --no-hooks --force"
  back="$BIN --root $w select intel-ice generic --no-hooks --force"
  hyperfine -N --warmup 3 --runs "$RUNS" --prepare "$back" --export-json "$OUT/h.json" "$sel" >/dev/null 2>&1
  echo "| \`select\` (2 kernels, replace a link in each) | $(median_ms "$OUT/h.json") ms | $(rss_mb $sel) MB |"
  hyperfine -N --warmup 3 --runs "$RUNS" --prepare "$back" --export-json "$OUT/h.json" "$BIN --root $w deselect intel-ice --no-hooks" >/dev/null 2>&1
  echo "| \`deselect\` (2 kernels) | $(median_ms "$OUT/h.json") ms | |"
  echo "| \`auto-select --dry-run\` | $(wall "$RUNS" "$BIN --root $w auto-select --dry-run") ms | $(rss_mb "$BIN" --root "$w" auto-select --dry-run) MB |"
  echo
  echo "Growth with the number of info.json files (10 kernels × N drivers × 3 variants, 120 devices):"
  echo
  echo "| drivers per kernel | info.json | median wall | ms per 1,000 info.json |"
  echo "|---:|---:|---:|---:|"
  for n in 100 250 500 1000; do
    dir=$(tree "t10x$n" 10 "$n" 3 120)
    files=$(count_info "$dir")
    ms=$(wall 10 "$BIN --root $dir -l")
    echo "| $n | $files | $ms ms | $(python3 -c "print('%.1f' % ($ms / $files * 1000))") |"
  done
  echo
  size=$(stat -c %s "$BIN")
  echo "Binary: $(python3 -c "print('%.2f' % ($size / 1048576))") MB ($size bytes), $(file -b "$BIN" | grep -o 'stripped\|not stripped')."
} | tee "$OUT/results.md"
