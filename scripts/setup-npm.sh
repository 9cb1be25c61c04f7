#!/usr/bin/env bash
# npm ci when package-lock.json or the Node version changed since the last install.
# The Kafka client's native part is built against the system's OpenSSL, zlib, zstd, lz4,
# SASL and curl (CKJS_LINKING=dynamic), so no sources are downloaded during the build.
source "$(dirname "$0")/lib.sh"
cd "$SF_ROOT"

stamp="node_modules/.streamfold-install"
want="$(node --version) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then exit 0; fi

node_root="$(dirname "$(dirname "$(command -v node)")")"
if [[ -f "$node_root/include/node/node.h" ]]; then
  # Build native modules against this node's headers instead of downloading them.
  export npm_config_nodedir="$node_root"
fi
export CKJS_LINKING="${CKJS_LINKING:-dynamic}"
sf_log "npm ci (node $(node --version); the Kafka client's native build takes a few minutes)"
npm ci --no-audit --no-fund --loglevel=error
node -e "require('@confluentinc/kafka-javascript')" \
  || sf_die "the Kafka client's native module did not load; see the npm output above"
echo "$want" > "$stamp"
