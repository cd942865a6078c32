"""Trigram indexes for the search, on PostgreSQL.

The search is `ILIKE '%' || q || '%'` there (SQLAlchemy's icontains), which a B-tree index
cannot serve; a GIN index with pg_trgm's operator class can. SQLite has neither, and scans.

Revision ID: 5d0e6f4a9b21
Revises: cb3aca2c0403
Create Date: 2026-11-30 12:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d0e6f4a9b21'
down_revision = 'cb3aca2c0403'
branch_labels = None
depends_on = None

COLUMNS = ('title', 'body')


def upgrade():
    if op.get_context().dialect.name != 'postgresql':
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    for column in COLUMNS:
        op.create_index(
            f'ix_posts_{column}_trgm',
            'posts',
            [column],
            postgresql_using='gin',
            postgresql_ops={column: 'gin_trgm_ops'},
        )


def downgrade():
    if op.get_context().dialect.name != 'postgresql':
        return
    for column in COLUMNS:
        op.drop_index(f'ix_posts_{column}_trgm', table_name='posts')
    # The extension stays: other objects in the database may use it.
