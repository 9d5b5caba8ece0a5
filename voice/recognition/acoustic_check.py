"""Asking the audio whether a sound-alike sentence is what the caller said (Mandarin).

sound_alike_search.py proposes sentences in the assistant's words that sound like the transcript;
on their own those are guesses (a language model of short requests likes 你好呀客服在不在 better than
你好呀客服小姐姐). Here Whisper itself reads each proposal against the same audio: CTranslate2's `align`
runs the decoder on the proposal's tokens (teacher forcing) over the encoder output already computed for
the beam search, and returns each token's probability. A proposal replaces the transcript only where
its log-probability under Whisper plus WEIGHT times its log-likelihood under the model of the training
sentences beats the transcript's by MARGIN. 哈喽在不 is 1.4 nats less likely than 他楼在不 to Whisper and 18
nats likelier to the domain model: it wins; 报销需要带啥 is 19 nats less likely to Whisper than what it
wrote and stays out.

For a short transcript (rescoring.py) Whisper's own reading of the audio with a few short replies
as its context is weighed the same way, without the sure-character rule: 站了善雷 -> 算了算了.
What the check gains and costs, and the weights tried: docs/voice_tuning.md.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np

from voice.recognition.heard_slips import sentence_log_likelihood
from voice.recognition.sound_alike_search import proposals

WEIGHT = 0.5  # more lets the domain model rewrite correct sentences (谢谢老师 -> 谢谢你啊)
MARGIN = 1.0
logger = logging.getLogger(__name__)

PROPOSALS = 3  # scored in one batch with the transcript; the winner is nearly always among the first three
SURE = 0.9  # a character Whisper gave this probability is not rewritten


class AcousticCheck:
    def __init__(self, model: Any, tokenizer: Any, weight: float = WEIGHT, margin: float = MARGIN) -> None:
        self.model = model  # the CTranslate2 Whisper model (its `align`)
        self.tokenizer = tokenizer  # faster_whisper.tokenizer.Tokenizer for Mandarin
        self.weight = weight
        self.margin = margin

    def token_probabilities(self, encoder_output: Any, prompt: list[int], texts: list[str]) -> list[list[float]]:
        """Each text's token probabilities given the audio, as Whisper's decoder reads it (teacher forcing)."""
        import ctranslate2

        encoded = np.asarray(encoder_output)  # (1, frames, width) on the CPU
        batch = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.repeat(encoded, len(texts), axis=0)))
        results = self.model.align(batch, prompt, [self.tokenizer.encode(t) for t in texts],
                                   [encoded.shape[1] * 2] * len(texts))
        return [list(r.text_token_probs) for r in results]

    def character_probabilities(self, text: str, token_probs: list[float]) -> list[float]:
        """Per character of `text`: the probability of the tokens that spell it (several for one character
        cut into bytes; a token spelling several characters counts for each)."""
        ids = self.tokenizer.encode(text)
        out = [0.0] * len(text)
        done, pending = 0, 1.0
        for k, p in enumerate(token_probs[:len(ids)]):
            pending *= p
            prefix = self.tokenizer.decode(ids[:k + 1])
            if prefix.endswith("\ufffd"):  # the character's bytes go on in the next token
                continue
            for i in range(done, min(len(prefix), len(text))):
                out[i] = pending
            done, pending = len(prefix), 1.0
        return out

    def better_sentence(self, encoder_output: Any, prompt: list[int], heard: str,
                        readings: list[str] | None = None) -> str | None:
        """The candidate the audio and the domain model together prefer to `heard`, or None. Candidates are the
        sound-alike proposals and `readings`: Whisper's own other readings of the audio, kept if they have as
        many characters as `heard` (spaces aside) and the domain model likes them better."""
        candidates = proposals(heard, PROPOSALS) if heard else []
        likelihood = {text: sentence_log_likelihood(text) for text in {heard, *candidates, *(readings or [])}}
        own = [r for r in readings or [] if r not in candidates and r != heard
               and len(r) == len(heard.replace(" ", "")) and likelihood[r] > likelihood[heard]]
        if not candidates and not own:
            return None
        texts = [heard, *candidates, *own]
        token_probs = self.token_probabilities(encoder_output, prompt, texts)
        scores = [sum(math.log(max(p, 1e-12)) for p in probs) + self.weight * likelihood[text]
                  for text, probs in zip(texts, token_probs, strict=True)]
        logger.debug("heard %r and candidates scored %s", heard, [f"{t}:{s:.2f}" for t, s in zip(texts, scores, strict=True)])
        sure = [p >= SURE for p in self.character_probabilities(heard, token_probs[0])]
        for i in sorted(range(1, len(texts)), key=lambda i: -scores[i]):
            if scores[i] <= scores[0] + self.margin:
                break
            if i > len(candidates):
                return texts[i]  # Whisper's own reading: acoustic evidence, not the text model's guess
            # Proposals change characters one for one; one Whisper was sure of stays (站了上雷 -> 怎么样了 would
            # rewrite a 了 heard at 0.96).
            if not any(sure[j] and a != b for j, (a, b) in enumerate(zip(heard, texts[i], strict=True))):
                return texts[i]
        return None
