#!/usr/bin/env bash
# Measures the map-job coordinator alone: dispatch rate (shards/s) and the cost of one state write for jobs of
# 10k, 50k and 100k one-point shards whose shards finish at once, on an in-process silo with its grain state in a
# fresh local Redis. A benchmark, not a test: the figures depend on the machine and its load (printed with them).
#   scripts/bench-coordinator.sh [SHARD_COUNTS] [WINDOW_SECONDS] [IN_FLIGHT_PER_SILO]
#   e.g. scripts/bench-coordinator.sh 10000,50000,100000 20 64   (64 in flight: 32 silos of 2 slots; 2: one silo)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
counts=${1:-10000,50000,100000}
window=${2:-20}
in_flight=${3:-64}
bash scripts/ci-services.sh >/dev/null
dotnet build src/Range.Cli -c Release -v quiet -nologo >/dev/null
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
cleanup() {
  kill "$redis_pid" 2>/dev/null || true
  wait "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.2; done
echo "$(date -u +%FT%TZ), $(nproc) cores, uptime: $(uptime)"
dotnet src/Range.Cli/bin/Release/net10.0/range.dll bench --coordinator "$counts" --redis "127.0.0.1:$port" \
  --window "$window" --in-flight "$in_flight"
echo "Redis used_memory after: $(redis-cli -p "$port" info memory | grep '^used_memory_human' | cut -d: -f2 | tr -d '\r')"
