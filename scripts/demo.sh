#!/usr/bin/env bash
# make demo: start the local stack, create the default topology's topics, run the worker with
# the simulator feeding it and Prometheus scraping it, and keep everything up until Ctrl-C,
# which stops what this script started (and nothing that was already running).
source "$(dirname "$0")/lib.sh"
cd "$SF_ROOT"

TOPOLOGY="${TOPOLOGY:-topologies/orders.yaml}"
RATE="${RATE:-200}"
logs="$SF_RUN/demo"
mkdir -p "$logs"

# Stop at the end exactly what this run starts, nothing that was already running.
started="$(scripts/stack.sh missing)"
children=()
waiter=""
cleanup() {
  trap - EXIT INT TERM
  trap '' PIPE
  if [[ -n "$waiter" ]]; then kill "$waiter" 2>/dev/null || true; fi
  # The worker drains on SIGTERM (bounded), then exits 0.
  for pid in "${children[@]}"; do sf_stop_pid "$pid" 60; done
  if [[ -n "$started" ]]; then scripts/stack.sh down $started; fi
  sf_log "demo stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scripts/stack.sh up
node dist/cli/main.js topics create "$TOPOLOGY"

node dist/cli/main.js run "$TOPOLOGY" > "$logs/worker.log" 2>&1 &
children+=($!)
sf_log "worker started (pid $!); waiting until it is ready"
for _ in $(seq 1 300); do
  curl -fsS http://127.0.0.1:9464/readyz > /dev/null 2>&1 && break
  kill -0 "${children[0]}" 2>/dev/null || { tail -n 30 "$logs/worker.log" >&2; sf_die "the worker exited"; }
  sleep 0.2
done

node dist/cli/main.js simulate "$TOPOLOGY" --orders 200000 --seed "$RANDOM" --rate "$RATE" \
  --duplicates 0.01 --malformed 0.005 --invalid-transitions 0.005 --json > "$logs/simulate.log" 2>&1 &
children=($! "${children[@]}")

# The CLI needs Node 22+; when setup installed the pinned one, say how to use it.
path_hint=""
if [[ -x "$SF_TOOLS/node/bin/node" ]]; then path_hint="   (first: export PATH=\"$SF_TOOLS/node/bin:\$PATH\")"; fi

cat <<EOT

  streamfold demo is running: the simulator sends ~$RATE events/s, the worker folds them.
    Worker metrics   http://127.0.0.1:9464/metrics     (also /healthz, /readyz)
    Prometheus       http://127.0.0.1:${STACK_PROMETHEUS_PORT:-9090}/graph?g0.expr=sum(rate(streamfold_records_processed_total[1m]))%20by%20(result)
                     alerts: http://127.0.0.1:${STACK_PROMETHEUS_PORT:-9090}/alerts
    Kafka            127.0.0.1:${STACK_KAFKA_PORT:-9092}    Redis 127.0.0.1:${STACK_REDIS_PORT:-6379}
    Logs             ${logs#"$SF_ROOT"/}/worker.log, ${logs#"$SF_ROOT"/}/simulate.log
  Try:  npx streamfold query revenue --json${path_hint}
        npx streamfold reconcile            (exact once the simulator is stopped and lag is 0)
  Grafana dashboards (dashboards/) come with the Docker stack: docs/docker.md.
  Press Ctrl-C to stop what the demo started.

EOT
# Wait without a busy loop; the INT trap ends the script and runs cleanup.
while :; do
  sleep 3600 &
  waiter=$!
  wait "$waiter"
done
