"""agent_audio_mouth_to_ear_p50_ms: an agent taking a phone call in the console, the time a sound
takes from the console's microphone to the caller's line and back to the console's speaker.

Starts the real stack (policy API, action server, Rasa), the voice gateway and the hub; a fake carrier calls,
asks for a person and is handed to agent1, who takes the call in Debian's Chromium with a fake microphone
playing 150 ms bursts of 1 kHz once a second. The carrier sends back whatever the agent says, at the line's
pace, as a caller's own echo would. In the console's AudioWorklet (one audio clock) each burst's onset on the
microphone is paired with its onset in what is played; the speaker's own latency (AudioContext baseLatency +
outputLatency) is added. Not covered: the carrier's own network and jitter buffer, and a real microphone's
capture latency. Prints and merges the figures into bench/results.json. Run alone: `python -m bench.agent_audio`.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
import threading
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench.agent_call import (
    AGENT_HZ,
    CallerThread,
    console_with_mic,
    desk_with_call_audio,
    take_call_in_console,
    tone_wav,
)
from bench.results import merge_results
from devstack import services
from devstack.hub_clients import Agent
from voice.line.codec import FRAME_MS, FRAME_SAMPLES
from voice.tools import testset
from voice.tools.carrier import SILENCE_FRAME

MEASURE_S = 20.0


class EchoCaller(CallerThread):
    """A caller whose line sends back what it hears from the agent, 20 ms at a time at the real pace."""

    def __init__(self, voice: Any, hub: Any) -> None:
        super().__init__(voice, hub)
        self.listen = threading.Event()  # set once the console has the call: prompts before it are not echoed

    async def on_the_line(self, carrier: Any) -> None:
        while not self.listen.is_set() and not self.speak.is_set():
            await asyncio.sleep(0.02)
        carrier._sending += 1  # the line's own silence stops: this loop sends every frame now
        heard_up_to = len(carrier.audio)
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while not carrier.closed.is_set() and not self.speak.is_set():
            if len(carrier.audio) - heard_up_to >= FRAME_SAMPLES:
                frame = bytes(carrier.audio[heard_up_to:heard_up_to + FRAME_SAMPLES])
                heard_up_to += FRAME_SAMPLES
            else:
                frame = SILENCE_FRAME
            await carrier.send_audio(frame, realtime=False)
            next_at += FRAME_MS / 1000
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            # Frames the line fell behind by are skipped, as a phone line does not queue a late talker.
            if len(carrier.audio) - heard_up_to > 3 * FRAME_SAMPLES:
                heard_up_to = len(carrier.audio) - FRAME_SAMPLES


def round_trips(sent: list[float], heard: list[float]) -> list[float]:
    """Each microphone onset against the first onset played after it (bursts are 1 s apart, trips shorter)."""
    trips = []
    for at in sent:
        after = [h - at for h in heard if 0 < h - at < 0.9]
        if after:
            trips.append(after[0])
    return trips


def main() -> None:
    testset.ensure()
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        database_url = f"sqlite:///{workdir / 'policy.db'}"
        services.seed(database_url)
        api_url = stack.enter_context(services.policy_api(database_url, services.free_port()))
        hub_port = services.free_port()
        actions_url = stack.enter_context(services.action_server(
            api_url, {"HANDOFF_HUB_URL": f"http://127.0.0.1:{hub_port}/api/handoffs"}))
        rasa_url = stack.enter_context(services.rasa_server(actions_url, workdir))
        voice, hub = stack.enter_context(desk_with_call_audio(rasa_url, api_url, hub_port, workdir))
        mic = tone_wav(workdir / "bursts.wav", AGENT_HZ, seconds=10.0, on_s=0.15, period_s=1.0)
        agent = Agent(hub, "agent1")
        caller = EchoCaller(voice, hub)
        caller.start()
        try:
            with sync_playwright() as p:
                browser, page = console_with_mic(p, mic)
                take_call_in_console(page, hub, agent, caller)
                page.evaluate("() => { AgentCall.figures.onsets.sent = []; AgentCall.figures.onsets.heard = []; }")
                caller.listen.set()
                page.wait_for_timeout(MEASURE_S * 1000)
                figures = page.evaluate("() => AgentCall.figures")
                page.click("#call-hangup")
                browser.close()
        finally:
            caller.speak.set()
            agent.close()
            caller.done.wait(60)
    trips = round_trips(figures["onsets"]["sent"], figures["onsets"]["heard"])
    output_s = float(figures.get("outputLatency") or 0)
    results = {"agent_audio_mouth_to_ear_p50_ms": round((statistics.median(trips) + output_s) * 1000) if trips else None,
               "agent_audio_mouth_to_ear_bursts": f"{len(trips)}/{len(figures['onsets']['sent'])}",
               "agent_audio_output_latency_ms": round(output_s * 1000)}
    print(results)
    merge_results(results)


if __name__ == "__main__":
    main()
