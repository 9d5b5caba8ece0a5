from __future__ import annotations

from typing import Any

import httpx

from devstack import services


def slot(stack: Any, chat: Any, name: str) -> Any:
    tracker = httpx.get(f"{stack.rasa_url}/conversations/{chat.sender}/tracker", timeout=10,
                        auth=services.rasa_auth()).json()
    return tracker["slots"].get(name)


def verify_by_phone(chat: Any, phone: str, last4: str) -> None:
    chat.say("查一下我的保单")
    reply = chat.say(f"{phone} 后四位{last4}")
    assert "验证成功" in reply or "verified" in reply, reply
