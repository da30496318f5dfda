"""The Alembic history has one head and the migrated schema equals the SQLModel tables (no drift)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers every table)
from raadsbode.db import alembic_config, make_engine


def test_one_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1, "merge the new branch into one head"


def test_migrated_schema_matches_the_models(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; add a revision: {diff}"
