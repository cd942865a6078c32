"""What the app does only to survive hostile input (a fuzzer, sqlmap, wapiti).

Each piece names the input that broke the stock code (Flask, Flask-SQLAlchemy, Flask-Admin,
WTForms), nearly always with a 500 on PostgreSQL, SQLite or both; tests/test_hardening.py sends
each input. Everything else in the app is plain idiom and never thinks about these inputs.
"""

from flask import Flask, abort, request
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from werkzeug.routing import IntegerConverter
from wtforms.validators import StopValidation

from app.extensions import db
from app.security import is_safe_next

# The largest id an integer column holds (PostgreSQL's 32-bit INTEGER); no row has a bigger one.
MAX_ID = 2**31 - 1
# No list has more pages; (page - 1) * page size then stays far inside any database integer.
MAX_PAGE = MAX_ID


def parse_id(value) -> int | None:
    """Return a row id from a request value, or None for anything no row can have."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


# /posts/<30 digits>/ overflowed SQLite (OverflowError) and PostgreSQL's integer (DataError): 500.
class IdConverter(IntegerConverter):
    """`<int:…>` that matches no number above MAX_ID, so the URL answers 404."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


# ?page=<30 digits> overflowed the OFFSET on SQLite (OverflowError) and PostgreSQL (DataError),
# a 500 on the site and in the admin; the admin's ?page=-1 made a negative OFFSET, a 500 on
# PostgreSQL.
def refuse_impossible_pages() -> None:
    """Answer 404 to a whole-number ?page= outside 0..MAX_PAGE (the rest is the views' own)."""
    try:
        page = int(request.args.get("page", "0"))
    except ValueError:
        return
    if not 0 <= page <= MAX_PAGE:
        abort(404)


# A NUL byte in a form field or the search reached PostgreSQL, which refuses it (DataError, 500).
def no_null_characters(form, field) -> None:
    """Refuse a NUL byte, and stop there: no later validator sends the value to the database."""
    if field.data and "\x00" in field.data:
        raise StopValidation("Null characters are not allowed.")


# Not a 500: a 1 MiB "username" on the sign-in form became a 1 MiB key in the throttle's store
# (Redis) for each failure, for the whole window.
def clip_key(text: str) -> str:
    """Cut text for a storage key to a length no real username reaches (they have 30 at most)."""
    return text[:150]


class HardenedModelView(ModelView):
    """Flask-Admin's ModelView, answering bad ids, page numbers and searches without a 500."""

    # ?id=<30 digits> and ?id=abc failed PostgreSQL's integer cast (DataError, a 500).
    def get_one(self, id):
        pk = parse_id(id)
        return None if pk is None else db.session.get(self.model, pk)

    # ?url=http:/evil.com on edit/, details/, new/, delete/ or action/ passed Flask-Admin's
    # is_safe_url and Werkzeug redirected staff to http:///evil.com (evil.com to a browser); a CR
    # or LF in it made the redirect a 500, after new/ had stored its row.
    def _handle_view(self, name, **kwargs):
        """Refuse (400) a request whose return URL leaves the site, before the view runs."""
        refused = super()._handle_view(name, **kwargs)
        target = request.values.get("url")
        if refused is None and target and not is_safe_next(target):
            abort(400)
        return refused

    # ?search=%00 reached PostgreSQL, which refuses NUL in a query (DataError, a 500).
    def get_list(self, page, sort_column, sort_desc, search, filters, *args, **kwargs):
        search = search.replace("\x00", "") if search else search
        return super().get_list(page, sort_column, sort_desc, search, filters, *args, **kwargs)

    # rowid=abc reached the database. Also a plain fix: Flask-Admin hands every rowid over as
    # text, and PostgreSQL refuses "integer IN (varchar)" (a 500 for any bulk delete).
    @action(
        "delete",
        lazy_gettext("Delete"),
        lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids):
        return super().action_delete(row_ids(ids))


def row_ids(values) -> list[int]:
    """Return the values that are row ids, as numbers (for PostgreSQL); drop the rest."""
    return [pk for pk in map(parse_id, values) if pk is not None]


# ?flt0_status_equals=%00 reached PostgreSQL, which refuses NUL in a query (DataError, a 500).
class ChoiceFilter(FilterEqual):
    """Equality filter that accepts only its listed options (Flask-Admin ignores the others)."""

    def clean(self, value):
        if value not in dict(self.get_options(None) or ()):
            raise ValueError(value)
        return value


# ?flt0_author_equals=<30 digits> passed IntEqualFilter's int() and overflowed SQLite
# (OverflowError) or PostgreSQL's integer (DataError), a 500 either way.
class IdFilter(IntEqualFilter):
    """Flask-Admin's integer equality filter, accepting only possible row ids."""

    def clean(self, value):
        pk = parse_id(value)
        if pk is None:
            raise ValueError(value)
        return pk


def init_app(app: Flask) -> None:
    # Before any blueprint adds its routes: a rule picks its converter when it is added.
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_impossible_pages)
