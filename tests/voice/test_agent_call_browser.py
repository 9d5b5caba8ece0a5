"""An agent takes a handed-off phone call by voice in the console, end to end: a real call (the
fake carrier, real Rasa, real Whisper) is handed to the real hub; the agent, signed in to the console in Debian's
Chromium with a fake microphone playing a gated 1 kHz tone, clicks "Take as a call"; the caller's side of the
line then carries the tone, and the caller's 600 Hz tone reaches the console's speaker (the level the
AudioWorklet plays). Hang-up from the console ends the call. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import secrets
import threading
import time
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests import services
from tests.browser import CHROMIUM, SHOTS, sign_in
from tests.handoff.clients import Agent, HubRun
from tests.voice.conftest import twilio_token, voice_service
from voice.line.codec import SAMPLE_RATE, ulaw_decode, ulaw_encode
from voice.tools import testset

pytestmark = pytest.mark.skipif(importlib.util.find_spec("handoff") is None, reason="needs the handoff hub")

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


def tone_share(pcm: np.ndarray, hz: float) -> float:
    """How much of the window's power is at `hz` (1.0: a pure tone there)."""
    spectrum = np.abs(np.fft.rfft(pcm.astype(np.float64) * np.hanning(len(pcm)))) ** 2
    freqs = np.fft.rfftfreq(len(pcm), 1 / SAMPLE_RATE)
    band = (freqs > hz - 60) & (freqs < hz + 60)
    return float(spectrum[band].sum() / max(spectrum.sum(), 1e-9))


def windows_with_tone(ulaw: bytes, hz: float) -> int:
    pcm = ulaw_decode(ulaw)
    size = SAMPLE_RATE // 10
    return sum(1 for i in range(0, len(pcm) - size, size)
               if np.sqrt(np.mean(pcm[i:i + size].astype(np.float64) ** 2)) > 300
               and tone_share(pcm[i:i + size], hz) > 0.5)


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
        async with self.voice.carrier(language="zh") as carrier:
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


def _level(page: Page, meter: str) -> float:
    return float(page.eval_on_selector(f"#{meter}", "m => m.value"))


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


def test_an_agent_takes_a_call_by_voice_in_the_console(stack, tmp_path):
    with desk_with_call_audio(stack.rasa_url, stack.api_url, stack.hub_port, tmp_path) as (voice, hub):
        _take_the_call(voice, hub, tone_wav(tmp_path / "agent_mic.wav", AGENT_HZ))


def _take_the_call(voice: Any, hub: HubRun, mic: Path) -> None:
    agent = Agent(hub, "agent1")
    caller = CallerThread(voice, hub)
    caller.start()
    try:
        with sync_playwright() as p:
            browser, page = console_with_mic(p, mic)
            take_call_in_console(page, hub, agent, caller)
            sent_from = len(caller.carrier.audio)
            page.wait_for_function("() => AgentCall.figures.framesSent > 250", timeout=30000)  # 3 s more of the mic
            assert _level(page, "call-sent") > 0.05
            assert windows_with_tone(bytes(caller.carrier.audio[sent_from:]), AGENT_HZ) >= 5, \
                "the caller did not hear the agent's microphone"
            quiet = max(_level(page, "call-heard") for _ in range(5) if not time.sleep(0.2))
            caller.speak.set()
            heard = 0.0
            deadline = time.monotonic() + 10
            while heard < 0.05 and time.monotonic() < deadline:
                heard = max(heard, _level(page, "call-heard"))
                time.sleep(0.1)
            page.screenshot(path=str(SHOTS / "agent_call_live.png"), full_page=True)
            assert quiet < 0.02 and heard >= 0.05, (quiet, heard)  # the caller's tone reached the agent's speaker
            page.click("#call-mute")
            assert page.text_content("#call-status") in ("已静音", "Muted")
            page.click("#call-hangup")
            assert caller.hung_up.wait(30), "hanging up in the console did not end the call"
            page.screenshot(path=str(SHOTS / "agent_call_ended.png"), full_page=True)
            browser.close()
    finally:
        agent.close()
        caller.done.wait(60)
    record = voice.record_of_call(caller.carrier.call_sid)
    for _ in range(50):
        if record["ended_at"]:
            break
        time.sleep(0.2)
        record = voice.record_of_call(caller.carrier.call_sid)
    assert record["end_reason"] == "agent_hung_up", record["end_reason"]
