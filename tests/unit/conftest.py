"""The fast layer: in process, no service, no trained model.

Its actions' tests (actions/) need rasa_sdk and the tests of our Rasa patches (bot/) need Rasa, which only the Rasa
venv has: the app venv's run leaves those folders out here, and `make unit` and `make test` run them in the Rasa
venv (the Makefile's UNIT_ACTIONS), where they are collected. A folder left out is not a test skipped: nothing of it
runs in the app venv, all of it in the other."""

from __future__ import annotations

import importlib.util

collect_ignore = [] if importlib.util.find_spec("rasa_sdk") else ["actions", "bot"]
