#!/usr/bin/env bash
# Runs pytest; "no tests collected" (exit code 5) is a failure, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$status"
