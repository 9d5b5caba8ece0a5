"""Masking one known field (a customer's phone, ID number or name) for responses and log lines; and
the shape of an e-policy verification code (policy_api/codes.py makes them, privacy/numbers.py finds them)."""

# Printed on paper: no 0/O, 1/I/L.
EPOLICY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
EPOLICY_CODE_LENGTH = 8


def mask_phone(phone: str) -> str:
    """13800138000 -> 138****8000."""
    if len(phone) < 8:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_id_number(id_number: str) -> str:
    """Only the last 4 characters stay visible: **************1234."""
    if len(id_number) <= 4:
        return "*" * len(id_number)
    return "*" * (len(id_number) - 4) + id_number[-4:]


def mask_name(name: str) -> str:
    """王芳 -> 王*; John Smith -> J*** S****. Keeps the first letter of each word."""
    name = name.strip()
    if not name:
        return name
    if " " not in name and not name.isascii():
        return name[0] + "*" * max(len(name) - 1, 1)
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())
