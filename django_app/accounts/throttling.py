"""How django-axes counts sign-ins (setting AXES_USERNAME_CALLABLE)."""

from config.hardening import fit_axes_username


def username(request, credentials):
    """Count an attempt under its username lower-cased, as sign-in matches it."""
    name = (credentials or request.POST).get("username") or ""
    return fit_axes_username(name.lower())
