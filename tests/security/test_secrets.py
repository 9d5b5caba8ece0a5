"""Published defaults: they were public (dev-policy-api-key read any customer). Every service
refuses to start with a missing, published or short secret, in one line naming it, unless in demo mode;
`make run`'s demo mode uses secrets generated per install. Real processes, started as `make run` does."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import httpx
import pytest

from devstack import services
from service_auth import demo

GOOD = "g" * 8 + "0123456789abcdefghijklmnopqrstuvwxyz"  # long enough, no published value
ALL_GOOD = {name: GOOD for name in demo.DEMO_SECRETS}

CASES = [
    # (entry point, the secret that is wrong, its value; None = not set)
    ([services.APP_PYTHON, "-m", "policy_api"], "POLICY_API_KEY", "dev-policy-api-key"),
    ([services.APP_PYTHON, "-m", "policy_api"], "POLICY_API_KEY", None),
    ([services.APP_PYTHON, "-m", "policy_api"], "CUSTOMER_TOKEN_SECRET", None),
    ([services.APP_PYTHON, "-m", "handoff"], "APP_JWT_SECRET", "dev-app-jwt-secret-change-me-in-production"),
    ([services.APP_PYTHON, "-m", "handoff"], "RASA_JWT_SECRET", None),
    ([services.APP_PYTHON, "-m", "voice"], "RASA_CHANNEL_SECRET", "s3cr3t!"),
    ([services.RASA_PYTHON, "-m", "actions.server"], "ACTION_SERVER_SECRET", None),
    ([services.RASA_PYTHON, "-m", "actions.server"], "POLICY_API_KEY", "changethis"),
    ([services.RASA_PYTHON, "-m", "bot.server"], "RASA_JWT_SECRET", "x" * 31),
    ([services.RASA_PYTHON, "-m", "bot.server"], "ACTION_SERVER_SECRET", None),
    # Optional (downloads are off without it), but a weak one is refused, not used.
    ([services.APP_PYTHON, "-m", "policy_api"], "EPOLICY_LINK_SECRET", "changeme"),
    ([services.APP_PYTHON, "-m", "handoff"], "EPOLICY_LINK_SECRET", "short-epolicy-key"),
]


def clean_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in demo.DEMO_SECRETS and k != "DESK_DEMO_MODE"}
    env.update({**ALL_GOOD, "PYTHONPATH": str(services.ROOT)})
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


@pytest.mark.parametrize(("cmd", "name", "value"), CASES, ids=lambda c: c[-1] if isinstance(c, list) else str(c))
def test_service_started_with_missing_or_default_secret_exits_with_clear_message(cmd, name, value):
    result = subprocess.run(cmd, cwd=services.ROOT, env=clean_env(**{name: value}), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith(f"refusing to start: {name} "), result.stderr[-2000:]
    if value:
        assert value not in lines[-1]  # the message names the variable, never echoes the value


def test_demo_mode_starts_with_a_weak_secret_but_production_does_not(tmp_path):
    """DESK_DEMO_MODE=1 turns a weak (not missing) secret into a warning; the same start without it is refused."""
    port = services.free_port()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "POLICY_API_PORT": str(port),
           "POLICY_API_KEY": "demo-key", "CUSTOMER_TOKEN_SECRET": GOOD, "APP_JWT_SECRET": GOOD, "DESK_DEMO_MODE": "1"}
    with services.service(f"policy_api_demo_{port}", [services.APP_PYTHON, "-m", "policy_api"],
                          f"http://127.0.0.1:{port}/health", env):
        assert httpx.get(f"http://127.0.0.1:{port}/v1/customers/C0001", timeout=10).status_code == 401
    log = (services.LOG_DIR / f"policy_api_demo_{port}.log").read_text()
    assert "POLICY_API_KEY is shorter than 32 characters; accepted only because DESK_DEMO_MODE=1" in log


def test_demo_secrets_are_random_per_install_and_private(tmp_path: Path):
    first, second = tmp_path / "a" / "secrets.env", tmp_path / "b" / "secrets.env"
    assert demo.ensure(first) == list(demo.DEMO_SECRETS)
    demo.ensure(second)
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    values = demo.existing(first)
    assert set(values) == set(demo.DEMO_SECRETS) and all(len(v) >= 32 for v in values.values())
    assert not set(values.values()) & set(demo.existing(second).values())  # no two installs share one
    assert demo.ensure(first) == [] and demo.existing(first) == values  # kept across runs
