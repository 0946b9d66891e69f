"""Follow-up questions and reply counts, the worker's heartbeat and alerts, letters' follow-up choice and
partner tag, and when each outbox message finished.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reply_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=True),
    sa.Column('office', sa.String(length=32), nullable=False),
    sa.Column('district', sa.String(length=2), nullable=False),
    sa.Column('official_name', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=4), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('answer', sa.String(length=12), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_reply_tallies_official_id', 'reply_tallies', ['official_id'], unique=False)
    op.create_table('follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=43), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key'),
    sa.UniqueConstraint('letter_id')
    )
    op.create_table('worker_heartbeats',
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('worker')
    )
    op.create_index('ix_worker_heartbeats_seen_at', 'worker_heartbeats', ['seen_at'], unique=False)
    op.create_table('alerts',
    sa.Column('cause', sa.String(length=80), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('cleared_at', sa.DateTime(), nullable=True),
    sa.Column('all_clear_sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('cause')
    )
    op.create_table('last_checks',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('partner', sa.String(length=40), nullable=False, server_default=''))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('finished_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_outbox_finished_at', ['finished_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_finished_at')
        batch_op.drop_column('finished_at')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('partner')
        batch_op.drop_column('follow_up')
    op.drop_table('last_checks')
    op.drop_table('alerts')
    op.drop_index('ix_worker_heartbeats_seen_at', table_name='worker_heartbeats')
    op.drop_table('worker_heartbeats')
    op.drop_table('follow_ups')
    op.drop_index('ix_reply_tallies_official_id', table_name='reply_tallies')
    op.drop_table('reply_tallies')
