"""The Django app's URLs plus one that raises, to see the debug page (claim C17)."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

ERROR_PATH = "__compare_error__/"


def broken(request):
    """Fail on purpose."""
    raise RuntimeError("compare.py: an error on purpose, to see the debug page")


urlpatterns = [*site_urlpatterns, path(ERROR_PATH, broken)]
