#!/usr/bin/env bash
# Runs the whole test suite as CI does: installs the local services the tests use when missing
# (scripts/ci-services.sh, if present), then `dotnet test RangeOrleans.sln`, then one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null; then
  echo "error: the .NET 10 SDK (dotnet) is needed: https://dotnet.microsoft.com/download" >&2
  exit 1
fi
if [ -x scripts/ci-services.sh ]; then scripts/ci-services.sh; fi

log=$(mktemp)
set +e
dotnet test RangeOrleans.sln 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain closing line: "N passed, N failed".
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
