"""FastAPI dependencies: settings, a DB session, the Temporal client, the renderer."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from temporalio.client import Client

from raadsbode.mail.render import Renderer
from raadsbode.db import SessionFactory
from raadsbode.settings import Settings
from raadsbode.temporal_client import connect


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_sessions(request: Request) -> SessionFactory:
    """The session factory itself, for a handler that opens its session in a worker thread (one hop)."""
    return request.app.state.sessions


def get_renderer(request: Request) -> Renderer:
    return request.app.state.renderer


async def get_temporal(request: Request) -> Client:
    """Connect once, lazily: the web app can start before the Temporal server is up."""
    state = request.app.state
    if getattr(state, "temporal", None) is None:
        async with state.temporal_lock:
            if getattr(state, "temporal", None) is None:
                state.temporal = await connect(state.settings)
    return state.temporal


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]
SessionsDep = Annotated[SessionFactory, Depends(get_sessions)]
RendererDep = Annotated[Renderer, Depends(get_renderer)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
