"""Real conversations in Mandarin over Rasa's REST channel: API + action server + trained model.

Each test is one customer journey (items 1–9) as 王芳 (C0001) would have it.
"""

from __future__ import annotations

import httpx

from devstack.tokens import app_token
from tests.e2e.helpers import slot, verify_by_phone


def test_identity_then_policy_list(chat):
    reply = chat.say("查一下我的保单")
    assert "保单号或" in reply and "手机号" in reply  # asks who they are before showing anything
    assert "HL20240001" not in reply
    assert "身份证" in chat.say("13800138000")
    reply = chat.say("1234")
    assert "验证成功" in reply and "王芳" in reply
    assert "HL20240001" in reply and "AU20240002" in reply and "安心医疗险" in reply
    assert "LF20230007" not in reply  # John's policy never shows


def test_identity_in_one_message_with_policy_number(chat):
    reply = chat.say("查保单 HL20240001 身份证后四位1234")
    assert "验证成功" in reply
    assert "1,000,000" in reply and "1,200" in reply  # sum insured and annual premium of that policy


def test_app_token_counts_as_verified(new_chat):
    chat = new_chat({"token": app_token("C0001")})
    reply = chat.say("我有哪些保单")
    assert "HL20240001" in reply and "身份证" not in reply


def test_forged_app_token_is_not_trusted(new_chat):
    chat = new_chat({"token": app_token("C0001", secret="not-the-secret-but-long-enough-0123")})
    reply = chat.say("我有哪些保单")
    assert "HL20240001" not in reply and "验证身份" in reply


def test_three_failed_checks_lock_lookups_and_offer_a_human(chat, stack):
    chat.say("查理赔进度")
    for _attempt in range(2):
        chat.say("13800138000")
        assert "还可以尝试" in chat.say("9999")
    chat.say("13800138000")
    reply = chat.say("0000")
    assert "次数过多" in reply and "95500" in reply
    assert slot(stack, chat, "identity_locked") is True
    assert slot(stack, chat, "handoff_reason") == "identity_lockout"
    # Still locked even with the right answer now.
    assert "次数过多" in chat.say("我的保单有哪些")


def test_premium_due_and_payment(chat, stack):
    verify_by_phone(chat, "13800138000", "1234")
    reply = chat.say("下次保费什么时候交")
    assert "1,200" in reply and "还有 10 天" in reply
    replies = chat.send("好的")
    link = next(r["custom"] for r in replies if r.get("custom", {}).get("type") == "payment_link")
    assert link["url"] in "\n".join(r.get("text", "") for r in replies)
    page = httpx.get(link["url"], timeout=10)
    assert page.status_code == 200 and ("1,200" in page.text or "1200" in page.text)
    paid = httpx.post(link["url"] + "/confirm", headers={"Accept": "application/json"}, timeout=10)
    assert paid.json()["status"] == "paid"
    after = chat.say("还有要交的保费吗")
    assert "还有 10 天" not in after  # the paid premium no longer shows as due
    stack.reseed()


def test_claim_guidance_fast_track_and_open_claim(new_chat, stack):
    chat = new_chat({"token": app_token("C0001")})
    reply = chat.say("住院花了3000块怎么理赔")
    assert "医疗险理赔指引" in reply and "快速" in reply
    chat.say("好的")
    assert "日期" in chat.say("HL20240001")
    assert "金额" in chat.say("昨天")
    assert "经过" in chat.say("三千二")
    reply = chat.say("急性肠胃炎住院两天")
    assert "已为您报案" in reply and "3,200" in reply and "小额秒赔" in reply
    number = reply.split("案件号 ")[1][:10]
    claim = stack.api("GET", f"/v1/claims/{number}", params={"customer_id": "C0001"}).json()
    assert claim["amount"] in (3200, "3200.00", 3200.0) and claim["fast_track"] is True
    stack.reseed()


def test_claim_status_timeline_text_and_payload(new_chat):
    chat = new_chat({"token": app_token("C0001")})
    replies = chat.send("CL20250001理赔到哪一步了")
    text = "\n".join(r.get("text", "") for r in replies)
    assert "材料审核中" in text and "✔ 已报案" in text and "○ 到账" in text
    timeline = next(r["custom"] for r in replies if r.get("custom"))
    assert timeline["type"] == "claim_timeline" and timeline["claim_number"] == "CL20250001"
    assert [s["done"] for s in timeline["steps"]] == [True, True, False, False]


def test_renewal_lists_policy_expiring_in_25_days(new_chat):
    chat = new_chat({"token": app_token("C0001")})
    reply = chat.say("我有保单快到期了吗 怎么续保")
    assert "AU20240002" in reply and "剩 25 天" in reply and "HL20240001" not in reply


def test_e_policy_verification_genuine_and_forged(chat):
    assert "验证通过" in chat.say("帮我验证电子保单真伪 保单号HL20240001 验证码HX7K2M9Q")
    assert "8位" in chat.say("验证一下电子保单 HL20240001")
    assert "验证未通过" in chat.say("HX7K2M9Z")


def test_human_complaint_and_clause_go_to_a_person(stack, new_chat):
    for message, reason in [("转人工", "request"), ("我要投诉你们理赔太慢了", "complaint"),
                            ("我这次理赔被拒说属于免责条款，这个条款对我的情况真的适用吗", "clause")]:
        chat = new_chat()
        reply = chat.say(message)
        assert "95500" in reply, message
        assert slot(stack, chat, "handoff_reason") == reason


def test_two_failed_understandings_hand_over(chat, stack):
    # Messages nobody can read (empty, then a 1,500-character paste) are failed understandings whatever
    # the model would guess; gibberish words are not used here because DIET may guess them confidently.
    first = chat.say("")
    assert "没有收到" in first, first
    chat.say("啊" * 1500)
    assert slot(stack, chat, "handoff_reason") == "not_understood"


def test_small_talk_bot_and_out_of_scope(chat):
    assert "智能客服" in chat.say("你好")
    assert "机器人" in chat.say("你是真人吗")
    assert "帮不上忙" in chat.say("明天北京天气怎么样")
    assert "不客气" in chat.say("谢谢")
    assert "再见" in chat.say("拜拜")


def test_request_resumes_with_its_own_details_after_identity(chat):
    reply = chat.say("CL20250001到哪一步了")
    assert "验证身份" in reply
    reply = chat.say("手机13800138000 身份证后四位1234")
    assert "验证成功" in reply
    assert "理赔案件 CL20250001" in reply and "材料审核中" in reply
