"""Several replicas behind a balancer act as one site (OPS-11; `make test-scale`, `--scale NAME`).

Every request goes round-robin to the next replica (HAProxy names it in X-Served-By), so a
session, a CSRF token or a throttle count made on one replica is checked by the others.
"""

from __future__ import annotations

import pytest

from tests import pages
from tests.actions import create_post, search_titles, sign_in, token
from toolkit.balancer import SERVED_BY
from toolkit.browser import fresh_address, hidden_inputs

pytestmark = pytest.mark.replicas
FAILURE_LIMIT = 5  # the default of LOGIN_FAILURE_LIMIT (SEC-13)


def served_by(answer) -> str:
    name = answer.headers.get(SERVED_BY)
    assert name, f"no {SERVED_BY} header: not through the balancer"
    return name


@pytest.mark.rule("OPS-11", "AUTH-1")
def test_a_session_made_on_one_replica_holds_on_every_other(app, group):
    """Signed in once, a user stays signed in whichever server answers the next pages."""
    _, _, browser = app.make_user("roamer")
    seen = {}
    for _ in range(2 * len(group.replicas)):
        answer = browser.get("/")
        assert answer.status_code == 200, answer.status_code
        seen[served_by(answer)] = pages.current_user(answer)
    assert set(seen) == set(group.replicas), f"not every replica answered: {sorted(seen)}"
    assert set(seen.values()) == {browser.username}, seen


@pytest.mark.rule("OPS-11", "SEC-1", "POST-1")
def test_a_form_from_one_replica_is_accepted_by_another(app, group):
    """A form shown by one server and sent to another is saved, its CSRF token accepted."""
    _, _, browser = app.make_user("crosser")
    crossed = 0
    for n in range(len(group.replicas)):
        form = browser.get("/posts/new/")
        title = f"Crossing {n} {token()}"
        fields = {**hidden_inputs(form), "title": title, "body": "Sent to another server."}
        answer = browser.post("/posts/new/", data={**fields, "status": "published"})
        assert answer.status_code in (302, 303), (answer.status_code, pages.fields_in_error(answer))
        crossed += served_by(form) != served_by(answer)
        assert search_titles(browser, title) == [title]
    assert crossed, "every form was sent back to the server that showed it"


@pytest.mark.rule("OPS-11", "SEC-13", "SEC-19")
def test_a_throttle_count_holds_across_replicas(app, group):
    """Five failures spread over every server lock the name from that client on all of them."""
    username, password, _ = app.make_user("spread")
    client = fresh_address()
    seen = set()
    for _ in range(FAILURE_LIMIT):
        answer = sign_in(app.browser_from(client), username, "Wrong-Password-42")
        seen.add(served_by(answer))
    assert len(seen) > 1, f"every failure went to {seen}"
    for _ in range(len(group.replicas)):
        answer = sign_in(app.browser_from(client), username, password)
        assert answer.status_code == 429, (served_by(answer), answer.status_code)
    # Counted per client, not per balancer: another client still signs in.
    assert sign_in(app.browser_from(fresh_address()), username, password).status_code in (302, 303)


@pytest.mark.rule("OPS-11", "POST-1")
def test_a_post_written_through_one_replica_is_read_through_all(app, group, alice):
    """A new post shows on the list whichever server answers."""
    title = f"Everywhere {token()}"
    create_post(alice, title)
    answered = {}
    for _ in range(len(group.replicas)):
        answer = app.browser().get("/", params={"q": title})
        answered[served_by(answer)] = pages.listed_titles(answer)
    assert answered == {name: [title] for name in group.replicas}, answered
