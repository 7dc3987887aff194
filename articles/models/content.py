import secrets

from django.conf import settings
from django.core import signing
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles import editions
from articles.html import BODY_EDITOR_EXTENSIONS, sanitise_body
from articles.links import url_in
from articles.slugs import LatinSlugField

from .queries import ArticleQuerySet
from .site import Author, Section
from .tags import StoryLink

# BCP 47 language tags as newsrooms use them: "en", "uk", "az", "az-Latn", "pt-BR".
language_validator = RegexValidator(
    r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$",
    _("Enter a language tag such as en, uk, az or az-Latn."),
)

PREVIEW_SALT = "articles.preview"


def to_the_second(moment):
    """A time as stories keep it: editors set times to the second, and HTML's
    <time datetime> takes no more than milliseconds."""
    return moment.replace(microsecond=0) if moment else moment


def now_to_the_second():
    return to_the_second(timezone.now())


def new_preview_key():
    return secrets.token_urlsafe(12)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("story state", "Draft")
        REVIEW = "review", pgettext_lazy("story state", "In review")
        PUBLISHED = "published", pgettext_lazy("story state", "Published")

    class State(models.TextChoices):
        """Where a story stands for editors: status and publication time together."""

        DRAFT = "draft", pgettext_lazy("story state", "Draft")
        REVIEW = "review", pgettext_lazy("story state", "In review")
        SCHEDULED = "scheduled", pgettext_lazy("story state", "Scheduled")
        LIVE = "live", pgettext_lazy("story state", "Live")

    headline = models.CharField(max_length=200, verbose_name=_("headline"))
    slug = LatinSlugField(
        max_length=200,
        populate_from="headline",
        fallback="story",
        help_text=_(
            "The last part of the story's address, in Latin letters. Leave "
            "blank to make it from the headline, in any script. Changing it after "
            "publication breaks links to the story."
        ),
        verbose_name=_("slug"),
    )
    standfirst = models.TextField(
        blank=True,
        help_text=_("The one- or two-sentence summary shown under the headline."),
        verbose_name=_("standfirst"),
    )
    body = ProseEditorField(
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitise_body,
        blank=True,
        help_text=_("To place an embed, write [embed:its-slug] alone in a paragraph."),
        verbose_name=_("body"),
    )
    lead_image = models.ForeignKey(
        "articles.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_for",
        verbose_name=_("lead image"),
    )
    lead_image_caption = models.TextField(
        _("caption override"),
        blank=True,
        help_text=_("Leave blank to use the image's caption."),
    )
    lead_image_credit = models.CharField(
        _("credit override"),
        max_length=200,
        blank=True,
        help_text=_("Leave blank to use the image's credit."),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("section"),
    )
    authors = models.ManyToManyField(
        Author,
        through="Byline",
        related_name="articles",
        blank=True,
        verbose_name=_("authors"),
    )
    outlet = models.ForeignKey(
        "articles.Outlet",
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_(
            "Who published the story first. Partner stories are shown "
            "with attribution and a link to the original."
        ),
        verbose_name=_("outlet"),
    )
    original_url = models.URLField(
        _("original address"),
        max_length=500,
        blank=True,
        help_text=_(
            "For partner stories: where the story first appeared. Search "
            "engines are pointed there."
        ),
    )
    language = models.CharField(
        max_length=35,
        default=editions.default,
        validators=[language_validator, editions.validate_story_language],
        help_text=_(
            "The story's language: one of the site's editions (en, ru, ka…), "
            "or a fuller BCP 47 tag within one (az-Latn)."
        ),
        verbose_name=_("language"),
    )
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_("If this story is a translation, the original story."),
        db_index=False,  # article_translations_idx leads with it
        verbose_name=_("translation of"),
    )
    # No help text of its own: the form says how to type tags (TAGS_HELP in the
    # admin), and a read-only story has nothing to type.
    tags = TaggableManager(
        through="articles.TaggedArticle",
        blank=True,
        help_text="",
        verbose_name=_("tags"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=False,
        verbose_name=_("status"),
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_(
            "A time in the future schedules the story: it goes live by "
            "itself when the time passes."
        ),
        verbose_name=_("published at"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    seo_title = models.CharField(
        _("search engine title"),
        max_length=200,
        blank=True,
        help_text=_("Leave blank to use the headline."),
    )
    seo_description = models.CharField(
        _("search engine description"),
        max_length=300,
        blank=True,
        help_text=_("Leave blank to use the standfirst."),
    )
    # Every preview link carries it: a new key revokes every link given out.
    # Kept out of revisions, so reverting or recovering a story never brings
    # a revoked key back.
    preview_key = models.CharField(
        max_length=32,
        default=new_preview_key,
        editable=False,
        verbose_name=_("preview key"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        # The newsroom's word: the admin says "story" and "Select story to change";
        # the table, URLs and permission codenames keep "article".
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-created_at"]
        get_latest_by = "published_at"
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish stories")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_publication_time",
            ),
        ]
        indexes = [
            # published() ordered by date: home page, listings, feeds, sitemaps.
            models.Index(
                fields=["status", "-published_at"], name="article_published_idx"
            ),
            # Section listing pages: published() filtered by section.
            models.Index(
                fields=["section", "status", "-published_at"],
                name="article_section_idx",
            ),
            # A story page asks whether the story has published translations;
            # with only the foreign key's index, SQLite's planner walks every
            # published story instead.
            models.Index(
                fields=["translation_of", "status", "published_at"],
                name="article_translations_idx",
            ),
            # The admin's story list in every state, newest first (its
            # ordering, with the primary key Django adds), its date links'
            # first and last years, and its filters' "most used lately".
            models.Index(
                fields=["-published_at", "-created_at", "-id"],
                name="article_admin_list_idx",
            ),
            # An edition's stories (editions.stories_in: UPPER(language)):
            # PostgreSQL keeps statistics on an indexed expression, so a
            # listing's plan knows an edition holds a fifth of a section, not
            # a hundredth, and reads the section's index newest first instead
            # of sorting all of it.
            models.Index(Upper("language"), name="article_edition_idx"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Every way in (admin, commands, imports) keeps only allow-listed HTML.
        self.body = sanitise_body(self.body)
        self.published_at = to_the_second(self.published_at)
        if self._is_leaving_the_site():
            # A story taken down takes its preview links with it.
            self.preview_key = new_preview_key()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "preview_key"}
        super().save(*args, **kwargs)
        self._stored_status = self.status

    def get_absolute_url(self):
        return url_in(self.edition, "articles:article", self.slug)

    @property
    def edition(self):
        """The language edition the story lives in (articles.editions)."""
        return editions.edition_of(self.language)

    @classmethod
    def from_db(cls, db, field_names, values):
        story = super().from_db(db, field_names, values)
        story._stored_status = story.__dict__.get("status")
        return story

    def _is_leaving_the_site(self):
        stored = getattr(self, "_stored_status", None)
        return stored == self.Status.PUBLISHED and self.status != stored

    def revoke_previews(self):
        """Give the story a new preview key: every link given out stops working."""
        self.preview_key = new_preview_key()
        Article.objects.filter(pk=self.pk).update(preview_key=self.preview_key)

    def get_preview_url(self):
        """A signed link showing the story in any status; it expires, and
        revoke_previews() ends it sooner."""
        token = signing.dumps(
            {"id": self.pk, "key": self.preview_key}, salt=PREVIEW_SALT, compress=True
        )
        return url_in(editions.default(), "articles:preview", token)

    @classmethod
    def from_preview_token(cls, token, max_age=None):
        """The article a preview token names, or None if forged, expired or
        revoked."""
        max_age = max_age if max_age is not None else settings.NEWSROOM_PREVIEW_MAX_AGE
        try:
            data = signing.loads(token, salt=PREVIEW_SALT, max_age=max_age)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or not data.get("key"):
            return None  # signed before links could be revoked: not honoured
        return cls.objects.filter(pk=data.get("id"), preview_key=data["key"]).first()

    @property
    def is_live(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def state(self):
        if self.is_live:
            return self.State.LIVE
        if self.is_scheduled:
            return self.State.SCHEDULED
        return self.State(self.status)

    @property
    def is_partner(self):
        return not self.outlet.is_house

    @property
    def caption(self):
        if self.lead_image_caption:
            return self.lead_image_caption
        return self.lead_image.caption if self.lead_image else ""

    @property
    def credit(self):
        if self.lead_image_credit:
            return self.lead_image_credit
        return self.lead_image.credit if self.lead_image else ""

    @property
    def byline_authors(self):
        """Authors in byline order; uses the prefetched bylines when present."""
        return [byline.author for byline in self.bylines.all()]

    @property
    def canonical_url(self):
        return self.original_url or self.get_absolute_url()

    @property
    def modified_at(self):
        """When readers last saw a change: the later of publication and correction."""
        corrections = [c.date for c in self.corrections.all()]
        candidates = [d for d in [self.published_at, *corrections] if d]
        return max(candidates) if candidates else None


class Byline(StoryLink):
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="bylines",
        verbose_name=_("article"),
    )
    author = models.ForeignKey(
        Author,
        on_delete=models.PROTECT,
        related_name="bylines",
        verbose_name=_("author"),
    )
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))
    # Its story's publication time, as a tagging's (articles.models.tags).
    story_field = "article"

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="one_byline_per_author"
            )
        ]
        indexes = [
            # An author's newest published stories, and their first and last
            # in a year or month, as an index range: author listings and their
            # archive (articles.listings). Unpublished stories' rows left out.
            models.Index(
                fields=["author", "-published_at", "-article"],
                name="byline_published_idx",
                condition=Q(published_at__isnull=False),
            ),
            # An author's stories in each language, newest first, and the
            # languages they have written in (as tagged_language_idx).
            models.Index(
                fields=["author", "language", "-published_at", "-article"],
                name="byline_language_idx",
                condition=Q(published_at__isnull=False),
            ),
        ]

    def __str__(self):
        return _("%(author)s on %(story)s") % {
            "author": self.author,
            "story": self.article,
        }


class Correction(models.Model):
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("article"),
    )
    date = models.DateTimeField(default=now_to_the_second, verbose_name=_("date"))
    text = models.TextField(
        help_text=_("What was wrong and what the story says now."),
        verbose_name=_("text"),
    )

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["date", "id"]

    def __str__(self):
        return _("Correction to %(story)s on %(date)s") % {
            "story": self.article,
            "date": f"{self.date:%Y-%m-%d}",
        }

    def save(self, *args, **kwargs):
        self.date = to_the_second(self.date)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"
