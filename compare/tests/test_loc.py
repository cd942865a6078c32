"""Counting lines by kind, on a fixture tree whose figures are known."""

import pytest

from compare import loc

VIEWS = '''"""Views of the fixture."""

# A comment that says why.
def view(request):
    if request:
        return 1
    return 2
'''  # 7 lines: 1 docstring, 1 comment, 1 blank, 4 code

FILES = {
    "app/views.py": VIEWS,
    "app/__init__.py": "",
    # Strings are code; pygount counts a bare "]" as blank.
    "app/settings.py": 'APPS = [\n    "one",\n    "two",\n]\n',
    "templates/base.html": "<html>\n<body>{% block content %}{% endblock %}</body>\n\n</html>\n",
    "static/site.css": "/* colours */\nbody { color: red; }\n",
    "requirements.txt": "# pinned\nFlask==3.1.3\n\nWerkzeug==3.1.9\n",
    "pytest.ini": "[pytest]\naddopts = -q\n",
    "migrations/0001_initial.py": "x = 1\ny = 2\n",
    "tests/test_views.py": "def test_view():\n    assert True\n",
    "conftest.py": "import pytest\n",
    "README.md": "# Fixture\n",
    "app/__pycache__/views.cpython-311.pyc": "junk",
    "instance/db.sqlite3": "junk",
    "notes.xyz": "not counted\n",
}


@pytest.fixture
def tree(tmp_path):
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_kind_of_sorts_files_by_what_they_are():
    assert loc.kind_of("posts/views.py") == "python"
    assert loc.kind_of("posts/migrations/0001_initial.py") == "migrations"
    assert loc.kind_of("posts/tests/test_views.py") == "tests"
    assert loc.kind_of("conftest.py") == "tests"
    assert loc.kind_of("app/templates/posts/post_list.html") == "templates"
    assert loc.kind_of("app/static/style.css") == "static"
    assert loc.kind_of("requirements-dev.txt") == "config"
    assert loc.kind_of("pytest.ini") == "config"
    assert loc.kind_of("README.md") == "docs"
    assert loc.kind_of("notes.xyz") is None


def test_counts_each_kind_with_code_comment_and_blank_apart(tree):
    counted = loc.count_app(tree)
    kinds = counted.kinds
    assert (kinds["python"].files, kinds["python"].code) == (3, 4 + 3)
    assert (kinds["python"].comment, kinds["python"].blank) == (2, 1 + 1)
    assert (kinds["templates"].code, kinds["templates"].blank) == (3, 1)
    assert (kinds["static"].code, kinds["static"].comment) == (1, 1)
    # requirements.txt: 2 pins, 1 comment, 1 blank; pytest.ini: 2 lines of code.
    assert (kinds["config"].files, kinds["config"].code) == (2, 4)
    assert (kinds["config"].comment, kinds["config"].blank) == (1, 1)
    assert kinds["migrations"].code == 2
    assert (kinds["tests"].files, kinds["tests"].code) == (2, 3)
    assert kinds["docs"].files == 1


def test_hand_written_total_leaves_migrations_tests_and_docs_out(tree):
    total = loc.count_app(tree).hand_written()
    assert total.code == 7 + 3 + 1 + 4
    assert total.files == 3 + 1 + 1 + 2


def test_what_runs_leave_behind_is_not_counted(tree):
    files = loc.list_files(tree)
    assert "app/__pycache__/views.cpython-311.pyc" not in files
    assert "instance/db.sqlite3" not in files
    assert "app/views.py" in files


def test_complexity_counts_branches(tree):
    complexity = loc.count_app(tree).complexity
    assert complexity["blocks"] == 1
    assert complexity["max"] == {"where": "app/views.py:4", "name": "view", "cc": 2}


HARDENING = '''"""Only here to survive hostile input."""


def refuse(value):
    if value is None:
        return 400
    return None
'''  # 7 lines: 1 docstring, 2 blank, 4 code


def test_kind_of_puts_hardening_apart_from_ordinary_python():
    assert loc.kind_of("app/hardening.py") == "hardening"
    assert loc.kind_of("config/hardening.py") == "hardening"
    assert loc.kind_of("hardening.py") == "hardening"
    assert loc.kind_of("app/hardening/paths.py") == "hardening"
    # Tests of the hardening are tests; a file that merely mentions it is ordinary Python.
    assert loc.kind_of("tests/test_hardening.py") == "tests"
    assert loc.kind_of("app/tests/hardening.py") == "tests"
    assert loc.kind_of("app/hardening_notes.py") == "python"
    assert "hardening" in loc.KINDS
    assert "hardening" in loc.HAND_WRITTEN


def test_hardening_py_is_counted_as_hardening_not_python_but_hand_written(tree):
    before = loc.count_app(tree)
    (tree / "app" / "hardening.py").write_text(HARDENING)
    counted = loc.count_app(tree)
    hard = counted.kinds["hardening"]
    assert (hard.files, hard.code, hard.comment, hard.blank) == (1, 4, 1, 2)
    # Ordinary Python is what it was; the hand-written total grows by the hardening.
    assert counted.kinds["python"] == before.kinds["python"]
    assert counted.hand_written().code == before.hand_written().code + 4
    assert counted.ordinary() == before.hand_written()
    assert counted.files["app/hardening.py"]["kind"] == "hardening"
    assert counted.complexity["blocks"] == before.complexity["blocks"] + 1
    as_json = counted.to_json()
    assert as_json["kinds"]["hardening"]["code"] == 4
    assert as_json["hand_written"]["code"] - as_json["ordinary"]["code"] == 4


def test_an_app_without_hardening_has_an_empty_hardening_kind(tree):
    counted = loc.count_app(tree)
    assert counted.kinds["hardening"] == loc.Lines()
    assert counted.ordinary() == counted.hand_written()
