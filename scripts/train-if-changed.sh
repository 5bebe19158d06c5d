#!/usr/bin/env bash
# Trains only when Rasa's fingerprint says data, domain, config or the spaCy pipeline
# changed (`rasa train --dry-run`), or when no model exists yet.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/assistant.tar.gz
if [ -f "$MODEL" ] && .venv/bin/rasa train --dry-run --fixed-model-name assistant >/dev/null 2>&1; then
  echo "Model is up to date: $MODEL"
  exit 0
fi
echo "Training the model (data, domain, config or spaCy pipeline changed)..."
start=$(date +%s)
.venv/bin/rasa train --fixed-model-name assistant --out models
echo "Trained $MODEL in $(( $(date +%s) - start )) s"
