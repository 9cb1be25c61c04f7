#!/usr/bin/env bash
# Builds target/kafka-streams-peer.jar when it is missing or older than pom.xml or anything
# under src/, then prints the jar's absolute path as the last line of stdout. Any cwd works.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/kafka-streams-peer.jar"

stale=0
if [[ ! -f "$jar" ]]; then
  stale=1
elif [[ "$here/pom.xml" -nt "$jar" ]] || [[ -n "$(find "$here/src" -newer "$jar" -print -quit)" ]]; then
  stale=1
fi

if (( stale )); then
  command -v mvn >/dev/null || { echo "build.sh: mvn not found" >&2; exit 1; }
  (cd "$here" && mvn -q -B -Dstyle.color=never -DskipTests package) >&2
  [[ -f "$jar" ]] || { echo "build.sh: $jar was not produced" >&2; exit 1; }
  touch "$jar"
fi
echo "$jar"
