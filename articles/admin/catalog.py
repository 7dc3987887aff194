"""The words of the admin's own scripts (static/articles/admin-*.js), in the
editor's language: Django's JavaScript catalog of the project's "djangojs"
translations, which gives those scripts gettext(), ngettext() and
interpolate().

Served beside the story admin, which is the page that runs the scripts with
words in them, under the admin's namespace: admin:newsroom_jsi18n. Every
Media that loads one of those scripts lists CATALOG before it, so the catalog
is on the page, once, ahead of them (Django's own admin:jsi18n holds only the
admin's words; the two catalogs add up). A same-origin script: the
Content-Security-Policy's 'self' allows it. The scripts still work without
it, in English.
"""

from django.urls import path, reverse_lazy
from django.views.i18n import JavaScriptCatalog

# For a Media's js list: the catalog's address, read when the page is drawn.
CATALOG = reverse_lazy("admin:newsroom_jsi18n")


class ScriptCatalogMixin:
    """Put on the ModelAdmin that serves the catalog (ArticleAdmin)."""

    def get_urls(self):
        catalog = JavaScriptCatalog.as_view(packages=["articles"], domain="djangojs")
        return [
            path(
                "newsroom-jsi18n/",
                # As Django's admin:jsi18n: for staff, and cacheable.
                self.admin_site.admin_view(catalog, cacheable=True),
                name="newsroom_jsi18n",
            ),
            *super().get_urls(),
        ]
