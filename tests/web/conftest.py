"""Fixtures of the newsletter's public pages, shared by the subscriber and the link-once tests."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from raadsbode.db import session_scope
from raadsbode.store.associations import create_association
from tests.support.env import unique_slug
from web.app import create_app


@pytest.fixture
def app_client(settings):
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


@pytest.fixture
def association(session_factory_):
    with session_scope(session_factory_) as s:
        a = create_association(s, unique_slug("nb"), "VNG Flevoland", "info@vng-flevoland.test")
        return a.id, a.slug
