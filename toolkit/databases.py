"""Fresh databases: SQLite files in a folder, or PostgreSQL databases made for the run."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def backend_of(database_url: str | None) -> str:
    """Return "sqlite" or "postgresql" for a database URL (SQLite when there is none)."""
    if database_url and database_url.split(":", 1)[0] in ("postgres", "postgresql"):
        return "postgresql"
    return "sqlite"


def sqlite_path(database_url: str) -> Path:
    """Return the file of an sqlite:////absolute/path URL."""
    assert database_url.startswith("sqlite:////"), database_url
    return Path(database_url.removeprefix("sqlite:///"))


class Database:
    """A fresh, empty database: an SQLite file, or a PostgreSQL database created for the run."""

    def __init__(self, url: str, drop=None):
        self.url = url
        self._drop = drop

    @property
    def backend(self) -> str:
        return backend_of(self.url)

    def drop(self) -> None:
        if self._drop:
            self._drop()
            self._drop = None


class Databases:
    """Make fresh databases like the run's: SQLite files in a folder, or PostgreSQL databases.

    `template` is the run's DATABASE_URL: when it is a postgresql://…/NAME URL, each new database
    is NAME_<label>_<random> on that server, created and later dropped through the `postgres`
    database; otherwise each is a new SQLite file in `folder`.
    """

    def __init__(self, folder: Path, template: str | None):
        self.folder = folder
        self.template = template
        self.made: list[Database] = []

    @property
    def backend(self) -> str:
        return backend_of(self.template)

    def new(self, label: str) -> Database:
        if self.backend == "postgresql":
            database = self._new_postgresql(label)
        else:
            path = self.folder / f"{label}-{uuid.uuid4().hex[:8]}.sqlite3"
            database = Database(f"sqlite:///{path}")
        self.made.append(database)
        return database

    def drop_all(self) -> None:
        for database in self.made:
            database.drop()

    def _new_postgresql(self, label: str) -> Database:
        import psycopg  # only PostgreSQL runs need it

        parts = urlsplit(self.template)
        base = parts.path.lstrip("/") or "posts_test"
        name = re.sub(r"[^a-z0-9_]", "_", f"{base}_{label}_{uuid.uuid4().hex[:8]}".lower())[:63]
        admin = urlunsplit(parts._replace(path="/postgres"))

        def execute(sql: str) -> None:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(sql)

        execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
        return Database(url, drop=lambda: execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
