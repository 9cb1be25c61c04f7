# The stack's Redis Cluster: three masters (no replicas) on loopback, for the tests that run
# against a cluster (`make stack-up CLUSTER=1`, the e2e-cluster step of `make test`). Sourced by
# stack.sh, which defines cluster_ports, already_up, status_line and stop_component.
# shellcheck shell=bash

cluster_dir() { echo "$SF_RUN/redis-cluster-$1"; }
cluster_pid_file() { echo "$(cluster_dir "$1")/redis.pid"; }

# The comma-separated seeds to give streamfold (REDIS_CLUSTER_NODES).
cluster_seeds() {
  local port seeds=()
  for port in "${cluster_ports[@]}"; do seeds+=("127.0.0.1:$port"); done
  (IFS=,; echo "${seeds[*]}")
}

# True when one of the nodes runs from a pid file of ours.
cluster_started() {
  local port
  for port in "${cluster_ports[@]}"; do
    pid_of "$(cluster_pid_file "$port")" >/dev/null && return 0
  done
  return 1
}

# True when one of the node ports does not answer (what `missing` reports as `cluster`).
cluster_missing() {
  local port
  for port in "${cluster_ports[@]}"; do
    sf_port_open 127.0.0.1 "$port" || return 0
  done
  return 1
}

# A field of CLUSTER INFO on one node (empty when it does not answer).
cluster_field() {
  redis-cli -h 127.0.0.1 -p "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"
}

# True when every node says cluster_state:ok (slots covered, the nodes agree).
cluster_ok() {
  local port
  for port in "${cluster_ports[@]}"; do
    [[ "$(cluster_field "$port" cluster_state)" == ok ]] || return 1
  done
}

cluster_node_up() {
  local port=$1 dir
  dir="$(cluster_dir "$port")"
  if already_up "redis cluster node" "$dir/redis.pid" "$port"; then return 0; fi
  mkdir -p "$dir"
  sf_log "starting redis cluster node on 127.0.0.1:$port (bus $((port + 10000)))"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$dir/redis.pid" \
    --dir "$dir" --logfile "$dir/redis.log" --save '' --appendonly no \
    --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 5000
  sf_wait_port 127.0.0.1 "$port" "" 30 || sf_die "redis cluster node did not start (see $dir/redis.log)"
}

cluster_up() {
  command -v redis-server >/dev/null || sf_die "redis-server is not installed (make setup)"
  command -v redis-cli >/dev/null || sf_die "redis-cli is not installed (make setup)"
  local port
  for port in "${cluster_ports[@]}"; do cluster_node_up "$port"; done
  if cluster_ok; then return 0; fi
  # Fresh nodes own no slot: join them and spread the 16384 slots over the masters.
  if [[ "$(cluster_field "${cluster_ports[0]}" cluster_slots_assigned)" == 0 ]]; then
    local nodes=()
    for port in "${cluster_ports[@]}"; do nodes+=("127.0.0.1:$port"); done
    sf_log "creating the redis cluster ${nodes[*]}"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes > "$(cluster_dir "${cluster_ports[0]}")/create.log" 2>&1 \
      || { cat "$(cluster_dir "${cluster_ports[0]}")/create.log" >&2; sf_die "redis-cli --cluster create failed (log above)"; }
  fi
  local waited=0
  until cluster_ok; do
    if ((waited >= 300)); then
      for port in "${cluster_ports[@]}"; do redis-cli -p "$port" cluster info 2>&1 | head -3 >&2 || true; done
      sf_die "redis cluster not ok within 30s; stop it (stack.sh down cluster) or delete .run/redis-cluster-* and retry"
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  sf_log "redis cluster ok: REDIS_CLUSTER_NODES=$(cluster_seeds)"
}

# Stops the nodes `up` started. Their cluster config goes with them (no data is persisted
# anyway), so the next `up` creates a fresh cluster instead of reviving a half-known one.
cluster_down() {
  local port ours=0
  for port in "${cluster_ports[@]}"; do
    if pid_of "$(cluster_pid_file "$port")" >/dev/null; then ours=1; fi
    stop_component "redis cluster node $port" "$(cluster_pid_file "$port")" 20
  done
  if ((ours == 1)); then
    for port in "${cluster_ports[@]}"; do rm -f "$(cluster_dir "$port")/nodes.conf"; done
  fi
}

cluster_status() {
  local port
  for port in "${cluster_ports[@]}"; do
    status_line "cluster" "$(cluster_pid_file "$port")" "$port" "$(cluster_dir "$port")/redis.log"
  done
  local state
  state="$(cluster_field "${cluster_ports[0]}" cluster_state)"
  printf '%-10s state     %s   REDIS_CLUSTER_NODES=%s\n' cluster "${state:-down}" "$(cluster_seeds)"
}
