"""Fixtures: an app on a fresh SQLite file migrated by the real migrations, and its users."""

import shutil
from pathlib import Path

import flask_migrate
import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.models import PUBLISHED, Post, User

PASSWORD = "correct-horse-battery"
MIGRATIONS = str(Path(__file__).resolve().parents[1] / "migrations")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """Run the migrations once; each test gets a copy of the result."""
    path = tmp_path_factory.mktemp("template") / "posts.sqlite3"
    app = create_app(
        {
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "TRUSTED_HOSTS": ["localhost"],
        }
    )
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def password_hash() -> str:
    # Hashing is slow on purpose (scrypt); hash the shared test password once.
    return generate_password_hash(PASSWORD)


def make_app(database: Path, **config):
    return create_app(
        {
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "TRUSTED_HOSTS": ["localhost"],
            # Flask-Mailman keeps messages in app.extensions["mailman"].outbox.
            "MAIL_BACKEND": "locmem",
            **config,
        }
    )


@pytest.fixture
def database(migrated_database, tmp_path) -> Path:
    path = tmp_path / "posts.sqlite3"
    shutil.copy(migrated_database, path)
    return path


@pytest.fixture
def app(database):
    # No app context stays pushed: each request gets its own (and its own current_user);
    # tests open one with `with app.app_context():` to look at the database.
    app = make_app(database)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app, password_hash):
    """Create a user whose password is PASSWORD; return the id."""

    def make(username: str, **fields) -> int:
        with app.app_context():
            user = User(username=username, password_hash=password_hash, **fields)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_post(app):
    """Create a post (published unless told); return the id."""

    def make(author_id: int, title: str = "A title", **fields) -> int:
        fields.setdefault("body", "A body.")
        fields.setdefault("status", PUBLISHED)
        with app.app_context():
            post = Post(title=title, author_id=author_id, **fields)
            db.session.add(post)
            db.session.commit()
            return post.id

    return make


@pytest.fixture
def alice(make_user) -> int:
    return make_user("alice")


@pytest.fixture
def bob(make_user) -> int:
    return make_user("bob")


def login(client, username: str, password: str = PASSWORD, **data):
    return client.post(
        "/accounts/login/", data={"username": username, "password": password, **data}
    )


@pytest.fixture
def staff(app, make_user):
    """Return a superuser's client: staff who also manage users, as `flask create-admin` makes."""
    make_user("boss", is_staff=True, is_superuser=True)
    client = app.test_client()
    login(client, "boss")
    return client
