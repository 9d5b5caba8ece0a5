"""Which questions carry evidence that they are about the customer's insurance with us."""

from __future__ import annotations

import pytest

from actions.evidence import names_our_business


@pytest.mark.parametrize("text", ["where do i pay tuition", "在哪儿交学费", "when is the due date for the exam",
                                  "how much is the gym membership"])
def test_everyday_questions_carry_no_evidence(text: str) -> None:
    assert not names_our_business(text)


@pytest.mark.parametrize("text", ["when is my payment due", "我的保费什么时候交", "HL20240001还欠多少没交",
                                  "do i owe you anything", "how do i pay my premium online", "理赔到哪一步了",
                                  "where is CL20250088 at"])
def test_questions_about_our_business_do(text: str) -> None:
    assert names_our_business(text)
