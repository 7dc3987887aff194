"""Old addresses in the admin: listed, searched and edited by editors; what
each WordPress item became, to look up."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import addresses
from .models import ImportedItem, OldAddress


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    list_display = ["path", "leads_to", "created_at"]
    search_fields = ["path", "target"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]
    fields = ["path", "target", "item"]
    list_per_page = 100

    @admin.display(description=_("leads to"))
    def leads_to(self, address):
        # One address's destination, without its own query per row: the
        # list shows the editor's address, or what the item is.
        if address.target:
            return address.target
        if address.item is None:
            return "—"
        return format_html("{} {}", address.item.get_kind_display(), address.item.wp_id)

    def get_search_results(self, request, queryset, search_term):
        # Addresses are kept decoded: a pasted %D0%B1… address finds its row.
        return super().get_search_results(
            request,
            queryset,
            addresses.normalise(search_term)
            if search_term.startswith("/")
            else search_term,
        )


@admin.register(ImportedItem)
class ImportedItemAdmin(admin.ModelAdmin):
    list_display = ["site", "kind", "wp_id", "imported_at"]
    list_filter = ["kind", "site"]
    readonly_fields = [
        "site",
        "kind",
        "wp_id",
        "article",
        "section",
        "tag",
        "author",
        "image",
        "imported_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
