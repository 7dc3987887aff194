from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.html import sanitise_embed

from .content import language_validator


def image_upload_to(instance, filename):
    return f"images/{timezone.now():%Y/%m}/{filename}"


def rendition_upload_to(instance, filename):
    return f"renditions/{instance.image_id}/{filename}"


class Image(models.Model):
    file = models.ImageField(
        upload_to=image_upload_to, width_field="width", height_field="height"
    )
    title = models.CharField(
        max_length=200, help_text="For finding the picture in the admin."
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it. "
        "Describe the scene, not the story.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown after “Photo:”. Who took the picture.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from the left edge (0) to the right (1). "
        "Crops keep this point in view.",
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Where the subject is, from the top (0) to the bottom (1).",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1
                ),
                name="image_focal_point_inside",
            ),
        ]

    def __str__(self):
        return self.title


class Rendition(models.Model):
    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(
        Image, on_delete=models.CASCADE, related_name="renditions"
    )
    # A crop such as "1200x630" for social cards, blank for plain widths.
    crop = models.CharField(max_length=20, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.FileField(upload_to=rendition_upload_to, max_length=255)

    class Meta:
        ordering = ["image", "crop", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "width", "format"],
                name="one_rendition_per_size",
            )
        ]

    def __str__(self):
        return f"{self.image} {self.crop or self.width} {self.format}"


class Embed(models.Model):
    """A post from another site kept as static HTML: nothing loads from elsewhere."""

    class Kind(models.TextChoices):
        POST = "post", "Social media post"
        QUOTE = "quote", "Quoted document"

    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="Place the embed in a story by writing [embed:this-slug] alone "
        "in a paragraph.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POST)
    url = models.URLField("link to the original", max_length=500)
    author_name = models.CharField(max_length=120)
    author_handle = models.CharField(
        max_length=80, blank=True, help_text="For example @oc_media."
    )
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(
        max_length=35, default="en", validators=[language_validator]
    )
    text = models.TextField(
        help_text="The post's words as paragraphs. A paragraph in another "
        'language than the embed\'s carries it: <p lang="uk">…</p>.'
    )

    class Meta:
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
