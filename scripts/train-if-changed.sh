#!/usr/bin/env bash
# Trains only when something the model depends on changed (scripts/training_fingerprint.py:
# config, domain, data, custom NLU components, spaCy pipeline sources, locked dependencies),
# or when no model exists yet. The fingerprint of the trained inputs is kept next to the model.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/assistant.tar.gz
STAMP=models/assistant.fingerprint
current=$(.venv/bin/python scripts/training_fingerprint.py)
if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$current" ]; then
  echo "Model is up to date: $MODEL (fingerprint ${current:0:12})"
  exit 0
fi
echo "Training the model (data, domain, config, NLU components or spaCy pipeline changed)..."
start=$(date +%s)
rm -f "$STAMP"
.venv/bin/rasa train --fixed-model-name assistant --out models
echo "$current" > "$STAMP"
echo "Trained $MODEL in $(( $(date +%s) - start )) s"
