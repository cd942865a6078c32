from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from config.hardening import NullSafeSearch

from .models import User


@admin.register(User)
class UserAdmin(NullSafeSearch, BaseUserAdmin):
    """Django's user admin for the custom user model.

    Its add form (username, password twice) stores the password hashed; the admin builds its
    forms for `User` from this model, so Django's own forms serve as they are.
    """

    list_display = ("username", "email", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("username",)

    # Every staff member may see users (the post form's author search needs it); adding,
    # changing and deleting them keep Django's permissions (superusers have them all).
    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True
