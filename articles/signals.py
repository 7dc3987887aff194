"""What follows a change by itself: the only things signals are used for.

- The running prompts, kept in the cache (articles.prompts.choice), are
  forgotten when a prompt, a variant or a prompt's targeting changes.
- Search documents (articles.search) are written again when a story is
  saved or retagged, when a tag is renamed, and when an embed it places changes.
- Rows read while a page renders record that the page shows them, and a
  row saved or deleted purges the pages that show it (articles.serving:
  dependencies records, changes says what a change purges): every model of
  this app but counters and logs (NOT_SHOWN_ON_PAGES).

Writes that send no signals (QuerySet.update, bulk_create) call
forget_pages() and search.index_articles() themselves.
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

from articles import prompts, search
from articles.models import (
    Article,
    Embed,
    MembershipPrompt,
    PromptVariant,
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
