"""The logs, read-only: the admin log (who published, changed or deleted
what, and when) and, for superusers, the security log (sign-ins, second
factors, sessions, lockdowns: articles.accounts.events)."""

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of who did what is not for editing, by anyone."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
    list_display = ["action_time", "user", "action", "object_link", "message"]
    list_filter = ["action_flag", "content_type", "user"]
    list_select_related = ["user", "content_type"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"
    ordering = ["-action_time"]

    @admin.display(description=_("Action"), ordering="action_flag")
    def action(self, entry):
        return entry.get_action_flag_display()

    @admin.display(description=_("Object"), ordering="object_repr")
    def object_link(self, entry):
        if entry.action_flag == DELETION:
            return format_html(
                gettext("{object} <em>(deleted)</em>"), object=entry.object_repr
            )
        try:
            url = entry.get_admin_url()
        except NoReverseMatch:
            url = ""
        if not url:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=_("What happened"))
    def message(self, entry):
        return entry.get_change_message()


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "actor", "ip_address", "browser"]
    list_filter = ["kind", "at"]
    search_fields = ["username", "actor", "ip_address", "detail"]
    date_hierarchy = "at"
    fields = [
        "at",
        "kind",
        "user",
        "username",
        "actor",
        "ip_address",
        "browser",
        "detail",
    ]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser
