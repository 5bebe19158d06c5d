# Breast-milk immunity assistant: set-up, run and test with two commands.
#   make run    set everything up, train if needed, start every server
#   make test   set everything up, train if needed, run every check and test
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV       := .venv
BIN        := $(VENV)/bin
RASA       := $(BIN)/rasa
PY         := $(BIN)/python
SPACY_MODEL := build/spacy/en_breastmilk
SPACY_SOURCES := $(wildcard spacy_pipeline/patterns/*) spacy_pipeline/build.py

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup venv node spacy-model model run test validate facts-check pytest \
        test-core bench-nlu bench-dev bench-sealed lock review-user clean

help: ## Show this help
	@echo "Usage: make <target>"
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

venv: ## Create .venv (Python 3.10) and install the lock file (skipped when unchanged)
	@scripts/setup-venv.sh

node: ## Install the web widget's npm packages from package-lock.json (skipped when unchanged)
	@scripts/setup-node.sh

$(SPACY_MODEL)/meta.json: $(SPACY_SOURCES) requirements/lock.txt | venv
	$(PY) -m spacy_pipeline.build --output $(SPACY_MODEL)

spacy-model: venv $(SPACY_MODEL)/meta.json ## Build the project's spaCy pipeline from spacy_pipeline/

setup: venv node spacy-model ## Everything `make run` and `make test` need, except the model

model: setup ## Train a model if data, domain, config or the spaCy pipeline changed
	@scripts/train-if-changed.sh

run: model ## Set up, train if needed, and start every server (Ctrl-C stops all)
	@scripts/run.sh

validate: setup ## rasa data validate --fail-on-warnings
	$(RASA) data validate --fail-on-warnings

facts-check: venv ## Check the fact store and print a summary
	$(PY) -m actions.fact_store.check

pytest: model ## Unit, conversation, channel, browser and console tests
	@scripts/run-pytest.sh

test-core: model ## rasa test core on the test stories, failing on any prediction error
	$(RASA) test core --stories tests/stories --fail-on-prediction-errors --out results/core

test: model validate facts-check pytest test-core ## All checks and tests
	@echo "make test: all checks and tests passed"

HELDOUT_SETS := heldout heldout_2 heldout_3

bench-nlu: model ## NLU benchmark on the held-out sets, against a BM25 baseline
	$(PY) -m bench.nlu_benchmark --set $(HELDOUT_SETS:%=bench/data/%.yml)

DEV_SETS := urgent_dev sealed_urgent sealed_urgent_2 sealed_urgent_3 sealed_urgent_4 \
	sealed_urgent_5 sealed_urgent_6 sealed_urgent_7 sealed_urgent_8 sealed_urgent_9 \
	sealed_urgent_10 sealed_urgent_11 sealed_urgent_12 sealed_urgent_13 sealed_urgent_14 \
	sealed_urgent_15 sealed_urgent_16 sealed_urgent_17 sealed_urgent_18 sealed_urgent_19 \
	sealed_urgent_20 sealed_urgent_21 sealed_urgent_22 sealed_urgent_23 sealed_urgent_24 \
	sealed_urgent_25 sealed_urgent_26 sealed_urgent_27 sealed_urgent_28 sealed_urgent_29 \
	sealed_urgent_30 sealed_urgent_31 sealed_topics_2 sealed_topics_4 sealed_topics_5 sealed_topics_6
SEALED_SETS := sealed_urgent_33 sealed_urgent_32 \
	sealed_topics_10 sealed_topics_9 sealed_topics_8 sealed_topics_7 sealed_topics_3 sealed_topics

bench-dev: model ## Development sets (errors read while tuning), errors listed
	$(PY) -m bench.nlu_benchmark --errors --set $(DEV_SETS:%=bench/data/%.yml)

bench-sealed: model ## The sets whose errors nobody has read: see docs/benchmarks.md
	$(PY) -m bench.nlu_benchmark --set $(SEALED_SETS:%=bench/data/%.yml)

lock: ## Regenerate requirements/lock.txt from requirements/requirements.in
	$(BIN)/uv pip compile requirements/requirements.in --python-version 3.10 \
	  --python-platform x86_64-unknown-linux-gnu --upgrade -o requirements/lock.txt

clean: ## Remove trained models, build output and test artifacts (keeps .venv and var/)
	rm -rf models build results test-artifacts .rasa

review-user: venv ## Create a review-console account: make review-user EMAIL=you@example.org
	@test -n "$(EMAIL)" || { echo "usage: make review-user EMAIL=you@example.org (asks for the password)" >&2; exit 1; }
	$(PY) -m console create-user "$(EMAIL)"
