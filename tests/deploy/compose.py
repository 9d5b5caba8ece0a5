"""Reading docker-compose.yml as Docker would (`docker-compose config`, no engine needed) and .env.example."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from devstack import services

COMPOSE_FILE = services.ROOT / "docker-compose.yml"
ENV_EXAMPLE = services.ROOT / ".env.example"
# ${NAME}, ${NAME:-default}, ${NAME:?message}
VARIABLE = re.compile(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}")
# Rasa's HTTP server when no --port is given (its CLI default).
RASA_DEFAULT_PORT = 5005


def compose_variables() -> dict[str, tuple[str, str]]:
    """NAME -> (kind, default or message): kind ':?' required, ':-' with a default, '' plain."""
    found: dict[str, tuple[str, str]] = {}
    for name, kind, rest in VARIABLE.findall(COMPOSE_FILE.read_text(encoding="utf-8")):
        found.setdefault(name, (kind, rest))
    return found


def env_example() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def filled_env_file(directory: Path, leave_out: str | None = None) -> Path:
    """.env.example with every empty value filled (as an operator would), optionally one left empty."""
    lines = []
    for name, value in env_example().items():
        if name != leave_out:
            lines.append(f"{name}={value or name.lower() + '-' + 'x' * 32}")
    path = directory / ".env"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def config(env_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["docker-compose", "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config"],
                          cwd=services.ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"},
                          timeout=60)


def rendered(env_file: Path) -> dict[str, Any]:
    result = config(env_file)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else list(command)


def module_of(service: dict[str, Any], image_default: str) -> str:
    """The `python -m X` a service runs (its command, else the image's CMD)."""
    command = command_of(service) or image_default.split()
    return command[command.index("-m") + 1] if "-m" in command else ""


def listen_port(name: str, service: dict[str, Any], defaults: dict[str, str]) -> int:
    """The port a service listens on: --port/-p in its command, its *_PORT variable, else its default."""
    command = command_of(service)
    for flag in ("--port", "-p"):
        if flag in command:
            return int(command[command.index(flag) + 1])
    environment = service.get("environment") or {}
    for variable, default in defaults.items():
        if variable.endswith("_PORT"):
            return int(environment.get(variable) or default)
    assert name == "rasa", f"no port known for {name}"
    return RASA_DEFAULT_PORT


def urls_in(environment: dict[str, str]) -> list[tuple[str, str, int]]:
    """(variable, host, port) of every http(s) URL among a service's variables."""
    found = []
    for variable, value in environment.items():
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            parts = urlsplit(value)
            found.append((variable, parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)))
    return found
