"""Protections Django turns on by default and Flask leaves to the app."""

import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, redirect, request
from flask_wtf.csrf import CSRFError

# Django's SecurityMiddleware and XFrameOptionsMiddleware send these on every answer;
# Flask sends none of them, so this app adds them itself.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# Scripts, styles and images from this site only, and no inline script or style: the
# templates have none, so an injected <script> would not run.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
# Flask-Admin's pages run inline scripts (list actions, delete confirmations, filters), which
# the policy above would block; the admin is staff-only and outside the rule (SEC-12).
ADMIN_PREFIX = "/admin"

# The same policy as Django's SECURE_HSTS_* settings (one year, subdomains, preload-ready).
HSTS = "max-age=31536000; includeSubDomains; preload"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def redirect_to_https():
    """With HTTPS on, send plain-HTTP requests to the same URL over HTTPS (Django's
    SECURE_SSL_REDIRECT)."""
    # Load balancers check /healthz over plain HTTP, from inside (Django: SECURE_REDIRECT_EXEMPT).
    if current_app.config["HTTPS"] and not request.is_secure and request.path != "/healthz":
        return redirect(request.url.replace("http://", "https://", 1), code=301)
    return None


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


def set_security_headers(response: Response) -> Response:
    """Add the security headers to a response, error pages included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    path = request.path
    if path != ADMIN_PREFIX and not path.startswith(ADMIN_PREFIX + "/"):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if current_app.config["HTTPS"] and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    # Before CSRFProtect's own check, as Django's SecurityMiddleware comes first.
    app.before_request(redirect_to_https)
    app.before_request(check_origin)
    app.after_request(set_security_headers)


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
