from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from articles import (
    admin_tags,  # noqa: F401  (registers the tags)
    audit,  # noqa: F401  (registers the read-only admin log)
)
from articles.admin_prompts import PromptFiguresMixin, PromptVariantInline
from articles.admin_workflow import (
    ArticleWorkflowMixin,
    EmbedWorkflowMixin,
    PictureWorkflowMixin,
    StateFilter,
)
from articles.forms import ImageForm
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Embed,
    Image,
    MembershipPrompt,
    MembershipTier,
    Outlet,
    Section,
)
from articles.models.media import files_removed_on_error
from articles.workflow import when

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Stories, pictures and appeals"


def thumbnail(image, size=80):
    """A small rendition fitted into a size × size box, never the original file."""
    if not image or not image.file:
        return "—"
    scale = size / max(image.width, image.height, 1)
    width, height = round(image.width * scale), round(image.height * scale)
    if image.has_renditions():
        widths = image.rendition_widths()
        # Twice the displayed size, for sharp thumbnails on dense screens.
        wanted = next((w for w in widths if w >= 2 * width), widths[-1])
        url = image.rendition_url(wanted)
    else:
        url = image.file.url
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy">',
        url,
        width,
        height,
    )


@admin.register(Outlet)
class OutletAdmin(VersionAdmin):
    list_display = ["name", "is_house", "url"]
    search_fields = ["name"]
    autocomplete_fields = ["logo"]


@admin.register(Section)
class SectionAdmin(VersionAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(VersionAdmin):
    list_display = ["name", "social_handle", "user"]
    search_fields = ["name", "social_handle"]
    autocomplete_fields = ["photo"]
    raw_id_fields = ["user"]


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    verbose_name = "author"
    verbose_name_plural = "byline (in order; none shows the outlet)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0


@admin.register(Article)
class ArticleAdmin(ArticleWorkflowMixin, VersionAdmin):
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
    list_filter = [StateFilter, "section", "outlet", "language", "tags"]
    list_select_related = ["section", "outlet", "lead_image"]
    search_fields = ["headline", "standfirst", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["section", "outlet", "lead_image", "translation_of"]
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
                    "status",
                    "published_at",
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Image)
class ImageAdmin(PictureWorkflowMixin, VersionAdmin):
    class Media:
        css = {"all": ["articles/admin-image.css"]}
        js = ["articles/admin-focal-point.js"]

    form = ImageForm
    list_display = [
        "title",
        "list_thumbnail",
        "credit",
        "width",
        "height",
        "uploaded_at",
    ]
    search_fields = ["title", "alt_text", "caption", "credit"]
    readonly_fields = ["large_preview", "width", "height", "used_in"]
    fields = [
        "file",
        "large_preview",
        "title",
        "alt_text",
        "caption",
        "credit",
        ("focal_x", "focal_y"),
        ("width", "height"),
        "used_in",
    ]

    @admin.display(description="")
    def list_thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description="Preview")
    def large_preview(self, obj):
        if not obj.pk or not obj.has_renditions():
            return "Save the picture to see it here and set its focal point."
        return render_to_string("admin/articles/image_focal_point.html", {"image": obj})

    @admin.display(description="Used in")
    def used_in(self, obj):
        uses = usage_links(obj) if obj.pk else []
        if not uses:
            return "Nothing yet."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((u,) for u in uses))
        )

    @contextmanager
    def create_revision(self, request):
        # Reversion's block is the transaction of every add, change and revert,
        # committed after the picture's revision: whatever fails in it, no file
        # written for the save stays in storage.
        with files_removed_on_error(), super().create_revision(request):
            yield

    def save_model(self, request, obj, form, change):
        obj.store_file()
        super().save_model(request, obj, form, change)
        obj.make_renditions()
        if form.camera_credit:
            self.message_user(
                request,
                f"The credit “{form.camera_credit}” was taken from the camera's "
                "data; check it before publishing.",
                messages.WARNING,
            )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        history = reverse("admin:articles_image_history", args=[object_id])
        if refused := self._refuse_without_file(request, version_id, history):
            return refused
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        deleted = reverse("admin:articles_image_recoverlist")
        if refused := self._refuse_without_file(request, version_id, deleted):
            return refused
        return super().recover_view(request, version_id, extra_context)

    def _refuse_without_file(self, request, version_id, back):
        """Send the editor back, saying why, from a version whose file was deleted
        (pictures replaced or deleted leave storage); None for any other."""
        version = Version.objects.filter(pk=version_id).first()
        try:
            name = version and version.field_dict["file"].name
        except RevertError:
            return None  # reversion says what is wrong with it
        if not name or self.model.file.field.storage.exists(name):
            return None
        self.message_user(
            request,
            "This version's picture file was deleted when the picture was replaced "
            "or deleted, so it cannot be restored. Upload the picture again instead.",
            messages.ERROR,
        )
        return redirect(back)

    def get_deleted_objects(self, objs, request):
        """Refuse to delete pictures in use, saying where (stories, authors,
        outlets), for one picture and for the bulk action alike."""
        deleted, counts, perms_needed, _protected = super().get_deleted_objects(
            objs, request
        )
        protected = [
            format_html("“{}”, {}", image, use)
            for image in objs
            for use in usage_links(image)
        ]
        return deleted, counts, perms_needed, protected


def usage_links(image):
    return [
        format_html(
            '{} <a href="{}">{}</a>',
            role,
            reverse(admin_urlname(used_by._meta, "change"), args=[used_by.pk]),
            used_by,
        )
        for role, used_by in image.where_used()
    ]


@admin.register(Embed)
class EmbedAdmin(EmbedWorkflowMixin, VersionAdmin):
    list_display = ["slug", "kind", "author_name", "published_on"]
    list_filter = ["kind"]
    search_fields = ["slug", "author_name", "author_handle", "text"]


@admin.register(MembershipPrompt)
class MembershipPromptAdmin(PromptFiguresMixin, VersionAdmin):
    class Media:
        css = {"all": ["articles/admin-preview.css"]}

    list_display = [
        "name",
        "placement",
        "kind",
        "is_active",
        "priority",
        "starts_at",
        "ends_at",
        "impressions_recent",
        "clicks_recent",
        "ctr_recent",
        "figures_link",
    ]
    list_filter = ["placement", "kind", "is_active"]
    list_editable = ["is_active", "priority"]
    search_fields = ["name", "heading", "body"]
    autocomplete_fields = ["sections", "outlets"]
    filter_horizontal = ["tags"]
    readonly_fields = ["rendered_preview"]
    inlines = [PromptVariantInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "placement", "paragraph", "kind", "rendered_preview"]},
        ),
        (
            "Appeal",
            {"fields": ["heading", "body", "button_label", "button_url", "weight"]},
        ),
        ("When", {"fields": ["is_active", "starts_at", "ends_at", "priority"]}),
        (
            "Where (leave empty for everywhere)",
            {"fields": ["sections", "tags", "outlets", "languages"]},
        ),
        (
            "Each reader",
            {"fields": ["dismissal", "dismiss_days", "max_views_per_week"]},
        ),
    ]

    @admin.display(description="How it looks")
    def rendered_preview(self, obj):
        if not obj.pk:
            return "Save the prompt to see how it looks."
        return render_to_string(
            "admin/articles/prompt_preview.html",
            {
                "prompts": [obj],
                "placement": obj.placement,
                "versions": obj.versions,
                "preview_url": reverse(
                    "admin:articles_membershipprompt_preview", args=[obj.pk]
                ),
            },
        )


@admin.register(MembershipTier)
class MembershipTierAdmin(VersionAdmin):
    class Media:
        css = {"all": ["articles/admin-preview.css"]}

    list_display = ["name", "amount", "currency", "interval", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active", "interval"]
    search_fields = ["name"]
    readonly_fields = ["rendered_preview"]

    @admin.display(description="How it looks")
    def rendered_preview(self, obj):
        if not obj.pk:
            return "Save the tier to see how it looks."
        return render_to_string("admin/articles/tier_preview.html", {"tier": obj})
