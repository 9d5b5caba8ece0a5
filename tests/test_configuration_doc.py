"""docs/configuration.md is what the settings classes say, and names every variable our code reads."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

from desk_config.reference import COMMAND, DOC, render

ROOT = Path(__file__).resolve().parent.parent
# Tests set variables for the services they start; they read none of their own.
SKIPPED_DIRS = {"tests", "var", "models", "node_modules"}
SETTINGS_CALLS = {"setting", "secret"}  # desk_config.base's field helpers: the env name comes first


def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name) \
        and node.value.id == "os"


def env_names_read(source: str) -> set[str]:
    """Variable names this source reads: os.environ.get/setdefault, os.getenv, os.environ[...] (loads),
    `"X" in os.environ`, and the names of settings fields (setting()/secret(), validation_alias=, env=)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            first = _constant(node.args[0]) if node.args else None
            if isinstance(func, ast.Attribute) and func.attr in ("get", "setdefault") and _is_environ(func.value) \
                    or isinstance(func, ast.Attribute) and func.attr == "getenv" \
                    and isinstance(func.value, ast.Name) and func.value.id == "os" \
                    or isinstance(func, ast.Name) and func.id in SETTINGS_CALLS:
                names.add(first or "")
            names.update(_constant(k.value) or "" for k in node.keywords if k.arg in ("validation_alias", "env"))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and _is_environ(node.value):
            names.add(_constant(node.slice) or "")
        elif isinstance(node, ast.Compare) and any(_is_environ(c) for c in node.comparators):
            names.add(_constant(node.left) or "")
    names.discard("")  # a name computed at run time: nothing a reader could grep for
    return names


def our_sources() -> list[Path]:
    return [path for path in ROOT.rglob("*.py")
            if not any(part.startswith(".") or part in SKIPPED_DIRS for part in path.relative_to(ROOT).parts)]


def test_the_committed_reference_is_the_generated_one() -> None:
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert current == render(), f"{DOC.relative_to(ROOT)} is out of date: run `{COMMAND}` and commit it"


def test_every_variable_our_code_reads_is_in_the_reference() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]*)`", DOC.read_text(encoding="utf-8")))
    missing = {}
    for path in our_sources():
        for name in env_names_read(path.read_text(encoding="utf-8")) - documented:
            missing.setdefault(name, str(path.relative_to(ROOT)))
    assert not missing, (f"read but not in {DOC.relative_to(ROOT)}: {missing}; a settings field: register its class "
                         f"in desk_config.reference.SETTINGS; any other read: a line in READ_ELSEWHERE; then `{COMMAND}`")


def test_the_scan_finds_each_way_of_reading_a_variable() -> None:
    source = textwrap.dedent('''
        import os
        a = os.environ.get("A_GET", "x")
        b = os.getenv("B_GETENV")
        c = os.environ["C_ITEM"]
        d = "D_IN" in os.environ
        os.environ.setdefault("E_DEFAULT", "1")
        os.environ["NOT_READ"] = "written, not read"
        f = os.environ.get(f"COMPUTED_{a}")
        class S:
            g: str = setting("G_SETTING", "", "what")
            h: str = secret("H_SECRET", "what")
            i: str = Field("", validation_alias="I_ALIAS")
            j: str = Field("", env="J_ENV")
    ''')
    assert env_names_read(source) == {"A_GET", "B_GETENV", "C_ITEM", "D_IN", "E_DEFAULT", "G_SETTING", "H_SECRET",
                                      "I_ALIAS", "J_ENV"}


def test_secrets_show_no_default_and_shared_variables_list_their_readers() -> None:
    doc = render()
    assert "| `CUSTOMER_TOKEN_SECRET` | required, no default |" in doc
    assert "| `TWILIO_AUTH_TOKEN` | unset (optional secret) |" in doc
    shared = doc.split("## Variables several services read")[1].split("\n## ")[0]
    assert re.search(r"\| `POLICY_API_KEY` \| policy API, action server, handoff hub \|", shared)
    assert "`DATABASE_URL`" in shared and "`REDIS_URL`" in shared
    rasa = doc.split("## Variables Rasa's configuration files read")[1].split("\n## ")[0]
    assert "| `ACTION_SERVER_SECRET` | bot/endpoints.docker.yml, bot/endpoints.yml |" in rasa
    # No machine's own paths: the same text on every checkout.
    assert str(ROOT) not in doc and str(Path.home()) not in doc
