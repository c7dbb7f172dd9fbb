#!/usr/bin/env bash
# A 1,000,000-point RANGE+ map job against a random 10,000 x 1024 bank on the embedded default (one
# process), timed, with peak memory (GNU time's maximum resident set size).
#   scripts/bench-map-1m.sh [POINTS] [BANK_ENTRIES]
set -euo pipefail
cd "$(dirname "$0")/.."
points=${1:-1000000}
entries=${2:-10000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/make-random-bank.py "$work/bank.npz" "$entries" 1024
dotnet build src/Range.Cli -c Release -v quiet -nologo
/usr/bin/time -v dotnet src/Range.Cli/bin/Release/net10.0/range.dll map \
  --checkpoint samples/models/satclip_l10_fixture.ckpt --model range+ --bank "$work/bank.npz" \
  --fibonacci "$points" --output "$work/map" 2> "$work/time.txt"
grep -E "Elapsed \(wall|Maximum resident" "$work/time.txt"
echo "rows in manifest: $(python3 -c "import json,sys; print(sum(s['rows'] for s in json.load(open('$work/map/manifest.json'))['shards']))")"
