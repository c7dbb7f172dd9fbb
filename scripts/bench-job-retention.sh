#!/usr/bin/env bash
# Measures what finished jobs cost Redis and `range jobs`: JOBS small map jobs (Fibonacci points, 2 shards each, each
# onto its own folder) submitted through `range api` to one local silo (fresh Redis), CONCURRENT at a time; Redis
# used_memory and key count before any job, with every job finished, and after `range jobs --prune`; and the wall time
# of `range jobs` (a whole process: start, connect, list) and of GET /v1/jobs at each step.
# A benchmark, not a test: the figures depend on the machine and its load (printed with them). The bound itself is
# tested by JobRetentionTests.
#   scripts/bench-job-retention.sh [JOBS] [CONCURRENT]      e.g. scripts/bench-job-retention.sh 1000 16
# CONFIG=Debug uses a Debug build (default Release).
set -euo pipefail
jobs=${1:-1000}
concurrent=${2:-16}
source "$(dirname "$0")/bench-redis-setup.sh"
mkdir -p "$work/maps"
$range silo --cluster "127.0.0.1:$redis_port" --data-root "$PWD/tests/fixtures" --data-root "$work/maps" >"$work/silo.log" 2>&1 &
pids+=($!)
until grep -q "^silo started" "$work/silo.log"; do sleep 0.5; done
token=$($range api token add --tokens "$work/tokens.json" --name bench --data-root "$PWD/tests/fixtures" --data-root "$work/maps" \
  --rate 1000000 --concurrency 1000)
$range api --cluster "127.0.0.1:$redis_port" --port "$api_port" --tokens "$work/tokens.json" >"$work/api.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$api_port/readyz" >/dev/null 2>&1; do sleep 0.5; done

redis_state() { # used_memory in bytes and the number of keys
  echo "$(redis-cli -p "$redis_port" info memory | tr -d '\r' | sed -n 's/^used_memory://p') $(redis-cli -p "$redis_port" dbsize)"
}
range_jobs_seconds() { # wall time of one `range jobs` process, and how many jobs it listed
  local start end listed
  start=$(date +%s.%N)
  listed=$($range jobs --cluster "127.0.0.1:$redis_port" | grep -c 'bench-' || true)
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f} s for {$listed} jobs')"
}

echo "$(date -u +%FT%TZ), $(nproc) cores, $config build, $jobs jobs, $concurrent at a time, uptime: $(uptime)"
read -r mem0 keys0 <<<"$(redis_state)"
echo "before any job: used_memory $mem0 B, $keys0 keys; range jobs: $(range_jobs_seconds)"

RANGE_API_URL="http://127.0.0.1:$api_port" RANGE_API_TOKEN="$token" python3 - "$checkpoint" "$work/maps" "$jobs" "$concurrent" <<'PY'
import json, os, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
checkpoint, maps, jobs, concurrent = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
api, token = os.environ["RANGE_API_URL"], os.environ["RANGE_API_TOKEN"]
def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(api + path, data=data, method=method, headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"{}")
def run(i):
    job = f"bench-{i:05d}"
    call("POST", "/v1/jobs", {"kind": "map", "jobId": job, "spec": {
        "points": {"kind": "fibonacci", "fibonacciCount": 100}, "model": {"checkpoint": checkpoint, "model": "satclip"},
        "destination": f"{maps}/{job}", "shardDegrees": 180}})
    while True:
        state = call("GET", f"/v1/jobs/{job}")["state"]
        if state in ("completed", "failed", "cancelled"):
            return state
        time.sleep(0.2)
start = time.perf_counter()
with ThreadPoolExecutor(concurrent) as pool:
    states = list(pool.map(run, range(jobs)))
elapsed = time.perf_counter() - start
print(f"{jobs} jobs submitted and finished in {elapsed:.1f} s ({jobs / elapsed:.1f} jobs/s): " +
      ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states))))
t = time.perf_counter(); listed = call("GET", "/v1/jobs?offset=0&limit=50"); took = time.perf_counter() - t
print(f"GET /v1/jobs (first page of {listed['total']}): {took * 1000:.0f} ms")
PY

read -r mem1 keys1 <<<"$(redis_state)"
echo "all finished: used_memory $mem1 B (+$(( (mem1 - mem0) / 1024 )) KiB), $keys1 keys; range jobs: $(range_jobs_seconds)"
$range jobs --cluster "127.0.0.1:$redis_port" --prune >"$work/prune.log"
echo "range jobs --prune: $(grep -c 'bench-' "$work/prune.log" || true) jobs retired"
read -r mem2 keys2 <<<"$(redis_state)"
echo "after --prune: used_memory $mem2 B ($(( (mem2 - mem0) / 1024 )) KiB above before any job), $keys2 keys; range jobs: $(range_jobs_seconds)"
