"""Strict-Transport-Security on every response of an https deployment, so a browser that has been here once
never again sends a sign-in link or session cookie over plain http (where a network attacker could strip TLS).

Decided by the configured public base URL, not by the request: the app is served behind a TLS-terminating
proxy, so each request reaches uvicorn as plain http (its scheme says 'http' unless the proxy's
X-Forwarded-Proto is believed), while every link we mail out says where people really arrive.
"""
from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"strict-transport-security"
VALUE = b"max-age=31536000; includeSubDomains"


def wants_hsts(public_base_url: str) -> bool:
    return public_base_url.lower().startswith("https://")


class StrictTransportSecurity:
    """ASGI wrapper around the whole app (outside Starlette's error middleware, so 500 pages carry it too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message = {**message, "headers": [*headers, (HEADER, VALUE)]}
            await send(message)

        await self.app(scope, receive, send_with_hsts)
