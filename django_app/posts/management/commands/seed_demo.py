from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from posts.models import Post

User = get_user_model()

PASSWORD = "demo-pass-2026"
USERNAMES = ("alice", "bob")
TOPICS = (
    "Getting started",
    "Templates",
    "Forms",
    "The ORM",
    "Migrations",
    "Sessions",
    "Testing",
    "Deployment",
    "Static files",
    "The admin",
    "Security",
    "Caching",
    "Signals",
)


class Command(BaseCommand):
    help = "Load demo users (alice, bob) and about 25 posts, some drafts. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        users = [self.get_or_create_user(username) for username in USERNAMES]
        now = timezone.now()
        created = 0
        for number in range(1, 26):
            author = users[number % len(users)]
            title = f"{TOPICS[number % len(TOPICS)]}, part {number}"
            post, is_new = Post.objects.get_or_create(
                title=title,
                author=author,
                defaults={
                    "body": f"Notes by {author.username} on {title.lower()}.\n\nA second line.",
                    # Every fifth post stays a draft: 20 published posts make two pages.
                    "status": Post.Status.DRAFT if number % 5 == 0 else Post.Status.PUBLISHED,
                },
            )
            if is_new:
                # Spread the posts over the past days, the first one oldest (created is
                # auto_now_add, so it is set after the insert).
                Post.objects.filter(pk=post.pk).update(created=now - timedelta(hours=26 - number))
                created += 1
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new posts)."))
        for username in USERNAMES:
            self.stdout.write(f"Sign in as {username} / {PASSWORD}")

    def get_or_create_user(self, username):
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            return User.objects.create_user(username, password=PASSWORD)
