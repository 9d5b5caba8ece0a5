"""A ticket for the agent who owns a phone call to join its audio from the console.

The console's audio goes straight to the voice gateway, not through the hub; the gateway cannot see console
sessions, so the hub vouches: it checks the session and that this agent owns this voice conversation now, audits
it, and signs a one-use ticket for that call (service_auth.agent_audio_tickets) that the gateway checks.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from handoff import agent_conversations
from handoff.api.deps import HubDep, UserDep, check_cid
from handoff.errors import HubError
from service_auth.agent_audio_tickets import AGENT_AUDIO_TTL_S

router = APIRouter()


@router.post("/api/console/conversations/{cid}/audio-ticket")
async def audio_ticket(cid: str, user: UserDep, hub: HubDep) -> dict[str, Any]:
    settings = hub.settings
    if not settings.agent_audio_secret or not settings.voice_audio_url:
        raise HubError(503, "call_audio_off", "通话音频未开启，请用文字回复。"
                                              "Call audio is off here (no VOICE_AGENT_AUDIO_SECRET / VOICE_AUDIO_URL): "
                                              "reply by typing.")
    ticket = await agent_conversations.join_call_audio(hub, check_cid(cid), user)
    return {"url": settings.voice_audio_url.rstrip("/") + "/agent-audio", "ticket": ticket,
            "expires_in_s": AGENT_AUDIO_TTL_S}
