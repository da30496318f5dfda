"""The real parts come up: Temporal dev server, SMTP sink, migrated database."""
from sqlmodel import select

from models.tables import Association
from tests.support.env import unique_slug


async def test_temporal_dev_server_answers(temporal_env):
    assert await temporal_env.client.service_client.check_health()


def test_database_round_trip(session_factory_):
    slug = unique_slug()
    with session_factory_() as s:
        s.add(Association(slug=slug, name="VNG Flevoland", mailbox_email="info@vng-flevoland.test"))
        s.commit()
    with session_factory_() as s:
        assert s.exec(select(Association).where(Association.slug == slug)).one().name == "VNG Flevoland"
