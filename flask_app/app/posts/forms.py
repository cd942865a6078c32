"""The post form, shared by create and edit, and the search box of the list."""

from flask_wtf import FlaskForm
from wtforms import SearchField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.hardening import no_null_characters
from app.models import DRAFT, STATUS_CHOICES


def strip(value: str | None) -> str | None:
    return value.strip() if value else value


class PostForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired(), no_null_characters, Length(min=1, max=200)],
    )
    body = TextAreaField(
        "Body", filters=[strip], validators=[DataRequired(), no_null_characters, Length(max=10000)]
    )
    status = SelectField(
        "Status",
        choices=[SelectChoice(value, label) for value, label in STATUS_CHOICES],
        default=DRAFT,
    )


class SearchForm(FlaskForm):
    """The search box of the post list (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    # Trimmed, as Django's CharField trims: "  " searches for nothing, i.e. lists everything.
    q = SearchField("Search", filters=[strip], validators=[no_null_characters, Length(max=1000)])
