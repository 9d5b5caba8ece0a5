"""Call the voice line from audio files, as a carrier would: `python -m voice.tools.call question.wav --lang zh`.

Each file is one thing the caller says (WAV, MP3, OGG...; any rate, converted to 8 kHz mu-law).
The call goes through the gateway's Media Streams WebSocket; the replies are saved as a WAV and the
call's transcript (masked, as stored) is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import wave
from pathlib import Path

import httpx
import numpy as np

from service_auth.demo import existing
from voice.line.codec import SAMPLE_RATE, ulaw_encode
from voice.settings import ROOT
from voice.tools.call_settings import CallSettings
from voice.tools.carrier import FakeCarrier


def configured(settings: CallSettings) -> CallSettings:
    """The keys from the environment, else from the demo install's secrets (make run writes var/secrets.env).
    A developer's tool run from any terminal, hence the file as a fallback no service settings would have."""
    demo = existing(ROOT / "var" / "secrets.env")
    return settings.model_copy(update={
        "api_key": settings.api_key or demo.get("VOICE_API_KEY"),
        "twilio_auth_token": settings.twilio_auth_token or demo.get("TWILIO_AUTH_TOKEN")})


def load_as_phone_audio(path: Path) -> bytes:
    from faster_whisper.audio import decode_audio

    samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    return ulaw_encode(np.clip(samples * 32767, -32768, 32767).astype(np.int16))


async def call(url: str, files: list[Path], language: str | None, keys: str | None, out: Path,
               realtime: bool, settings: CallSettings) -> dict:
    # Signed as Twilio would when the gateway checks signatures; the key reads the transcript back.
    async with FakeCarrier(f"{url.rstrip('/')}/media", language=language,
                           auth_token=settings.twilio_auth_token) as carrier:
        await carrier.wait_for("mark", 1, timeout=60)  # the greeting (or the language menu) has played
        if keys:
            await carrier.press(keys)
            await carrier.wait_for("mark", carrier.count("mark") + 1, timeout=60)
        for path in files:
            marks = carrier.count("mark")
            await carrier.send_audio(load_as_phone_audio(path), realtime=realtime)
            await carrier.send_silence(1.0)
            await carrier.wait_for("mark", marks + 1, timeout=120)
        pcm = carrier.audio_pcm()
        call_sid = carrier.call_sid
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())
    http_url = url.replace("ws://", "http://").replace("wss://", "https://").rstrip("/")
    await asyncio.sleep(0.5)
    with httpx.Client(timeout=10, headers={"X-API-Key": settings.api_key or ""}) as client:
        lookup = client.get(f"{http_url}/calls", params={"call_sid": call_sid})
        lookup.raise_for_status()
        return client.get(f"{http_url}/calls/{lookup.json()['call_ids'][-1]}").json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path, help="what the caller says, one file per turn")
    parser.add_argument("--lang", choices=["zh", "en"], help="the call's language (default: use the keypad menu)")
    parser.add_argument("--keys", help="keypad digits to press after the greeting (e.g. 2 for English)")
    parser.add_argument("--url", default="ws://127.0.0.1:8002", help="the voice gateway")
    parser.add_argument("--out", type=Path, default=Path("reply.wav"), help="where to save what the line said")
    parser.add_argument("--fast", action="store_true", help="send the audio faster than real time")
    args = parser.parse_args()
    settings = configured(CallSettings())
    record = asyncio.run(call(args.url, args.files, args.lang, args.keys, args.out, not args.fast, settings))
    for turn in record.get("turns", []):
        print(f"{turn['speaker']:>6} [{turn['source']}]: {turn['text']}")
    print(f"(replies saved to {args.out}; call {json.dumps(record.get('call_id'))})")


if __name__ == "__main__":
    main()
