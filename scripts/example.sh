#!/usr/bin/env bash
# Builds the `range` command and runs an example embedding job: RANGE+ embeddings of the 3,076 weather
# stations of the air-temperature task, with the sample checkpoint and bank in samples/models (random weights:
# the mechanics of a job, not geography; `range pipeline --data earth` trains a model of your own).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v dotnet >/dev/null; then
  echo "error: the .NET 10 SDK (dotnet) is needed: https://dotnet.microsoft.com/download" >&2
  exit 1
fi
dotnet build src/Range.Cli -c Release -v quiet -nologo
mkdir -p out
dotnet src/Range.Cli/bin/Release/net10.0/range.dll embed \
  --checkpoint samples/models/satclip_l10_fixture.ckpt \
  --model range+ --bank samples/models/range_db_fixture.npz \
  --input samples/data/air_temperature/stationDataAll.csv \
  --output out/stations_range_plus.arrow
# ...and a global map job on the embedded default (an in-process Orleans silo): RANGE+ on a 2-degree grid,
# written as tile shards + manifest.json under out/grid2.
dotnet src/Range.Cli/bin/Release/net10.0/range.dll map \
  --checkpoint samples/models/satclip_l10_fixture.ckpt \
  --model range+ --bank samples/models/range_db_fixture.npz \
  --grid 2 --output out/grid2
