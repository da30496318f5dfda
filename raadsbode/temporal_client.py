"""One way to connect to Temporal from settings: local dev server, self-hosted TLS, or Temporal Cloud."""
from __future__ import annotations

from temporalio.client import Client
from temporalio.service import TLSConfig

from raadsbode.settings import Settings


async def connect(settings: Settings) -> Client:
    tls: bool | TLSConfig = False
    if settings.temporal_tls_cert and settings.temporal_tls_key:
        tls = TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes(),
            client_private_key=settings.temporal_tls_key.read_bytes(),
        )
    elif settings.temporal_tls or settings.temporal_api_key:
        tls = True
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        tls=tls,
        api_key=settings.temporal_api_key,
    )
