"""What this site adds to Django's stock code to survive hostile input.

Each piece names the input that broke the stock code (found by the shared suite's fuzzer and by
sqlmap and wapiti); everything else in the project is Django as documented.
"""

from django.conf import settings
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, RequestDataTooBig, ValidationError
from django.forms import ModelChoiceField

# django-axes stores the username of each failed sign-in in a 255-character column.
AXES_USERNAME_LENGTH = 255
# The ids a BigAutoField (DEFAULT_AUTO_FIELD) holds: a signed 64-bit integer.
MAX_ID = 2**63 - 1


def is_row_id(value) -> bool:
    """Tell whether a request value is a number an id column can hold (as Django reads ids)."""
    try:
        return -MAX_ID - 1 <= int(value) <= MAX_ID
    except (TypeError, ValueError):
        return False


def request_size_limit(get_response):
    """Refuse a request whose body is over DATA_UPLOAD_MAX_MEMORY_SIZE, uploads included."""
    # A 20 MB multipart file upload was accepted and spooled to disk (SEC-15): Django counts
    # only form fields against the limit, and this site takes no uploads. The refusal is
    # Django's own (400 with the site's 400 page).

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: a body of unknown length is not read at all
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return get_response(request)

    return middleware


def fit_axes_username(username):
    """Cut a username to the length of django-axes' column."""
    # A 300-character username on the sign-in form reached authenticate() (AuthenticationForm
    # does not validate its max_length) and PostgreSQL refused axes' insert: a 500.
    return username[:AXES_USERNAME_LENGTH]


class DateHierarchyGuard:
    """Answer a bad date-hierarchy filter as the admin answers any bad filter."""

    # ?created__year=9999 or a 30-digit year in the admin's change list raised OverflowError or
    # ValueError from the date hierarchy: a 500.
    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class NullSafeFilters:
    """Answer a list filter holding a NUL character as the admin answers any bad filter."""

    # ?status__exact=%00 in the admin's post list reached PostgreSQL, which refuses NUL in
    # text: a 500.
    def get_changelist_instance(self, request):
        if any("\x00" in name + "".join(values) for name, values in request.GET.lists()):
            raise IncorrectLookupParameters("A NUL character in the list's parameters.")
        return super().get_changelist_instance(request)


class NullSafeSearch:
    """Find nothing for a search term holding a NUL character."""

    # The post form's author autocomplete (?term=%00) sent NUL to PostgreSQL, which refuses it
    # in text: a 500.
    def get_search_results(self, request, queryset, search_term):
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


class RowIdChoiceField(ModelChoiceField):
    """The admin's choice of a related row, refusing what no id column holds."""

    # author=99999999999999999999 on the post form overflowed SQLite (OverflowError) in the
    # field's lookup, and author=abc (on the form, or ?author=abc on the add page) reached the
    # author widget's query of the chosen user (ValueError): a 500 either way.
    def to_python(self, value):
        if value not in self.empty_values and not is_row_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def prepare_value(self, value):
        if not hasattr(value, "_meta") and value not in self.empty_values and not is_row_id(value):
            return None  # shown as no choice, next to the field's error
        return super().prepare_value(value)


class RowIdForeignKeys:
    """Give each related-row field of the admin's forms a RowIdChoiceField."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", RowIdChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ActionSelectionGuard:
    """Answer 400 to a bulk action whose selection holds something that is not an id."""

    # _selected_action=abc in an action POST raised ValueError filtering the selected rows,
    # and _selected_action=99999999999999999999 overflowed SQLite (OverflowError): a 500.
    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_row_id(pk) for pk in selected):
            raise BadRequest("The selection holds something that is not an id.")
        return super().response_action(request, queryset)
