#!/usr/bin/env bash
# Installs the services the tests start themselves (Azurite for Azure Blob, Redis for Orleans),
# only when missing: safe to run again. The tests start and stop their own loopback instances.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v redis-server >/dev/null 2>&1; then
  echo "ci-services: installing redis-server"
  as_root apt-get update -qq >/dev/null
  # The Debian package starts a system service; the tests do not use it.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

if ! command -v azurite-blob >/dev/null 2>&1; then
  echo "ci-services: installing azurite 3.35.0"
  # 3.35.0: later versions need Node 22.
  as_root npm install -g --silent --no-fund --no-audit azurite@3.35.0 >/dev/null
fi

echo "ci-services: redis-server $(redis-server --version | grep -oE 'v=[0-9.]+' | cut -c3-), azurite-blob $(azurite-blob --version)"
