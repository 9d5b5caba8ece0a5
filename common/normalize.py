"""Normalisation of identifiers typed by customers (chat input is messy)."""

import re
import unicodedata

# A policy number is its product's prefix and 8 digits (HL20240001); a claim number is CL and 8 digits. Written
# down here only: the API's checks below and the reading of what customers type (common/parsing.py) are built
# from it; Rasa's regexes (nlu_data/regex.yml, data) are checked against it by tests/unit/test_catalogues.py.
POLICY_PREFIXES = ("HL", "AU", "LF", "AC")  # medical, auto, term life, accident
CLAIM_PREFIX = "CL"
NUMBER_DIGITS = 8
POLICY_PREFIX_PATTERN = "|".join(POLICY_PREFIXES)
# Any of our numbers, as heard or read aloud: a policy or a claim.
NUMBER_PREFIX_PATTERN = "|".join((*POLICY_PREFIXES, CLAIM_PREFIX))

POLICY_NUMBER_RE = re.compile(rf"^(?:{POLICY_PREFIX_PATTERN})\d{{{NUMBER_DIGITS}}}$")
CLAIM_NUMBER_RE = re.compile(rf"^{CLAIM_PREFIX}\d{{{NUMBER_DIGITS}}}$")
PHONE_RE = re.compile(r"^1\d{10}$")
ID_LAST4_RE = re.compile(r"^\d{3}[\dX]$")
CODE_RE = re.compile(r"^[A-Z0-9]{4,32}$")

# Whitespace (incl. ideographic space after NFKC) plus dash-like separators people type.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_.()]")


def clean(value: str) -> str:
    """NFKC (full-width -> ASCII), upper-case, drop spaces and dashes."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()


def policy_number(value: str) -> str | None:
    """Normalised policy number, or None when it cannot be one."""
    v = clean(value)
    return v if POLICY_NUMBER_RE.match(v) else None


def claim_number(value: str) -> str | None:
    v = clean(value)
    return v if CLAIM_NUMBER_RE.match(v) else None


def phone(value: str) -> str | None:
    """Mainland mobile number as 11 digits; strips a +86 / 0086 / 86 country prefix."""
    v = clean(value)
    for prefix in ("+86", "0086", "86"):
        if v.startswith(prefix) and len(v) - len(prefix) == 11:
            v = v[len(prefix):]
            break
    return v if PHONE_RE.match(v) else None


def id_last4(value: str) -> str | None:
    v = clean(value)
    return v if ID_LAST4_RE.match(v) else None


def verification_code(value: str) -> str | None:
    v = clean(value)
    return v if CODE_RE.match(v) else None
