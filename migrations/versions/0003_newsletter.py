"""newsletter: subscribers, suppressions, blog posts, issues, frozen recipient lists

Revision ID: 0003
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.tables.types


revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'unsubscribed', name='subscriberstatus'), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.Column('confirmed_at', models.tables.types.UTCDateTime(), nullable=True),
    sa.Column('unsubscribed_at', models.tables.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('association_id', 'email')
    )
    op.create_index(op.f('ix_subscriber_association_id'), 'subscriber', ['association_id'], unique=False)
    op.create_table('suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('smtp_code', sa.Integer(), nullable=True),
    sa.Column('smtp_reply', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('created_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('association_id', 'email')
    )
    op.create_index(op.f('ix_suppression_association_id'), 'suppression', ['association_id'], unique=False)
    op.create_table('blogpost',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('guid', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('published_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('association_id', 'guid')
    )
    op.create_index(op.f('ix_blogpost_association_id'), 'blogpost', ['association_id'], unique=False)
    op.create_table('newsletterissue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('subject_ref', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'proof', 'changes_requested', 'awaiting_go', 'approved', 'sending', 'paused', 'sent', 'cancelled', name='issuestatus'), nullable=False),
    sa.Column('intro', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('approved_at', models.tables.types.UTCDateTime(), nullable=True),
    sa.Column('recipients_frozen', sa.Integer(), nullable=True),
    sa.Column('created_at', models.tables.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['association.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('association_id', 'period'),
    sa.UniqueConstraint('subject_ref')
    )
    op.create_index(op.f('ix_newsletterissue_association_id'), 'newsletterissue', ['association_id'], unique=False)
    op.create_table('issuerecipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletterissue.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('issue_id', 'position')
    )
    op.create_index('ix_issuerecipient_issue_email', 'issuerecipient', ['issue_id', 'email'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_issuerecipient_issue_email', table_name='issuerecipient')
    op.drop_table('issuerecipient')
    op.drop_index(op.f('ix_newsletterissue_association_id'), table_name='newsletterissue')
    op.drop_table('newsletterissue')
    op.drop_index(op.f('ix_blogpost_association_id'), table_name='blogpost')
    op.drop_table('blogpost')
    op.drop_index(op.f('ix_suppression_association_id'), table_name='suppression')
    op.drop_table('suppression')
    op.drop_index(op.f('ix_subscriber_association_id'), table_name='subscriber')
    op.drop_table('subscriber')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TYPE IF EXISTS issuestatus')
        op.execute('DROP TYPE IF EXISTS subscriberstatus')
