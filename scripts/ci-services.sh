#!/usr/bin/env bash
# Installs the services the tests start themselves (Azurite for Azure Blob, Redis for Orleans), only
# when missing: safe to run again. Tests run their own loopback instances; nothing is started here.
# On Debian 12 with only the .NET SDK it installs, as root or with sudo:
#   redis-server, nodejs and npm (apt-get), then azurite 3.35.0 (npm install -g).
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

echo "ci-services: redis-server $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-), azurite-blob $(azurite-blob --version)"
