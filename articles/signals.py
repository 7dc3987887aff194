"""What follows a change by itself: the only things signals are used for.

- The running prompts, kept in the cache (articles.prompts.choice), are
  forgotten when a prompt, a variant or a prompt's targeting changes.
- Search documents (articles.search) are written again when a story is
  saved or retagged, when a tag is renamed, and when an embed it places changes.
- Rows read while a page renders record that the page shows them, and a
  row saved or deleted purges the pages that show it (articles.serving:
  dependencies records, changes says what a change purges): every model of
  this app but counters and logs (NOT_SHOWN_ON_PAGES).
- Each tagging and byline carries its story's publication time and language,
  the index related stories and tag and author listings read
  (articles.models.tags): set as a tag or an author is added and again
  whenever the story is saved.

Writes that send no signals (QuerySet.update, bulk_create) call
forget_pages() and search.index_articles() themselves, and give taggings and
bylines their time and language (TaggedArticle.copied_from,
Byline.copied_from, or the rows' .objects.dated()).
"""

from django.apps import apps as registry
from django.db.models import QuerySet
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_init,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from articles import prompts, search, sitemap_lists, sitemap_months
from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Embed,
    Image,
    Lockdown,
    MembershipPrompt,
    PromptVariant,
    Section,
    Tag,
    TaggedArticle,
)
from articles.serving import changes, dependencies


@receiver(post_save, sender=MembershipPrompt)
@receiver(post_delete, sender=MembershipPrompt)
@receiver(post_save, sender=PromptVariant)
@receiver(post_delete, sender=PromptVariant)
def forget_prompts_on_change(sender, **kwargs):
    prompts.forget_prompts()


for through in (
    MembershipPrompt.sections.through,
    MembershipPrompt.tags.through,
    MembershipPrompt.outlets.through,
):
    m2m_changed.connect(
        forget_prompts_on_change,
        sender=through,
        dispatch_uid=f"prompts-{through.__name__}",
    )


# The search documents are derived from stories, their tags and the embeds
# they place: refresh them when any of those change.
@receiver(post_save, sender=Article)
def reindex_saved_story(sender, instance, raw=False, **kwargs):
    if not raw:
        search.index_articles([instance.pk])


def _deleting_stories(origin):
    """Whether a deletion started from stories (their tags go with them)."""
    if isinstance(origin, Article):
        return True
    return isinstance(origin, QuerySet) and origin.model is Article


@receiver(post_save, sender=TaggedArticle)
@receiver(post_delete, sender=TaggedArticle)
def reindex_retagged_story(sender, instance, raw=False, origin=None, **kwargs):
    if _deleting_stories(origin):
        return  # the story goes, and its search document with it
    if not raw:
        search.index_articles([instance.content_object_id])


@receiver(post_save, sender=Tag)
def reindex_renamed_tag(sender, instance, created=False, raw=False, **kwargs):
    if not raw and not created:
        search.index_articles(
            Article.objects.filter(tags=instance).values_list("pk", flat=True)
        )


@receiver(post_save, sender=Embed)
def reindex_stories_placing_embed(sender, instance, raw=False, **kwargs):
    if not raw:
        search.index_articles(
            Article.objects.filter(
                body__contains=f"[embed:{instance.slug}]"
            ).values_list("pk", flat=True)
        )


# Pages show every model of this app, tags included. Models whose writes pages
# never show (counters, logs) are listed here so they do not empty the cache:
# the prompts' daily view and click counts are written as readers browse, and
# autosaves as editors type, and staff sessions, browsers, second factors and
# security events as staff sign in. (A lockdown forgets pages itself.)
NOT_SHOWN_ON_PAGES = frozenset(
    {
        "articles.promptdailystat",
        "articles.autosave",
        "articles.staffsession",
        "articles.knownbrowser",
        "articles.securityevent",
        "articles.passwordresetrequired",
        "articles.recoverycodedevice",
        "articles.recoverycode",
        "articles.staffprofile",
        # Written from stories on every save; search results are never kept.
        "articles.searchdocument",
        # The sitemap's summary of months, written from stories as they are
        # saved; what it changes is purged with them (sitemap_months).
        "articles.sitemapmonth",
        # And of its sections, tags and authors (sitemap_lists).
        "articles.sitemapentry",
        "articles.sitemappart",
    }
)


def _deleted_with_a_shown_row(sender, origin):
    """Whether the row goes with another that pages show by key (a story's
    tags with the story, a tag's taggings with the tag, a picture's
    renditions with the picture): that row's purge covers every page that
    showed this one, without a query or a purge for each of thousands."""
    if origin is None:
        return False
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is not sender and model._meta.label_lower in dependencies.KINDS


def _is_historical(sender):
    """Whether `sender` is a migration's copy of a model, not the model."""
    return sender._meta.apps is not registry


def _is_shown(sender):
    meta = sender._meta
    return meta.app_label == "articles" and meta.label_lower not in NOT_SHOWN_ON_PAGES


# What a page shows, recorded as its rows are read.
for label in dependencies.KINDS:
    post_init.connect(
        dependencies.record_row,
        sender=label,
        dispatch_uid=f"pages-shown-{label}",
    )


@receiver(pre_save, sender=Article, dispatch_uid="pages-story-before")
def remember_story_before_save(sender, instance, raw=False, **kwargs):
    if not raw:
        instance._listed_before_save = changes.before_save(instance)


@receiver(post_save, sender=Article, dispatch_uid="pages-story-saved")
def purge_saved_story(sender, instance, raw=False, **kwargs):
    if not raw:
        changes.story_saved(instance, getattr(instance, "_listed_before_save", None))


@receiver(pre_delete, sender=Article, dispatch_uid="pages-story-deleted")
def purge_deleted_story(sender, instance, **kwargs):
    changes.story_deleted(instance)


@receiver(post_save, dispatch_uid="pages-on-save")
@receiver(post_delete, dispatch_uid="pages-on-delete")
def purge_pages_on_change(sender, instance, raw=False, origin=None, **kwargs):
    if sender is Article or not _is_shown(sender) or raw:
        return
    if _is_historical(sender):
        # A migration's model: today's queries may not fit its tables yet.
        changes.purge({dependencies.SITE})
    elif not _deleted_with_a_shown_row(sender, origin):
        changes.purge_change(instance)


@receiver(m2m_changed, dispatch_uid="pages-on-m2m")
def purge_pages_on_m2m_change(sender, instance, action, model, pk_set, **kwargs):
    if not _is_shown(sender) or action not in ("post_add", "post_remove", "post_clear"):
        return
    if _is_historical(sender):
        changes.purge({dependencies.SITE})
    else:
        changes.purge_relation_change(instance, model, pk_set)


# The sitemap's months (articles.sitemap_months): worked out again, and their
# parts purged, as their stories change; after loaddata too (raw saves).
@receiver(pre_save, sender=Article, dispatch_uid="sitemaps-story-before")
def remember_story_months(sender, instance, **kwargs):
    instance._sitemap_before_save = sitemap_months.before_save(instance)


@receiver(post_save, sender=Article, dispatch_uid="sitemaps-story-saved")
def refresh_story_months(sender, instance, **kwargs):
    before = getattr(instance, "_sitemap_before_save", None)
    sitemap_months.story_saved(instance, before)


@receiver(pre_delete, sender=Article, dispatch_uid="sitemaps-story-deleting")
def purge_deleted_story_months(sender, instance, **kwargs):
    sitemap_months.story_deleting(instance)


@receiver(post_delete, sender=Article, dispatch_uid="sitemaps-story-deleted")
def refresh_deleted_story_months(sender, instance, **kwargs):
    sitemap_months.story_deleted(instance)


@receiver(post_save, sender=Correction, dispatch_uid="sitemaps-correction-saved")
@receiver(post_delete, sender=Correction, dispatch_uid="sitemaps-correction-gone")
def refresh_corrected_months(sender, instance, origin=None, **kwargs):
    if not _deleting_stories(origin):  # the story's deletion does it
        sitemap_months.correction_changed(instance)


@receiver(post_save, sender=Image, dispatch_uid="sitemaps-picture-saved")
def purge_picture_months(sender, instance, raw=False, **kwargs):
    if not raw:
        sitemap_months.picture_saved(instance)


# The taggings' and bylines' publication times and languages
# (articles.models.tags), after loaddata and recovered revisions too (raw
# saves, which save a story and its taggings or bylines in either order:
# whichever comes second sets them).
@receiver(pre_save, sender=TaggedArticle, dispatch_uid="related-tagging-dated")
@receiver(pre_save, sender=Byline, dispatch_uid="listings-byline-dated")
def date_story_link(sender, instance, **kwargs):
    link = sender._meta.get_field(sender.story_field)
    if link.is_cached(instance):
        story = getattr(instance, link.name)  # added through the story
    else:
        story = (
            Article._base_manager.filter(pk=getattr(instance, link.attname))
            .only("status", "published_at", "language")
            .first()
        )
    # No story yet (loaddata may write it second): it sets them when saved.
    copied = sender.copied_from(story) if story else {"published_at": None}
    for name, value in copied.items():
        setattr(instance, name, value)


@receiver(post_save, sender=Article, dispatch_uid="related-story-saved")
def date_story_links(sender, instance, **kwargs):
    for model in (TaggedArticle, Byline):
        model.objects.filter(**{model.story_field: instance.pk}).dated()


@receiver(m2m_changed, sender=Byline, dispatch_uid="listings-bylines-added")
def date_added_bylines(sender, instance, action, reverse, pk_set, **kwargs):
    # story.authors.add() writes bylines in bulk, with no pre_save.
    if action == "post_add":
        stories = pk_set if reverse else [instance.pk]
        added = Byline.objects.filter(article__in=stories)
        added.dated()
        # Nor a post_save: the authors' sitemap entries are worked out here.
        for line in added.filter(author__in=[instance.pk] if reverse else pk_set):
            sitemap_lists.byline_changed(line)


@receiver(post_save, sender=Lockdown, dispatch_uid="sitemaps-lockdown-saved")
def refresh_months_in_lockdown(sender, instance, raw=False, **kwargs):
    if not raw and instance.started_at:
        sitemap_months.lockdown_changed(instance)


# The sitemap's sections, tags and authors (articles.sitemap_lists): worked
# out again, and their parts purged, as a story, a tagging or a byline
# changes; after loaddata too. Connected after the links are dated above,
# which their times are read from.
@receiver(post_save, sender=Article, dispatch_uid="sitemaps-lists-story-saved")
def refresh_story_lists(sender, instance, **kwargs):
    before = getattr(instance, "_sitemap_before_save", None)
    sitemap_lists.story_saved(instance, before)


@receiver(pre_delete, sender=Article, dispatch_uid="sitemaps-lists-story-deleting")
def remember_deleted_story_lists(sender, instance, **kwargs):
    sitemap_lists.story_deleting(instance)


@receiver(post_delete, sender=Article, dispatch_uid="sitemaps-lists-story-deleted")
def refresh_deleted_story_lists(sender, instance, **kwargs):
    sitemap_lists.story_deleted(instance)


def _deleted_with_its_list(origin):
    """Whether a tagging or byline goes with its story, tag or author (whose
    own deletion works the lists out)."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return origin is not None and model in (Article, Tag, Author)


@receiver(post_save, sender=TaggedArticle, dispatch_uid="sitemaps-tagging-saved")
@receiver(post_delete, sender=TaggedArticle, dispatch_uid="sitemaps-tagging-gone")
def refresh_tagged_list(sender, instance, origin=None, **kwargs):
    if not _deleted_with_its_list(origin):
        sitemap_lists.tagging_changed(instance)


@receiver(pre_save, sender=Byline, dispatch_uid="sitemaps-byline-before")
def remember_byline_author(sender, instance, **kwargs):
    instance._sitemap_authors = set(
        Byline.objects.filter(pk=instance.pk).values_list("author", flat=True)
        if instance.pk
        else ()
    )


@receiver(post_save, sender=Byline, dispatch_uid="sitemaps-byline-saved")
@receiver(post_delete, sender=Byline, dispatch_uid="sitemaps-byline-gone")
def refresh_author_list(sender, instance, origin=None, **kwargs):
    if not _deleted_with_its_list(origin):
        authors = getattr(instance, "_sitemap_authors", ())
        sitemap_lists.byline_changed(instance, authors)


@receiver(post_delete, sender=Section, dispatch_uid="sitemaps-section-gone")
@receiver(post_delete, sender=Tag, dispatch_uid="sitemaps-tag-gone")
@receiver(post_delete, sender=Author, dispatch_uid="sitemaps-author-gone")
def forget_listed(sender, instance, **kwargs):
    sitemap_lists.listed_deleted(instance)


@receiver(post_save, sender=Lockdown, dispatch_uid="sitemaps-lists-lockdown-saved")
def refresh_lists_in_lockdown(sender, instance, raw=False, **kwargs):
    if not raw and instance.started_at:
        sitemap_lists.lockdown_changed(instance)
