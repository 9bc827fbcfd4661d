#!/usr/bin/env bash
# The test command (`npm test`): on a fresh clone it installs what it needs (Node 24 and n8n
# in a cache under the home folder, dependencies in node_modules), builds, lints, type-checks
# and runs every suite: engine, nodes in n8n-core's engine, store (embedded and PostgreSQL),
# and template workflows in a real n8n, on jest. `--unit` leaves out the real-n8n suites; other
# arguments go to jest (a path pattern, `-t name`).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
use_node24
ensure_deps

if [ "${1:-}" != "--unit" ]; then
  LEAD_HANDOFF_N8N_BIN="$(bash scripts/ensure-n8n.sh)"
  export LEAD_HANDOFF_N8N_BIN
  bash scripts/ensure-browser.sh || log "no Chromium: the editor suite is skipped (in CI it fails)"
else
  shift
  unset LEAD_HANDOFF_N8N_BIN
fi

log "build"; npm run --silent build
log "lint"; npm run --silent lint
log "type-check tests"; npx tsc -p tsconfig.test.json

export N8N_LOG_LEVEL=silent NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=ExperimentalWarning"
export LH_TEST_RUN_ID="$$"
results="$(mktemp -t lead-handoff-jest-XXXXXX.json)"
trap 'rm -f "$results" "${TMPDIR:-/tmp}/lead-handoff-test-skips-$LH_TEST_RUN_ID.json"' EXIT
# In band: the real-n8n suites start n8n processes and the store suites share one database;
# on a 2-core machine running them side by side only makes them slower and flakier.
status=0
# --experimental-vm-modules lets jest require ES-module-only packages (mockttp needs get-port);
# given to jest's own process only, not through NODE_OPTIONS to the n8n processes it starts.
node --experimental-vm-modules node_modules/jest/bin/jest.js --runInBand --json --outputFile="$results" "$@" || status=$?
# The closing line that CI reads: jest's counts, tests skipped included.
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results" 2>/dev/null || echo "0 passed, 1 failed"
exit "$status"
