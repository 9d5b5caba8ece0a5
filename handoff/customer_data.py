"""One customer's conversation data in every store, for a supervisor's export or erasure.

Which conversations are the customer's: their app chat (`app-<customer id>`) and the chats they signed
in to with their app token (a Redis set, as long as those conversations live), every conversation whose
handoff named them (the hub's records), and every conversation in which the bot identified them (a
`customer_id` slot event in Rasa's event broker; voice calls are Rasa conversations too). Then, per store:

- the hub's database (transcript lines, notes, handoff records: hub_records/customer_data.py),
- the hub's live state in Redis (the conversation, its log, its handoff request),
- Rasa's event broker table (shared database, privacy/rasa_events.py) and Rasa's tracker store
  (emptied over Rasa's HTTP API with the hub's token: `PUT /conversations/{id}/tracker/events` with []),
- the voice gateway's call transcripts (`POST /calls/export|erase`, VOICE_API_KEY),
- the policy API's reminder records (`GET|DELETE /v1/customers/{id}/reminder-records`, POLICY_API_KEY),
- the policy API's claim records (`GET /v1/customers/{id}/claim-records`): exported; an erasure keeps them,
  as the law requires an insurer to (policy_api/claim_records.py), and its counts say so.

Erasing goes to the other services first and to the two stores that say which conversations are the
customer's last: if a service fails half-way, a second erase finds every conversation again."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import Engine

from desk_db.engine import make_engine
from handoff.errors import HubError
from handoff.service import Hub
from hub_records import customer_data as hub_data
from privacy import rasa_events

# Redis fields never handed out, even to the customer's own export: a credential, not their data.
SECRET_FIELDS = ("app_token",)
LIVE_OWNERS = ("queued", "agent")


class StoreUnavailable(HubError):
    """A service holding part of the customer's data did not answer as it should (502). Both an export
    and an erasure can simply be asked again."""

    def __init__(self, store: str, detail: str) -> None:
        super().__init__(502, "store_unavailable", f"{store} 暂不可用，请稍后重试。The {store} store did not answer "
                         f"as it should ({detail}); try again shortly (an export or erasure can be repeated).")
        self.store = store


@dataclass
class Outcome:
    """What an export or an erasure did: counts per store, and the export's document."""

    customer_id: str
    conversations: list[str]
    counts: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


class CustomerData:
    def __init__(self, hub: Hub, events_url: str) -> None:
        self.hub = hub
        settings = hub.settings
        self.events: Engine = make_engine(events_url)
        self.policy = httpx.AsyncClient(base_url=settings.policy_api_url, timeout=30,
                                        headers={"X-API-Key": settings.policy_api_key})
        self.voice = httpx.AsyncClient(base_url=settings.voice_url, timeout=30,
                                       headers={"X-API-Key": settings.voice_api_key}) if settings.voice_url else None

    async def close(self) -> None:
        await self.policy.aclose()
        if self.voice:
            await self.voice.aclose()
        self.events.dispose()

    async def conversations(self, customer_id: str) -> list[str]:
        found = {f"app-{customer_id}"} | await self.hub.state.customer_conversations(customer_id)
        found |= await self.hub.records.now(lambda s: hub_data.conversations_of(s, customer_id))
        found |= await asyncio.to_thread(rasa_events.conversations_of, self.events, customer_id)
        return sorted(found)

    # --- export -------------------------------------------------------------------------------------
    async def export(self, customer_id: str) -> Outcome:
        cids = await self.conversations(customer_id)
        out = Outcome(customer_id, cids)
        hub_rows = await self.hub.records.now(lambda s: hub_data.export(s, cids))
        live = [conv for conv in [await self._live(cid) for cid in cids] if conv]
        events = await asyncio.to_thread(rasa_events.export, self.events, cids)
        reminders = await self._policy("GET", customer_id)
        claims = await self._policy("GET", customer_id, "claim-records")
        calls = (await self._voice("/calls/export", cids)).get("calls", []) if self.voice else None
        out.data = {"hub": hub_rows, "hub_live": live, "rasa_events": events, "voice_calls": calls,
                    "reminder_records": reminders, "claim_records": claims}
        out.counts = {
            "hub": {"handoffs": len(hub_rows["handoffs"]), "transcript_lines": len(hub_rows["transcripts"]),
                    "notes": len(hub_rows["notes"]), "callbacks": len(hub_rows["callbacks"])},
            "hub_live": {"conversations": len(live), "messages": sum(len(c["messages"]) for c in live)},
            "rasa_events": {"events": sum(len(e) for e in events.values())},
            "voice": _not_configured() if calls is None else
            {"calls": len(calls), "turns": sum(len(c.get("turns", [])) for c in calls)},
            "reminders": {"reminders": len(reminders.get("reminders", [])), "sms": len(reminders.get("sms", [])),
                          "opt_outs": len(reminders.get("opt_outs", []))},
            "claims": {"claims": len(claims.get("claims", [])),
                       "materials": sum(len(c["materials"]) for c in claims.get("claims", [])),
                       "epolicy_copies": len(claims.get("epolicy_copies", []))},
        }
        return out

    async def _live(self, cid: str) -> dict[str, Any] | None:
        conv = await self.hub.state.conversation(cid)
        if not conv:
            return None
        # Supervisors' whispers about her conversation are hers to see too (handoff/whisper.py).
        whispers = await self.hub.state.whispers(cid)
        return {"conversation_id": cid, "state": {k: v for k, v in conv.items() if k not in SECRET_FIELDS},
                "messages": await self.hub.state.log_after(cid, 0), "whispers": whispers}

    # --- erasure ------------------------------------------------------------------------------------
    async def erase(self, customer_id: str) -> Outcome:
        cids = await self.conversations(customer_id)
        for cid in cids:  # a person is talking to them right now: end that conversation first
            if (await self.hub.state.conversation(cid)).get("owner") in LIVE_OWNERS:
                raise HubError(409, "conversation_live",
                               f"会话 {cid} 正在由人工处理，请先结束会话再删除。"
                               f"Conversation {cid} is with an agent or queued: close it first, then erase.")
        out = Outcome(customer_id, cids)
        out.counts["voice"] = await self._voice("/calls/erase", cids) if self.voice else _not_configured()
        out.counts["reminders"] = await self._policy("DELETE", customer_id)
        out.counts["claims"] = {"kept": (await self._policy("GET", customer_id, "claim-records")).get("kept", {})}
        out.counts["rasa_tracker"] = {"conversations": await self._forget_trackers(cids)}
        rids = await self.hub.records.now(lambda s: hub_data.request_ids(s, cids))
        out.counts["hub_live"] = {"keys": await self.hub.state.erase_conversations(cids, rids)}
        # The full numbers of the customer's open callbacks: not called, and not kept either.
        callback_ids = await self.hub.records.now(lambda s: hub_data.callback_ids(s, cids))
        if callback_ids:
            out.counts["hub_live"]["keys"] += await self.hub.state.forget_callback_numbers(sorted(callback_ids))
        await self.hub.state.forget_customer_conversations(customer_id)
        out.counts["rasa_events"] = {"events": await asyncio.to_thread(rasa_events.erase, self.events, cids)}
        out.counts["hub"] = await self.hub.records.now(lambda s: hub_data.erase(s, cids))
        return out

    async def _forget_trackers(self, cids: list[str]) -> int:
        """Replace each conversation's tracker with no events (Rasa has no delete); the tracker store,
        in memory or in Redis, then holds nothing of it. Nothing new reaches the event broker."""
        rasa = self.hub.rasa
        for cid in cids:
            try:
                response = await rasa.client.put(f"{rasa.base_url}/conversations/{cid}/tracker/events",
                                                  params={"include_events": "NONE"}, json=[])
            except httpx.HTTPError as exc:
                raise StoreUnavailable("rasa_tracker", type(exc).__name__) from exc
            if response.status_code != 200:
                raise StoreUnavailable("rasa_tracker", f"HTTP {response.status_code}")
        return len(cids)

    # --- the other services ------------------------------------------------------------------------
    async def _policy(self, method: str, customer_id: str, records: str = "reminder-records") -> dict[str, Any]:
        store = records.removesuffix("-records") + "s"
        try:
            response = await self.policy.request(method, f"/v1/customers/{customer_id}/{records}")
        except httpx.HTTPError as exc:
            raise StoreUnavailable(store, type(exc).__name__) from exc
        if response.status_code == 404:  # not a customer of the policy API: no reminders or claims either
            return {}
        if response.status_code != 200:
            raise StoreUnavailable(store, f"HTTP {response.status_code}")
        return response.json()

    async def _voice(self, path: str, cids: list[str]) -> dict[str, Any]:
        assert self.voice is not None
        try:
            response = await self.voice.post(path, json={"call_ids": cids})
        except httpx.HTTPError as exc:
            raise StoreUnavailable("voice", type(exc).__name__) from exc
        if response.status_code != 200:
            raise StoreUnavailable("voice", f"HTTP {response.status_code}")
        return response.json()


def _not_configured() -> dict[str, str]:
    return {"skipped": "VOICE_URL is not set: the hub cannot reach the voice gateway's transcripts"}


def export_document(outcome: Outcome) -> dict[str, Any]:
    return {"customer_id": outcome.customer_id, "exported_at": dt.datetime.now(dt.UTC).isoformat(),
            "conversations": outcome.conversations, "counts": outcome.counts, **outcome.data}


