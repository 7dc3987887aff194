"""How stories are read: the query methods every read path goes through.

Article.objects.published() is the only way public code reads stories; the
rest narrow it or fetch what a page needs up front. The queryset reaches
Article and Byline through self.model; of the other models it reads only the
lockdown, which holds scheduled stories back, and, for related stories, the
shortlist of articles.models.related.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone

from articles import editions

from . import related
from .languages import LanguagesQuerySet
from .security import Lockdown


def _bylines(article_model):
    return article_model._meta.get_field("bylines").related_model.objects


def _due_in_lockdown():
    """A story due after the lockdown in force began (none in force: none)."""
    return Exists(
        Lockdown.objects.filter(in_force=True, started_at__lt=OuterRef("published_at"))
    )


class ArticleQuerySet(LanguagesQuerySet):
    # languages() reads the stories' index on UPPER(language)
    # (article_edition_idx), and gives the languages in upper case.
    language_key = "language_upper"

    def keyed_by_language(self):
        return self.annotate(language_upper=Upper("language"))

    def published(self):
        """Stories readers may see: published, and their publication time has
        come, unless it came during a lockdown still in force (publishing is
        frozen: scheduled stories wait until it is lifted)."""
        return self.filter(
            ~_due_in_lockdown(),
            status=self.model.Status.PUBLISHED,
            published_at__lte=timezone.now(),
        )

    def in_edition(self, code=None):
        """Stories of one language edition: `code`, or the request's."""
        return self.filter(editions.stories_in(code or editions.active()))

    def scheduled(self):
        """Stories published for a time to come, or held back by a lockdown."""
        return self.filter(
            Q(published_at__gt=timezone.now()) | _due_in_lockdown(),
            status=self.model.Status.PUBLISHED,
        )

    def in_state(self, state):
        """Stories in one editorial state (Article.State): the admin's filter."""
        if state == self.model.State.LIVE:
            return self.published()
        if state == self.model.State.SCHEDULED:
            return self.scheduled()
        return self.filter(status=state)

    def linked_to(self, link, owner, condition=None, name="linked"):
        """Stories a tag or an author (`owner`) is linked to by their link rows
        `link` ("tagged_items", "bylines": rows naming it by the field of its
        kind's name), newest first, read down the index of the owner's rows
        and their copy of the story's publication time, so that the cost is
        that of the rows read, however many stories the owner has.

        The owner and `condition` (a Q on the link row, named by `link`) are
        the join's own condition, not a filter(): a negation there would be
        tested against every link of each story, in a subquery each. The
        stored time narrows; published() decides over a stale one. `name`
        names the join (one per owner, where a query names several)."""
        rows = self.model._meta.get_field(link).related_model
        owner_field = rows._meta.get_field(type(owner)._meta.model_name).name
        named = Q(
            **{f"{link}__{owner_field}": owner, f"{link}__published_at__isnull": False}
        )
        if condition is not None:
            named &= condition
        linked = models.FilteredRelation(link, condition=named)
        return (
            self.annotate(**{name: linked})
            .filter(**{f"{name}__published_at__isnull": False})
            .order_by(f"-{name}__published_at", "-pk")
        )

    def linked_in(self, link, owner, code):
        """linked_to(), the owner's link rows read in the languages of the
        edition `code` it has stories in (StoryLinkQuerySet.languages_in, a
        probe of their index per language): with one, the commonest case, a
        single range of the index, and never another edition's rows. None of
        its stories where it has none there."""
        rows = self.model._meta.get_field(link).related_model.objects
        languages = rows.naming(**{type(owner)._meta.model_name: owner}).languages_in(
            code
        )
        if not languages:
            return self.none()
        return self.linked_to(link, owner, Q(**{f"{link}__language__in": languages}))

    def for_listing(self):
        """What a story card needs, fetched up front; not the body, which cards
        never show and which is most of a story's bytes."""
        return (
            self.select_related("section", "outlet", "lead_image")
            .prefetch_related(
                models.Prefetch(
                    "bylines", queryset=_bylines(self.model).select_related("author")
                )
            )
            .defer("body")
        )

    def for_story(self):
        """What a story page needs, fetched up front."""
        return (
            self.for_listing()
            .defer(None)
            .select_related("outlet__logo")
            .prefetch_related("tags", "corrections")
            .with_is_translated()
        )

    def with_is_translated(self):
        """Each story's is_translated: whether a live translation of it exists.

        Looked up story by story through the translations' index. Matched on
        the translation's key alone, PostgreSQL may instead hash every live
        story once for a list (it does not count the list's LIMIT), a cost
        that grows with the archive; a story is never its own translation,
        and saying so keeps the lookup per story.
        """
        translated = (
            self.model.objects.published()
            .filter(translation_of=OuterRef("pk"))
            .exclude(pk=OuterRef("pk"))
        )
        return self.annotate(is_translated=models.Exists(translated))

    def related_to(self, story):
        """Stories sharing tags with `story`, most tags in common first, then
        newest, then the higher id: at most RELATED_SHORTLIST of them.

        Chosen from a shortlist whose cost does not grow with the archive
        (articles.models.related says when it can differ from counting over
        every story). One query: it reads the story's prefetched tags, and only
        what a link to a related story shows.
        """
        tag_ids = [tag.pk for tag in story.tags.all()]
        if not tag_ids:
            return self.none()
        return (
            self.filter(pk__in=related.shortlist(story, tag_ids), tags__in=tag_ids)
            .exclude(pk=story.pk)
            .select_related("section")
            .only(
                "headline",
                "slug",
                "language",
                "published_at",
                "section__name",
                "section__slug",
            )
            .annotate(shared_tags=models.Count("pk"))
            .order_by("-shared_tags", "-published_at", "-pk")
        )

    def showing_embed(self, slug):
        """Stories whose body places the embed named `slug` ([embed:slug])."""
        return self.filter(body__contains=f"[embed:{slug}]")

    def versions_of(self, story):
        """The story in every language: the original and all its translations.

        No query for a story that for_story() found untranslated.
        """
        if story.translation_of_id is None and not getattr(
            story, "is_translated", True
        ):
            return self.none()
        original = story.translation_of_id or story.pk
        return self.filter(Q(pk=original) | Q(translation_of=original))
