"""Where a signed-in page reads its session: the shared cache when there is one, else the database.

The settings decide at start-up from RATELIMIT_STORAGE_URI, so each case runs the app in a fresh
process with its own environment and database.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"

# Sign in, then list the SQL a signed-in page sends once per-process caches are warm.
SIGNED_IN_PAGE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
# Static files named as they are: no collectstatic manifest here (as in conftest.py).
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
call_command("migrate", verbosity=0)
client = Client()
client.force_login(User.objects.create(username="alice"))
assert client.get("/posts/new/").status_code == 200
with CaptureQueriesContext(connection) as captured:
    assert client.get("/posts/new/").status_code == 200
print(json.dumps([query["sql"] for query in captured]))
"""


def redis_answers():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def signed_in_page_queries(tmp_path, **environ):
    env = {
        **{name: value for name, value in os.environ.items() if name != "RATELIMIT_STORAGE_URI"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "unit-tests-only-not-a-secret",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **environ,
    }
    done = subprocess.run(
        [sys.executable, "-c", SIGNED_IN_PAGE],
        cwd=APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_with_a_shared_cache_a_signed_in_page_sends_no_session_query(tmp_path):
    """With the workers' shared Redis, a signed-in page reads its session from the cache."""
    if not redis_answers():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true and no Redis at 127.0.0.1:6379 (apt-get install redis-server)")
        pytest.skip("no Redis at 127.0.0.1:6379 (apt-get install redis-server)")
    queries = signed_in_page_queries(tmp_path, RATELIMIT_STORAGE_URI=REDIS_URL)
    assert queries  # the user is still read: a password change ends other sessions (AUTH-11)
    assert not [sql for sql in queries if "django_session" in sql]


def test_without_a_shared_cache_sessions_stay_in_the_database(tmp_path):
    """Each worker's own memory would keep a signed-out session alive: the database serves."""
    queries = signed_in_page_queries(tmp_path)
    assert [sql for sql in queries if "django_session" in sql]
