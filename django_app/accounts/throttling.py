"""How sign-ins, sign-ups and reset requests are throttled (SEC-13, AUTH-14).

django-axes counts failed sign-ins per username and address; django-ratelimit counts requests
per address (the rates below, read per request so that tests can change the settings).
"""

from django.conf import settings
from django_ratelimit.decorators import ratelimit

from config.hardening import fit_axes_username


def username(request, credentials):
    """Count an attempt under its username lower-cased, as sign-in matches it (axes)."""
    name = (credentials or request.POST).get("username") or ""
    return fit_axes_username(name.lower())


def client_address(request):
    """Return the client's address: the socket's, or behind the proxy the one it saw (one hop)."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        address = hops[-1] or address
    return address


def sign_in_rate(group, request):
    """Return the sign-in attempts one address may make, whatever the usernames."""
    return f"{settings.LOGIN_ADDRESS_LIMIT}/{int(settings.AXES_COOLOFF_TIME.total_seconds())}s"


def sign_up_rate(group, request):
    """Return the sign-ups one address may make."""
    return f"{settings.SIGN_UP_LIMIT}/{settings.SIGN_UP_WINDOW}s"


def reset_rate(group, request):
    """Return the reset requests one address may make: each may mail someone."""
    return f"{settings.PASSWORD_RESET_LIMIT}/{settings.PASSWORD_RESET_WINDOW}s"


# Decorators for views; a refused request raises Ratelimited, answered 429 (RATELIMIT_VIEW).
# The site's sign-in and the admin's share one count (password spraying).
sign_in_limited = ratelimit(group="sign_in", key="ip", rate=sign_in_rate, method="POST")
sign_up_limited = ratelimit(group="sign_up", key="ip", rate=sign_up_rate, method="POST")
reset_limited = ratelimit(group="password_reset", key="ip", rate=reset_rate, method="POST")
