"""Membership prompts and tiers in the admin: the forms, their previews, figures
and CSV export."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from articles import views
from articles.models import Article, MembershipPrompt, MembershipTier, PromptVariant
from articles.prompts import figures

from .history import HistoryAdmin
from .translations import TierTranslationInline
from .widgets import ZONED_TIMES, compact

FIGURE_DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
PREVIEW_STORY_CHOICES = 50


class PromptVariantInline(admin.StackedInline):
    model = PromptVariant
    extra = 0
    fields = ["name", "weight", "heading", "body", "button_label"]
    verbose_name = _("variant (A/B test)")
    verbose_name_plural = _(
        "variants: other wordings shown to a share of readers, to compare their figures"
    )


def _seen_in_recent_days():
    return ngettext("Seen (%(days)s day)", "Seen (%(days)s days)", DEFAULT_DAYS) % {
        "days": DEFAULT_DAYS
    }


def chosen_days(request):
    try:
        days = int(request.GET.get("days", DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return days if days in FIGURE_DAYS else DEFAULT_DAYS


class PromptFiguresMixin:
    """Figures columns, a figures page, CSV exports and a preview for prompts."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                **figures.window_sums("daily_stats__", figures.since(DEFAULT_DAYS))
            )
        )

    @admin.display(description=lazy(_seen_in_recent_days, str)())
    def impressions_recent(self, obj):
        return obj.impressions_sum

    @admin.display(description=_("Clicks"))
    def clicks_recent(self, obj):
        return obj.clicks_sum

    @admin.display(description=_("Click-through"))
    def ctr_recent(self, obj):
        return figures.Figures("", obj.impressions_sum, obj.clicks_sum).ctr_display

    @admin.display(description=_("Figures and preview"))
    def figures_link(self, obj):
        return format_html(
            '<a href="{}">{}</a><br><a href="{}">{}</a>',
            reverse("admin:articles_membershipprompt_figures", args=[obj.pk]),
            gettext("Figures"),
            reverse("admin:articles_membershipprompt_preview", args=[obj.pk]),
            gettext("Preview"),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "figures.csv",
                wrap(self.all_figures_csv),
                name="articles_membershipprompt_figures_csv",
            ),
            path(
                "<int:pk>/figures/",
                wrap(self.figures_view),
                name="articles_membershipprompt_figures",
            ),
            path(
                "<int:pk>/figures.csv",
                wrap(self.figures_csv),
                name="articles_membershipprompt_prompt_figures_csv",
            ),
            path(
                "<int:pk>/preview/",
                wrap(never_cache(self.preview_view)),
                name="articles_membershipprompt_preview",
            ),
            *super().get_urls(),
        ]

    def _viewable(self, request, pk=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if pk is None:
            return None
        return get_object_or_404(
            MembershipPrompt.objects.prefetch_related("variants"), pk=pk
        )

    def figures_view(self, request, pk):
        prompt = self._viewable(request, pk)
        days = chosen_days(request)
        first_day = figures.since(days)
        per_day = figures.daily(prompt, first_day)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": prompt,
            "title": gettext("Figures: %(prompt)s") % {"prompt": prompt},
            "prompt": prompt,
            "days": days,
            "day_choices": FIGURE_DAYS,
            "first_day": first_day,
            "versions": list(
                zip(
                    figures.by_version(prompt, first_day),
                    figures.by_version(prompt),
                    strict=True,
                )
            ),
            "per_day": per_day,
            "impressions_chart": figures.bar_chart(
                per_day, "impressions", gettext("Seen")
            ),
            "clicks_chart": figures.bar_chart(per_day, "clicks", gettext("Clicks")),
        }
        return TemplateResponse(request, "admin/articles/prompt_figures.html", context)

    def figures_csv(self, request, pk):
        prompt = self._viewable(request, pk)
        return self._csv(f"prompt-{prompt.pk}-figures.csv", [prompt])

    def all_figures_csv(self, request):
        self._viewable(request)
        return self._csv("prompt-figures.csv", MembershipPrompt.objects.all())

    def _csv(self, filename, prompts):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return figures.write_csv(response, prompts)

    def preview_view(self, request, pk):
        prompt = self._viewable(request, pk)
        stories = Article.objects.order_by(
            F("published_at").desc(nulls_last=True), "-pk"
        )
        story_id = request.GET.get("story", "")
        story = stories.filter(pk=story_id).first() if story_id.isdigit() else None
        story = story or stories.first()
        if story is None:
            messages.warning(
                request, gettext("Write a story first: prompts preview on one.")
            )
            return redirect("admin:articles_membershipprompt_change", prompt.pk)
        variant = request.GET.get("variant", "0")
        keys = [version.variant_key for version in prompt.versions]
        shown = int(variant) if variant.isdigit() and int(variant) in keys else 0
        if prompt.placement == MembershipPrompt.Placement.HOME:
            context = views.home_context()
            template = "admin/articles/prompt_preview_home.html"
        else:
            context = views.story_context(
                request,
                Article.objects.for_story().get(pk=story.pk),
                is_preview=True,
                prompt_preview=prompt,
            )
            template = "admin/articles/prompt_preview_story.html"
        context.update(
            {
                "prompt_preview": prompt,
                "prompt_preview_variant": shown,
                "preview_stories": stories[:PREVIEW_STORY_CHOICES],
                "preview_story": story,
                "preview_versions": prompt.versions,
            }
        )
        response = render(request, template, context)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class PromptListForm(forms.ModelForm):
    """A row of the prompt list: each box says what it changes, and for which
    prompt, since a table's headings do not name the boxes in its cells."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Translators: what a box of the prompt list changes, for which prompt.
            field.widget.attrs["aria-label"] = gettext("%(field)s: %(prompt)s") % {
                "field": field.label,
                "prompt": self.instance,
            }


@admin.register(MembershipPrompt)
class MembershipPromptAdmin(PromptFiguresMixin, HistoryAdmin):
    class Media:
        css = {"all": ["articles/admin-preview.css"]}

    # Fits beside the sidebar and the filters at 1280 px, so the figures and
    # the preview stay in view: placement and kind go under the name (both are
    # filters too), and the window is one short column.
    list_display = [
        "prompt",
        "is_active",
        "priority",
        "window",
        "impressions_recent",
        "clicks_recent",
        "ctr_recent",
        "figures_link",
    ]
    list_display_links = ["prompt"]
    list_filter = ["placement", "kind", "is_active"]
    formfield_overrides = ZONED_TIMES
    list_editable = ["is_active", "priority"]
    search_fields = ["name", "heading", "body"]
    # Tags may number thousands: typed, never listed in full.
    autocomplete_fields = ["sections", "tags", "outlets"]
    readonly_fields = ["rendered_preview"]
    inlines = [PromptVariantInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "placement", "paragraph", "kind", "rendered_preview"]},
        ),
        (
            _("Appeal"),
            {"fields": ["heading", "body", "button_label", "button_url", "weight"]},
        ),
        (_("When"), {"fields": ["is_active", "starts_at", "ends_at", "priority"]}),
        (
            _("Where (leave empty for everywhere)"),
            {"fields": ["sections", "tags", "outlets", "languages"]},
        ),
        (
            _("Each reader"),
            {"fields": ["dismissal", "dismiss_days", "max_views_per_week"]},
        ),
    ]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=PromptListForm, **kwargs)

    @admin.display(description=_("Prompt"), ordering="name")
    def prompt(self, obj):
        return format_html(
            '{}<br><span class="prompt-list__where">{} · {}</span>',
            obj.name,
            obj.get_placement_display(),
            obj.get_kind_display().lower(),
        )

    @admin.display(description=_("Runs"), ordering="starts_at")
    def window(self, obj):
        limits = [
            format_html(words, day=compact(moment, time=False))
            for words, moment in (
                # Translators: a prompt runs from a day, "until" another.
                (gettext("from {day}"), obj.starts_at),
                (gettext("until {day}"), obj.ends_at),
            )
            if moment
        ]
        return format_html_join(mark_safe("<br>"), "{}", zip(limits)) or gettext(
            "Always"
        )

    @admin.display(description=_("How it looks"))
    def rendered_preview(self, obj):
        if not obj.pk:
            return gettext("Save the prompt to see how it looks.")
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
class MembershipTierAdmin(HistoryAdmin):
    class Media:
        css = {"all": ["articles/admin-preview.css"]}

    # The tier's name and benefits in the other editions' languages.
    inlines = [TierTranslationInline]

    list_display = ["name", "amount", "currency", "interval", "is_active", "position"]
    list_editable = ["is_active", "position"]
    list_filter = ["is_active", "interval"]
    search_fields = ["name"]
    readonly_fields = ["rendered_preview"]

    @admin.display(description=_("How it looks"))
    def rendered_preview(self, obj):
        if not obj.pk:
            return gettext("Save the tier to see how it looks.")
        return render_to_string("admin/articles/tier_preview.html", {"tier": obj})
