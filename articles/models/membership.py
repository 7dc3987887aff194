import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from articles import editions
from articles.links import url_for

from .site import Outlet, Section
from .tags import Tag


def validate_button_url(value):
    """A path on this site (/support/) or a full http(s) address; nothing else.

    A path is judged as browsers read it: they take a backslash for a slash and
    drop tabs and line breaks, so `/\\evil.example` leads off the site.
    """
    hidden = any(c.isspace() or unicodedata.category(c)[0] == "C" for c in value)
    if value.startswith("/") and not hidden:
        if url_has_allowed_host_and_scheme(value, allowed_hosts=None):
            return
    else:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            pass
        else:
            return
    raise ValidationError(
        _(
            "Enter a path on this site such as /support/ or a full address "
            "starting with https://."
        )
    )


class JSONList(models.Aggregate):
    """A group's values as one JSON array."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _listed(queryset, field, value):
    """For each prompt, `value` over its rows of `queryset` (by `field`) as a list."""
    return models.Subquery(
        queryset.filter(**{field: models.OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(listed=JSONList(value))
        .values("listed")
    )


# Each targeting relation of a prompt, and the column of its through table
# that names the section, tag or outlet.
TARGETING = {"sections": "section_id", "tags": "tag_id", "outlets": "outlet_id"}
# What a page shows of a variant.
VARIANT_FIELDS = ("id", "name", "heading", "body", "button_label", "weight")


class MembershipPromptQuerySet(models.QuerySet):
    def with_their_rows(self):
        """Each prompt with its variants and targeting beside it, in one query.

        The variants and the through tables are read as JSON lists
        (`variants_listed`, `sections_listed`, `tags_listed`, `outlets_listed`)
        rather than by a prefetch each: what the prompt cache is filled from.
        """
        rows = {
            f"{relation}_listed": _listed(
                getattr(MembershipPrompt, relation).through.objects,
                "membershipprompt",
                column,
            )
            for relation, column in TARGETING.items()
        }
        rows["variants_listed"] = _listed(
            PromptVariant.objects,
            "prompt",
            JSONObject(**{name: name for name in VARIANT_FIELDS}),
        )
        return self.annotate(**rows)

    def live(self, now=None):
        """Prompts switched on whose window, if any, includes now."""
        now = now or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            is_active=True,
        )


class MembershipPrompt(models.Model):
    class Placement(models.TextChoices):
        HEADER = "header", _("Header, above every page")
        INLINE = "inline", _("Inside a story, after a paragraph")
        ARTICLE_END = "article_end", _("End of a story")
        HOME = "home", _("Home page")

        @property
        def limit(self):
            """How many prompts show here at once (inline: after each paragraph
            chosen). OC Media ran two at a story's end."""
            return 2 if self == "article_end" else 1

    class Dismissal(models.TextChoices):
        NONE = "none", _("Cannot be dismissed")
        DAYS = "days", _("Dismissed for a number of days")
        FOREVER = "forever", _("Dismissed for good")

    class Kind(models.TextChoices):
        MEMBERSHIP = "membership", _("Membership appeal")
        FUNDRAISER = "fundraiser", _("Fundraiser")

    name = models.CharField(
        max_length=120,
        help_text=_("For the newsroom only, e.g. “Spring membership drive”."),
        verbose_name=_("name"),
    )
    placement = models.CharField(
        max_length=12, choices=Placement.choices, verbose_name=_("placement")
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.MEMBERSHIP,
        help_text=_(
            "Membership appeals are hidden from readers who say they are "
            "already members; fundraisers are not, and are listed on the support page."
        ),
        verbose_name=_("kind"),
    )
    heading = models.CharField(max_length=200, blank=True, verbose_name=_("heading"))
    body = models.TextField(
        blank=True,
        help_text=_("Plain text; a blank line starts a paragraph."),
        verbose_name=_("body"),
    )
    button_label = models.CharField(
        max_length=80, blank=True, verbose_name=_("button label")
    )
    button_url = models.CharField(
        _("button link"),
        max_length=500,
        blank=True,
        validators=[validate_button_url],
        help_text=_(
            "A full address (https://…) or a path on this site such as /support/."
        ),
    )
    is_active = models.BooleanField(_("switched on"), default=True)
    starts_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Blank: from now."),
        verbose_name=_("starts at"),
    )
    ends_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Blank: until switched off."),
        verbose_name=_("ends at"),
    )
    priority = models.IntegerField(
        default=0,
        help_text=_("Higher numbers are shown first where several prompts match."),
        verbose_name=_("priority"),
    )
    paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Inline prompts only: shown after this paragraph of the story (1 is the first)."
        ),
        verbose_name=_("paragraph"),
    )
    sections = models.ManyToManyField(
        Section,
        blank=True,
        help_text=_("Only on stories in these sections. None: every section."),
        verbose_name=_("sections"),
    )
    tags = models.ManyToManyField(
        Tag,
        blank=True,
        related_name="+",
        help_text=_("Only on stories with one of these tags. None: any."),
        verbose_name=_("tags"),
    )
    outlets = models.ManyToManyField(
        Outlet,
        blank=True,
        help_text=_(
            "Only on stories from these outlets, e.g. ours but not partners'. None: any."
        ),
        verbose_name=_("outlets"),
    )
    languages = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Only on stories in these languages, comma-separated (en, uk, az). Blank: any."
        ),
        verbose_name=_("languages"),
    )
    dismissal = models.CharField(
        max_length=8,
        choices=Dismissal.choices,
        default=Dismissal.DAYS,
        verbose_name=_("dismissal"),
    )
    dismiss_days = models.PositiveSmallIntegerField(
        default=7,
        help_text=_("With “dismissed for a number of days”: how many."),
        verbose_name=_("dismiss days"),
    )
    max_views_per_week = models.PositiveSmallIntegerField(
        _("at most, views a week"),
        null=True,
        blank=True,
        help_text=_(
            "Shown to one reader at most this many times in seven days, "
            "counted in the reader's own browser. Blank: no limit."
        ),
    )
    weight = models.PositiveSmallIntegerField(
        _("share of readers"),
        default=50,
        help_text=_(
            "With variants: this text's share against theirs (50 here and 50 "
            "on one variant: half the readers each). It is also what readers without "
            "JavaScript see."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = MembershipPromptQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership prompt")
        verbose_name_plural = _("membership prompts")
        ordering = ["placement", "-priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="prompt_window_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(placement="inline")
                | Q(paragraph__isnull=False, paragraph__gte=1),
                name="inline_prompt_has_paragraph",
            ),
        ]
        indexes = [
            # live() for one placement, ordered by priority: every page render.
            models.Index(
                fields=["placement", "is_active", "-priority"], name="prompt_live_idx"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def language_list(self):
        return [code.strip() for code in self.languages.split(",") if code.strip()]

    # The prompt's own text is the first version a reader can be shown; its
    # variants are the others. Both answer to the same names in templates.
    variant_key = 0

    @cached_property
    def versions(self):
        """This prompt's own text, then each variant with a share of readers."""
        return self.versions_among(self.variants.all())

    def versions_among(self, variants):
        return [self, *(v for v in variants if v.weight > 0)]

    def get_click_url(self):
        return url_for("articles:prompt_click", self.pk)


class PromptVariant(models.Model):
    prompt = models.ForeignKey(
        MembershipPrompt,
        on_delete=models.CASCADE,
        related_name="variants",
        verbose_name=_("prompt"),
    )
    name = models.CharField(
        max_length=80,
        help_text=_("For the figures, e.g. “B: shorter ask”."),
        verbose_name=_("name"),
    )
    heading = models.CharField(max_length=200, blank=True, verbose_name=_("heading"))
    body = models.TextField(
        blank=True,
        help_text=_("Plain text; a blank line starts a paragraph."),
        verbose_name=_("body"),
    )
    button_label = models.CharField(
        max_length=80,
        help_text=_("The button leads where the prompt's button does."),
        verbose_name=_("button label"),
    )
    weight = models.PositiveSmallIntegerField(
        _("share of readers"),
        default=50,
        help_text=_("Against the prompt's own share; 0 pauses this variant."),
    )

    class Meta:
        verbose_name = _("prompt variant")
        verbose_name_plural = _("prompt variants")
        ordering = ["prompt", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["prompt", "name"], name="prompt_variant_name_unique"
            ),
        ]

    def __str__(self):
        return f"{self.prompt}: {self.name}"

    @property
    def variant_key(self):
        return self.pk

    def get_click_url(self):
        return url_for("articles:prompt_variant_click", self.prompt_id, self.pk)


class PromptDailyStat(models.Model):
    """How often a prompt (or one variant) was seen and clicked on one day.

    Counters only: nothing about who saw or clicked is kept.
    """

    prompt = models.ForeignKey(
        MembershipPrompt,
        on_delete=models.CASCADE,
        related_name="daily_stats",
        verbose_name=_("prompt"),
    )
    variant = models.ForeignKey(
        PromptVariant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="daily_stats",
        help_text=_("Blank: the prompt's own text."),
        verbose_name=_("variant"),
    )
    day = models.DateField(verbose_name=_("day"))
    impressions = models.PositiveIntegerField(default=0, verbose_name=_("impressions"))
    clicks = models.PositiveIntegerField(default=0, verbose_name=_("clicks"))

    class Meta:
        ordering = ["-day", "prompt", "variant"]
        verbose_name = _("prompt figures for a day")
        verbose_name_plural = _("prompt figures by day")
        # One row per prompt, version and day; NULL is its own version, so the
        # prompt's own text needs a constraint of its own.
        constraints = [
            models.UniqueConstraint(
                fields=["prompt", "variant", "day"],
                condition=Q(variant__isnull=False),
                name="prompt_stat_variant_day_unique",
            ),
            models.UniqueConstraint(
                fields=["prompt", "day"],
                condition=Q(variant__isnull=True),
                name="prompt_stat_own_day_unique",
            ),
        ]
        indexes = [
            # The admin's figures: one prompt's rows over a range of days.
            models.Index(fields=["prompt", "day"], name="prompt_stat_prompt_day_idx"),
        ]

    def __str__(self):
        return f"{self.prompt} on {self.day}"


class MembershipTierQuerySet(models.QuerySet):
    def in_language(self, code):
        """Tiers with their name and benefits in the edition `code`'s language
        where an editor wrote them (TierTranslation), else as written."""
        if code == editions.default():
            return self
        translations = self.model._meta.get_field("translations").related_model
        return self.prefetch_related(
            models.Prefetch(
                "translations",
                queryset=translations.objects.filter(language=code),
                to_attr="translated",
            )
        )


class MembershipTier(models.Model):
    class Interval(models.TextChoices):
        # Shown to readers after a tier's price on the support page: "5 EUR per month".
        MONTH = "month", pgettext_lazy("membership tier interval", "per month")
        YEAR = "year", pgettext_lazy("membership tier interval", "per year")
        ONCE = "once", pgettext_lazy("membership tier interval", "one-off")

    name = models.CharField(max_length=80, verbose_name=_("name"))
    amount = models.DecimalField(
        max_digits=10, decimal_places=2, verbose_name=_("amount")
    )
    currency = models.CharField(
        max_length=3,
        default="EUR",
        help_text=_("Three-letter code: EUR, USD, GEL, AZN…"),
        verbose_name=_("currency"),
    )
    interval = models.CharField(
        max_length=5,
        choices=Interval.choices,
        default=Interval.MONTH,
        verbose_name=_("interval"),
    )
    benefits = models.TextField(
        blank=True, help_text=_("One benefit per line."), verbose_name=_("benefits")
    )
    checkout_url = models.URLField(
        _("checkout link"),
        max_length=500,
        help_text=_("The payment provider's page for this tier."),
    )
    is_active = models.BooleanField(_("shown on the support page"), default=True)
    position = models.PositiveSmallIntegerField(default=0, verbose_name=_("position"))

    objects = MembershipTierQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership tier")
        verbose_name_plural = _("membership tiers")
        ordering = ["position", "amount"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="tier_amount_positive"
            ),
        ]

    def __str__(self):
        return (
            f"{self.name} ({self.amount} {self.currency} {self.get_interval_display()})"
        )

    @property
    def translation(self):
        """The tier in the page's language, when in_language() found one."""
        found = getattr(self, "translated", None)
        return found[0] if found else None

    @property
    def display_name(self):
        return self.translation.name if self.translation else self.name

    @property
    def benefit_list(self):
        translation = self.translation
        benefits = translation.benefits if translation else self.benefits
        return [line.strip() for line in benefits.splitlines() if line.strip()]
