#!/usr/bin/env bash
# Runs the whole test suite as CI does: installs the local services the tests use when missing
# (scripts/ci-services.sh, if present), then `dotnet test RangeOrleans.sln`, then one summary line.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: bash scripts/test.sh [--help]

Runs the whole test suite as CI does (it takes minutes: it builds everything and starts real
Redis, Azurite and silo processes):
  1. scripts/ci-services.sh installs what the tests start themselves when it is missing:
     redis-server (apt), Node.js and npm (apt), azurite 3.35.0 (npm), as root or with sudo;
  2. dotnet test RangeOrleans.sln;
  3. one closing line: "tests: N passed, N failed, N skipped".
Needs the .NET 10 SDK. Exit status: that of dotnet test; 2 for unknown arguments.

One project or one test instead of the whole suite:
  dotnet test tests/Range.Core.Tests
  dotnet test tests/Range.Cli.Tests --filter FullyQualifiedName~EmbedCommand
USAGE
}

if [ $# -gt 0 ]; then
  case "$1" in
    -h|--help) usage; exit 0 ;;
    *) echo "scripts/test.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
fi

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
