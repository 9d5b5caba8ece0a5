"""docker-compose.yml stays a valid deployment description (no Docker engine needed to check it)."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from tests import services

SECRETS = ("POSTGRES_PASSWORD", "POLICY_API_KEY", "CUSTOMER_TOKEN_SECRET", "APP_JWT_SECRET", "RASA_JWT_SECRET",
           "RASA_CHANNEL_SECRET", "ACTION_SERVER_SECRET", "HANDOFF_API_KEY", "VOICE_API_KEY")
INTERNAL = ("postgres", "redis", "actions", "rasa", "outreach")


def compose_config(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["docker-compose", "-f", "docker-compose.yml", "config"], cwd=services.ROOT,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env})


def test_compose_file_is_valid():
    result = compose_config({name: "s" for name in SECRETS})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", SECRETS)
def test_compose_refuses_to_start_without_each_secret(missing):
    result = compose_config({name: "s" for name in SECRETS if name != missing})
    assert result.returncode != 0 and missing in result.stderr


def test_only_the_front_doors_are_published():
    config = yaml.safe_load(compose_config({name: "s" for name in SECRETS}).stdout)
    published = {name for name, svc in config["services"].items() if svc.get("ports")}
    assert published == {"handoff", "voice", "policy-api"}
    # The policy API only on the host's loopback (the simulated payment pages); Rasa and the actions nowhere.
    for port in config["services"]["policy-api"]["ports"]:  # "127.0.0.1:8001:8001/tcp" or the long form
        assert (port.get("host_ip") if isinstance(port, dict) else port.split(":")[0]) == "127.0.0.1", port
    for name in INTERNAL:
        assert list(config["services"][name]["networks"]) == ["internal"], name
    assert config["networks"]["internal"]["internal"] is True
