"""Settings for the Posts project, read from the environment.

SECRET_KEY (required unless DEBUG), DEBUG (off unless set), DATABASE_URL (SQLite file beside the
app by default, postgresql://… for PostgreSQL), ALLOWED_HOSTS (comma-separated), HTTPS (the
production profile: secure cookies, HSTS, redirect to HTTPS), LOGIN_FAILURE_LIMIT,
LOGIN_FAILURE_WINDOW and LOGIN_ADDRESS_LIMIT (sign-in throttling), SIGN_UP_LIMIT and
SIGN_UP_WINDOW (sign-up throttling), EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and DEFAULT_FROM_EMAIL (mail; the console without EMAIL_HOST),
PASSWORD_RESET_TIMEOUT, PASSWORD_RESET_LIMIT and PASSWORD_RESET_WINDOW (password reset),
RATELIMIT_STORAGE_URI (a redis:// URL shared by the workers: the address throttles' counts and
the sessions' cache).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name):
    """Read an on/off setting from the environment (off unless set to 1, true, yes or on)."""
    return os.environ.get(name, "").lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable (or DEBUG=1).")
    SECRET_KEY = "django-insecure-development-only-key"

# Empty with DEBUG on means Django's own default: localhost, 127.0.0.1 and [::1].
ALLOWED_HOSTS = [
    host for host in os.environ.get("ALLOWED_HOSTS", "").replace(" ", "").split(",") if host
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "django_ratelimit",
    "accounts",
    "posts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before CommonMiddleware, so that the 400s for an unknown Host (CommonMiddleware) and for
    # a body too large (request_size_limit) carry the site's headers too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "accounts.middleware.never_cache_signed_in",
    "config.hardening.request_size_limit",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns django-ratelimit's refusal (a PermissionDenied, 403) into RATELIMIT_VIEW's 429.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the 429 page, to which the
    # middleware classes above then add the site's headers.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's own index types and operator classes: the search's trigram indexes
    # (posts/migrations/0002) need them. Nothing of it applies to SQLite.
    INSTALLED_APPS.append("django.contrib.postgres")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock when a
    # transaction starts, so concurrent writers wait (up to `timeout` seconds) instead of
    # failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"

# django-axes' backend comes first: it refuses a locked-out sign-in before any password is
# checked, for the site's sign-in and the admin's alike (both call authenticate() with the
# request).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Security headers. Django's defaults, stated so that they can be read here:
# SecurityMiddleware sends `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`,
# XFrameOptionsMiddleware sends `X-Frame-Options`, and the session cookie is HttpOnly and
# SameSite=Lax.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# CsrfViewMiddleware also compares a POST's Origin header with the request's own scheme and host,
# so a form posted from another site is refused even with a valid token. CSRF_TRUSTED_ORIGINS is
# needed only if a proxy in front changes the Host header the app sees.

# Request bodies over 2.5 MB (Django's default, stated) answer 400; config.hardening extends the
# limit to file uploads, which Django does not count.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The production profile (HTTPS=1): cookies only over HTTPS, HSTS for a year, plain HTTP
# redirected. `manage.py check --deploy` reports nothing with it.
if env_flag("HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    # Load balancers check health over plain HTTP, from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Makes the site eligible for the browsers' preload list; it is put on it only when someone
    # submits it at hstspreload.org, a step hard to undo.
    SECURE_HSTS_PRELOAD = True
    # TLS ends at the proxy in front of gunicorn. Trust its X-Forwarded-Proto only there: the
    # proxy must set (or strip) the header on every request, or clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every page, the admin's included: neither the site's
# templates nor Django's admin use inline scripts, inline styles or eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Permissions-Policy (django-permissions-policy) on every answer: the browser features no page of
# the site uses, switched off for the site and anything it frames; the Flask app sends the same.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation",
        "gyroscope", "magnetometer", "microphone", "payment", "usb",
    ],
    (),
)  # fmt: skip

# Sign-in throttling (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins for one username
# from one address, that pair is refused with 429 until LOGIN_FAILURE_WINDOW seconds have passed
# since its last counted failure. Failures are counted in the database (axes' AccessAttempt), so
# every gunicorn worker sees the same count. Behind a proxy REMOTE_ADDR is the proxy's address:
# BEHIND_PROXY below reads the client's from the header the proxy sets.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("LOGIN_FAILURE_WINDOW", "900")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Usernames sign in ignoring case, so "ALICE" and "alice" share one count.
AXES_USERNAME_CALLABLE = "accounts.throttling.username"
# The 429 page, rendered with the site's layout (axes answers 429 by default).
AXES_LOCKOUT_TEMPLATE = "429.html"
# Attempts refused while locked out do not push the end of the lockout further.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# Behind one proxy (BEHIND_PROXY=1: a load balancer that sets X-Forwarded-For and -Proto on every
# request), the client's address is the last X-Forwarded-For entry, the one the proxy appended;
# axes and django-ratelimit both count by it (accounts/throttling.py). Off by default: a server
# clients reach directly must not believe a header they can send themselves.
BEHIND_PROXY = env_flag("BEHIND_PROXY")
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_address"
RATELIMIT_IP_META_KEY = "accounts.throttling.client_address"
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sign-in attempts from one address within that window, whatever the usernames, so that one
# client cannot try a common password on many names (django-ratelimit, accounts/throttling.py).
LOGIN_ADDRESS_LIMIT = int(os.environ.get("LOGIN_ADDRESS_LIMIT") or 20)

# Mail: SMTP when EMAIL_HOST is set, else printed on the console (development).
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "webmaster@localhost"

# How long a password reset link works (Django's default: 3 days).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT") or 259_200)

# Reset requests per client address (django-ratelimit), so nobody mails a user over and over.
PASSWORD_RESET_LIMIT = int(os.environ.get("PASSWORD_RESET_LIMIT") or 5)
PASSWORD_RESET_WINDOW = int(os.environ.get("PASSWORD_RESET_WINDOW") or 3600)
# Sign-ups per client address, so that nobody makes accounts by the thousand.
SIGN_UP_LIMIT = int(os.environ.get("SIGN_UP_LIMIT") or 10)
SIGN_UP_WINDOW = int(os.environ.get("SIGN_UP_WINDOW") or 3600)
RATELIMIT_VIEW = "accounts.views.too_many_requests"
# django-ratelimit counts in the default cache. Local memory counts per process, as
# Flask-Limiter's memory:// does: several gunicorn workers need RATELIMIT_STORAGE_URI=redis://…
if os.environ.get("RATELIMIT_STORAGE_URI", "").startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["RATELIMIT_STORAGE_URI"],
            # Redis unreachable: a cache call answers as a miss and logs the error instead of
            # raising; django-ratelimit then lets the request through (OPS-12), while axes
            # keeps counting failed sign-ins in the database.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    RATELIMIT_FAIL_OPEN = True
    # Sessions read from the shared cache and written through to the database, as Django's
    # docs advise for speed: a signed-in page sends no session query. Only with a cache every
    # worker shares: with local memory a sign-out would drop the session from one worker's
    # cache, and the others would still honour a copy of the cookie (SEC-5). Signed-cookie
    # sessions cannot be ended at sign-out at all.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Not shared between processes: fine for one process, documented above for more.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# An English-only site: translation off, as Django's docs advise for speed. Every text, the
# admin's included, stays in English, and dates keep the en-us formats (LANGUAGE_CODE).
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# With DEBUG off Django only emails errors (to ADMINS, none here): log them to stderr, the
# server's log, instead. Refused requests (404, 403) are answers, not errors: not logged. The
# security log (accounts.signals: sign-ins, failures, throttling, sign-outs) goes there too,
# from INFO up.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}, "posts.security": {"level": "INFO"}},
}
