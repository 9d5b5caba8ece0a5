"""An agent takes a handed-off phone call by voice in the console: the call (the fake carrier, real Rasa, real
Whisper) handed to the real hub, the agent's Chromium with a fake microphone. Shared by the agent-audio bench
(bench/agent_audio.py) and its test (tests/voice/test_agent_call_browser.py)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import secrets
import threading
import time
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Browser, Page, Playwright

from devstack import services
from devstack.browser import CHROMIUM, sign_in
from devstack.hub_clients import Agent, HubRun
from devstack.voice import twilio_token, voice_service
from voice.line.codec import SAMPLE_RATE, ulaw_encode
from voice.tools import testset
from voice.tools.carrier import FakeCarrier

REDIS_URL = "redis://127.0.0.1:6379/0"
AGENT_HZ, CALLER_HZ = 1000.0, 600.0


def tone_wav(path: Path, hz: float, seconds: float = 10.0, rate: int = 16000, on_s: float = 0.3,
             period_s: float = 0.5) -> Path:
    """The agent's fake microphone: a tone in bursts (speech-like, so noise suppression keeps it)."""
    t = np.arange(int(seconds * rate)) / rate
    gate = (t % period_s) < on_s
    pcm = (0.4 * 32767 * np.sin(2 * np.pi * hz * t) * gate).astype(np.int16)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return path


class CallerThread(threading.Thread):
    """The caller, on its own event loop (Playwright's sync API owns the test's thread)."""

    def __init__(self, voice: Any, hub: HubRun) -> None:
        super().__init__(daemon=True)
        self.voice, self.hub = voice, hub
        self.call_id: str | None = None
        self.queued, self.speak, self.done, self.hung_up = (threading.Event() for _ in range(4))
        self.carrier: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._call())
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.queued.set()
            self.done.set()

    async def _call(self) -> None:
        candidates = [u for u in testset.load("zh") if u.intent == "request_human" and not u.noisy]
        async with FakeCarrier(self.voice.ws_url, auth_token=self.voice.twilio_auth_token,
                               language="zh") as carrier:
            self.carrier = carrier
            await carrier.wait_for("mark", 1, timeout=90)
            self.call_id = await asyncio.to_thread(self.voice.call_id_of, carrier.call_sid)
            for utterance in candidates:  # recognition may miss one; the caller then says it again
                marks = carrier.count("mark")
                await carrier.send_audio(testset.audio(utterance), realtime=True, realtime_from=utterance.speech_end)
                await carrier.send_silence(1.0)
                await carrier.wait_for("mark", marks + 1, timeout=90)
                if self.hub.status(self.call_id).get("owner") == "queued":
                    break
            self.queued.set()
            await self.on_the_line(carrier)

    async def on_the_line(self, carrier: Any) -> None:
        """With a person: say a 600 Hz tone when told, then wait for the console to hang up."""
        while not self.speak.is_set():
            await asyncio.sleep(0.1)
        t = np.arange(2 * SAMPLE_RATE) / SAMPLE_RATE
        await carrier.send_audio(ulaw_encode((8000 * np.sin(2 * np.pi * CALLER_HZ * t)).astype(np.int16)))
        deadline = time.monotonic() + 60
        while not carrier.closed.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        if carrier.closed.is_set():
            self.hung_up.set()


@contextlib.contextmanager
def desk_with_call_audio(rasa_url: str, api_url: str, hub_port: int, workdir: Path) -> Iterator[tuple[Any, HubRun]]:
    """A voice gateway and a hub (on the port the action server hands off to) sharing a call-audio secret."""
    seed = importlib.import_module("handoff.seed").seed
    secret = secrets.token_urlsafe(32)
    prefix = f"test-voice-agent-{uuid.uuid4().hex[:8]}"
    hub_db = f"sqlite:///{workdir / 'hub.db'}"
    users = seed(hub_db)
    hub_origin = f"http://127.0.0.1:{hub_port}"
    with voice_service(rasa_url, f"sqlite:///{workdir / 'voice.db'}",
                       {"VOICE_HOLD_PROMPT_S": "30", "VOICE_SILENCE_TIMEOUT_S": "120",
                        "VOICE_AGENT_AUDIO_SECRET": secret, "VOICE_CONSOLE_ORIGINS": hub_origin},
                       hub_url=hub_origin, twilio_auth_token=twilio_token()) as voice:
        hub = HubRun(port=hub_port, prefix=prefix, database_url=hub_db,
                     passwords={u.username: u.password for u in users},
                     env={"HANDOFF_REDIS_PREFIX": prefix, "REDIS_URL": REDIS_URL, "DATABASE_URL": hub_db,
                          "RASA_URL": rasa_url, "POLICY_API_URL": api_url, "HANDOFF_ESCALATE_S": "120",
                          "VOICE_AGENT_AUDIO_SECRET": secret, "VOICE_AUDIO_URL": voice.url.replace("http://", "ws://")})
        hub.start()
        try:
            yield voice, hub
        finally:
            hub.stop()
            services.drop_redis_prefix(prefix, REDIS_URL)


def console_with_mic(p: Playwright, mic: Path) -> tuple[Browser, Page]:
    """Debian's Chromium whose microphone plays `mic` (a WAV, looped)."""
    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={mic}", "--autoplay-policy=no-user-gesture-required"])
    return browser, browser.new_context(permissions=["microphone"]).new_page()


def take_call_in_console(page: Page, hub: HubRun, agent: Agent, caller: CallerThread) -> None:
    """Once the caller is queued: the agent accepts, opens the call in the console and takes it by voice."""
    assert caller.queued.wait(300) and caller.error is None, caller.error
    offer = agent.offer(30)
    assert offer["conversation_id"] == caller.call_id and offer["channel"] == "voice"
    assert agent.accept(offer["request_id"]).status_code == 200
    sign_in(page, hub.url, "agent1", hub.passwords["agent1"])
    page.wait_for_selector(f"[data-conversation='{caller.call_id}']", timeout=30000).click()
    page.click("#call-take", timeout=30000)
    page.wait_for_function("() => AgentCall.active && AgentCall.figures.framesSent > 100", timeout=30000)
