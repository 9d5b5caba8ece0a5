"""Whether a question that would start an identity check names our business or the customer's own affairs.

The NLU can be confidently wrong on everyday questions that share our verbs ("where do I pay tuition" reads
like pay_premium). Before asking a stranger for her policy number, a *question* must carry some evidence that
it is about her insurance with us: an insurance word, one of our policy or claim numbers, or "my"/"your".
Without it the assistant asks one clarifying question instead (actions/clarify.py): one tap for a real
customer, no identity prompt for someone who is not one. Requests that are not questions ("pay my premium",
"交保费") and answers to the bot's own offers are not judged here.
"""

from __future__ import annotations

import re

from common import parsing

INSURANCE_WORDS = re.compile(
    r"保|险|赔|续期|投保|受益人|验真|单子|扣费|扣款|insur|polic|premium|claim|cover|renew|beneficiar|deductible"
    r"|payout|underwrit|reimburs", re.IGNORECASE)
# The customer speaking of her own affairs, or addressing the insurer.
PERSONAL_WORDS = re.compile(r"我的|我们的|您的|你们|\b(?:my|mine|our|your|you)\b", re.IGNORECASE)


def names_our_business(text: str) -> bool:
    """True when the message carries evidence that it is about the customer's insurance with us."""
    return bool(INSURANCE_WORDS.search(text) or PERSONAL_WORDS.search(text)
                or parsing.parse_policy_number(text) or parsing.parse_claim_number(text))
