"""Prompt figures for editors: totals per prompt and variant, days, chart, CSV."""

import csv
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from articles.models import PromptDailyStat

CHART_WIDTH = 640
CHART_HEIGHT = 120


@dataclass(frozen=True)
class Figures:
    label: str
    impressions: int
    clicks: int

    @property
    def ctr(self):
        """Clicks per hundred impressions, or None before any impression."""
        if not self.impressions:
            return None
        return 100 * self.clicks / self.impressions

    @property
    def ctr_display(self):
        return "—" if self.ctr is None else f"{self.ctr:.1f}%"


def since(days):
    return timezone.localdate() - timedelta(days=days - 1)


def window_sums(prefix="", first_day=None):
    """Sum() expressions for impressions and clicks, optionally from a day on."""
    when = Q(**{f"{prefix}day__gte": first_day}) if first_day else None
    return {
        "impressions_sum": Sum(f"{prefix}impressions", filter=when, default=0),
        "clicks_sum": Sum(f"{prefix}clicks", filter=when, default=0),
    }


def by_version(prompt, first_day=None):
    """The prompt's own text and each of its variants, with their totals."""
    rows = PromptDailyStat.objects.filter(prompt=prompt)
    if first_day:
        rows = rows.filter(day__gte=first_day)
    totals = {
        row["variant"]: row for row in rows.values("variant").annotate(**window_sums())
    }

    def figures(key, label):
        row = totals.get(key, {})
        return Figures(label, row.get("impressions_sum", 0), row.get("clicks_sum", 0))

    return [
        figures(None, gettext("Prompt's own text")),
        *(figures(v.pk, v.name) for v in prompt.variants.all()),
    ]


def daily(prompt, first_day):
    """One Figures per day from first_day to today, days without any at zero."""
    rows = (
        PromptDailyStat.objects.filter(prompt=prompt, day__gte=first_day)
        .values("day")
        .annotate(**window_sums())
    )
    by_day = {row["day"]: row for row in rows}
    days = (timezone.localdate() - first_day).days + 1
    result = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        row = by_day.get(day, {})
        result.append(
            Figures(
                day.isoformat(),
                row.get("impressions_sum", 0),
                row.get("clicks_sum", 0),
            )
        )
    return result


def bar_chart(days, field, title):
    """A small inline SVG bar chart of one counter per day; no script, no web font."""
    values = [getattr(day, field) for day in days]
    top = max(values, default=0) or 1
    width = CHART_WIDTH / max(len(values), 1)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
        (
            (
                f"{index * width:.1f}",
                f"{CHART_HEIGHT - CHART_HEIGHT * value / top:.1f}",
                f"{max(width - 1, 1):.1f}",
                f"{CHART_HEIGHT * value / top:.1f}",
                day.label,
                value,
            )
            for index, (day, value) in enumerate(zip(days, values, strict=True))
        ),
    )
    # Translators: a chart's name for screen readers: "Seen, per day: highest 40".
    label = gettext("%(title)s, per day: highest %(highest)s") % {
        "title": title,
        "highest": max(values, default=0),
    }
    return format_html(
        '<svg class="prompt-chart" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-label="{}">{}</svg>',
        CHART_WIDTH,
        CHART_HEIGHT,
        CHART_WIDTH,
        CHART_HEIGHT,
        label,
        bars,
    )


def write_csv(response, prompts, first_day=None):
    """Day-by-day rows for these prompts: one per prompt, version and day."""
    writer = csv.writer(response)
    writer.writerow(
        ["day", "prompt_id", "prompt", "variant_id", "variant", "impressions", "clicks"]
    )
    rows = PromptDailyStat.objects.filter(prompt__in=prompts).select_related(
        "prompt", "variant"
    )
    if first_day:
        rows = rows.filter(day__gte=first_day)
    # The prompt's own text (no variant) first, on every database.
    order = ["day", "prompt_id", F("variant_id").asc(nulls_first=True)]
    for row in rows.order_by(*order):
        writer.writerow(
            [
                row.day.isoformat(),
                row.prompt_id,
                _cell(row.prompt.name),
                row.variant_id or "",
                _cell(row.variant.name) if row.variant else "",
                row.impressions,
                row.clicks,
            ]
        )
    return response


def _cell(text):
    # A name starting with = + - @ would run as a formula in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
