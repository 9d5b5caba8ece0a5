"""Database URLs as every service writes them, mapped to the driver we ship (psycopg 3)."""

from __future__ import annotations


def normalize_url(url: str) -> str:
    """Map plain `postgresql://` / `postgres://` URLs to the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
