"""What stories are filed under: outlets, sections, authors and tags."""

from django.contrib import admin
from django.db.models import Count
from taggit.models import Tag as TaggitTag

from articles.models import Author, Outlet, Section, Tag

from .history import HistoryAdmin


@admin.register(Outlet)
class OutletAdmin(HistoryAdmin):
    list_display = ["name", "is_house", "url"]
    search_fields = ["name"]
    autocomplete_fields = ["logo"]


@admin.register(Section)
class SectionAdmin(HistoryAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


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

    @admin.display(description="Stories", ordering="story_count")
    def stories(self, tag):
        return tag.story_count
