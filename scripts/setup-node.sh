#!/usr/bin/env bash
# Installs the web widget's npm packages exactly as package-lock.json says (npm ci).
# Skipped when the lock has not changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f package-lock.json ] || exit 0
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm (Node.js 18 or newer) is needed for the web widget; install Node.js and retry." >&2
  exit 1
fi
STAMP=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi
npm ci --no-audit --no-fund --ignore-scripts
echo "$want" > "$STAMP"
