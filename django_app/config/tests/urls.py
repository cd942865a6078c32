"""The site's URLs plus a view that fails, to see the 500 page."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("boom: a secret traceback")


urlpatterns = [*site_urlpatterns, path("broken/", broken)]
