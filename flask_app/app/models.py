"""The data: users and their posts."""

import secrets
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db, login_manager

DRAFT = "draft"
PUBLISHED = "published"
STATUS_CHOICES = [(DRAFT, "Draft"), (PUBLISHED, "Published")]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # Not unique, as Django's: a password reset mails every active user with the address.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_staff: Mapped[bool] = mapped_column(default=False)
    # Staff manage posts; only superusers also manage users (Django's is_superuser).
    is_superuser: Mapped[bool] = mapped_column(default=False)
    date_joined: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Flask-Login keeps this in the session cookie instead of the id ("alternative token"):
    # changing it signs out every cookie that holds the old one.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)

    posts: Mapped[list["Post"]] = relationship(
        back_populates="author", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.username

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    def get_id(self) -> str:
        """Identify the user in the session by the revocable token, not the id."""
        return self.session_token

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash; sessions signed in with the old password end."""
        self.password_hash = generate_password_hash(password)
        self.rotate_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        """Sign out every session and remember-me cookie of this user."""
        self.session_token = new_session_token()


# Usernames are unique regardless of case: "Alice" blocks "alice", enforced by the database too.
Index("uq_users_username_lower", func.lower(User.username), unique=True)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.is_active)
    )


def trigram_index(column: str) -> Index:
    """Declare a PostgreSQL trigram index on a post column, which serves the search's ILIKE."""
    # ILIKE '%…%' cannot use a B-tree index; a GIN index of pg_trgm's trigrams can. PostgreSQL
    # only: SQLite has no such index and scans. The migration creates the extension first.
    return Index(
        f"ix_posts_{column}_trgm",
        column,
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    ).ddl_if(dialect="postgresql")


class Post(db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        CheckConstraint(f"status IN ('{DRAFT}', '{PUBLISHED}')", name="status"),
        Index("ix_posts_status_created", "status", "created"),
        trigram_index("title"),
        trigram_index("body"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    author: Mapped[User] = relationship(back_populates="posts")

    def __str__(self) -> str:
        return self.title

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.title!r}>"

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def is_authored_by(self, user) -> bool:
        """Return whether `user` (Flask-Login's current_user, maybe anonymous) wrote this post."""
        return user.is_authenticated and user.id == self.author_id
