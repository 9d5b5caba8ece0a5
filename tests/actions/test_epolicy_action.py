"""The e-policy download end to end over real HTTP, without Rasa: the action server (posted the tracker Rasa
would post for a `download_epolicy` message), the policy API and the hub; then the customer's browser opens
the link at the hub and a third party checks the PDF's code on the 验真 route."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pypdf
import pytest

from devstack import services
from tests.actions.test_action_server import call, slots_set, texts, verified_c0001
from tests.security.standalone_hub import hub_without_bot

SECRET = secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Run:
    actions: str
    hub: str


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    workdir: Path = tmp_path_factory.mktemp("epolicy_action")
    database_url = f"sqlite:///{workdir / 'policy.db'}"
    services.seed(database_url)
    api_port = services.free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    with hub_without_bot(workdir, POLICY_API_URL=api_url, EPOLICY_LINK_SECRET=SECRET) as hub, \
            services.policy_api(database_url, port=api_port,
                                extra_env={"EPOLICY_LINK_SECRET": SECRET, "HUB_PUBLIC_URL": hub.url}), \
            services.action_server(api_url) as actions:
        yield Run(actions, hub.url)


def epolicy_link(result: dict) -> dict | None:
    return next((r["custom"] for r in result["responses"]
                 if (r.get("custom") or {}).get("type") == "epolicy_link"), None)


def test_verified_customer_gets_a_link_and_the_pdf_verifies(run: Run) -> None:
    result = call(run.actions, "action_handle_request", "下载HL20240001的电子保单", "download_epolicy",
                  verified_c0001())
    link = epolicy_link(result)
    assert link and link["policy_number"] == "HL20240001" and link["url"].startswith(f"{run.hub}/epolicy/")
    reply = texts(result)
    assert link["url"] in reply and "10 分钟内有效" in reply and "安心医疗险" in reply
    assert slots_set(result)["goal_completed"] == "epolicy_download"

    pdf = httpx.get(link["url"], timeout=60)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    code = re.search(r"Verification code\s+([A-Z0-9]{8})", text).group(1)
    check = httpx.post(f"{run.hub}/verify/epolicy", timeout=15,
                       json={"policy_number": "HL20240001", "verification_code": code})
    assert check.json()["genuine"] is True


def test_in_english_with_two_policies_she_chooses_by_button(run: Run) -> None:
    result = call(run.actions, "action_handle_request", "download my e-policy", "download_epolicy",
                  {**verified_c0001(), "language": "en"})
    assert "Which policy" in texts(result) and epolicy_link(result) is None
    payloads = [b["payload"] for r in result["responses"] for b in r.get("buttons") or []]
    assert sorted(payloads) == ['/download_epolicy{"policy_number":"AU20240002"}',
                                '/download_epolicy{"policy_number":"HL20240001"}']


def test_unverified_customer_is_asked_to_verify_first(run: Run) -> None:
    result = call(run.actions, "action_handle_request", "下载电子保单", "download_epolicy")
    assert slots_set(result)["next_step"] == "identity" and epolicy_link(result) is None


def test_no_link_for_someone_elses_policy(run: Run) -> None:
    result = call(run.actions, "action_handle_request", "下载LF20230007的电子保单", "download_epolicy",
                  verified_c0001())
    assert epolicy_link(result) is None and "不在您的名下" in texts(result)
