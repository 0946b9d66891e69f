"""Sign-up sheet rows kept for fixing in the browser; an event signer's optional phone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sheet_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.Column('lookup_problem', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name='fk_sheet_rows_event_id', ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sheet_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_rows_event_id'), ['event_id'], unique=False)
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=False, server_default=sa.text("''")))


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('phone')
    with op.batch_alter_table('sheet_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_rows_event_id'))
    op.drop_table('sheet_rows')
