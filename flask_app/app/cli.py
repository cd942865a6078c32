"""Commands for `flask --app app ...`: create a superuser, load demo data."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, User

# The demo users and posts, the same file in both apps (tests/test_twins.py compares them).
DEMO_DATA = Path(__file__).with_name("demo_posts.json")


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == func.lower(username)))


@click.command("create-admin")
@click.option("--username", required=True, help="The superuser's name.")
@click.option(
    "--password",
    envvar="ADMIN_PASSWORD",
    help="The password (or set ADMIN_PASSWORD, which keeps it out of the shell history).",
)
@with_appcontext
def create_admin(username: str, password: str | None) -> None:
    """Create an active superuser, or make an existing user one with a new password.

    A superuser is staff who also manages users, as Django's createsuperuser makes.
    """
    if not password:
        raise click.UsageError("Give a password with --password or the ADMIN_PASSWORD variable.")
    user = find_user(username)
    created = user is None
    if created:
        user = User(username=username)
        db.session.add(user)
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    db.session.commit()
    if created:
        click.echo(f"Created superuser {user.username}.")
    else:
        click.echo(f"User {user.username} already existed: made superuser, password changed.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo users (alice, bob) and 25 posts, some drafts. Safe to run again."""
    demo = json.loads(DEMO_DATA.read_text())
    users = {}
    for data in demo["users"]:
        user = find_user(data["username"])
        if user is None:
            user = User(username=data["username"], email=data["email"])
            user.set_password(demo["password"])
            db.session.add(user)
        users[user.username] = user
    db.session.flush()

    now = datetime.now(UTC)
    added = 0
    for number, post in enumerate(demo["posts"], start=1):
        author = users[post["author"]]
        exists = db.session.scalar(
            select(Post.id).where(Post.title == post["title"], Post.author_id == author.id)
        )
        if exists is None:
            created = now - timedelta(days=len(demo["posts"]) - number, hours=1)
            db.session.add(
                Post(
                    title=post["title"],
                    body=post["body"],
                    status=post["status"],
                    author=author,
                    created=created,
                )
            )
            added += 1
    db.session.commit()
    click.echo(f"Demo data ready ({added} posts added). Sign in as:")
    for data in demo["users"]:
        click.echo(f"  {data['username']} / {demo['password']}")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
