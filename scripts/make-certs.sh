#!/usr/bin/env bash
# Makes a cluster CA and the certificates docker-compose and Kubernetes use (docs/security.md), plus a random Redis
# password and the cluster secret (the silos' key for stamping their internal calls; silos only, never a client), into DIR (default infra/certs; git ignores it). Keeps what exists: run it again to add what is missing.
#   bash scripts/make-certs.sh [DIR] [EXTRA_DNS_NAME...]   # extra names go into the silo and Redis certificates
set -euo pipefail
dir=${1:-infra/certs}
shift || true
mkdir -p "$dir"
cd "$dir"
umask 077
names="DNS:localhost,IP:127.0.0.1"
for n in "$@"; do names="$names,DNS:$n"; done

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1.key" 2>/dev/null; }

if [ ! -f ca.crt ]; then
  key ca
  openssl req -x509 -key ca.key -out ca.crt -subj "/CN=range cluster CA" -days 730 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  echo "made $dir/ca.crt (keep ca.key offline in production)"
fi

# issue NAME EXTENDED_KEY_USAGE SUBJECT_ALT_NAMES
issue() {
  [ -f "$1.crt" ] && return 0
  key "$1"
  openssl req -new -key "$1.key" -subj "/OU=$1/CN=range-$1" -out "$1.csr"
  printf "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s" "$2" "${3:+subjectAltName=$3\n}" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 90 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
  echo "made $dir/$1.crt ($2)"
}
issue silo serverAuth,clientAuth "DNS:silo1,DNS:silo2,DNS:silo3,DNS:range-silo,$names"
issue client clientAuth ""
# One certificate for both Redis servers: membership (redis, range-redis) and job state (redis-state, range-redis-state).
# A redis.crt made before redis-state existed lacks those names: remove redis.crt and redis.key and run this again.
issue redis serverAuth "DNS:redis,DNS:range-redis,DNS:redis-state,DNS:range-redis-state,$names"
[ -f redis-password ] || { openssl rand -hex 24 | tr -d '\n' > redis-password; echo "made $dir/redis-password"; }
[ -f cluster-secret ] || { openssl rand -hex 32 | tr -d '\n' > cluster-secret; echo "made $dir/cluster-secret (silos only)"; }
# Keys, the password and the secret readable by their owner only (containers read them as root); certificates by anyone.
chmod 700 . && chmod 644 ./*.crt && chmod 600 ./*.key redis-password cluster-secret
openssl verify -CAfile ca.crt silo.crt client.crt redis.crt
