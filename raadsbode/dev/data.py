"""The dev stack's database: migrate, and on first start load the demo association."""
from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables.org import Association
from raadsbode.db import make_engine, migrate, session_factory
from raadsbode.dev.demo import seed_demo
from raadsbode.settings import Settings

log = logging.getLogger(__name__)


def prepare_database(settings: Settings, load_demo: bool) -> None:
    """Migrate; on first start (no association yet) load the demo data if wanted."""
    migrate(settings.database_url)
    if not load_demo:
        return
    engine = make_engine(settings.database_url)
    try:
        if _has_associations(engine):
            log.info("database already has data; demo data not loaded again")
            return
        seed_demo(session_factory(engine))
        log.info("demo data loaded")
    finally:
        engine.dispose()


def _has_associations(engine: Engine) -> bool:
    with Session(engine) as session:
        return session.exec(select(Association.id).limit(1)).first() is not None

