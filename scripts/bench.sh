#!/usr/bin/env bash
# Benchmarks (`npm run bench`): scripts that print throughput and ratios, never timed tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
use_node24
ensure_deps
for bench in test/bench/*.ts; do
  case "$bench" in */leads.ts) continue ;; esac
  echo "== $bench"
  node --import tsx "$bench"
done
