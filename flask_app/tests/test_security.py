import re
from pathlib import Path

import pytest

from app import create_app
from app.config import Config
from app.extensions import db
from app.models import Post
from app.security import is_safe_next
from tests.conftest import PASSWORD, login, make_app

# Django's own open-redirect payloads (tests/utils_tests/test_http.py) and a few more.
UNSAFE_NEXT = [
    None,
    "",
    "http://example.com",
    "http:///example.com",
    "https://example.com",
    "ftp://example.com",
    r"\\example.com",
    r"\\\example.com",
    r"/\\/example.com",
    r"\\//example.com",
    r"/\/example.com",
    r"\/example.com",
    r"/\example.com",
    r"http:/\//example.com",
    r"http:\/example.com",
    r"http:/\example.com",
    'javascript:alert("XSS")',
    "\njavascript:alert(x)",
    "java\nscript:alert(x)",
    "\x08//example.com",
    r"http://otherserver\@example.com",
    r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com",
    r"http:\\testserver\confirm\me@example.com",
    "http:999999999",
    "ftp:9999999999",
    "\n",
    "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/",
    "//example.com",
    "///example.com",
    "https:example.com",
    " //example.com",
    "/\t/example.com",
    "/\n/example.com",
    "example.com",
]
SAFE_NEXT = ["/", "/posts/new/", "/?q=a b&page=2", "/view/?param=http://example.com", "/a%2F%2Fb"]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_is_safe_next_refuses_every_way_off_the_site(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize("target", SAFE_NEXT)
def test_is_safe_next_accepts_paths_of_this_site(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no/such/page/", "/healthz"])
def test_security_headers_on_every_answer(client, url):
    response = client.get(url)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite_lax(client, alice):
    response = login(client, "alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_signing_in_starts_a_new_session(client, alice):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value
    login(client, "alice")
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(app, client, alice):
    login(client, "alice")
    stolen = client.get_cookie("session").value
    assert client.get("/posts/new/").status_code == 200
    client.post("/accounts/logout/")

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/posts/new/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_csrf_token_is_required_and_must_be_the_sessions_own(database, alice):
    app = make_app(database, WTF_CSRF_ENABLED=True)
    client, other = app.test_client(), app.test_client()
    page = other.get("/accounts/login/").get_data(as_text=True)
    foreign_token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    data = {"username": "alice", "password": PASSWORD}

    assert client.post("/accounts/login/", data=data).status_code == 400
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", data={**data, "csrf_token": foreign_token})
    assert response.status_code == 400
    assert client.get("/posts/new/").status_code == 302


def test_user_text_is_escaped(client, app, alice, make_post):
    make_post(alice, title="<script>alert(1)</script>", body="<img src=x onerror=alert(2)>")
    page = client.get("/?q=<i>").get_data(as_text=True)
    assert "<i>" not in page
    assert "&lt;i&gt;" in page
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    with app.app_context():
        post_id = db.session.scalar(db.select(Post.id))
    page = client.get(f"/posts/{post_id}/").get_data(as_text=True)
    assert "<img" not in page
    assert "&lt;img src=x" in page


def test_public_pages_carry_a_content_security_policy(client, alice, make_post):
    post = make_post(alice)
    for url in ["/", f"/posts/{post}/", "/accounts/login/", "/no/such/page/"]:
        policy = client.get(url).headers["Content-Security-Policy"]
        assert "script-src 'self';" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe" not in policy


# What the policy (script-src 'self', style-src 'self') refuses to run or apply.
INLINE_HANDLER = re.compile(r"<[^>]*\son\w+\s*=")  # onclick=, onload=…
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\ssrc=)")


def admin_pages(client, make_user, make_post) -> list[str]:
    """Sign a superuser in; return the admin's pages, with a post in the list and forms."""
    boss = make_user("boss", is_staff=True, is_superuser=True)
    post = make_post(boss, status="draft")
    login(client, "boss")
    urls = ["/admin/", "/admin/post/", "/admin/post/?flt0_status_equals=draft&search=title"]
    urls += ["/admin/post/new/", f"/admin/post/edit/?id={post}"]
    urls += ["/admin/user/", "/admin/user/new/", f"/admin/user/edit/?id={boss}"]
    return urls


def test_the_admin_carries_the_sites_content_security_policy(client, make_user, make_post):
    """Staff's admin pages run only the site's own script files, and no other site frames them."""
    public = client.get("/").headers["Content-Security-Policy"]
    for url in admin_pages(client, make_user, make_post):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Security-Policy"] == public, url
        assert response.headers["X-Frame-Options"] == "DENY"


def test_admin_pages_have_no_inline_script_or_style(client, make_user, make_post):
    """The admin's pages, as Flask-Admin renders them, have nothing the policy would refuse."""
    for url in admin_pages(client, make_user, make_post):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert not INLINE_HANDLER.search(page), (url, INLINE_HANDLER.search(page))
        assert not INLINE_SCRIPT.search(page), (url, INLINE_SCRIPT.search(page))
        assert "<style" not in page, url
        assert " style=" not in page, url


def test_templates_have_no_inline_script_or_style():
    """No template, the admin's included, has an inline script, event handler or style."""
    templates = Path(__file__).resolve().parents[1] / "app" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if path.parent.name != "admin":  # the admin's load Flask-Admin's script files
            assert "<script" not in text, path
        assert not INLINE_SCRIPT.search(text), path
        assert "<style" not in text, path
        assert "style=" not in text, path
        assert not INLINE_HANDLER.search(text), path


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:8000"])
def test_a_post_from_another_origin_is_refused(client, app, alice, origin):
    login(client, "alice")
    response = client.post(
        "/posts/new/",
        data={"title": "T", "body": "B", "status": "published"},
        headers={"Origin": origin},
    )
    assert response.status_code == 400
    assert "<title>Bad request | Posts</title>" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


def test_a_post_from_the_sites_own_origin_or_without_origin_is_accepted(client, app, alice):
    login(client, "alice")
    data = {"title": "T", "body": "B", "status": "published"}
    assert (
        client.post("/posts/new/", data=data, headers={"Origin": "http://localhost"}).status_code
        == 302
    )
    assert client.post("/posts/new/", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 2


def test_admin_forms_check_the_origin_too(client, app, make_user, alice):
    make_user("staff", is_staff=True)
    login(client, "staff")
    response = client.post(
        "/admin/post/new/",
        data={"title": "T", "body": "B", "status": "draft", "author": str(alice)},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "127.0.0.2:5000"])
def test_an_unknown_host_gets_400_with_the_sites_page(database, host):
    app = make_app(database, TRUSTED_HOSTS=["localhost", "127.0.0.1"])
    for method in ("get", "post"):
        response = getattr(app.test_client(), method)("/accounts/login/", headers={"Host": host})
        assert response.status_code == 400
        assert "<h1>Bad request</h1>" in response.get_data(as_text=True)
        assert response.headers["X-Frame-Options"] == "DENY"
    assert app.test_client().get("/", headers={"Host": "127.0.0.1:5000"}).status_code == 200


def test_trusted_hosts_come_from_allowed_hosts(tmp_path):
    config = Config(str(tmp_path), environ={"ALLOWED_HOSTS": "example.com, .example.org"})
    assert config.TRUSTED_HOSTS == ["example.com", ".example.org"]
    config = Config(str(tmp_path), environ={"DEBUG": "1"})
    assert config.TRUSTED_HOSTS == ["localhost", "127.0.0.1", "[::1]"]


def test_refuses_to_start_without_allowed_hosts_when_debug_is_off(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    with pytest.raises(RuntimeError, match="ALLOWED_HOSTS"):
        create_app()


def test_a_body_over_the_limit_gets_413_and_writes_nothing(client, app, alice):
    login(client, "alice")
    response = client.post(
        "/posts/new/", data={"title": "T", "body": "x" * (2 * 1024 * 1024), "status": "draft"}
    )
    assert response.status_code == 413
    assert "<h1>Request too large</h1>" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0
