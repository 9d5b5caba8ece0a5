"""Test clients of the hub: a customer on the chat WebSocket, an agent with a console session."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from devstack import services


@dataclass
class HubRun:
    port: int
    prefix: str
    database_url: str
    passwords: dict[str, str]
    env: dict[str, str]
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(services.hub(self.port, self.env, name=f"hub_{self.prefix}"))

    def stop(self) -> None:
        self._stack.close()

    def restart(self, down_s: float = 0) -> None:
        self.stop()
        time.sleep(down_s)
        self.start()

    def handoff(self, cid: str, **fields: Any) -> httpx.Response:
        """As the action server posts one, with the hub's channel API key."""
        body = {"conversation_id": cid, "reason": "request", "language": "zh", "channel": "chat",
                "customer_id": None, "summary": [{"speaker": "customer", "text": "转人工"}], **fields}
        return httpx.post(f"{self.url}/api/handoffs", json=body, headers=services.HUB_KEY, timeout=10)

    def status(self, cid: str) -> dict[str, Any]:
        return httpx.get(f"{self.url}/api/conversations/{cid}/status", headers=services.HUB_KEY, timeout=10).json()

    def chat_session(self) -> tuple[str, str]:
        """A new conversation as the chat page gets one: (its id, the resume cookie's value)."""
        response = httpx.post(f"{self.url}/api/chat/session", timeout=10)
        assert response.status_code == 200, response.text
        return response.json()["conversation_id"], response.cookies["hub_chat"]


def open_ws(url: str, **options: Any) -> ClientConnection:
    """A connection the test closes itself (Frames.close), not bound to a with-block."""
    return connect(url, **options).__enter__()


def new_cid(tag: str = "t") -> str:
    return f"{tag}-{uuid.uuid4().hex[:14]}"


class Frames:
    """Frames from a WebSocket, read by a thread into a queue, with `wait_for(predicate)`."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.closed: ConnectionClosed | None = None
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for raw in self.ws:
                self.inbox.put(json.loads(raw))
        except ConnectionClosed as exc:
            self.closed = exc

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20,
                 what: str = "frame") -> dict[str, Any]:
        for frame in self.seen:
            if predicate(frame) and not frame.get("_taken"):
                frame["_taken"] = True
                return frame
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                frame = self.inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(frame)
            if predicate(frame):
                frame["_taken"] = True
                return frame
        raise AssertionError(f"no {what} within {timeout}s; got: {[_short(f) for f in self.seen[-12:]]}")

    def drain(self, seconds: float) -> list[dict[str, Any]]:
        """Everything that arrives in the next `seconds`."""
        got = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                frame = self.inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.seen.append(frame)
            got.append(frame)
        return got

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        self._thread.join(timeout=5)


def _short(frame: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in frame.items() if k in ("type", "seq", "sender", "text", "kind", "code",
                                                              "owner", "request_id")}, ensure_ascii=False)[:160]


class Customer:
    """The chat page's customer. Without a cid the hub mints a conversation and its resume cookie;
    reconnect with `cid` and that `cookie` (Customer.cookie); app conversations take the `token`."""

    def __init__(self, hub: HubRun, cid: str | None = None, last_seq: int = 0, token: str | None = None,
                 cookie: str | None = None) -> None:
        self.hub = hub
        if cid is None:
            cid, cookie = hub.chat_session()
        self.cid, self.cookie = cid, cookie
        headers = {"Cookie": f"hub_chat={cookie}"} if cookie else {}
        ws = open_ws(f"{hub.ws_url}/ws/chat/{self.cid}?last_seq={last_seq}", max_size=2**22,
                     additional_headers=headers)
        if token is not None:  # as the app does when it opens the chat of a signed-in customer
            ws.send(json.dumps({"type": "auth", "token": token}))
        self.frames = Frames(ws)

    def send(self, text: str, client_msg_id: str | None = None) -> str:
        msg_id = client_msg_id or uuid.uuid4().hex
        self.frames.ws.send(json.dumps({"type": "message", "text": text, "client_msg_id": msg_id}))
        return msg_id

    def verify_with_bot(self) -> None:
        """王芳 (C0001) proves who she is to the bot: her phone, then the last 4 of her ID number."""
        for text, expect in (("查一下我的保单", "验证身份"), ("13800138000", "后4位"), ("1234", "王芳")):
            self.send(text)
            self.event(lambda e, x=expect: e.get("sender") == "bot" and x in (e.get("text") or ""), 90, expect)

    def verified_to_agent(self, agent: Agent) -> dict[str, Any]:
        """王芳 verifies, asks for a person; the agent gets the offer, naming her, and accepts it."""
        self.verify_with_bot()
        self.send("转人工")
        offer = agent.offer(timeout=90)
        assert offer["customer_id"] == "C0001"
        assert agent.accept(offer["request_id"]).status_code == 200
        return offer

    def send_raw(self, raw: str | bytes) -> None:
        self.frames.ws.send(raw)

    def event(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30, what: str = "event") -> dict:
        return self.frames.wait_for(lambda f: f.get("type") == "event" and predicate(f), timeout, what)

    def bot_reply(self, timeout: float = 60) -> dict[str, Any]:
        return self.event(lambda f: f.get("sender") == "bot", timeout, "bot reply")

    def status(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15) -> dict[str, Any]:
        return self.frames.wait_for(lambda f: f.get("type") == "status" and predicate(f), timeout, "status")

    def error(self, code: str, timeout: float = 10) -> dict[str, Any]:
        return self.frames.wait_for(lambda f: f.get("type") == "error" and f.get("code") == code, timeout, code)

    def events(self) -> list[dict[str, Any]]:
        self.frames.drain(0.05)
        return [f for f in self.frames.seen if f.get("type") == "event"]

    def close(self) -> None:
        self.frames.close()


def app_chat_hello(hub: HubRun, token: str) -> None:
    """A customer signed in to the app opens her chat with her token and says hello; the bot answers."""
    customer = Customer(hub, token=token)
    try:
        customer.frames.wait_for(lambda f: f.get("type") == "auth_ok", 10, "auth_ok")
        customer.send("你好")
        customer.bot_reply(90)
    finally:
        customer.close()


class Agent:
    """An agent (or supervisor) signed in to the console, with its live WebSocket."""

    def __init__(self, hub: HubRun, username: str, available: bool = True) -> None:
        self.hub = hub
        self.username = username
        self.http = httpx.Client(base_url=hub.url, timeout=15)
        response = self.http.post("/api/console/login", json={"username": username,
                                                               "password": hub.passwords[username]})
        assert response.status_code == 200, response.text
        self.display_name = response.json()["display_name"]
        cookie = f"hub_session={self.http.cookies.get('hub_session')}"
        self.frames = Frames(open_ws(f"{hub.ws_url}/ws/console", additional_headers={"Cookie": cookie}))
        self.frames.wait_for(lambda f: f.get("type") == "hello", 10, "hello")
        if available:
            self.set_state("available")

    def set_state(self, state: str) -> None:
        assert self.http.post("/api/console/me/state", json={"state": state}).status_code == 200

    def offer(self, timeout: float = 15, request_id: str | None = None) -> dict[str, Any]:
        return self.frames.wait_for(lambda f: f.get("type") == "offer"
                                    and (request_id is None or f["request_id"] == request_id), timeout, "offer")

    def accept(self, request_id: str) -> httpx.Response:
        return self.http.post(f"/api/console/requests/{request_id}/accept")

    def reply(self, cid: str, text: str) -> httpx.Response:
        return self.http.post(f"/api/console/conversations/{cid}/messages", json={"text": text})

    def event(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 15, what: str = "event") -> dict:
        return self.frames.wait_for(lambda f: f.get("type") == "event" and predicate(f), timeout, what)

    def conversation(self, cid: str) -> dict[str, Any]:
        response = self.http.get(f"/api/console/conversations/{cid}")
        assert response.status_code == 200, response.text
        return response.json()

    def close(self) -> None:
        self.frames.close()
        self.http.close()


def recv_event(ws: ClientConnection, name: str, timeout: float = 60) -> Any:
    """The data of the next socket.io event `name` on a raw Engine.IO socket (answering pings meanwhile)."""
    while True:
        packet = ws.recv(timeout=timeout)
        if packet == "2":
            ws.send("3")
        elif packet.startswith("42"):
            event, data = json.loads(packet[2:])[:2]
            if event == name:
                return data
