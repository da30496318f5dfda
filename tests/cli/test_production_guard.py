"""Production fails closed: `raadsbode web`/`worker` (and the app built from the environment) refuse the default
or a guessable secret and a missing RAADSBODE_ENVIRONMENT; HSTS on every response of an https deployment;
the session cookie is __Host- in production; `raadsbode web` hands RAADSBODE_FORWARDED_ALLOW_IPS to uvicorn."""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from raadsbode.cli import app as cli_app
from raadsbode.settings import DEFAULT_SECRET, Settings, get_settings
from raadsbode.start_guard import MIN_SECRET_BITS, UnsafeStart, secret_bits
from tests.support.env import TEST_SECRET_KEY
from tests.support.workspace import make_tenant, signed_in_session, signin_link
from web.app import create_app
from web.common.auth import SECURE_SESSION_COOKIE, SESSION_COOKIE
from tests.support.paths import ROOT

WEAK = ["a" * 32, "ab" * 16, "abcdefghijklmnopqrstuvwxyz012345", "0123456789" * 4, "s" * 40]


@pytest.fixture
def bare_env(monkeypatch, tmp_path):
    """No RAADSBODE_ variable and no .env: only what each test sets."""
    for name in [n for n in os.environ if n.startswith("RAADSBODE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize("secret", WEAK)
def test_guessable_secrets_score_below_the_minimum(secret):
    assert secret_bits(secret) < MIN_SECRET_BITS


def test_random_secrets_pass():
    assert min(secret_bits(secrets.token_urlsafe(32)) for _ in range(500)) >= MIN_SECRET_BITS
    assert secret_bits(TEST_SECRET_KEY) >= MIN_SECRET_BITS


@pytest.mark.parametrize("command", ["web", "worker"])
@pytest.mark.parametrize("case", ["no-environment", "default-secret", "weak-secret", "weak-secret-production"])
def test_web_and_worker_refuse_to_start(bare_env, command, case):
    env = {"RAADSBODE_ENVIRONMENT": "dev", "RAADSBODE_SECRET_KEY": TEST_SECRET_KEY,
           "RAADSBODE_TEMPORAL_ADDRESS": "127.0.0.1:1"}
    if case == "no-environment":
        del env["RAADSBODE_ENVIRONMENT"]
    elif case == "default-secret":
        del env["RAADSBODE_SECRET_KEY"]
    else:
        env["RAADSBODE_SECRET_KEY"] = "a" * 32
        if case == "weak-secret-production":  # long enough for the old 32-character rule
            env |= {"RAADSBODE_ENVIRONMENT": "production", "RAADSBODE_PUBLIC_BASE_URL": "https://raadsbode.test"}
    for name, value in env.items():
        bare_env.setenv(name, value)
    result = CliRunner().invoke(cli_app, [command])
    assert result.exit_code == 2, result.output
    expected = {"no-environment": "RAADSBODE_ENVIRONMENT is not set", "default-secret": "shipped default",
                "weak-secret": "too easy to guess", "weak-secret-production": "too easy to guess"}[case]
    assert expected in " ".join(result.output.split()) and "will not start" in result.output


def test_a_real_worker_process_with_the_default_secret_exits_with_the_reason(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAADSBODE_")}
    env |= {"RAADSBODE_ENVIRONMENT": "production", "RAADSBODE_PUBLIC_BASE_URL": "https://raadsbode.test",
            "RAADSBODE_SECRET_KEY": DEFAULT_SECRET, "RAADSBODE_TEMPORAL_ADDRESS": "127.0.0.1:1", "COLUMNS": "200"}
    done = subprocess.run([str(Path(sys.executable).parent / "raadsbode"), "worker"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    # In production the settings themselves already refuse the default (raadsbode/settings.py).
    assert "RAADSBODE_SECRET_KEY" in done.stdout


def test_the_app_built_from_the_environment_is_guarded(bare_env):
    bare_env.setenv("RAADSBODE_ENVIRONMENT", "dev")
    with pytest.raises(UnsafeStart, match="shipped default"):
        create_app()
    bare_env.setenv("RAADSBODE_SECRET_KEY", TEST_SECRET_KEY)
    get_settings.cache_clear()
    assert create_app().state.settings.secret_key == TEST_SECRET_KEY


def test_web_passes_forwarded_allow_ips_to_uvicorn(bare_env):
    seen = {}
    bare_env.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    for name, value in {"RAADSBODE_ENVIRONMENT": "dev", "RAADSBODE_SECRET_KEY": TEST_SECRET_KEY,
                        "RAADSBODE_FORWARDED_ALLOW_IPS": "172.28.0.0/24"}.items():
        bare_env.setenv(name, value)
    result = CliRunner().invoke(cli_app, ["web"])
    assert result.exit_code == 0, result.output
    assert seen["forwarded_allow_ips"] == "172.28.0.0/24" and seen["proxy_headers"] is True


async def _get(app, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://raadsbode.test") as client:
        return await client.get(path)


async def test_hsts_on_every_response_of_an_https_deployment(tmp_path):
    # An empty database: the link page fails, so the 500 answered by Starlette's outer error middleware is seen too.
    base = {"database_url": f"sqlite:///{tmp_path / 'leeg.db'}", "secret_key": TEST_SECRET_KEY}
    production = create_app(Settings(_env_file=None, environment="production",
                                     public_base_url="https://raadsbode.test", **base))
    dev = create_app(Settings(_env_file=None, environment="dev", public_base_url="http://localhost:8000", **base))
    answers = [await _get(production, path) for path in ("/health", "/bestaat-niet", "/l/" + "x" * 30)]
    assert [a.status_code for a in answers] == [200, 404, 500]
    for answer in answers:
        assert answer.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "strict-transport-security" not in (await _get(dev, "/health")).headers


async def test_production_session_cookie_is_host_prefixed(session_factory_, settings, sink, temporal_env):
    production = Settings(**{**settings.model_dump(), "environment": "production",
                             "public_base_url": "https://raadsbode.test"})
    tenant = make_tenant(session_factory_)
    app = create_app(production, temporal_env.client)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 4711)),
                                 base_url="https://raadsbode.test") as client:
        await client.post("/inloggen", data={"email": tenant.email("admin")})
        link = signin_link(sink, tenant.email("admin"))
        page = await client.get(link)
        csrf = re.search(r'name="csrf" value="([^"]*)"', page.text).group(1).replace("&amp;", "&")
        done = await client.post(link, data={"csrf": csrf})
        home = await client.get("/werkruimte")
    cookie = done.headers["set-cookie"]
    assert done.status_code == 303 and cookie.startswith(f"{SECURE_SESSION_COOKIE}=")
    assert "Secure" in cookie and "Path=/" in cookie and "domain" not in cookie.lower()
    assert home.status_code == 200
    raw, _ = signed_in_session(session_factory_, tenant, "admin")
    old_name = await _get_with_cookie(app, SESSION_COOKIE, raw)
    new_name = await _get_with_cookie(app, SECURE_SESSION_COOKIE, raw)
    assert old_name.status_code == 303 and new_name.status_code == 200  # production reads only the __Host- name


async def _get_with_cookie(app, name: str, raw: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://raadsbode.test",
                                 headers={"Cookie": f"{name}={raw}"}) as client:
        return await client.get("/werkruimte")


def test_compose_trusts_forwarded_headers_from_its_own_network_only():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    trusted = compose["services"]["web"]["environment"]["RAADSBODE_FORWARDED_ALLOW_IPS"]
    assert subnet.endswith(":-172.28.0.0/24}") and trusted.endswith(":-172.28.0.0/24}") and "*" not in trusted
