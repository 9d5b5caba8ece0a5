"""G.711 mu-law and resampling, in numpy (audioop is gone from Python 3.13).

Telephony audio is 8 kHz mu-law in 20 ms frames (160 bytes); Whisper wants 16 kHz float32; the
TTS engines produce 16-bit PCM at 22.05 kHz.
"""

from __future__ import annotations

import numpy as np

SAMPLE_RATE = 8000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000  # 160 samples = 160 mu-law bytes

_BIAS = 0x84


def _decode_table() -> np.ndarray:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    sign, exponent, mantissa = u & 0x80, (u >> 4) & 0x07, u & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


ULAW_TO_PCM = _decode_table()


def ulaw_decode(data: bytes) -> np.ndarray:
    """mu-law bytes -> int16 samples."""
    return ULAW_TO_PCM[np.frombuffer(data, dtype=np.uint8)]


_SEGMENT_ENDS = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])


def ulaw_encode(pcm: np.ndarray) -> bytes:
    """int16 samples -> mu-law bytes (G.711 on the top 14 bits, bit-exact with the classic C encoder)."""
    x = pcm.astype(np.int32) >> 2
    mask = np.where(x < 0, 0x7F, 0xFF)
    magnitude = np.minimum(np.abs(x), 8159) + (_BIAS >> 2)
    segment = np.searchsorted(_SEGMENT_ENDS, magnitude, side="left")
    code = np.where(segment >= 8, 0x7F, (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F))  # beyond the clip
    return (code ^ mask).astype(np.uint8).tobytes()


def resample(pcm: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """int16 mono resampling with a windowed-sinc low-pass (no aliasing when going down to 8 kHz)."""
    if rate_in == rate_out or len(pcm) == 0:
        return pcm.astype(np.int16)
    x = pcm.astype(np.float32)
    cutoff = 0.45 * min(rate_in, rate_out)  # just under the lower Nyquist frequency
    if rate_out < rate_in:
        x = _lowpass(x, cutoff / rate_in)
    n_out = int(round(len(x) * rate_out / rate_in))
    positions = np.arange(n_out, dtype=np.float64) * (rate_in / rate_out)
    y = np.interp(positions, np.arange(len(x)), x)
    if rate_out > rate_in:
        y = _lowpass(y.astype(np.float32), cutoff / rate_out)
    return np.clip(np.round(y), -32768, 32767).astype(np.int16)


def _lowpass(x: np.ndarray, normalised_cutoff: float, taps: int = 63) -> np.ndarray:
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * normalised_cutoff * np.sinc(2 * normalised_cutoff * n) * np.hamming(taps)
    kernel /= kernel.sum()
    return np.convolve(x, kernel.astype(np.float32), mode="same")


def to_whisper(pcm8k: np.ndarray) -> np.ndarray:
    """8 kHz int16 -> 16 kHz float32 in [-1, 1], what faster-whisper takes."""
    return resample(pcm8k, SAMPLE_RATE, 16000).astype(np.float32) / 32768.0


def frames(data: bytes, size: int = FRAME_SAMPLES) -> list[bytes]:
    """Split mu-law audio into 20 ms frames; the last one is padded with silence (0xFF)."""
    if len(data) % size:
        data += b"\xff" * (size - len(data) % size)
    return [data[i:i + size] for i in range(0, len(data), size)]
