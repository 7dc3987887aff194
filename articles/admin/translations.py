"""A story's translations in the admin: the list filter by edition, the
translations shown on the story form, and "Add a translation", which opens a
new story prefilled with the original's section, outlet, tags, pictures and
authors."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.utils import edit_string_for_tags

from articles import editions
from articles.models import SectionTranslation, SupportText, TierTranslation

# What a translation starts with from its original.
SHARED_FIELDS = [
    "section",
    "outlet",
    "lead_image",
    "lead_image_caption",
    "lead_image_credit",
]


class EditionFilter(admin.SimpleListFilter):
    """Stories by the edition they live in (articles.editions)."""

    title = _("language")
    parameter_name = "edition"

    def lookups(self, request, model_admin):
        return editions.choices()

    def queryset(self, request, queryset):
        if self.value() in editions.codes():
            return queryset.in_edition(self.value())
        return queryset


class TranslationsMixin:
    """For ArticleAdmin: the `translations` read-only field, and new stories
    prefilled from `?translation_of=<id>`."""

    @admin.display(description=_("Translations"))
    def translations(self, obj):
        if obj is None or not obj.pk:
            return gettext("Save the story to add translations of it.")
        original = obj.translation_of or obj
        versions = (
            type(obj)
            .objects.filter(Q(pk=original.pk) | Q(translation_of=original))
            .only("headline", "language", "status", "published_at")
            .order_by("language", "pk")
        )
        rows = format_html_join(
            "",
            '<li><a href="{}" lang="{}">{}</a> · {} · {}</li>',
            (
                (
                    reverse("admin:articles_article_change", args=[version.pk]),
                    version.language,
                    version.headline,
                    editions.local_name(version.edition),
                    version.state.label,
                )
                for version in versions
                if version.pk != obj.pk
            ),
        )
        add = format_html(
            '<a class="addlink" href="{}?translation_of={}">{}</a>',
            reverse("admin:articles_article_add"),
            original.pk,
            gettext("Add a translation"),
        )
        if not rows:
            return format_html('<p class="translations">{}</p>', add)
        return format_html('<ul class="translations">{}</ul><p>{}</p>', rows, add)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "language" in form.base_fields:
            # The editions by name; a tag kept from before stays on offer.
            choices = editions.choices()
            if obj is not None and obj.language not in editions.codes():
                choices.append((obj.language, obj.language))
            form.base_fields["language"].widget = forms.Select(choices=choices)
        return form

    def translated_original(self, request):
        """The story a new translation is of (`?translation_of=`), if the user
        may read it."""
        if request.method != "GET" or "_changelist_filters" in request.GET:
            return None
        number = request.GET.get("translation_of", "")
        if not number.isascii() or not number.isdigit():
            return None
        found = self.get_queryset(request).filter(pk=int(number)).first()
        if found is None or not self.has_view_permission(request, found):
            return None
        return found.translation_of or found

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        original = self.translated_original(request)
        if original is None:
            # Django copies the address's ?translation_of= as it is: it names
            # no story the user may read, so the form starts without one.
            initial.pop("translation_of", None)
            return initial
        initial["translation_of"] = original.pk
        for field in SHARED_FIELDS:
            initial[field] = getattr(original, f"{field}_id", None) or getattr(
                original, field
            )
        initial["tags"] = edit_string_for_tags(list(original.tags.all()))
        done = {version.edition for version in original.translations.all()}
        done.add(original.edition)
        missing = [code for code in editions.codes() if code not in done]
        if missing:
            initial["language"] = missing[0]
        return initial

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj is None or obj.pk is None:
            original = self.translated_original(request)
            if original is not None and prefix == "bylines":
                kwargs["initial"] = [
                    {"author": byline.author_id, "position": byline.position}
                    for byline in original.bylines.all()
                ]
        return kwargs


class PrefilledBylineMixin:
    """For the byline inline: room for the authors a new translation starts with."""

    def get_extra(self, request, obj=None, **kwargs):
        extra = super().get_extra(request, obj, **kwargs)
        if obj is not None:
            return extra
        original = self.admin_site._registry[self.parent_model].translated_original(
            request
        )
        return max(extra, original.bylines.count()) if original else extra


class EditionTextInline(admin.StackedInline):
    """Texts written per edition: the language chosen among the editions."""

    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "language":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                choices=editions.choices()[1:],  # not the default one
                help_text=_(
                    "The default language's text is the one above; this one "
                    "replaces it in the language's edition."
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SupportTextInline(EditionTextInline):
    model = SupportText
    fields = ["language", "support_heading", "support_text"]


class TierTranslationInline(EditionTextInline):
    model = TierTranslation
    fields = ["language", "name", "benefits"]


class SectionTranslationInline(EditionTextInline):
    model = SectionTranslation
    fields = ["language", "name", "description"]
