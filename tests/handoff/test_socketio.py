"""Rasa's socket.io protocol (WebSocket transport), as the Rasa web-chat widget speaks it, against the
hub: the bot answers through the hub, and after a handoff the agent's replies arrive the same way."""

from __future__ import annotations

import json
import uuid

from websockets.sync.client import connect

from devstack.hub_clients import Agent, recv_event


def test_rasa_webchat_protocol_reaches_bot_and_agent(stack, hub):
    agent = Agent(hub, "agent1")
    try:
        with connect(f"{hub.ws_url}/socket.io/?EIO=4&transport=websocket") as ws:
            assert json.loads(ws.recv(timeout=10)[1:])["sid"]  # Engine.IO open packet
            ws.send("40")
            assert ws.recv(timeout=10).startswith("40")
            # The widget proposes an id; the hub assigns its own (and the cookie to continue it).
            ws.send("42" + json.dumps(["session_request", {"session_id": uuid.uuid4().hex}]))
            session_id = recv_event(ws, "session_confirm")
            assert session_id.startswith("sio-") and "hub_chat" in ws.response.headers.get("set-cookie", "")
            ws.send("42" + json.dumps(["user_uttered", {"message": "你好", "session_id": session_id}]))
            greeting = recv_event(ws, "bot_uttered")
            assert "智能客服" in greeting["text"] and greeting["quick_replies"][0]["content_type"] == "text"

            ws.send("42" + json.dumps(["user_uttered", {"message": "我要转人工", "session_id": session_id}]))
            assert "转接人工客服" in recv_event(ws, "bot_uttered")["text"]
            assert agent.accept(agent.offer()["request_id"]).status_code == 200
            assert "李娜" in recv_event(ws, "bot_uttered")["text"]
            assert agent.reply(session_id, "您好，我是李娜").status_code == 200
            assert recv_event(ws, "bot_uttered")["text"] == "您好，我是李娜"
            ws.send("42" + json.dumps(["user_uttered", {"message": "谢谢", "session_id": session_id}]))
            agent.event(lambda e: e.get("text") == "谢谢" and e["conversation_id"] == session_id)
    finally:
        agent.close()
