"""Speed fixes for Rasa 3.6, installed when the model loads our NLU components.

Validation: Rasa validates every action-server response with `jsonschema.validate(result, schema)`, which
re-checks the schema against the JSON-Schema metaschema on every call: about 12.6 ms of the
13 ms it takes, on every custom-action turn. Here the schema is compiled into validators once. And each
event is checked against its own kind's schema only: Rasa's event schema is a `oneOf` of 23 kinds that
differ by the constant `event`, so jsonschema tried all 23 for every event a response carries (a policy
lookup's three slot events: 1.5% of Rasa's CPU on that turn, py-spy). The kind whose constant is the
event's name is the only one that can match, so checking it alone accepts and refuses the same responses.

Event kinds: Rasa finds an event's class by its name (`Event.resolve_by_type`) by walking every subclass of
Event, for each event it reads back (every event of a conversation, each time the tracker store hands a
tracker back): 6-7% of Rasa's CPU on a greeting and on a lookup turn (py-spy). Here the class found for a name
is remembered; names no class has still get Rasa's own answer.

Publishing: with an event broker, every tracker store's save first asks the store for the tracker again
(`TrackerStore.stream_events`: the stored conversation deserialised and every event replayed) only to count
its events and publish the ones after them: 0.4 ms of Rasa's CPU a turn in 10-turn conversations (about 2%,
`bench.turn_cpu`), more the longer the conversation. A bare Rasa without a broker skips it. Here a tracker the store hands out remembers how many of its
events the store holds, so the new events are known without reading the store again; a tracker that did not
come from `get_or_create_tracker` (a copy, a full tracker) still gets Rasa's own way.

Connections: Rasa opens a new aiohttp session, and so a new TCP connection, for every call to the
action server (EndpointConfig.request: `async with self.session()`), and closes it after; profiled
under 20 users (py-spy) that was about 5% of Rasa's CPU on a greeting turn, which calls one action,
plus the action server's accepting. Here each endpoint keeps one session whose idle connections
are reused, for the same requests with the same headers, auth and timeout.

Policies the rules overrule: not run when the rules have decided (bot/decided_by_rules.py).
"""

from __future__ import annotations

import asyncio
import itertools
from functools import lru_cache
from typing import Any

import aiohttp
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.tracker_store import TrackerStore
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from bot import decided_by_rules

# Idle connections are closed after this, well under the action server's (Sanic's) 5 s keep-alive, so a
# connection the server may be closing at that moment is never picked for a request.
KEEPALIVE_S = 2.0


def _compiled(schema: dict[str, Any]) -> Any:
    return validators.validator_for(schema)(schema)


@lru_cache(maxsize=1)
def _response_validators() -> tuple[Any, dict[str, Any]]:
    """(the response's validator with each event's `oneOf` left out, each event kind's validator by name)."""
    schema = RemoteAction.action_response_format_spec()
    event_schema = schema["properties"]["events"]["items"]
    kinds = {kind["properties"]["event"]["const"]: _compiled(kind) for kind in event_schema["oneOf"]}
    envelope_event = {key: value for key, value in event_schema.items() if key != "oneOf"}
    envelope = {**schema, "properties": {**schema["properties"],
                                         "events": {**schema["properties"]["events"], "items": envelope_event}}}
    return _compiled(envelope), kinds


def validate_response(result: dict[str, Any]) -> None:
    """Rasa's check of an action server's response (ValidationError if it fails), one event kind per event."""
    envelope, kinds = _response_validators()
    envelope.validate(result)
    for event in result.get("events") or []:
        kind = kinds.get(event["event"])
        if kind is None:
            raise ValidationError(f"{event['event']!r} is not one of Rasa's event kinds")
        kind.validate(event)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    try:
        validate_response(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise


_rasa_resolve_by_type = Event.resolve_by_type
_event_classes: dict[str, type[Event]] = {}


def resolve_event_class(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Event.resolve_by_type, remembering the class found for each name (the first in Rasa's order)."""
    known = _event_classes.get(type_name)
    if known is not None:
        return known
    for cls in all_subclasses(Event):
        if cls.type_name == type_name:
            _event_classes[type_name] = cls
            return cls
    return _rasa_resolve_by_type(type_name, default)


# On a tracker the store handed out: how many of its events, from the first, the store holds.
_EVENTS_IN_STORE = "_events_in_store"
_rasa_get_or_create_tracker = TrackerStore.get_or_create_tracker
_rasa_stream_events = TrackerStore.stream_events


async def _get_or_create_tracker(self: TrackerStore, sender_id: str, max_event_history: int | None = None,
                                 append_action_listen: bool = True) -> DialogueStateTracker:
    tracker = await _rasa_get_or_create_tracker(self, sender_id, max_event_history, append_action_listen)
    # Read from the store, or just created and saved: either way the store holds all of its events now.
    setattr(tracker, _EVENTS_IN_STORE, len(tracker.events))
    return tracker


def events_not_in_store(tracker: DialogueStateTracker) -> list[Event] | None:
    """The tracker's events after those the store held when it handed the tracker out (None: not known)."""
    stored = getattr(tracker, _EVENTS_IN_STORE, None)
    if stored is None or stored > len(tracker.events):
        return None
    return list(itertools.islice(tracker.events, stored, len(tracker.events)))


async def _stream_events(self: TrackerStore, tracker: DialogueStateTracker) -> None:
    new_events = events_not_in_store(tracker) if self.event_broker is not None else None
    if new_events is None:
        await _rasa_stream_events(self, tracker)
    else:
        await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
    # The save that called this stores every event of the tracker.
    if hasattr(tracker, _EVENTS_IN_STORE):
        setattr(tracker, _EVENTS_IN_STORE, len(tracker.events))


class _KeptSession:
    """What `async with endpoint.session()` enters: the endpoint's shared session, left open on exit."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc_info: object) -> None:
        return None


def _new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's session (EndpointConfig.session: headers, basic auth, timeout) on a keep-alive connector."""
    auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"]) \
        if endpoint.basic_auth else None
    return aiohttp.ClientSession(headers=endpoint.headers, auth=auth,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                 connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))


def _shared_session(self: EndpointConfig) -> _KeptSession:
    loop = asyncio.get_running_loop()
    kept: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = getattr(self, "_kept_session", None)
    if kept is None or kept[0] is not loop or kept[1].closed:
        kept = (loop, _new_session(self))
        self._kept_session = kept  # type: ignore[attr-defined]
    return _KeptSession(kept[1])


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_event_class)  # type: ignore[method-assign,assignment]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    EndpointConfig.session = _shared_session  # type: ignore[method-assign,assignment]
    TrackerStore.get_or_create_tracker = _get_or_create_tracker  # type: ignore[method-assign]
    TrackerStore.stream_events = _stream_events  # type: ignore[method-assign]
    decided_by_rules.install()
