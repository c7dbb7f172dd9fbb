#!/usr/bin/env bash
# Measures range api's POST /v1/embed on loopback: latency p50/p99 for 1, 100 and 1,000 points (sequential requests,
# JSON in and out, the answer read but not parsed), and throughput with 16 concurrent clients (100 points a request),
# against one local silo (fresh Redis, the SatCLIP fixture model), beside `range embed`'s own rate on the same
# machine. A benchmark, not a test: the figures depend on the machine and its load (printed with them).
#   scripts/bench-api.sh [REQUESTS_PER_SIZE] [THROUGHPUT_SECONDS]      e.g. scripts/bench-api.sh 200 20
# CONFIG=Debug uses a Debug build (default Release).
set -euo pipefail
requests=${1:-200}
seconds=${2:-20}
source "$(dirname "$0")/bench-redis-setup.sh"
$range silo --cluster "127.0.0.1:$redis_port" --data-root "$PWD/tests/fixtures" --max-concurrent-shards 2 >"$work/silo.log" 2>&1 &
pids+=($!)
until grep -q "^silo started" "$work/silo.log"; do sleep 0.5; done
token=$($range api token add --tokens "$work/tokens.json" --name bench --data-root "$PWD/tests/fixtures" --rate 1000000 --concurrency 64)
$range api --cluster "127.0.0.1:$redis_port" --port "$api_port" --tokens "$work/tokens.json" >"$work/api.log" 2>&1 &
pids+=($!)
until curl -sf "http://127.0.0.1:$api_port/readyz" >/dev/null 2>&1; do sleep 0.5; done

echo "$(date -u +%FT%TZ), $(nproc) cores, $config build, uptime: $(uptime)"
RANGE_API_URL="http://127.0.0.1:$api_port" RANGE_API_TOKEN="$token" python3 - "$checkpoint" "$requests" "$seconds" <<'PY'
import json, os, random, sys, threading, time, urllib.request
checkpoint, requests, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
url, token = os.environ["RANGE_API_URL"] + "/v1/embed", os.environ["RANGE_API_TOKEN"]
rng = random.Random(24)
def body(n):
    points = [[rng.uniform(-180, 180), rng.uniform(-90, 90)] for _ in range(n)]
    return json.dumps({"model": {"checkpoint": checkpoint, "model": "satclip"}, "points": points}).encode()
def call(data):
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        r.read()
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
print("| points a request | requests | p50 ms | p99 ms | points/s (sequential) |")
print("| --- | --- | --- | --- | --- |")
for n in (1, 100, 1000):
    data = body(n)
    for _ in range(3): call(data)  # the replica is loaded and the connection warm
    times = []
    for _ in range(requests):
        t = time.perf_counter(); call(data); times.append(time.perf_counter() - t)
    print(f"| {n:,} | {requests} | {pct(times, 50) * 1000:.1f} | {pct(times, 99) * 1000:.1f} | {n * len(times) / sum(times):,.0f} |")
data, done, lock, stop = body(100), [0], threading.Lock(), time.perf_counter() + seconds
def client():
    while time.perf_counter() < stop:
        call(data)
        with lock: done[0] += 1
start = time.perf_counter()
threads = [threading.Thread(target=client) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.perf_counter() - start
print(f"\n16 concurrent clients, 100 points a request, {elapsed:.1f} s: {done[0] / elapsed:,.1f} requests/s, {done[0] * 100 / elapsed:,.0f} points/s")
PY

# range embed's own rate on the same machine and model: 100,000 points in one process (load included).
python3 -c 'import random; r=random.Random(1); print("lon,lat"); [print(f"{r.uniform(-180,180)},{r.uniform(-90,90)}") for _ in range(100000)]' >"$work/points.csv"
start=$(date +%s.%N)
$range embed --input "$work/points.csv" --checkpoint "$checkpoint" --model satclip --output "$work/embed.arrow" >/dev/null
end=$(date +%s.%N)
python3 -c "import sys; s=$end-$start; print(f'range embed, 100,000 points, one process: {s:.1f} s wall, {100000/s:,.0f} points/s (start-up included)')"
