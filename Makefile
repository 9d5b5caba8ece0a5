# 保险智能客服 / Insurance AI Service Desk
#   make run    build what is missing, train if data changed, seed demo data, start everything
#   make cluster  the same, as the production topology: Rasa and action-server replicas behind HAProxy,
#               trackers in PostgreSQL, locks in Redis (scripts/run.sh cluster)
#   make test   the same preparation, then every test (pytest drives rasa test and the e2e runs)
#   make unit   the fast layer only (tests/unit): no service, no trained model, under a minute
#   make bench  latency/throughput figures, merged into bench/results.json
#   make simulate  scripted customers against the whole system, then the service figures (bench/simulate.json)

SHELL := /bin/bash
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export HF_HUB_OFFLINE := 1

RASA_VENV := .venv-rasa
APP_VENV := .venv
RASA_PKGS := --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2

.PHONY: run cluster test unit bench simulate lint prereqs venvs train seed clean retention voice-testset voice-testset-rebuild voice-hashes voice-slips

# What the machine must have (Python 3.11, disk, Debian packages, Redis; PostgreSQL for tests), checked before
# the long steps; missing Debian packages are installed. `make test` also asks for the test-only ones.
PREREQS_FOR ?= run
test: PREREQS_FOR = test
cluster: PREREQS_FOR = cluster
bench: PREREQS_FOR = cluster
prereqs:
	scripts/prerequisites.sh $(PREREQS_FOR)

venvs: prereqs $(RASA_VENV)/bin/rasa $(APP_VENV)/bin/pytest

# rasa-dev-lock.txt: the image's rasa-lock.txt plus pytest, for the actions' unit tests.
$(RASA_VENV)/bin/rasa: requirements/rasa-dev-lock.txt requirements/rasa-lock.txt scripts/ensure_venv.sh
	scripts/ensure_venv.sh $(RASA_VENV) requirements/rasa-dev-lock.txt $(RASA_PKGS)

$(APP_VENV)/bin/pytest: requirements/app-lock.txt scripts/ensure_venv.sh
	scripts/ensure_venv.sh $(APP_VENV) requirements/app-lock.txt

train: venvs
	scripts/train.sh

# The schema first, by the same migrations the init job runs (desk_db); then the demo data and console users.
seed: venvs
	$(APP_VENV)/bin/python -m desk_db upgrade
	$(APP_VENV)/bin/python -m policy_api.seed
	mkdir -p var && $(APP_VENV)/bin/python -m handoff.seed | tee var/console-users.txt

run: train seed
	scripts/run.sh

# Seeds its own PostgreSQL database (POSTGRES_DB, default desk_cluster) as it starts.
cluster: train
	scripts/run.sh cluster

# The actions' unit tests need rasa_sdk and those of our Rasa patches need Rasa, so they run in the Rasa venv (the
# app venv's run leaves their folders out, tests/unit/conftest.py); --confcutdir keeps that run to tests/unit's own
# fixtures.
UNIT_ACTIONS := $(RASA_VENV)/bin/python -m pytest --confcutdir=tests/unit tests/unit/actions tests/unit/bot

test: train
	$(APP_VENV)/bin/ruff check .
	$(UNIT_ACTIONS) -q
	$(APP_VENV)/bin/python -m pytest tests -ra

# Only the venvs, not the machine's services: this layer starts none.
unit: $(RASA_VENV)/bin/rasa $(APP_VENV)/bin/pytest
	$(UNIT_ACTIONS) -q
	$(APP_VENV)/bin/python -m pytest tests/unit -q

bench: train
	$(APP_VENV)/bin/python -m bench.turns
	$(APP_VENV)/bin/python -m bench.bare_rasa
	$(APP_VENV)/bin/python -m bench.turn_cpu
	$(APP_VENV)/bin/python -m bench.knowledge
	$(APP_VENV)/bin/python -m bench.ocr
	$(APP_VENV)/bin/python -m bench.claims
	$(APP_VENV)/bin/python -m bench.voice
	$(APP_VENV)/bin/python -m bench.agent_audio
	$(APP_VENV)/bin/python -m bench.handoff
	$(APP_VENV)/bin/python -m bench.handoff_wait
	$(APP_VENV)/bin/python -m bench.security
	$(APP_VENV)/bin/python -m bench.nlu
	$(APP_VENV)/bin/python -m bench.cluster

CUSTOMERS ?= 300
SEED ?= 2026
simulate: train
	$(APP_VENV)/bin/python -m bench.simulate --customers $(CUSTOMERS) --seed $(SEED)

# The spoken test set (voice/tools/testset.py), shipped as bytes in tests/voice/testset: check it and print its hash.
voice-testset: venvs
	$(APP_VENV)/bin/python -m voice.tools.testset

# A new draw of the spoken test set, in place (TTS is random: figures change; commit it only on purpose).
voice-testset-rebuild: venvs
	$(APP_VENV)/bin/python -m voice.tools.testset --rebuild

# This host, the test set's hash and the hash of what the recogniser hears on it (compare across hosts).
voice-hashes: venvs
	$(APP_VENV)/bin/python -m voice.tools.reproducibility

# The recogniser's Mandarin slips, learned from the training sentences spoken through the line
# (voice/tools/slip_mining.py, about 20 minutes); writes voice/recognition/data/zh_heard_slips.json, which is committed.
voice-slips: venvs
	$(APP_VENV)/bin/python -m voice.tools.slip_mining

# Delete conversation data older than RETENTION_DAYS (default 180) from every store (retention/__main__.py);
# DRY_RUN=1 only counts. make run's secrets, when present, let it empty Rasa's trackers too.
retention: venvs
	if [ -f "$${DESK_VAR_DIR:-var}/secrets.env" ]; then set -a; . "$${DESK_VAR_DIR:-var}/secrets.env"; set +a; fi; \
	$(APP_VENV)/bin/python -m retention $(if $(DRY_RUN),--dry-run)

lint: venvs
	$(APP_VENV)/bin/ruff check .

clean:
	rm -rf models var results test-artifacts
