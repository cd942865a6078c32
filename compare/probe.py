"""Read one app's defaults from the app itself, built in-process: `python -m compare.probe APP OUT`.

Run in a subprocess per app: Django reads its settings once per process. Writes JSON to OUT.
"""

from __future__ import annotations

import functools
import importlib.metadata as metadata
import json
import re
import sys
import tempfile
from pathlib import Path

from toolkit.apps import App, DjangoApp, FlaskApp
from toolkit.paths import ROOT

HEADERS = (
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Content-Security-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
    "Permissions-Policy",
)
STAFF = ("probe-admin", "probe-admin-pass-2026")
USER_PASSWORD = "probe-pass-2026-x"


def provider_of(module: str) -> str:
    """Return which package a module comes from: the app's own code, or a distribution."""
    top = module.split(".")[0]
    if top in ("app", "config", "accounts", "posts"):
        return "own code"
    names = metadata.packages_distributions().get(top)
    if not names:
        return "Python" if top in sys.stdlib_module_names else top
    dist = metadata.distribution(names[0])
    return f"{dist.metadata['Name']} {dist.version}"


def parse_cookie(header: str) -> dict:
    """Split one Set-Cookie header into its name and flags (values left out)."""
    parts = [p.strip() for p in header.split(";")]
    name = parts[0].split("=", 1)[0]
    flags = {}
    for part in parts[1:]:
        key, _, value = part.partition("=")
        flags[key.lower()] = value or True
    return {
        "name": name,
        "httponly": bool(flags.get("httponly")),
        "secure": bool(flags.get("secure")),
        "samesite": flags.get("samesite") or "not set",
        "path": flags.get("path"),
        "persistent": "max-age" in flags or "expires" in flags,
    }


def parse_hash(stored: str) -> dict:
    """Read the scheme and cost of a stored password hash (Django's and Werkzeug's formats)."""
    if match := re.match(r"^(pbkdf2_sha\d+)\$(\d+)\$", stored):
        return {"scheme": match.group(1), "cost": f"{int(match.group(2)):,} iterations"}
    if match := re.match(r"^scrypt:(\d+):(\d+):(\d+)\$", stored):
        n, r, p = match.groups()
        return {"scheme": "scrypt", "cost": f"N={n}, r={r}, p={p}"}
    if match := re.match(r"^pbkdf2:(sha\d+):(\d+)\$", stored):
        return {"scheme": f"pbkdf2_{match.group(1)}", "cost": f"{int(match.group(2)):,} iterations"}
    if match := re.match(r"^(argon2|bcrypt[\w]*)\$", stored):
        return {"scheme": match.group(1), "cost": stored.split("$")[2] if "$" in stored else ""}
    return {"scheme": "unknown", "cost": ""}


def read_headers(response) -> dict:
    return {name: response.headers.get(name) for name in HEADERS}


def walk(app: App, application, database_url: str) -> dict:
    """Drive the app as a visitor: headers, cookies, CSRF failure, a sign-up, the stored hash."""
    from toolkit.browser import Browser
    from toolkit.wsgi import WSGITransport

    transport = WSGITransport(application)
    cookies: dict[str, dict] = {}

    def collect(response):
        for header in response.headers.get_list("set-cookie"):
            cookie = parse_cookie(header)
            cookies.setdefault(cookie["name"], cookie)
        return response

    visitor = Browser("http://localhost", transport)
    home = collect(visitor.get("/"))
    missing = collect(visitor.get("/no-such-page/"))
    # A form posted without its CSRF token, by a visitor who never loaded it.
    stranger = Browser("http://localhost", transport)
    csrf = stranger.post("/accounts/login/", data={"username": "nobody", "password": "x" * 10})
    username = "probe.user"
    page = collect(visitor.get("/accounts/register/"))
    signed_up = collect(
        visitor.submit(
            page,
            {
                "username": username,
                "email": f"{username}@example.com",
                "password1": USER_PASSWORD,
                "password2": USER_PASSWORD,
            },
        )
    )
    stored = app.stored_password(database_url, username)
    return {
        "home_status": home.status_code,
        "headers": read_headers(home),
        "headers_404": read_headers(missing),
        "cookies": cookies,
        "csrf_failure_status": csrf.status_code,
        "signup_status": signed_up.status_code,
        "password": {**parse_hash(stored), "contains_password": USER_PASSWORD in stored},
    }


def probe_django(folder: Path) -> dict:
    app = DjangoApp()
    database_url = f"sqlite:///{folder}/probe.sqlite3"
    application = app.build_wsgi(database_url, STAFF)
    from django.conf import settings

    result = walk(app, application, database_url)
    backend = settings.TEMPLATES[0]["BACKEND"]
    result["pipeline"] = [
        {"kind": "middleware", "name": path, "provider": provider_of(path)}
        for path in settings.MIDDLEWARE
    ]
    result["template_engine"] = {"backend": backend, "provider": provider_of(backend)}
    result["session"] = {
        "engine": settings.SESSION_ENGINE,
        "provider": provider_of(settings.SESSION_ENGINE),
    }
    result["password_hasher"] = settings.PASSWORD_HASHERS[0]
    result["installed_apps"] = [
        {"name": name, "provider": provider_of(name)} for name in settings.INSTALLED_APPS
    ]
    return result


def qualname(function) -> str:
    """Return a hook's dotted name (a partial's or bound method's underlying function)."""
    while isinstance(function, functools.partial):
        function = function.func
    inner = getattr(function, "__func__", function)
    module = getattr(inner, "__module__", None) or type(inner).__module__
    name = getattr(inner, "__qualname__", None) or type(inner).__qualname__
    return f"{module}.{name}"


def probe_flask(folder: Path) -> dict:
    flask_app = FlaskApp()
    database_url = f"sqlite:///{folder}/probe.sqlite3"
    app = flask_app.build_wsgi(database_url, STAFF)
    result = walk(flask_app, app, database_url)
    pipeline = []
    hooks = {
        "before_request": app.before_request_funcs,
        "after_request": app.after_request_funcs,
        "teardown_request": app.teardown_request_funcs,
        "teardown_appcontext": {None: app.teardown_appcontext_funcs},
        "context_processor": app.template_context_processors,
    }
    for kind, registry in hooks.items():
        for blueprint, functions in registry.items():
            if blueprint and kind == "context_processor":
                continue  # each blueprint repeats Flask's default one
            for function in functions:
                name = qualname(function)
                where = f" (blueprint {blueprint})" if blueprint else ""
                pipeline.append({"kind": kind + where, "name": name, "provider": provider_of(name)})
    for key, extension in app.extensions.items():
        # Some extensions register a collection of their objects (Flask-Admin, Flask-Limiter).
        if isinstance(extension, list | set | tuple) and extension:
            extension = next(iter(extension))
        kind = type(extension)
        name = f"{key}: {kind.__module__}.{kind.__qualname__}"
        pipeline.append(
            {"kind": "extension", "name": name, "provider": provider_of(kind.__module__)}
        )
    result["pipeline"] = pipeline
    # Flask subclasses the template engine's Environment: name the engine it comes from.
    engine = next(c for c in type(app.jinja_env).__mro__ if not c.__module__.startswith("flask"))
    result["template_engine"] = {
        "backend": f"{engine.__module__}.{engine.__qualname__}",
        "provider": provider_of(engine.__module__),
        "through": qualname(type(app.jinja_env)),
    }
    interface = type(app.session_interface)
    result["session"] = {
        "engine": f"{interface.__module__}.{interface.__qualname__}",
        "provider": provider_of(interface.__module__),
    }
    result["wsgi_middleware"] = qualname(app.wsgi_app)
    return result


def main() -> None:
    app, out = sys.argv[1], Path(sys.argv[2])
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix=f"compare-probe-{app}-") as folder:
        result = {"django": probe_django, "flask": probe_flask}[app](Path(folder))
    out.write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
