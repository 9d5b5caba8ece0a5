"""A ticket for the agent who owns a phone call to join its audio from the console.

The console's audio goes straight to the voice gateway, not through the hub; the gateway cannot see console
sessions, so the hub vouches: it checks the session and that this agent owns this voice conversation now, audits
it, and signs a one-use ticket for that call (service_auth.agent_audio_tickets) that the gateway checks.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from handoff import audit
from handoff.api.deps import HubDep, UserDep, check_cid
from handoff.errors import HubError
from service_auth.agent_audio_tickets import AGENT_AUDIO_TTL_S, TicketSigner

router = APIRouter()


@router.post("/api/console/conversations/{cid}/audio-ticket")
async def audio_ticket(cid: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    settings = hub.settings
    if not settings.agent_audio_secret or not settings.voice_audio_url:
        raise HubError(503, "call_audio_off", "通话音频未开启，请用文字回复。"
                                              "Call audio is off here (no VOICE_AGENT_AUDIO_SECRET / VOICE_AUDIO_URL): "
                                              "reply by typing.")
    conv = await hub.state.conversation(check_cid(cid))
    # The owner now, not whoever once had it or a supervisor watching: a person on the line is one agent.
    if conv.get("owner") != "agent" or conv.get("agent") != user.username or not conv.get("request_id"):
        raise HubError(403, "not_your_call", "这通电话不在您名下。This call is not yours.")
    req = await hub.state.request(conv["request_id"])
    if req.get("channel") != "voice":
        raise HubError(409, "not_a_call", "此会话不是电话。This conversation is not a phone call.")
    await audit.record(hub.records, user, audit.JOIN_CALL_AUDIO, req.get("customer_id"), cid)
    ticket = TicketSigner(settings.agent_audio_secret).issue(cid, user.username)
    return {"url": settings.voice_audio_url.rstrip("/") + "/agent-audio", "ticket": ticket,
            "expires_in_s": AGENT_AUDIO_TTL_S}
