"""Settings: safe production, easy dev; the deployment files and docs agree with them."""
from __future__ import annotations

import os
import re
import socket

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from raadsbode.cli import app as cli_app
from raadsbode.dev.stack import DevStackError, check_ports_free, dev_settings
from raadsbode.settings import DEFAULT_SECRET, Settings
from tests.support.paths import ROOT

FIELDS = set(Settings.model_fields)
GOOD_SECRET = "k" * 40


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """Only what a test sets: no RAADSBODE_* from the shell that runs the suite."""
    for name in [n for n in os.environ if n.startswith("RAADSBODE_")]:
        monkeypatch.delenv(name)


def _production(**kw) -> Settings:
    values = {"environment": "production", "secret_key": GOOD_SECRET, "public_base_url": "https://raadsbode.example.nl"}
    return Settings(_env_file=None, **{**values, **kw})


def test_dev_accepts_the_defaults():
    settings = Settings(_env_file=None)
    assert settings.is_dev and settings.secret_key == DEFAULT_SECRET
    assert settings.public_base_url == "http://localhost:8000"


@pytest.mark.parametrize("secret", [DEFAULT_SECRET, "too-short"])
def test_production_refuses_a_weak_secret(secret):
    with pytest.raises(ValidationError, match="RAADSBODE_SECRET_KEY must be set to a random value of 32"):
        _production(secret_key=secret)


def test_production_refuses_a_plain_http_base_url():
    with pytest.raises(ValidationError, match="RAADSBODE_PUBLIC_BASE_URL must be https://"):
        _production(public_base_url="http://raadsbode.example.nl")


def test_production_with_real_values_and_env_prefix(monkeypatch):
    monkeypatch.setenv("RAADSBODE_WEB_PORT", "9123")
    settings = _production(public_base_url="https://raadsbode.example.nl/")
    assert settings.web_port == 9123 and not settings.is_dev
    assert settings.public_base_url == "https://raadsbode.example.nl"


def test_refuses_half_an_mtls_pair_and_an_unknown_time_zone(tmp_path):
    with pytest.raises(ValidationError, match="TEMPORAL_TLS_CERT and RAADSBODE_TEMPORAL_TLS_KEY are set together"):
        Settings(_env_file=None, temporal_tls_cert=tmp_path / "client.pem")
    with pytest.raises(ValidationError, match="unknown time zone 'Europe/Amsterdm'"):
        Settings(_env_file=None, timezone="Europe/Amsterdm")
    both = Settings(_env_file=None, temporal_tls_cert=tmp_path / "c.pem", temporal_tls_key=tmp_path / "c.key")
    assert (both.temporal_tls_cert, both.temporal_tls_key) == (tmp_path / "c.pem", tmp_path / "c.key")


def test_cli_reports_a_configuration_error_without_traceback():
    result = CliRunner().invoke(cli_app, ["migrate"], env={"RAADSBODE_ENVIRONMENT": "production"})
    assert result.exit_code == 2
    assert "RAADSBODE_SECRET_KEY" in result.output and "Traceback" not in result.output


def test_dev_settings_point_at_the_stacks_own_parts(tmp_path):
    base = Settings(_env_file=None, var_dir=tmp_path / "var", smtp_host="relay.example.nl", smtp_user="u",
                    temporal_address="cloud:7233", temporal_api_key="key", imap_host="imap.example.nl")
    s = dev_settings(base, web_port=9001, sink_port=9025, temporal_port=9233)
    assert (s.smtp_host, s.smtp_port, s.smtp_user) == ("127.0.0.1", 9025, None)
    assert (s.temporal_address, s.temporal_api_key) == ("127.0.0.1:9233", None)
    assert s.database_url == f"sqlite:///{(tmp_path / 'var').resolve() / 'raadsbode.db'}"
    assert s.public_base_url == "http://127.0.0.1:9001"
    assert s.mail_dir == (tmp_path / "var").resolve() / "mail"
    assert (s.imap_host, s.inbox_maildir) == (None, None)  # inbound mail: the sink's Maildir too
    explicit = dev_settings(Settings(_env_file=None, database_url="postgresql+psycopg://x@h/db",
                                     public_base_url="https://tunnel.example.nl"))
    assert explicit.database_url == "postgresql+psycopg://x@h/db"
    assert explicit.public_base_url == "https://tunnel.example.nl"


def test_busy_port_is_named_before_anything_starts(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = dev_settings(Settings(_env_file=None, var_dir=tmp_path), temporal_port=port)
        with pytest.raises(DevStackError, match=f"Port {port} \\(Temporal\\) is already in use.*RAADSBODE_TEMPORAL_PORT"):
            check_ports_free(settings)


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_sets_only_real_settings_and_requires_the_secrets():
    compose = _compose()
    services = compose["services"]
    assert {"temporal", "temporal-ui", "db", "temporal-db", "mailpit", "migrate", "worker", "web"} <= set(services)
    for name, service in services.items():
        for var in service.get("environment") or {}:
            if var.startswith("RAADSBODE_"):
                assert var.removeprefix("RAADSBODE_").lower() in FIELDS, f"{name}: {var} is not a Settings field"
    env = services["web"]["environment"]
    assert env["RAADSBODE_ENVIRONMENT"] == "production"
    assert env["RAADSBODE_DATABASE_URL"].startswith("postgresql+psycopg://")
    for required in ("RAADSBODE_SECRET_KEY", "RAADSBODE_PUBLIC_BASE_URL"):
        assert str(env[required]).startswith(f"${{{required}:?")
    assert "${POSTGRES_PASSWORD:?" in env["RAADSBODE_DATABASE_URL"]
    for name in ("db", "temporal-db", "temporal", "web"):
        assert "healthcheck" in services[name], name
    assert services["worker"]["command"] == ["raadsbode", "worker"] and "replicas" in services["worker"]["deploy"]
    assert services["migrate"]["command"] == ["raadsbode", "migrate"]


def test_every_setting_is_documented():
    documented = {
        "README.md": set(re.findall(r"RAADSBODE_([A-Z_]+)", (ROOT / "README.md").read_text())),
        ".env.example": set(re.findall(r"RAADSBODE_([A-Z_]+)", (ROOT / ".env.example").read_text())),
    }
    for where, names in documented.items():
        names = {n.lower() for n in names}
        assert FIELDS - names == set(), f"settings missing from {where}: add them there"
        assert names - FIELDS - {"test_database_url"} == set(), f"{where} names variables that are not settings"


def test_worker_activity_slots_follow_the_cores_unless_set():
    assert Settings(environment="dev").activity_slots >= 4
    assert Settings(environment="dev", worker_max_activities=3).activity_slots == 3
    with pytest.raises(ValidationError):
        Settings(environment="dev", worker_max_activities=-1)


def test_web_processes_follow_the_cores_unless_set():
    assert 1 <= Settings(environment="dev").web_processes <= 4
    assert Settings(environment="dev", web_workers=3).web_processes == 3
