"""FastAPI application factory: one router per concern."""
from __future__ import annotations

from fastapi import FastAPI

from raadsbode.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="Raadsbode", docs_url=None, redoc_url=None)
    app.state.settings = settings

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
