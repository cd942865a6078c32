"""The security log: sign-ins, refused and throttled sign-ins, sign-outs, new passwords.

One line each on the `posts.security` logger (the Flask app writes the same lines), naming the
username and the client's address; never a password, a cookie or a token. Django's auth signals
cover the site's sign-in and the admin's alike; django-axes signals the throttled ones. Django
signals no new password, nor django-ratelimit a refusal, so the views call `password_set` and
`sign_in_throttled` themselves.
"""

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("posts.security")


def shown(username):
    """Quote a username for the log, cut short: as typed it may hold anything, newlines too."""
    return repr((username or "")[:150])


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    """Log a sign-in: the site's, the admin's, or the one after sign-up."""
    address = get_client_ip_address(request)
    log.info("sign-in: username=%s address=%s", shown(user.get_username()), address)


@receiver(user_login_failed)
def sign_in_refused(sender, credentials, request=None, **kwargs):
    """Log a sign-in refused for its credentials (Django has already masked the password)."""
    # axes flags a sign-in it refused while locked out, and the failure that starts a lockout
    # (its handler runs first): user_locked_out logs those.
    if request is None or getattr(request, "axes_locked_out", False):
        return
    username = shown(credentials.get("username"))
    log.warning("sign-in failed: username=%s address=%s", username, get_client_ip_address(request))


@receiver(user_locked_out)
def locked_out(sender, request, username, ip_address, **kwargs):
    """Log a sign-in refused because its username and address have failed too often."""
    log.warning("sign-in throttled: username=%s address=%s", shown(username), ip_address)


def sign_in_throttled(request, username):
    """Log a sign-in refused because its address has tried too often (accounts/views.py)."""
    address = get_client_ip_address(request)
    log.warning("sign-in throttled: username=%s address=%s", shown(username), address)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    """Log a sign-out."""
    # Django signals a sign-out even when nobody was signed in (user is None then).
    if user is not None:
        address = get_client_ip_address(request)
        log.info("sign-out: username=%s address=%s", shown(user.get_username()), address)


def password_set(request, user, event):
    """Log a new password: EVENT is "password changed" or "password reset"."""
    address = get_client_ip_address(request)
    log.info("%s: username=%s address=%s", event, shown(user.get_username()), address)
