"""The dependencies injected into every activity class (built once per worker process)."""
from __future__ import annotations

from dataclasses import dataclass

from raadsbode.mail.render import Renderer, make_renderer
from raadsbode.db import SessionFactory, make_engine, session_factory
from raadsbode.settings import Settings


@dataclass
class Deps:
    settings: Settings
    sessions: SessionFactory
    renderer: Renderer

    @classmethod
    def from_settings(cls, settings: Settings) -> Deps:
        engine = make_engine(settings.database_url)
        return cls(settings=settings, sessions=session_factory(engine), renderer=make_renderer(settings.timezone))
