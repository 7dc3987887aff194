"""The sections, tags and authors the sitemap lists, summed up so that
neither the index nor a part reads the stories.

SitemapEntry: each section, tag and author with a live story in a language,
as of the newest of them, and when the first of those scheduled goes live
(`pending`: the part works the entry out again once it has). Worked out
again as a story, a tagging or a byline changes (articles.sitemap_lists,
from articles.signals); writes that send no signals call
`SitemapMonth.objects.rebuild()`, which rebuilds these too.

Their sitemaps are split by id into parts of at most PART_SIZE addresses;
SitemapPart sums up each part per language (how many entries, the latest of
them), so the index reads a row per part, and a part reads its own range of
entries: neither grows with the stories.
"""

from django.db import models
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .content import Article, Byline
from .security import Lockdown
from .tags import TaggedArticle

# The most addresses in one part of the sections', tags' or authors' sitemap:
# part n lists the ids from (n - 1) * PART_SIZE + 1 to n * PART_SIZE. Parts
# of 2,000 stay under 50 ms each; a change to it needs SitemapMonth.objects.rebuild().
PART_SIZE = 2_000


def part_of(target):
    """The number of the part listing the section, tag or author `target` (an id)."""
    return (target - 1) // PART_SIZE + 1


def part_bounds(number):
    """(after, up to): the ids part `number` lists."""
    return (number - 1) * PART_SIZE, number * PART_SIZE


def _live_since():
    """Stories are live up to this time: now, or the start of the lockdown in
    force (published() holds back those due since)."""
    now = timezone.now()
    started = Lockdown.objects.filter(in_force=True).aggregate(at=Min("started_at"))
    return min(now, started["at"]) if started["at"] else now


def _first(values):
    return next(iter(values), None)


def _section_times(section, language, since):
    stories = Article.objects.filter(section=section, language=language)
    # Each a walk of article_section_idx, newest (or soonest) first.
    latest = stories.published().order_by("-published_at")
    pending = (
        stories.scheduled().filter(published_at__gt=since).order_by("published_at")
    )
    return (
        _first(latest.values_list("published_at", flat=True)[:1]),
        _first(pending.values_list("published_at", flat=True)[:1]),
    )


def _linked_times(links, language, since):
    """(latest, pending) of the stories `links` (a tag's taggings, an
    author's bylines) lead to in `language`. Each link carries its story's
    publication time while it is published (articles.models.tags, content):
    a walk of its index (tagged_published_idx, byline_published_idx) from
    `since`, each step one look-up of the story's language, however many
    stories the tag or author has."""
    times = links.filter(**{f"{links.model.story_field}__language": language})
    times = times.values_list("published_at", flat=True)
    return (
        _first(times.filter(published_at__lte=since).order_by("-published_at")[:1]),
        _first(times.filter(published_at__gt=since).order_by("published_at")[:1]),
    )


def _tag_times(tag, language, since):
    return _linked_times(TaggedArticle.objects.filter(tag=tag), language, since)


def _author_times(author, language, since):
    return _linked_times(Byline.objects.filter(author=author), language, since)


class SitemapEntryQuerySet(models.QuerySet):
    def in_part(self, kind, number):
        after, upto = part_bounds(number)
        return self.filter(kind=kind, target__gt=after, target__lte=upto)

    def refresh(self, kind, targets, languages):
        """Work out again the entries of `targets` (ids of `kind`) in each of
        `languages` from their stories, and their parts; the parts changed,
        as {(language, number)}."""
        times_of = TIMES[kind]
        since = _live_since()
        changed = set()
        for language in languages:
            for target in targets:
                if target is None:
                    continue
                latest, pending = times_of(target, language, since)
                if self._store(kind, target, language, latest, pending):
                    changed.add((language, part_of(target)))
        for language, number in changed:
            SitemapPart.objects.refresh(kind, language, number)
        return changed

    def _store(self, kind, target, language, latest, pending):
        """Write one entry (none: delete it); whether it changed."""
        row = self.filter(kind=kind, target=target, language=language)
        if latest is None and pending is None:
            return row.delete()[0] > 0
        latest = latest.replace(microsecond=0) if latest else None
        if row.filter(latest=latest, pending=pending).exists():
            return False
        # An upsert, so two saves racing on one entry never fail.
        self.bulk_create(
            [self.model(**_fields(kind, target, language, latest, pending))],
            update_conflicts=True,
            unique_fields=["kind", "language", "target"],
            update_fields=["latest", "pending"],
        )
        return True

    def forget(self, kind, target):
        """Drop a deleted section's, tag's or author's entries; the parts changed."""
        rows = self.filter(kind=kind, target=target)
        languages = set(rows.values_list("language", flat=True))
        rows.delete()
        for language in languages:
            SitemapPart.objects.refresh(kind, language, part_of(target))
        return {(language, part_of(target)) for language in languages}

    def rebuild(self):
        """Every entry and part worked out again from every story: after writes
        that send no signals (SitemapMonth.objects.rebuild() calls it)."""
        found = {}
        for kind, target in GROUPED_BY.items():
            for stories, name, at in [
                (Article.objects.published(), "latest", Max),
                (Article.objects.scheduled(), "pending", Min),
            ]:
                rows = (
                    stories.order_by()
                    .values_list(target, "language")
                    .annotate(at=at("published_at"))
                )
                for pk, language, moment in rows:
                    if pk is not None:
                        found.setdefault((kind, pk, language), {})[name] = moment
        self.all().delete()
        self.bulk_create(
            [
                self.model(
                    **_fields(
                        kind,
                        pk,
                        language,
                        times.get("latest") and times["latest"].replace(microsecond=0),
                        times.get("pending"),
                    )
                )
                for (kind, pk, language), times in found.items()
            ],
            batch_size=5000,
        )
        SitemapPart.objects.rebuild()
        return len(found)


def _fields(kind, target, language, latest, pending):
    return {
        "kind": kind,
        "target": target,
        "language": language,
        "latest": latest,
        "pending": pending,
    }


class SitemapEntry(models.Model):
    """A section, tag or author with a story in a language: as of its newest
    live one, and when the first of those scheduled goes live."""

    class Kind(models.TextChoices):
        SECTIONS = "sections", _("section")
        TAGS = "tags", _("tag")
        AUTHORS = "authors", _("author")

    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    target = models.PositiveBigIntegerField(
        help_text=_("The id of the section, tag or author."), verbose_name=_("id")
    )
    language = models.CharField(max_length=35, verbose_name=_("language"))
    latest = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the newest of its live stories was published."),
        verbose_name=_("latest"),
    )
    pending = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the first of its stories scheduled goes live."),
        verbose_name=_("next story due"),
    )

    objects = SitemapEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("sitemap entry")
        verbose_name_plural = _("sitemap entries")
        ordering = ["kind", "language", "target"]
        constraints = [
            # Also the index a part's range of entries is read from
            # (SitemapEntryQuerySet.in_part, with the language).
            models.UniqueConstraint(
                fields=["kind", "language", "target"],
                name="sitemap_entry_per_language",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.target} {self.language}"


TIMES = {
    SitemapEntry.Kind.SECTIONS: _section_times,
    SitemapEntry.Kind.TAGS: _tag_times,
    SitemapEntry.Kind.AUTHORS: _author_times,
}
# What the stories are grouped by, to rebuild each kind.
GROUPED_BY = {
    SitemapEntry.Kind.SECTIONS: "section",
    SitemapEntry.Kind.TAGS: "tagged_items__tag",
    SitemapEntry.Kind.AUTHORS: "bylines__author",
}


class SitemapPartQuerySet(models.QuerySet):
    def refresh(self, kind, language, number):
        """Sum up the part again from its entries in `language`."""
        entries = SitemapEntry.objects.in_part(kind, number).filter(language=language)
        found = entries.aggregate(
            entries=Count("pk", filter=Q(latest__isnull=False)),
            lastmod=Max("latest"),
            pending=Min("pending"),
        )
        row = self.filter(kind=kind, language=language, number=number)
        if not found["entries"] and found["pending"] is None:
            row.delete()
            return
        self.bulk_create(
            [self.model(kind=kind, language=language, number=number, **found)],
            update_conflicts=True,
            unique_fields=["kind", "language", "number"],
            update_fields=["entries", "lastmod", "pending"],
        )

    def refresh_due(self, parts):
        """`parts`, with those whose scheduled story has gone live since they
        were worked out done again (their entries first)."""
        now = timezone.now()
        due = [part for part in parts if part.pending and part.pending <= now]
        for part in due:
            entries = SitemapEntry.objects.in_part(part.kind, part.number).filter(
                language=part.language, pending__lte=now
            )
            targets = list(entries.values_list("target", flat=True))
            SitemapEntry.objects.refresh(part.kind, targets, [part.language])
            self.refresh(part.kind, part.language, part.number)
        if not due:
            return parts
        return list(self.filter(pk__in=[part.pk for part in parts]))

    def rebuild(self):
        self.all().delete()
        parts = (
            SitemapEntry.objects.values_list("kind", "language", "target")
            .order_by()
            .iterator(chunk_size=5000)
        )
        for kind, language, number in {
            (kind, language, part_of(target)) for kind, language, target in parts
        }:
            self.refresh(kind, language, number)


class SitemapPart(models.Model):
    """One part of the sections', tags' or authors' sitemap, in one language:
    what the index says of it."""

    kind = models.CharField(
        max_length=8, choices=SitemapEntry.Kind.choices, verbose_name=_("kind")
    )
    language = models.CharField(max_length=35, verbose_name=_("language"))
    number = models.PositiveIntegerField(verbose_name=_("number"))
    entries = models.PositiveIntegerField(
        default=0,
        help_text=_("How many it lists in this language."),
        verbose_name=_("entries"),
    )
    lastmod = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("The latest of their times."),
        verbose_name=_("last modified"),
    )
    pending = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the first story scheduled into it goes live."),
        verbose_name=_("next story due"),
    )

    objects = SitemapPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("sitemap part")
        verbose_name_plural = _("sitemap parts")
        ordering = ["kind", "number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language", "number"], name="sitemap_part_per_language"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.number} {self.language}"
