"""ALV cycle: motions and co-signers, decision lists, meeting details, year planning, network sign-ups,
processed inbound messages

Revision ID: 0004
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.tables.types


revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None
ENUMS = ("decisionoutcome", "motionkind", "motionstatus", "signupstatus")


def upgrade() -> None:
    op.create_table('inboundmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('message_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('received_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_key')
    )
    with op.batch_alter_table('inboundmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inboundmessage_association_id'), ['association_id'], unique=False)

    op.create_table('alvdecision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('outcome', sa.Enum('adopted', 'rejected', 'withdrawn', 'deferred', name='decisionoutcome'), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'version', 'position')
    )
    with op.batch_alter_table('alvdecision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alvdecision_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meetingdetails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('policy_json', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('published_agenda_version', sa.Integer(), nullable=False),
    sa.Column('published_decisions_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id')
    )
    op.create_table('motion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('motion', 'agenda_proposal', name='motionkind'), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'admitted', 'not_admitted', 'withdrawn', name='motionstatus'), nullable=False),
    sa.Column('submitted_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('motion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motion_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_motion_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('networksignup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waiting', 'cancelled', name='signupstatus'), nullable=False),
    sa.Column('created_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('meeting_id', 'email')
    )
    with op.batch_alter_table('networksignup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_networksignup_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('planningentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('starts_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('planningentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planningentry_association_id'), ['association_id'], unique=False)

    op.create_table('motioncosigner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['motion_id'], ['motion.id'], ),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('motion_id', 'municipality_id')
    )
    with op.batch_alter_table('motioncosigner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_motioncosigner_motion_id'), ['motion_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('motioncosigner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motioncosigner_motion_id'))

    op.drop_table('motioncosigner')
    with op.batch_alter_table('planningentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planningentry_association_id'))

    op.drop_table('planningentry')
    with op.batch_alter_table('networksignup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_networksignup_meeting_id'))

    op.drop_table('networksignup')
    with op.batch_alter_table('motion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_motion_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_motion_association_id'))

    op.drop_table('motion')
    op.drop_table('meetingdetails')
    with op.batch_alter_table('alvdecision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alvdecision_meeting_id'))

    op.drop_table('alvdecision')
    with op.batch_alter_table('inboundmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inboundmessage_association_id'))

    op.drop_table('inboundmessage')
    if op.get_bind().dialect.name == "postgresql":
        for name in ENUMS:
            op.execute(f"DROP TYPE IF EXISTS {name}")
