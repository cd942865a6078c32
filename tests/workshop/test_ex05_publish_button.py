"""Exercise 5: a route only a post's author may use (docs/workshop/05-protect-a-route.md).

A draft's page shows its author a form `form.publish` (a `POST` to `/posts/<id>/publish/`, button
"Publish"). Posting it publishes the draft and redirects to the post with the flash
"Post published.". Others are refused as for editing (POST-6): 404 for a draft, 403 for a
published post; a visitor is sent to sign in; `GET` answers 405.
"""

from __future__ import annotations

import pytest

from tests import pages
from tests.actions import (
    assert_sign_in_redirect,
    create_post,
    home,
    session_tokens,
    token,
    view_post,
)
from toolkit.browser import location

pytestmark = pytest.mark.exercise(5)


def test_the_author_publishes_a_draft(app, visitor, alice):
    title = f"Draft to publish {token()}"
    post = create_post(alice, title, status="draft")
    page = alice.get(f"/posts/{post}/")
    assert pages.submit_buttons(page, "form.publish") == ["Publish"]
    answer = alice.submit(page, form="form.publish")
    assert answer.status_code in (302, 303)
    assert location(answer)[0] == f"/posts/{post}/"
    assert pages.flash_texts(alice.follow(answer)) == ["Post published."]
    assert view_post(visitor, post).status == "published"
    assert title in pages.listed_titles(home(visitor, q=title))


def test_the_form_is_only_on_the_authors_draft(app, alice, bob):
    published = create_post(alice, f"Already out {token()}")
    assert pages.soup(alice.get(f"/posts/{published}/")).select_one("form.publish") is None
    assert pages.soup(bob.get(f"/posts/{published}/")).select_one("form.publish") is None


def test_others_cannot_publish(app, alice, bob):
    draft = create_post(alice, f"Alice's draft {token()}", status="draft")
    published = create_post(alice, f"Alice's post {token()}")
    tokens = session_tokens(bob, "/posts/new/")
    assert bob.post(f"/posts/{draft}/publish/", data=tokens).status_code == 404
    assert bob.post(f"/posts/{published}/publish/", data=tokens).status_code == 403
    assert view_post(alice, draft).status == "draft"


def test_visitors_are_sent_to_sign_in(app, visitor, alice):
    draft = create_post(alice, f"Alice's draft {token()}", status="draft")
    answer = visitor.post(f"/posts/{draft}/publish/", data=session_tokens(visitor))
    assert_sign_in_redirect(answer, f"/posts/{draft}/publish/")
    assert view_post(alice, draft).status == "draft"


def test_publishing_is_a_post_only(app, alice):
    draft = create_post(alice, f"Alice's draft {token()}", status="draft")
    assert alice.get(f"/posts/{draft}/publish/").status_code == 405
    assert view_post(alice, draft).status == "draft"


def test_publishing_needs_the_csrf_token(app, adapter, alice):
    draft = create_post(alice, f"Alice's draft {token()}", status="draft")
    assert alice.post(f"/posts/{draft}/publish/").status_code == adapter.csrf_failure_status
    assert view_post(alice, draft).status == "draft"
