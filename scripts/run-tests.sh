#!/usr/bin/env bash
# Runs every test project and ends with one plain line: "tests: N passed, N failed, N skipped".
set -uo pipefail
config=${1:-Release}
mkdir -p build
log=build/test.log

# Checked once, up front, with one line each: otherwise every test that needs them fails on its own.
check=${CHECK_CONTRACT:-../shared/tools/check-contract.py}
if [ ! -f "$check" ]; then
  echo "make test: $check not found: the project's ../shared folder must be beside the repository (or set CHECK_CONTRACT)" >&2
  exit 2
fi
bin=${DRIVER_TOOL:-build/obj/driver-tool}
if [ ! -x "$bin" ]; then
  echo "make test: $bin is missing or not executable: run make publish" >&2
  exit 2
fi
if [ -z "${DRIVER_TOOL:-}" ] && [ -n "$(find src -name '*.cs' -not -path '*/obj*/*' -not -path '*/bin*/*' -newer "$bin" -print -quit)" ]; then
  echo "make test: $bin is older than the sources under src/: run make publish" >&2
  exit 2
fi
seams=${DRIVER_TOOL_SEAMS:-build/test-obj/driver-tool}
if [ ! -x "$seams" ] || { [ -z "${DRIVER_TOOL_SEAMS:-}" ] && [ -n "$(find src -name '*.cs' -not -path '*/obj*/*' -not -path '*/bin*/*' -newer "$seams" -print -quit)" ]; }; then
  echo "make test: $seams (the test build) is missing or older than the sources: run make publish-seams" >&2
  exit 2
fi
if ! "$bin" --version >/dev/null 2>&1; then
  echo "make test: $bin does not run ($bin --version failed)" >&2
  exit 2
fi

# Every test removes what it made in the temporary folder; what is left after the run is a defect.
tmp=${TMPDIR:-/tmp}
before=$(find "$tmp" -maxdepth 1 -name 'dmv-*' 2>/dev/null | sort)

rm -f build/trial-boots.txt
dotnet test Dmv.Aot.sln -c "$config" --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

left=$(comm -13 <(echo "$before") <(find "$tmp" -maxdepth 1 -name 'dmv-*' 2>/dev/null | sort) | grep . || true)
if [ -n "$left" ]; then
  echo "make test: the tests left $(echo "$left" | wc -l) item(s) in $tmp:" >&2
  echo "$left" | head -20 >&2
  [ "$status" -ne 0 ] || status=1
fi
read -r passed failed skipped < <(
  grep -E '^(Passed|Failed)!' "$log" |
    sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
# The real boots of the trial proof, each timed (TrialBootTests).
[ -f build/trial-boots.txt ] && cat build/trial-boots.txt
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test failed (exit $status) before all tests ran: see the errors above" >&2
fi
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
