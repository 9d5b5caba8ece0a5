"""Whisper's encoder on the utterance's own length instead of a 30-second window.

faster-whisper pads every utterance's log-Mel features with zeros to 30 s (3000 frames), and the
encoder's time is that of 30 s of audio whatever was said: most of the end-of-speech-to-transcript
time. CTranslate2's encoder takes shorter input, so `ShortWindowEncoder` stands in for the CTranslate2
model and cuts the padding down to a margin after the speech. The margin holds what 30 s of digital
silence would look like (the log-Mel floor) rather than zeros: with zeros the decoder sometimes
stopped after a word or two. The same intent at a quarter of the time (figures: docs/voice_tuning.md).
"""

from __future__ import annotations

from typing import Any

import numpy as np

MARGIN_FRAMES = 300  # 3 s at 10 ms a frame


class ShortWindowEncoder:
    def __init__(self, inner: Any, margin_frames: int = MARGIN_FRAMES) -> None:
        self.inner = inner
        self.margin_frames = margin_frames

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def encode(self, features: Any, to_cpu: bool = False) -> Any:
        return self.inner.encode(self.shorten(features), to_cpu=to_cpu)

    def shorten(self, features: Any) -> Any:
        import ctranslate2

        array = np.asarray(features)  # (batch, mels, frames), a view of the StorageView on the CPU
        frames = array.shape[-1]
        voiced = np.flatnonzero(np.any(array != 0, axis=(0, 1)))  # the padding is exact zeros
        end = int(voiced[-1]) + 1 if len(voiced) else 0
        keep = min(frames, end + self.margin_frames)
        keep += keep % 2  # the encoder's stride-2 convolution
        if end == 0 or keep >= frames:
            return features
        short = np.array(array[:, :, :keep], dtype=np.float32, copy=True)
        short[:, :, end:] = short[:, :, :end].min()  # the log-Mel floor: silence, as Whisper was trained
        return ctranslate2.StorageView.from_array(short)
