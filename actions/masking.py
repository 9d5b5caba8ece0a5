"""Masking personal numbers in free text (pure Python: the action server and the voice gateway share it)."""

from __future__ import annotations

import re

_PERSONAL_NUMBER = re.compile(r"(?<!\d)(\d{3})\d{4,11}(\d{4})(?!\d)|(?<!\d)\d{17}[\dXx](?!\d)")


def mask_text(text: str) -> str:
    """Phones, ID and card numbers in free text keep only their edges: 138****8000."""
    return _PERSONAL_NUMBER.sub(lambda m: f"{m.group(1) or ''}****{m.group(2) or ''}", text)
