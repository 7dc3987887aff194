"""What a page shows, recorded while it is rendered, as surrogate keys.

A key names one thing pages show, or one list of things:

    site        every page: the navigation (sections), the house outlet;
                purging it purges everything
    a12         story 12: its page, its card, its link in a related block
    p3, o2, i9, e4, t7
                author 3, outlet 2, picture 9, embed 4, tag 7, wherever shown
    latest      the newest stories of the site: home pages, feeds, sitemaps,
                the API's list
    ls3, lp3, lt7
                the stories of section 3, of author 3, of tag 7: their pages
                and feeds
    prompts     the membership prompts that are running
    tiers       the membership tiers (the support page)
    stories, people, outlets, pictures, embeds, tags
                any story, author, … at all: a page that shows more of a kind
                than MOST_OF_A_KIND (a sitemap, a form listing every author)
                depends on the kind instead of each one

Rows read from the database record their own key as they are made (signals
connects `record_row` to each model's post_init), so whatever a template
shows of a story, a picture or a tag is recorded without the template
saying so. Values kept in the cache (the chrome, the running prompts) record
the key they stand for where they are read, and views say which lists they
show (`depend_on("ls3")`).

Imported by serving.pages (which records around each page), by views and
other readers, and by signals (which say what a change purges).
"""

import contextvars
from contextlib import contextmanager

SITE = "site"
LATEST = "latest"
PROMPTS = "prompts"
TIERS = "tiers"

# model label: (the key prefix of one row, the key of the whole kind)
KINDS = {
    "articles.article": ("a", "stories"),
    "articles.author": ("p", "people"),
    "articles.outlet": ("o", "outlets"),
    "articles.image": ("i", "pictures"),
    "articles.embed": ("e", "embeds"),
    "articles.tag": ("t", "tags"),
}
# Past this many rows of one kind, a page depends on the kind as a whole: its
# keys stay few enough to check on every hit and to send in one header.
MOST_OF_A_KIND = 60

_recording = contextvars.ContextVar("newsroom_page_dependencies", default=None)


def key_for(instance):
    """The key of one row of a kind pages show, or None."""
    kind = KINDS.get(instance._meta.label_lower)
    if kind is None or instance.pk is None:
        return None
    return f"{kind[0]}{instance.pk}"


def kind_key(model):
    """The key of every row of `model`'s kind, or None."""
    kind = KINDS.get(model._meta.label_lower)
    return kind[1] if kind else None


def section_stories(section_id):
    return f"ls{section_id}"


def author_stories(author_id):
    return f"lp{author_id}"


def tag_stories(tag_id):
    return f"lt{tag_id}"


def listing_keys(story, section_ids=()):
    """The keys of every list a live story is in, its own key with them."""
    found = {key_for(story), LATEST, section_stories(story.section_id)}
    found.update(section_stories(pk) for pk in section_ids)
    found.update(tag_stories(tag.pk) for tag in story.tags.all())
    found.update(author_stories(line.author_id) for line in story.bylines.all())
    if story.translation_of_id:
        found.add(f"a{story.translation_of_id}")  # its page lists its translations
    return found


@contextmanager
def recording():
    """Record the keys of what is rendered inside the block; yields the set.

    Inside a page's recording (a part of the page kept on its own,
    serving.fragments), what the part shows is shown by the page too."""
    page = _recording.get()
    keys = {SITE}
    token = _recording.set(keys)
    try:
        yield keys
    finally:
        _recording.reset(token)
        if page is not None:
            page.update(keys)


def is_recording():
    """Whether a page being rendered is recording what it shows."""
    return _recording.get() is not None


def depend_on(*keys):
    """Say that the page being rendered shows these things (no page: nothing)."""
    recorded = _recording.get()
    if recorded is not None:
        recorded.update(keys)


def record_row(sender, instance, **kwargs):
    """post_init: a row read while a page renders is shown by that page."""
    recorded = _recording.get()
    if recorded is not None and instance.pk is not None:
        recorded.add(f"{KINDS[sender._meta.label_lower][0]}{instance.pk}")


def collapsed(keys):
    """The keys a page depends on, with any kind of which it shows more than
    MOST_OF_A_KIND rows as the kind's key instead."""
    counts = {}
    for key in keys:
        prefix = _prefix(key)
        if prefix:
            counts[prefix] = counts.get(prefix, 0) + 1
    crowded = {prefix for prefix, n in counts.items() if n > MOST_OF_A_KIND}
    if not crowded:
        return set(keys)
    kept = {key for key in keys if _prefix(key) not in crowded}
    kept.update(kind for prefix, kind in KINDS.values() if prefix in crowded)
    return kept


def with_kinds(keys):
    """The keys, with the kind key of each row key among them: a purge of a
    story reaches the pages that depend on every story (collapsed)."""
    found = set(keys)
    found.update(_kind_of(prefix) for prefix in map(_prefix, keys) if prefix)
    return found


def _kind_of(prefix):
    return next(kind for row, kind in KINDS.values() if row == prefix)


_PREFIXES = {prefix for prefix, _ in KINDS.values()}


def _prefix(key):
    """The row prefix of a row key ("a" of "a12"), else None."""
    head = key.rstrip("0123456789")
    return head if head in _PREFIXES and head != key else None
