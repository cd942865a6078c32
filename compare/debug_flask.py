"""The Flask app with one URL that raises, for `flask run --debug` (claim C17)."""

from app import create_app


def broken():
    """Fail on purpose."""
    raise RuntimeError("compare.py: an error on purpose, to see the debug page")


def create():
    """Build the app as its factory does, plus the failing URL."""
    app = create_app()
    app.add_url_rule("/__compare_error__/", "compare_error", broken)
    return app
