"""Which keys a change purges (keys: serving.dependencies).

Signals call `purge_change` with the row saved or deleted. A story's own key
covers every page that shows it; its lists' keys (the newest stories, its
section's, its tags', its authors') are purged only when it enters, leaves
or moves within them: when it goes live or stops being live, or changes
section, language, publication time or outlet. So a typo fixed in an old
story purges that story's page and the pages that show its card or link,
and no listing that never showed it.

A model this module does not know, of those pages show, purges every page.
"""

from django.utils import timezone

from . import dependencies as keys
from .invalidation import purge_keys, reset_clock

# What decides which lists a story is in, and where.
LISTED_FIELDS = (
    "status",
    "published_at",
    "section_id",
    "language",
    "outlet_id",
    "translation_of_id",
)


def _is_live(values, now):
    return values["status"] == "published" and values["published_at"] <= now


def before_save(story):
    """What a story was, read just before it is saved (None: a new one)."""
    if story.pk is None:
        return None
    return type(story).objects.filter(pk=story.pk).values(*LISTED_FIELDS).first()


def story_saved(story, before):
    """Purge what a story's save changed: its own pages, and its lists when it
    entered, left or moved within them."""
    now = timezone.now()
    after = {field: getattr(story, field) for field in LISTED_FIELDS}
    live_now = _is_live(after, now)
    live_before = before is not None and _is_live(before, now)
    found = {keys.key_for(story)}
    if (live_now or live_before) and before != after:
        previous = {before["section_id"]} if before else set()
        found |= keys.listing_keys(story, section_ids=previous)
    purge(found)
    if after["status"] == "published" and after["published_at"] > now:
        reset_clock()  # a story to come: the clock learns when


def story_deleted(story):
    """Before a story is deleted (its tags and bylines still there)."""
    purge(keys.listing_keys(story))


def purge(found):
    """Purge `found`, with the kind key of each row key among them."""
    purge_keys(keys.with_kinds(found))


def _story_is_live(story_id):
    from articles.models import Article

    return Article.objects.published().filter(pk=story_id).exists()


def _tagging(tagged):
    found = {f"a{tagged.content_object_id}"}
    if _story_is_live(tagged.content_object_id):
        found.add(keys.tag_stories(tagged.tag_id))
    return found


def _byline(line):
    found = {f"a{line.article_id}"}
    if _story_is_live(line.article_id):
        found.add(keys.author_stories(line.author_id))
    return found


def _outlet(outlet):
    found = {keys.key_for(outlet)}
    if outlet.is_house:
        found.add(keys.SITE)  # every page's footer and metadata
    return found


def _embed(embed):
    from articles.models import Article

    # A story placing the embed before it existed showed nothing in its place.
    showing = Article.objects.showing_embed(embed.slug).values_list("pk", flat=True)
    return {keys.key_for(embed), *(f"a{pk}" for pk in showing)}


def _prompts(row):
    reset_clock()  # a window may have moved
    return {keys.PROMPTS}


# model label: the keys a saved or deleted row of it purges.
CHANGES = {
    "articles.tag": lambda tag: {keys.key_for(tag)},
    "articles.taggedarticle": _tagging,
    "articles.byline": _byline,
    "articles.correction": lambda correction: {f"a{correction.article_id}"},
    "articles.author": lambda author: {keys.key_for(author)},
    "articles.image": lambda image: {keys.key_for(image)},
    "articles.rendition": lambda rendition: {f"i{rendition.image_id}"},
    "articles.embed": _embed,
    "articles.outlet": _outlet,
    "articles.membershipprompt": _prompts,
    "articles.promptvariant": _prompts,
    "articles.membershiptier": lambda tier: {keys.TIERS},
    "articles.tiertranslation": lambda text: {keys.TIERS},
    "articles.supporttext": lambda text: {keys.TIERS},
}


def purge_change(instance):
    """Purge what a saved or deleted row (not a story) is shown on."""
    keys_of = CHANGES.get(instance._meta.label_lower)
    purge(keys_of(instance) if keys_of else {keys.SITE})


# Lists a story is in through a many-to-many relation: the related row's list.
RELATED_LISTS = {
    "articles.tag": keys.tag_stories,
    "articles.author": keys.author_stories,
}


def purge_relation_change(instance, model, pk_set):
    """Purge what a many-to-many change shows (m2m_changed, either side)."""
    labels = {instance._meta.label_lower, model._meta.label_lower}
    if "articles.membershipprompt" in labels:
        purge({keys.PROMPTS})
        return
    if pk_set is None or "articles.article" not in labels:
        purge({keys.SITE})  # cleared rows are not named; nor is another pair
        return
    if instance._meta.label_lower == "articles.article":
        stories, other, other_ids = {instance.pk}, model, pk_set
    else:
        stories, other, other_ids = pk_set, type(instance), {instance.pk}
    list_of = RELATED_LISTS.get(other._meta.label_lower)
    if list_of is None:
        purge({keys.SITE})
        return
    purge({f"a{pk}" for pk in stories} | {list_of(pk) for pk in other_ids})
