"""merge parallel branches

Revision ID: 0006
Revises: 0002, 0003, 0004, 0005
Create Date: 2026-11-22 15:49:53.613538
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.tables.types


revision = '0006'
down_revision = ('0002', '0003', '0004', '0005')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
