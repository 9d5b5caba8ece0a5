"""The Twilio Media Streams wire protocol: JSON text messages over a WebSocket.

Carrier -> us: connected, start (streamSid, callSid, customParameters, mediaFormat), media (base64
8 kHz mu-law), dtmf, mark (a mark we sent has been played), stop.
Us -> carrier: media (audio to play), mark (tell me when playback reaches here), clear (drop queued audio).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

MAX_MESSAGE_BYTES = 64 * 1024  # a 20 ms frame is ~300 bytes; nothing legitimate comes near this


class ProtocolError(ValueError):
    """A message that is not Media Streams: the caller's audio is not in it."""


@dataclass
class Start:
    stream_sid: str
    call_sid: str
    custom: dict[str, str] = field(default_factory=dict)
    encoding: str = "audio/x-mulaw"
    sample_rate: int = 8000


def parse(raw: str) -> tuple[str, dict[str, Any]]:
    """(event, message) of one text message, or ProtocolError."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise ProtocolError("message too large")
    try:
        message = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError("not JSON") from exc
    if not isinstance(message, dict) or not isinstance(message.get("event"), str):
        raise ProtocolError("no event")
    return message["event"], message


def start_of(message: dict[str, Any]) -> Start:
    start = message.get("start")
    if not isinstance(start, dict):
        raise ProtocolError("start without a start object")
    stream_sid = str(message.get("streamSid") or start.get("streamSid") or "")
    call_sid = str(start.get("callSid") or "")  # checked by the gateway (voice.security), kept as a reference
    if not stream_sid:
        raise ProtocolError("start without streamSid")
    fmt = _object(start, "mediaFormat")
    custom = _object(start, "customParameters")
    try:
        sample_rate = int(fmt.get("sampleRate", 8000))
    except (TypeError, ValueError, OverflowError) as exc:
        raise ProtocolError("start with a sample rate that is not a number") from exc
    return Start(stream_sid, call_sid, {str(k): str(v) for k, v in custom.items()},
                 str(fmt.get("encoding", "audio/x-mulaw")), sample_rate)


def _object(message: dict[str, Any], name: str) -> dict[str, Any]:
    """A nested object of a message: absent is empty; any other type is not Media Streams."""
    value = message.get(name) or {}
    if not isinstance(value, dict):
        raise ProtocolError(f"{name} is not an object")
    return value


def media_payload(message: dict[str, Any]) -> bytes:
    media = message.get("media")
    if not isinstance(media, dict) or not isinstance(media.get("payload"), str):
        raise ProtocolError("media without payload")
    if media.get("track", "inbound") not in ("inbound", "inbound_track"):
        return b""  # only the caller's side is recognised
    try:
        return base64.b64decode(media["payload"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError("payload is not base64") from exc


def dtmf_digit(message: dict[str, Any]) -> str:
    digit = str(_object(message, "dtmf").get("digit", ""))
    if len(digit) != 1 or digit not in "0123456789*#ABCD":
        raise ProtocolError("bad dtmf digit")
    return digit


def mark_name(message: dict[str, Any]) -> str:
    return str(_object(message, "mark").get("name", ""))


def media(stream_sid: str, ulaw: bytes) -> str:
    return json.dumps({"event": "media", "streamSid": stream_sid,
                       "media": {"payload": base64.b64encode(ulaw).decode()}})


def mark(stream_sid: str, name: str) -> str:
    return json.dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear(stream_sid: str) -> str:
    return json.dumps({"event": "clear", "streamSid": stream_sid})
