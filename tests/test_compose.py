"""docker-compose.yml stays a valid deployment description (no Docker engine needed to check it)."""

from __future__ import annotations

import subprocess

from tests import services


def test_compose_file_is_valid():
    env = {"PATH": "/usr/bin:/bin", "POLICY_API_KEY": "k", "APP_JWT_SECRET": "s"}
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
                            cwd=services.ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_secrets():
    result = subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config", "-q"],
                            cwd=services.ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode != 0 and "POLICY_API_KEY" in result.stderr
