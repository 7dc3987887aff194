"""Who and what the site is made of: outlets, sections and authors."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.links import url_for
from articles.slugs import LatinSlugField


class OutletQuerySet(models.QuerySet):
    def house(self):
        """The deployment's own outlet, or None before one is set up."""
        return self.filter(is_house=True).first()


class Outlet(models.Model):
    name = models.CharField(max_length=120)
    slug = LatinSlugField(
        max_length=120,
        populate_from="name",
        fallback="outlet",
        help_text="In Latin letters; leave blank to make it from the name.",
    )
    url = models.URLField("website", blank=True)
    description = models.TextField(blank=True)
    is_house = models.BooleanField(
        "our outlet",
        default=False,
        help_text="Tick for this site's own outlet. Other outlets are partners whose "
        "stories we republish with attribution. Only one outlet can be ours.",
    )
    logo = models.ForeignKey(
        "articles.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown to search engines as the publisher's logo.",
    )
    support_heading = models.CharField(
        max_length=120,
        blank=True,
        default="Why your support matters",
        help_text="Our outlet only: the heading above the text below on the support page.",
    )
    support_text = models.TextField(
        "why support matters",
        blank=True,
        help_text="Our outlet only: shown on the support page above the membership "
        "tiers. Plain text; a blank line starts a paragraph.",
    )

    objects = OutletQuerySet.as_manager()

    class Meta:
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


class Section(models.Model):
    name = models.CharField(max_length=80)
    slug = LatinSlugField(
        max_length=80,
        populate_from="name",
        fallback="section",
        help_text="The last part of the section's address, in Latin letters. "
        "Leave blank to make it from the name, in any script.",
    )
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are listed on the home page in this order."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("articles:section", self.slug)


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = LatinSlugField(
        max_length=120,
        populate_from="name",
        fallback="author",
        help_text="The last part of the author's address, in Latin letters. "
        "Leave blank to make it from the name, in any script.",
    )
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "articles.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    social_handle = models.CharField(
        max_length=80, blank=True, help_text="For example @oc_media, without a link."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text="The staff account that writes as this author, if any.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return url_for("articles:author", self.slug)
