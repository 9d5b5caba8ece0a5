"""A lean HTTP/1.1 keep-alive client for load generation: one connection, one request at a time.

httpx spends a few milliseconds of CPU per request; with 200 simultaneous requests on a 2-core
machine that load generator, not the server, sets the latency. This sends bytes and reads the
status line, headers and a Content-Length body, nothing more (no chunked bodies, no redirects)."""

from __future__ import annotations

import asyncio
import json
from typing import Any


class RawConnection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, host: str, port: int) -> RawConnection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer, f"{host}:{port}")

    async def request(self, method: str, path: str, body: Any = None,
                      headers: dict[str, str] | None = None) -> tuple[int, Any]:
        payload = json.dumps(body).encode() if body is not None else b""
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n{extra}"
                f"Content-Length: {len(payload)}\r\n\r\n").encode()
        self.writer.write(head + payload)
        await self.writer.drain()
        status_and_headers = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(status_and_headers[0].split()[1])
        length = next((int(line.split(":", 1)[1]) for line in status_and_headers[1:]
                       if line.lower().startswith("content-length:")), 0)
        data = await self.reader.readexactly(length) if length else b""
        return status, json.loads(data) if data else None

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()
