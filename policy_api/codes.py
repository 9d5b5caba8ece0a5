"""E-policy verification codes: generated once, stored only as a slow hash.

A code is 8 characters of a 31-letter alphabet (about 40 bits): too few for a fast hash. With SHA-256 a copy
of the database would give every code back in minutes on one graphics card, and with it a "genuine" 验真 for
a forged e-policy. scrypt (RFC 7914, in Python's hashlib) makes each guess cost ~50 ms and 16 MiB, which puts
2^40 guesses out of reach; one verification costs one scrypt. Hashes written before (bare SHA-256 hex) still
verify, so e-policies issued earlier stay genuine."""

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: customers read these codes off paper. The masking component knows the same shape.
from privacy.fields import EPOLICY_CODE_ALPHABET as ALPHABET
from privacy.fields import EPOLICY_CODE_LENGTH

SCHEME = "s1$"  # scrypt n=2^14, r=8, p=1, 30 bytes: "s1$" + 60 hex characters fits the 64-character column
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 30, "maxmem": 64 * 1024 * 1024}


def generate_code(length: int = EPOLICY_CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def hash_code(policy_number: str, code: str) -> str:
    # Salted with the policy number so equal codes on two policies hash differently, and one scrypt checks a
    # code against every copy of that policy.
    return SCHEME + hashlib.scrypt(code.upper().encode(), salt=f"epolicy:{policy_number}".encode(), **_SCRYPT).hex()


def _legacy_hash(policy_number: str, code: str) -> str:
    return hashlib.sha256(f"{policy_number}:{code.upper()}".encode()).hexdigest()


class CodeCheck:
    """One code offered for one policy, compared with stored hashes of either scheme (each computed once)."""

    def __init__(self, policy_number: str, code: str) -> None:
        self.current = hash_code(policy_number, code)
        self.legacy = _legacy_hash(policy_number, code)

    def matches(self, stored: str) -> bool:
        expected = self.current if stored.startswith(SCHEME) else self.legacy
        return hmac.compare_digest(stored.encode(), expected.encode())
