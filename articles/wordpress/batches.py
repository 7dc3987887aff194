"""Stories an import writes, a batch at a time (importer.Run fills the batch).

New stories go in with bulk_create, a few statements for hundreds of
stories, with their bylines, taggings, ImportedItems, old addresses, and the
embeds their bodies place. Bulk writes send no signals, so this does what the
signals would (articles.signals): it gives each story what Article.save()
gives its own fields, each tagging and byline its story's publication time,
and writes the search documents (articles.search.index_articles). The
sitemap's summaries (SitemapMonth.objects.rebuild) and the page cache are the
importer's, once at the end of the run.

Stories changed in WordPress since the last run are few: they are saved one
by one, as the admin saves them, with their signals.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connections, router

from articles.html import sanitise_body, sanitise_embed
from articles.models import Article, Byline, Embed, TaggedArticle
from articles.models.content import to_the_second
from articles.search import index_articles
from articles.slugs import unique_slug

from . import addresses
from .models import ImportedItem

# Stories written in one go: a dozen statements or so for all of them, and
# memory for this many bodies at most.
SIZE = 500
SLUG_LENGTH = Article._meta.get_field("slug").max_length


@dataclass
class Filed:
    """A story as WordPress has it now, and what goes with it, to be written."""

    story: Article
    record: ImportedItem
    authors: list
    tags: list
    paths: set
    created_at: datetime | None = None  # WordPress's times, kept over ours
    updated_at: datetime | None = None
    changed: bool = False  # an update of a story written before


class Batch:
    """The stories of a run waiting to be written, and the embeds they place."""

    def __init__(self, summary):
        self.summary = summary
        self.filed = []
        self.embeds = {}  # slug: Embed, not yet written
        self.created = 0

    def add(self, filed):
        self.filed.append(filed)
        if len(self.filed) >= SIZE:
            self.flush()

    def embed(self, slug, **fields):
        """Keep the embed `slug` to write before the stories that place it."""
        fields["text"] = sanitise_embed(fields["text"])  # as Embed.save() does
        self.embeds[slug] = Embed(slug=slug, **fields)

    def flush(self):
        self._write_embeds()
        new = [filed for filed in self.filed if not filed.changed]
        if new:
            self._write_new(new)
        for filed in self.filed:
            if filed.changed:
                self._write_changed(filed)
        self.filed = []

    def _write_embeds(self):
        if not self.embeds:
            return
        found = Embed.objects.in_bulk(list(self.embeds), field_name="slug")
        names = ["url", "author_name", "author_handle", "language", "text"]
        for slug, embed in self.embeds.items():
            stored = found.get(slug)
            if stored is None:
                continue
            if any(getattr(stored, n) != getattr(embed, n) for n in names):
                # With its signals: stories placing it elsewhere are indexed again.
                for name in names:
                    setattr(stored, name, getattr(embed, name))
                stored.save()
                self.summary.add("embeds", "updated")
            else:
                self.summary.add("embeds", "unchanged")
        new = [embed for slug, embed in self.embeds.items() if slug not in found]
        Embed.objects.bulk_create(new)
        self.summary.add("embeds", "created", len(new))
        self.embeds = {}

    def _write_new(self, batch):
        stories = [filed.story for filed in batch]
        for story in stories:  # what Article.save() does to a story's fields
            story.body = sanitise_body(story.body)
            story.published_at = to_the_second(story.published_at)
        _insert(stories)
        for filed in batch:
            filed.story.created_at = filed.created_at or filed.story.created_at
            filed.story.updated_at = filed.updated_at or filed.story.updated_at
        _keep_times(stories)
        Byline.objects.bulk_create(
            _byline(filed.story, author, n)
            for filed in batch
            for n, author in enumerate(filed.authors)
        )
        TaggedArticle.objects.bulk_create(
            TaggedArticle(
                tag=tag,
                content_object=filed.story,
                **TaggedArticle.copied_from(filed.story),
            )
            for filed in batch
            for tag in filed.tags
        )
        for filed in batch:
            filed.record.article = filed.story
            filed.record.written_at = filed.story.updated_at
        ImportedItem.objects.bulk_create([filed.record for filed in batch])
        index_articles([story.pk for story in stories])
        made = addresses.remember_all((filed.record, filed.paths) for filed in batch)
        self.summary.add("addresses", "created", made)
        self.created += len(batch)

    def _write_changed(self, filed):
        story, record = filed.story, filed.record
        story.save()
        Byline.objects.filter(article=story).delete()
        Byline.objects.bulk_create(
            _byline(story, author, n) for n, author in enumerate(filed.authors)
        )
        # Through taggit, with its signals: taggings carry what the story's pages
        # and related stories read of them.
        story.tags.set(filed.tags, clear=False)
        times = {"created_at": filed.created_at, "updated_at": filed.updated_at}
        times = {name: moment for name, moment in times.items() if moment}
        if times:
            Article.objects.filter(pk=story.pk).update(**times)
        record.article = story
        record.written_at = times.get("updated_at", story.updated_at)
        record.save()
        made = addresses.remember(record, filed.paths)
        self.summary.add("addresses", "created", made)


def _byline(story, author, position):
    # Dated as a tagging is: bulk writes send no signals to do it.
    return Byline(
        article=story,
        author=author,
        position=position,
        **Byline.copied_from(story),
    )


def _insert(stories):
    """Write new stories, each slug (made from WordPress's) numbered past those
    taken: found for the batch in one query; the few taken, one by one."""
    taken = set(
        Article.objects.filter(slug__in={s.slug for s in stories}).values_list(
            "slug", flat=True
        )
    )
    free, clashing = [], []
    for story in stories:
        (clashing if story.slug in taken else free).append(story)
        taken.add(story.slug)
    Article.objects.bulk_create(free)
    for story in clashing:
        story.slug = unique_slug(
            Article.objects.all(), story.slug, SLUG_LENGTH, "story"
        )
        Article.objects.bulk_create([story])


def _keep_times(stories):
    """Write the stories' created_at and updated_at as they are set: WordPress's
    times over those the insert gave (save() would give updated_at the time
    now). One statement run over every row: bulk_update's CASE over hundreds
    of rows, or an update() compiled for each story, costs more than the rest
    of the batch's writes."""
    connection = connections[router.db_for_write(Article)]
    quote = connection.ops.quote_name
    created, updated = (
        Article._meta.get_field(n) for n in ("created_at", "updated_at")
    )
    rows = [
        (
            created.get_db_prep_value(story.created_at, connection),
            updated.get_db_prep_value(story.updated_at, connection),
            story.pk,
        )
        for story in stories
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(Article._meta.db_table)} "  # noqa: S608 (names only)
            f"SET {quote(created.column)} = %s, {quote(updated.column)} = %s "
            f"WHERE {quote(Article._meta.pk.column)} = %s",
            rows,
        )
