"""Letters to the whole council: each member's copy points at the supporter's own letter (the group's lead).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_letters_group_id', ['group_id'], unique=False)
        batch_op.create_foreign_key('fk_letters_group_id_letters', 'letters', ['group_id'], ['id'])


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint('fk_letters_group_id_letters', type_='foreignkey')
        batch_op.drop_index('ix_letters_group_id')
        batch_op.drop_column('group_id')
