"""The Django app's lean profile: its own settings without the middleware the measured pages skip.

Used only by `make bench` (DJANGO_SETTINGS_MODULE=bench.lean_settings). Left out: WhiteNoise
(no static file is measured) and django-axes' middleware (it only turns a locked-out sign-in
into a 429; no sign-in is posted under load). Everything the pages use stays: sessions, CSRF,
auth, messages (the create POST flashes one), the security headers.
"""

from config.settings import *  # noqa: F403 (a settings module extends another this way)
from config.settings import MIDDLEWARE

UNUSED_BY_THE_MEASURED_PAGES = {
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "axes.middleware.AxesMiddleware",
}
MIDDLEWARE = [m for m in MIDDLEWARE if m not in UNUSED_BY_THE_MEASURED_PAGES]
