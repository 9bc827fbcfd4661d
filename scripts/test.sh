#!/usr/bin/env bash
# The test command (`npm test`): on a fresh clone it installs what it needs (Node 24 and n8n
# in a cache under the home folder, dependencies in node_modules), builds, lints, type-checks
# and runs every suite: engine, nodes in n8n-core's engine, store (embedded and PostgreSQL),
# and template workflows in a real n8n. `--unit` leaves out the real-n8n suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
use_node24
ensure_deps

suites=("test/engine" "test/nodes" "test/store" "test/package")
if [ "${1:-}" != "--unit" ]; then
  LEAD_HANDOFF_N8N_BIN="$(bash scripts/ensure-n8n.sh)"
  export LEAD_HANDOFF_N8N_BIN
  suites+=("test/real-n8n")
fi

log "build"; npm run --silent build
log "lint"; npm run --silent lint
log "type-check tests"; npx tsc -p tsconfig.test.json

files=()
for dir in "${suites[@]}"; do
  [ -d "$dir" ] && while IFS= read -r f; do files+=("$f"); done < <(find "$dir" -name '*.test.ts' | sort)
done
export N8N_LOG_LEVEL=silent NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=ExperimentalWarning"
exec node --import tsx --test --test-reporter=spec "${files[@]}"
