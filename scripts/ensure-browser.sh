#!/usr/bin/env bash
# The editor suite drives Debian's Chromium through playwright-core, which never downloads a
# browser of its own here. Installs the chromium package when /usr/bin/chromium is missing
# (as root, the way CI and the development machines run).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
CHROMIUM="${LEAD_HANDOFF_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
log "no Chromium at $CHROMIUM: running apt-get update && apt-get install -y chromium"
apt-get update >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
log "installed $("$CHROMIUM" --version 2>/dev/null | head -1)"
