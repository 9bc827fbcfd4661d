#!/usr/bin/env bash
# Installs n8n once into a cache folder outside the clone, keyed by version, and prints the
# path of its binary. Repeated runs reuse it; a fresh machine builds it (about 4 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
use_node24
N8N_DIR="$LH_CACHE/n8n-$N8N_VERSION"
mkdir -p "$LH_CACHE"
exec 9>"$LH_CACHE/.n8n.lock"
flock 9
if [ ! -f "$N8N_DIR/.complete" ]; then
  log "installing n8n $N8N_VERSION into $N8N_DIR (first time only, a few minutes)"
  rm -rf "$N8N_DIR.tmp" && mkdir -p "$N8N_DIR.tmp"
  (
    cd "$N8N_DIR.tmp"
    echo '{"private":true}' > package.json
    # Postinstall scripts would download sources from the internet; the native modules
    # n8n needs compile from source offline instead.
    npm install --no-audit --no-fund --loglevel=error --ignore-scripts "n8n@$N8N_VERSION" >&2
    npm rebuild sqlite3 isolated-vm msgpackr-extract >&2
  )
  touch "$N8N_DIR.tmp/.complete"
  rm -rf "$N8N_DIR" && mv "$N8N_DIR.tmp" "$N8N_DIR"
fi
echo "$N8N_DIR/node_modules/n8n/bin/n8n"
