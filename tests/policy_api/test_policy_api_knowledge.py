"""The knowledge routes on a real server, on SQLite and PostgreSQL: answers with their source,
clear errors for bad questions, and edits to the knowledge files live without retraining Rasa."""

import shutil
import time
from pathlib import Path

import httpx
import pytest
import yaml
from policy_api_testkit import error_code

from devstack import services
from policy_api.knowledge_store import main as import_knowledge

DATA = Path(__file__).resolve().parents[2] / "knowledge" / "data"


@pytest.fixture
def kb(client: httpx.Client, api_server) -> httpx.Client:  # noqa: ANN001
    services.wait_for_knowledge(api_server.base_url, api_server.api_key)
    return client


def search(client: httpx.Client, q: str, language: str = "zh", **params: str) -> dict:
    response = client.post("/v1/knowledge/search", json={"q": q, "language": language, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_faq_answer_comes_with_its_source(kb):
    result = search(kb, "安心医疗险的等待期是多少天")
    assert result["confident"] is True
    best = result["hits"][0]
    assert "30" in best["text"] and best["source"]["type"] in ("faq", "clause")
    assert best["source"]["title"]


def test_clause_search_returns_clause_sections_with_product_and_section(kb):
    result = search(kb, "what is excluded from the car policy", "en", kind="clause")
    assert result["hits"] and all(h["source"]["type"] == "clause" for h in result["hits"])
    assert all(h["source"]["product"] and h["source"]["section"] for h in result["hits"])


def test_empty_question_gets_no_hits_and_no_error(kb):
    assert search(kb, "   ") == {"language": "zh", "confident": False, "hits": []}


def test_bad_questions_are_refused_clearly(kb):
    too_long = kb.post("/v1/knowledge/search", json={"q": "a" * 10_001, "language": "en"})
    assert too_long.status_code == 422 and error_code(too_long) == "invalid_request"
    wrong_language = kb.post("/v1/knowledge/search", json={"q": "hello", "language": "fr"})
    assert wrong_language.status_code == 422 and error_code(wrong_language) == "invalid_request"
    unknown = kb.get("/v1/knowledge/entries/zh/faq-zh-no-such-entry")
    assert unknown.status_code == 404 and error_code(unknown) == "knowledge_entry_not_found"


def test_questions_are_not_taken_in_the_url(kb):
    """A question can hold a phone or ID number; URLs are kept by access logs and proxies."""
    response = kb.get("/v1/knowledge/search", params={"q": "我的手机13800138000能改吗"})
    assert response.status_code == 405 and error_code(response) == "method_not_allowed"
    assert search(kb, "安心医疗险的等待期是多少天")["hits"]


def test_knowledge_needs_the_api_key(anon):
    response = anon.post("/v1/knowledge/search", json={"q": "等待期"})
    assert response.status_code == 401 and error_code(response) == "unauthorized"


def test_an_edited_answer_is_served_after_import_without_restart(kb, api_server, tmp_path):
    """Editors change the YAML and import it; the running API re-indexes within seconds."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    faq_file = data / "faq_zh.yml"
    faq = yaml.safe_load(faq_file.read_text(encoding="utf-8"))
    entry = next(e for e in faq["entries"] if e["id"] == "faq-zh-health-waiting-period")
    entry["answer"] = "安心医疗险的等待期为 30 天（2026 年版说明：等待期从保单生效日零时起算）。"
    faq_file.write_text(yaml.safe_dump(faq, allow_unicode=True, sort_keys=False), encoding="utf-8")

    import_knowledge(["--database-url", api_server.database_url, "--data-dir", str(data)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = kb.get("/v1/knowledge/entries/zh/faq-zh-health-waiting-period").json()
        if "2026 年版说明" in answer["text"]:
            break
        time.sleep(1)
    else:
        pytest.fail("the edited answer was not served within 30 s of the import")
