"""Stories in the admin: the story form, its byline and corrections."""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import InlineAdminFormSet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from taggit.managers import TaggableManager

from articles.models import Article, Byline, Correction

from .chooser import StoryMediaMixin
from .history import HistoryAdmin
from .media import thumbnail
from .rules import when
from .widgets import TagsWidget
from .workflow import ArticleWorkflowMixin, StateFilter

TAGS_HELP = (
    "Type a tag and press Enter, or choose one already in use as you type. "
    "Without the tag picker: commas between tags, and double quotes around a "
    "tag that holds a comma."
)


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "byline (in order; none shows the outlet)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0


class InlineInOurWords(InlineAdminFormSet):
    """An inline whose button says "Add another author", not "Author"."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = f"Add another {self.opts.verbose_name}"
        return json.dumps(data)


class TagFilter(admin.RelatedFieldListFilter):
    """Names the filter "By tags", as the others are named, not "By Tags"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "tags"


@admin.register(Article)
class ArticleAdmin(StoryMediaMixin, ArticleWorkflowMixin, HistoryAdmin):
    list_display = [
        "headline",
        "lead_thumbnail",
        "state",
        "section",
        "outlet",
        "language",
        "published_at",
        "updated_at",
    ]
    list_display_links = ["headline"]
    list_filter = [StateFilter, "section", "outlet", "language", ("tags", TagFilter)]
    list_select_related = ["section", "outlet", "lead_image"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section", "outlet", "translation_of"]
    formfield_overrides = {
        TaggableManager: {"widget": TagsWidget, "help_text": TAGS_HELP},
    }
    inlines = [BylineInline, CorrectionInline]
    readonly_fields = ["preview_link", "created_at", "updated_at", "created_by"]
    fieldsets = [
        ("Story", {"fields": ["headline", "slug", "standfirst", "body", "tags"]}),
        (
            "Media",
            {"fields": ["lead_image", "lead_image_caption", "lead_image_credit"]},
        ),
        (
            "Publishing",
            {
                "fields": [
                    "publication",
                    "status",
                    "section",
                    "outlet",
                    "original_url",
                    "language",
                    "translation_of",
                    "preview_link",
                ]
            },
        ),
        (
            "SEO",
            {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
        ),
        (
            "Record",
            {
                "classes": ["collapse"],
                "fields": ["created_by", "created_at", "updated_at"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="")
    def lead_thumbnail(self, obj):
        return thumbnail(obj.lead_image, 60)

    @admin.display(description="State", ordering="status")
    def state(self, obj):
        if obj.is_scheduled:
            return format_html("Scheduled for {}", when(obj.published_at))
        return obj.state.label

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj.pk:
            return "Save the story to get a preview link."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open the preview</a> '
            "(a private link that works for {}; share it only with people who should "
            "see the story before it is published. Unpublishing the story, or "
            "“Revoke preview links” above, ends every link given out.)",
            obj.get_preview_url(),
            timesince(
                timezone.now() - timedelta(seconds=settings.NEWSROOM_PREVIEW_MAX_AGE)
            ),
        )

    # The form.

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_formset in inline_formsets:
            inline_formset.__class__ = InlineInOurWords
        return inline_formsets

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
