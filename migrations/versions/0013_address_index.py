"""The local index of King County's address points (builds, points, street names per ZIP code), and how each
letter's district was found.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('address_indexes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ready_at', sa.DateTime(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('per_district', sa.JSON(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_address_indexes_ready_at', 'address_indexes', ['ready_at'], unique=False)
    op.create_table('address_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_id', sa.Integer(), nullable=False),
    sa.Column('street', sa.String(length=80), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('number_suffix', sa.String(length=8), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('zip', sa.String(length=5), nullable=False),
    sa.Column('city', sa.String(length=40), nullable=False),
    sa.Column('district', sa.String(length=2), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('alias', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['index_id'], ['address_indexes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_address_points_lookup', 'address_points', ['index_id', 'street', 'number'], unique=False)
    op.create_table('address_streets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('index_id', sa.Integer(), nullable=False),
    sa.Column('zip', sa.String(length=5), nullable=False),
    sa.Column('street', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['index_id'], ['address_indexes.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_address_streets_index_id', 'address_streets', ['index_id'], unique=False)
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('found_by', sa.String(length=8), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('found_by')
    op.drop_index('ix_address_streets_index_id', table_name='address_streets')
    op.drop_table('address_streets')
    op.drop_index('ix_address_points_lookup', table_name='address_points')
    op.drop_table('address_points')
    op.drop_index('ix_address_indexes_ready_at', table_name='address_indexes')
    op.drop_table('address_indexes')
