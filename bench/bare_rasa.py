"""What a turn costs Rasa itself: a bare `rasa init` bot against ours, served the same way, in one run.

The bare bot is the project `rasa init --no-prompt` makes (generated and trained in the Rasa venv,
nothing downloaded); its model is kept under the venv cache by a hash of what `rasa init` writes and of
Rasa's version, so only the first run trains it (a few minutes on 2 cores). Both bots run as `rasa run
--enable-api` with the REST channel and one TensorFlow thread (devstack/services.RASA_ENV); ours with its
whole stack (action server, policy API, the masked event broker to RabbitMQ and the event record).
Their greeting turns get the same 20-user load in alternating rounds (bench/turns.alternating_rounds): the
ratio is the median of the rounds' ratios, each side's figure its median round.

Merges bare_rasa_turns_per_s_20 and, from the same run, greet_turn_per_s_20 and their ratio into
bench/results.json (target: ours >= 0.8x bare). Run with `make bench`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.results import merge_results
from bench.turns import CONCURRENT_USERS, ROUNDS, alternating_rounds, rest_turn
from devstack import services

RASA_PACKAGE = Path(services.RASA_PYTHON).parent.parent / "lib" / "python3.11" / "site-packages" / "rasa"
CACHE = Path(os.environ.get("VENV_CACHE", Path.home() / ".cache" / "insurance-desk")) / "bare-rasa"
# The REST channel only, as ours is served (rasa init's credentials also name Rasa X's channel).
CREDENTIALS = "rest:\n"


def _init_hash() -> str:
    """What `rasa init` would write (its template project) and the Rasa version that trains it."""
    digest = hashlib.sha256()
    template = RASA_PACKAGE / "cli" / "initial_project"
    for path in sorted(p for p in template.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(template)).encode() + b"\0" + path.read_bytes())
    digest.update((RASA_PACKAGE / "version.py").read_bytes())
    return digest.hexdigest()[:16]


def bare_model() -> Path:
    """The trained `rasa init` model, from the cache or trained now (into a temp dir, then cached)."""
    cached = CACHE / _init_hash()
    if not (cached / "model.tar.gz").exists():
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "project"
            project.mkdir()
            print(f"training the bare `rasa init` bot once (cached in {cached}) ...", flush=True)
            subprocess.run([services.RASA, "init", "--no-prompt", "--init-dir", str(project)], cwd=tmp, check=True,
                           env={**os.environ, **services.RASA_ENV, "RASA_TELEMETRY_ENABLED": "false"})
            model = next((project / "models").glob("*.tar.gz"))
            cached.mkdir(parents=True, exist_ok=True)
            shutil.copy(model, cached / "model.tar.gz.part")
            (cached / "model.tar.gz.part").rename(cached / "model.tar.gz")
    return cached / "model.tar.gz"


@contextlib.contextmanager
def bare_rasa(model: Path, workdir: Path) -> Iterator[str]:
    port = services.free_port()
    credentials = workdir / "bare-credentials.yml"
    credentials.write_text(CREDENTIALS)
    cmd = [services.RASA, "run", "--enable-api", "-i", "127.0.0.1", "--port", str(port), "-m", str(model),
           "--credentials", str(credentials)]
    with services.service(f"bare_rasa_{port}", cmd, f"http://127.0.0.1:{port}/status", services.RASA_ENV,
                          timeout_s=services.rasa_start_timeout_s()):
        yield f"http://127.0.0.1:{port}"


async def compare(ours_url: str, bare_url: str) -> tuple[list[float], list[float]]:
    ours_turn = rest_turn(ours_url, "你好", {}, "智能客服")
    bare_turn = rest_turn(bare_url, "hello", {}, "Hey! How are you?")
    return await alternating_rounds(ours_turn, bare_turn)


@contextlib.contextmanager
def both_bots(wait_for_knowledge: bool = True) -> Iterator[tuple[str, str]]:
    """Our whole stack and the bare bot, served side by side: (our Rasa's URL, the bare bot's URL)."""
    model = bare_model()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        database_url = f"sqlite:///{workdir / 'policy.db'}"
        services.seed(database_url)
        api_url = stack.enter_context(services.policy_api(database_url))
        actions_url = stack.enter_context(services.action_server(api_url))
        ours_url = stack.enter_context(services.rasa_server(actions_url, workdir))
        bare_url = stack.enter_context(bare_rasa(model, workdir))
        if wait_for_knowledge:
            # The policy API builds its knowledge indexes in the background at start (minutes of CPU on a
            # cold embedding cache): the measured turns must not share the cores with that.
            services.wait_for_knowledge(api_url)
        yield ours_url, bare_url


def main() -> None:
    with both_bots() as (ours_url, bare_url):
        ours, bare = asyncio.run(compare(ours_url, bare_url))

    ours_per_s, bare_per_s = statistics.median(ours), statistics.median(bare)
    ratios = [o / b for o, b in zip(ours, bare, strict=True)]
    ratio = statistics.median(ratios)
    print(f"greeting turns/s at {CONCURRENT_USERS} users, {ROUNDS} alternating rounds:")
    print(f"  ours      {' '.join(f'{v:6.1f}' for v in ours)}  median {ours_per_s:.1f}")
    print(f"  bare Rasa {' '.join(f'{v:6.1f}' for v in bare)}  median {bare_per_s:.1f}")
    print(f"  ours/bare {' '.join(f'{v:6.2f}' for v in ratios)}  median {ratio:.2f} (target >= 0.80)")
    merge_results({
        "bare_rasa_turns_per_s_20": round(bare_per_s, 1),
        "greet_turn_per_s_20": round(ours_per_s, 1),
        "greet_to_bare_rasa_throughput_ratio_20": round(ratio, 2),
    })


if __name__ == "__main__":
    main()
