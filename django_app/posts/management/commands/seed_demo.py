"""`python manage.py seed_demo`: demo users and posts (the Flask app's `flask seed-demo` twin)."""

import json
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from posts.models import Post

User = get_user_model()

# The demo users and posts, the same file in both apps (tests/test_twins.py compares them).
DEMO_DATA = Path(__file__).resolve().parents[2] / "demo_posts.json"


class Command(BaseCommand):
    help = "Load demo users (alice, bob) and 25 posts, some drafts. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        demo = json.loads(DEMO_DATA.read_text())
        password = demo["password"]
        users = {
            user["username"]: self.get_or_create_user(user, password) for user in demo["users"]
        }
        now = timezone.now()
        added = 0
        for number, data in enumerate(demo["posts"], start=1):
            post, is_new = Post.objects.get_or_create(
                title=data["title"],
                author=users[data["author"]],
                defaults={"body": data["body"], "status": data["status"]},
            )
            if is_new:
                # created is auto_now_add, so it is set after the insert.
                created = now - timedelta(days=len(demo["posts"]) - number, hours=1)
                Post.objects.filter(pk=post.pk).update(created=created)
                added += 1
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({added} posts added). Sign in as:"))
        for user in demo["users"]:
            self.stdout.write(f"  {user['username']} / {password}")

    def get_or_create_user(self, user, password):
        try:
            return User.objects.get_by_natural_key(user["username"])
        except User.DoesNotExist:
            return User.objects.create_user(user["username"], user["email"], password)
