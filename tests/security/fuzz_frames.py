"""Random and malformed WebSocket frames for the socket fuzz tests, from a seeded random.Random (a failing
run is reproduced with its seed), and a client that keeps sending whatever the server does."""

from __future__ import annotations

import base64
import contextlib
import json
import random
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

ONE_MB = 1024 * 1024
# Characters customers and attackers send: CJK, full-width digits, RTL, emoji, zero-width, controls.
ODD_TEXT = "保单号码理赔一二三０１２abcXYZ \t\n\r\x00\x1b\u200b\u202e\ufeff😀𠀀<>'\"&{}[]/\\%$"


def odd_string(rng: random.Random, size: int = 40) -> str:
    return "".join(rng.choice(ODD_TEXT) for _ in range(rng.randint(0, size)))


def odd_value(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value of any type, where a string or a number was expected."""
    kinds = ["str", "int", "float", "bool", "null", "list", "dict", "big", "neg"]
    kind = rng.choice(kinds if depth < 3 else kinds[:5])
    return {
        "str": lambda: odd_string(rng),
        "int": lambda: rng.randint(-5, 10),
        "float": lambda: rng.choice([0.5, -1.0, 1e308, 3.0]),
        "bool": lambda: rng.choice([True, False]),
        "null": lambda: None,
        "list": lambda: [odd_value(rng, depth + 1) for _ in range(rng.randint(0, 3))],
        "dict": lambda: {odd_string(rng, 8): odd_value(rng, depth + 1) for _ in range(rng.randint(0, 3))},
        "big": lambda: 10 ** rng.randint(19, 400),
        "neg": lambda: -(10 ** rng.randint(1, 30)),
    }[kind]()


def malformed(rng: random.Random, shapes: list[dict[str, Any]], max_frame: int) -> str | bytes:
    """One frame: a mutated version of a legitimate shape, or something that is not the protocol at all.
    `max_frame` is the largest frame to send (the server's own frame limit is far below it)."""
    shape = dict(rng.choice(shapes))
    choice = rng.random()
    if choice < 0.35:  # the protocol's own frames with fields of the wrong type, missing or extra
        for key in rng.sample(sorted(shape), k=rng.randint(0, len(shape))):
            if rng.random() < 0.3:
                del shape[key]
            else:
                shape[key] = odd_value(rng)
        if rng.random() < 0.2:
            shape[odd_string(rng, 10)] = odd_value(rng)
        return json.dumps(shape, ensure_ascii=rng.random() < 0.5)
    if choice < 0.45:  # unknown event types
        return json.dumps({**shape, rng.choice(["type", "event"]): odd_string(rng, 12)})
    if choice < 0.55:  # not JSON: cut short, or not even close
        text = json.dumps(shape)
        return text[: rng.randint(0, len(text) - 1)] if rng.random() < 0.6 else odd_string(rng, 200)
    if choice < 0.62:  # JSON, but not an object
        return json.dumps(rng.choice([[shape], "message", 42, None, True, [], [[1, 2], {"a": 1}]]))
    if choice < 0.69:  # nested deeper than any JSON parser recurses
        return "[" * rng.randint(1_000, 12_000) + "]" * rng.randint(0, 50)
    if choice < 0.76:  # binary frames
        return rng.randbytes(rng.randint(0, 2048))
    if choice < 0.82:  # large frames: over the protocol's limit, and now and then over the server's
        size = rng.choice([max_frame // 45, max_frame // 13, max_frame // 3, max_frame])
        return json.dumps({**shape, rng.choice(sorted(shape) or ["x"]): "字" * (size // 4)}, ensure_ascii=False)
    if choice < 0.88:  # control characters, BOMs, lone backslashes
        return rng.choice(["", " ", "\x00", "\ufeff{}", "{\"type\": \"\\", "null", "{}", "[]", "\"\"", "NaN",
                           '{"type": NaN}', '{"type": Infinity}', '{"type": "ping"}' * 3])
    if choice < 0.94:  # base64 that is not
        return json.dumps({**shape, "payload": rng.choice(["%%%", "=" * 7, "YQ", base64.b64encode(b"x").decode()[:-1],
                                                           odd_string(rng, 30)])})
    return json.dumps(shape)  # the legitimate frame, unchanged


class FuzzSocket:
    """A WebSocket a thread drains (the server's replies must never back up), reopened when the server
    closes it; every close code is recorded."""

    def __init__(self, url: str, **options: Any) -> None:
        self.url, self.options = url, options
        self.close_codes: list[int | None] = []
        self.replies = 0
        self._closing = False  # our own close is not the server's
        self._ws: ClientConnection | None = None
        self._thread: threading.Thread | None = None

    def open(self) -> ClientConnection:
        self._closing = False
        self._ws = connect(self.url, open_timeout=15, max_size=None, **self.options)
        self._thread = threading.Thread(target=self._drain, args=(self._ws,), daemon=True)
        self._thread.start()
        return self._ws

    def _drain(self, ws: ClientConnection) -> None:
        try:
            for _ in ws:
                self.replies += 1
        except ConnectionClosed as exc:
            if not self._closing:
                self.close_codes.append(exc.rcvd.code if exc.rcvd else None)
            return
        if not self._closing:
            self.close_codes.append(ws.close_code)

    def send(self, frame: str | bytes) -> bool:
        """Send one frame; False when the server had closed the connection (then it is reopened)."""
        if self._ws is None:
            self.open()
        assert self._ws is not None
        try:
            self._ws.send(frame)
            return True
        except ConnectionClosed:
            self.finish()
            self.open()
            return False

    def finish(self) -> None:
        if self._ws is not None:
            self._closing = self._ws.close_code is None  # still open: the close below is ours
            with contextlib.suppress(Exception):
                self._ws.close()
            if self._thread:
                self._thread.join(timeout=10)
        self._ws = None
