"""What this site adds to Django's stock code to survive hostile input.

Each piece names the input that broke the stock code (found by the shared suite's fuzzer and by
sqlmap and wapiti); everything else in the project is Django as documented.
"""

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import RequestDataTooBig

# django-axes stores the username of each failed sign-in in a 255-character column.
AXES_USERNAME_LENGTH = 255


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


class NullSafeSearch:
    """Find nothing for a search term holding a NUL character."""

    # The post form's author autocomplete (?term=%00) sent NUL to PostgreSQL, which refuses it
    # in text: a 500.
    def get_search_results(self, request, queryset, search_term):
        if "\x00" in search_term:
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)
