"""Property-based tests (hypothesis) of the Media Streams wire parser (voice/line/media_streams.py): whatever
a peer sends on /media, each message is either read or refused as a ProtocolError (which the gateway
counts as a malformed message), never another exception that would end the call as an internal error."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from voice.line import media_streams as ms

SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "300")), deadline=None)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
FIELDS = ("start", "media", "dtmf", "mark", "streamSid", "callSid", "mediaFormat", "customParameters",
          "payload", "track", "digit", "name", "encoding", "sampleRate")
# Messages shaped like Media Streams (the fields it reads), with any values in them.
shaped = st.recursive(
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5),
    lambda children: st.dictionaries(st.sampled_from(FIELDS), children | json_values, max_size=5),
    max_leaves=8,
)


def read_all(message: dict) -> None:
    for read in (ms.start_of, ms.media_payload, ms.dtmf_digit, ms.mark_name):
        try:
            read(message)
        except ms.ProtocolError:
            pass


@SETTINGS
@given(st.text(max_size=200) | json_values.map(json.dumps))
@example("[" * 100_000)  # nesting deeper than the JSON parser's recursion
@example('{"event": "media", "media": {"payload": "%%%"}}')
def test_any_text_is_a_message_or_a_protocol_error(raw):
    try:
        event, message = ms.parse(raw)
    except ms.ProtocolError:
        return
    assert isinstance(event, str) and isinstance(message, dict)
    read_all(message)


@SETTINGS
@given(st.sampled_from(["start", "media", "dtmf", "mark", "stop"]), shaped)
@example("start", {"start": {"streamSid": "MZ1", "mediaFormat": "ulaw"}})
@example("start", {"start": {"streamSid": "MZ1", "mediaFormat": {"sampleRate": "fast"}}})
@example("start", {"start": {"streamSid": "MZ1", "mediaFormat": {"sampleRate": 1e300}}})
@example("dtmf", {"dtmf": ["1"]})
@example("mark", {"mark": "m1"})
def test_media_streams_fields_of_any_type_are_read_or_refused(event, message):
    read_all({"event": event, **message})


def test_a_well_formed_start_is_read():
    start = ms.start_of({"event": "start", "streamSid": "MZ1", "start": {
        "callSid": "CA" + "0" * 32, "customParameters": {"language": "en"},
        "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000}}})
    assert (start.stream_sid, start.call_sid, start.custom, start.sample_rate) == ("MZ1", "CA" + "0" * 32,
                                                                                  {"language": "en"}, 8000)
    assert ms.media_payload({"media": {"payload": "//8="}}) == b"\xff\xff"
    with pytest.raises(ms.ProtocolError):
        ms.media_payload({"media": {"payload": "not base64!"}})
