"""The sections', tags' and authors' sitemaps, in parts: what a part lists,
how it is written, and what a change purges of it.

Each lists an edition's sections, tags or authors with a live story in it, as
of the newest (lastmod), by id, split into parts of at most
models.sitemap_lists.PART_SIZE ids (?p=2 lists ids 2,001 to 4,000): a part is
bounded however many tags or authors the archive grows to, and one with
nothing to list is neither served nor named in the index. A part is read
from the summary (SitemapEntry, SitemapPart), never from the stories, and
written as text, as a month's part is (articles.sitemap_months).

A part depends on its own key, purged when an entry in it changes: a story
published, moved, unpublished or deleted, a tag or a byline added or taken
away; and on its kind's key (serving.dependencies: "tags", "people"), purged
when a tag or an author is added, renamed or deleted. Sections are in every
page's navigation: a change to one purges every page. A part with a story
scheduled into it depends on `latest` too, which the clock purges.

Imported by articles.sitemaps (the views) and articles.signals (the purges).
"""

from urllib.parse import quote

from django.db.models import Max
from django.utils import timezone

from articles import editions
from articles.links import url_in
from articles.models import (
    Article,
    Author,
    Byline,
    Section,
    SitemapEntry,
    SitemapPart,
    Tag,
    TaggedArticle,
)
from articles.models.sitemap_lists import part_bounds
from articles.serving import changes
from articles.serving.dependencies import LATEST, depend_on, kind_key
from articles.sitemap_months import HEAD, index_key, latest_moment

Kind = SitemapEntry.Kind
# kind: (the model listed, its page's view)
LISTED = {
    Kind.SECTIONS: (Section, "articles:section"),
    Kind.TAGS: (Tag, "articles:tag"),
    Kind.AUTHORS: (Author, "articles:author"),
}
# What decides which sections', tags' and authors' lists a story is in.
STORY_FIELDS = ("status", "published_at", "language", "section_id")


def part_key(code, kind, number):
    """The key of one part of the edition's sitemap of `kind`."""
    return f"sm{code}-{kind}-{number}"


# The index.


def parts_in(code):
    """[(kind, number, lastmod)] of the edition's parts with something to
    list, sections first, then tags, then authors, each by number."""
    rows = SitemapPart.objects.filter(editions.stories_in(code))
    found = {}
    for row in SitemapPart.objects.refresh_due(list(rows)):
        if row.entries:
            lastmod = found.get((row.kind, row.number))
            found[row.kind, row.number] = latest_moment(lastmod, row.lastmod)
    order = list(Kind.values)
    return [
        (kind, number, found[kind, number])
        for kind, number in sorted(found, key=lambda at: (order.index(at[0]), at[1]))
    ]


# A part.


def render_part(origin, code, kind, number):
    """The part's document and its latest lastmod, or None when it lists
    nothing. `origin` is "https://host" of the request."""
    parts = SitemapPart.objects.filter(
        editions.stories_in(code), kind=kind, number=number
    )
    parts = SitemapPart.objects.refresh_due(list(parts))
    depend_on(part_key(code, kind, number))
    if any(part.pending for part in parts):
        depend_on(LATEST)  # a story due goes live without a save
    languages = [part.language for part in parts if part.entries]
    if not languages:
        return None
    model, view = LISTED[kind]
    if kind_key(model):
        depend_on(kind_key(model))
    after, upto = part_bounds(number)
    entries = (
        SitemapEntry.objects.in_part(kind, number)
        .filter(language__in=languages, latest__isnull=False)
        .values_list("target")
        .annotate(lastmod=Max("latest"))
        .order_by("target")
    )
    in_range = model.objects.filter(pk__gt=after, pk__lte=upto).order_by()
    slugs = dict(in_range.values_list("pk", "slug"))
    prefix = origin + url_in(code, view, "-").removesuffix("-/")
    # Times are kept to the second; the zone looked up once, not per address.
    zone = timezone.get_current_timezone()
    lines, latest = [HEAD], None
    for target, lastmod in entries:
        if target not in slugs:
            continue  # gone since (its purge is on its way)
        latest = max(latest or lastmod, lastmod)
        lines.append(f"<url>\n  <loc>{prefix}{quote(slugs[target])}/</loc>\n")
        lines.append(f"  <lastmod>{lastmod.astimezone(zone).isoformat()}</lastmod>\n")
        lines.append("</url>\n")
    if latest is None:
        return None
    lines.append("</urlset>\n")
    return "".join(lines), latest


# What a change purges, and the summary rows it works out again.


def _purge(kind, changed):
    found = set()
    for language, number in changed:
        code = editions.edition_of(language)
        found |= {part_key(code, kind, number), index_key(code)}
    if found:
        changes.purge(found)


def _refresh(kind, targets, languages):
    _purge(kind, SitemapEntry.objects.refresh(kind, set(targets), set(languages)))


def _is_listed(state):
    """Whether a story in this state (STORY_FIELDS) counts: live or to come."""
    return bool(state and state["status"] == Article.Status.PUBLISHED)


def _lists_of(story_pk):
    """{kind: ids} of the tags and authors a story is in."""
    return {
        Kind.TAGS: set(
            TaggedArticle.objects.filter(content_object=story_pk).values_list(
                "tag", flat=True
            )
        ),
        Kind.AUTHORS: set(
            Byline.objects.filter(article=story_pk).values_list("author", flat=True)
        ),
    }


def story_saved(story, before):
    """After a story is saved (before: its STORY_FIELDS as they were, or None):
    its section's, tags' and authors' entries worked out again, if it is or
    was listed and what lists it changed. Its taggings are dated by then."""
    before = {field: before[field] for field in STORY_FIELDS} if before else None
    after = {field: getattr(story, field) for field in STORY_FIELDS}
    if before == after or not (_is_listed(before) or _is_listed(after)):
        return
    states = [state for state in (before, after) if state]
    languages = {state["language"] for state in states}
    _refresh(Kind.SECTIONS, {state["section_id"] for state in states}, languages)
    for kind, targets in _lists_of(story.pk).items():
        _refresh(kind, targets, languages)


def story_deleting(story):
    """Before a story is deleted: what lists it, worked out once it is gone."""
    if _is_listed({"status": story.status}):
        story._sitemap_lists = {
            Kind.SECTIONS: {story.section_id},
            **_lists_of(story.pk),
        }


def story_deleted(story):
    for kind, targets in getattr(story, "_sitemap_lists", {}).items():
        _refresh(kind, targets, {story.language})


def _story_state(story_pk):
    return Article._base_manager.filter(pk=story_pk).values(*STORY_FIELDS).first()


def tagging_changed(tagging):
    """A tag added to a story or taken from it."""
    state = _story_state(tagging.content_object_id)
    if _is_listed(state):
        _refresh(Kind.TAGS, {tagging.tag_id}, {state["language"]})


def byline_changed(line, authors=()):
    """A byline added, changed (`authors`: whose it was) or taken away."""
    state = _story_state(line.article_id)
    if _is_listed(state):
        _refresh(Kind.AUTHORS, {line.author_id, *authors}, {state["language"]})


def listed_deleted(instance):
    """A section, tag or author deleted: its entries go."""
    for kind, (model, _view) in LISTED.items():
        if isinstance(instance, model):
            _purge(kind, SitemapEntry.objects.forget(kind, instance.pk))


def lockdown_changed(lockdown):
    """A lockdown holds back, or its end lets out, stories due since it
    began: the entries as of a story since then, or with one to come, are
    worked out again."""
    since = lockdown.started_at
    entries = SitemapEntry.objects.filter(latest__gte=since) | (
        SitemapEntry.objects.filter(pending__isnull=False)
    )
    found = {}
    for kind, target, language in entries.values_list("kind", "target", "language"):
        found.setdefault((kind, language), set()).add(target)
    for (kind, language), targets in found.items():
        _refresh(kind, targets, {language})
