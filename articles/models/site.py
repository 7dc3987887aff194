"""Who and what the site is made of: outlets, sections and authors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from articles import editions
from articles.links import url_for
from articles.slugs import LatinSlugField


class OutletQuerySet(models.QuerySet):
    def house(self):
        """The deployment's own outlet, or None before one is set up."""
        return self.filter(is_house=True).first()


class Outlet(models.Model):
    name = models.CharField(max_length=120, verbose_name=_("name"))
    slug = LatinSlugField(
        max_length=120,
        populate_from="name",
        fallback="outlet",
        help_text=_("In Latin letters; leave blank to make it from the name."),
        verbose_name=_("slug"),
    )
    url = models.URLField(_("website"), blank=True)
    description = models.TextField(blank=True, verbose_name=_("description"))
    is_house = models.BooleanField(
        _("our outlet"),
        default=False,
        help_text=_(
            "Tick for this site's own outlet. Other outlets are partners whose "
            "stories we republish with attribution. Only one outlet can be ours."
        ),
    )
    logo = models.ForeignKey(
        "articles.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown to search engines as the publisher's logo."),
        verbose_name=_("logo"),
    )
    publishing_principles_url = models.URLField(
        _("publishing principles"),
        blank=True,
        help_text=_(
            "The address of the page that sets out the outlet's editorial "
            "standards and ethics. Search engines are told where to find it."
        ),
    )
    corrections_policy_url = models.URLField(
        _("corrections policy"),
        blank=True,
        help_text=_(
            "The address of the page that explains how the outlet corrects its "
            "mistakes. Search engines are told where to find it."
        ),
    )
    support_heading = models.CharField(
        max_length=120,
        blank=True,
        default="Why your support matters",
        help_text=_(
            "Our outlet only: the heading above the text below on the support page."
        ),
        verbose_name=_("support heading"),
    )
    support_text = models.TextField(
        _("why support matters"),
        blank=True,
        help_text=_(
            "Our outlet only: shown on the support page above the membership "
            "tiers. Plain text; a blank line starts a paragraph."
        ),
    )

    objects = OutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["-is_house", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_house"],
                condition=Q(is_house=True),
                name="only_one_house_outlet",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{url_for('articles:search')}?outlet={self.slug}"

    def support_in(self, code):
        """What the support page says of why support matters, in the edition
        `code`'s language: a SupportText where one is written, else the
        outlet's own fields (support_heading, support_text)."""
        if code != editions.default():
            found = self.support_texts.filter(language=code).first()
            if found is not None:
                return found
        return self


class Section(models.Model):
    name = models.CharField(max_length=80, verbose_name=_("name"))
    slug = LatinSlugField(
        max_length=80,
        populate_from="name",
        fallback="section",
        help_text=_(
            "The last part of the section's address, in Latin letters. "
            "Leave blank to make it from the name, in any script."
        ),
        verbose_name=_("slug"),
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text=_("Sections are listed on the home page in this order."),
        verbose_name=_("position"),
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("articles:section", self.slug)


class Author(models.Model):
    name = models.CharField(max_length=120, verbose_name=_("name"))
    slug = LatinSlugField(
        max_length=120,
        populate_from="name",
        fallback="author",
        help_text=_(
            "The last part of the author's address, in Latin letters. "
            "Leave blank to make it from the name, in any script."
        ),
        verbose_name=_("slug"),
    )
    bio = models.TextField(blank=True, verbose_name=_("bio"))
    photo = models.ForeignKey(
        "articles.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    social_handle = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("For example @oc_media, without a link."),
        verbose_name=_("social handle"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text=_("The staff account that writes as this author, if any."),
        verbose_name=_("user"),
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]
        # A name typed in the search form is looked up as written and in any
        # case (search.query.rows_named): by index, however many authors.
        indexes = [
            models.Index(fields=["name"], name="author_name_idx"),
            models.Index(Upper("name"), name="author_name_upper_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("articles:author", self.slug)
