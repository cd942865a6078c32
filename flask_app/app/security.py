"""Protections Django turns on by default and Flask leaves to the app."""

import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response

# Django's SecurityMiddleware and XFrameOptionsMiddleware send these on every answer;
# Flask sends none of them, so this app adds them itself.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def set_security_headers(response: Response) -> Response:
    """Add the security headers to a response, error pages included."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
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
