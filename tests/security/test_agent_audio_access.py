"""Attacks on a phone call's audio from the console: the hub's ticket route (POST
/api/console/conversations/{cid}/audio-ticket, a real hub process) and the voice gateway's WS /agent-audio
(its real route and ticket checks, in-process, with a stand-in call: loading Whisper adds nothing to who may
connect; the browser test tests/voice/test_agent_call_browser.py drives the real call end to end).

Only the agent who owns the voice conversation gets a ticket; the gateway takes a browser only from the console's
origin, only with a ticket the hub signed, not expired, not used before, for a call that is with a person now."""

from __future__ import annotations

import json
import secrets
import time
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient, WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from devstack.hub_clients import Agent, new_cid
from service_auth.agent_audio_tickets import TicketSigner
from tests.security.standalone_hub import console_session, error_code, hub_without_bot
from voice.line import agent_audio

SECRET = secrets.token_urlsafe(32)
VOICE_URL = "ws://127.0.0.1:8992"
CONSOLE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with hub_without_bot(tmp_path_factory.mktemp("hub"), VOICE_AGENT_AUDIO_SECRET=SECRET,
                         VOICE_AUDIO_URL=VOICE_URL) as run:
        yield run


def _owned(hub, agent: Agent, channel: str) -> str:
    cid = new_cid("voice" if channel == "voice" else "chat")
    assert hub.handoff(cid, channel=channel).status_code == 201
    offer = agent.offer(20)
    assert agent.accept(offer["request_id"]).status_code == 200
    return offer["conversation_id"]


def test_only_the_agent_who_owns_a_call_gets_an_audio_ticket(hub):
    agent = Agent(hub, "agent1")
    other = console_session(hub, "agent2")
    try:
        call = _owned(hub, agent, "voice")
        path = f"/api/console/conversations/{call}/audio-ticket"
        answer = agent.http.post(path)
        assert answer.status_code == 200, answer.text
        grant = TicketSigner(SECRET).check(answer.json()["ticket"])
        assert (grant.call_id, grant.agent) == (call, "agent1")
        assert answer.json()["url"] == VOICE_URL + "/agent-audio"
        # The console page may connect to the gateway, and nowhere else.
        csp = agent.http.get("/console/agent").headers["content-security-policy"]
        assert f"connect-src 'self' {VOICE_URL};" in csp
        refused = other.post(path)
        assert refused.status_code == 403 and error_code(refused) == "not_your_call"
        with httpx.Client(base_url=hub.url, timeout=15) as stranger:
            assert stranger.post(path).status_code == 401
        cross = agent.http.post(path, headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403 and error_code(cross) == "origin_refused"
        chat = _owned(hub, agent, "chat")
        answer = agent.http.post(f"/api/console/conversations/{chat}/audio-ticket")
        assert answer.status_code == 409 and error_code(answer) == "not_a_call"
        assert agent.http.post("/api/console/conversations/voice-nosuchcall0/audio-ticket").status_code in (403, 404)
    finally:
        agent.close()
        other.close()


class _Call:
    """Stands in for voice.line.session.CallSession at the route's edge: what the route may do to a call."""

    def __init__(self, call_id: str, state: str = "agent") -> None:
        self.call_id = call_id
        self.state = state
        self.agent_line: Any = None
        self.spoken: list[bytes] = []
        self.hung_up = False

    async def agent_speaks(self, ulaw: bytes) -> None:
        self.spoken.append(ulaw)

    async def agent_hangs_up(self) -> None:
        self.hung_up = True
        self.state = "ended"


def _gateway(calls: dict[str, _Call]) -> TestClient:
    app = FastAPI()
    settings = SimpleNamespace(agent_audio_secret=SECRET, console_origins=(CONSOLE,))
    app.state.services = SimpleNamespace(settings=settings, active=calls)
    app.include_router(agent_audio.router)
    return TestClient(app)


def _closed_with(client: TestClient, first: str, origin: str = CONSOLE) -> int:
    with client.websocket_connect("/agent-audio", headers={"Origin": origin}) as ws:
        ws.send_text(first)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
    return closed.value.code


def _ticket(call_id: str, secret: str = SECRET, now: float | None = None) -> str:
    return json.dumps({"ticket": TicketSigner(secret).issue(call_id, "agent1", now=now)})


def test_the_gateway_takes_only_the_console_origin_and_a_fresh_ticket_for_a_call_with_a_person():
    calls = {"voice-a": _Call("voice-a"), "voice-bot": _Call("voice-bot", "talk")}
    client = _gateway(calls)
    for origin in (None, "https://evil.example", "null"):
        headers = {"Origin": origin} if origin else {}
        with pytest.raises(WebSocketDenialResponse) as refused:  # the upgrade is answered 403, never accepted
            with client.websocket_connect("/agent-audio", headers=headers):
                pass
        assert refused.value.status_code == 403
    assert _closed_with(client, '{"hello": 1}') == 4401  # no ticket
    assert _closed_with(client, "not json") == 4401
    assert _closed_with(client, _ticket("voice-a", secret="forged-" + SECRET)) == 4401  # another key: forged
    assert _closed_with(client, _ticket("voice-a", now=time.time() - 3600)) == 4401  # expired
    assert _closed_with(client, _ticket("voice-other")) == 4404  # a call that is not on this gateway
    assert _closed_with(client, _ticket("voice-bot")) == 4404  # a call the assistant has, not a person
    assert not any(c.agent_line for c in calls.values())
    ticket = _ticket("voice-a")
    with client.websocket_connect("/agent-audio", headers={"Origin": CONSOLE}) as ws:
        ws.send_text(ticket)
        time.sleep(0.2)
        line = calls["voice-a"].agent_line
        assert line is not None and line.agent == "agent1"
        assert _closed_with(client, ticket) == 4401  # the same ticket again: spent
        ws.send_bytes(b"\x7f" * 160)  # the agent speaks
        ws.send_bytes(b"\x7f" * 4000)  # more than 200 ms at once: dropped
        line.hear(b"\x00" * 160)  # the caller speaks
        assert ws.receive_bytes() == b"\x00" * 160
        ws.send_text('{"type": "hangup"}')
        with pytest.raises(WebSocketDisconnect):
            ws.receive_bytes()
    assert calls["voice-a"].spoken == [b"\x7f" * 160]
    assert calls["voice-a"].hung_up and calls["voice-a"].agent_line is None
