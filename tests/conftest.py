"""Real parts: a Temporal dev server, an aiosmtpd sink over real SMTP, a real database."""
from __future__ import annotations

import asyncio
import functools
import os
import socket
import uuid

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from raadsbode.db import make_engine, migrate, session_factory
from raadsbode.search_attributes import SEARCH_ATTRIBUTES
from raadsbode.settings import Settings, get_settings
from raadsbode.dev.sink import start_sink
from raadsbode.dev.temporal_server import DevStackError, temporal_binary
from tests.support.continue_as_new import start_eager_server
from tests.support.env import TEST_SECRET_KEY, free_port
from web.app import create_app
from worker import build_worker

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    url = os.environ.get("RAADSBODE_TEST_DATABASE_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return LOCAL_PG
    except OSError:
        return None


def _create_private_database(base_url: str) -> str:
    """A database of this test session's own, so parallel runs never share (or reset) one."""
    import sqlalchemy as sa

    name = f"raadsbode_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.engine.make_url(base_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(base_url: str, url: str) -> None:
    import sqlalchemy as sa

    name = sa.engine.make_url(url).database
    engine = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@functools.cache  # asked once per test function at collection: probe PostgreSQL once
def _database_params() -> tuple:
    params = [pytest.param("sqlite", id="sqlite")]
    if _postgres_url():
        params.append(pytest.param("postgres", id="postgres"))
    return tuple(params)


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: the module's tests check pages, routing or rendering, not how "
                                       "the database behaves: SQLite alone (half the time of both)")


def pytest_generate_tests(metafunc):
    """db_url on SQLite, and on PostgreSQL when one is reachable; SQLite alone for a test marked sqlite_only.
    A test parametrised over db_url itself keeps its own."""
    if "db_url" not in metafunc.fixturenames or hasattr(metafunc.module, "db_url"):  # or the module chose its own
        return
    if any("db_url" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize")):
        return
    params = _database_params()
    if metafunc.definition.get_closest_marker("sqlite_only"):
        params = params[:1]
    metafunc.parametrize("db_url", list(params), indirect=True)


@pytest.fixture(scope="session")
async def temporal_env():
    try:
        binary = temporal_binary()
    except DevStackError as exc:
        pytest.fail(str(exc))
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary,
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
def smtp_sink(tmp_path_factory):
    port = free_port()
    controller, handler = start_sink("127.0.0.1", port, tmp_path_factory.mktemp("mail") / "maildir")
    handler.port = port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


@pytest.fixture
def sink(smtp_sink):
    """The session's sink, emptied for this test."""
    smtp_sink.clear()
    return smtp_sink


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'raadsbode.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def postgres_url():
    base = _postgres_url()
    if not base:
        yield None
        return
    url = _create_private_database(base)
    migrate(url)
    _offset_meeting_ids(url)
    yield url
    _drop_database(base, url)


def _offset_meeting_ids(url: str) -> None:
    """Both test databases share one Temporal server, and a meeting's workflow id is `meeting-<id>`:
    PostgreSQL numbers its meetings from a million so they never collide with SQLite's meeting workflows."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER SEQUENCE meeting_id_seq RESTART WITH 1000000"))
    engine.dispose()


@pytest.fixture
def db_url(request, sqlite_url, postgres_url) -> str:
    """Parametrised in pytest_generate_tests: "sqlite" or "postgres"."""
    return sqlite_url if request.param == "sqlite" else postgres_url


@pytest.fixture
def session_factory_(db_url):
    engine = make_engine(db_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def settings(db_url, smtp_sink, tmp_path) -> Settings:
    return Settings(
        environment="dev",
        secret_key=TEST_SECRET_KEY,
        var_dir=tmp_path / "var",
        database_url=db_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_sink.port,
        smtp_timeout=5,
        mail_from="secretariaat@vng-flevoland.test",
        public_base_url="http://raadsbode.test",
        temporal_task_queue=f"test-{uuid.uuid4().hex[:8]}",
    )


@pytest.fixture
def cli_runner(db_url, monkeypatch):
    """A CliRunner whose commands use this test's database (the settings are read again per test)."""
    monkeypatch.setenv("RAADSBODE_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables at the terminal width
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def cli(cli_runner, settings, temporal_env, monkeypatch):
    """`await cli("meeting", "status", "3")`: a `raadsbode` command on this test's database, Temporal server,
    task queue and base URL, in a thread (it runs its own event loop)."""
    from raadsbode.cli import app

    monkeypatch.setenv("RAADSBODE_TEMPORAL_TASK_QUEUE", settings.temporal_task_queue)
    monkeypatch.setenv("RAADSBODE_TEMPORAL_ADDRESS", temporal_env.client.service_client.config.target_host)
    monkeypatch.setenv("RAADSBODE_PUBLIC_BASE_URL", settings.public_base_url)
    get_settings.cache_clear()
    return lambda *args: asyncio.to_thread(cli_runner.invoke, app, list(args))


@pytest.fixture
def app(settings, temporal_env):
    """The web app on this test's database, with a Temporal client (the pages that start or update workflows)."""
    return create_app(settings, temporal_env.client)


@pytest.fixture
async def running(settings, temporal_env, sink):
    """A worker for this test's task queue; the sink collects what the workflows send."""
    async with build_worker(temporal_env.client, settings):
        yield temporal_env.client


@pytest.fixture(scope="module")
async def eager_env():
    """A dev server of the module's own that suggests continue-as-new after a few events."""
    env = await start_eager_server()
    try:
        yield env
    finally:
        await env.shutdown()
