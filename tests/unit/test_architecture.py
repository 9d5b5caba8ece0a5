"""Import rules between the top-level packages, read from the source (an AST walk; nothing is imported).

The deployable services (actions, policy_api, handoff, voice, outreach) must not import one another; every
other package is a library that any service may import and that imports no service; no package imports
`tests`. All of that holds: the test fails on any import breaking it that is not listed below (the list is
empty), and on a listed one that is gone (so the list only shrinks)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"actions", "policy_api", "handoff", "voice", "outreach"}
NOT_PRODUCT = {"tests", "bench", "devstack", "scripts"}

# (importing file, imported module) still crossing a service boundary: none. Code two processes share goes into a
# library (hub_records/, voice_records/, knowledge/ ...), not into one service for the other to import.
KNOWN_CROSSINGS: set[tuple[str, str]] = set()
KNOWN_CYCLES: set[frozenset[str]] = set()


def packages() -> set[str]:
    return {d.name for d in ROOT.iterdir() if (d / "__init__.py").exists() and d.name not in NOT_PRODUCT}


def named_by(node: ast.AST, names_too: bool = False) -> list[str]:
    """The modules an absolute import statement names; with names_too also `module.name` for each name of a
    `from module import name` (the name may be a submodule). Any other node names none."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        return [node.module] + ([f"{node.module}.{alias.name}" for alias in node.names] if names_too else [])
    return []


def imports() -> list[tuple[str, str, str]]:
    """(file, importing package, imported module) for every absolute import of our own packages."""
    ours = packages() | {"tests"}
    found = []
    for package in sorted(packages()):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                for module in named_by(node):
                    top = module.split(".")[0]
                    if top in ours and top != package:
                        found.append((path.relative_to(ROOT).as_posix(), package, module))
    return found


def test_no_product_code_imports_the_tests() -> None:
    assert not [(f, m) for f, _, m in imports() if m.split(".")[0] == "tests"]


def test_services_and_libraries_cross_only_where_listed() -> None:
    crossings = {(f, m) for f, _, m in imports() if m.split(".")[0] in SERVICES}
    assert not crossings - KNOWN_CROSSINGS, "new imports of a service's internals: talk to it over its contract, " \
        "or move the shared code into a library (common/, desk_db/ ...)"
    assert not KNOWN_CROSSINGS - crossings, "gone: take them off KNOWN_CROSSINGS"


def test_no_new_package_cycles() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for _, package, module in imports():
        edges[package].add(module.split(".")[0])
    mutual = {frozenset({a, b}) for a in edges for b in edges[a] if a in edges.get(b, set())}
    assert mutual <= KNOWN_CYCLES, mutual - KNOWN_CYCLES
    # Longer cycles: none at all (a depth-first walk from every package).
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in edges.get(start, ()))
    longer = {p for p in edges for q in edges[p] if frozenset({p, q}) not in KNOWN_CYCLES and reaches(q, p, {q})}
    assert not longer, longer


# Inside the voice gateway the layers point one way: the tools (voice/tools/) drive the line and the recogniser;
# the live call (voice/line/) uses the recogniser (voice/recognition/), which knows nothing of the call. Nothing
# the gateway runs imports a tool.
VOICE_LAYERS: dict[str, tuple[str, ...]] = {
    "voice/recognition/": ("voice.line", "voice.tools", "voice.app"),
    "voice/line/": ("voice.tools", "voice.app"),
    "voice/": ("voice.tools",),
}


def test_voice_layers_point_one_way() -> None:
    wrong = []
    for path in sorted((ROOT / "voice").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("voice/tools/"):
            continue
        layer = next(prefix for prefix in VOICE_LAYERS if relative.startswith(prefix))
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            wrong += [f"{relative}:{node.lineno} -> {m}" for m in named_by(node, names_too=True)
                      if any(m == banned or m.startswith(banned + ".") for banned in VOICE_LAYERS[layer])]
    assert not wrong, wrong



# Inside the hub only handoff/store/ touches Redis: it imports `redis`, holds the client and builds the keys
# (handoff/store/keys.py, once). Elsewhere in handoff/ an import of redis, a `.redis` (the client) or a
# `.redis_url` (a connection of its own) is a finding. Still crossing (file: why; none today), to take off
# when gone:
KNOWN_REDIS_USERS: dict[str, str] = {}


def redis_users() -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted((ROOT / "handoff").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("handoff/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            found[relative] += [f"{node.lineno}: import {m}" for m in named_by(node) if m.split(".")[0] == "redis"]
            if isinstance(node, ast.Attribute) and node.attr in ("redis", "redis_url"):
                found[relative].append(f"{node.lineno}: .{node.attr}")
    return {file: where for file, where in found.items() if where}


def test_only_the_hub_store_touches_redis() -> None:
    users = redis_users()
    assert not set(users) - set(KNOWN_REDIS_USERS), \
        f"go through handoff/store/ (State, or a store module): {({f: users[f] for f in set(users) - set(KNOWN_REDIS_USERS)})}"
    assert not set(KNOWN_REDIS_USERS) - set(users), "gone: take them off KNOWN_REDIS_USERS"


# Inside the hub the routes (handoff/api/) parse the request, check the credential, call a use case and shape
# the answer: the hub's live state and event bus are the use cases' to use (handoff/*.py beside service.py).
# A route that reads `hub.state` or `hub.bus` (or `...hub.state`, the hub reached through the app) is a finding.
HUB_INTERNALS = ("state", "bus")


def hub_internals_used(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in HUB_INTERNALS:
            owner = node.value
            if (isinstance(owner, ast.Name) and owner.id == "hub") or \
                    (isinstance(owner, ast.Attribute) and owner.attr == "hub"):
                lines.append(node.lineno)
    return lines


def test_hub_routes_go_through_the_use_cases() -> None:
    found = [f"{path.relative_to(ROOT).as_posix()}:{line}"
             for path in sorted((ROOT / "handoff" / "api").rglob("*.py"))
             for line in hub_internals_used(ast.parse(path.read_text("utf-8")))]
    assert not found, f"call a use case (handoff/*.py) instead of the hub's state or bus: {found}"


def test_the_route_scan_finds_the_hub_state_and_bus() -> None:
    source = ("await hub.state.conversation(cid)\n"
              "async with hub.bus.subscribe('sup') as sub: pass\n"
              "await request.app.state.hub.state.ping()\n"
              "hub = request.app.state.hub\n"  # the app's own state, holding the hub: fine
              "load.state\n")
    assert sorted(hub_internals_used(ast.parse(source))) == [1, 2, 3]


# The router and the hub do not hold each other: the router (handoff/routing.py) is given the live state, the bus,
# the records, the wake event and the callables it needs, and the hub reaches it only through the wake event and
# the callable it is given for placing a request at once (Hub.place_now). Neither module imports the other or
# names the other's class.
NOT_HELD = {"handoff/routing.py": ("handoff.service", "Hub"), "handoff/service.py": ("handoff.routing", "Router")}


def holds(tree: ast.AST, module: str, name: str) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if any(m == module or m.startswith(module + ".") for m in named_by(node, names_too=True)) or \
                (isinstance(node, ast.Name) and node.id == name) or \
                (isinstance(node, ast.Attribute) and node.attr == name.lower()):
            lines.append(node.lineno)
    return lines


def test_the_router_and_the_hub_do_not_hold_each_other() -> None:
    found = {file: where for file, (module, name) in NOT_HELD.items()
             if (where := holds(ast.parse((ROOT / file).read_text("utf-8")), module, name))}
    assert not found, f"give the router what it needs, and signal it through the wake event or a callable: {found}"


def test_the_holding_scan_finds_an_import_a_name_and_an_attribute() -> None:
    source = ("from handoff.service import Hub\n"
              "import handoff.service\n"
              "from handoff import service\n"
              "def __init__(self, hub: Hub) -> None:\n"
              "    self.hub = hub\n"
              "    x: Hub = hub\n"
              "    self.state = state\n")
    assert sorted(holds(ast.parse(source), "handoff.service", "Hub")) == [1, 2, 3, 4, 5, 6]

# The tests are imported by nothing but the tests: not by product code, nor by the bench, the scripts or the
# development stack (devstack/) they share. devstack is a library of its own: it names a service only in a
# `python -m <module>` command line, never in an import. Neither it nor the bench is in an image, so product
# code imports neither. An import_module("...") of a constant name counts as an import.
DEV_TREES = ("bench", "scripts", "devstack")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in a file, and every import_module/__import__ of a constant."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        found += [(node.lineno, module) for module in named_by(node)]
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str) \
                and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__"):
            found.append((node.lineno, node.args[0].value))
    return found


def imports_of(trees: list[str], banned: set[str]) -> list[str]:
    return [f"{path.relative_to(ROOT).as_posix()}:{line} -> {module}"
            for tree in trees for path in sorted((ROOT / tree).rglob("*.py"))
            for line, module in imported_modules(path) if module.split(".")[0] in banned]


def test_nothing_but_the_tests_imports_the_tests() -> None:
    wrong = imports_of(sorted(packages()) + list(DEV_TREES), {"tests"})
    assert not wrong, f"move what they share with the tests into devstack/: {wrong}"


def test_devstack_imports_no_service() -> None:
    wrong = imports_of(["devstack"], SERVICES)
    assert not wrong, f"start a service with `python -m <module>`, talk to it over its contract: {wrong}"


def test_product_code_imports_neither_devstack_nor_the_bench() -> None:
    assert not imports_of(sorted(packages()), {"devstack", "bench"})
