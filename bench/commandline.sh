#!/usr/bin/env bash
# System.CommandLine 2 measured against the floor it would sit on (issue 22): the HelloAot floor and
# the same program parsing driver-tool's command line with System.CommandLine, both published with
# driver-tool's native settings; their sizes, then PAIRS interleaved pairs of start-up.
# Writes build/bench/commandline.md. Usage: bench/commandline.sh   (after make floor)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=build/bench
RUN=$OUT/floor/ratios-run
PAIRS=${PAIRS:-30}
mkdir -p "$OUT/strace" "$OUT/ratios"
[ -x "$RUN" ] || { echo "commandline: $RUN is missing; run make floor" >&2; exit 1; }
dotnet publish bench/floor/HelloAot -c Release -o "$OUT/hello-aot" --nologo -v quiet
dotnet publish bench/commandline -c Release -o "$OUT/commandline-aot" --nologo -v quiet
source bench/pairs-lib.sh
A="$OUT/commandline-aot/commandline-aot --root /x select intel-ice dell --no-hooks"
B="$OUT/hello-aot/hello-aot"
pairs commandline "$PAIRS" "$A" "$B"
{
  echo "| case (A vs B) | pairs | median wall A / B | wall ratio | median CPU A / B | CPU ratio | syscalls A / B | minor faults | peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  row "System.CommandLine 2 parsing driver-tool's line vs .NET AOT hello" commandline "$(syscalls commandline-a $A)" "$(syscalls commandline-b $B)"
  echo
  echo "Sizes: $(stat -c %s "$OUT/commandline-aot/commandline-aot") bytes with System.CommandLine, $(stat -c %s "$OUT/hello-aot/hello-aot") bytes without."
} | tee "$OUT/commandline.md"
