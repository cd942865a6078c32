"""Posts, the Flask version: the application factory."""

import os
from datetime import UTC, datetime

from flask import Flask, render_template
from werkzeug.middleware.proxy_fix import ProxyFix

from app import cli, hardening, security
from app.config import Config
from app.extensions import csrf, db, limiter, login_manager, mail, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure an instance of the app."""
    app = Flask(__name__)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(Config(app.instance_path))
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development only)."
        )
    if app.config["TRUSTED_HOSTS"] == []:
        # Django answers 400 to every host then; Flask would accept any Host header.
        raise RuntimeError(
            "ALLOWED_HOSTS is not set. Set it to the site's host names, comma-separated "
            "(DEBUG=1 allows localhost, 127.0.0.1 and [::1])."
        )
    if app.config["HTTPS"] or app.config.get("BEHIND_PROXY"):
        # Behind one proxy (TLS-terminating, or a load balancer), trust one hop of its
        # X-Forwarded-Proto (is the request HTTPS?) and X-Forwarded-For (the client's address,
        # which throttling counts by): the last entry, the one the proxy appended. Only behind
        # a proxy that sets both: a client could send them itself otherwise.
        # The proxy passes the Host header on as it came, so X-Forwarded-Host is not used.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

    hardening.init_app(app)
    security.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    cli.init_app(app)

    from app.accounts.views import bp as accounts_bp
    from app.admin import admin
    from app.health import bp as health_bp
    from app.posts.views import bp as posts_bp

    app.register_blueprint(posts_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(health_bp)
    admin.init_app(app)

    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.add_template_filter(isotime)
    register_error_handlers(app)
    return app


def isotime(value: datetime) -> str:
    """Format a stored time as ISO 8601 in UTC ("2026-11-21T22:49:19+00:00")."""
    # SQLite hands back naive datetimes; they were stored in UTC.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        # CSRF failures, foreign origins and unknown hosts (Flask's TRUSTED_HOSTS) end here.
        return render_template("400.html"), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("404.html"), 404

    @app.errorhandler(413)
    def request_too_large(error):
        return render_template("413.html"), 413

    @app.errorhandler(429)
    def too_many_requests(error):
        # Flask-Limiter adds Retry-After (RATELIMIT_HEADERS_ENABLED).
        return render_template("429.html"), 429

    @app.errorhandler(500)
    def server_error(error):
        # Stands alone: the database may be what failed. After a failed statement PostgreSQL
        # refuses every other one until a rollback, and rendering loads the signed-in user.
        db.session.rollback()
        # Rendered by Jinja alone: render_template's context would load the signed-in user.
        return app.jinja_env.get_template("500.html").render(), 500
