"""The fixtures the shared suite's tests take; the machinery is in the plugins listed below.

- plugin_apps.py: which apps run and how each is reached (in-process, --live, BASE_URL), the
  suite's SMTP server, the app under test;
- plugin_servers.py: each app built once per session, its servers and the slow jobs started
  in the background;
- plugin_needs.py: deselection by need, the workshop's exercise gate, CI=true's strictness;
- plugin_failures.py: failures of one cause told once;
- plugin_rules.py: --rules, failures explained by their rules, the per-rule report;
- plugin_scale.py: --scale, the suite through a balancer in front of three replicas.

See tests/README.md.
"""

from __future__ import annotations

import pytest

from tests import mail
from tests.adapters.base import Adapter
from toolkit.browser import Browser
from toolkit.databases import Databases

# pytester runs the suite's tests of this machinery (test_suite_plugin.py).
pytest_plugins = [
    "pytester",
    "tests.plugin_apps",
    "tests.plugin_servers",
    "tests.plugin_needs",
    "tests.plugin_failures",
    "tests.plugin_rules",
    "tests.plugin_scale",
]


@pytest.fixture(scope="session")
def app(request, harness):
    """The app under test (parametrized: each test runs once per app)."""
    return harness.app(request.param)


@pytest.fixture
def adapter(app) -> Adapter:
    return app.adapter


@pytest.fixture
def database_url(app) -> str:
    assert app.database_url, "no database URL for this app"
    return app.database_url


@pytest.fixture
def databases(harness) -> Databases:
    """Make fresh databases like the run's (SQLite files, or PostgreSQL databases)."""
    return harness.databases


@pytest.fixture
def job(app, harness):
    """Return a function giving the result of one of this app's background jobs."""
    return lambda name: harness.job(app.name, name)


@pytest.fixture(scope="session")
def mailbox(harness) -> mail.Mailbox:
    """The messages the apps have sent to the suite's SMTP server."""
    return harness.mailbox


@pytest.fixture
def visitor(app) -> Browser:
    return app.browser()


@pytest.fixture
def alice(app) -> Browser:
    """A user signed in for the whole session: do not sign it out."""
    return app.member("alice")


@pytest.fixture
def bob(app) -> Browser:
    """Another user signed in for the whole session: do not sign it out."""
    return app.member("bob")


@pytest.fixture
def staff(app) -> Browser:
    """The staff user, signed into the admin for the whole session: do not sign it out."""
    return app.staff_browser()
