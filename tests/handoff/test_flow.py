"""A whole handoff with the real Rasa model: the bot hands over, an agent accepts and answers, hands
back, and the bot answers again. Reconnecting customers lose and duplicate nothing."""

from __future__ import annotations

import json
import time

import httpx
from sqlalchemy import create_engine, text

from devstack import services
from devstack.hub_clients import Agent, Customer


def rasa_paused(stack, cid: str) -> bool:
    return httpx.get(f"{stack.rasa_url}/conversations/{cid}/tracker", timeout=10, auth=services.rasa_auth()).json()["paused"]


def test_bot_hands_over_agent_answers_hands_back_bot_answers_again(stack, hub):
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    try:
        customer.send("你好")
        assert "智能客服" in customer.bot_reply()["text"]

        # The bot's action posts the handoff to the hub; the customer sees the queue, the agent an offer.
        customer.send("我要转人工")
        assert "转接人工客服" in customer.bot_reply()["text"]
        queued = customer.status(lambda s: s["owner"] == "queued")
        assert queued["position"] == 1 and queued["estimated_wait_s"] is not None
        offer = agent.offer()
        assert offer["conversation_id"] == customer.cid and offer["reason"] == "request"
        assert offer["language"] == "zh" and offer["channel"] == "chat"
        assert any("转人工" in line["text"] for line in offer["summary"])

        # A message while queued reaches the agent, and the bot does not answer it.
        customer.send("我等着")
        assert agent.accept(offer["request_id"]).status_code == 200
        joined = customer.event(lambda e: e.get("kind") == "agent_joined")
        assert "李娜" in joined["text"]
        assert customer.status(lambda s: s["owner"] == "agent")["agent_name"] == "李娜"
        assert rasa_paused(stack, customer.cid)
        view = agent.conversation(customer.cid)
        assert [e["text"] for e in view["transcript"] if e["sender"] == "customer"] == ["你好", "我要转人工", "我等着"]

        customer.send("我的理赔到哪一步了")
        seen = agent.event(lambda e: e.get("text") == "我的理赔到哪一步了")
        assert seen["conversation_id"] == customer.cid and seen["sender"] == "customer"
        assert agent.reply(customer.cid, "您好，我来帮您查一下理赔进度。").status_code == 200
        assert customer.event(lambda e: e.get("sender") == "agent")["text"] == "您好，我来帮您查一下理赔进度。"
        time.sleep(1.5)
        after_accept = [e for e in customer.events() if e["seq"] > joined["seq"]]
        assert not [e for e in after_accept if e.get("sender") == "bot"], "the bot answered while a human owned it"

        # Hand back: Rasa resumes and answers the next message.
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/handback").status_code == 200
        customer.event(lambda e: e.get("kind") == "handed_back")
        customer.status(lambda s: s["owner"] == "bot")
        assert not rasa_paused(stack, customer.cid)
        customer.send("查一下我的保单")
        assert "验证身份" in customer.bot_reply()["text"]

        # The record: accept time kept, transcript saved.
        engine = create_engine(hub.database_url)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT accept_ms, agent, outcome FROM hub_handoffs WHERE conversation_id = :c"),
                               {"c": customer.cid}).one()
            lines = conn.execute(text("SELECT count(*) FROM hub_transcripts WHERE conversation_id = :c"),
                                 {"c": customer.cid}).scalar()
        engine.dispose()
        assert row.agent == "agent1" and row.outcome == "handed_back" and 0 < row.accept_ms < 30000
        assert lines >= 8
    finally:
        customer.close()
        agent.close()


def test_reconnect_restores_without_loss_or_duplicates(stack, hub):
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    cid = customer.cid
    try:
        assert hub.handoff(cid).status_code == 201
        rid = agent.offer()["request_id"]
        assert agent.accept(rid).status_code == 200
        customer.event(lambda e: e.get("kind") == "agent_joined")
        first_id = customer.send("第一条")
        last_seq = customer.event(lambda e: e.get("text") == "第一条")["seq"]
        customer.close()  # the network drops

        for n in range(3):  # the agent keeps writing meanwhile
            assert agent.reply(cid, f"回复{n}").status_code == 200
        back = Customer(hub, cid, last_seq=last_seq, cookie=customer.cookie)
        got = [back.event(lambda e, n=n: e.get("text") == f"回复{n}")["seq"] for n in range(3)]
        assert got == sorted(got) and got[0] > last_seq
        # A resend of an already stored message (same client_msg_id) is acknowledged, not stored again.
        back.send("第一条", client_msg_id=first_id)
        ack = back.frames.wait_for(lambda f: f.get("type") == "ack" and f["client_msg_id"] == first_id)
        assert ack["duplicate"] is True and ack["seq"] <= last_seq
        back.frames.drain(0.5)
        seqs = [e["seq"] for e in back.events()]
        assert len(seqs) == len(set(seqs)) and min(seqs) > last_seq
        texts = [e["text"] for e in agent.conversation(cid)["transcript"]]
        assert texts.count("第一条") == 1 and all(texts.count(f"回复{n}") == 1 for n in range(3))

        # A page reload (last_seq=0) gets the whole conversation once.
        reload = Customer(hub, cid, last_seq=0, cookie=customer.cookie)
        reload.frames.drain(1.0)
        all_seqs = [e["seq"] for e in reload.events()]
        assert all_seqs == list(range(1, max(all_seqs) + 1))
        reload.close()
        back.close()
    finally:
        agent.close()


def test_message_the_agent_left_unanswered_goes_to_the_bot_on_hand_back(stack, hub):
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    try:
        hub.handoff(customer.cid)
        assert agent.accept(agent.offer()["request_id"]).status_code == 200
        assert agent.reply(customer.cid, "请问还有什么问题？").status_code == 200
        customer.event(lambda e: e.get("sender") == "agent")
        customer.send("查一下我的保单")
        agent.event(lambda e: e.get("text") == "查一下我的保单")
        # The agent hands back without answering, and chooses that the bot answers it: it does, once.
        assert agent.http.post(f"/api/console/conversations/{customer.cid}/handback",
                               json={"bot_answers": True}).status_code == 200
        assert "验证身份" in customer.bot_reply()["text"]
        time.sleep(1.5)
        bot_replies = [e for e in customer.events() if e.get("sender") == "bot"]
        assert len(bot_replies) == 1, bot_replies
    finally:
        customer.close()
        agent.close()


def test_clause_question_arrives_with_clause_excerpts_and_agent_gets_suggested_replies(stack, hub):
    """Issue 6 in the console: a case-specific clause question reaches the agent with the closest clause
    sections, and the agent sees the knowledge base's top answers to the customer's last question."""
    agent = Agent(hub, "agent1")
    customer = Customer(hub)
    try:
        customer.send("我投保第20天住院被拒赔，说是等待期内的疾病，等待期条款对我的情况适用吗")
        offer = agent.offer(timeout=60)
        assert offer["reason"] == "clause"
        assert agent.accept(offer["request_id"]).status_code == 200
        excerpts = agent.conversation(customer.cid)["request"]["clause_excerpts"]
        assert excerpts and any("等待期" in e["title"] for e in excerpts), excerpts

        customer.send("那安心医疗险的免赔额是多少")
        agent.event(lambda e: e.get("sender") == "customer" and "免赔额" in e.get("text", ""))
        suggested = agent.http.get(f"/api/console/conversations/{customer.cid}/suggestions").json()
        assert suggested["question"] == "那安心医疗险的免赔额是多少"
        assert 1 <= len(suggested["suggestions"]) <= 3
        assert any("10,000" in s["text"] for s in suggested["suggestions"]), suggested

        other = Agent(hub, "agent2")  # not this agent's conversation: no suggestions either
        try:
            assert other.http.get(f"/api/console/conversations/{customer.cid}/suggestions").status_code in (403, 404)
        finally:
            other.close()
    finally:
        customer.close()
        agent.close()


def test_signed_in_app_customer_is_known_to_the_bot_and_the_token_stays_private(stack, hub):
    """The app opens the chat with its token: the bot greets her by name with what is due, without an
    identity check (the actions checked her token), and the token is stored nowhere: not in the
    transcript, not in Rasa's tracker (bot/app_token.py)."""
    from devstack.tokens import app_token

    token = app_token("C0001")
    customer = Customer(hub)
    try:
        customer.send_raw(json.dumps({"type": "auth", "token": token}))
        customer.send("你好")
        greeting = customer.bot_reply()["text"]
        assert "王芳" in greeting and "HL20240001" in greeting and "验证身份" not in greeting
        customer.send_raw(json.dumps({"type": "auth", "token": ""}))
        customer.error("invalid_token")
        log = httpx.get(f"{stack.rasa_url}/conversations/{customer.cid}/tracker", timeout=10,
                        auth=services.rasa_auth()).text
        assert token not in log
        assert token not in json.dumps(customer.events())
    finally:
        customer.close()
