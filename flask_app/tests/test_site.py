"""The layout every public page shares: its stylesheet and favicon, labelled navigation, and
form fields tied to their help text and errors (as Django 5.2 renders them). The Django twin is
django_app/config/tests/test_site.py.
"""

import re

from tests.conftest import login


def test_layout_links_the_stylesheet_and_the_favicon(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    for path in ("/static/css/site.css", "/static/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def test_both_navigations_are_labelled(client, alice, make_post):
    for number in range(11):
        make_post(alice, f"Post {number}")
    page = client.get("/").get_data(as_text=True)
    assert '<nav class="site-nav" aria-label="Account">' in page
    assert '<nav class="pagination" aria-label="Pagination">' in page


def control(page, name):
    return re.search(rf'<(?:input|textarea|select)[^>]* name="{name}"[^>]*>', page).group(0)


def test_help_text_and_errors_are_tied_to_their_field(client):
    page = client.get("/accounts/register/").get_data(as_text=True)
    assert 'aria-describedby="username_helptext"' in control(page, "username")
    assert '<div class="helptext" id="username_helptext">' in page
    # WTForms would render minlength from Length(min=3); Django renders none, so neither does this.
    assert "minlength" not in page

    refused = client.post("/accounts/register/", data={"username": "x"}).get_data(as_text=True)
    username = control(refused, "username")
    assert 'aria-invalid="true"' in username
    assert 'aria-describedby="username_helptext username_error"' in username
    assert '<ul class="errorlist" id="username_error">' in refused


def test_a_post_field_in_error_is_described_by_its_errors(client, alice):
    login(client, "alice")
    page = client.post("/posts/new/", data={"title": " ", "body": "Text", "status": "draft"})
    title = control(page.get_data(as_text=True), "title")
    assert 'aria-invalid="true"' in title
    assert 'aria-describedby="title_error"' in title
    assert "aria-invalid" not in control(page.get_data(as_text=True), "body")
