#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed. Models are kept in $MODEL_CACHE keyed by the
# hash of everything that shapes them, so CI and later sessions on this machine reuse them.
set -euo pipefail
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
cd "$(dirname "$0")/.."
cache="${MODEL_CACHE:-$HOME/.cache/insurance-desk/models}"
inputs=$( (find config.yml bot/domain bot/data nlu_data bot/nlu_components.py bot/intent_ensemble.py bot/intent_gate.py common/numerics_config.py requirements/rasa-lock.txt -type f | sort | xargs cat) | sha256sum | cut -c1-16)
model="$cache/$inputs.tar.gz"
mkdir -p models "$cache"
if [ ! -f "$model" ]; then
  echo ">> training Rasa model $inputs"
  # A link left to a model no longer cached: Rasa's command line looks for the latest model in models/
  # while it parses its arguments, and stops on a dangling link before it trains anything.
  if [ -L models/current.tar.gz ] && [ ! -e models/current.tar.gz ]; then rm models/current.tar.gz; fi
  # The same kernels on every x86-64 host, so this model is the one any other host trains from these inputs.
  eval "$(.venv-rasa/bin/python -m common.numerics_config)"
  .venv-rasa/bin/rasa train --config config.yml --domain bot/domain --data nlu_data bot/data \
    --out "$cache/tmp-$inputs" --fixed-model-name "$inputs" --num-threads 2
  mv "$cache/tmp-$inputs/$inputs.tar.gz" "$model"
  rm -rf "$cache/tmp-$inputs"
fi
ln -sf "$model" models/current.tar.gz
echo "model: models/current.tar.gz -> $model"
