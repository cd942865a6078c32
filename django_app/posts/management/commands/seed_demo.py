"""`python manage.py seed_demo`: demo users and posts (the Flask app's `flask seed-demo` twin)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from posts.models import Post

User = get_user_model()

DEMO_PASSWORD = "demo-pass-2026"
DEMO_USERNAMES = ("alice", "bob")
# The demo posts, oldest first: (author, title, body, status). One a day, the newest an hour
# ago; every fifth a draft, so the 20 published posts make two pages of the home page. The
# Django and Flask apps load exactly these (tests/test_twins.py compares them).
DEMO_POSTS = (
    (
        "alice",
        "Hello, world",
        "This is the first post on this site.\n\n"
        "I will write here about building small web apps: what worked, what surprised me, "
        "and what I would do again.",
        "published",
    ),
    (
        "bob",
        "Getting started with a small app",
        "Start with one page that lists things and one that shows a thing.\n\n"
        "Everything else (forms, accounts, the admin) can wait until those two work.",
        "published",
    ),
    (
        "alice",
        "Templates: keep the logic out",
        "A template should decide how things look, not what they are.\n\n"
        "When a template needs a loop inside a condition inside a loop, the view has not "
        "done its job.",
        "published",
    ),
    (
        "bob",
        "Forms that explain their errors",
        "A refused form should come back with what was typed and a sentence under each "
        "field that went wrong.\n\nNobody likes to type a long post twice.",
        "published",
    ),
    (
        "alice",
        "Notes on the ORM",
        "Half-written: select only what the page shows, and count the queries a page makes.\n\n"
        "To do: an example with a list and its authors.",
        "draft",
    ),
    (
        "bob",
        "Migrations are part of the code",
        "A migration is reviewed, tested and deployed like any other change.\n\n"
        "Run them on a copy of the real data before you run them on the real data.",
        "published",
    ),
    (
        "alice",
        "Sessions and cookies, briefly",
        "The cookie holds a key; the server keeps what it means.\n\n"
        "Mark it HttpOnly and SameSite=Lax, and give it a new value when someone signs in.",
        "published",
    ),
    (
        "bob",
        "Writing the first test",
        "The first test is the hardest: it has to set up everything the others will reuse.\n\n"
        "Make it read the page the way a visitor does.",
        "published",
    ),
    (
        "alice",
        "What a 404 page should say",
        "That there is nothing here, in plain words, and a way back to the start.\n\n"
        "It should look like the rest of the site, too.",
        "published",
    ),
    (
        "bob",
        "A deployment checklist",
        "Draft list: a secret key from the environment, debug off, HTTPS only, a health "
        "check, backups.\n\nWhat else belongs here?",
        "draft",
    ),
    (
        "alice",
        "Static files in production",
        "Give each file a name that changes when its content does, then let browsers keep "
        "it for a year.\n\nThe stylesheet of this site is a few kilobytes; that helps as well.",
        "published",
    ),
    (
        "bob",
        "A tour of the admin",
        "The admin is for the people who run the site, not for its visitors.\n\n"
        "Search, filters and a bulk action cover most of what they need.",
        "published",
    ),
    (
        "alice",
        "Escaping by default",
        "Whatever a user typed is shown as text, never as markup.\n\n"
        "A <script> tag typed into a post appears exactly like that: as harmless text.",
        "published",
    ),
    (
        "bob",
        "CSRF tokens, explained",
        "Another site can make your browser send a form to this one, cookies included.\n\n"
        "A token that only this site's pages know is what tells the two apart.",
        "published",
    ),
    (
        "alice",
        "Caching, and when not to",
        "Notes for later: cache what is expensive and rarely changes; never cache a page "
        "that shows who is signed in.",
        "draft",
    ),
    (
        "bob",
        "Paginating a list",
        "Ten posts a page, links to the next and previous pages, and a 404 for a page "
        "that does not exist.\n\nKeep the search in the links.",
        "published",
    ),
    (
        "alice",
        "Searching titles and bodies",
        "A simple search goes a long way: a case-insensitive match on the title or the "
        "body.\n\nFull-text search can come when someone asks for it.",
        "published",
    ),
    (
        "bob",
        "Passwords are hashed, slowly",
        "A password hash should be slow on purpose and salted, so that a stolen table is "
        "of little use.\n\nSigning in takes a fraction of a second longer; that is the point.",
        "published",
    ),
    (
        "alice",
        "Health checks for the load balancer",
        'One URL that answers "ok" when the app and its database do.\n\n'
        "Keep it cheap: it is called every few seconds.",
        "published",
    ),
    (
        "bob",
        "Signals or plain function calls?",
        "Undecided. Signals keep apps apart; a plain call is easier to follow.\n\n"
        "Leaning towards the plain call.",
        "draft",
    ),
    (
        "alice",
        "Logging what matters",
        "Log what you would need at three in the morning: what failed, for which request, "
        "and why.\n\nNever log a password or a session key.",
        "published",
    ),
    (
        "bob",
        "Time zones: store UTC",
        "Store every time in UTC and convert it only when you show it.\n\n"
        "Daylight saving time will thank you twice a year.",
        "published",
    ),
    (
        "alice",
        "Accessible forms",
        "Every field has a label, help text is linked to its field, and errors say what to "
        "do.\n\nThen try the whole form with the keyboard alone.",
        "published",
    ),
    (
        "bob",
        "Settings from the environment",
        "The same code runs on a laptop and in production; only the environment "
        "differs.\n\nA missing secret key should stop the app, not fall back to a default.",
        "published",
    ),
    (
        "alice",
        "What I would do again",
        "Write the spec first, test it from the outside, and keep the two apps side by "
        "side.\n\nMore soon.",
        "draft",
    ),
)


class Command(BaseCommand):
    help = "Load demo users (alice, bob) and 25 posts, some drafts. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {username: self.get_or_create_user(username) for username in DEMO_USERNAMES}
        now = timezone.now()
        added = 0
        for number, (username, title, body, status) in enumerate(DEMO_POSTS, start=1):
            post, is_new = Post.objects.get_or_create(
                title=title,
                author=users[username],
                defaults={"body": body, "status": status},
            )
            if is_new:
                # created is auto_now_add, so it is set after the insert.
                created = now - timedelta(days=len(DEMO_POSTS) - number, hours=1)
                Post.objects.filter(pk=post.pk).update(created=created)
                added += 1
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({added} posts added). Sign in as:"))
        for username in DEMO_USERNAMES:
            self.stdout.write(f"  {username} / {DEMO_PASSWORD}")

    def get_or_create_user(self, username):
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            return User.objects.create_user(username, password=DEMO_PASSWORD)
