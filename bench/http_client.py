"""A minimal HTTP/1.1 keep-alive client for the benchmarks.

The benchmark client shares the machine's cores with the server it measures. httpx spent about as much CPU per
request as the web app itself (bench/README.md), so the figures partly measured the client; this one parses
only the status line, the headers and a Content-Length or chunked body.
"""
from __future__ import annotations

import asyncio
from urllib.parse import urlencode, urlsplit


class Connection:
    """One persistent connection, like one person's browser."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()

    async def get(self, path: str) -> tuple[int, str]:
        return await self._request("GET", path, b"", "")

    async def post_form(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        return await self._request("POST", path, urlencode(form).encode(), "application/x-www-form-urlencoded")

    async def _request(self, method: str, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        assert self.reader is not None and self.writer is not None, "open() first"
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status = int((await self.reader.readline()).split()[1])
        headers = await self._headers()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return status, (await self._chunked()).decode()
        return status, (await self.reader.readexactly(int(headers.get("content-length", "0")))).decode()

    async def _headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return headers

    async def _chunked(self) -> bytes:
        body = b""
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            body += await self.reader.readexactly(size)
            await self.reader.readline()
        await self.reader.readline()
        return body
