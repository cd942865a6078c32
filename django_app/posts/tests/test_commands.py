from django.core.management import call_command

from accounts.models import User
from posts.models import Post


def test_seed_demo_loads_users_and_posts_once(db, capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert "alice / demo-pass-2026" in output
    assert "bob / demo-pass-2026" in output
    assert sorted(User.objects.values_list("username", flat=True)) == ["alice", "bob"]
    assert Post.objects.count() == 25
    assert Post.objects.published().count() == 20  # two pages on the home page
    assert User.objects.get(username="bob").check_password("demo-pass-2026")
