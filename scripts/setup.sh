#!/usr/bin/env bash
# make setup: everything streamfold needs, installed only where missing. Idempotent.
source "$(dirname "$0")/lib.sh"
cd "$SF_ROOT"

"$SF_ROOT/scripts/setup-apt.sh"
"$SF_ROOT/scripts/setup-node.sh"
"$SF_ROOT/scripts/setup-npm.sh"
"$SF_ROOT/scripts/setup-kafka.sh"

# Rebuild only when a source file is newer than the last build.
if [[ ! -f dist/.built ]] || [[ -n "$(find src package.json tsconfig.json tsconfig.build.json -newer dist/.built -print -quit)" ]]; then
  sf_log "building (tsc)"
  npm run --silent build
  touch dist/.built
fi
