"""Security headers and HTTPS through Flask-Talisman, and what no extension does.

Talisman sends what Django's SecurityMiddleware and XFrameOptionsMiddleware send (frame and
sniffing protection, referrer policy, HSTS, the HTTPS redirect) and the Content-Security-Policy,
on the admin's pages as on the site's, as django-csp does. Left here, because no extension does
them: the `Origin` check of state-changing requests (Flask-WTF never reads `Origin`), a safe
`next` after sign-in (Flask-Login leaves it unchecked), the Cross-Origin-Opener-Policy header
(Talisman 1.1 has none), and signed-in pages kept out of caches (Django's never_cache headers).
"""

import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_login import current_user
from flask_talisman import DENY
from flask_wtf.csrf import CSRFError

from app.extensions import talisman

# Scripts, styles and images from this site only, and no inline script or style, on every page
# the admin's included: the templates have none, so an injected <script> would not run.
# Flask-Admin's own pages need nothing more: its scripts and styles are files it serves from
# /admin/static/, and the inline onclick handlers of its list (filters, bulk actions, row
# delete) are replaced by templates/admin/posts_list.html and static/js/admin.js. So the admin
# gets this same policy, with no nonce: no page of ours has an inline <script> (Flask-Admin's
# modal forms and maps do; with them, give Admin a csp_nonce_generator and Talisman a nonce).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}
# The browser features no page of the site uses, switched off for the site and anything it
# frames; the Django app sends the same policy.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer", "browsing-topics", "camera", "display-capture", "geolocation",
        "gyroscope", "magnetometer", "microphone", "payment", "usb",
    ],
    "()",
)  # fmt: skip
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def check_origin() -> None:
    """Refuse a state-changing request sent from another site's page.

    Flask-WTF checks the token, and the Referer only over HTTPS; it never looks at the
    Origin header, which Django's CsrfViewMiddleware compares with the site's own. A request
    without Origin (older browsers, non-browser clients) still needs the token.
    """
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is None:
        return
    if origin.lower() != request.host_url.rstrip("/").lower():
        raise CSRFError("The request came from another site (Origin header).")


def finish_headers(response: Response) -> Response:
    """Add the opener policy Django sends."""
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def never_cache_signed_in(response: Response) -> Response:
    """Keep the pages a signed-in user is shown out of shared caches and the browser's history.

    The Cache-Control of Django's never_cache: after sign-out on a shared computer, the back
    button shows none of the user's pages. Static files, the same for everyone, stay cacheable.
    """
    # A 5xx page shows nobody's data, and the user may be unreadable (the database is down).
    if response.status_code >= 500:
        return response
    if response.mimetype == "text/html" and current_user.is_authenticated:
        response.cache_control.max_age = 0
        response.cache_control.no_cache = True
        response.cache_control.no_store = True
        response.cache_control.must_revalidate = True
        response.cache_control.private = True
    return response


def init_app(app: Flask) -> None:
    https = app.config["HTTPS"]
    # Flask runs after_request hooks last registered first: these run after Talisman's.
    app.after_request(never_cache_signed_in)
    app.after_request(finish_headers)
    talisman.init_app(
        app,
        frame_options=DENY,
        referrer_policy="same-origin",
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        # The production profile (HTTPS=1), as Django's SECURE_SSL_REDIRECT and SECURE_HSTS_*:
        # a 301 to HTTPS (not for /healthz, see app.health), HSTS for one year with
        # subdomains and preload, the session cookie Secure.
        force_https=https,
        force_https_permanent=True,
        strict_transport_security=https,
        strict_transport_security_max_age=365 * 24 * 60 * 60,
        strict_transport_security_preload=True,
        session_cookie_secure=https,
    )
    # After Talisman's HTTPS redirect and before CSRFProtect's own check, as in Django.
    app.before_request(check_origin)


def is_safe_next(target: str | None) -> bool:
    """Return whether a `next` URL stays on this site: a path such as /posts/1/, nothing else.

    Flask-Login leaves `next` unchecked. Browsers read "\\" as "/" and drop tabs, newlines and
    leading control characters, so "/\\evil", "\\x08//evil" and "/\\t/evil" all reach another
    host; refuse them with the schemes (http:, javascript:) and the //host forms.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(unicodedata.category(char).startswith("C") for char in target):
        return False
    try:
        parts = urlsplit(target)
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc
