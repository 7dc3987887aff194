"""The stories' sitemap, one part per month: what a part lists, how it is
written, and what a change to a story purges of it.

A part lists one month's live stories of one edition, oldest first, split
past PART_SIZE addresses (?p=2). A month that is over only changes
when one of its own stories is saved, corrected or deleted, or its picture
changes: the part depends on its month's key alone, so publishing today
purges no old part. The month still running also depends on `latest`, as a
story scheduled into it goes live without a save (the clock purges `latest`).

A part is written here as text rather than through a template: a month at a
million stories holds some ten thousand addresses, and the template engine
spends ten times longer on them than the few string operations below.

Imported by articles.sitemaps (the views) and articles.signals (the purges).
"""

from datetime import UTC, datetime
from urllib.parse import quote, urljoin
from xml.sax.saxutils import escape, quoteattr

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from articles import editions
from articles.links import url_in
from articles.models import Article, Correction, Image, SitemapMonth
from articles.models.sitemap import month_bounds, month_of
from articles.serving import changes
from articles.serving.dependencies import LATEST, depend_on

# What a story's place in the sitemap depends on, read before it is saved.
LISTED_FIELDS = (
    "status",
    "published_at",
    "language",
    "original_url",
    "slug",
    "translation_of_id",
    # Not a month's, but its section's (articles.sitemap_lists).
    "section_id",
)
STORY_FIELDS = (
    "pk",
    "slug",
    "language",
    "translation_of_id",
    "published_at",
    "updated_at",
    "last_correction",
    "is_translated",
    "lead_image_id",
    "lead_image__file",
    "lead_image__width",
    "lead_image__height",
    "lead_image__digest",
)
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"\n'
    '        xmlns:xhtml="http://www.w3.org/1999/xhtml"\n'
    '        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
)


def month_key(code, month):
    """The key of the edition's stories of one month (serving.dependencies)."""
    return f"sm{code}-{month:%Y-%m}"


def index_key(code):
    """The key of the edition's list of months."""
    return f"sm{code}"


def latest_moment(*moments):
    """The latest of `moments`, to the second (W3C datetimes, not microseconds)."""
    latest = max((moment for moment in moments if moment), default=None)
    return latest.replace(microsecond=0) if latest else None


def w3c(moment):
    return timezone.localtime(moment).isoformat()


# The index: which months an edition has, from the summary rows.


def months_in(code):
    """[(month, stories, lastmod)] of the edition, newest first."""
    rows = SitemapMonth.objects.filter(editions.stories_in(code))
    rows = SitemapMonth.objects.refresh_due(list(rows))
    found = {}
    for row in rows:
        if not row.stories or editions.edition_of(row.language) != code:
            continue
        stories, lastmod = found.get(row.month, (0, None))
        found[row.month] = (stories + row.stories, latest_moment(lastmod, row.lastmod))
    return [(month, *found[month]) for month in sorted(found, reverse=True)]


# The most stories one part lists. A busy month of an edition holds over a
# thousand, each with its translations and picture: 88 ms to write at once,
# where a crawler's visit to a part should cost milliseconds (at a million
# stories, a part of 500 took 54 ms, one of 250 takes 36 ms). The index then
# lists a few parts a month, far below the protocol's 50,000.
PART_SIZE = 250


def parts_of(stories):
    """How many parts a month of `stories` is split into."""
    return -(-stories // PART_SIZE)


# A part.


def stories_of(code, month):
    """The edition's live stories of `month` whose address is on this site."""
    start, end = month_bounds(month)
    return (
        Article.objects.published()
        .filter(original_url="", published_at__gte=start, published_at__lt=end)
        .in_edition(code)
    )


def render_part(origin, code, month, page):
    """The part's document and its latest lastmod, or None when it lists
    nothing. `origin` is "https://host" of the request."""
    depend_on(month_key(code, month))
    if month_bounds(month)[1] > timezone.now():
        depend_on(LATEST)
    stories = stories_of(code, month)
    rows = _rows(stories, page)
    if not rows:
        return None
    versions = _versions(rows) if any(_in_group(row) for row in rows) else {}
    story_path = _story_paths()
    lines = [HEAD]
    latest = None
    for row in rows:
        lastmod = latest_moment(
            row["published_at"], row["updated_at"], row["last_correction"]
        )
        latest = max(latest or lastmod, lastmod)
        lines.append(f"<url>\n  <loc>{origin}{story_path(row)}</loc>\n")
        lines.append(f"  <lastmod>{w3c(lastmod)}</lastmod>\n")
        group = row["translation_of_id"] or row["pk"]
        for version in versions.get(group, ()) if _in_group(row) else ():
            href = quoteattr(origin + story_path(version))
            hreflang = quoteattr(version["language"])
            lines.append(
                f'  <xhtml:link rel="alternate" hreflang={hreflang} href={href}/>\n'
            )
        picture = _picture(row, origin)
        if picture:
            lines.append(
                f"  <image:image>\n    <image:loc>{escape(picture)}</image:loc>\n  </image:image>\n"
            )
        lines.append("</url>\n")
    lines.append("</urlset>\n")
    return "".join(lines), latest


def _rows(stories, page):
    corrected = Correction.objects.filter(article=OuterRef("pk")).order_by("-date")
    start = (page - 1) * PART_SIZE
    # Oldest first: a month still running only grows at its end, so its
    # first parts stay as they were.
    return list(
        stories.with_is_translated()
        .annotate(last_correction=Subquery(corrected.values("date")[:1]))
        .order_by("published_at", "pk")
        .values(*STORY_FIELDS)[start : start + PART_SIZE]
    )


def _in_group(row):
    return bool(row["translation_of_id"] or row["is_translated"])


def _versions(rows):
    """{group: the published stories of the translation group of each of
    `rows` (the part's) that has one}."""
    groups = {row["translation_of_id"] or row["pk"] for row in rows if _in_group(row)}
    fields = ("pk", "translation_of_id", "slug", "language")
    # The part's groups only, not the month's: two queries, each reading an
    # index (the primary key; the translations'), where one with OR would
    # read every story.
    found = [
        *Article.objects.published().filter(pk__in=groups).values(*fields),
        *Article.objects.published().filter(translation_of__in=groups).values(*fields),
    ]
    versions = {}
    for version in sorted(found, key=lambda version: version["pk"]):
        group = version["translation_of_id"] or version["pk"]
        versions.setdefault(group, []).append(version)
    return versions


def _story_paths():
    """A function giving a story's path: reverse() once per edition, not for
    each of thousands of stories."""
    prefixes = {}

    def path(row):
        code = editions.edition_of(row["language"])
        if code not in prefixes:
            prefixes[code] = url_in(code, "articles:article", "-").removesuffix("-/")
        return f"{prefixes[code]}{quote(row['slug'])}/"

    return path


def _picture(row, origin):
    """The absolute address of the story's lead picture at its largest."""
    if row["lead_image_id"] is None or not row["lead_image__file"]:
        return None
    image = Image(
        file=row["lead_image__file"],
        width=row["lead_image__width"],
        height=row["lead_image__height"],
        digest=row["lead_image__digest"],
    )
    # Given after it is made, so the part does not record the picture: a
    # change to it purges the months it leads in (picture_saved).
    image.pk = row["lead_image_id"]
    return urljoin(origin + "/", image.jpeg_url())


# What a change purges, and the summary rows it works out again.


def before_save(story):
    """What decided a story's place in the sitemap, read before it is saved."""
    if story.pk is None:
        return None
    return Article.objects.filter(pk=story.pk).values(*LISTED_FIELDS).first()


def _is_published(values):
    return bool(
        values
        and values["status"] == Article.Status.PUBLISHED
        and values["published_at"]
    )


def _months_of(states):
    """{(language, month)} the states (LISTED_FIELDS values) list a story in."""
    return {
        (state["language"], month_of(state["published_at"]))
        for state in states
        if _is_published(state) and state["original_url"] == ""
    }


def _keys(months):
    found = set()
    for language, month in months:
        code = editions.edition_of(language)
        found |= {month_key(code, month), index_key(code)}
    return found


def _group_keys(groups):
    """The keys of the months the translation groups' stories are listed in:
    each lists the others as alternates."""
    groups = {group for group in groups if group}
    if not groups:
        return set()
    versions = Article.objects.published().filter(
        Q(pk__in=groups) | Q(translation_of__in=groups), original_url=""
    )
    return {
        month_key(editions.edition_of(language), month_of(published_at))
        for language, published_at in versions.values_list("language", "published_at")
    }


def _groups(story, *states):
    found = {story.pk}
    found.update(state["translation_of_id"] for state in states if state)
    return found


def story_saved(story, before):
    """Work out again the months a saved story was and is in, and purge them,
    the index, and the months of its translations."""
    after = {field: getattr(story, field) for field in LISTED_FIELDS}
    if not (_is_published(before) or _is_published(after)):
        return  # a draft, as it was: in no sitemap
    months = _months_of([before, after] if before else [after])
    for language, month in months:
        SitemapMonth.objects.refresh(language, month)
    changes.purge(_keys(months) | _group_keys(_groups(story, before, after)))


def story_deleting(story):
    """Before a story is deleted: purge its month, and keep which row to work
    out again once it is gone (story_deleted)."""
    state = {field: getattr(story, field) for field in LISTED_FIELDS}
    if not _is_published(state):
        return
    story._sitemap_months = _months_of([state])
    changes.purge(_keys(story._sitemap_months) | _group_keys(_groups(story, state)))


def story_deleted(story):
    for language, month in getattr(story, "_sitemap_months", ()):
        SitemapMonth.objects.refresh(language, month)


def correction_changed(correction):
    """A correction dates its story's lastmod."""
    state = (
        Article.objects.filter(pk=correction.article_id).values(*LISTED_FIELDS).first()
    )
    months = _months_of([state] if state else [])
    for language, month in months:
        SitemapMonth.objects.refresh(language, month)
    changes.purge(_keys(months))


def picture_saved(image):
    """A picture's addresses are in the parts of the stories it leads."""
    led = Article.objects.published().filter(lead_image=image.pk, original_url="")
    changes.purge(
        {
            month_key(editions.edition_of(language), month_of(published_at))
            for language, published_at in led.values_list("language", "published_at")
        }
    )


def lockdown_changed(lockdown):
    """A lockdown holds back, or its end lets out, stories due since it
    began: the months from then on are worked out again. (Pages are forgotten
    by the lockdown itself.)"""
    since = month_of(lockdown.started_at)
    for row in SitemapMonth.objects.filter(month__gte=since):
        SitemapMonth.objects.refresh(row.language, row.month)


def first_day(year, month):
    """The first day of a month as a date, or None for no such month."""
    try:
        return month_of(datetime(year, month, 1, tzinfo=UTC))
    except ValueError:
        return None
