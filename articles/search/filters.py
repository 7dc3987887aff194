"""The public archive's filters: /search/ and the JSON API share this FilterSet.

Readers name a section, topic, author or language as pages show them: by name,
in any case and script ("Ukraine", "украина", "English", "Русский"), or by the
slug or code in an address. Sections and languages are drop-down lists; topics
and authors text boxes suggesting the names most used lately (a bounded number:
an archive may hold thousands); outlets a drop-down list while they are few,
else such a box (search.suggestions). A section, outlet or language that names
nothing is a 400; a topic or author typed that names nothing finds no story,
and the page says why (FilterSet.unknown; the API answers it with a 400).
"""

import functools
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django_filters.constants import EMPTY_VALUES

from articles import editions
from articles.context_processors import chrome, section_name
from articles.models import Article, Author, Outlet, Section, Tag
from articles.models.content import language_validator

from .query import (
    documents_in,
    documents_written_in,
    language_named,
    recent_stories,
    rows_named,
    search,
    suggested_authors,
    suggested_topics,
)
from .suggestions import LISTED_OUTLETS, listed_outlets, suggested_outlets

MAX_QUERY_LENGTH = 200
# Filters a story's search document applies as well as the story: it keeps
# the story's section, language and publication time under the same names.
DOCUMENT_FILTERS = {"section", "language", "published_after", "published_before"}
# Filters naming a story by its link rows (the relation): a search with one
# author or topic walks them (ArticleFilter.link_walk), the author first.
LINKED_FILTERS = {"author": "bylines", "tag": "tagged_items"}


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


class SectionSelect(QuickSelect):
    """The sections by their names in the edition shown (cached with the
    navigation: no query)."""

    def render(self, name, value, attrs=None, renderer=None):
        self.choices = [("", gettext("Any section"))] + [
            (section.slug, section_name(section)) for section in chrome()["sections"]
        ]
        return super().render(name, value, attrs, renderer)


class LanguageSelect(QuickSelect):
    """The site's languages by their own names, the edition shown first as no
    choice (the page then lists that edition's stories)."""

    def render(self, name, value, attrs=None, renderer=None):
        shown = editions.active()
        self.choices = [("", editions.local_name(shown))] + [
            (code, editions.local_name(code))
            for code in editions.codes()
            if code != shown
        ]
        if value and value not in dict(self.choices):  # a tag such as az-Latn
            self.choices.append((value, editions.local_name(value)))
        return super().render(name, value, attrs, renderer)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value or editions.active()
        return option


class SuggestingInput(forms.TextInput):
    """A text box with a <datalist> of names a reader may pick or go on typing;
    `suggestions` gives them when the box is rendered, from the recent
    stories' ids `recent` gives (set by ArchiveForm, so that its boxes read
    those stories once), or from a read of their own."""

    recent = None

    def __init__(self, suggestions, attrs=None, recent=None):
        super().__init__(attrs)
        self.suggestions = suggestions
        self.recent = recent

    def render(self, name, value, attrs=None, renderer=None):
        listed = f"{(attrs or {}).get('id', name)}-suggestions"
        box = super().render(name, value, {**(attrs or {}), "list": listed}, renderer)
        suggested = self.suggestions(self.recent() if self.recent else None)
        names = format_html_join("", '<option value="{}">', ((n,) for n in suggested))
        return box + format_html('<datalist id="{}">{}</datalist>', listed, names)


class OutletInput(forms.Widget):
    """The outlets as a drop-down list while the site has few of them
    (LISTED_OUTLETS); past that, a text box suggesting those most used lately,
    so the page stays as small however many partners an archive names."""

    recent = None  # as SuggestingInput's

    def render(self, name, value, attrs=None, renderer=None):
        outlets = listed_outlets()
        if len(outlets) <= LISTED_OUTLETS:
            choices = [("", gettext("Any outlet")), *outlets]
            shown = QuickSelect(self.attrs, choices)
        else:
            shown = SuggestingInput(suggested_outlets, self.attrs, self.recent)
        return shown.render(name, value, attrs, renderer)


class DayInput(forms.DateInput):
    """<input type=date>: its value is a day written YYYY-MM-DD, or nothing. A
    day the reader wrote that is no date shows an empty box (its error says
    why), not a value the browser would have to discard."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = forms.DateField().to_python(value)
            except ValidationError:
                return None
        return value.isoformat() if isinstance(value, date) else None


class Unknown(str):
    """A name typed in a box that names nothing: its filter finds no story."""


class NamedField(forms.CharField):
    """Rows of `queryset` a reader names in a text box (see rows_named), or
    Unknown for a name that matches none; `unknown_message` says so."""

    def __init__(self, *, queryset, names=("name",), unknown_message="", **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset
        self.names = names
        self.unknown_message = unknown_message
        self.found = {}

    def clean(self, value):
        # Length and characters are checked first: malformed input is a 400
        # and reaches no query.
        text = super().clean(value)
        if not text:
            return None
        rows = rows_named(self.queryset, text, self.names)
        if not rows:
            return self.unknown(text)
        self.found[text] = rows
        return rows

    def unknown(self, text):
        return Unknown(text)


class ChosenField(NamedField):
    """Rows named as NamedField takes them, for a drop-down list: the choice
    shown is the row named, and a name matching none is refused."""

    default_error_messages = {
        "invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"]
    }

    def unknown(self, text):
        raise ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": text},
        )

    def prepare_value(self, value):
        rows = self.found.get(value.strip() if isinstance(value, str) else value)
        return rows[0].slug if rows else value

    def widget_attrs(self, widget):
        return {}  # no maxlength on a <select>


class NamedFilter(django_filters.Filter):
    """Stories related to the rows a NamedField (or ChosenField) cleans to;
    none for an Unknown name."""

    field_class = NamedField

    def lookups(self, rows):
        """This filter for `rows`, as a condition on a story (or search document)."""
        if len(rows) == 1:
            return Q(**{self.field_name: rows[0]})
        return Q(**{f"{self.field_name}__in": rows})

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if isinstance(value, Unknown):
            return qs.none()
        if len(value) == 1:
            return qs.filter(self.lookups(value))
        # Namesakes: each story once, however many of them wrote it.
        related = qs.model._base_manager.filter(self.lookups(value))
        return qs.filter(pk__in=related.values("pk"))


class ChosenFilter(NamedFilter):
    field_class = ChosenField


class LanguageField(forms.CharField):
    """A language by its name or its BCP 47 tag (see language_named); a value
    that is neither is refused."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return text
        code = language_named(text)
        if code is None:
            language_validator(text)
        return code or text

    def prepare_value(self, value):
        code = language_named(value) if isinstance(value, str) and value else None
        return "" if code == editions.active() else code or value

    def widget_attrs(self, widget):
        return {}  # no maxlength on a <select>


class LanguageFilter(django_filters.CharFilter):
    """Stories in a language: its tag, or a narrower one (az takes az-Latn)."""

    field_class = LanguageField

    def lookups(self, code):
        """This filter for `code`, as a condition on a story."""
        return editions.written_in(code)

    def document_lookups(self, code, using):
        """This filter for `code`, as a condition on the search documents that
        their GIN index takes beside the words (search.query.documents_in)."""
        return documents_written_in(code, using)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(self.lookups(value))


class ArchiveForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The recent stories every box suggests names from, read once when
        # the first box is rendered (each form's widgets are its own copies).
        recent = functools.cache(
            lambda: list(recent_stories().values_list("pk", flat=True))
        )
        for field in self.fields.values():
            if hasattr(field.widget, "recent"):
                field.widget.recent = recent

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, Unknown):
                # Django ties an error to its box; a name that found nothing
                # is no error, but the reader hears why just the same.
                self.fields[name].widget.attrs.update(
                    {
                        "aria-invalid": "true",
                        "aria-describedby": f"{self[name].auto_id}_error",
                    }
                )
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
        """This filter for `day`, as a condition on a publication time."""
        # The first and last days bound nothing, and their midnights in a
        # time zone far from UTC lie outside the dates Python can hold.
        if self.lookup_expr == "lte":
            if day == date.max:
                return Q()
            return Q(**{f"{self.field_name}__lt": _midnight(day + timedelta(days=1))})
        if day == date.min:
            return Q()
        return Q(**{f"{self.field_name}__gte": _midnight(day)})

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(self.lookups(value))


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=pgettext_lazy("the search form's field for words", "Search"),
        method="searched_last",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    section = ChosenFilter(
        queryset=Section.objects.all(),
        names=("name", "translations__name"),
        max_length=80,
        label=gettext_lazy("Section"),
        widget=SectionSelect,
    )
    tag = NamedFilter(
        field_name="tags",
        queryset=Tag.objects.all(),
        max_length=100,
        label=gettext_lazy("Topic"),
        widget=SuggestingInput(suggested_topics),
        unknown_message=gettext_lazy(
            "No topic is called “%(name)s”; check the spelling."
        ),
    )
    author = NamedFilter(
        field_name="authors",
        queryset=Author.objects.all(),
        max_length=120,
        label=gettext_lazy("Author"),
        widget=SuggestingInput(suggested_authors),
        unknown_message=gettext_lazy(
            "No author is called “%(name)s”; check the spelling."
        ),
    )
    outlet = ChosenFilter(
        queryset=Outlet.objects.all(),
        max_length=120,
        label=gettext_lazy("Outlet"),
        widget=OutletInput,
    )
    language = LanguageFilter(
        label=gettext_lazy("Language"), max_length=35, widget=LanguageSelect
    )
    published_after = DayFilter(
        field_name="published_at",
        lookup_expr="gte",
        label=pgettext_lazy("the first day searched", "From"),
        widget=DayInput,
    )
    published_before = DayFilter(
        field_name="published_at",
        lookup_expr="lte",
        label=pgettext_lazy("the last day searched", "Until"),
        widget=DayInput,
    )

    class Meta:
        model = Article
        fields = []
        form = ArchiveForm

    def __init__(self, data=None, *args, edition=None, **kwargs):
        """`edition`: the edition whose stories are searched when no language is
        asked for (the search page's); None for every language (the API)."""
        super().__init__(data, *args, **kwargs)
        self.edition = edition

    @property
    def unknown(self):
        """{filter name: what the page says} for each name typed that names
        nothing (the filters then find no story)."""
        data = getattr(self.form, "cleaned_data", {})
        return {
            name: self.form.fields[name].unknown_message % {"name": value}
            for name, value in data.items()
            if isinstance(value, Unknown)
        }

    @property
    def notices(self):
        """[(bound field, [what the page says of it])] for each box whose value
        was refused or found nothing, in the form's order."""
        unknown = self.unknown
        return [
            (field, [*field.errors, *filter(None, [unknown.get(field.name)])])
            for field in self.form
            if field.errors or field.name in unknown
        ]

    def searched_last(self, queryset, name, value):
        return queryset  # see filter_queryset

    def filter_queryset(self, queryset):
        if self.unknown:
            return queryset.none()
        # The words go last: search ranks what the other filters leave.
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        queryset = queryset.filter(self.edition_searched(data))
        return search(
            queryset,
            data.get("q") or "",
            documents=functools.partial(self.document_lookups, data, queryset.db),
            walk=functools.partial(self.link_walk, queryset, data),
        )

    def link_walk(self, queryset, data):
        """`queryset` read newest first down the link rows of the one author
        (or else topic) asked for, in the edition searched (see
        ArticleQuerySet.linked_in): what a search walks for the most recent
        matches. None where no single author or topic is asked for, or no one
        edition is searched (the API; a language asked for)."""
        code = self.edition_code(data)
        for name, link in LINKED_FILTERS.items():
            rows = data.get(name)
            if code and rows and len(rows) == 1:
                return queryset.linked_in(link, rows[0], code)
        return None

    def edition_code(self, data):
        """The edition searched when no language is asked for; None when every
        language is (the API), or one was asked for."""
        return None if data.get("language") else self.edition

    def edition_searched(self, data):
        """The condition of the edition searched when no language is asked for
        (an empty one for every language)."""
        code = self.edition_code(data)
        return Q() if code is None else editions.stories_in(code)

    def document_lookups(self, data, using):
        """The filters applied and the edition searched, as one condition on
        the search documents (which keep the fields they name; an edition as
        documents_in() names it); None where a filter has no counterpart
        there."""
        applied = {
            name: self.filters[name]
            for name in self.filters
            if name != "q" and data.get(name)
        }
        if not applied.keys() <= DOCUMENT_FILTERS:
            return None
        code = self.edition_code(data)
        condition = Q() if code is None else documents_in(code, using)
        for name, each in applied.items():
            if isinstance(each, LanguageFilter):  # as the documents' index keys it
                condition &= each.document_lookups(data[name], using)
            else:
                condition &= each.lookups(data[name])
        return condition
