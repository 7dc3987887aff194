"""The archive by month, as the sitemap index lists it: how many stories of
each language went live in each month, and when they last changed.

The index (articles.sitemaps) lists one part per month and reads these rows,
a few hundred at most, instead of grouping a million stories on every
request. A row is worked out again from the month's stories whenever one of
them is saved, corrected or deleted (articles.signals, through
articles.sitemap_months), so it never drifts by more than a save; writes that
send no signals (bulk imports) call `SitemapMonth.objects.rebuild()`.

A story scheduled into a month goes live without a save: the row keeps the
earliest such time (`pending`), and the index works the row out again once
that time has passed.

Sections, tags and authors are summed up beside it (models.sitemap_lists).
"""

from datetime import UTC, date, datetime

from django.db import models
from django.db.models import Count, Max, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .content import Article
from .sitemap_lists import SitemapEntry


def month_of(moment):
    """The first day of the month (in UTC) that `moment` falls in."""
    moment = moment.astimezone(UTC)
    return date(moment.year, moment.month, 1)


def month_bounds(month):
    """[start, end) of the month whose first day is `month`, in UTC."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    if month.month == 12:
        return start, datetime(month.year + 1, 1, 1, tzinfo=UTC)
    return start, datetime(month.year, month.month + 1, 1, tzinfo=UTC)


def canonical_stories():
    """Every story whose canonical address is on this site, in any state:
    partner stories are canonical at their original address."""
    return Article.objects.filter(original_url="")


class SitemapMonthQuerySet(models.QuerySet):
    def refresh(self, language, month):
        """Work out again the row of `language` in `month` from its stories."""
        start, end = month_bounds(month)
        stories = canonical_stories().filter(
            language=language, published_at__gte=start, published_at__lt=end
        )
        live = stories.published().aggregate(
            stories=Count("pk", distinct=True),
            published=Max("published_at"),
            updated=Max("updated_at"),
            corrected=Max("corrections__date"),
        )
        pending = stories.scheduled().aggregate(at=Min("published_at"))["at"]
        if not live["stories"] and pending is None:
            self.filter(language=language, month=month).delete()
            return
        times = [live[name] for name in ("published", "updated", "corrected")]
        lastmod = max((t for t in times if t), default=None)
        row = self.model(
            language=language,
            month=month,
            stories=live["stories"],
            lastmod=lastmod.replace(microsecond=0) if lastmod else None,
            pending=pending,
        )
        # An upsert, so two saves racing on one month never fail.
        self.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["language", "month"],
            update_fields=["stories", "lastmod", "pending"],
        )

    def refresh_due(self, rows):
        """`rows`, with those whose scheduled story has gone live since they
        were worked out done again; rows left with nothing dropped."""
        now = timezone.now()
        due = [row for row in rows if row.pending and row.pending <= now]
        for row in due:
            self.refresh(row.language, row.month)
        if not due:
            return rows
        return list(self.filter(pk__in=[row.pk for row in rows]))

    def rebuild(self):
        """Every row worked out again from every story: after writes that send
        no signals (bulk_create, QuerySet.update)."""
        months = (
            canonical_stories()
            .filter(status=Article.Status.PUBLISHED)
            .annotate(month=TruncMonth("published_at", tzinfo=UTC))
            .order_by()
            .values_list("language", "month")
            .distinct()
        )
        found = {(language, month_of(start)) for language, start in months}
        stale = [
            row.pk
            for row in self.only("language", "month")
            if (row.language, row.month) not in found
        ]
        self.filter(pk__in=stale).delete()
        for language, month in sorted(found):
            self.refresh(language, month)
        # Whatever wrote stories without signals wrote their lists too.
        SitemapEntry.objects.rebuild()
        return len(found)


class SitemapMonth(models.Model):
    language = models.CharField(max_length=35, verbose_name=_("language"))
    month = models.DateField(
        help_text=_("The month's first day, in UTC."), verbose_name=_("month")
    )
    stories = models.PositiveIntegerField(
        default=0,
        help_text=_("The month's live stories of this language on this site."),
        verbose_name=_("stories"),
    )
    lastmod = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the latest of them was published, edited or corrected."),
        verbose_name=_("last modified"),
    )
    pending = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the first story scheduled into the month goes live."),
        verbose_name=_("next story due"),
    )

    objects = SitemapMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("sitemap month")
        verbose_name_plural = _("sitemap months")
        ordering = ["month", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "month"], name="sitemap_month_per_language"
            )
        ]

    def __str__(self):
        return f"{self.language} {self.month:%Y-%m}"
