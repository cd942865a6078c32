import pytest

from posts.forms import PostForm


def form(**changes):
    return PostForm({"title": "A title", "body": "Some text.", "status": "draft", **changes})


def test_title_is_trimmed():
    valid = form(title="  Spaced out  ")
    assert valid.is_valid(), valid.errors
    assert valid.cleaned_data["title"] == "Spaced out"


def test_limits_are_inclusive():
    assert form(title="t" * 200, body="b" * 10_000, status="published").is_valid()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "t" * 201),
        ("body", ""),
        ("body", " \n "),
        ("body", "b" * 10_001),
        ("status", "archived"),
        ("status", ""),
    ],
)
def test_bad_values_are_refused_on_their_field(field, value):
    invalid = form(**{field: value})
    assert not invalid.is_valid()
    assert list(invalid.errors) == [field]
