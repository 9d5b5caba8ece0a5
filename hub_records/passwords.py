"""Console passwords as bcrypt hashes: the hub checks them at sign-in; the hub's admin command and console routes
and the init job hash new ones (a module of its own: hashing needs neither the hub nor the database)."""

from __future__ import annotations

import bcrypt

BCRYPT_ROUNDS = 10


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode()[:72], hashed.encode())
    except ValueError:
        return False
