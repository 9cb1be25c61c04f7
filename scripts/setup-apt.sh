#!/usr/bin/env bash
# Installs the Debian packages streamfold needs, only those that are missing.
source "$(dirname "$0")/lib.sh"

# Build dependencies of the Kafka client's bundled librdkafka (linked against system libs),
# Prometheus (scraped in the live tests), openssl (test certificates), redis-cli, and ip and
# nft for the network faults of make chaos.
wanted=(g++ make python3 pkg-config libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev
  libcurl4-openssl-dev prometheus openssl redis-tools curl iproute2 nftables)
# A Redis server only when none answers: the machine may already run one.
if ! sf_port_open 127.0.0.1 "${STACK_REDIS_PORT:-6379}" && ! command -v redis-server >/dev/null; then
  wanted+=(redis-server)
fi

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  sf_die "missing packages: ${missing[*]} (no apt-get here: install them with your package manager)"
fi
sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || sf_die "missing packages: ${missing[*]}; run make setup as root or install them"
  sudo=(sudo)
fi
sf_log "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# prometheus's maintainer script starts a system service; the stack runs its own instance.
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null; then
  "${sudo[@]}" systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
