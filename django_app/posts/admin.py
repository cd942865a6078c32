from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import ngettext

from config.hardening import (
    ActionSelectionGuard,
    DateHierarchyGuard,
    NullSafeFilters,
    RowIdForeignKeys,
)

from .models import Post


@admin.register(Post)
class PostAdmin(
    ActionSelectionGuard, DateHierarchyGuard, NullSafeFilters, RowIdForeignKeys, admin.ModelAdmin
):
    list_display = ("title", "author", "status", "created")
    list_filter = ("status", "author")
    list_select_related = ("author",)
    search_fields = ("title", "body")
    ordering = ("-created", "-id")
    date_hierarchy = "created"
    autocomplete_fields = ("author",)
    readonly_fields = ("created", "updated")
    actions = ("publish", "unpublish")

    # Every staff member manages every post (the product's rule), so posts need no per-model
    # permissions; the admin site itself lets in only active staff. Users and groups keep
    # Django's permissions: superusers manage them.
    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True

    @admin.action(description="Publish selected posts")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Post.Status.PUBLISHED)

    @admin.action(description="Unpublish selected posts (back to draft)")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Post.Status.DRAFT)

    def _set_status(self, request, queryset, status):
        # update() skips save() and so auto_now: set the update time by hand.
        changed = queryset.exclude(status=status).update(status=status, updated=timezone.now())
        message = ngettext(
            "%(count)d post is now %(status)s.", "%(count)d posts are now %(status)s.", changed
        )
        self.message_user(
            request, message % {"count": changed, "status": status.label.lower()}, messages.SUCCESS
        )
