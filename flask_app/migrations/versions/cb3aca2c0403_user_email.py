"""Users' email addresses, for password resets.

Reviewed by hand: existing users get an empty address (server_default), as Django's users
without one have; a reset mails nobody for it. Not unique, as in Django.

Revision ID: cb3aca2c0403
Revises: 92681953e0a5
Create Date: 2026-11-30 03:17:27.063943

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cb3aca2c0403'
down_revision = '92681953e0a5'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: SQLite's table rebuild would lose the lower(username) index.
def upgrade():
    op.add_column(
        'users', sa.Column('email', sa.String(length=254), nullable=False, server_default='')
    )


def downgrade():
    op.drop_column('users', 'email')
