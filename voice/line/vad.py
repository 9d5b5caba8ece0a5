"""Streaming end-of-utterance detection on the 8 kHz call audio.

An energy detector with an adaptive noise floor, run frame by frame (20 ms) as the audio arrives:
speech starts after a few loud frames, the utterance ends after a stretch of quiet frames, and an
utterance longer than the cap is cut into pieces so a monologue never buffers without bound.
Whisper's own VAD (Silero) then rejects segments that were noise, not speech.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from voice.line.codec import FRAME_MS


@dataclass
class Utterance:
    pcm: np.ndarray  # int16, 8 kHz
    first_frame: int  # index of the frame where speech started (stream-wide count)
    last_voiced_frame: int  # index of the last frame judged speech: the end of speech
    cut: bool  # True when the cap cut it (the speaker is still talking)

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 8000


@dataclass
class VadConfig:
    start_frames: int = 3  # 60 ms of speech starts an utterance
    end_silence_ms: int = 500  # this much quiet after speech ends it
    pre_roll_ms: int = 200  # audio kept from before the detected start
    min_speech_ms: int = 200  # shorter bursts (clicks, a cough) are dropped
    max_utterance_s: float = 15.0  # longer speech is cut into pieces of this length
    margin_db: float = 10.0  # speech is this much above the noise floor...
    min_level_db: float = -48.0  # ...and above this absolute level (dBFS)


@dataclass
class StreamingVad:
    config: VadConfig = field(default_factory=VadConfig)
    noise_db: float = -70.0
    frame_index: int = -1
    in_speech: bool = False
    last_frame_loud: bool = False  # the frame just fed was speech (its arrival time marks the end of speech)
    _loud_run: int = 0
    _quiet_run: int = 0
    _voiced_frames: int = 0
    _continued: bool = False  # the current utterance continues one the cap cut
    _start_frame: int = 0
    _last_voiced: int = 0
    _buffer: list[np.ndarray] = field(default_factory=list)
    _pre_roll: list[np.ndarray] = field(default_factory=list)

    @staticmethod
    def level_db(pcm: np.ndarray) -> float:
        rms = math.sqrt(float(np.mean(pcm.astype(np.float64) ** 2))) if len(pcm) else 0.0
        return 20 * math.log10(rms / 32768 + 1e-9)

    def is_loud(self, level: float) -> bool:
        return level > max(self.noise_db + self.config.margin_db, self.config.min_level_db)

    def feed(self, pcm: np.ndarray) -> tuple[bool, Utterance | None]:
        """One 20 ms frame in; returns (speech just started, finished utterance or None)."""
        cfg = self.config
        self.frame_index += 1
        level = self.level_db(pcm)
        loud = self.is_loud(level)
        self.last_frame_loud = loud
        if not self.in_speech:
            # Follow the noise floor: down at once, up slowly (so speech does not raise it).
            self.noise_db = level if level < self.noise_db else self.noise_db + 0.02 * (level - self.noise_db)
            self.noise_db = max(self.noise_db, -75.0)  # digital silence says nothing about the line's noise
            self._pre_roll.append(pcm)
            keep = max(cfg.pre_roll_ms // FRAME_MS, cfg.start_frames)
            del self._pre_roll[:-keep]
            self._loud_run = self._loud_run + 1 if loud else 0
            if self._loud_run >= cfg.start_frames:
                self.in_speech = True
                self._buffer = list(self._pre_roll)
                self._pre_roll = []
                self._start_frame = self.frame_index - len(self._buffer) + 1
                self._voiced_frames = self._loud_run
                self._last_voiced = self.frame_index
                self._quiet_run = 0
                return True, None
            return False, None
        self._buffer.append(pcm)
        if loud:
            self._voiced_frames += 1
            self._last_voiced = self.frame_index
            self._quiet_run = 0
        else:
            self._quiet_run += 1
        if self._quiet_run * FRAME_MS >= cfg.end_silence_ms:
            return False, self._finish(cut=False)
        if len(self._buffer) * FRAME_MS >= cfg.max_utterance_s * 1000:
            utterance = self._finish(cut=True)
            # The speaker goes on: the next piece starts right away.
            self.in_speech, self._start_frame, self._voiced_frames = True, self.frame_index + 1, 0
            self._continued = True
            return False, utterance
        return False, None

    def _finish(self, *, cut: bool) -> Utterance | None:
        buffer, voiced, continued = self._buffer, self._voiced_frames, self._continued
        self._buffer, self.in_speech, self._loud_run, self._quiet_run, self._continued = [], False, 0, 0, False
        if voiced * FRAME_MS < self.config.min_speech_ms:
            if continued:  # the speaker stopped right after a cut: the pieces so far are the utterance
                return Utterance(np.zeros(0, np.int16), self._start_frame, self._last_voiced, False)
            return None
        pcm = np.concatenate(buffer) if buffer else np.zeros(0, np.int16)
        return Utterance(pcm, self._start_frame, self._last_voiced, cut)

    @property
    def quiet_ms(self) -> int:
        """How long the current utterance has been quiet (0 outside speech)."""
        return self._quiet_run * FRAME_MS if self.in_speech else 0

    @property
    def last_voiced_frame(self) -> int:
        return self._last_voiced

    def snapshot(self) -> np.ndarray:
        """The current utterance's audio so far."""
        return np.concatenate(self._buffer) if self._buffer else np.zeros(0, np.int16)

    @property
    def buffered_samples(self) -> int:
        return sum(len(b) for b in self._buffer) + sum(len(b) for b in self._pre_roll)
