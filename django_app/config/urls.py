"""The site's URLs. Error pages are the templates 403.html, 404.html, 500.html and 503.html."""

from django.contrib import admin
from django.urls import include, path

from accounts.throttling import sign_in_limited

from . import health

admin.site.site_header = "Posts administration"
admin.site.site_title = "Posts admin"
# The admin's sign-in counts with the site's: one limit per address for both (SEC-13).
admin.site.login = sign_in_limited(admin.site.login)

urlpatterns = [
    path("", include("posts.urls")),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]

# The 500 page, or 503 while the database is out of reach.
handler500 = health.server_error
