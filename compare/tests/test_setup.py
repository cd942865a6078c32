"""Each README's quick start says what shared_spec/SETUP.toml says, and steps are counted."""

import pytest

from compare import setup
from toolkit.paths import ROOT


@pytest.mark.parametrize("app", ["django", "flask"])
def test_readme_quick_start_matches_the_setup_data_file(app):
    entry = setup.load()[app]
    assert setup.readme_commands(ROOT / entry["readme"], entry["section"]) == entry["steps"]


def test_readme_commands_join_continued_lines_and_drop_comments(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# App\n\n## Quick start\n\n```sh\npython -m venv .venv   # a venv\n\n"
        "# a comment line\nA=1 \\\n  run this --flag\n```\n\n## Other\n```sh\nnot this\n```\n"
    )
    assert setup.readme_commands(readme, "Quick start") == [
        "python -m venv .venv",
        "A=1 run this --flag",
    ]


def test_steps_are_counted_apart_from_python_setup():
    counted = setup.count_steps(
        [
            "python -m venv .venv",
            ". .venv/bin/activate",
            "pip install -r r.txt",
            "export DEBUG=1",
            "flask db upgrade",
            "flask run",
        ]
    )
    assert (counted["commands"], counted["environment"], counted["app"]) == (6, 4, 2)
