from django.utils.cache import add_never_cache_headers


def never_cache_signed_in(get_response):
    """Keep what a signed-in user is shown out of shared caches and the browser's history.

    The headers of Django's never_cache decorator, on every answer to a signed-in user: after
    sign-out on a shared computer, the back button shows none of the user's pages. Static
    files, the same for everyone, are WhiteNoise's and stay cacheable.
    """

    def middleware(request):
        response = get_response(request)
        # Read on the way out: AuthenticationMiddleware, further in, has set request.user
        # by then, unless an answer came before it (a static file, a refused Host or body).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware
