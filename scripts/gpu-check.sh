#!/usr/bin/env bash
# The whole GPU verification in one run, on a GPU host with PyTorch (CUDA) and no .NET (docs/gpu.md):
# libtorch ABI check, `range embed` on the fixtures on the GPU against the CPU (max |difference| <= 1e-4),
# `range bench` for 1,000,000 points against 10k and 82k x 1024 banks, a map job on a GPU silo, and map-job
# scaling over 1, 2 and 4 CPU silos of 4 cores each. Every number goes to one results file.
#
#   scripts/gpu-check.sh bundle [DIR]           here (needs the .NET SDK): a self-contained `range` (TorchBackend=external),
#                                               redis-server with its libraries, the fixtures and this script, in DIR
#                                               (default out/gpu-check), packed as DIR.tar.xz
#   scripts/gpu-check.sh run BUNDLE [RESULTS]   on the GPU host: BUNDLE is DIR or DIR.tar.xz; RESULTS defaults to ./gpu-check-results.txt
#   scripts/gpu-check.sh dry-run [RESULTS]      here: bundle, then `run` with --device cpu at tiny sizes against the build's own
#                                               libtorch 2.10 (proves the script and the published binary, not the GPU)
#
# Budget on one H200 with 16 cores: about 6 minutes (each step has its own timeout; the whole stays under 8).
# Sizes can be changed through the environment: GPU_CHECK_DEVICE (cuda), GPU_CHECK_BANKS (10000,82000),
# GPU_CHECK_POINTS (1000000), GPU_CHECK_MAP_POINTS (1000000), GPU_CHECK_SCALING_POINTS (400000), GPU_CHECK_DIM (1024);
# GPU_CHECK_STEPS ("1 2 3 4 5") picks steps, e.g. to rerun one that failed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

bundle() {
  local dir=${1:-$repo/out/gpu-check}
  rm -rf "$dir" && mkdir -p "$dir/redis/lib" "$dir/data"
  bash "$repo/scripts/publish-gpu-silo.sh" "$dir/range" >/dev/null
  cp "$repo/scripts/gpu-check.sh" "$dir/"
  cp "$repo/tests/fixtures/satclip_l10/points.csv" "$repo/samples/models/satclip_l10_fixture.ckpt" "$repo/samples/models/range_db_fixture.npz" "$dir/data/"
  # redis-server and the libraries it needs beyond glibc and libstdc++ (a GPU image seldom has liblzf or jemalloc).
  local redis
  redis=$(command -v redis-server) || { echo "error: redis-server not found (scripts/ci-services.sh installs it)" >&2; exit 2; }
  cp "$redis" "$dir/redis/"
  ldd "$redis" | awk '$3 ~ /^\// {print $3}' | grep -vE '/(libc|libm|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' | xargs -r cp -L -t "$dir/redis/lib/"
  tar -C "$(dirname "$dir")" -cJf "$dir.tar.xz" "$(basename "$dir")"
  echo "bundle: $dir ($(du -sh "$dir" | cut -f1)), packed $dir.tar.xz ($(du -h "$dir.tar.xz" | cut -f1))"
}

# Processes and the work folder of a run, ended and removed on exit (globals: the trap runs after run returns).
pids=()
work=""
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "$work" ] || rm -rf "$work"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run() {
  local src=${1:?usage: $0 run BUNDLE [RESULTS]} results=${2:-$PWD/gpu-check-results.txt}
  local device=${GPU_CHECK_DEVICE:-cuda} banks=${GPU_CHECK_BANKS:-10000,82000} points=${GPU_CHECK_POINTS:-1000000}
  local map_points=${GPU_CHECK_MAP_POINTS:-1000000} scaling_points=${GPU_CHECK_SCALING_POINTS:-400000} dim=${GPU_CHECK_DIM:-1024}
  local steps=" ${GPU_CHECK_STEPS:-1 2 3 4 5} " dir
  work=$(mktemp -d)
  if [ -f "$src" ]; then tar -C "$work" -xJf "$src"; dir="$work/$(basename "${src%.tar.xz}")"; else dir=$(cd "$src" && pwd); fi
  local range="$dir/range/range" data="$dir/data" started=$SECONDS failures=0
  local model=(--checkpoint "$data/satclip_l10_fixture.ckpt" --bank "$data/range_db_fixture.npz")
  : >"$results"
  say() { echo "$*" | tee -a "$results"; }
  fail() { say "FAIL: $*"; failures=$((failures + 1)); }
  step() { say ""; say "## $1 (at $((SECONDS - started)) s)"; }
  wanted() { [[ "$steps" == *" $1 "* ]]; }
  local t0
  trap cleanup EXIT

  # The libtorch to bind: PyTorch's on the GPU host, the build's own (NuGet cache) in a dry run.
  local torchlib=${RANGE_LIBTORCH_DIR:-}
  if [ -z "$torchlib" ]; then
    torchlib=$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null) ||
      { echo "error: no PyTorch for python3 and RANGE_LIBTORCH_DIR unset: say where torch/lib is" >&2; exit 2; }
  fi
  export RANGE_LIBTORCH_DIR=$torchlib DOTNET_CLI_TELEMETRY_OPTOUT=1

  say "# range GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  say "device: $device; host: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load: $(cut -d' ' -f1-3 /proc/loadavg)"
  say "gpu: $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo none)"
  say "libtorch: $torchlib ($(python3 -c 'import torch; print(torch.__version__)' 2>/dev/null || echo 'version unknown'))"
  say "sizes: banks $banks x $dim, $points points per bench trial, map $map_points points, scaling $scaling_points points"

  step "1. libtorch ABI (TorchSharp's shim against this libtorch)"
  if bash "$dir/range/check-libtorch-abi.sh" "$torchlib" "$dir/range/libLibTorchSharp.so" >"$work/abi.txt" 2>&1; then
    say "$(head -n 1 "$work/abi.txt")"
  else
    cat "$work/abi.txt" >>"$results"
    fail "the shim does not bind to this libtorch: nothing else can run (docs/gpu.md says what to do)"
    exit 1
  fi

  if wanted 2; then
  step "2. range embed on the fixtures: $device against cpu (max |difference| <= 1e-4)"
  local m
  for m in satclip range range+; do
    local args=("${model[@]}" --model "$m")
    [ "$m" = satclip ] && args=(--checkpoint "$data/satclip_l10_fixture.ckpt" --model satclip)
    timeout -k 10 120 "$range" embed "${args[@]}" --input "$data/points.csv" --output "$work/$m-cpu.arrow" --device cpu >/dev/null 2>"$work/embed.err" &&
      timeout -k 10 120 "$range" embed "${args[@]}" --input "$data/points.csv" --output "$work/$m-dev.arrow" --device "$device" >/dev/null 2>>"$work/embed.err" ||
      { fail "$m: range embed failed: $(tail -n 3 "$work/embed.err")"; continue; }
    compare "$work/$m-cpu.arrow" "$work/$m-dev.arrow" "$m" || failures=$((failures + 1))
  done
  fi

  if wanted 3; then
  step "3. range bench --device $device: $points points per trial against banks of $banks x $dim"
  if timeout -k 10 300 "$range" bench --device "$device" --banks "$banks" --dim "$dim" --points "$points" --output "$work/bench.json" >"$work/bench.txt" 2>&1; then
    cat "$work/bench.txt" >>"$results"
  else
    tail -n 20 "$work/bench.txt" >>"$results"
    fail "range bench"
  fi
  fi

  if wanted 4; then
  step "4. a map job on a $device silo (the embedded one): range+ on the fixture bank, Fibonacci lattice of $map_points points"
  t0=$SECONDS
  if timeout -k 10 180 "$range" map "${model[@]}" --model range+ --device "$device" --fibonacci "$map_points" --shard-degrees 30 \
    --output "$work/map-gpu" --job-id "gpu-check-map-$$" >"$work/map.txt" 2>&1; then
    say "map on $device: $map_points points in $((SECONDS - t0)) s wall, process start to manifest ($(rows "$work/map-gpu") rows in the manifest)"
  else
    tail -n 5 "$work/map.txt" >>"$results"
    fail "map job on $device"
  fi
  fi

  wanted 5 || { say ""; say "total: $((SECONDS - started)) s, $failures failure(s)"; [ "$failures" = 0 ]; return; }
  step "5. silo scaling: 1, 2 and 4 cpu silos of 4 cores each (taskset), Redis membership, range+ on the fixture bank, $scaling_points points"
  local port redis_pid
  port=$(free_port)
  LD_LIBRARY_PATH="$dir/redis/lib" "$dir/redis/redis-server" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  redis_pid=$!
  pids+=("$redis_pid")
  sleep 1
  local silos one_rate=""
  for silos in 1 2 4; do
    local silo_pids=() i
    for i in $(seq 0 $((silos - 1))); do
      # Pinned to cores 4i..4i+3 where the host has 16 (a smaller machine, as in a dry run, shares its cores).
      local pin=()
      [ "$(nproc)" -lt 16 ] || ! command -v taskset >/dev/null || pin=(taskset -c "$((4 * i))-$((4 * i + 3))")
      DOTNET_PROCESSOR_COUNT=4 OMP_NUM_THREADS=4 MKL_NUM_THREADS=4 "${pin[@]}" \
        "$range" silo --cluster "127.0.0.1:$port" --device cpu --max-concurrent-shards 2 >"$work/silo-$silos-$i.log" 2>&1 &
      silo_pids+=($!)
      pids+=($!)
    done
    for i in $(seq 0 $((silos - 1))); do
      local waited=0
      until grep -q "silo started" "$work/silo-$silos-$i.log"; do
        sleep 0.5; waited=$((waited + 1))
        [ "$waited" -lt 120 ] || { fail "silo $i of $silos did not start: $(tail -n 2 "$work/silo-$silos-$i.log")"; break; }
      done
    done
    t0=$(date +%s.%N)
    if timeout -k 10 240 "$range" map --cluster "127.0.0.1:$port" "${model[@]}" --model range+ --fibonacci "$scaling_points" \
      --shard-degrees 10 --output "$work/scale-$silos" --job-id "gpu-check-scale-$silos-$$" >"$work/scale-$silos.txt" 2>&1; then
      local t1 rate
      t1=$(date +%s.%N)
      rate=$(python3 -c "print(round($scaling_points / ($t1 - $t0)))")
      [ -n "$one_rate" ] || one_rate=$rate
      say "$silos silo(s): $scaling_points points in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s = $rate points/s; efficiency $(python3 -c "print(f'{$rate / ($silos * $one_rate):.2f}')") of $silos x the 1-silo rate"
    else
      tail -n 5 "$work/scale-$silos.txt" >>"$results"
      fail "map job on $silos silo(s)"
    fi
    for i in "${silo_pids[@]}"; do kill "$i" 2>/dev/null || true; done
    wait "${silo_pids[@]}" 2>/dev/null || true
    # The membership table forgets stopped silos after ~10 s; a new cluster on the same Redis starts cleanly then.
    [ "$silos" = 4 ] || sleep 12
  done

  say ""
  say "total: $((SECONDS - started)) s, $failures failure(s)"
  [ "$failures" = 0 ]
}

# Max |difference| of the embedding columns of two `range embed` files with the same points: pyarrow where present
# (the GPU image has it); otherwise both files must have one layout, and the 4-byte words that differ are read as floats.
compare() {
  python3 - "$1" "$2" "$3" <<'EOF' | tee -a "$results"
import struct, sys
a, b, name = sys.argv[1:]
try:
    import numpy as np, pyarrow.ipc as ipc
    def emb(path):
        t = ipc.open_file(path).read_all()
        return np.asarray(t.column("embedding").combine_chunks().flatten()).astype(np.float64), t.num_rows
    x, n = emb(a); y, m = emb(b)
    assert n == m and x.shape == y.shape, f"{n} rows against {m}"
    diff, how = float(np.max(np.abs(x - y))), f"{n} rows, pyarrow"
except ImportError:
    da, db = open(a, "rb").read(), open(b, "rb").read()
    assert len(da) == len(db), "files of different sizes"
    words = [i for i in range(0, len(da) - 3, 4) if da[i:i + 4] != db[i:i + 4]]
    diff = max((abs(struct.unpack("<f", da[i:i + 4])[0] - struct.unpack("<f", db[i:i + 4])[0]) for i in words), default=0.0)
    how = f"{len(words)} differing float words, byte layout"
ok = diff <= 1e-4
print(f"{name}: max |difference| {diff:.3g} ({how}) {'OK' if ok else 'FAIL: above 1e-4'}")
sys.exit(0 if ok else 1)
EOF
}

# Rows a map job's manifest lists.
rows() { python3 -c "import json,sys; print(json.load(open(sys.argv[1] + '/manifest.json'))['totalRows'])" "$1" 2>/dev/null || echo "?"; }

case "${1:-}" in
  bundle) shift; bundle "$@" ;;
  run) shift; run "$@" ;;
  dry-run)
    shift
    bundle "$repo/out/gpu-check"
    torchlib=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/libtorch-cpu-linux-x64" -name libtorch.so -path '*linux-x64*' | head -n 1)
    [ -n "$torchlib" ] || { echo "error: no libtorch-cpu-linux-x64 in the NuGet cache (build the solution once)" >&2; exit 2; }
    RANGE_LIBTORCH_DIR=$(dirname "$torchlib") GPU_CHECK_DEVICE=cpu GPU_CHECK_BANKS=1000 GPU_CHECK_POINTS=2048 GPU_CHECK_DIM=64 \
      GPU_CHECK_MAP_POINTS=5000 GPU_CHECK_SCALING_POINTS=5000 run "$repo/out/gpu-check.tar.xz" "${1:-$repo/out/gpu-check-dry-run.txt}"
    ;;
  *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
