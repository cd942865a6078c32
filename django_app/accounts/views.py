from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .forms import LoginForm, RegistrationForm
from .signals import password_set, sign_in_throttled
from .throttling import reset_limited, sign_in_limited, sign_up_limited


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
@sign_up_limited
def register(request):
    """Create an account, sign its owner in and send them on to `next`."""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            user = form.save()
            # Named because there are two backends (axes' only checks lockouts).
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}! Your account is ready.")
            if not url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                next_url = settings.LOGIN_REDIRECT_URL
            # A URL as it is, as LoginView does: redirect() would take `next=home` for the
            # name of a view.
            return HttpResponseRedirect(next_url)
    else:
        form = RegistrationForm()
    return render(request, "accounts/register.html", {"form": form, "next": next_url})


@method_decorator(sign_in_limited, name="post")
class LoginView(SuccessMessageMixin, auth_views.LoginView):
    """Django's sign-in view (safe `next`, new session) with a flash on success.

    The flash belongs to this view rather than to the user_logged_in signal: the signal also
    fires for the admin's sign-in and for the sign-in that follows sign-up, which say otherwise.
    """

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    success_message = "Signed in as %(username)s."

    def get_success_message(self, cleaned_data):
        # The username as stored, not as typed: "ALICE" signs in as alice.
        return self.success_message % {"username": self.request.user.get_username()}


class LogoutView(auth_views.LogoutView):
    """Django's sign-out view (POST only, session flushed) with a flash."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after logout() so that the message survives the flush of the old session.
        messages.info(request, "You have been signed out.")
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Django's password change: the user's other sessions end, this one stays signed in."""

    success_url = reverse_lazy("posts:list")
    success_message = "Your password has been changed."

    def form_valid(self, form):
        response = super().form_valid(form)
        password_set(self.request, form.user, "password changed")
        return response


# Throttled per client address: each request may mail someone (SPEC AUTH-14).
password_reset = reset_limited(
    auth_views.PasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done"))
)


class PasswordResetConfirmView(SuccessMessageMixin, auth_views.PasswordResetConfirmView):
    """Django's reset link page; once the password is set, on to sign in with a flash."""

    success_url = reverse_lazy("accounts:login")
    success_message = "Your password has been set. You may sign in now."

    def form_valid(self, form):
        response = super().form_valid(form)
        password_set(self.request, form.user, "password reset")
        return response


def too_many_requests(request, exception):
    """Answer a throttled request with the site's 429 page (setting RATELIMIT_VIEW)."""
    # The site's sign-in and the admin's, refused for their address (axes logs its own).
    if request.resolver_match and request.resolver_match.url_name == "login":
        sign_in_throttled(request, request.POST.get("username"))
    return render(request, "429.html", status=429)
