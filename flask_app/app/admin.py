"""The staff admin (Flask-Admin): posts and users, closed to everyone but staff.

Django's admin comes with its own login, permissions and CSRF protection. Flask-Admin comes
open: every view below, the index included, has to say who may use it, and its forms rely on
the app's CSRFProtect (each form carries the token as a hidden `csrf_token`).
"""

from datetime import UTC, datetime

from flask import abort, flash, redirect, request
from flask_admin import Admin, AdminIndexView
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.contrib.sqla.typefmt import DEFAULT_FORMATTERS
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user, login_url
from sqlalchemy import select, update
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length, Optional

from app.accounts.forms import (
    PASSWORD_RULES,
    USERNAME_RULES,
    no_null_characters,
    normalize_username,
)
from app.extensions import db
from app.models import DRAFT, MAX_ID, PUBLISHED, STATUS_CHOICES, Post, User
from app.posts.forms import strip


def parse_id(value) -> int | None:
    """Return a row id from a request value, or None for anything no row can have."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


class StaffOnly:
    """Open a view to signed-in staff; send visitors to sign in and refuse everyone else."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_staff

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(login_url("accounts.login", next_url=request.url))


class StaffIndexView(StaffOnly, AdminIndexView):
    pass


class StaffModelView(StaffOnly, ModelView):
    """A model view that is staff-only and answers bad ids and page numbers without a 500."""

    page_size = 25
    column_type_formatters = {
        **DEFAULT_FORMATTERS,
        datetime: lambda view, value, name: value.strftime("%Y-%m-%d %H:%M"),
    }
    # Readable filter arguments in the URL (flt0_status_equals=draft) instead of indexes.
    named_filter_urls = True

    def get_one(self, id):
        pk = parse_id(id)
        return None if pk is None else db.session.get(self.model, pk)

    def get_list(self, page, sort_column, sort_desc, search, filters, *args, **kwargs):
        if page and not 0 <= page <= MAX_ID:
            page = 0
        if search:
            search = search.replace("\x00", "")
        return super().get_list(page, sort_column, sort_desc, search, filters, *args, **kwargs)

    @action(
        "delete",
        lazy_gettext("Delete"),
        lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids):
        # Flask-Admin passes the ids on as strings; PostgreSQL will not compare
        # "integer IN (varchar, ...)" under SQLAlchemy 2.1, so hand it whole numbers.
        return super().action_delete([pk for pk in map(parse_id, ids) if pk is not None])


class ChoiceFilter(FilterEqual):
    """Equality filter that accepts only its listed options."""

    def clean(self, value):
        if value not in dict(self.get_options(None) or ()):
            raise ValueError(value)
        return value


class IdFilter(FilterEqual):
    """Equality filter on a foreign key, offering the rows it points to."""

    def clean(self, value):
        pk = parse_id(value)
        if pk is None:
            raise ValueError(value)
        return pk


class UserOptions:
    """The users as a filter's options, read at each page view.

    Flask-Admin reads a filter's options (even a callable's) once, when the view is created;
    an iterable is iterated only when the list page renders.
    """

    def __iter__(self):
        users = db.session.scalars(select(User).order_by(User.username))
        return iter([(str(user.id), user.username) for user in users])


class PostView(StaffModelView):
    column_list = ["title", "author", "status", "created"]
    column_searchable_list = ["title", "body"]
    column_filters = [
        ChoiceFilter(Post.status, "Status", options=STATUS_CHOICES),
        IdFilter(Post.author_id, "Author", options=UserOptions()),
    ]
    column_sortable_list = ["title", "created", "status"]
    column_default_sort = ("created", True)

    form_columns = ["title", "body", "status", "author"]
    form_choices = {"status": STATUS_CHOICES}
    form_args = {
        "title": {"filters": [strip], "validators": [DataRequired(), no_null_characters]},
        "body": {
            "filters": [strip],
            "validators": [DataRequired(), no_null_characters, Length(max=10000)],
        },
    }

    @action("publish", "Publish", "Publish the selected posts?")
    def action_publish(self, ids):
        self._set_status(ids, PUBLISHED)

    @action("unpublish", "Unpublish", "Make the selected posts drafts?")
    def action_unpublish(self, ids):
        self._set_status(ids, DRAFT)

    def _set_status(self, ids, status: str) -> None:
        pks = [pk for pk in map(parse_id, ids) if pk is not None]
        result = db.session.execute(
            update(Post).where(Post.id.in_(pks)).values(status=status, updated=datetime.now(UTC))
        )
        db.session.commit()
        flash(f"{result.rowcount} post(s) marked {status}.", "success")


class UserView(StaffModelView):
    column_list = ["username", "is_staff", "is_active", "date_joined"]
    column_searchable_list = ["username"]
    column_filters = ["is_staff", "is_active"]
    column_sortable_list = ["username", "date_joined"]
    column_default_sort = "username"

    # Never the hash or the session token: the password is set through the field below.
    form_columns = ["username", "password", "is_active", "is_staff"]
    form_args = {"username": {"filters": [normalize_username], "validators": USERNAME_RULES}}
    form_extra_fields = {
        "password": PasswordField(
            "Password",
            validators=[Optional(), *PASSWORD_RULES],
            description="Leave empty to keep the current password.",
        )
    }

    def get_create_form(self):
        """A new user needs a password."""
        form_class = super().get_create_form()
        form_class.password = PasswordField(
            "Password", validators=[DataRequired(), *PASSWORD_RULES]
        )
        return form_class

    def on_model_change(self, form, model, is_created):
        if form.password.data:
            model.set_password(form.password.data)


admin = Admin(
    name="Posts admin",
    index_view=StaffIndexView(),
    theme=Bootstrap4Theme(swatch="default"),
)
admin.add_view(PostView(Post, db, name="Posts"))
admin.add_view(UserView(User, db, name="Users"))
