"""Twins, not siblings: the two apps load the same demo data, ship the same stylesheet and keep
the same concept in the same-named file.

These tests look at both apps of this repository at once. The demo data is compared the
black-box way: each app's real CLI seeds a fresh database of its own, gunicorn serves it (a
background job, so `-m background` runs it, as test_ops.py's), and the public pages are read
through the markup contract (no model is imported). The file checks read the two source trees.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import pytest

from tests import pages
from tests.actions import home, sign_in, view_post
from tests.adapters import load_adapter
from tests.test_ops import DEMO_PASSWORD, DEMO_USERS, fresh_site
from toolkit.browser import Browser
from toolkit.paths import ROOT

# The slow part, in the background from the session's start: test_ops.py's fresh site of each
# app (a fresh database migrated, staff created and the demo data seeded through the app's CLI,
# then served by gunicorn). When test_ops.py runs too, the two share it.
JOBS = {"fresh-site": fresh_site}

# Each app's own copy of the one stylesheet, and the layout that links it.
STYLESHEETS = {
    "django": ROOT / "django_app" / "static" / "css" / "site.css",
    "flask": ROOT / "flask_app" / "app" / "static" / "css" / "site.css",
}
LAYOUTS = {
    "django": (ROOT / "django_app" / "templates" / "base.html", "{% static 'css/site.css' %}"),
    "flask": (
        ROOT / "flask_app" / "app" / "templates" / "base.html",
        "{{ url_for('static', filename='css/site.css') }}",
    ),
}
# Where each app's own Python lives (tests and migrations left out).
SOURCES = {"django": ROOT / "django_app", "flask": ROOT / "flask_app" / "app"}


@dataclass(frozen=True)
class SeededSite:
    listed: list[tuple[str, str]]  # (title, author) of the public list, page after page
    pages: list[str]  # each list page's "Page N of M"
    posts: list[tuple]  # (title, author, status, body, seconds before the newest), by id
    signed_in: dict[str, bool]  # whether each demo user signs in with the demo password


READ: dict[str, SeededSite] = {}  # each app's seeded site, read once a session


def read_site(base_url: str) -> SeededSite:
    """Read what a seeded site shows: its public list, then each post as a visitor or author."""
    visitor = Browser(base_url)
    listed, shown_pages, number = [], [], 1
    while True:
        answer = home(visitor, page=number)
        assert answer.status_code == 200, (number, answer.status_code)
        listed += [(post.title, post.author) for post in pages.listed_posts(answer)]
        nav = pages.pagination(answer)
        shown_pages.append(nav.current if nav else "one page")
        if nav is None or nav.next is None:
            break
        number += 1

    readers = [visitor]
    signed_in = {}
    for username in DEMO_USERS:
        browser = Browser(base_url)
        answer = sign_in(browser, username, DEMO_PASSWORD)
        signed_in[username] = answer.status_code in (302, 303)
        readers.append(browser)

    shown, misses, post = [], 0, 0
    while misses < 3:  # ids are not reused on a fresh database: three gaps in a row end it
        post += 1
        found = next(filter(None, (view_post(reader, post) for reader in readers)), None)
        if found is None:
            misses += 1
            continue
        misses = 0
        shown.append(found)
    newest = max((found.created for found in shown), default=None)
    posts = [
        (
            found.title,
            found.author,
            found.status,
            found.body,
            round((newest - found.created).total_seconds()),
        )
        for found in shown
    ]
    return SeededSite(listed, shown_pages, posts, signed_in)


def seeded(name: str, harness) -> SeededSite:
    """Read an app's fresh seeded site (test_ops.py's job: migrated, seeded twice, served)."""
    if name not in READ:
        if "fresh-site" in harness.jobs.get(name, {}):
            server = harness.job(name, "fresh-site")[0]
        else:  # the run leaves this app out: seed and serve it now
            server = fresh_site(load_adapter(name), harness)[0]
        READ[name] = read_site(server.base_url)
    return READ[name]


@pytest.mark.rule("OPS-4")
@pytest.mark.background("fresh-site")
def test_both_apps_seed_the_same_demo_users_and_posts(job, harness):
    """Seeded, both sites list the same posts by the same authors in the same order, same drafts."""
    django, flask = (seeded(name, harness) for name in ("django", "flask"))
    assert django.signed_in == flask.signed_in == dict.fromkeys(DEMO_USERS, True)
    assert django.pages == flask.pages
    assert django.listed == flask.listed
    assert django.posts == flask.posts
    # What the demo is for: several pages of posts by both users, and a few drafts.
    assert len(django.pages) >= 2, django.pages
    assert {author for _, author in django.listed} == set(DEMO_USERS)
    statuses = [status for _, _, status, _, _ in django.posts]
    assert 0 < statuses.count("draft") < len(statuses)


@pytest.mark.rule("SEC-12")
def test_both_apps_ship_the_same_stylesheet():
    """Both sites look the same: each links its own copy of one stylesheet, byte for byte equal.

    Each layout links the copy in its own static folder, which the CSP (`style-src 'self'`)
    allows; a stylesheet from another host would be blocked and the page left unstyled.
    """
    copies = {name: path.read_bytes() for name, path in STYLESHEETS.items()}
    assert copies["django"] == copies["flask"], "the two copies of site.css differ"
    for name, (layout, link) in LAYOUTS.items():
        assert f'<link rel="stylesheet" href="{link}">' in layout.read_text(encoding="utf-8"), name


def modules_defining(root, function: str) -> list[str]:
    """Return the app's modules (tests and migrations left out) that define a function."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = set(path.relative_to(root).parts)
        if parts & {"tests", "migrations", "__pycache__"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == function for node in tree.body):
            found.append(path.name)
    return found


@pytest.mark.rule("OPS-1")
def test_health_check_lives_in_a_module_of_the_same_name():
    """Whoever looks for /healthz finds it in health.py, a `healthz` function, in either app."""
    found = {name: modules_defining(root, "healthz") for name, root in SOURCES.items()}
    assert found == {"django": ["health.py"], "flask": ["health.py"]}, found


@pytest.mark.rule("OPS-4")
def test_both_apps_load_the_same_demo_data_file():
    """Both seed commands read the same demo users and posts, byte for byte."""
    django = (ROOT / "django_app/posts/demo_posts.json").read_bytes()
    flask = (ROOT / "flask_app/app/demo_posts.json").read_bytes()
    assert django == flask, "the two demo_posts.json files differ"
