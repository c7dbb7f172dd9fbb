#!/usr/bin/env bash
# Installs the services and tools the tests use (Azurite for Azure Blob, Redis for Orleans, GDAL and DuckDB to check exports,
# headless chromium to drive range view's page), only
# when missing: safe to run again. Tests run their own loopback instances; nothing is started here.
# On Debian 12 with only the .NET SDK it installs, as root or with sudo:
#   redis-server, gdal-bin, python3-gdal, libopenblas0-pthread, chromium, nodejs and npm (apt-get), then azurite 3.35.0 (npm install -g)
#   and tests/tools (npm ci: DuckDB for Node, @apidevtools/swagger-parser).
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Runs a command quietly; shows its output only if it fails.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
}

if ! command -v redis-server >/dev/null 2>&1; then
  echo "ci-services: installing redis-server (apt-get)"
  quietly as_root apt-get update
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server
fi

if ! command -v gdalinfo >/dev/null 2>&1 || [ ! -f /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py ]; then
  echo "ci-services: installing gdal-bin python3-gdal (range export checks: gdalinfo, gdallocationinfo, the COG validator)"
  quietly as_root apt-get update
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gdal-bin python3-gdal
fi

# OpenBLAS: `range bench` measures its sgemm beside libtorch's, and RANGE_BLAS=openblas runs retrieval on it (docs/performance.md).
if ! ldconfig -p | grep 'libopenblas\.so\.0' >/dev/null; then
  echo "ci-services: installing libopenblas0-pthread (apt-get)"
  quietly as_root apt-get update
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libopenblas0-pthread
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "ci-services: installing chromium (headless, driven by the tests: range view's page, the silo dashboard and jobs page)"
  quietly as_root apt-get update
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi

if ! command -v azurite-blob >/dev/null 2>&1 && ! { command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; }; then
  # Azurite is a Node.js program; Debian 12's nodejs (18) runs azurite 3.35.0.
  echo "ci-services: installing nodejs and npm (apt-get)"
  quietly as_root apt-get update
  quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm
fi

if ! command -v azurite-blob >/dev/null 2>&1; then
  echo "ci-services: installing azurite 3.35.0 (npm install -g)"
  # 3.35.0: later versions need Node 22.
  quietly as_root npm install -g --no-fund --no-audit azurite@3.35.0
fi

# DuckDB (npm @duckdb/node-api, pinned by tests/tools/package-lock.json) reads range export's GeoParquet in the tests;
# @apidevtools/swagger-parser validates range api's OpenAPI document (docs/openapi.json).
if [ ! -d "$(dirname "$0")/../tests/tools/node_modules/@duckdb/node-api" ] || [ ! -d "$(dirname "$0")/../tests/tools/node_modules/@apidevtools/swagger-parser" ]; then
  echo "ci-services: installing tests/tools (DuckDB for Node, the OpenAPI validator)"
  quietly npm ci --prefix "$(dirname "$0")/../tests/tools" --no-fund --no-audit
fi

echo "ci-services: redis-server $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-), azurite-blob $(azurite-blob --version), $(gdalinfo --version | cut -d, -f1), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
