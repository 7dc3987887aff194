"""How the story form shows what editors type: tags as names."""

import json

from django.urls import reverse
from taggit.forms import TagWidget
from taggit.utils import parse_tags


class TagsWidget(TagWidget):
    """A story's tags as a text box in taggit's format (quotes around names
    with commas or spaces), which admin-tags.js turns into removable names
    with suggestions from the tags already in use. Without JavaScript the box
    works as it is."""

    class Media:
        css = {"all": ["articles/admin-tags.css"]}
        js = ["articles/admin-tags.js"]

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
