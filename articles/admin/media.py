"""Pictures and embeds in the admin: uploads, previews, where each is used,
and who may change what a live story shows."""

from contextlib import contextmanager

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.errors import RevertError
from reversion.models import Version

from articles.models import Embed, Image
from articles.models.media import files_removed_on_error

from . import rules
from .chooser import (
    EmbedChooserMixin,
    ImageChooserMixin,
    camera_credit_note,
    thumbnail_source,
)
from .forms import EmbedWorkflowForm, ImageForm
from .history import HistoryAdmin


def thumbnail(image, size=80):
    """A small rendition fitted into a size × size box, never the original file."""
    source = thumbnail_source(image, size)
    if source is None:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" loading="lazy">', *source
    )


class PictureWorkflowMixin:
    """Put before HistoryAdmin on ImageAdmin: a picture that a story the user
    may not edit shows is read-only to them (rules.can_change_picture)."""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return rules.can_change_picture(request.user, obj)


class EmbedWorkflowMixin:
    """Put before HistoryAdmin on EmbedAdmin: an embed that a story the user may
    not edit places is read-only to them, and no embed may take its name."""

    form = EmbedWorkflowForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user  # a class made for this request alone
        return form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return rules.can_change_embed(request.user, obj.slug)


@admin.register(Image)
class ImageAdmin(ImageChooserMixin, PictureWorkflowMixin, HistoryAdmin):
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

    @admin.display(description=_("Preview"))
    def large_preview(self, obj):
        if not obj.pk or not obj.has_renditions():
            return gettext("Save the picture to see it here and set its focal point.")
        return render_to_string("admin/articles/image_focal_point.html", {"image": obj})

    @admin.display(description=_("Used in"))
    def used_in(self, obj):
        uses = usage_links(obj) if obj.pk else []
        if not uses:
            return gettext("Nothing yet.")
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
                request, camera_credit_note(form.camera_credit), messages.WARNING
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
            gettext(
                "This version's picture file was deleted when the picture was "
                "replaced or deleted, so it cannot be restored. Upload the picture "
                "again instead."
            ),
            messages.ERROR,
        )
        return redirect(back)

    def get_deleted_objects(self, objs, request):
        """Refuse to delete pictures in use, saying where (stories, authors,
        outlets), for one picture and for the bulk action alike."""
        deleted, counts, perms_needed, _protected = super().get_deleted_objects(
            objs, request
        )
        # Translators: a picture's title, then where it is used.
        in_use = gettext("“{picture}”, {use}")
        protected = [
            format_html(in_use, picture=image, use=use)
            for image in objs
            for use in usage_links(image)
        ]
        return deleted, counts, perms_needed, protected


def usage_links(image):
    # Translators: where a picture is used ("lead image of the story"), then a
    # link to that story, author or outlet.
    use = gettext('{role} <a href="{url}">{name}</a>')
    return [
        format_html(
            use,
            role=role,
            url=reverse(admin_urlname(used_by._meta, "change"), args=[used_by.pk]),
            name=used_by,
        )
        for role, used_by in image.where_used()
    ]


@admin.register(Embed)
class EmbedAdmin(EmbedChooserMixin, EmbedWorkflowMixin, HistoryAdmin):
    list_display = ["slug", "kind", "author_name", "published_on"]
    list_filter = ["kind"]
    search_fields = ["slug", "author_name", "author_handle", "text"]
