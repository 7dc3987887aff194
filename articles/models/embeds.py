"""Embeds: posts from other sites kept as static HTML, placed in story bodies
by a marker paragraph ([embed:slug], articles.html)."""

from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.html import attach_placed, sanitise_embed

from .content import language_validator


class EmbedQuerySet(models.QuerySet):
    def attach(self, pieces):
        """Give each embed piece of a story body (articles.html.Piece) its Embed,
        in one query at most; a piece whose embed has gone gets None."""
        return attach_placed(
            pieces,
            marker="embed_slug",
            to="embed",
            found=lambda slugs: self.in_bulk(slugs, field_name="slug"),
        )


class Embed(models.Model):
    """A post from another site kept as static HTML: nothing loads from elsewhere."""

    class Kind(models.TextChoices):
        POST = "post", _("Social media post")
        QUOTE = "quote", _("Quoted document")

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text=_(
            "Place the embed in a story by writing [embed:this-slug] alone "
            "in a paragraph."
        ),
        verbose_name=_("slug"),
    )
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.POST, verbose_name=_("kind")
    )
    url = models.URLField(_("link to the original"), max_length=500)
    author_name = models.CharField(max_length=120, verbose_name=_("author name"))
    author_handle = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("For example @oc_media."),
        verbose_name=_("author handle"),
    )
    published_on = models.DateField(
        null=True, blank=True, verbose_name=_("published on")
    )
    language = models.CharField(
        max_length=35,
        default="en",
        validators=[language_validator],
        verbose_name=_("language"),
    )
    text = models.TextField(
        help_text=_(
            "The post's words as paragraphs. A paragraph in another "
            'language than the embed\'s carries it: <p lang="uk">…</p>.'
        ),
        verbose_name=_("text"),
    )

    objects = EmbedQuerySet.as_manager()

    class Meta:
        verbose_name = _("embed")
        verbose_name_plural = _("embeds")
        ordering = ["-published_on", "slug"]

    def __str__(self):
        return f"{self.author_name}: {self.slug}"

    def save(self, *args, **kwargs):
        self.text = sanitise_embed(self.text)
        super().save(*args, **kwargs)

    @property
    def safe_text(self):
        """The text sanitised again as it is shown, whatever reached the database."""
        return mark_safe(sanitise_embed(self.text))  # noqa: S308
