"""E-policy verification codes: generated once, stored only as a SHA-256 hash."""

import hashlib
import secrets

# No 0/O, 1/I/L: customers read these codes off paper. The masking component knows the same shape.
from privacy.fields import EPOLICY_CODE_ALPHABET as ALPHABET
from privacy.fields import EPOLICY_CODE_LENGTH


def generate_code(length: int = EPOLICY_CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def hash_code(policy_number: str, code: str) -> str:
    # Bound to the policy number so equal codes on two policies hash differently.
    return hashlib.sha256(f"{policy_number}:{code.upper()}".encode()).hexdigest()
