"""Commands for `flask --app app ...`: create a staff user, load demo data."""

from datetime import UTC, datetime, timedelta

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.extensions import db
from app.models import DRAFT, PUBLISHED, Post, User

DEMO_PASSWORD = "demo-pass-2026"
DEMO_POST_COUNT = 25


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == func.lower(username)))


@click.command("create-admin")
@click.option("--username", required=True, help="The staff user's name.")
@click.option(
    "--password",
    envvar="ADMIN_PASSWORD",
    help="The password (or set ADMIN_PASSWORD, which keeps it out of the shell history).",
)
@with_appcontext
def create_admin(username: str, password: str | None) -> None:
    """Create an active staff user, or make an existing user staff with a new password."""
    if not password:
        raise click.UsageError("Give a password with --password or the ADMIN_PASSWORD variable.")
    user = find_user(username)
    created = user is None
    if created:
        user = User(username=username)
        db.session.add(user)
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    db.session.commit()
    if created:
        click.echo(f"Created staff user {user.username}.")
    else:
        click.echo(f"User {user.username} already existed: made staff, password changed.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo users and posts (safe to run again: nothing is duplicated)."""
    authors = []
    for username in ("alice", "bob"):
        user = find_user(username)
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        authors.append(user)
    db.session.flush()

    start = datetime.now(UTC) - timedelta(days=DEMO_POST_COUNT)
    added = 0
    for number in range(1, DEMO_POST_COUNT + 1):
        title = f"Demo post {number}"
        author = authors[number % 2]
        exists = db.session.scalar(
            select(Post.id).where(Post.title == title, Post.author_id == author.id)
        )
        if exists is None:
            db.session.add(
                Post(
                    title=title,
                    body=f"This is demo post number {number}.\nIt has two lines.",
                    # Every fifth post is a draft, so each author has some.
                    status=DRAFT if number % 5 == 0 else PUBLISHED,
                    author=author,
                    created=start + timedelta(days=number),
                )
            )
            added += 1
    db.session.commit()
    click.echo(f"Demo data ready ({added} posts added). Sign in as:")
    for user in authors:
        click.echo(f"  {user.username} / {DEMO_PASSWORD}")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
