"""docker-compose.yml is a deployment that can boot: every service gets what its code and configuration read,
starts after what it needs is healthy, and only the TLS proxy faces the outside. Checked offline with
`docker-compose config` and `caddy validate`/`adapt` (no Docker engine here)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from devstack import services
from tests.deploy import compose, service_env

ROOT = services.ROOT
DATABASE_USERS = {"DATABASE_URL", "RASA_EVENTS_URL"}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return compose.rendered(compose.filled_env_file(tmp_path_factory.mktemp("compose")))


def _code(name: str) -> service_env.ServiceCode:
    code = service_env.SERVICES[name]
    if not code.present():
        pytest.skip(f"{code.paths[0]}/ is not in this checkout")
    return code


def test_the_compose_file_and_env_example_name_the_same_variables() -> None:
    assert set(compose.compose_variables()) == set(compose.env_example())


def test_env_example_has_no_secret_values_and_the_compose_defaults() -> None:
    example = compose.env_example()
    for name, (kind, default) in compose.compose_variables().items():
        if kind == ":?":  # required: the operator's own value, never one from this repository
            assert example[name] == "", name
        else:
            assert example[name] == default, name


def test_every_shared_secret_is_required_with_no_default() -> None:
    variables = compose.compose_variables()
    for secret in service_env.demo_secrets() | {"POSTGRES_PASSWORD", "RABBITMQ_PASSWORD"}:
        assert variables.get(secret, ("", ""))[0] == ":?", secret


@pytest.mark.parametrize("missing", sorted(n for n, (kind, _) in compose.compose_variables().items() if kind == ":?"))
def test_compose_refuses_to_start_without_each_required_value(missing: str, tmp_path: Path) -> None:
    result = compose.config(compose.filled_env_file(tmp_path, leave_out=missing))
    assert result.returncode != 0 and missing in result.stderr


@pytest.mark.parametrize("name", sorted(service_env.SERVICES))
def test_each_service_gets_every_variable_it_requires(name: str, config: dict[str, Any]) -> None:
    _code(name)
    environment = config["services"][name].get("environment") or {}
    missing = service_env.required(name) - set(environment)
    assert not missing, f"{name} reads {sorted(missing)} but docker-compose.yml does not set them"
    assert all(str(environment[v]).strip() for v in service_env.required(name)), "a required value is empty"


@pytest.mark.parametrize("name", sorted(service_env.SERVICES))
def test_each_service_is_given_only_variables_it_reads(name: str, config: dict[str, Any]) -> None:
    _code(name)
    if name == "rasa" and "${REDIS_HOST}" not in (ROOT / "bot" / "endpoints.docker.yml").read_text(encoding="utf-8"):
        pytest.skip("bot/endpoints.docker.yml does not take its addresses from the environment yet")
    environment = set(config["services"][name].get("environment") or {})
    unread = environment - service_env.env_use(name).reads - service_env.THIRD_PARTY
    assert not unread, f"{name} is given {sorted(unread)}, which nothing it runs reads (a typo, or stale?)"


def test_rasa_gets_every_variable_of_its_endpoints_and_credentials(config: dict[str, Any]) -> None:
    """Generic over whatever bot/endpoints.docker.yml and bot/credentials*.yml say at the time."""
    files = [ROOT / "bot" / "endpoints.docker.yml", *sorted((ROOT / "bot").glob("credentials*.yml"))]
    names = {name for file in files for name in service_env.yaml_variables(file)}
    environment = config["services"]["rasa"]["environment"]
    assert names <= set(environment), sorted(names - set(environment))
    # Rasa refuses to start on an unset ${VAR}; an empty one would connect to nothing.
    assert all(str(environment[n]).strip() for n in names)


def test_every_service_has_a_health_check_and_restarts(config: dict[str, Any]) -> None:
    for name, service in config["services"].items():
        if name == "init":  # a job: the others wait for it to complete, not to be healthy
            assert service.get("restart") == "no"
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert service.get("restart") == "unless-stopped", name


def test_services_start_only_after_what_they_need_is_healthy(config: dict[str, Any]) -> None:
    for name, service in config["services"].items():
        for dependency, condition in (service.get("depends_on") or {}).items():
            expected = "service_completed_successfully" if dependency == "init" else "service_healthy"
            assert condition == {"condition": expected}, f"{name} -> {dependency}: {condition}"
        environment = service.get("environment") or {}
        if name != "init" and any(str(environment.get(v, "")).startswith("postgresql") for v in DATABASE_USERS):
            # Tables exist only after the init job's migrations.
            assert "init" in (service.get("depends_on") or {}), name


def test_the_init_job_runs_desk_init_with_the_first_supervisor(config: dict[str, Any]) -> None:
    init = config["services"]["init"]
    assert compose.command_of(init) == ["python", "-m", "desk_init"]
    assert {"DATABASE_URL", "DESK_ADMIN_USER", "DESK_ADMIN_PASSWORD"} <= set(init["environment"])


def test_health_checks_ask_each_service_on_its_own_port_and_health_path(config: dict[str, Any]) -> None:
    paths = service_env.health_paths()
    for name, path in paths.items():
        service = config["services"][name]
        port = compose.listen_port(name, service, service_env.env_use(name).defaults)
        check = " ".join(service["healthcheck"]["test"])
        assert f"'http://127.0.0.1:{port}{path}'" in check, (name, check)


def test_every_address_a_service_calls_is_a_service_on_the_port_it_listens_on(config: dict[str, Any]) -> None:
    servers = config["services"]
    for name, service in servers.items():
        for variable, host, port in compose.urls_in(service.get("environment") or {}):
            if variable.endswith("PUBLIC_URL") or variable in ("VOICE_AUDIO_URL", "VOICE_CONSOLE_ORIGINS"):
                continue  # the address the outside (a carrier, an agent's browser) sees: the proxy's
            assert host in servers, f"{name}: {variable} points at {host}, not a service"
            listens = compose.listen_port(host, servers[host], service_env.env_use(host).defaults)
            assert port == listens, f"{name}: {variable} uses port {port}; {host} listens on {listens}"


def test_every_app_service_listens_on_all_interfaces_of_its_container(config: dict[str, Any]) -> None:
    for name in ("policy-api", "handoff", "voice"):
        use = service_env.env_use(name)
        host_variable = next(v for v in use.reads if v.endswith("_HOST") and v.startswith(name.split("-")[0].upper()))
        assert config["services"][name]["environment"][host_variable] == "0.0.0.0", name
    assert "0.0.0.0" in compose.command_of(config["services"]["actions"])


def test_only_the_proxy_is_published_and_on_the_edge(config: dict[str, Any]) -> None:
    published = {name for name, service in config["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    assert {int(p["target"]) if isinstance(p, dict) else int(p.split(":")[-1]) for p in
            config["services"]["proxy"]["ports"]} == {80, 443}
    for name, service in config["services"].items():
        expected = ["edge", "internal"] if name == "proxy" else ["internal"]
        assert sorted(service["networks"]) == expected, name
    assert config["networks"]["internal"]["internal"] is True


def test_behind_the_proxy_the_front_doors_trust_its_forwarded_headers(config: dict[str, Any]) -> None:
    """The hub compares a browser's Origin with https://<its host>; without the proxy's X-Forwarded-Proto it
    would think it is served over http and refuse every chat message posted through the proxy."""
    for name in ("handoff", "voice"):
        assert config["services"][name]["environment"].get("FORWARDED_ALLOW_IPS"), name
    assert config["services"]["handoff"]["environment"]["HANDOFF_COOKIE_SECURE"] == "1"


def _caddy(args: list[str], tls: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "DESK_DOMAIN": "desk.example.com",
           "DESK_TLS": tls}
    return subprocess.run(["caddy", *args, "--adapter", "caddyfile", "--config", str(ROOT / "deploy" / "Caddyfile")],
                          capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize("tls", ["internal", "ops@example.com"])
def test_the_caddyfile_is_valid_for_acme_and_internal_tls(tls: str) -> None:
    result = _caddy(["validate"], tls)
    assert result.returncode == 0, result.stderr[-2000:]


def _routes(node: Any) -> list[tuple[list[str], str]]:
    """(paths matched, upstream) of every reverse_proxy in Caddy's JSON, outermost match first."""
    found: list[tuple[list[str], str]] = []

    def walk(item: Any, paths: list[str]) -> None:
        if isinstance(item, dict):
            for match in item.get("match", []):
                paths = match.get("path", paths)
            if item.get("handler") == "reverse_proxy":
                found.extend((paths, up["dial"]) for up in item["upstreams"])
            for value in item.values():
                walk(value, paths)
        elif isinstance(item, list):
            for value in item:
                walk(value, paths)

    walk(node, [])
    return found


def test_the_proxy_forwards_only_the_front_doors_to_the_ports_they_listen_on(config: dict[str, Any]) -> None:
    result = _caddy(["adapt"], "internal")
    assert result.returncode == 0, result.stderr[-2000:]
    server = json.loads(result.stdout)["apps"]["http"]["servers"]["srv0"]
    assert server["listen"] == [":443"]
    routes = _routes(server["routes"])
    servers = config["services"]

    def port(name: str) -> int:
        return compose.listen_port(name, servers[name], service_env.env_use(name).defaults)

    assert routes == [(["/twiml", "/media", "/agent-audio"], f"voice:{port('voice')}"), (["/pay/*"], f"policy-api:{port('policy-api')}"),
                      ([], f"handoff:{port('handoff')}")]
    # The voice gateway's routes for our own services stay internal.
    assert not any("/utterance" in paths or "/calls" in paths for paths, _ in routes)


def test_every_command_runs_a_package_its_image_carries(config: dict[str, Any]) -> None:
    for name, service in config["services"].items():
        dockerfile = (service.get("build") or {}).get("dockerfile")
        if not dockerfile:
            continue
        text = (ROOT / dockerfile).read_text(encoding="utf-8")
        cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))
        module = compose.module_of(service, " ".join(cmd))
        package = module.split(".")[0]
        assert re.search(rf"^COPY {package} {package}$", text, re.M), f"{name} runs {module}; {dockerfile} lacks it"
