"""Revision history: who changed what, and two revisions compared field by field."""

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import reversion
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.templatetags.admin_urls import admin_urlname
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from articles.models import Article, Byline, Correction, TaggedArticle

# Long text is compared line by line; HTML is cut into lines after each block.
_BLOCK_END = re.compile(r"(</(?:p|h[1-6]|blockquote|li|ul|ol|figure|figcaption)>)")
_WORDS = re.compile(r"\S+|\s+")
LONG_TEXT = 120


@dataclass
class Change:
    who: str
    at: datetime


def _name(user):
    if user is None:
        return gettext("Someone (not recorded)")
    return user.get_full_name() or user.get_username()


def last_change(obj, since: datetime) -> Change:
    """Who made the latest change to obj, as the revisions or the admin log tell."""
    version = (
        Version.objects.get_for_object(obj).select_related("revision__user").first()
    )
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    candidates = []
    if version is not None:
        candidates.append(
            Change(_name(version.revision.user), version.revision.date_created)
        )
    if entry is not None:
        candidates.append(Change(_name(entry.user), entry.action_time))
    latest = max(candidates, key=lambda change: change.at, default=None)
    # A change made outside the admin leaves no record of who made it.
    if latest is None or latest.at < since - timedelta(seconds=5):
        return Change(_name(None), since)
    return latest


# Comparing two versions.


@dataclass
class DiffLine:
    kind: str  # "same", "removed", "added" or "changed"
    segments: list = field(default_factory=list)  # (mark, text); mark "", "del", "ins"


@dataclass
class FieldComparison:
    label: str
    old: str
    new: str
    is_text: bool = False
    lines: list = field(default_factory=list)

    @property
    def changed(self):
        return self.old != self.new


def _split_lines(text):
    return [line for line in _BLOCK_END.sub(r"\1\n", text).splitlines() if line.strip()]


def _word_diff(old, new):
    old_words, new_words = _WORDS.findall(old), _WORDS.findall(new)
    segments = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("equal",):
            segments.append(("", "".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            segments.append(("del", "".join(old_words[a1:a2])))
        if b2 > b1:
            segments.append(("ins", "".join(new_words[b1:b2])))
    return segments


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """A line-by-line diff of two texts; changed lines are diffed word by word."""
    old_lines, new_lines = _split_lines(old), _split_lines(new)
    lines = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines += [DiffLine("same", [("", line)]) for line in old_lines[a1:a2]]
            continue
        pairs = min(a2 - a1, b2 - b1) if op == "replace" else 0
        for old_line, new_line in zip(
            old_lines[a1 : a1 + pairs], new_lines[b1 : b1 + pairs], strict=True
        ):
            lines.append(DiffLine("changed", _word_diff(old_line, new_line)))
        lines += [
            DiffLine("removed", [("del", line)]) for line in old_lines[a1 + pairs : a2]
        ]
        lines += [
            DiffLine("added", [("ins", line)]) for line in new_lines[b1 + pairs : b2]
        ]
    return lines


def _display(model_field, value):
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._base_manager.filter(pk=value).first()
        if related is None:
            return gettext("#%(id)s (deleted)") % {"id": value}
        return str(related)
    if isinstance(model_field, models.ManyToManyField):
        related = model_field.related_model._base_manager.filter(pk__in=value)
        return ", ".join(str(obj) for obj in related) or "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _compared_fields(model):
    return [
        f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.editable and not f.primary_key and f.attname
    ]


def _related_lines(version, parent):
    """The followed objects saved in version's revision (bylines, tags…), as
    text: one line each, in their order where they have one."""
    groups = {}
    for other in version.revision.version_set.exclude(pk=version.pk):
        model = other._model
        values = other.field_dict
        keys = [f for f in _compared_fields(model) if f.attname in values]
        parent_links = [
            f
            for f in keys
            if isinstance(f, models.ForeignKey) and f.related_model is type(parent)
        ]
        if not any(values[f.attname] == parent.pk for f in parent_links):
            continue
        shown = [f for f in keys if f not in parent_links and f.name != "position"]
        line = " · ".join(_display(f, values[f.attname]) for f in shown)
        label = str(model._meta.verbose_name_plural).capitalize()
        groups.setdefault(label, []).append((values.get("position", 0), line))
    return {
        label: "\n".join(line for _, line in sorted(lines))
        for label, lines in groups.items()
    }


def compare_versions(old: Version, new: Version, obj) -> list[FieldComparison]:
    """Every field of two versions of obj, and its followed objects, side by side."""
    rows = []
    for model_field in _compared_fields(type(obj)):
        name = model_field.attname
        old_text = _display(model_field, old.field_dict.get(name))
        new_text = _display(model_field, new.field_dict.get(name))
        label = str(model_field.verbose_name).capitalize()
        is_text = isinstance(model_field, models.TextField)
        rows.append(FieldComparison(label, old_text, new_text, is_text))
    old_related, new_related = _related_lines(old, obj), _related_lines(new, obj)
    for label in sorted({*old_related, *new_related}):
        # None of them in one revision: nothing to mark as removed or added.
        old_text, new_text = old_related.get(label, ""), new_related.get(label, "")
        rows.append(FieldComparison(label, old_text, new_text, True))
    for row in rows:
        if row.changed and (row.is_text or len(row.old + row.new) > LONG_TEXT):
            row.lines = diff_lines(row.old, row.new)
    return rows


class HistoryAdmin(VersionAdmin):
    """VersionAdmin whose history page compares two revisions, at the admin's
    own address for it: <object>/history/compare/?a=<revision>&b=<revision>."""

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_compare",
        )
        return [compare, *super().get_urls()]

    def compare_view(self, request, object_id):
        """Two revisions of one object compared; ?a= and ?b= name the revisions."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        old, new = _chosen(request, obj)
        try:
            rows = compare_versions(old, new, obj)
        except RevertError:
            # Saved by an earlier release whose fields this one cannot read.
            self.message_user(
                request,
                gettext(
                    "One of these revisions can no longer be read, so they cannot be "
                    "compared. Compare two later revisions."
                ),
                messages.WARNING,
            )
            return redirect(reverse(admin_urlname(self.opts, "history"), args=[obj.pk]))
        return TemplateResponse(
            request,
            "admin/articles/revision_compare.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Compare revisions of “%(object)s”") % {"object": obj},
                "opts": self.opts,
                "object": obj,
                "old": old,
                "new": new,
                "changed": [row for row in rows if row.changed],
                "unchanged": [row for row in rows if not row.changed],
            },
        )


def _chosen(request, obj):
    """The two revisions ?a= and ?b= name, older first; the latest two if the
    request names none."""
    versions = Version.objects.get_for_object(obj).select_related("revision__user")
    chosen = [_version(versions, request.GET.get(key)) for key in ("a", "b")]
    if None in chosen:
        latest = list(versions[:2])
        if len(latest) < 2:
            raise Http404("There is only one revision: nothing to compare yet.")
        chosen = [latest[1], latest[0]]
    old, new = sorted(chosen, key=lambda version: version.pk)
    return old, new


def _version(versions, revision_id):
    if not (revision_id or "").isdigit():
        return None
    version = versions.filter(revision_id=revision_id).first()
    if version is None:
        raise Http404("That revision is not one of this object's.")
    return version


def register_stories():
    """Stories' revisions keep their byline, corrections and tags (ArticleAdmin
    registers through here: VersionAdmin's own registration follows inlines
    only)."""
    for model in (Byline, Correction, TaggedArticle):
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Article):
        reversion.register(
            Article,
            follow=["bylines", "corrections", "tagged_items"],
            # A revoked preview key must never come back with a revert.
            exclude=["preview_key"],
        )
