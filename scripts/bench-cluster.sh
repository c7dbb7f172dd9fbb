#!/usr/bin/env bash
# Measures points/second of a 1,000,000-point mapping job (Fibonacci lattice, SatCLIP by default) on a
# local cluster of 1 silo and of 3 silos (separate processes on this machine, Redis for membership and
# state, a local output folder). A benchmark, not a test: numbers depend on the machine's cores.
#   scripts/bench-cluster.sh [POINTS] [MODEL]      e.g. scripts/bench-cluster.sh 1000000 range+
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
points=${1:-1000000}
model=${2:-satclip}
bash scripts/ci-services.sh >/dev/null
dotnet build src/Range.Cli -c Release -v quiet -nologo >/dev/null
range=(dotnet src/Range.Cli/bin/Release/net10.0/range.dll)
model_args=(--checkpoint samples/models/satclip_l10_fixture.ckpt --model "$model")
[ "$model" = satclip ] || model_args+=(--bank samples/models/range_db_fixture.npz)

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
redis_pid=$!
silo_pids=()
cleanup() {
  for pid in "${silo_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
sleep 1

for silos in 1 3; do
  silo_pids=()
  for i in $(seq 1 "$silos"); do
    "${range[@]}" silo --cluster "127.0.0.1:$port" --max-concurrent-shards 2 --data-root "$work" --data-root "$PWD/samples" >"$work/silo-$silos-$i.log" 2>&1 &
    silo_pids+=($!)
  done
  for i in $(seq 1 "$silos"); do
    until grep -q "silo started" "$work/silo-$silos-$i.log"; do sleep 0.5; done
  done
  start=$(date +%s.%N)
  "${range[@]}" map --cluster "127.0.0.1:$port" "${model_args[@]}" --fibonacci "$points" --shard-degrees 10 \
    --output "$work/out-$silos" --job-id "bench-$silos-$(date +%s)" 2>/dev/null | tail -1
  end=$(date +%s.%N)
  python3 -c "print(f'$silos silo(s): $points points in {($end-$start):.1f} s = {$points/($end-$start):,.0f} points/s')"
  for pid in "${silo_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${silo_pids[@]}" 2>/dev/null || true
  # Let the membership table forget the stopped silos (stale after ~10 s) so the next cluster starts cleanly.
  sleep 12
done
