"""Transfer to a person through the real handoff hub: the call is queued with channel "voice", the caller
hears the hold prompt, the agent who accepts is announced and what the agent types is spoken to the
caller; what the caller says meanwhile reaches the agent.

The hold prompts' wording is tested on its own in test_voice_units.py.
"""

from __future__ import annotations

import asyncio
import importlib
import time
import uuid

import httpx

from devstack import services
from tests.voice.conftest import twilio_token, voice_service
from voice.tools import testset

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_a_call_handed_to_a_person_is_queued_announced_and_bridged(stack, tmp_path):
    # Imported here: both exist only once the hub is merged (and ruff must sort them either way).
    seed = importlib.import_module("handoff.seed").seed
    clients = importlib.import_module("devstack.hub_clients")
    Agent, HubRun = clients.Agent, clients.HubRun  # noqa: N806

    prefix = f"test-voice-hub-{uuid.uuid4().hex[:8]}"
    database_url = f"sqlite:///{tmp_path / 'hub.db'}"
    users = seed(database_url)
    hub = HubRun(port=stack.hub_port, prefix=prefix, database_url=database_url,
                 passwords={u.username: u.password for u in users},
                 env={"HANDOFF_REDIS_PREFIX": prefix, "REDIS_URL": REDIS_URL, "DATABASE_URL": database_url,
                      "RASA_URL": stack.rasa_url, "POLICY_API_URL": stack.api_url, "HANDOFF_ESCALATE_S": "120"})
    hub.start()
    try:
        with voice_service(stack.rasa_url, f"sqlite:///{tmp_path / 'voice.db'}",
                           {"VOICE_HOLD_PROMPT_S": "3", "VOICE_SILENCE_TIMEOUT_S": "60"}, hub_url=hub.url,
                           twilio_auth_token=twilio_token()) as voice:
            agent = Agent(hub, "agent1")
            try:
                _call_is_transferred(voice, hub, agent)
            finally:
                agent.close()
    finally:
        hub.stop()
        services.drop_redis_prefix(prefix, REDIS_URL)


def _call_is_transferred(voice, hub, agent) -> None:
    candidates = [u for u in testset.load("zh") if u.intent == "request_human" and not u.noisy]
    followup = next(u for u in testset.load("zh") if u.intent == "claim_status" and not u.noisy)

    async def scenario() -> tuple[str, str]:
        async with voice.carrier(language="zh") as carrier:
            await carrier.wait_for("mark", 1)
            # The hub knows the call by the gateway's own id (the conversation), not by the carrier's CallSid.
            call_id = await asyncio.to_thread(voice.call_id_of, carrier.call_sid)
            for utterance in candidates:  # speech recognition may miss one; the caller then says it again
                marks = carrier.count("mark")
                await carrier.send_audio(testset.audio(utterance), realtime=True, realtime_from=utterance.speech_end)
                await carrier.send_silence(1.0)
                await carrier.wait_for("mark", marks + 1, timeout=60)
                if hub.status(call_id).get("owner") == "queued":
                    break
            offer = await asyncio.to_thread(agent.offer, 20)
            assert offer["conversation_id"] == call_id and offer["channel"] == "voice"
            # The one handoff request, the assistant's: the call so far, as the assistant heard and answered it.
            assert any(line["speaker"] == "customer" and line["text"] for line in offer["summary"]), offer
            assert (await asyncio.to_thread(agent.accept, offer["request_id"])).status_code == 200
            reply = "您好，我是人工客服李娜，请问有什么可以帮您？"
            assert (await asyncio.to_thread(agent.reply, call_id, reply)).status_code == 200
            deadline = time.monotonic() + 30
            while not _spoken(voice, carrier.call_sid, reply):
                assert time.monotonic() < deadline, "the agent's words were not spoken to the caller"
                await carrier.send_silence(0.5)
            # The caller answers; it goes to the agent, not to the assistant.
            await carrier.send_audio(testset.audio(followup), realtime=True, realtime_from=followup.speech_end)
            await carrier.send_silence(1.5)
            seen = await asyncio.to_thread(agent.event, lambda e: e.get("sender") == "customer"
                                           and e.get("conversation_id") == call_id, 30)
            assert seen["text"]
            return carrier.call_sid, offer["request_id"]

    call_sid, request_id = asyncio.run(scenario())
    record = voice.record_of_call(call_sid)
    for _ in range(50):
        if record["ended_at"]:
            break
        time.sleep(0.2)
        record = voice.record_of_call(call_sid)
    prompts = [t["text"] for t in record["turns"] if t["source"] == "prompt"]
    assert any("您是下一位" in p or "前面还有" in p for p in prompts), prompts  # the place in the queue
    assert any("人工客服已接入" in p for p in prompts)
    assert record["handoff_request_id"] == request_id  # the hub's answer to the action, in its payload
    tracker = httpx.get(f"{voice.rasa_url}/conversations/{voice.call_id_of(call_sid)}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    assert tracker["paused"]  # the assistant stays quiet while a person has the call


def _spoken(voice, call_sid: str, text: str) -> bool:
    return any(t["source"] == "agent" and t["text"] == text for t in voice.record_of_call(call_sid)["turns"])
