"""District areas: the cities and neighbourhoods each council district covers, with source and date.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('district_areas',
    sa.Column('district', sa.String(length=2), nullable=False),
    sa.Column('areas_en', sa.String(length=300), nullable=False),
    sa.Column('areas_es', sa.String(length=300), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('changed_by', sa.String(length=254), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('district')
    )


def downgrade():
    op.drop_table('district_areas')
