"""Set Django up for the unit tests.

The settings come from the environment and refuse to load without a SECRET_KEY (pytest-django
runs with DEBUG off), so the environment is filled in before Django reads the settings. This is
why DJANGO_SETTINGS_MODULE is set here and not in pytest.ini: pytest-django would load the
settings from pytest.ini before this file runs.
"""

import os

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "unit-tests-only-not-a-secret")
django.setup()


@pytest.fixture(autouse=True)
def _unhashed_static_files(settings):
    """Name static files as they are: the tests run without collectstatic's manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start each test with no throttle counts: django-ratelimit keeps them in the cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def fast_hashes(settings):
    """Hash with a fast hasher, for tests that sign in many times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def password():
    return "correct-horse-battery-9"


@pytest.fixture(scope="session")
def password_hash(password):
    """Hash the password once: Django's hasher is deliberately slow."""
    from django.contrib.auth.hashers import make_password

    return make_password(password)


@pytest.fixture
def make_user(db):
    """Create users without hashing (most tests sign in with client.force_login)."""
    from accounts.models import User

    def make(username, **fields):
        return User.objects.create(username=username, **fields)

    return make


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def make_post(alice):
    """Create posts, by alice and published unless told otherwise."""
    from posts.models import Post

    def make(title="A post", *, author=alice, status=Post.Status.PUBLISHED, body="Some text."):
        return Post.objects.create(title=title, body=body, author=author, status=status)

    return make
