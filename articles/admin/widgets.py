"""How the admin shows what editors type and read: tags as names, times that
name the newsroom's time zone, and short times for list columns."""

import json

from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagWidget
from taggit.utils import parse_tags

from . import rules
from .catalog import CATALOG


class ZonedSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, the time labelled with its zone.

    Times are typed and shown in the newsroom's zone (TIME_ZONE), whatever the
    editor's computer says; the admin's "You are N hours behind server time"
    note is hidden in admin-newsroom.css, since this label says the same for
    every editor (see that file for why the note is hidden, not removed).
    """

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        zone = rules.newsroom_time()
        # Translators: the label of a time box: "Tbilisi time:".
        context["time_label"] = gettext("%(zone)s:") % {"zone": zone}
        # The field's label names the date box; the time box is named here.
        context["widget"]["subwidgets"][1]["attrs"]["aria-label"] = zone
        return context

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


# For a ModelAdmin's or an inline's formfield_overrides: every time it edits
# names the newsroom's zone.
ZONED_TIMES = {models.DateTimeField: {"widget": ZonedSplitDateTime}}


class NamedAutocompleteSelect(AutocompleteSelect):
    """Django's search-as-you-type choice, saying what to choose until a
    choice is made: the box's accessible name is what it shows, else nothing."""

    def __init__(self, *args, placeholder="", **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-placeholder"] = self.placeholder
        return attrs


def say_what_to_choose(model_admin, db_field, request, kwargs, placeholders):
    """For formfield_for_foreignkey: an autocomplete field of `model_admin`
    shows its placeholder ("Choose a section") while empty."""
    if "widget" in kwargs or db_field.name not in model_admin.get_autocomplete_fields(
        request
    ):
        return
    kwargs["widget"] = NamedAutocompleteSelect(
        db_field,
        model_admin.admin_site,
        using=kwargs.get("using"),
        placeholder=placeholders.get(db_field.name, _("Choose…")),
    )


class TagsWidget(TagWidget):
    """A story's tags as a text box in taggit's format (quotes around names
    with commas or spaces), which admin-tags.js turns into removable names
    with suggestions from the tags already in use. Without JavaScript the box
    works as it is."""

    class Media:
        css = {"all": ["articles/admin-tags.css"]}
        js = [CATALOG, "articles/admin-tags.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-tags": json.dumps(tag_names(value), ensure_ascii=False),
                "data-suggest-url": reverse("admin:articles_tag_suggest"),
                "autocomplete": "off",
            }
        )
        return context


def tag_names(value):
    """The names a tags field holds: tags from the database, or the text a
    form was sent back with (read as taggit reads it)."""
    if value is None:
        return []
    if isinstance(value, str):
        try:
            return parse_tags(value)
        except ValueError:
            return [value]
    return sorted(tag.name for tag in value)


def compact(moment, time=True):
    """A time in a list column, in the newsroom's time zone: "28 Feb 2022" over
    "10:00" (or the date alone), so the columns stay narrow."""
    if moment is None:
        return "–"
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}{}</time>',
        local.isoformat(),
        formats.date_format(local, "DATETIME_FORMAT"),
        formats.date_format(local, "j M Y"),
        format_html("<br>{}", formats.time_format(local, "H:i")) if time else "",
    )
