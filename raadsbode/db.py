"""Engine, sessions and migrations; the same code for SQLite and PostgreSQL."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)
# Alembic narrates every plugin when it is imported, and every revision at INFO: the console needs only our line.
logging.getLogger("alembic").setLevel(logging.WARNING)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

SessionFactory = Callable[[], Session]


def make_engine(url: str) -> Engine:
    _make_sqlite_dir(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        # A file's pool holds as many connections as requests run at once: an overflow connection is opened
        # and closed per request (with its pragmas), which doubled the web's CPU in a burst of link clicks.
        pool = {"pool_size": 20, "max_overflow": 20} if parsed.database not in (None, "", ":memory:") else {}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the web app read while the worker writes; FKs are off by default in SQLite.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def session_factory(engine: Engine) -> SessionFactory:
    def open_session() -> Session:
        return Session(engine, expire_on_commit=False)

    return open_session


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _make_sqlite_dir(url: str) -> None:
    """SQLite makes its file but not the folder it is in (var/ on a fresh checkout)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command

    _make_sqlite_dir(url)
    command.upgrade(alembic_config(url), "heads")  # "heads": a branch added before its merge revision still applies
    log.info("database at newest revision")


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest revision (what `raadsbode migrate` brings it to)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads
