"""What editors write once per edition's language: the support page's "why
support matters", membership tiers' names and benefits, and sections' names.
An edition without its own text shows the default language's (the fields on
Outlet, MembershipTier and Section)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from articles import editions

from .membership import MembershipTier
from .site import Outlet, Section


class EditionText(models.Model):
    language = models.CharField(
        _("language"),
        max_length=10,
        validators=[editions.validate_edition],
        help_text=_("One of the site's editions: en, ru, ka…"),
    )

    class Meta:
        abstract = True


class SupportText(EditionText):
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.CASCADE,
        related_name="support_texts",
        verbose_name=_("outlet"),
    )
    support_heading = models.CharField(_("heading"), max_length=120, blank=True)
    support_text = models.TextField(
        _("why support matters"),
        help_text=_("Plain text; a blank line starts a paragraph."),
    )

    class Meta:
        verbose_name = _("support page text in another language")
        verbose_name_plural = _("support page in other languages")
        constraints = [
            models.UniqueConstraint(
                fields=["outlet", "language"], name="one_support_text_per_language"
            )
        ]

    def __str__(self):
        return f"{self.outlet} ({self.language})"


class TierTranslation(EditionText):
    tier = models.ForeignKey(
        MembershipTier,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("tier"),
    )
    name = models.CharField(_("name"), max_length=80)
    benefits = models.TextField(
        _("benefits"), blank=True, help_text=_("One benefit per line.")
    )

    class Meta:
        verbose_name = _("tier in another language")
        verbose_name_plural = _("tier in other languages")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "language"], name="one_tier_translation_per_language"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


class SectionTranslation(EditionText):
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("section name in another language")
        verbose_name_plural = _("section names in other languages")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "language"],
                name="one_section_translation_per_language",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"
