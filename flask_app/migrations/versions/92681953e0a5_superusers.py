"""Superusers: staff who also manage users.

Reviewed by hand: existing users get False (server_default), so upgrading changes nobody's
rights to more; `flask create-admin --username NAME` makes an existing user a superuser.

Revision ID: 92681953e0a5
Revises: d7c1026b1ec4
Create Date: 2026-11-30 02:18:28.042751

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '92681953e0a5'
down_revision = 'd7c1026b1ec4'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: SQLite's table rebuild would lose the lower(username) index.
def upgrade():
    op.add_column(
        'users',
        sa.Column('is_superuser', sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    op.drop_column('users', 'is_superuser')
