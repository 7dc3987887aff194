"""The admin site: Django's, closed to an account until it passes its gate
(articles.accounts.access), whatever page it asks for. The middleware sends
the account to the gate; this is the second lock on the same door."""

from django.contrib.admin import AdminSite

from . import access
from .lockdown import in_force


class NewsroomAdminSite(AdminSite):
    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        gate = access.gate(request)
        # Signing out, and the pages of the gate itself (a new password).
        return gate == access.OPEN or access.lets_through(gate, request.path_info)

    def each_context(self, request):
        context = super().each_context(request)
        # Every admin page says so while a lockdown is in force.
        context["lockdown"] = in_force() if request.user.is_authenticated else None
        return context
