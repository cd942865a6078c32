"""The post form, shared by create and edit."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.accounts.forms import no_null_characters
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
