#!/usr/bin/env bash
# The local stack without Docker: a single-node KRaft Kafka broker from Apache's jars, a
# Redis server (the machine's, if one answers) and Prometheus scraping the worker. `up` is
# idempotent; `down` stops only what `up` started.
# With CLUSTER=1, `up` also starts a 3-master Redis Cluster on loopback (`cluster`).
#   usage: stack.sh up | cluster-up | down [kafka|redis|prometheus|cluster …] | status | missing
#   env:   STACK_KAFKA_PORT (9092) STACK_KAFKA_CONTROLLER_PORT (9093) STACK_KAFKA_DATA_DIR (.run/kafka-<port>)
#          STACK_REDIS_PORT (6379) STACK_KAFKA_HEAP (512m) STACK_PROMETHEUS_PORT (9090)
#          CLUSTER (0) STACK_REDIS_CLUSTER_PORTS ("7001 7002 7003")
source "$(dirname "$0")/lib.sh"

STACK_KAFKA_PORT="${STACK_KAFKA_PORT:-9092}"
STACK_KAFKA_CONTROLLER_PORT="${STACK_KAFKA_CONTROLLER_PORT:-9093}"
STACK_KAFKA_DATA_DIR="${STACK_KAFKA_DATA_DIR:-$SF_RUN/kafka-$STACK_KAFKA_PORT}"
STACK_KAFKA_HEAP="${STACK_KAFKA_HEAP:-512m}"
STACK_REDIS_PORT="${STACK_REDIS_PORT:-6379}"
STACK_REDIS_DIR="$SF_RUN/redis-$STACK_REDIS_PORT"
STACK_PROMETHEUS_PORT="${STACK_PROMETHEUS_PORT:-9090}"
STACK_PROMETHEUS_DIR="$SF_RUN/prometheus-$STACK_PROMETHEUS_PORT"
CLUSTER="${CLUSTER:-0}"
read -r -a cluster_ports <<< "${STACK_REDIS_CLUSTER_PORTS:-7001 7002 7003}"
# Any constant works: a data directory is formatted once and reused.
CLUSTER_ID="c3RyZWFtZm9sZC1sb2NhbA"

kafka_pid_file="$STACK_KAFKA_DATA_DIR/kafka.pid"
redis_pid_file="$STACK_REDIS_DIR/redis.pid"
prometheus_pid_file="$STACK_PROMETHEUS_DIR/prometheus.pid"

pid_of() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null && cat "$1"; }

# True (and says so) when a component already runs: ours (live pid file) or anyone's (port).
already_up() {
  local name=$1 pid_file=$2 port=$3 pid
  if pid="$(pid_of "$pid_file")"; then
    sf_log "$name already running (pid $pid) on 127.0.0.1:$port"
  elif sf_port_open 127.0.0.1 "$port"; then
    sf_log "$name: something already listens on 127.0.0.1:$port; using it"
  else
    return 1
  fi
}

# The JVM command line shared by the storage tool and the broker; heap size first.
kafka_java() {
  local heap=$1; shift
  java_cmd=(java "-Xms${heap}" "-Xmx${heap}" -Djava.awt.headless=true
    "-Djava.io.tmpdir=$STACK_KAFKA_DATA_DIR/tmp" "-Dkafka.logs.dir=$STACK_KAFKA_DATA_DIR"
    "-Dlog4j2.configurationFile=$SF_ROOT/stack/kafka/log4j2.properties"
    -cp "$SF_KAFKA_LIBS/*" "$@")
}

kafka_up() {
  if already_up kafka "$kafka_pid_file" "$STACK_KAFKA_PORT"; then return 0; fi
  [[ -f "$SF_KAFKA_LIBS/.complete" ]] || "$SF_ROOT/scripts/setup-kafka.sh"
  mkdir -p "$STACK_KAFKA_DATA_DIR/tmp"
  sed -e "s#@PORT@#$STACK_KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$STACK_KAFKA_CONTROLLER_PORT#g" \
    -e "s#@DATA_DIR@#$STACK_KAFKA_DATA_DIR#g" \
    "$SF_ROOT/stack/kafka/server.properties.in" > "$STACK_KAFKA_DATA_DIR/server.properties"
  if [[ ! -f "$STACK_KAFKA_DATA_DIR/logs/meta.properties" ]]; then
    kafka_java 256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 kafka.tools.StorageTool format \
      --ignore-formatted -t "$CLUSTER_ID" -c "$STACK_KAFKA_DATA_DIR/server.properties"
    "${java_cmd[@]}" > "$STACK_KAFKA_DATA_DIR/format.log" 2>&1 \
      || { cat "$STACK_KAFKA_DATA_DIR/format.log" >&2; sf_die "kafka storage format failed"; }
  fi
  sf_log "starting kafka $SF_KAFKA_VERSION on 127.0.0.1:$STACK_KAFKA_PORT (data ${STACK_KAFKA_DATA_DIR#"$SF_ROOT"/})"
  # setsid: a Ctrl-C in the calling terminal must not reach the broker; `down` stops it.
  kafka_java "$STACK_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 kafka.Kafka "$STACK_KAFKA_DATA_DIR/server.properties"
  setsid "${java_cmd[@]}" > "$STACK_KAFKA_DATA_DIR/stdout.log" 2>&1 < /dev/null &
  echo $! > "$kafka_pid_file"
  local rc=0
  sf_wait_port 127.0.0.1 "$STACK_KAFKA_PORT" "$!" 120 || rc=$?
  if ((rc != 0)); then
    tail -n 40 "$STACK_KAFKA_DATA_DIR/server.log" "$STACK_KAFKA_DATA_DIR/stdout.log" >&2 2>/dev/null || true
    ((rc == 2)) && sf_die "kafka exited during start (logs above)"
    sf_die "kafka did not open 127.0.0.1:$STACK_KAFKA_PORT within 120s (logs above)"
  fi
}

redis_up() {
  if already_up redis "$redis_pid_file" "$STACK_REDIS_PORT"; then return 0; fi
  command -v redis-server >/dev/null || sf_die "no Redis answers on 127.0.0.1:$STACK_REDIS_PORT and redis-server is not installed (make setup)"
  mkdir -p "$STACK_REDIS_DIR"
  sf_log "starting redis on 127.0.0.1:$STACK_REDIS_PORT"
  redis-server --port "$STACK_REDIS_PORT" --bind 127.0.0.1 --daemonize yes --pidfile "$redis_pid_file" \
    --dir "$STACK_REDIS_DIR" --logfile "$STACK_REDIS_DIR/redis.log" --save '' --appendonly no
  sf_wait_port 127.0.0.1 "$STACK_REDIS_PORT" "" 30 || sf_die "redis did not start (see $STACK_REDIS_DIR/redis.log)"
}

source "$SF_ROOT/scripts/stack-cluster.sh"

# Ready means the TSDB is open and the rules are loaded, which comes after the port opens.
prometheus_ready() {
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$STACK_PROMETHEUS_PORT/-/ready" 2>/dev/null
  else
    sf_port_open 127.0.0.1 "$STACK_PROMETHEUS_PORT"
  fi
}

prometheus_up() {
  if already_up prometheus "$prometheus_pid_file" "$STACK_PROMETHEUS_PORT"; then return 0; fi
  # Kafka and Redis are what the worker needs; without Prometheus only the metrics go unread.
  if ! command -v prometheus >/dev/null; then
    sf_warn "prometheus is not installed (make setup); the stack runs without it"
    return 0
  fi
  mkdir -p "$STACK_PROMETHEUS_DIR/data"
  sf_log "starting prometheus on 127.0.0.1:$STACK_PROMETHEUS_PORT (scrapes the worker on 127.0.0.1:9464)"
  # setsid: a Ctrl-C in the calling terminal must not reach it; `down` stops it.
  setsid prometheus --config.file="$SF_ROOT/stack/prometheus/prometheus.yml" \
    --storage.tsdb.path="$STACK_PROMETHEUS_DIR/data" \
    --web.listen-address="127.0.0.1:$STACK_PROMETHEUS_PORT" \
    > "$STACK_PROMETHEUS_DIR/prometheus.log" 2>&1 < /dev/null &
  echo $! > "$prometheus_pid_file"
  local started=$! waited=0
  until prometheus_ready; do
    if ! kill -0 "$started" 2>/dev/null; then
      tail -n 40 "$STACK_PROMETHEUS_DIR/prometheus.log" >&2 || true
      sf_die "prometheus exited during start (log above)"
    fi
    if ((waited >= 600)); then
      tail -n 40 "$STACK_PROMETHEUS_DIR/prometheus.log" >&2 || true
      sf_die "prometheus was not ready on 127.0.0.1:$STACK_PROMETHEUS_PORT within 60s (log above)"
    fi
    sleep 0.1; waited=$((waited + 1))
  done
}

# One line per component: running (ours), external (someone else's) or down.
status_line() {
  local name=$1 pid_file=$2 port=$3 logs=$4 pid
  if pid="$(pid_of "$pid_file")"; then
    printf '%-10s running   127.0.0.1:%-5s  pid %s (started by stack)%s\n' "$name" "$port" "$pid" "${logs:+   logs $logs}"
  elif sf_port_open 127.0.0.1 "$port"; then
    printf '%-10s external  127.0.0.1:%-5s  (not started by stack)\n' "$name" "$port"
  else
    printf '%-10s down      127.0.0.1:%s\n' "$name" "$port"
  fi
}

status() {
  status_line kafka "$kafka_pid_file" "$STACK_KAFKA_PORT" "$STACK_KAFKA_DATA_DIR/server.log"
  status_line redis "$redis_pid_file" "$STACK_REDIS_PORT" ""
  status_line prometheus "$prometheus_pid_file" "$STACK_PROMETHEUS_PORT" "$STACK_PROMETHEUS_DIR/prometheus.log"
  if [[ "$CLUSTER" == 1 ]] || cluster_started; then cluster_status; fi
}

stop_component() {
  local name=$1 pid_file=$2 grace=$3 pid
  if pid="$(pid_of "$pid_file")"; then
    sf_log "stopping $name (pid $pid)"
    sf_stop_pid "$pid" "$grace"
  fi
  rm -f "$pid_file"
}

# Stops what `up` started: every component, or only those named (kafka redis prometheus cluster).
down() {
  local only=" ${*:-kafka redis prometheus cluster} "
  if [[ "$only" == *" cluster "* ]]; then cluster_down; fi
  if [[ "$only" == *" prometheus "* ]]; then stop_component prometheus "$prometheus_pid_file" 30; fi
  if [[ "$only" == *" kafka "* ]]; then stop_component kafka "$kafka_pid_file" 60; fi
  if [[ "$only" == *" redis "* ]]; then stop_component redis "$redis_pid_file" 20; fi
}

# The components that nothing serves yet: what an `up` now would start.
missing() {
  local names=()
  sf_port_open 127.0.0.1 "$STACK_KAFKA_PORT" || names+=(kafka)
  sf_port_open 127.0.0.1 "$STACK_REDIS_PORT" || names+=(redis)
  sf_port_open 127.0.0.1 "$STACK_PROMETHEUS_PORT" || names+=(prometheus)
  if [[ "$CLUSTER" == 1 ]] && cluster_missing; then names+=(cluster); fi
  echo "${names[*]}"
}

case "${1:-}" in
  up)
    kafka_up; redis_up; prometheus_up
    if [[ "$CLUSTER" == 1 ]]; then cluster_up; fi
    status ;;
  cluster-up) cluster_up; cluster_status ;;
  down) shift; down "$@" ;;
  status) status ;;
  missing) missing ;;
  *) sf_die "usage: stack.sh up|cluster-up|down [component…]|status|missing" ;;
esac
