"""The Django app's lean profile: its own settings without what the measured pages do not use.

Used only by `make bench` (DJANGO_SETTINGS_MODULE=bench.lean_settings). The rule, the same on
both sides (bench/pages.py): no static file serving (WhiteNoise; no static file is measured), no
per-request work of the sign-in throttles (django-axes' middleware; Flask's side turns
Flask-Limiter off). Translation is off in the app's own settings already (USE_I18N = False: the
site is English-only), as Flask has none. Everything the pages use stays: sessions, CSRF, auth,
messages (the create POST flashes one), the security headers.
"""

from config.settings import *  # noqa: F403 (a settings module extends another this way)
from config.settings import MIDDLEWARE

UNUSED_BY_THE_MEASURED_PAGES = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "axes.middleware.AxesMiddleware",
}
MIDDLEWARE = [m for m in MIDDLEWARE if m not in UNUSED_BY_THE_MEASURED_PAGES]
