"""The customer's policies and claims for the agent, from the policy API (which masks phone and ID).

Read with the service key and the customer's token from her conversation (X-Customer-Token): the API
serves only the customer that token names."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx


def error_code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


class PolicyContext:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, headers={"X-API-Key": api_key}, timeout=10)

    async def close(self) -> None:
        await self.client.aclose()

    async def exchange_app_token(self, app_token: str, cid: str) -> str | None:
        """A customer token for the customer an app token names, if the policy API accepts it."""
        try:
            response = await self.client.post("/v1/identity/app-token",
                                              json={"app_token": app_token, "conversation_id": cid[:128]})
        except httpx.HTTPError:
            return None
        return response.json().get("customer_token") if response.status_code == 200 else None

    async def customer(self, customer_id: str, token: str) -> dict[str, Any]:
        base = f"/v1/customers/{quote(customer_id, safe='')}"
        paths = {"profile": base, "policies": f"{base}/policies", "claims": f"{base}/claims"}
        headers = {"X-Customer-Token": token}
        try:
            responses = await asyncio.gather(*(self.client.get(path, headers=headers) for path in paths.values()))
        except httpx.HTTPError:
            return {"available": False, "error": "policy_api_unreachable"}
        # Each answer refreshes the token: the hub keeps the newest (`customer_token` of the result).
        out: dict[str, Any] = {"available": True, "customer_token": responses[0].headers.get("X-Customer-Token")}
        for name, response in zip(paths, responses, strict=True):
            if response.status_code != 200:
                code = error_code(response)
                return {"available": False, "error": code if code.startswith("customer_token") else
                        f"policy_api_{response.status_code}"}
            out[name] = response.json()
        out["policies"] = out["policies"].get("policies", [])
        out["claims"] = out["claims"].get("claims", [])
        return out

    async def contact_phone(self, customer_id: str, token: str) -> str | None:
        """The full number on record for a verified customer's callback (None if the API cannot say)."""
        try:
            response = await self.client.get(f"/v1/customers/{quote(customer_id, safe='')}/contact-phone",
                                              headers={"X-Customer-Token": token})
        except httpx.HTTPError:
            return None
        if response.status_code != 200:
            return None
        return str(response.json().get("phone") or "") or None

    async def knowledge(self, question: str, language: str, k: int = 3) -> dict[str, Any]:
        """The knowledge base's best answers for a question, confident or not (they are suggestions)."""
        try:
            response = await self.client.post("/v1/knowledge/search",
                                              json={"q": question[:2000], "language": language, "k": k})
        except httpx.HTTPError:
            return {"available": False, "suggestions": []}
        if response.status_code != 200:
            return {"available": False, "suggestions": []}
        hits = response.json().get("hits", [])
        return {"available": True, "suggestions": [
            {"id": h["id"], "title": h["title"], "text": h["text"], "source": h["source"]} for h in hits]}
