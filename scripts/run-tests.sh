#!/usr/bin/env bash
# Runs every test project and ends with one plain line: "tests: N passed, N failed, N skipped".
set -uo pipefail
config=${1:-Release}
mkdir -p build
log=build/test.log
dotnet test Dmv.Aot.sln -c "$config" --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
read -r passed failed skipped < <(
  grep -E '^(Passed|Failed)!' "$log" |
    sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test failed (exit $status) before all tests ran: see the errors above" >&2
fi
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
