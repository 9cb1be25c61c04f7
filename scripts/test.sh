#!/usr/bin/env bash
# make test: lint, typecheck and every test tier against the real stack. Starts the stack if
# it is not running and stops again only what it started. Runs every tier even after a
# failure, then prints one summary line and exits non-zero if anything failed.
source "$(dirname "$0")/lib.sh"
cd "$SF_ROOT"

results="$SF_RUN/test-results"
rm -rf "$results"
mkdir -p "$results"

# Stop at the end exactly what this run starts, nothing that was already running.
started="$(scripts/stack.sh missing)"
scripts/stack.sh up
trap 'if [[ -n "$started" ]]; then scripts/stack.sh down $started; fi' EXIT

failed_steps=()
step() {
  local name=$1; shift
  sf_log "── $name"
  local t0=$SECONDS
  if "$@"; then
    sf_log "── $name ok ($((SECONDS - t0)) s)"
  else
    failed_steps+=("$name")
    sf_warn "── $name FAILED ($((SECONDS - t0)) s)"
  fi
}

vitest_tier() {
  vitest run --project "$1" --reporter=default --reporter=json --outputFile="$results/$1.json"
}

# The core correctness suite against a 3-master Redis Cluster, started here if nothing serves
# its ports (and then stopped at exit with the rest of what this run started).
cluster_tier() {
  if [[ " $(CLUSTER=1 scripts/stack.sh missing) " == *" cluster "* ]]; then
    started="${started:+$started }cluster"
  fi
  scripts/stack.sh cluster-up || return 1
  REDIS_CLUSTER_NODES="${REDIS_CLUSTER_NODES:-127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003}" \
    vitest_tier e2e-cluster
}

step lint npm run --silent lint
step typecheck npm run --silent typecheck
step unit vitest_tier unit
step integration vitest_tier integration
step e2e vitest_tier e2e
step e2e-cluster cluster_tier

# One closing line over all tiers, from the runners' own JSON reports.
node -e '
  const fs = require("node:fs");
  const dir = process.argv[1];
  let passed = 0, failed = 0, skipped = 0;
  for (const file of fs.readdirSync(dir)) {
    const r = JSON.parse(fs.readFileSync(`${dir}/${file}`, "utf8"));
    passed += r.numPassedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    failed += r.numFailedTests;
    // A file that fails to load has no failed test but fails its suite.
    if (!r.success && r.numFailedTests === 0) failed += Math.max(1, r.numFailedTestSuites);
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results"

if ((${#failed_steps[@]} > 0)); then
  sf_die "failed: ${failed_steps[*]}"
fi
sf_log "all green"
