#!/usr/bin/env bash
# make bench: the benchmark against the local stack. Starts the stack if it is not running and
# stops again only what it started. Arguments go to `npm run bench` (see `--help`).
source "$(dirname "$0")/lib.sh"
cd "$SF_ROOT"

started="$(scripts/stack.sh missing)"
scripts/stack.sh up
if [[ -n "$started" ]]; then trap 'scripts/stack.sh down $started' EXIT; fi

npm run --silent bench -- "$@"
