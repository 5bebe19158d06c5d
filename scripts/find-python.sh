#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains how to get one and fails.
# Rasa Open Source 3.6 supports Python 3.8-3.10 only.
set -u
for candidate in "${PYTHON:-}" python3.10; do
  [ -n "$candidate" ] || continue
  if path=$(command -v "$candidate" 2>/dev/null) && "$path" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
# pyenv installs Python versions without putting them on PATH unless selected.
if command -v pyenv >/dev/null 2>&1; then
  for path in "$(pyenv root)"/versions/3.10.*/bin/python3.10; do
    if [ -x "$path" ]; then echo "$path"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
error: Python 3.10 was not found.
  Rasa Open Source 3.6 runs on Python 3.8-3.10 only; this project pins 3.10.
  Install it, then run the command again, for example:
    Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv
    pyenv:          pyenv install 3.10.13
    macOS:          brew install python@3.10
  Or point to an interpreter:  make PYTHON=/path/to/python3.10 ...
MSG
exit 1
