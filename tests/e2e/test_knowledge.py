"""Knowledge questions in the real assistant: trained model, action server, policy API and its
knowledge search over the imported FAQ and clauses."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import slot


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


@pytest.mark.parametrize("question, words, source", [
    ("安心医疗险的等待期有多长时间", ["30"], "来源"),
    ("how long is the cooling-off period of the term life policy", ["15 days"], "Source:"),
])
def test_knowledge_question_is_answered_with_its_source(new_chat, question, words, source):
    reply = new_chat().say(question)
    assert all(word in reply for word in words), reply
    assert source in reply, "every knowledge answer says where it comes from"


def test_knowledge_answer_follows_the_customers_language(new_chat):
    chat = new_chat()
    assert "来源" in chat.say("车险出过险，第二年保费会涨吗")
    reply = chat.say("will my car insurance premium go up after a claim")
    assert "Source:" in reply and "来源" not in reply


@pytest.mark.parametrize("question, declined", [
    ("你们有没有宠物保险，猫生病能报吗", ["没有这个问题的答案", "不太确定", "帮不上忙"]),
    ("do you sell travel insurance for skiing trips abroad", ["no answer", "not sure", "can't help"]),
])
def test_question_the_knowledge_base_cannot_answer_is_declined(new_chat, question, declined):
    """No made-up answer: the assistant says it has none (or asks which entry was meant), and offers a person."""
    replies = new_chat().send(question)
    text = "\n".join(r.get("text") or "" for r in replies)
    assert "来源" not in text and "Source:" not in text, text
    assert any(phrase in text for phrase in declined), text


def test_unsure_match_asks_one_clarifying_question_then_answers_the_pick(stack, new_chat):
    chat = new_chat()
    replies = chat.send("免赔")  # one vague word: several entries are close
    picks = [b for b in buttons(replies) if b["payload"].startswith("/ask_faq")]
    if not picks:  # the search was confident after all; then it must have answered with a source
        assert "来源" in "\n".join(r.get("text") or "" for r in replies)
        return
    assert any("/request_human" == b["payload"] for b in buttons(replies)), "a way out to a person"
    reply = chat.click(picks[0]["payload"])  # a button the bot offered, as the hub relays it
    assert "来源" in reply
    assert slot(stack, chat, "knowledge_clarified") is False


def test_case_specific_clause_question_goes_to_a_person(stack, new_chat):
    chat = new_chat()
    reply = chat.say("我的住院理赔被拒了，说是既往症免责，可我投保前没看过这个病，这条款对我适用吗")
    assert "95500" in reply or "人工" in reply
    assert slot(stack, chat, "handoff_reason") == "clause"


@pytest.mark.parametrize("message", ["", "保险" * 2500, "Combien coûte une assurance habitation pour un appartement ?"])
def test_bad_knowledge_input_gets_a_clear_reply(new_chat, message):
    """Empty, a 5,000-character paste, another language: a reply, never a crash or silence."""
    replies = new_chat().send(message)
    assert replies and all(r.get("text") or r.get("buttons") or r.get("custom") for r in replies)
