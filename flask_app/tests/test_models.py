import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Post, User


def test_password_is_stored_as_a_salted_hash(app):
    with app.app_context():
        first, second = User(username="one"), User(username="two")
        first.set_password("same-password-123")
        second.set_password("same-password-123")
        assert first.password_hash.startswith("scrypt:")
        assert "same-password-123" not in first.password_hash
        assert first.password_hash != second.password_hash
        assert first.check_password("same-password-123")
        assert not first.check_password("other-password-123")


def test_usernames_are_unique_regardless_of_case_in_the_database(app, make_user):
    make_user("Alice")
    with app.app_context():
        db.session.add(User(username="aLICE", password_hash="x"))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_status_is_draft_or_published_in_the_database(app, alice):
    with app.app_context():
        db.session.add(Post(title="t", body="b", status="archived", author_id=alice))
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_session_token_identifies_the_user_and_changes_with_the_password(app, alice):
    with app.app_context():
        user = db.session.get(User, alice)
        before = user.get_id()
        assert before == user.session_token != str(user.id)
        user.set_password("a-new-password-1")
        assert user.get_id() != before


def test_editing_a_post_changes_updated_not_created(app, alice, make_post):
    post_id = make_post(alice)
    with app.app_context():
        post = db.session.get(Post, post_id)
        created, updated = post.created, post.updated
        post.title = "Changed"
        db.session.commit()
        db.session.refresh(post)  # the stored values (commits keep the objects' own)
        assert post.created == created
        assert post.updated > updated


def test_deleting_a_user_deletes_their_posts(app, alice, make_post):
    make_post(alice)
    with app.app_context():
        db.session.delete(db.session.get(User, alice))
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(Post.id))) == 0
