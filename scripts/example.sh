#!/usr/bin/env bash
# Builds the `range` command and runs an example embedding job: RANGE+ embeddings of the 3,076 weather
# stations of the air-temperature task, with the trained sample model and bank in samples/models (what
# `range pipeline --data earth` trains on the shipped imagery; samples/models/README.md says how it was made),
# then a 2-degree global map job and its picture.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v dotnet >/dev/null; then
  echo "error: the .NET 10 SDK (dotnet) is needed: https://dotnet.microsoft.com/download" >&2
  exit 1
fi
dotnet build src/Range.Cli -c Release -v quiet -nologo
mkdir -p out
range() { dotnet src/Range.Cli/bin/Release/net10.0/range.dll "$@"; }
range embed \
  --checkpoint samples/models/earth_satclip.ckpt \
  --model range+ --bank samples/models/earth_bank.arrow \
  --input samples/data/air_temperature/stationDataAll.csv \
  --output out/stations_range_plus.arrow
# ...and a global map job on the embedded default (an in-process Orleans silo): RANGE+ on a 2-degree grid,
# written as tile shards + manifest.json under out/grid2.
range map \
  --checkpoint samples/models/earth_satclip.ckpt \
  --model range+ --bank samples/models/earth_bank.arrow \
  --grid 2 --output out/grid2
# ...and its picture: the embeddings' first three principal components as colours (continents, climates, coasts).
range render out/grid2 --output out/grid2.png --title "RANGE+ (trained sample model), 2-degree grid"
echo "example: out/stations_range_plus.arrow, out/grid2/ (map job), out/grid2.png (its picture)"
