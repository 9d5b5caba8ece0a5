"""The claim materials' files on disk: one directory (MATERIALS_DIR), outside any web root, each file under a
random name that says nothing about the customer or the claim. Written whole or not at all (a temporary
file renamed into place), readable only by the service's own user."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

_NAME_CHARS = frozenset("0123456789abcdef")


class MaterialStore:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def _path(self, name: str) -> Path:
        # Names are ours (hex), never a client's; checked anyway so no row can point outside the directory.
        if not name or len(name) > 64 or not set(name) <= _NAME_CHARS:
            raise ValueError("not a stored material name")
        return self.directory / name

    def save(self, content: bytes) -> str:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = secrets.token_hex(16)
        final = self._path(name)
        temporary = self.directory / f".{name}.part"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return name

    def read(self, name: str) -> bytes:
        return self._path(name).read_bytes()

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)
