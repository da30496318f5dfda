"""No secret link in a log: a real `raadsbode web` process is asked every token-bearing
path; its access log and the app's own error log show each token's first 6 characters only."""
from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from raadsbode.log_masking import TOKEN_ROUTES, TokenMaskFilter
from tests.support.env import free_port

STRONG_SECRET = secrets.token_urlsafe(32)
START_TIMEOUT = 90.0  # imports alone take 20 s on a loaded 2-core machine


def _wait_healthy(base: str, web: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise AssertionError(f"raadsbode web exited with {web.returncode}")
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("raadsbode web did not answer")


def test_access_and_error_logs_of_a_real_web_process_mask_every_token(tmp_path):
    # No migration on purpose: every page that looks its token up fails, so web/common/pages.py logs the failed path too.
    port, log_file = free_port(), tmp_path / "web.log"
    env = os.environ | {"RAADSBODE_DATABASE_URL": f"sqlite:///{tmp_path / 'leeg.db'}", "RAADSBODE_WEB_PORT": str(port),
                        "RAADSBODE_WEB_HOST": "127.0.0.1", "RAADSBODE_TEMPORAL_ADDRESS": "127.0.0.1:1",
                        "RAADSBODE_VAR_DIR": str(tmp_path), "RAADSBODE_WEB_WORKERS": "1", "RAADSBODE_WEB_ACCESS_LOG": "true",
                        "RAADSBODE_ENVIRONMENT": "dev", "RAADSBODE_SECRET_KEY": STRONG_SECRET}
    tokens = {route: secrets.token_urlsafe(24) for route in TOKEN_ROUTES}
    base = f"http://127.0.0.1:{port}"
    with log_file.open("wb") as out:
        web = subprocess.Popen([str(Path(sys.executable).parent / "raadsbode"), "web"], env=env, cwd=tmp_path,
                               stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_healthy(base, web)
            # A connection each: after an unhandled error uvicorn closes the connection a pool would reuse.
            answers = {route: httpx.get(f"{base}/{route}/{token}").status_code for route, token in tokens.items()}
            httpx.post(f"{base}/l/{tokens['l']}", data={"x": "1"})
            httpx.get(f"{base}/inloggen", params={"next": f"/l/{tokens['l']}"})
        finally:
            web.send_signal(signal.SIGTERM)
            assert web.wait(20) in (0, -signal.SIGTERM)  # one process: uvicorn re-raises the SIGTERM it handled
    log = log_file.read_text(encoding="utf-8", errors="replace")
    assert answers and all(code >= 400 for code in answers.values()), answers  # unknown tokens: nothing happens
    for route, token in tokens.items():
        assert token not in log, f"{route}: full token in the log:\n{log}"
        assert token[6:] not in log
        assert f"/{route}/{token[:6]}…" in log, f"{route}: no masked access line:\n{log}"
    assert f"/l/{tokens['l'][:6]}… HTTP/1.1\" 4" in log or f"/l/{tokens['l'][:6]}… HTTP/1.1\" 5" in log
    assert "unhandled error on GET /" in log, log  # web/common/pages.py's line, masked like the rest


def test_filter_masks_message_arguments_and_traceback():
    token = secrets.token_urlsafe(24)
    try:
        raise RuntimeError(f"kapot bij /nieuwsbrief/redactie/{token}")
    except RuntimeError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "on %s %s (%d)", ("GET", f"/motie/{token}", 500),
                                   sys.exc_info())
    TokenMaskFilter().filter(record)
    text = logging.Formatter().format(record)
    assert token not in text and token[6:] not in text
    assert f"/motie/{token[:6]}… (500)" in text and f"/nieuwsbrief/redactie/{token[:6]}…" in text


def test_every_route_with_a_token_in_its_path_is_masked():
    """A new link route must add its prefix to TOKEN_ROUTES; this finds one that did not."""
    from raadsbode.log_masking import mask_tokens
    from raadsbode.settings import Settings
    from tests.support.routes import app_routes
    from web.app import create_app

    app = create_app(Settings(_env_file=None, environment="production", database_url="sqlite://",
                              secret_key=STRONG_SECRET, public_base_url="https://raadsbode.test"))
    token = secrets.token_urlsafe(24)
    paths = {path for _, path in app_routes(app) if "{token}" in path or "{key}" in path}
    assert len(paths) >= len(TOKEN_ROUTES)
    for path in paths:
        assert token not in mask_tokens(path.replace("{token}", token).replace("{key}", token)), path
