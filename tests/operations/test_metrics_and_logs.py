"""What an operator scrapes and reads: Prometheus /metrics on every service of ours (with the service's key,
never without), and JSON log lines that name the request or conversation they are about, with no phone
number in them."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any, Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families

from devstack import services
from devstack.hub_clients import Customer, HubRun
from tests.conftest import Stack
from voice.tools import testset
from voice.tools.carrier import one_utterance_call


def scrape(url: str, key: str) -> dict[str, list[Any]]:
    response = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {key}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(response.text)}


def value(samples: list[Any], **labels: str) -> float:
    return sum(s.value for s in samples if all(s.labels.get(k) == v for k, v in labels.items()))


def log_lines(name_prefix: str) -> list[dict[str, Any]]:
    lines = []
    for log in services.LOG_DIR.glob(f"{name_prefix}*.log"):
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
    return lines


def test_the_policy_api_counts_requests_and_logs_them_by_request_id(stack: Stack) -> None:
    request_id = f"op-{uuid.uuid4().hex[:12]}"
    refused = httpx.post(f"{stack.api_url}/v1/identity/verify", timeout=10,
                         headers={"X-API-Key": services.API_KEY, "X-Request-ID": request_id},
                         json={"phone": "13800138000", "id_last4": "0000"})
    assert refused.status_code == 401
    assert refused.headers["x-request-id"] == request_id  # the caller can quote it to an operator
    assert httpx.get(f"{stack.api_url}/health", timeout=10).headers["x-request-id"]  # one is made when none is sent

    families = scrape(stack.api_url, services.API_KEY)
    assert value(families["http_requests"], handler="/v1/identity/verify", status="4xx") >= 1

    mine = [line for line in log_lines("policy_api") if line.get("request_id") == request_id]
    assert mine, "no log line carries the request id"
    assert all(line["service"] == "policy_api" and line["level"] and line["time"] for line in mine)
    assert not any("13800138000" in json.dumps(line, ensure_ascii=False) for line in mine)


def test_the_action_server_times_each_action_by_name(stack: Stack) -> None:
    body = {"next_action": "action_session_start", "sender_id": f"op-{uuid.uuid4().hex[:8]}",
            "tracker": {"sender_id": "x", "slots": {}, "latest_message": {}, "events": [], "paused": False,
                        "followup_action": None, "active_loop": {}, "latest_action_name": None},
            "domain": {}, "version": "3.6.2"}
    httpx.post(f"{stack.actions_url}/webhook", json=body, headers=services.ACTION_SECRET, timeout=30)
    families = scrape(stack.actions_url, services.ACTION_SERVER_SECRET)
    assert value(families["actions_run_seconds"], action="action_session_start") >= 1  # the _count sample


def test_the_hub_reports_its_queue_and_agents_across_workers(start_hub: Callable[..., HubRun]) -> None:
    run = start_hub(HANDOFF_WORKERS="2")
    customer = Customer(run)
    try:
        assert run.handoff(customer.cid).status_code in (200, 201)
        # Every worker answers the same queue (it is read from Redis), whichever the scrape reaches.
        for _ in range(4):
            families = scrape(run.url, services.HUB_API_KEY)
            assert value(families["hub_queue_length"]) == 1
            assert value(families["hub_longest_wait_seconds"]) >= 0
            assert value(families["hub_agents"], state="offline") >= 1
        assert value(families["http_requests"], handler="/api/handoffs") >= 1
    finally:
        customer.close()



def test_the_voice_gateway_reports_calls_and_recognition_time(voice: Any) -> None:
    before = scrape(voice.url, voice.api_key)
    utterance = testset.load("zh")[0]
    asyncio.run(one_utterance_call(voice.ws_url, testset.audio(utterance), utterance.speech_end, "zh",
                                   auth_token=voice.twilio_auth_token))
    ended_before = value(before.get("voice_calls_ended", []))
    deadline = time.monotonic() + 15
    while True:  # the gateway counts the end once it has seen the hang-up, a moment after the carrier left
        after = scrape(voice.url, voice.api_key)
        if value(after.get("voice_calls_ended", [])) > ended_before or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert value(after["voice_calls"]) == value(before["voice_calls"]) + 1
    recognised = value(after["voice_asr_seconds"]) - value(before["voice_asr_seconds"])
    assert recognised > 0  # the histogram's samples (count and sum) moved with the utterance
    assert value(after["voice_calls_ended"]) == ended_before + 1
