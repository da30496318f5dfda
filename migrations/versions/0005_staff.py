"""staff roles and staff sessions (the web workspace)

Revision ID: 0005
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.tables.types


revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staffrole',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('secretary', 'editor', 'admin', name='staffrolename'), nullable=False),
    sa.Column('created_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('association_id', 'person_id', 'role')
    )
    with op.batch_alter_table('staffrole', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staffrole_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staffrole_person_id'), ['person_id'], unique=False)

    op.create_table('staffsession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_hash')
    )
    with op.batch_alter_table('staffsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staffsession_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staffsession_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staffsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffsession_person_id'))
        batch_op.drop_index(batch_op.f('ix_staffsession_association_id'))
    op.drop_table('staffsession')
    with op.batch_alter_table('staffrole', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffrole_person_id'))
        batch_op.drop_index(batch_op.f('ix_staffrole_association_id'))
    op.drop_table('staffrole')
    sa.Enum(name='staffrolename').drop(op.get_bind(), checkfirst=True)
