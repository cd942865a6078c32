"""The staff admin (Flask-Admin): posts for all staff, users for superusers only.

Django's admin comes with its own login, permissions and CSRF protection. Flask-Admin comes
open: every view below, the index included, has to say who may use it, and its forms rely on
the app's CSRFProtect (each form carries the token as a hidden `csrf_token`). The templates in
templates/admin/ add a way back to the site, a sign-out button and a home page.
"""

from datetime import UTC, datetime

from flask import abort, flash, redirect, request
from flask_admin import Admin, AdminIndexView, expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.typefmt import DEFAULT_FORMATTERS
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user, login_url
from markupsafe import Markup, escape
from sqlalchemy import func, select, update
from wtforms import PasswordField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.accounts.forms import PASSWORD_RULES, USERNAME_RULES, normalize_username, strip_email
from app.extensions import db
from app.hardening import ChoiceFilter, HardenedModelView, IdFilter, no_null_characters, row_ids
from app.models import DRAFT, PUBLISHED, STATUS_CHOICES, Post, User
from app.posts.forms import strip


class StaffOnly:
    """Open a view to signed-in staff; send visitors to sign in and refuse everyone else."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and current_user.is_staff

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(login_url("accounts.login", next_url=request.url))


class StaffIndexView(StaffOnly, AdminIndexView):
    @expose("/")
    def index(self):
        """Show what there is to manage, with counts."""
        posts, drafts = db.session.execute(
            select(func.count(Post.id), func.count(Post.id).filter(Post.status == DRAFT))
        ).one()
        users = db.session.scalar(select(func.count(User.id)))
        return self.render("admin/index.html", posts=posts, drafts=drafts, users=users)


class StaffModelView(StaffOnly, HardenedModelView):
    list_template = "admin/posts_list.html"  # Flask-Admin's list, named for axe-core
    page_size = 25
    column_type_formatters = {
        **DEFAULT_FORMATTERS,
        datetime: lambda view, value, name: value.strftime("%Y-%m-%d %H:%M"),
    }
    # Readable filter arguments in the URL (flt0_status_equals=draft) instead of indexes.
    named_filter_urls = True


class UserOptions:
    """The users as a filter's options, read at each page view.

    Flask-Admin reads a filter's options (even a callable's) once, when the view is created;
    an iterable is iterated only when the list page renders.
    """

    def __iter__(self):
        users = db.session.scalars(select(User).order_by(User.username))
        return iter([(str(user.id), user.username) for user in users])


def title_link(view, context, post, name) -> Markup:
    """Show a post's title as a link to its edit page."""
    return Markup('<a href="{}">{}</a>').format(
        view.get_url(".edit_view", id=post.id), escape(post.title)
    )


class PostView(StaffModelView):
    column_list = ["title", "author", "status", "created"]
    column_choices = {"status": STATUS_CHOICES}  # "Draft", not "draft"
    column_formatters = {"title": title_link}
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
    form_widget_args = {"body": {"rows": 12}}

    @action("publish", "Publish", "Publish the selected posts?")
    def action_publish(self, ids):
        self._set_status(ids, PUBLISHED)

    @action("unpublish", "Unpublish", "Make the selected posts drafts?")
    def action_unpublish(self, ids):
        self._set_status(ids, DRAFT)

    def _set_status(self, ids, status: str) -> None:
        result = db.session.execute(
            update(Post)
            .where(Post.id.in_(row_ids(ids)))
            .values(status=status, updated=datetime.now(UTC))
        )
        db.session.commit()
        flash(f"{result.rowcount} post(s) marked {status}.", "success")


class UserView(StaffModelView):
    column_list = ["username", "email", "is_active", "is_staff", "is_superuser", "date_joined"]
    column_labels = {
        "email": "Email address",
        "is_active": "Active",
        "is_staff": "Staff",
        "is_superuser": "Superuser",
        "date_joined": "Joined",
    }
    column_searchable_list = ["username", "email"]
    column_filters = ["is_staff", "is_active"]
    column_sortable_list = ["username", "date_joined"]
    column_default_sort = "username"

    # Never the hash or the session token: the password is set through the field below.
    form_columns = ["username", "email", "password", "is_active", "is_staff", "is_superuser"]
    form_args = {
        "username": {"filters": [normalize_username], "validators": USERNAME_RULES},
        # Optional here, as in Django's admin; sign-up asks for it.
        "email": {
            "label": "Email address",
            "filters": [strip_email],
            "validators": [Optional(), no_null_characters, Email()],
        },
    }
    form_extra_fields = {
        "password": PasswordField(
            "Password",
            validators=[Optional(), *PASSWORD_RULES],
            description="Leave empty to keep the current password.",
        )
    }

    # Least privilege, as in Django, where staff have no user permissions unless granted:
    # other staff see the list, and Flask-Admin sends them back to it from any form.
    @property
    def can_create(self) -> bool:
        return current_user.is_superuser

    can_edit = can_delete = can_create

    def get_create_form(self):
        """Require a password for a new user."""
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
    theme=Bootstrap4Theme(swatch="default", base_template="admin/posts_base.html"),
)
admin.add_view(PostView(Post, db, name="Posts"))
admin.add_view(UserView(User, db, name="Users"))
