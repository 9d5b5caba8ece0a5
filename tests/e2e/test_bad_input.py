"""Bad input gets a clear answer and loses nothing."""

from __future__ import annotations

from devstack.tokens import app_token
from tests.e2e.helpers import slot


def test_empty_message_gets_a_clear_reply(chat):
    reply = chat.say("")
    assert "没有收到内容" in reply


def test_5000_character_message_is_refused_politely(chat):
    reply = chat.say("我的保单" * 1250)
    assert "太长" in reply and "5000" in reply


def test_english_huge_paste(chat):
    chat.say("hello")
    reply = chat.say("claim " * 1000)
    assert "too long" in reply


def test_malformed_identity_answers_are_asked_again(chat, stack):
    chat.say("查一下我的保单")
    assert "没有识别到有效的保单号或手机号" in chat.say("12345")
    chat.say("13800138000")
    assert "后4位" in chat.say("12")  # re-asks, no attempt counted
    assert slot(stack, chat, "identity_failures") == 0
    assert "验证成功" in chat.say("1234")


def test_policy_api_down_is_said_and_a_human_offered(stack, new_chat):
    chat = new_chat({"token": app_token("C0001")})
    with stack.api_stopped():
        replies = chat.send("查一下我的保单")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "暂时无法访问" in text
    assert any(b["payload"] == "/request_human" for r in replies for b in r.get("buttons", []))
    # Back up: the same conversation works again.
    assert "HL20240001" in chat.say("查一下我的保单")


def test_api_down_during_identity_check(stack, chat):
    chat.say("查理赔进度")
    chat.say("13800138000")
    with stack.api_stopped():
        reply = chat.say("1234")
    assert "暂时无法访问" in reply
    assert slot(stack, chat, "identity_failures") == 0  # our outage never counts against the customer


def test_two_unreadable_messages_in_a_row_reach_a_person(chat, stack):
    assert "没有收到内容" in chat.say("   ")
    reply = chat.say("")
    assert "95500" in reply
    assert slot(stack, chat, "handoff_reason") == "not_understood"
