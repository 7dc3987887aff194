from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase, TaggedItemBase

from articles import slugs
from articles.links import url_for


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


class TaggedArticle(TaggedItemBase):
    """A story's tag: the through table of Article.tags."""

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

    class Meta:
        ordering = ["id"]
        # As revision comparisons name a story's tags (articles.admin.history).
        verbose_name = _("tagged item")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="one_tag_per_story"
            )
        ]

    def __str__(self):
        return f"{self.content_object_id} tagged {self.tag_id}"
