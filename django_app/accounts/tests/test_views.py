import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages

from accounts.models import User


def flashes(response):
    return [message.message for message in get_messages(response.wsgi_request)]


def test_sign_up_page_has_the_contract_fields(client):
    response = client.get("/accounts/register/")
    assert response.status_code == 200
    fields = ["username", "email", "password1", "password2"]
    assert list(response.context["form"].fields) == fields


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/posts/new/", "/posts/new/"),
        ("https://evil.example/", "/"),
        ("", "/"),
        ("home", "home"),  # a relative URL, not the name of a view
    ],
)
def test_sign_up_creates_a_plain_user_and_signs_them_in(db, client, next_url, landing):
    response = client.post(
        "/accounts/register/",
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "plum-orchard-42",
            "password2": "plum-orchard-42",
            "next": next_url,
            "is_staff": "on",  # extra fields are ignored
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == landing
    user = User.objects.get()
    assert (user.username, user.is_active, user.is_staff, user.is_superuser) == (
        "newcomer",
        True,
        False,
        False,
    )
    assert client.session[SESSION_KEY] == str(user.pk)
    assert flashes(response) == ["Welcome, newcomer! Your account is ready."]


def test_refused_sign_up_keeps_the_username_and_writes_nothing(db, client):
    response = client.post(
        "/accounts/register/",
        {"username": "newcomer", "password1": "plum-orchard-42", "password2": "different-42"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert 'value="newcomer"' in response.content.decode()
    assert not User.objects.exists()


def test_sign_in_redirects_to_a_safe_next_with_the_stored_username(
    client, make_user, password, password_hash
):
    alice = make_user("alice", password=password_hash)
    response = client.post(
        "/accounts/login/?next=/posts/new/", {"username": "ALICE", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/posts/new/"
    assert client.session[SESSION_KEY] == str(alice.pk)
    assert flashes(response) == ["Signed in as alice."]


def test_sign_in_ignores_a_next_that_leaves_the_site(client, make_user, password, password_hash):
    make_user("alice", password=password_hash)
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": password, "next": "//evil.example"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_refused_sign_in_shows_one_message(db, client):
    response = client.post("/accounts/login/", {"username": "ghost", "password": "whatever-1"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Invalid username or password."]
    assert SESSION_KEY not in client.session


def test_sign_out_needs_a_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.session[SESSION_KEY] == str(alice.pk)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session
    assert flashes(response) == ["You have been signed out."]


def test_header_shows_the_user_and_a_sign_out_form(client, alice):
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert '<span class="current-user">alice</span>' in page
    assert '<form class="logout" method="post" action="/accounts/logout/">' in page
    assert 'class="admin-link"' not in page


def test_header_shows_visitors_the_sign_in_and_sign_up_links(db, client):
    page = client.get("/").content.decode()
    assert '<a href="/accounts/login/">Sign in</a>' in page
    assert '<a href="/accounts/register/">Sign up</a>' in page
    assert "current-user" not in page
