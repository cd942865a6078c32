"""Throw-away copies of a checkout and patches applied to them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from workshop import trees

PATCH = """\
diff --git a/django_app/a.py b/django_app/a.py
--- a/django_app/a.py
+++ b/django_app/a.py
@@ -1,2 +1,3 @@
 one
-two
+2
+three
diff --git a/django_app/posts/migrations/0002_x.py b/django_app/posts/migrations/0002_x.py
new file mode 100644
--- /dev/null
+++ b/django_app/posts/migrations/0002_x.py
@@ -0,0 +1,2 @@
+from django.db import migrations
+operations = []
diff --git a/flask_app/a.py b/flask_app/a.py
--- a/flask_app/a.py
+++ b/flask_app/a.py
@@ -1,2 +1,2 @@
 one
-two
+2
"""


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=folder, check=True, capture_output=True,
    )  # fmt: skip


def make_checkout(folder: Path) -> Path:
    for app in ("django_app", "flask_app"):
        (folder / app).mkdir(parents=True)
        (folder / app / "a.py").write_text("one\ntwo\n")
    (folder / ".gitignore").write_text(".venv/\n")
    (folder / ".venv").mkdir()
    (folder / ".venv" / "big").write_text("not copied")
    git(folder, "init", "-q")
    git(folder, "add", ".")
    (folder / "new.py").write_text("untracked, not ignored: copied\n")
    return folder


def test_a_copy_has_the_checkouts_files_but_not_its_ignored_ones(tmp_path):
    checkout = make_checkout(tmp_path / "checkout")
    copy = trees.copy_tree(checkout, tmp_path / "copy")
    assert (copy / "django_app" / "a.py").read_text() == "one\ntwo\n"
    assert (copy / "new.py").is_file()
    assert not (copy / ".venv").exists()


def test_a_patch_applies_to_one_app_of_a_copy(tmp_path):
    checkout = make_checkout(tmp_path / "checkout")
    patch = tmp_path / "change.patch"
    patch.write_text(PATCH)
    copy = trees.copy_tree(checkout, tmp_path / "copy")
    assert trees.apply_patch(copy, patch, "flask_app") is None
    assert (copy / "flask_app" / "a.py").read_text() == "one\n2\n"
    assert (copy / "django_app" / "a.py").read_text() == "one\ntwo\n"
    assert not (copy / "django_app" / "posts").exists()


def test_a_patch_that_does_not_apply_is_reported(tmp_path):
    checkout = make_checkout(tmp_path / "checkout")
    (checkout / "flask_app" / "a.py").write_text("something else\n")
    patch = tmp_path / "change.patch"
    patch.write_text(PATCH)
    error = trees.apply_patch(checkout, patch, "flask_app")
    assert error is not None
    assert "flask_app/a.py" in error


def test_the_apps_of_a_commit_replace_the_copys_apps_and_nothing_else(tmp_path):
    checkout = make_checkout(tmp_path / "checkout")
    git(checkout, "commit", "-q", "-m", "apps")
    (checkout / "flask_app" / "a.py").write_text("changed, not committed\n")
    (checkout / "flask_app" / "b.py").write_text("new, not committed\n")
    copy = trees.copy_tree(checkout, tmp_path / "copy")
    head = trees.last_commit(source=checkout)
    assert head
    assert trees.apps_from(copy, head, checkout) is None
    assert (copy / "flask_app" / "a.py").read_text() == "one\ntwo\n"
    assert not (copy / "flask_app" / "b.py").exists()
    assert (copy / "new.py").is_file()  # the rest is the working tree's
