# Sourced by the benchmarks that run against a local cluster (bench-api.sh, bench-job-retention.sh): builds range
# (CONFIG, default Release), makes a work folder and two free ports, starts a fresh Redis there, and on exit stops what
# the benchmark started (append its pids to pids) and removes the folder.
# Sets: config range checkpoint work redis_port api_port pids free_port().
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_gcServer=0
config=${CONFIG:-Release}
dotnet build src/Range.Cli -c "$config" -v quiet -nologo >/dev/null
range="dotnet src/Range.Cli/bin/$config/net10.0/range.dll"
checkpoint="$PWD/tests/fixtures/satclip_l10/satclip.ckpt"
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
redis_port=$(free_port)
api_port=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.2; done
