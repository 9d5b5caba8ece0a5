"""The voice gateway's own figures on /metrics: calls on the line and how they ended, the longest audio
buffered, and how long recognition takes per utterance."""

from __future__ import annotations

from typing import Iterable

from fastapi import Request
from prometheus_client import Histogram
from prometheus_client.core import CounterMetricFamily, Metric

from observability.metrics import gauge

ASR_SECONDS = Histogram("voice_asr_seconds", "Speech recognition time per caller utterance.",
                        buckets=(0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0))


async def call_figures(request: Request) -> Iterable[Metric]:
    services = request.app.state.services
    ended = CounterMetricFamily("voice_calls_ended", "Calls ended, by reason.", labels=["reason"])
    for reason, count in sorted(services.end_reasons.items()):
        ended.add_metric([reason], count)
    return [
        gauge("voice_calls_active", "Calls on the line now.", len(services.active)),
        gauge("voice_connections", "Media Streams connections and /utterance requests being served.",
              services.lines),
        CounterMetricFamily("voice_calls", "Calls started.", value=services.calls_total),
        ended,
        gauge("voice_max_buffered_audio_seconds", "The most caller audio any call has buffered.",
              services.max_buffered_s),
    ]
