"""Email delivery: letter states and the outbox.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_letter_id'), ['letter_id'], unique=False)

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ui_language', sa.String(length=2), nullable=False, server_default=sa.text("'en'")))
        batch_op.add_column(sa.Column('status', sa.String(length=24), nullable=False, server_default=sa.text("'written'")))
        batch_op.add_column(sa.Column('wants_copy', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('opt_in', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('confirmation_sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reminder_sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('failure_reason', sa.String(length=40), nullable=False, server_default=sa.text("''")))
        batch_op.create_index('ix_letters_email_confirmed', ['email', 'confirmed_at'], unique=False)



def downgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_email_confirmed')
        batch_op.drop_column('failure_reason')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('reminder_sent_at')
        batch_op.drop_column('confirmation_sent_at')
        batch_op.drop_column('opt_in')
        batch_op.drop_column('wants_copy')
        batch_op.drop_column('status')
        batch_op.drop_column('ui_language')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_letter_id'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
