"""The concept map resolves to file:line on both sides, and fails loudly when it cannot."""

import pytest

from compare import concepts
from toolkit.paths import APP_DIRS, SHARED_SPEC

PYTHON = '''import functools

LIMIT = 10


@functools.cache
def helper():
    return LIMIT


class Thing:
    """A thing."""

    def method(self):
        return 1
'''
TEMPLATE = """{% extends "base.html" %}
{% block title %}Hi{% endblock %}
{% block content %}
  <p>{% block inner %}x{% endblock %}</p>
{% endblock %}
"""


@pytest.fixture
def app(tmp_path):
    (tmp_path / "mod.py").write_text(PYTHON)
    (tmp_path / "page.html").write_text(TEMPLATE)
    return tmp_path


def test_the_project_concept_map_resolves_on_both_apps():
    resolved = concepts.resolve_all(concepts.load(SHARED_SPEC / "CONCEPTS.toml"), APP_DIRS)
    assert resolved
    for concept in resolved:
        # Code on one side at least, or a lesson: what differs where neither app writes code.
        sides = concept["sides"]
        assert sides["django"] or sides["flask"] or concept["lesson"], concept["name"]
        for app, locations in concept["sides"].items():
            for location in locations:
                assert (APP_DIRS[app] / location.file).is_file()
                assert location.start <= location.line <= location.end


def test_python_symbols_resolve_to_their_line_and_span(app):
    helper = concepts.resolve_entry(app, "mod.py:helper")
    assert (helper.line, helper.start, helper.end) == (7, 6, 8)  # the decorator is in the span
    assert concepts.resolve_entry(app, "mod.py:LIMIT").ref == "mod.py:3"
    assert concepts.resolve_entry(app, "mod.py:Thing.method").ref == "mod.py:14"


def test_template_blocks_and_whole_files_resolve(app):
    content = concepts.resolve_entry(app, "page.html:block:content")
    assert (content.line, content.end) == (3, 5)
    assert concepts.resolve_entry(app, "page.html:block:inner").line == 4
    whole = concepts.resolve_entry(app, "page.html")
    assert (whole.ref, whole.end) == ("page.html:1", 5)


@pytest.mark.parametrize(
    "entry", ["mod.py:gone", "mod.py:Thing.gone", "missing.py:helper", "page.html:block:gone"]
)
def test_an_entry_that_no_longer_exists_fails_loudly(app, entry):
    with pytest.raises(concepts.ConceptError):
        concepts.resolve_entry(app, entry)


def test_resolve_all_lists_every_broken_entry(app):
    broken = [{"name": "X", "kind": "views", "one": ["mod.py:gone", "nope.py"]}]
    with pytest.raises(concepts.ConceptError, match=r"mod\.py: no 'gone'") as error:
        concepts.resolve_all(broken, {"one": app})
    assert "nope.py: no such file" in str(error.value)


def test_overlapping_spans_are_counted_once(app):
    whole = concepts.resolve_entry(app, "mod.py:Thing")
    method = concepts.resolve_entry(app, "mod.py:Thing.method")
    once = concepts.count_locations(app, [whole])
    assert concepts.count_locations(app, [whole, method]) == once
    assert once["code"] == 3
