"""What stories are filed under: outlets, sections, authors and tags."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from taggit.models import Tag as TaggitTag

from articles.models import Author, Outlet, Section, Tag
from articles.search.query import any_case

from .history import HistoryAdmin
from .translations import SectionTranslationInline, SupportTextInline

# Suggestions are a short list: the editor keeps typing to narrow it.
SUGGESTIONS = 10
TYPED_MAX = 100


@admin.register(Outlet)
class OutletAdmin(HistoryAdmin):
    list_display = ["name", "is_house", "url"]
    search_fields = ["name"]
    autocomplete_fields = ["logo"]
    fields = [
        "name",
        "slug",
        "url",
        "description",
        "is_house",
        "logo",
        # Linked from the outlet's data for search engines (articles.seo).
        "publishing_principles_url",
        "corrections_policy_url",
        "support_heading",
        "support_text",
    ]
    # The support page's words in the other editions' languages.
    inlines = [SupportTextInline]


@admin.register(Section)
class SectionAdmin(HistoryAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    # The section's name in the other editions' languages.
    inlines = [SectionTranslationInline]


@admin.register(Author)
class AuthorAdmin(HistoryAdmin):
    list_display = ["name", "social_handle", "user"]
    search_fields = ["name", "social_handle"]
    autocomplete_fields = ["photo"]
    raw_id_fields = ["user"]


# taggit registers its own Tag model, which stories no longer use.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "stories"]
    search_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("article"))

    @admin.display(description=_("Stories"), ordering="story_count")
    def stories(self, tag):
        return tag.story_count

    def get_urls(self):
        suggest = path(
            "suggest/",
            self.admin_site.admin_view(never_cache(self.suggest_view)),
            name="articles_tag_suggest",
        )
        return [suggest, *super().get_urls()]

    def suggest_view(self, request):
        """Names of tags in use that match what the editor is typing, as JSON:
        those starting with it first, then those containing it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        typed = request.GET.get("q", "")[:TYPED_MAX]
        # NUL and other control characters name no tag (and PostgreSQL
        # refuses NUL in a query).
        typed = " ".join("".join(c if c.isprintable() else " " for c in typed).split())
        return JsonResponse({"results": suggested_tags(typed) if typed else []})


def suggested_tags(typed):
    """Up to SUGGESTIONS tag names matching `typed` in any script, ignoring case."""
    starting = _matching(typed, "startswith")[:SUGGESTIONS]
    names = list(starting.values_list("name", flat=True))
    if len(names) < SUGGESTIONS:
        containing = _matching(typed, "contains").exclude(name__in=names)
        names += containing.values_list("name", flat=True)[: SUGGESTIONS - len(names)]
    return names


def _matching(typed, lookup):
    return Tag.objects.filter(any_case("name", lookup, typed)).order_by("name")
