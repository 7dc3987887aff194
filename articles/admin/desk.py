"""The story form's desk: nothing lost between saves, and a live preview.

- Autosave: the form's script (static/articles/admin-desk.js) posts the
  form's own fields as JSON a few seconds after a change, and as the page is
  hidden, to the user's Autosave for the story (articles.models.desk): never
  the story, never a revision, never a page-cache flush. The form offers it
  back while it is newer than the story's last save; a save removes it.
- Live preview: the script posts the unsaved form to live_preview_view, which
  renders the public story template from it into a sandboxed frame beside the
  form, writing nothing; the frame's page keeps the readers' policy and may be
  framed by the admin alone.

Both answer only people who may edit the story, as the form itself does
(has_change_permission, i.e. rules.can_edit; has_add_permission for a new one).
"""

import json
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.forms import Media, Script
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views.decorators.clickjacking import xframe_options_sameorigin

from articles import slugs, views
from articles.html import sanitise_body
from articles.models import Article, Autosave, Tag

from .catalog import CATALOG
from .rules import when

AUTOSAVE_MAX_BYTES = 1024 * 1024
# The edit-conflict check belongs to the page that was opened, never to a copy.
NOT_KEPT = frozenset({"opened_at"})
MANAGEMENT_FIELDS = frozenset(
    {"TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"}
)
MAX_INLINE_ROWS = 1000
LABEL_LENGTH = 300
# A new story has no primary key, and Django reads no relation of an object
# without one; the preview's new story borrows one no row can have.
UNSAVED_PK = 0
PREVIEW_TEMPLATE = "admin/articles/article/live_preview.html"
PREVIEW_ERROR_TEMPLATE = "admin/articles/article/live_preview_error.html"


class Refused(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@dataclass
class FormFields:
    """The names the story form posts: its own fields and its inlines' rows."""

    own: set
    inlines: dict = field(default_factory=dict)  # prefix: the rows' field names

    def __contains__(self, name):
        if name in self.own:
            return True
        prefix, _, rest = name.partition("-")
        if prefix not in self.inlines:
            return False
        index, _, row_field = rest.partition("-")
        if not row_field:
            return rest in MANAGEMENT_FIELDS
        return (
            index.isdigit()
            and int(index) < MAX_INLINE_ROWS
            and row_field in self.inlines[prefix]
        )


def saved_at(moment):
    """When an autosave was made, as the editor reads it: 11:42, or a full date."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return when(moment)


def _values(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise Refused(400, "Each field is a string or a list of strings.")


def _labels(labels, names):
    """The option texts of chosen values (a picture's title), so they show again."""
    if not isinstance(labels, dict):
        return {}
    return {
        name: {
            str(value)[:LABEL_LENGTH]: str(text)[:LABEL_LENGTH]
            for value, text in options.items()
        }
        for name, options in labels.items()
        if name in names and isinstance(options, dict)
    }


def read_autosave(request, names: FormFields) -> dict:
    """The form's own fields from an autosave request; anything else is dropped."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > AUTOSAVE_MAX_BYTES:
        raise Refused(413, "Too large to keep.")
    body = request.body
    if len(body) > AUTOSAVE_MAX_BYTES:
        raise Refused(413, "Too large to keep.")
    try:
        sent = json.loads(body)
    except ValueError:
        raise Refused(400, "Not JSON.") from None
    if not isinstance(sent, dict) or not isinstance(sent.get("fields"), dict):
        raise Refused(400, "Send {“fields”: {name: value}}.")
    fields = {
        name: _values(value) for name, value in sent["fields"].items() if name in names
    }
    return {"fields": fields, "labels": _labels(sent.get("labels"), names)}


def first_error(form, formsets) -> str:
    """The first thing that stops the form from saving, in the form's words."""
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else None
        return _labelled(label, errors[0]) if label else errors[0]
    for formset in formsets:
        if not formset.is_valid():
            return _labelled(formset.model._meta.verbose_name, _row_error(formset))
    return ""


def _labelled(label, error):
    """An error with the name of the field it is about: "Headline: …"."""
    # Translators: a field's name, then what is wrong with it.
    return gettext("%(field)s: %(error)s") % {"field": capfirst(label), "error": error}


def _row_error(formset):
    if formset.non_form_errors():
        return formset.non_form_errors()[0]
    row, name, errors = next(
        (row, name, errors)
        for row in formset.forms
        for name, errors in row.errors.items()
    )
    label = row.fields[name].label if name in row.fields else None
    return _labelled(label, errors[0]) if label else errors[0]


def _named_tags(names):
    """Tags as the form would save them: the existing ones, and new ones unsaved."""
    wanted = {name.lower(): name for name in names}
    if not wanted:
        return []
    # As taggit finds them (case aside); SQL's LOWER() knows only ASCII on SQLite.
    matching = reduce(or_, (Q(name__iexact=name) for name in wanted.values()))
    existing = {tag.name.lower(): tag for tag in Tag.objects.filter(matching)}
    tags = [
        existing.get(lower) or Tag(name=name, slug=slugs.slugify(name, 100, "tag"))
        for lower, name in wanted.items()
    ]
    return sorted(tags, key=lambda tag: tag.name.lower())


def _kept_rows(formset):
    """The inline rows the form would keep: saved or filled in, and not deleted."""
    return [
        row.instance
        for row in formset.forms
        if (row.instance.pk or row.has_changed()) and not row.cleaned_data.get("DELETE")
    ]


def unsaved_story(form, formsets) -> Article:
    """The story as the valid form would save it, without saving anything."""
    story = form.instance  # the form has put its cleaned data there
    story.body = sanitise_body(story.body)
    if not slugs.SLUG.match(story.slug or ""):
        story.slug = slugs.slugify(story.headline, 200, "story")
    from_form = {
        formset.fk.remote_field.cache_name: sorted(
            _kept_rows(formset), key=lambda row: getattr(row, "position", 0)
        )
        for formset in formsets
    }
    if "tags" in form.cleaned_data:
        from_form["tags"] = _named_tags(form.cleaned_data["tags"] or [])
    # What the form does not carry (an inline this user is not shown) is as saved.
    related = {
        name: list(getattr(story, name).all()) if story.pk else []
        for name in ("bylines", "corrections", "tags")
        if name not in from_form
    }
    related |= from_form
    story.is_translated = bool(story.pk) and (
        Article.objects.published().filter(translation_of=story.pk).exists()
    )
    if story.pk is None:
        story.pk = UNSAVED_PK
    story._prefetched_objects_cache = related
    return story


class DeskMixin:
    """Autosave and live preview for ArticleAdmin."""

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        autosave = self.admin_site.admin_view(self.autosave_view)
        preview = self.admin_site.admin_view(
            xframe_options_sameorigin(
                csp_replace({"frame-ancestors": [SELF]})(self.live_preview_view)
            )
        )
        return [
            path("add/autosave/", autosave, name=f"{info}_autosave_new"),
            path("add/live-preview/", preview, name=f"{info}_live_preview_new"),
            path("<path:object_id>/autosave/", autosave, name=f"{info}_autosave"),
            path(
                "<path:object_id>/live-preview/",
                preview,
                name=f"{info}_live_preview",
            ),
            *super().get_urls(),
        ]

    def _desk_url(self, name, story):
        info = f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}"
        if story is None:
            return reverse(f"{info}_new")
        return reverse(info, args=[story.pk])

    def _editable_story(self, request, object_id):
        """The story the user may edit (None: a new one they may write)."""
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
            return None
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404("No such story.")
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        return story

    def _form_fields(self, request, story) -> FormFields:
        change = story is not None
        form = self.get_form(request, story, change=change)
        names = FormFields(own=set(form.base_fields) - NOT_KEPT)
        for formset, _inline in self.get_formsets_with_inlines(request, story):
            row = {*formset.form.base_fields, formset.fk.name, "id", "DELETE", "ORDER"}
            names.inlines[formset.get_default_prefix()] = row
        return names

    # Autosave.

    def autosave_view(self, request, object_id=None):
        story = self._editable_story(request, object_id)
        mine = Autosave.objects.of(request.user, story)
        if request.method == "GET":
            autosave = Autosave.objects.newer_than_save(request.user, story)
            if autosave is None:
                raise Http404("No unsaved changes are kept for this story.")
            return JsonResponse(
                {**autosave.data, "saved_at": saved_at(autosave.updated_at)}
            )
        if request.method == "DELETE":
            mine.delete()
            return HttpResponse(status=204)
        if request.method != "POST":
            return HttpResponseNotAllowed(["GET", "POST", "DELETE"])
        try:
            data = read_autosave(request, self._form_fields(request, story))
        except Refused as refusal:
            return JsonResponse({"error": str(refusal)}, status=refusal.status)
        autosave, _ = Autosave.objects.update_or_create(
            user=request.user, story=story, defaults={"data": data}
        )
        return JsonResponse({"saved_at": saved_at(autosave.updated_at)})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Saved: what was kept for this form is in the story now.
        Autosave.objects.of(request.user, obj).delete()
        if not change:
            Autosave.objects.of(request.user, None).delete()

    # Live preview.

    def live_preview_view(self, request, object_id=None):
        story = self._editable_story(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # Belt and braces: the preview only reads, and anything a form's
        # cleaning might write is rolled back.
        with transaction.atomic():
            response = self._render_preview(request, story)
            transaction.set_rollback(True)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        # A reader's page: the readers' policy, not the admin's additions.
        response._csp_reader_page = True
        return response

    def _render_preview(self, request, story):
        data = request.POST.copy()
        data.pop("opened_at", None)  # no edit-conflict lock for a look
        change = story is not None
        instance = story if change else self.model(created_by=request.user)
        form_class = self.get_form(request, story, change=change)
        form = form_class(data, request.FILES, instance=instance)
        formsets = [
            formset_class(
                data,
                request.FILES,
                instance=instance,
                prefix=formset_class.get_default_prefix(),
                queryset=inline.get_queryset(request),
            )
            for formset_class, inline in self.get_formsets_with_inlines(request, story)
        ]
        error = first_error(form, formsets)
        if error:
            return render(request, PREVIEW_ERROR_TEMPLATE, {"error": error})
        context = views.story_context(
            request, unsaved_story(form, formsets), is_preview=True
        )
        return render(request, PREVIEW_TEMPLATE, context)

    # The form's page.

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if self._is_desk(request, obj):
            context["media"] = context["media"] + self._desk_media(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _is_desk(self, request, obj):
        """The story's own form, and the user may save it (not a revision's)."""
        match = request.resolver_match
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        if obj is None or obj.pk is None:
            return match.url_name == f"{info}_add" and self.has_add_permission(request)
        return match.url_name == f"{info}_change" and self.has_change_permission(
            request, obj
        )

    def _desk_media(self, request, obj):
        story = obj if obj is not None and obj.pk else None
        # A refused save shows the typing itself: nothing to offer then.
        offer = None
        if request.method == "GET":
            offer = Autosave.objects.newer_than_save(request.user, story)
        desk = Script(
            "articles/admin-desk.js",
            **{
                "data-autosave-url": self._desk_url("autosave", story),
                "data-autosave-offer": saved_at(offer.updated_at) if offer else "",
                "data-autosave-limit": AUTOSAVE_MAX_BYTES,
                "defer": True,
            },
        )
        preview = Script(
            "articles/admin-desk-preview.js",
            **{
                "data-preview-url": self._desk_url("live_preview", story),
                "defer": True,
            },
        )
        return Media(
            js=[CATALOG, desk, preview], css={"all": ["articles/admin-desk.css"]}
        )
