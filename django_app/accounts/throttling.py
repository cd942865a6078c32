"""How django-axes counts and refuses sign-ins (settings AXES_USERNAME_CALLABLE and
AXES_LOCKOUT_CALLABLE)."""

from django.shortcuts import render


def username(request, credentials):
    """Return the username an attempt is counted under: lower-cased, as sign-in matches it."""
    name = (credentials or request.POST).get("username")
    # Cut to the length of axes' column: the sign-in form lets longer usernames reach
    # authenticate() (they fail like any unknown one), and PostgreSQL refuses them there.
    return (name or "").lower()[:255]


def lockout_response(request, original_response, credentials):
    """Answer 429 to a sign-in made while its username and address are locked out.

    Axes also calls this for the failure that reaches the limit; that one still answers as any
    failed sign-in (the form again), only the attempts after it are refused. Axes counts a
    failure, and sets `axes_failures_since_start`, only when the attempt was not locked out.
    """
    if request.axes_failures_since_start is not None:
        return original_response
    return render(request, "429.html", status=429)
