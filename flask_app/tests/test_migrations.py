"""The migrations: the search's trigram indexes on PostgreSQL, none on SQLite."""

import flask_migrate
from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from app import create_app
from app.extensions import db
from app.models import Post
from tests.conftest import MIGRATIONS


def trigram_indexes(names) -> set[str]:
    return {name for name in names if name.endswith("_trgm")}


def test_sqlite_migrates_without_trigram_indexes(app):
    with app.app_context():
        names = {index["name"] for index in inspect(db.engine).get_indexes("posts")}
    assert "ix_posts_status_created" in names
    assert trigram_indexes(names) == set()


def test_postgresql_gets_pg_trgm_then_the_models_trigram_indexes(capsys):
    # Alembic's offline mode writes the PostgreSQL script without a server.
    app = create_app(
        {
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@localhost/none",
            "TRUSTED_HOSTS": ["localhost"],
        }
    )
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, sql=True)
    script = capsys.readouterr().out
    declared = [index for index in Post.__table__.indexes if index.name.endswith("_trgm")]
    assert trigram_indexes(index.name for index in declared) == {
        "ix_posts_title_trgm",
        "ix_posts_body_trgm",
    }
    extension = script.index("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    for index in declared:
        ddl = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
        assert "USING gin" in ddl
        assert "gin_trgm_ops" in ddl
        assert script.index(f"{ddl};") > extension


def test_the_models_match_the_migrations_on_sqlite(app):
    # Autogenerate (`flask db check`) finds nothing missing: not the PostgreSQL-only indexes.
    with app.app_context():
        flask_migrate.check(directory=MIGRATIONS)  # exits with 1 on a difference
