"""Stories in the admin: the story form, its byline and corrections."""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import InlineAdminFormSet
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from articles.html import body_pieces, split_blocks
from articles.models import Article, Byline, Correction, Embed, Image, Outlet

from .catalog import ScriptCatalogMixin
from .chooser import StoryMediaMixin
from .desk import DeskMixin
from .history import HistoryAdmin
from .listing import (
    ArchivePaginator,
    AuthorListFilter,
    StoryChangeList,
    TagListFilter,
    story_search_results,
)
from .media import thumbnail
from .translations import EditionFilter, PrefilledBylineMixin, TranslationsMixin
from .widgets import ZONED_TIMES, TagsWidget, compact, say_what_to_choose
from .workflow import ArticleWorkflowMixin, StateFilter

State = Article.State
# What the story form's search-as-you-type boxes say while empty.
PLACEHOLDERS = {
    "author": _("Choose an author"),
    "section": _("Choose a section"),
    "outlet": _("Choose an outlet"),
    "lead_image": _("Choose a picture"),
    "translation_of": _("Choose the original story"),
}
TAGS_HELP = _(
    "Type a tag and press Enter, or choose one already in use as you type. "
    "Without the tag picker: commas between tags, and double quotes around a "
    "tag that holds a comma."
)


class BylineFormSet(BaseInlineFormSet):
    """The byline's rows, their boxes named for screen readers (a table's
    column headings do not name what is in its cells)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["position"].widget.attrs["aria-label"] = _("Place in the byline")
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _(
                "Remove from the byline"
            )


class BylineInline(PrefilledBylineMixin, admin.TabularInline):
    model = Byline
    formset = BylineFormSet
    extra = 0
    autocomplete_fields = ["author"]
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order; none shows the outlet)")
    # Django's table, with its unnamed columns named for screen readers.
    template = "admin/articles/article/byline_inline.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        say_what_to_choose(self, db_field, request, kwargs, PLACEHOLDERS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    formfield_overrides = ZONED_TIMES


class InlineInOurWords(InlineAdminFormSet):
    """An inline whose button says "Add another author", not "Author"."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = gettext("Add another %(verbose_name)s") % {
            "verbose_name": self.opts.verbose_name
        }
        return json.dumps(data)


# Why a story opens read-only for someone who may read it, by its state.
READ_ONLY_BECAUSE = {
    State.REVIEW: _("In review: an editor decides now."),
    State.SCHEDULED: _("Scheduled: only editors change scheduled stories."),
    State.LIVE: _("Live: only editors change live stories."),
    State.DRAFT: _("Someone else's draft: only its writer and editors change it."),
}


@admin.register(Article)
class ArticleAdmin(
    TranslationsMixin,
    ScriptCatalogMixin,
    DeskMixin,
    StoryMediaMixin,
    ArticleWorkflowMixin,
    HistoryAdmin,
):
    class Media:
        css = {"all": ["articles/admin-story.css"]}
        js = ["articles/admin-story.js"]

    # Fits beside the sidebar and the filters at 1280 px: the language is a
    # filter, not a column, and times are short ("28 Feb 2022, 10:00").
    list_display = [
        "headline",
        "lead_thumbnail",
        "state",
        "section",
        "outlet",
        "published",
        "updated",
    ]
    list_display_links = ["headline"]
    # Tags and authors may number thousands: their filters offer the most
    # used and a box for any other (listing.py).
    list_filter = [
        StateFilter,
        "section",
        "outlet",
        EditionFilter,
        TagListFilter,
        AuthorListFilter,
    ]
    list_select_related = ["section", "outlet", "lead_image"]
    # At a million stories: no count of the whole table on every view, nor a
    # count per filter choice (listing.ArchivePaginator).
    paginator = ArchivePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # Searched through the search documents (get_search_results): headline,
    # standfirst, body, tags and embeds by their GIN index on PostgreSQL, a
    # LIKE over every body being ten times slower. These serve only a search
    # with no words in it (punctuation).
    search_fields = ["headline", "slug"]
    search_help_text = _(
        "Whole words of the headline, text, tags or embeds; or a story's "
        "address, link or number."
    )
    date_hierarchy = "published_at"
    autocomplete_fields = ["section", "outlet", "translation_of"]
    formfield_overrides = {
        **ZONED_TIMES,
        TaggableManager: {"widget": TagsWidget, "help_text": TAGS_HELP},
    }
    inlines = [BylineInline, CorrectionInline]
    readonly_fields = [
        "preview_link",
        "translations",
        "created_at",
        "updated_at",
        "created_by",
    ]
    # The byline follows the first fieldset (change_form.html).
    fieldsets = [
        (_("Story"), {"fields": ["headline", "standfirst"]}),
        (_("Text"), {"fields": ["body", "tags"]}),
        (
            _("Media"),
            {"fields": ["lead_image", "lead_image_caption", "lead_image_credit"]},
        ),
        (
            _("Publishing"),
            {
                "fields": [
                    "publication",
                    "status",
                    "section",
                    "outlet",
                    "original_url",
                    "language",
                    "translation_of",
                    "translations",
                    "preview_link",
                ]
            },
        ),
        (
            _("Address and search engines"),
            {
                "classes": ["collapse"],
                "fields": ["slug", "seo_title", "seo_description"],
            },
        ),
        (
            _("Record"),
            {
                "classes": ["collapse"],
                "fields": ["created_by", "created_at", "updated_at"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description=_("Picture"))
    def lead_thumbnail(self, obj):
        return thumbnail(obj.lead_image, 48)

    @admin.display(description=_("State"), ordering="status")
    def state(self, obj):
        if obj.is_scheduled:
            return format_html(
                gettext("Scheduled for {when}"), when=compact(obj.published_at)
            )
        return obj.state.label

    @admin.display(description=_("Published"), ordering="published_at")
    def published(self, obj):
        return compact(obj.published_at)

    @admin.display(description=_("Updated"), ordering="updated_at")
    def updated(self, obj):
        return compact(obj.updated_at)

    @admin.display(description=_("Preview"))
    def preview_link(self, obj):
        if not obj.pk:
            return gettext("Save the story to get a preview link.")
        return format_html(
            gettext(
                '<a href="{url}" target="_blank" rel="noopener">Open the preview</a> '
                "(a private link that works for {duration}; share it only with people "
                "who should see the story before it is published. Unpublishing the "
                "story, or “Revoke preview links” above, ends every link given out.)"
            ),
            url=obj.get_preview_url(),
            duration=timesince(
                timezone.now() - timedelta(seconds=settings.NEWSROOM_PREVIEW_MAX_AGE)
            ),
        )

    @admin.display(description=_("Body"))
    def body_as_readers_see(self, obj):
        pieces = body_pieces(split_blocks(obj.body))
        Embed.objects.attach(pieces)
        Image.objects.attach(pieces)
        return format_html(
            '<div class="story-as-readers-see">{}</div>',
            render_to_string("articles/_story_body.html", {"body": pieces}),
        )

    def get_changelist(self, request, **kwargs):
        return StoryChangeList

    def lookup_allowed(self, lookup, value, request=None):
        # Links made before the tag filter took names (?tags__id__exact=7).
        if lookup == "tags__id__exact":
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        found = story_search_results(queryset, search_term)
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        return found, False

    # The form.

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        say_what_to_choose(self, db_field, request, kwargs, PLACEHOLDERS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and request.method == "GET" and "headline" in form.base_fields:
            # A new story starts at its headline (change_form.html leaves out
            # Django's script, which would pick the publishing bar's first button);
            # a refused save starts at its first error (admin-desk.js).
            form.base_fields["headline"].widget.attrs["autofocus"] = True
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "outlet" not in initial and (house := Outlet.objects.house()):
            initial["outlet"] = house.pk
        return initial

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Read-only: the body as readers see it, not its HTML source.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "body_as_readers_see" if field == "body" else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_formset in inline_formsets:
            inline_formset.__class__ = InlineInOurWords
        return inline_formsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        story = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and story is not None
            and self.has_view_permission(request, story)
            and not self.has_change_permission(request, story)
        ):
            self.message_user(request, READ_ONLY_BECAUSE[story.state], messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        response = super().render_change_form(
            request, context, add, change, form_url, obj
        )
        if obj is not None and obj.pk and not obj.is_live:
            # Not on the site yet: "View on site" opens the preview, for the
            # people who are given preview links, and is not offered to others.
            may_edit = self.has_change_permission(request, obj)
            response.context_data["has_absolute_url"] = may_edit
            response.context_data["absolute_url"] = (
                obj.get_preview_url() if may_edit else None
            )
        return response

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
