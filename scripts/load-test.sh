#!/usr/bin/env bash
# Load test of a local cluster with the production membership settings, RUNS times in a row (default 3):
# Redis, Azurite and 2, then 3 `range silo` processes; 8 map jobs submitted at once from 4 clients while 12 clients
# poll status and the job list every 100 ms, and 2 x cores busy-loop processes saturate the CPU. Each run asserts
# that no silo is declared dead (all active, none exited, no shard retried), every job completes, every point is
# written once and every checksum matches, and prints jobs, polls and poll latency percentiles.
# (tests/Range.Cluster.Tests/MembershipTests.cs, Category=Load; about 2-4 minutes a run on 2 cores.)
#   usage: scripts/load-test.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
bash scripts/ci-services.sh
dotnet build tests/Range.Cluster.Tests -v quiet -nologo
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for run in $(seq 1 "$runs"); do
  echo "load test: run $run of $runs"
  set +e
  dotnet test tests/Range.Cluster.Tests --no-build --filter "Category=Load" --logger "console;verbosity=detailed" >"$log" 2>&1
  status=$?
  set -e
  grep -E "silos, [0-9]+ CPU burners|^ +(Passed|Failed) |Total tests" "$log" || true
  if [ "$status" -ne 0 ]; then
    grep -E -A20 "Error Message" "$log" | head -60 >&2
    echo "load test: run $run failed" >&2
    exit "$status"
  fi
done
echo "load test: $runs run(s) passed"
