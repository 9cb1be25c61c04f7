# Shared helpers for the project's shell scripts. Source it; do not run it.
# shellcheck shell=bash
set -euo pipefail

SF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SF_TOOLS="${SF_TOOLS:-$SF_ROOT/.tools}"
SF_RUN="${SF_RUN:-$SF_ROOT/.run}"
# Pinned Node release installed when the machine's node is too old; keep .nvmrc's major in step.
SF_NODE_VERSION=24.21.0
SF_NODE_MIN_MAJOR=22
SF_KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$SF_ROOT/stack/kafka/pom.xml")"
SF_KAFKA_LIBS="$SF_TOOLS/kafka/$SF_KAFKA_VERSION/libs"

# The pinned Node (if installed) goes first, so every target uses one runtime.
export PATH="$SF_TOOLS/node/bin:$SF_ROOT/node_modules/.bin:$PATH"

# Messages go to stderr; a closed terminal (EPIPE) must not abort a cleanup.
sf_log() { printf '\033[1;34m[streamfold]\033[0m %s\n' "$*" >&2 || true; }
sf_warn() { printf '\033[1;33m[streamfold]\033[0m %s\n' "$*" >&2 || true; }
sf_die() { printf '\033[1;31m[streamfold]\033[0m %s\n' "$*" >&2; exit 1; }

# True when something accepts TCP connections on host:port.
sf_port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Waits until sf_port_open, or until the given pid dies, or a timeout (seconds).
sf_wait_port() {
  local host=$1 port=$2 pid=$3 timeout=$4 waited=0
  until sf_port_open "$host" "$port"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then return 2; fi
    (( waited >= timeout * 10 )) && return 1
    sleep 0.1; waited=$((waited + 1))
  done
}

# Stops a pid politely, then firmly; waits until it is gone.
sf_stop_pid() {
  local pid=$1 grace=${2:-30} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  sf_warn "pid $pid did not stop in ${grace}s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}
