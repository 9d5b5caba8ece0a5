"""Bounds on an uploaded recording (`POST /utterance`), checked before any of it is decoded.

Decoding is where a small file becomes a large cost: a few kilobytes of compressed audio can claim
hours of samples, and the decoder would make them all. So the size comes from Content-Length before
the body is read, and the duration from the file's header (WAV's frame count, the container's
duration for MP3/OGG via PyAV's probe, which reads headers, not the whole stream).
"""

from __future__ import annotations

import io
import wave

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_AUDIO_S = 60
# Multipart framing and the small form fields around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


class UploadRefused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def check_length(content_length: str | None) -> None:
    """Refuse a body that is too large, or of unknown length, before reading it."""
    if content_length is None or not content_length.isdigit():
        raise UploadRefused(411, "Content-Length required (the upload is bounded before it is read)")
    if int(content_length) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        raise UploadRefused(413, f"audio larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")


def declared_duration_s(data: bytes) -> float:
    """What the file's header says it lasts; UploadRefused(400) when it says nothing readable."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        try:
            with wave.open(io.BytesIO(data)) as wav:
                return wav.getnframes() / max(1, wav.getframerate())
        except (wave.Error, EOFError) as exc:
            raise UploadRefused(400, f"could not read the WAV header: {exc}") from exc
    import av  # faster-whisper's decoder; imported here because WAV, the usual case, does not need it

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if container.duration is not None:
                return container.duration / av.time_base
            stream = next(iter(container.streams.audio), None)
            if stream is not None and stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
    except Exception as exc:  # av raises many kinds for a file that is not audio
        raise UploadRefused(400, "could not decode the audio (WAV, MP3 or OGG expected): "
                                 f"{type(exc).__name__}") from exc
    raise UploadRefused(400, "the audio does not say how long it is (WAV, MP3 or OGG expected)")


def check_duration(data: bytes) -> float:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(413, f"audio larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    seconds = declared_duration_s(data)
    if seconds > MAX_UPLOAD_AUDIO_S:
        raise UploadRefused(413, f"utterance longer than {MAX_UPLOAD_AUDIO_S} s ({seconds:.0f} s declared)")
    return seconds
