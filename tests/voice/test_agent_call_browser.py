"""An agent takes a handed-off phone call by voice in the console, end to end: a real call (the
fake carrier, real Rasa, real Whisper) is handed to the real hub; the agent, signed in to the console in Debian's
Chromium with a fake microphone playing a gated 1 kHz tone, clicks "Take as a call"; the caller's side of the
line then carries the tone, and the caller's 600 Hz tone reaches the console's speaker (the level the
AudioWorklet plays). Hang-up from the console ends the call. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page, sync_playwright

from bench.agent_call import (
    AGENT_HZ,
    CallerThread,
    console_with_mic,
    desk_with_call_audio,
    take_call_in_console,
    tone_wav,
)
from devstack.browser import SHOTS
from devstack.hub_clients import Agent, HubRun
from voice.line.codec import SAMPLE_RATE, ulaw_decode

pytestmark = pytest.mark.skipif(importlib.util.find_spec("handoff") is None, reason="needs the handoff hub")


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


def _level(page: Page, meter: str) -> float:
    return float(page.eval_on_selector(f"#{meter}", "m => m.value"))


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
