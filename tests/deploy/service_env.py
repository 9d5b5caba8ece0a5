"""What each deployed service reads from its environment, found in its code and configuration files.

The deployment tests (compose and Kubernetes) compare this with what the deployment gives each service, so a
variable added to a settings class or to bot/endpoints.docker.yml without wiring it fails them. Found with
`ast`, not by importing: every way our code reads the environment (os.environ.get / os.getenv / environ.get,
os.environ[...], pydantic Field(validation_alias=...) or pydantic 1's Field(env=...), desk_config's
setting()/secret()), and Rasa's `${VAR}` in its YAML files.

A variable is *required* when the service refuses to start without it (a required secret, which the entry
point checks, os.environ[...], Rasa's ${VAR}) or when it is an address (…_URL, …_HOST) whose default is this
machine, which inside a container is the container itself.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from devstack import services

ROOT = services.ROOT
ADDRESS = re.compile(r"_(URL|HOST)$")
ENV_IN_YAML = re.compile(r"\$\{(\w+)\}")
# Addresses a service reads whose absence is a supported choice, not a misconfiguration.
OPTIONAL_ADDRESSES = {
    # The hub's knowledge of the voice gateway and the action server's of the hub are set in every
    # deployment, but the settings themselves switch a feature off when unset; none here.
    "VOICE_AUDIO_URL",  # the gateway as agents' browsers reach it: unset (with its secret), agents only type
}
# Variables read by the libraries we run, not by our code.
THIRD_PARTY = {
    "FORWARDED_ALLOW_IPS",  # uvicorn: trust the proxy's X-Forwarded-Proto/-For
}


@dataclass(frozen=True)
class ServiceCode:
    """The code and configuration files of one deployed service (a compose service, a k8s Deployment)."""

    paths: tuple[str, ...]
    yaml_files: tuple[str, ...] = ()

    def present(self) -> bool:
        return (ROOT / self.paths[0]).exists()


# Compose service / Deployment name -> what it runs. The first path is the service's own package.
SERVICES: dict[str, ServiceCode] = {
    "policy-api": ServiceCode(("policy_api", "knowledge/embedding_cache.py")),
    "actions": ServiceCode(("actions",)),
    "rasa": ServiceCode(("bot",), ("bot/endpoints.docker.yml", "bot/credentials.yml")),
    "handoff": ServiceCode(("handoff", "service_figures/settings.py")),
    "outreach": ServiceCode(("outreach",)),
    "voice": ServiceCode(("voice",)),
    "event-record": ServiceCode(("event_record", "service_figures/settings.py")),
    "init": ServiceCode(("desk_init",)),
}
# Modules of a package that are tools run by hand (tests, benchmarks, data builds), not the service.
# Every module of voice/tools/ is one.
TOOLS = {p.relative_to(ROOT).as_posix() for p in (ROOT / "voice" / "tools").glob("*.py")} | {
    "outreach/run_once.py", "policy_api/seed.py", "handoff/seed.py", "handoff/seed_settings.py"}


@dataclass
class EnvUse:
    reads: set[str] = field(default_factory=set)
    required: set[str] = field(default_factory=set)
    # The literal defaults written next to the names (a port, a path), as strings.
    defaults: dict[str, str] = field(default_factory=dict)

    def default(self, name: str, value: ast.expr | None) -> None:
        if isinstance(value, ast.Constant) and value.value is not None:
            self.defaults.setdefault(name, str(value.value))


def string_tuples(tree: ast.Module) -> dict[str, list[str]]:
    """Every module-level `NAME = ("A", "B")` (the secrets `make run` generates)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List)):
            values = [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            found.update({t.id: values for t in node.targets if isinstance(t, ast.Name)})
    return found


def _func_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_environ(node: ast.expr) -> bool:
    """`os.environ`, or a parameter named `environ` standing for it."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ")


def _first_string(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def scan_python(tree: ast.Module, use: EnvUse) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.ctx, ast.Load):
            use.reads.add(node.slice.value)
            use.required.add(node.slice.value)
        if not isinstance(node, ast.Call):
            continue
        name = _func_name(node)
        first = _first_string(node)
        if name in ("get", "getenv") and first and (
                name == "getenv" or (isinstance(node.func, ast.Attribute) and _is_environ(node.func.value))):
            use.reads.add(first)
            use.default(first, node.args[1] if len(node.args) > 1 else None)
        elif name == "Field":
            flags = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            for kw in node.keywords:
                # env=: pydantic 1's BaseSettings (the action server, in Rasa's environment).
                if kw.arg in ("validation_alias", "alias", "env") and isinstance(kw.value, ast.Constant):
                    use.reads.add(kw.value.value)
                    default = next((k.value for k in node.keywords if k.arg == "default"), None)
                    use.default(kw.value.value, default or (node.args[0] if node.args else None))
                    if flags.get("secret") and flags.get("required"):
                        use.required.add(kw.value.value)
        elif name in ("setting", "secret") and first:
            use.reads.add(first)
            use.default(first, node.args[1] if name == "setting" and len(node.args) > 1 else None)
            optional = any(kw.arg == "required" and isinstance(kw.value, ast.Constant) and kw.value.value is False
                           for kw in node.keywords)
            if name == "secret" and not optional:
                use.required.add(first)


def _python_files(path: Path) -> list[Path]:
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [f for f in files if str(f.relative_to(ROOT)) not in TOOLS]


def env_use(service: str) -> EnvUse:
    code = SERVICES[service]
    use = EnvUse()
    for relative in code.paths:
        for file in _python_files(ROOT / relative):
            scan_python(ast.parse(file.read_text(encoding="utf-8")), use)
    for relative in code.yaml_files:
        names = yaml_variables(ROOT / relative)
        use.reads |= names
        use.required |= names
    return use


def yaml_variables(path: Path) -> set[str]:
    """The ${VAR} in a YAML file's values (as Rasa substitutes them; comments do not count)."""
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.update(ENV_IN_YAML.findall(node))

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def required(service: str) -> set[str]:
    """What the service cannot run without in a container (see the module docstring)."""
    use = env_use(service)
    addresses = {name for name in use.reads if ADDRESS.search(name) and name not in OPTIONAL_ADDRESSES}
    return use.required | addresses


def demo_secrets() -> set[str]:
    """Every shared secret `make run` generates (service_auth/demo.py): a deployment must require each."""
    tree = ast.parse((ROOT / "service_auth" / "demo.py").read_text(encoding="utf-8"))
    return set(string_tuples(tree)["DEMO_SECRETS"])


def health_paths() -> dict[str, str]:
    """Service -> the path that answers once it serves, as `make run` waits for it (scripts/run.sh)."""
    text = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    entries = re.findall(r'"(\w+) http://127\.0\.0\.1:\$\w+(/[^"]*)"', text)
    assert entries, "scripts/run.sh no longer lists its health URLs"
    return {name.replace("_", "-"): path for name, path in entries}
