"""The environment is read where settings are (read from the source, an AST walk; nothing is imported).

A process reads its variables once, at start, into its settings class (a module named *settings*) and passes
them down. The one other place is a module that configures the process environment for a library that reads
its own variables when it loads (a module named *config*: voice/native_config.py for the recognition kernels,
observability/prometheus_config.py for prometheus_client's worker folder). Anywhere else, an `os.environ` or
`os.getenv` is a setting read behind the settings' back."""

from __future__ import annotations

import ast

from tests.unit.test_architecture import ROOT, packages


def _reads(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv") \
                and isinstance(node.value, ast.Name) and node.value.id == "os":
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" \
                and any(alias.name in ("environ", "getenv") for alias in node.names):
            lines.append(node.lineno)
    return lines


def test_only_settings_and_config_modules_touch_the_environment() -> None:
    found = []
    for package in sorted(packages()):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "settings" in relative or "config" in relative:
                continue
            found += [f"{relative}:{line}" for line in _reads(ast.parse(path.read_text("utf-8")))]
    assert not found, "read the variable in the process's settings class and pass the value down (or, for a " \
        f"library's own variable, in the module that configures its environment): {found}"


def test_the_scan_finds_each_way_of_reaching_the_environment() -> None:
    source = "import os\nfrom os import environ\na = os.environ.get('A')\nb = os.getenv('B')\nc = environ['C']\n"
    assert sorted(_reads(ast.parse(source))) == [2, 3, 4]
