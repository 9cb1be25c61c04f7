#!/usr/bin/env bash
# make demo: start the local stack, prove it end to end, and keep it up until Ctrl-C, which
# stops what this script started (and nothing that was already running).
source "$(dirname "$0")/lib.sh"
cd "$SF_ROOT"

started_stack=false
if ! sf_port_open 127.0.0.1 "${STACK_KAFKA_PORT:-9092}"; then started_stack=true; fi
waiter=""
cleanup() {
  trap - EXIT INT TERM
  trap '' PIPE
  if [[ -n "$waiter" ]]; then kill "$waiter" 2>/dev/null || true; fi
  if $started_stack; then scripts/stack.sh down; fi
  sf_log "demo stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/stack.sh up
sf_log "checking the stack: produce/consume through Kafka, a Lua round trip in Redis"
node dist/cli/main.js doctor

cat <<EOT

  streamfold demo is up.
    Kafka   127.0.0.1:${STACK_KAFKA_PORT:-9092}   (logs: .run/kafka-${STACK_KAFKA_PORT:-9092}/server.log)
    Redis   127.0.0.1:${STACK_REDIS_PORT:-6379}
  Try:  npx streamfold doctor        make stack-status
  Press Ctrl-C to stop what the demo started.

EOT
# Wait without a busy loop; the INT trap ends the script and runs cleanup.
while :; do
  sleep 3600 &
  waiter=$!
  wait "$waiter"
done
