#!/usr/bin/env bash
# Creates .venv with Python 3.10 and makes it match requirements/lock.txt exactly.
# Idempotent: skipped when the lock has not changed since the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."
LOCK=requirements/lock.txt
STAMP=.venv/.lock.sha256
want=$(sha256sum "$LOCK" | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x .venv/bin/python ]; then
  exit 0
fi
python=$(scripts/find-python.sh)
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python"
  "$python" -m venv .venv
fi
uv_pin=$(grep -E '^uv==' "$LOCK")
.venv/bin/python -m pip install --quiet --disable-pip-version-check "$uv_pin"
echo "Installing the locked dependencies into .venv (uv pip sync $LOCK)"
.venv/bin/uv pip sync --python .venv/bin/python "$LOCK"
echo "$want" > "$STAMP"
