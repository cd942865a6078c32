"""Exercise 4: a validation rule of the post form (docs/workshop/04-validate-a-form.md).

A title in capitals only (Python's `str.isupper()`: it has letters, none of them lower-case) is
refused, on the new-post and the edit form, with a field error on `title` that says "shout".
"""

from __future__ import annotations

import pytest

from tests import pages
from tests.actions import create_post, edit_post, new_post, search_ids, token, view_post

pytestmark = pytest.mark.exercise(4)


@pytest.mark.parametrize("shout", ["HELLO WORLD", "URGENT!!! READ THIS 2026"])
def test_a_shouted_title_is_refused(app, alice, shout):
    body = f"Body {token()}"
    answer = new_post(alice, shout, body=body)
    assert answer.status_code == 200
    assert pages.fields_in_error(answer) == ["title"]
    assert any("shout" in error.lower() for error in pages.field_errors(answer, "title"))
    assert search_ids(alice, body) == []


@pytest.mark.parametrize("calm", ["Hello WORLD", "NASA lands on the Moon", "2026", "R2-d2"])
def test_titles_with_lower_case_or_no_letters_are_accepted(app, alice, calm):
    assert new_post(alice, calm, body=f"Body {token()}").status_code in (302, 303)


def test_an_edit_to_a_shouted_title_is_refused(app, alice):
    title = f"Quiet {token()}"
    post = create_post(alice, title)
    answer = edit_post(alice, post, title="NOW LOUD")
    assert answer.status_code == 200
    assert pages.fields_in_error(answer) == ["title"]
    assert view_post(alice, post).title == title
