from app.extensions import db
from app.models import DRAFT, Post, User


def test_create_admin_creates_an_active_superuser(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "boss"], env={"ADMIN_PASSWORD": "boss-pass-123"}
    )
    assert result.exit_code == 0, result.output
    assert "Created superuser boss." in result.output
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.is_staff
        assert user.is_superuser
        assert user.is_active
        assert user.check_password("boss-pass-123")


def test_create_admin_promotes_an_existing_user(app, alice):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--username", "Alice", "--password", "new-pass-123"]
    )
    assert result.exit_code == 0, result.output
    assert "already existed" in result.output
    with app.app_context():
        user = db.session.get(User, alice)
        assert user.is_staff
        assert user.is_superuser
        assert user.check_password("new-pass-123")


def test_create_admin_needs_a_password(app):
    result = app.test_cli_runner().invoke(args=["create-admin", "--username", "boss"], env={})
    assert result.exit_code != 0
    assert "password" in result.output.lower()


def test_seed_demo_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    assert "alice / demo-pass-2026" in first.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 2
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 25
        drafts = db.session.scalar(db.select(db.func.count(Post.id)).where(Post.status == DRAFT))
        assert 0 < drafts < 25
