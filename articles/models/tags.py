from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from articles import slugs
from articles.links import url_for

from .languages import LanguagesQuerySet


class TagQuerySet(models.QuerySet):
    def spelled_as_in_use(self, names):
        """`names`, each one that names a tag in use whatever the case given in
        that tag's spelling. taggit matches names case-insensitively, but SQLite
        folds only ASCII letters, so "баку" would make a second tag beside
        "Баку"; names that differ only in case share an address, which finds
        the tag in use on any database."""
        addresses = {Tag.address(name) for name in names}
        in_use = {
            tag.name.casefold(): tag.name
            for tag in self.filter(slug__in=addresses).only("name")
        }
        return [in_use.get(name.casefold(), name) for name in names]


class Tag(TagBase):
    """A tag on stories (django-taggit's own, with addresses in Latin letters).

    taggit makes a new tag's slug through slugify(); ours transliterates any
    script (articles.slugs), so a tag named "Азербайджан" is linkable.
    """

    slug = slugs.LatinSlugField(
        max_length=100,
        populate_from="name",
        fallback="tag",
        help_text=_(
            "The last part of the tag's address, in Latin letters. Leave "
            "blank to make it from the name, in any script."
        ),
        verbose_name=_("slug"),
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        # A name typed in any case (search.query.rows_named), by index.
        indexes = [models.Index(Upper("name"), name="tag_name_upper_idx")]

    def get_absolute_url(self):
        return url_for("articles:tag", self.slug)

    @classmethod
    def address(cls, name):
        """The slug a tag named `name` is given (before any number that keeps
        it unique)."""
        return slugs.slugify(name, cls._meta.get_field("slug").max_length, "tag")

    def slugify(self, tag, i=None):
        slug = self.address(tag)
        return slug if i is None else slugs.numbered(slug, i + 1)


def published_time(story):
    """The publication time rows linked to `story` carry: none unless published."""
    return story.published_at if story.status == story.Status.PUBLISHED else None


class StoryLinkQuerySet(LanguagesQuerySet):
    """Rows linking a story to its tags (TaggedArticle) or its authors (Byline),
    each carrying the story's publication time and language so that a tag's or
    an author's newest stories in an edition are an index range. The model
    names its story's foreign key in `story_field`."""

    def dated(self):
        """Copy onto the rows their story's publication time (none while it is
        not published) and language: after writes that send no signals, such
        as bulk_create, or a story's save."""
        story_field = self.model.story_field
        stories = self.model._meta.get_field(story_field).related_model
        story = stories._base_manager.filter(pk=models.OuterRef(story_field))
        return self.update(
            published_at=models.Subquery(
                story.filter(status=stories.Status.PUBLISHED).values("published_at")
            ),
            language=models.Subquery(story.values("language")),
        )

    def naming(self, **owner):
        """The rows naming `owner` (author=…, tag=…: an instance, a key or a
        subquery of it) of stories published or scheduled: those their
        listings and the search's walks read."""
        return self.filter(published_at__isnull=False, **owner)


class StoryLink(models.Model):
    """A row linking a story to its tag or author, with the story's
    publication time and language: a subclass names its story's foreign key
    in `story_field`."""

    published_at = models.DateTimeField(
        null=True,
        editable=False,
        help_text=_(
            "When the story was published (or is scheduled to be), copied from "
            "it; empty while it is not published."
        ),
        verbose_name=_("published at"),
    )
    # The story's language, copied from it: a tag's or author's listing in one
    # edition reads it beside the time, from the index, without reading the
    # stories of other editions (articles.listings).
    language = models.CharField(
        max_length=35,
        blank=True,
        default="",
        editable=False,
        verbose_name=_("language"),
    )

    objects = StoryLinkQuerySet.as_manager()
    published_time = staticmethod(published_time)

    class Meta:
        abstract = True

    @staticmethod
    def copied_from(story):
        """What a row linked to `story` copies from it."""
        return {"published_at": published_time(story), "language": story.language}


class TaggedArticle(StoryLink, TaggedItemBase):
    """A story's tag: the through table of Article.tags.

    Each row carries its story's publication time, so that a tag's newest
    stories are an index range whatever the size of the archive (related
    stories: articles.models.related; tag listings: articles.listings). It
    is written with the row and whenever the story is saved (articles.signals).
    """

    tag = models.ForeignKey(
        Tag,
        on_delete=models.CASCADE,
        related_name="tagged_articles",
        verbose_name=_("tag"),
    )
    content_object = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="tagged_items",
        verbose_name=_("content object"),
    )
    story_field = "content_object"

    class Meta:
        ordering = ["id"]
        # As revision comparisons name a story's tags (articles.admin.history).
        verbose_name = _("tagged item")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="one_tag_per_story"
            )
        ]
        indexes = [
            # A tag's newest published stories, read from the index alone, for
            # related stories (articles.models.related): the rows of
            # unpublished stories are left out.
            models.Index(
                fields=["tag", "-published_at", "-content_object"],
                name="tagged_published_idx",
                condition=models.Q(published_at__isnull=False),
            ),
            # A tag's stories in each language, newest first, and the
            # languages it has stories in: a listing in one edition reads the
            # range of each of its languages there (articles.listings), and
            # never the rows of other editions.
            models.Index(
                fields=["tag", "language", "-published_at", "-content_object"],
                name="tagged_language_idx",
                condition=models.Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.content_object_id} tagged {self.tag_id}"
