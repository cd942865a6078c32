from django.conf import settings
from django.core.exceptions import RequestDataTooBig


def request_size_limit(get_response):
    """Refuse a request whose body is over DATA_UPLOAD_MAX_MEMORY_SIZE, uploads included.

    Django checks that limit only for form fields, not for uploaded files (which it spools to
    disk); this site takes no uploads, so no body may be larger. The refusal is Django's own:
    400 with the site's 400 page.
    """

    def middleware(request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # as Django reads it: a body of unknown length is not read at all
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        return get_response(request)

    return middleware
