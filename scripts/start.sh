#!/usr/bin/env bash
# The main job (`npm start`): builds and packs this package, installs the tarball into a local n8n
# user folder (.n8n-dev/) the way a user installs a community package, imports the template
# workflows, and runs n8n 2.x in the foreground, ready in the browser. Ctrl-C stops it.
#
# Settings (environment):
#   LEAD_HANDOFF_PORT (or N8N_PORT)          port of the editor, default 5678
#   N8N_LISTEN_ADDRESS                       default 127.0.0.1; 0.0.0.0 to reach it from elsewhere
#   LEAD_HANDOFF_OWNER_EMAIL / _PASSWORD     the login created on first start
#   LEAD_HANDOFF_USER_FOLDER                 n8n's user folder, default .n8n-dev in the clone
#   LEAD_HANDOFF_DEMO=1                      demo mode, for `npm run demo`: n8n's outbound HTTP(S)
#                                            goes to the demo's local sinks (a proxy on port + 12,
#                                            LEAD_HANDOFF_DEMO_PROXY_PORT), never to the internet
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
. scripts/lib.sh
use_node24
ensure_deps

PORT="${LEAD_HANDOFF_PORT:-${N8N_PORT:-5678}}"
LISTEN="${N8N_LISTEN_ADDRESS:-127.0.0.1}"
OWNER_EMAIL="${LEAD_HANDOFF_OWNER_EMAIL:-admin@lead-handoff.local}"
OWNER_PASSWORD="${LEAD_HANDOFF_OWNER_PASSWORD:-LeadHandoff2026}"
USER_FOLDER="${LEAD_HANDOFF_USER_FOLDER:-$ROOT/.n8n-dev}"
NODES_DIR="$USER_FOLDER/.n8n/nodes"
PACK_DIR="$USER_FOLDER/pack"

N8N_BIN="$(bash scripts/ensure-n8n.sh)"

log "build"
npm run --silent build >&2

# Pack what users get from the registry (prepack would build a second time).
rm -rf "$PACK_DIR" && mkdir -p "$PACK_DIR"
npm pack --ignore-scripts --silent --pack-destination "$PACK_DIR" >/dev/null
TARBALL="$(ls "$PACK_DIR"/n8n-nodes-lead-handoff-*.tgz)"
WANT="$(sha256sum "$TARBALL" | cut -d' ' -f1)"
STAMP="$NODES_DIR/.lead-handoff-tarball.sha256"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  log "installing the package into $NODES_DIR"
  # A fresh nodes folder: npm would keep the old copy of a tarball with an unchanged version.
  rm -rf "$NODES_DIR" && mkdir -p "$NODES_DIR"
  echo '{"name":"installed-nodes","private":true,"dependencies":{}}' > "$NODES_DIR/package.json"
  # --omit=peer: n8n provides n8n-workflow; without it npm pulls it and compiles native modules.
  (cd "$NODES_DIR" && npm install --omit=peer --ignore-scripts --no-audit --no-fund --loglevel=error "$TARBALL" >&2)
  echo "$WANT" > "$STAMP"
else
  log "package unchanged since the last install"
fi

export N8N_USER_FOLDER="$USER_FOLDER"
export N8N_PORT="$PORT"
export N8N_LISTEN_ADDRESS="$LISTEN"
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$((PORT + 1))}"
# n8n's calls home, off: each fails on a machine without internet and prints a stack trace, and
# none is needed to build workflows with this package. Any of them can be set back from outside.
export N8N_DIAGNOSTICS_ENABLED="${N8N_DIAGNOSTICS_ENABLED:-false}"                       # telemetry (PostHog)
export N8N_VERSION_NOTIFICATIONS_ENABLED="${N8N_VERSION_NOTIFICATIONS_ENABLED:-false}"   # "new version" check
export N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED="${N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED:-false}"
export N8N_TEMPLATES_ENABLED="${N8N_TEMPLATES_ENABLED:-false}"                           # n8n.io template gallery
export N8N_DYNAMIC_BANNERS_ENABLED="${N8N_DYNAMIC_BANNERS_ENABLED:-false}"               # announcement banners
export N8N_HIRING_BANNER_ENABLED="${N8N_HIRING_BANNER_ENABLED:-false}"
export N8N_PERSONALIZATION_ENABLED="${N8N_PERSONALIZATION_ENABLED:-false}"               # first-login survey
export N8N_VERIFIED_PACKAGES_ENABLED="${N8N_VERIFIED_PACKAGES_ENABLED:-false}"           # n8n's list of verified community nodes
export N8N_DISABLED_MODULES="${N8N_DISABLED_MODULES:-mcp-registry}"                     # n8n's catalogue of MCP servers
# n8n asks for these to be set explicitly (its deprecation notice); these are today's values.
export N8N_UNVERIFIED_PACKAGES_ENABLED="${N8N_UNVERIFIED_PACKAGES_ENABLED:-true}"
export N8N_RUNNERS_TASK_TIMEOUT="${N8N_RUNNERS_TASK_TIMEOUT:-300}"
export N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES="${N8N_COMPRESSION_NODE_MAX_DECOMPRESSED_SIZE_BYTES:-2147483648}"
export N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES="${N8N_COMPRESSION_NODE_MAX_ZIP_ENTRIES:-5000}"
# Plain http on this machine: the login cookie must not require https.
export N8N_SECURE_COOKIE="${N8N_SECURE_COOKIE:-false}"
export N8N_LOG_LEVEL="${N8N_LOG_LEVEL:-warn}"

# The embedded store's credential, so template workflows that keep state run as imported. Its id
# is the one the templates name; importing it again on every start changes nothing.
CREDS_FILE="$USER_FOLDER/import-credentials.json"
echo '[{"id":"leadHandoffStore1","name":"Lead Handoff Store","type":"leadHandoffStoreApi","data":{"backend":"embedded"}}]' > "$CREDS_FILE"
N8N_LOG_LEVEL=error "$N8N_BIN" import:credentials --input="$CREDS_FILE" >&2
rm -f "$CREDS_FILE"

# Templates: one import for all of them. Each keeps the id in its JSON, so a re-run updates the
# workflow instead of adding a copy; a file without an id gets one derived from its name.
shopt -s nullglob
templates=(workflows/*.json)
TEMPLATE_LIST=""   # one line per template: id, tab, name
if [ ${#templates[@]} -gt 0 ]; then
  IMPORT_DIR="$USER_FOLDER/import"
  rm -rf "$IMPORT_DIR" && mkdir -p "$IMPORT_DIR"
  TEMPLATE_LIST="$(node -e '
    const fs = require("fs"), path = require("path"), crypto = require("crypto");
    const [out, ...files] = process.argv.slice(1);
    for (const file of files) {
      const wf = JSON.parse(fs.readFileSync(file, "utf8"));
      wf.id ??= crypto.createHash("sha256").update("lead-handoff-template:" + path.basename(file)).digest("hex").slice(0, 16);
      fs.writeFileSync(path.join(out, path.basename(file)), JSON.stringify(wf));
      console.log(`${wf.id}\t${wf.name ?? path.basename(file)}`);
    }' "$IMPORT_DIR" "${templates[@]}")"
  log "importing ${#templates[@]} template workflow(s)"
  N8N_LOG_LEVEL=error "$N8N_BIN" import:workflow --separate --input="$IMPORT_DIR" >&2
fi

# Where the templates' embedded store keeps its data: the rule the nodes themselves follow.
STORE_PATH="$(node -e 'const path = require("path"); const { defaultEmbeddedFolder } = require("./dist/nodes/store"); const { STORE_FILE } = require("./dist/nodes/store/sqlite"); console.log(path.join(defaultEmbeddedFolder(), STORE_FILE))')"

# Demo mode: every outbound HTTP(S) call goes to the proxy `npm run demo` starts, which answers as
# HubSpot, Slack and Twilio would (the sinks the tests use) and trusts the demo's own CA, made once.
DEMO=""
if [ -n "${LEAD_HANDOFF_DEMO:-}" ] && [ "${LEAD_HANDOFF_DEMO}" != "0" ]; then
  DEMO_DIR="$USER_FOLDER/demo"
  node --import tsx scripts/demo.ts ca "$DEMO_DIR"
  DEMO_PROXY="http://127.0.0.1:${LEAD_HANDOFF_DEMO_PROXY_PORT:-$((PORT + 12))}"
  export HTTPS_PROXY="$DEMO_PROXY" https_proxy="$DEMO_PROXY" HTTP_PROXY="$DEMO_PROXY" http_proxy="$DEMO_PROXY"
  export NO_PROXY="localhost,127.0.0.1,::1" no_proxy="localhost,127.0.0.1,::1"
  export NODE_EXTRA_CA_CERTS="$DEMO_DIR/ca.pem"
  DEMO=1
  log "demo mode: outbound calls go to $DEMO_PROXY (npm run demo's local sinks)"
fi

URL="http://localhost:$PORT"
# Once n8n answers: create the owner on first start, then say where to log in.
(
  for _ in $(seq 1 360); do
    kill -0 "$$" 2>/dev/null || exit 0
    # The readiness probe first: it answers quietly, where an early /rest call logs "Database is not ready".
    if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz/readiness" 2>/dev/null &&
      settings="$(curl -fsS "http://127.0.0.1:$PORT/rest/settings" 2>/dev/null)" && [[ "$settings" == \{* ]]; then
      if [[ "$settings" == *'"showSetupOnFirstLoad":true'* ]]; then
        body="$(node -e 'console.log(JSON.stringify({ email: process.argv[1], firstName: "Lead", lastName: "Handoff", password: process.argv[2] }))' "$OWNER_EMAIL" "$OWNER_PASSWORD")"
        if curl -fsS -o /dev/null -H 'content-type: application/json' -d "$body" "http://127.0.0.1:$PORT/rest/owner/setup"; then
          log "created the owner account"
        else
          log "could not create the owner account (password: 8-64 characters, a digit and an uppercase letter)"
        fi
      fi
      login="$(node -e 'console.log(JSON.stringify({ emailOrLdapLoginId: process.argv[1], password: process.argv[2] }))' "$OWNER_EMAIL" "$OWNER_PASSWORD")"
      if curl -fsS -o /dev/null -H 'content-type: application/json' -d "$login" "http://127.0.0.1:$PORT/rest/login" 2>/dev/null; then
        password="$OWNER_PASSWORD"
      else
        password="(the password you set in n8n)"
      fi
      {
        echo
        echo "  n8n is ready, with n8n-nodes-lead-handoff installed"
        echo "    editor:     $URL"
        echo "    login:      $OWNER_EMAIL / $password"
        if [ -n "$TEMPLATE_LIST" ]; then
          echo "    templates:  imported into Overview -> Workflows"
          while IFS=$'\t' read -r id name; do echo "                - $name   $URL/workflow/$id"; done <<< "$TEMPLATE_LIST"
        fi
        echo "    store:      $STORE_PATH   (Lead Handoff Store, embedded; created when a workflow first keeps state)"
        if [ -n "$DEMO" ]; then echo "    demo mode:  run 'npm run demo' in another terminal (outbound calls go to its local sinks)"; fi
        echo "  Ctrl-C stops n8n; your workflows and the store stay in $USER_FOLDER."
        echo
      } >&2
      exit 0
    fi
    sleep 0.5
  done
  log "n8n did not answer on $URL after 3 minutes"
) &

log "starting n8n $N8N_VERSION on $URL (user folder $USER_FOLDER)"
# n8n replaces this shell: Ctrl-C reaches it directly and it shuts down cleanly.
exec "$N8N_BIN" start
