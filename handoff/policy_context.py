"""The customer's policies and claims for the agent, from the policy API (which masks phone and ID)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


class PolicyContext:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, headers={"X-API-Key": api_key}, timeout=10)

    async def close(self) -> None:
        await self.client.aclose()

    async def customer(self, customer_id: str) -> dict[str, Any]:
        paths = {"profile": f"/v1/customers/{customer_id}", "policies": f"/v1/customers/{customer_id}/policies",
                 "claims": f"/v1/customers/{customer_id}/claims"}
        try:
            responses = await asyncio.gather(*(self.client.get(path) for path in paths.values()))
        except httpx.HTTPError:
            return {"available": False, "error": "policy_api_unreachable"}
        out: dict[str, Any] = {"available": True}
        for name, response in zip(paths, responses, strict=True):
            if response.status_code != 200:
                return {"available": False, "error": f"policy_api_{response.status_code}"}
            out[name] = response.json()
        out["policies"] = out["policies"].get("policies", [])
        out["claims"] = out["claims"].get("claims", [])
        return out

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
