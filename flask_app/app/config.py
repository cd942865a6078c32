"""Settings, read from the environment when the app is created."""

import os
from datetime import timedelta

# Only ever used with DEBUG on, so a developer can start the app without setting anything.
DEV_SECRET_KEY = "dev-only-insecure-secret-key"


def env_flag(value: str | None) -> bool:
    """Return whether an environment variable such as DEBUG is switched on."""
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def allowed_hosts(value: str | None, debug: bool) -> list[str] | None:
    """Turn ALLOWED_HOSTS ("example.com,.example.org") into Flask's TRUSTED_HOSTS.

    None (no check at all) only for "*"; an empty list means nothing was set, which
    create_app() refuses with DEBUG off.
    """
    hosts = [host.strip() for host in (value or "").split(",") if host.strip()]
    if "*" in hosts:
        return None
    if not hosts and debug:
        return ["localhost", "127.0.0.1", "[::1]"]
    return hosts


def database_uri(url: str | None, instance_path: str) -> str:
    """Turn DATABASE_URL into an SQLAlchemy URI; default to an SQLite file in instance/."""
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "posts.sqlite3")
    # "postgresql://" alone means psycopg2 to SQLAlchemy; this app ships psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def mail_settings(environ) -> dict:
    """Read Django's mail variables into Flask-Mailman's settings; the console without a host."""
    settings = {"MAIL_DEFAULT_SENDER": environ.get("DEFAULT_FROM_EMAIL") or "webmaster@localhost"}
    if not environ.get("EMAIL_HOST"):
        return {**settings, "MAIL_BACKEND": "console"}
    return {
        **settings,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": environ["EMAIL_HOST"],
        "MAIL_PORT": int(environ.get("EMAIL_PORT") or 25),
        "MAIL_USERNAME": environ.get("EMAIL_HOST_USER") or None,
        "MAIL_PASSWORD": environ.get("EMAIL_HOST_PASSWORD") or None,
        "MAIL_USE_TLS": env_flag(environ.get("EMAIL_USE_TLS")),
    }


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

    # Flask-Limiter: a moving window counts the failures of the last LOGIN_FAILURE_WINDOW
    # seconds, so "5 failures within 15 minutes" holds across any 15 minutes (a fixed window
    # would let 4 failures at the end of one window and 4 at the start of the next through).
    RATELIMIT_STRATEGY = "moving-window"
    # Retry-After (and X-RateLimit-*) on the sign-in form's answers, the 429 included.
    RATELIMIT_HEADERS_ENABLED = True
    # When the shared store (Redis) cannot be reached, count in each process's memory until it
    # answers again (Flask-Limiter logs a warning) rather than fail every limited request (OPS-12);
    # a count that fails after the view ran (the refused sign-in's) is logged, not a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True

    def __init__(self, instance_path: str, environ: dict[str, str] | None = None) -> None:
        environ = os.environ if environ is None else environ
        self.DEBUG = env_flag(environ.get("DEBUG"))
        self.SECRET_KEY = environ.get("SECRET_KEY") or (DEV_SECRET_KEY if self.DEBUG else None)
        self.SQLALCHEMY_DATABASE_URI = database_uri(environ.get("DATABASE_URL"), instance_path)
        # Flask checks the Host header against these (400 otherwise), as Django's ALLOWED_HOSTS.
        self.TRUSTED_HOSTS = allowed_hosts(environ.get("ALLOWED_HOSTS"), self.DEBUG)

        # Sign-in throttling: after LOGIN_FAILURE_LIMIT failed sign-ins for one username from
        # one address within LOGIN_FAILURE_WINDOW seconds, that pair gets 429 until the window
        # has passed.
        self.LOGIN_FAILURE_LIMIT = int(environ.get("LOGIN_FAILURE_LIMIT") or 5)
        self.LOGIN_FAILURE_WINDOW = int(environ.get("LOGIN_FAILURE_WINDOW") or 900)
        # Sign-in attempts from one address within that window, whatever the usernames, so
        # that one client cannot try a common password on many names; and sign-ups per address.
        self.LOGIN_ADDRESS_LIMIT = int(environ.get("LOGIN_ADDRESS_LIMIT") or 20)
        self.SIGN_UP_LIMIT = int(environ.get("SIGN_UP_LIMIT") or 10)
        self.SIGN_UP_WINDOW = int(environ.get("SIGN_UP_WINDOW") or 3600)
        # memory:// counts in each process: under gunicorn with several workers each worker
        # keeps its own counts, and an attacker gets LIMIT tries per worker. Production with
        # more than one worker needs a shared store: RATELIMIT_STORAGE_URI=redis://host:6379/0.
        # (Django's django-axes counts in the database, which every worker shares.)
        self.RATELIMIT_STORAGE_URI = environ.get("RATELIMIT_STORAGE_URI") or "memory://"

        # Password reset: how long a link works (Django's default, 3 days), and how many reset
        # requests one address may send in a window, so nobody mails a user over and over.
        self.PASSWORD_RESET_TIMEOUT = int(environ.get("PASSWORD_RESET_TIMEOUT") or 259_200)
        self.PASSWORD_RESET_LIMIT = int(environ.get("PASSWORD_RESET_LIMIT") or 5)
        self.PASSWORD_RESET_WINDOW = int(environ.get("PASSWORD_RESET_WINDOW") or 3600)
        self.__dict__.update(mail_settings(environ))

        # BEHIND_PROXY=1: one proxy (a load balancer) sets X-Forwarded-For and -Proto; off, a
        # server clients reach directly ignores them (create_app's ProxyFix).
        self.BEHIND_PROXY = env_flag(environ.get("BEHIND_PROXY"))

        # The production profile: HTTPS=1 behind a TLS-terminating proxy.
        self.HTTPS = env_flag(environ.get("HTTPS"))
        if self.HTTPS:
            # Cookies only over HTTPS. Flask-WTF keeps the CSRF token in the session, so the
            # session cookie's flag covers it (Django has a CSRF cookie of its own to flag).
            self.SESSION_COOKIE_SECURE = True
            self.REMEMBER_COOKIE_SECURE = True
            self.PREFERRED_URL_SCHEME = "https"
