"""The layout every public page shares: its stylesheet and favicon, labelled navigation, and
form fields tied to their help text and errors. The Flask twin is flask_app/tests/test_site.py.
"""

import re

from django.contrib.staticfiles import finders


def test_layout_links_the_stylesheet_and_the_favicon(db, client):
    page = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("css/site.css")
    assert finders.find("favicon.svg")


def test_both_navigations_are_labelled(client, make_post):
    for number in range(11):
        make_post(f"Post {number}")
    page = client.get("/").content.decode()
    assert '<nav class="site-nav" aria-label="Account">' in page
    assert '<nav class="pagination" aria-label="Pagination">' in page


def control(page, name):
    return re.search(rf'<(?:input|textarea|select)[^>]* name="{name}"[^>]*>', page).group(0)


def test_help_text_and_errors_are_tied_to_their_field(db, client):
    page = client.get("/accounts/register/").content.decode()
    assert 'aria-describedby="id_username_helptext"' in control(page, "username")
    assert '<div class="helptext" id="id_username_helptext">' in page

    refused = client.post(
        "/accounts/register/",
        {"username": "x", "password1": "Quartz-Lantern-8316", "password2": "Quartz-Lantern-8317"},
    ).content.decode()
    username = control(refused, "username")
    assert 'aria-invalid="true"' in username
    assert 'aria-describedby="id_username_helptext id_username_error"' in username
    assert '<ul class="errorlist" id="id_username_error">' in refused
    # Django renders maxlength from the model, never minlength (Flask's macro leaves it out too).
    assert "minlength" not in refused


def test_a_post_field_in_error_is_described_by_its_errors(client, alice):
    client.force_login(alice)
    page = client.post("/posts/new/", {"title": " ", "body": "Text", "status": "draft"})
    title = control(page.content.decode(), "title")
    assert 'aria-invalid="true"' in title
    assert 'aria-describedby="id_title_error"' in title
    assert "aria-invalid" not in control(page.content.decode(), "body")
