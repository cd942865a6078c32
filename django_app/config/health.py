"""/healthz, for load balancers and container checks; 503 while the database is out of reach."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Answer "ok" when the app and its database answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """Answer 503 while the database is out of reach, else Django's 500 (handler500).

    A request that lost its database (down, restarting) gets a page that needs none, at once;
    Django's connection health checks reconnect once it is back.
    """
    if isinstance(sys.exc_info()[1], InterfaceError | OperationalError):
        return HttpResponse(loader.get_template("503.html").render(), status=503)
    return defaults.server_error(request)
