"""The Redis key layout is written once (handoff/store/keys.py): the Lua scripts build their keys from it."""

from __future__ import annotations

import re

from handoff.store import lua
from handoff.store.keys import Keys

SCRIPTS = {name: value for name, value in vars(lua).items() if name.isupper() and not name.startswith("_") and name != "KEYS_PRELUDE"}


def test_every_script_starts_with_the_keys_of_keys_py() -> None:
    assert SCRIPTS
    for name, script in SCRIPTS.items():
        assert script.startswith(lua.KEYS_PRELUDE), name


def test_no_script_writes_a_key_of_its_own() -> None:
    for name, script in SCRIPTS.items():
        body = script[len(lua.KEYS_PRELUDE):]
        assert not re.search(r"\bp \.\.|ARGV\[1\] \.\.|'\:[a-z]", body), name


def test_the_prelude_builds_the_same_keys() -> None:
    keys = Keys("hub")
    assert "K.conv = function(a) return p .. ':c:' .. a end" in lua.KEYS_PRELUDE
    assert "K.queue = p .. ':queue'" in lua.KEYS_PRELUDE
    assert keys.conv("x") == "hub:c:x" and keys.queue == "hub:queue"
    assert "K.relay" not in lua.KEYS_PRELUDE  # two arguments: not used by a script
