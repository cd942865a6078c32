"""Settings, read from the environment when the app is created."""

import os
from datetime import timedelta

# Only ever used with DEBUG on, so a developer can start the app without setting anything.
DEV_SECRET_KEY = "dev-only-insecure-secret-key"


def env_flag(value: str | None) -> bool:
    """Return whether an environment variable such as DEBUG is switched on."""
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def database_uri(url: str | None, instance_path: str) -> str:
    """Turn DATABASE_URL into an SQLAlchemy URI; default to an SQLite file in instance/."""
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "posts.sqlite3")
    # "postgresql://" alone means psycopg2 to SQLAlchemy; this app ships psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Config:
    """The app's settings: fixed values here, environment values in __init__."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)

    # Refuse request bodies past 1 MiB (413) before they are parsed; a post is at most
    # 10,000 characters.
    MAX_CONTENT_LENGTH = 1024 * 1024

    # Flask-WTF tokens last as long as the session, as Django's do.
    WTF_CSRF_TIME_LIMIT = None

    def __init__(self, instance_path: str, environ: dict[str, str] | None = None) -> None:
        environ = os.environ if environ is None else environ
        self.DEBUG = env_flag(environ.get("DEBUG"))
        self.SECRET_KEY = environ.get("SECRET_KEY") or (DEV_SECRET_KEY if self.DEBUG else None)
        self.SQLALCHEMY_DATABASE_URI = database_uri(environ.get("DATABASE_URL"), instance_path)
