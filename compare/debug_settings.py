"""The Django app's own settings with a URL that fails, for the debug-page probe (claim C17)."""

from config.settings import *  # noqa: F403 (the app's settings, unchanged)

ROOT_URLCONF = "compare.debug_urls"
