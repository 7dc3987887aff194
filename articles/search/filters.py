"""The public archive's filters: /search/ and the JSON API share this FilterSet."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django_filters.constants import EMPTY_VALUES

from articles.models import Article, Author, Outlet, Section, Tag
from articles.models.content import language_validator

from .query import search

MAX_QUERY_LENGTH = 200
# Filters a story's search document applies as well as the story: it keeps
# the story's section and publication time under the same names.
DOCUMENT_FILTERS = {"section", "published_after", "published_before"}


class QuickSelect(forms.Select):
    """A drop-down list of flat choices (a model's rows, say) written in Python,
    with the markup Django's templates give.

    Django renders every option through templates of its own; for the archive's
    list of authors that was a third of the search page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            options,
        )


class ArchiveForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        after = cleaned.get("published_after")
        before = cleaned.get("published_before")
        if after and before and after > before:
            self.add_error(
                "published_before",
                # Translators: “From” is the label of the first day searched.
                gettext("Choose a date on or after the “From” date."),
            )
        return cleaned


class DayFilter(django_filters.DateFilter):
    """Stories published on or after a day (lookup_expr "gte") or on or before
    it ("lte"), in the site's time zone.

    Compared as a range of times, not by each story's date: the database can
    then use its index of publication times, and need not turn every story's
    time into a date (which SQLite does in Python, row by row).
    """

    def lookups(self, day):
        """This filter for `day`, as lookups on a publication time."""
        # The first and last days bound nothing, and their midnights in a
        # time zone far from UTC lie outside the dates Python can hold.
        if self.lookup_expr == "lte":
            if day == date.max:
                return {}
            return {f"{self.field_name}__lt": _midnight(day + timedelta(days=1))}
        if day == date.min:
            return {}
        return {f"{self.field_name}__gte": _midnight(day)}

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**self.lookups(value))


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=pgettext_lazy("the search form's field for words", "Search"),
        method="searched_last",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    section = django_filters.ModelChoiceFilter(
        queryset=Section.objects.all(),
        to_field_name="slug",
        label=gettext_lazy("Section"),
        empty_label=gettext_lazy("Any section"),
        widget=QuickSelect,
    )
    # A text box, not a list: a newsroom has thousands of tags.
    tag = django_filters.ModelChoiceFilter(
        field_name="tags",
        queryset=Tag.objects.all(),
        to_field_name="slug",
        label=gettext_lazy("Topic"),
        widget=forms.TextInput(attrs={"maxlength": 100}),
        error_messages={
            "invalid_choice": gettext_lazy(
                "No topic has this address; check the spelling."
            )
        },
    )
    author = django_filters.ModelChoiceFilter(
        field_name="authors",
        queryset=Author.objects.all(),
        to_field_name="slug",
        label=gettext_lazy("Author"),
        empty_label=gettext_lazy("Any author"),
        widget=QuickSelect,
    )
    outlet = django_filters.ModelChoiceFilter(
        queryset=Outlet.objects.all(),
        to_field_name="slug",
        label=gettext_lazy("Outlet"),
        empty_label=gettext_lazy("Any outlet"),
        widget=QuickSelect,
    )
    language = django_filters.CharFilter(
        label=gettext_lazy("Language"), max_length=35, validators=[language_validator]
    )
    published_after = DayFilter(
        field_name="published_at",
        lookup_expr="gte",
        label=pgettext_lazy("the first day searched", "From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_before = DayFilter(
        field_name="published_at",
        lookup_expr="lte",
        label=pgettext_lazy("the last day searched", "Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Article
        fields = []
        form = ArchiveForm

    def searched_last(self, queryset, name, value):
        return queryset  # see filter_queryset

    def filter_queryset(self, queryset):
        # The words go last: search ranks what the other filters leave.
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        return search(
            queryset, data.get("q") or "", documents=self.document_lookups(data)
        )

    def document_lookups(self, data):
        """The filters applied, as lookups on the search documents; None where
        one of them has no counterpart there."""
        applied = {
            name: self.filters[name]
            for name in self.filters
            if name != "q" and data.get(name)
        }
        if not applied.keys() <= DOCUMENT_FILTERS:
            return None
        lookups = {}
        for name, each in applied.items():
            if isinstance(each, DayFilter):
                lookups.update(each.lookups(data[name]))
            else:
                lookups[f"{each.field_name}__{each.lookup_expr}"] = data[name]
        return lookups
