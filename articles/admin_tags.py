"""Tags in the admin: ours (articles.Tag) in place of django-taggit's own."""

from django.contrib import admin
from django.db.models import Count
from taggit.models import Tag as TaggitTag

from articles.models import Tag

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
