"""The two apps as the tools build and run them: settings, CLI, WSGI callable, gunicorn target.

`App` holds what every caller needs of an app: the environment it reads its settings from, its
own CLI run in its folder, a fresh database migrated with a staff user (through that CLI, or
in-process for a WSGI callable), and the stored password of a user, read with plain SQL. The
suite's adapters (tests/adapters/) add the admin on top; compare's probe and e2e use these alone.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from toolkit.commands import run
from toolkit.paths import APP_DIRS, PYTHON

STAFF = ("staff", "Staff-Pass-2026!")  # the staff user the suite and e2e create on each app


class App:
    """One app as the tools build and run it; subclasses say how (DjangoApp, FlaskApp)."""

    name: str  # "django" or "flask"
    app_dir: Path  # the app's folder: its CLI runs from here
    gunicorn_target: str  # the WSGI app for gunicorn, e.g. "config.wsgi:application"
    mail_port: int | None = None  # an SMTP server on 127.0.0.1 for the app's mail (tests/mail.py)
    mail_sender = "posts@example.com"
    # The stored password of a user, by username ({} the driver's placeholder).
    password_query = ""

    def env(self, database_url: str) -> dict[str, str]:
        """Return the environment the app runs with (settings come from it)."""
        mail = {}
        if self.mail_port is not None:
            mail = {
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.mail_port),
                "DEFAULT_FROM_EMAIL": self.mail_sender,
            }
        return {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": f"test-secret-key-{self.name}-not-for-production-0123456789",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
            **mail,
        }

    def cli(self, *args: str, env: dict[str, str], check: bool = True):
        """Run the app's own CLI (manage.py / flask) in its folder; return the finished process."""
        raise NotImplementedError

    def prepare(self, database_url: str, staff: tuple[str, str]) -> None:
        """Migrate a fresh database and create a staff user through the app's real CLI."""
        raise NotImplementedError

    def build_wsgi(self, database_url: str, staff: tuple[str, str]):
        """Prepare the database in-process and return the app's WSGI callable."""
        raise NotImplementedError

    def stored_password(self, database_url: str, username: str) -> str:
        """Return the password column as stored for a user (read with plain SQL, no models)."""
        if database_url.startswith("sqlite:///"):
            with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as connection:
                row = connection.execute(self.password_query.format("?"), (username,)).fetchone()
        else:
            import psycopg

            with psycopg.connect(database_url) as connection:
                row = connection.execute(self.password_query.format("%s"), (username,)).fetchone()
        assert row is not None, f"no user {username!r}"
        return row[0]

    def deploy_check(self, env: dict[str, str]) -> subprocess.CompletedProcess | None:
        """Run the framework's production audit (Django: `check --deploy`); None if it has none."""
        return None

    def on_path(self) -> None:
        """Make the app's own packages importable (for an in-process build)."""
        if str(self.app_dir) not in sys.path:
            sys.path.insert(0, str(self.app_dir))


class DjangoApp(App):
    name = "django"
    app_dir = APP_DIRS["django"]
    gunicorn_target = "config.wsgi:application"
    password_query = "SELECT password FROM accounts_user WHERE username = {}"

    def cli(self, *args: str, env: dict[str, str], check: bool = True):
        return run([PYTHON, "manage.py", *args], cwd=self.app_dir, env=env, check=check)

    def prepare(self, database_url: str, staff: tuple[str, str]) -> None:
        env = self.env(database_url)
        username, password = staff
        self.cli("migrate", "--noinput", env=env)
        self.cli("collectstatic", "--noinput", env=env)
        self.cli(
            "createsuperuser", "--noinput", "--username", username,
            "--email", f"{username}@example.com",
            env={**env, "DJANGO_SUPERUSER_PASSWORD": password},
        )  # fmt: skip

    def build_wsgi(self, database_url: str, staff: tuple[str, str]):
        # Django's settings are read once per process: one Django app (one database) a process.
        built = getattr(DjangoApp, "_built", None)
        if built is not None:
            if built[0] != database_url:
                raise RuntimeError(
                    f"Django is already set up on {built[0]} in this process; it cannot be "
                    f"built again on {database_url}."
                )
            return built[1]
        os.environ.update(self.env(database_url))
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        self.on_path()

        import django
        from django.conf import settings
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application

        django.setup()
        # In-process runs skip collectstatic, so there is no manifest of hashed file names:
        # name static files as they are (WhiteNoise only warns that STATIC_ROOT is missing).
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        call_command("migrate", interactive=False, verbosity=0)
        username, password = staff
        os.environ["DJANGO_SUPERUSER_PASSWORD"] = password
        call_command(
            "createsuperuser",
            interactive=False,
            username=username,
            email=f"{username}@example.com",
            verbosity=0,
        )
        application = get_wsgi_application()
        DjangoApp._built = (database_url, application)
        return application

    def deploy_check(self, env: dict[str, str]) -> subprocess.CompletedProcess:
        return self.cli("check", "--deploy", "--fail-level", "WARNING", env=env, check=False)


class FlaskApp(App):
    name = "flask"
    app_dir = APP_DIRS["flask"]
    gunicorn_target = "app:create_app()"
    password_query = "SELECT password_hash FROM users WHERE username = {}"

    def cli(self, *args: str, env: dict[str, str], check: bool = True):
        return run([PYTHON, "-m", "flask", "--app", "app", *args], self.app_dir, env, check)

    def prepare(self, database_url: str, staff: tuple[str, str]) -> None:
        env = self.env(database_url)
        self.cli("db", "upgrade", env=env)
        username, password = staff
        self.cli("create-admin", "--username", username, env={**env, "ADMIN_PASSWORD": password})

    def build_wsgi(self, database_url: str, staff: tuple[str, str]):
        self.on_path()
        import flask_migrate

        from app import create_app
        from app.config import Config

        env = self.env(database_url)
        app = create_app(vars(Config(str(self.app_dir / "instance"), environ=env)))
        with app.app_context():
            flask_migrate.upgrade(directory=str(self.app_dir / "migrations"))
        username, password = staff
        result = app.test_cli_runner().invoke(
            args=["create-admin", "--username", username, "--password", password]
        )
        assert result.exit_code == 0, result.output
        return app


APP_CLASSES: dict[str, type[App]] = {"django": DjangoApp, "flask": FlaskApp}
