"""Pictures: the library of images, their renditions and files, and the
queries over them (what a story body places, duplicates, what nothing uses)."""

import re

from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import images
from articles.html import attach_placed, picture_marker

from .content import Article
from .desk import Autosave
from .files import delete_files, files_in, files_removed_on_error, wrote
from .site import Author, Outlet


def image_upload_to(instance, filename):
    return f"images/{timezone.now():%Y/%m}/{filename}"


def rendition_upload_to(instance, filename):
    return f"renditions/{instance.image_id}/{filename}"


# Widths of the responsive renditions; none is ever wider than its original.
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
# The fallback <img src> for browsers that ignore srcset.
FALLBACK_WIDTH = 960
# Fixed-size crops that keep the focal point in view (the social card).
SOCIAL_CROP = (1200, 630)
# The 16:9, 4:3 and 1:1 crops search engines ask a story's data for, made only
# from pictures that fill them: an enlarged crop would not meet their minimum.
SEARCH_CROPS = ((1200, 675), (1200, 900), (1200, 1200))


def focal_crop(width, height, crop_width, crop_height, focal_x, focal_y):
    """The box of a width × height picture cropped to crop_width:crop_height
    around the focal point, and the crop's size once scaled (never up)."""
    ratio = crop_width / crop_height
    if width / height > ratio:
        box_width, box_height = round(height * ratio), height
    else:
        box_width, box_height = width, round(width / ratio)
    left = min(max(round(focal_x * width - box_width / 2), 0), width - box_width)
    top = min(max(round(focal_y * height - box_height / 2), 0), height - box_height)
    out_width = min(crop_width, box_width)
    out_height = min(crop_height, round(out_width / ratio))
    return (left, top, left + box_width, top + box_height), (out_width, out_height)


class ImageQuerySet(models.QuerySet):
    def delete(self):
        """Delete the pictures, and their files once the deletion commits."""
        pictures = list(self.values_list("pk", "file", "digest"))
        deleted = super().delete()
        _delete_unused_files_on_commit(pictures)
        return deleted

    def attach(self, pieces):
        """Give each picture piece of a story body (articles.html.Piece) its Image,
        in one query at most; a piece whose picture has gone gets None."""
        return attach_placed(
            pieces, marker="picture_id", to="picture", found=self.in_bulk
        )

    def duplicate_of(self, digest, *, besides=None):
        """The picture, other than `besides`, whose file has this digest: the
        same content, cleaned as every upload is."""
        if not digest:
            return None
        found = self.filter(digest=digest).exclude(pk=besides)
        return found.order_by("uploaded_at", "pk").first()

    def unused(self):
        """Pictures nothing shows: no story's lead picture, no author's photo, no
        outlet's logo, and in no story's body (Image.where_used() is empty),
        nor kept aside in an autosave of the story form."""
        photos = Author.objects.filter(photo__isnull=False).values("photo")
        logos = Outlet.objects.filter(logo__isnull=False).values("logo")
        return (
            self.filter(lead_for=None)
            .exclude(pk__in=photos)
            .exclude(pk__in=logos)
            .exclude(pk__in=_named_in_text())
        )


def _named_in_text():
    """Ids of the pictures a story body names, wherever the marker stands, or an
    autosave does (its lead picture or body): work offered back to its writer."""
    bodies = Article.objects.filter(body__contains="[picture:").values_list(
        "body", flat=True
    )
    named = {int(found) for body in bodies.iterator() for found in _NAMED.findall(body)}
    for data in Autosave.objects.values_list("data", flat=True).iterator():
        fields = data.get("fields") or {}  # {name: [value, …]}, as the desk keeps it
        leads = [value for value in fields.get("lead_image", []) if value.isdigit()]
        text = " ".join([*fields.get("body", []), *(f"[picture:{v}]" for v in leads)])
        named.update(int(found) for found in _NAMED.findall(text))
    return named


# Any [picture:id] in a body, even one not alone in its paragraph: a picture a
# story names in any way is never taken for unused.
_NAMED = re.compile(r"\[picture:([0-9]{1,18})\]")


class Image(models.Model):
    file = models.ImageField(
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        verbose_name=_("file"),
    )
    title = models.CharField(
        max_length=200,
        help_text=_("For finding the picture in the admin."),
        verbose_name=_("title"),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_(
            "What the picture shows, for readers who cannot see it. "
            "Describe the scene, not the story."
        ),
    )
    caption = models.TextField(blank=True, verbose_name=_("caption"))
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Shown after “Photo:”. Who took the picture."),
        verbose_name=_("credit"),
    )
    width = models.PositiveIntegerField(
        editable=False, default=0, verbose_name=_("width")
    )
    height = models.PositiveIntegerField(
        editable=False, default=0, verbose_name=_("height")
    )
    focal_x = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "Where the subject is, from the left edge (0) to the right (1). "
            "Crops keep this point in view."
        ),
        verbose_name=_("focal x"),
    )
    focal_y = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Where the subject is, from the top (0) to the bottom (1)."),
        verbose_name=_("focal y"),
    )
    # A fingerprint of the stored file: rendition names carry it, so a new file
    # gets new names and browsers may cache every rendition for ever.
    digest = models.CharField(
        max_length=16, blank=True, editable=False, verbose_name=_("digest")
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ImageQuerySet.as_manager()

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1
                ),
                name="image_focal_point_inside",
            ),
        ]
        indexes = [
            # An upload is looked up by its digest: ImageQuerySet.duplicate_of().
            models.Index(fields=["digest"], name="image_digest_idx"),
        ]

    def __str__(self):
        return self.title

    def delete(self, *args, **kwargs):
        """Delete the picture, and its files once the deletion commits."""
        picture = (self.pk, self.file.name, self.digest)
        deleted = super().delete(*args, **kwargs)
        _delete_unused_files_on_commit([picture])
        return deleted

    def where_used(self):
        """What shows this picture: (role, object) pairs, stories first."""
        in_bodies = Article.objects.filter(body__contains=picture_marker(self.pk))
        return [
            *((_("lead image of the story"), a) for a in self.lead_for.all()),
            *((_("picture in the story"), a) for a in in_bodies),
            *((_("photo of the author"), a) for a in Author.objects.filter(photo=self)),
            *((_("logo of the outlet"), o) for o in Outlet.objects.filter(logo=self)),
        ]

    # Rendition names and addresses follow from this row alone, so pages build
    # their srcset without a query.

    def rendition_widths(self):
        # No taller than WebP holds: a long screenshot's widest rendition is
        # narrower than its original.
        tallest = images.MAX_SIDE * self.width // self.height
        largest = min(self.width, RENDITION_WIDTHS[-1], tallest)
        return [w for w in RENDITION_WIDTHS if w < largest] + [largest]

    def rendition_height(self, width):
        return max(1, round(self.height * width / self.width))

    def rendition_name(self, width, fmt):
        extension = "jpg" if fmt == Rendition.Format.JPEG else fmt
        return f"renditions/{self.pk}/{self.digest}-{width}w.{extension}"

    def rendition_url(self, width, fmt="jpeg"):
        return self.file.storage.url(self.rendition_name(width, fmt))

    def srcset(self, fmt):
        return ", ".join(
            f"{self.rendition_url(width, fmt)} {width}w"
            for width in self.rendition_widths()
        )

    def fallback_url(self):
        widths = self.rendition_widths()
        width = next((w for w in widths if w >= FALLBACK_WIDTH), widths[-1])
        return self.rendition_url(width)

    def jpeg_url(self, smallest=False):
        """A JPEG of the picture for other sites (feeds, sitemaps): its widest
        rendition, or its smallest; the file itself while it has none."""
        if not self.has_renditions():
            return self.file.url
        widths = self.rendition_widths()
        return self.rendition_url(widths[0] if smallest else widths[-1])

    def has_renditions(self):
        return bool(self.digest and self.width and self.height)

    def crop(self, crop_width, crop_height):
        """(box, (width, height), storage name) of a crop around the focal point."""
        # The focal point is rounded to a hundredth, as in the name, so a name
        # always stands for exactly one crop.
        focal_x, focal_y = round(self.focal_x * 100), round(self.focal_y * 100)
        box, size = focal_crop(
            self.width,
            self.height,
            crop_width,
            crop_height,
            focal_x / 100,
            focal_y / 100,
        )
        name = (
            f"renditions/{self.pk}/{self.digest}-{crop_width}x{crop_height}"
            f"-{focal_x}-{focal_y}.jpg"
        )
        return box, size, name

    def social_rendition_url(self):
        """The 1200 × 630 JPEG for Open Graph and similar cards, or ''."""
        if not self.has_renditions():
            return ""
        return self.file.storage.url(self.crop(*SOCIAL_CROP)[2])

    def social_rendition_size(self):
        """(width, height) of social_rendition_url(): 1200 × 630 unless the
        original is smaller."""
        return self.crop(*SOCIAL_CROP)[1]

    def search_crops(self):
        """(url, width, height) of each of SEARCH_CROPS the picture fills, for
        a story's data; none before its renditions are made."""
        if not self.has_renditions():
            return []
        storage = self.file.storage
        return [(storage.url(name), *size) for size, _box, name in self._filled()]

    def _filled(self):
        """(size, box, storage name) of each of SEARCH_CROPS the picture fills."""
        crops = []
        for size in SEARCH_CROPS:
            box, made, name = self.crop(*size)
            if made == size:
                crops.append((size, box, name))
        return crops

    def rendition_specs(self):
        specs = [
            images.Spec(
                self.rendition_name(width, fmt),
                width,
                self.rendition_height(width),
                fmt,
            )
            for width in self.rendition_widths()
            for fmt in (Rendition.Format.WEBP, Rendition.Format.JPEG)
        ]
        box, size, name = self.crop(*SOCIAL_CROP)
        crops = [(SOCIAL_CROP, size, box, name)]
        crops += [(made, made, box, name) for made, box, name in self._filled()]
        jpeg = Rendition.Format.JPEG
        for label, (width, height), box, name in crops:
            crop = "{}x{}".format(*label)
            specs.append(images.Spec(name, width, height, jpeg, box, crop=crop))
        return specs

    def store_file(self):
        """Write a newly chosen file to storage now, where a failing
        files_removed_on_error() block finds it; saving the row then leaves
        the file alone. Call it inside the transaction that saves the row:
        once that commits, the file replaced and its renditions are deleted
        (readers, caches and search engines know their addresses)."""
        if self.file and not self.file._committed:
            replaced = self.pk and (
                Image.objects.filter(pk=self.pk).values_list("file", "digest").first()
            )
            self.file.save(self.file.name, self.file.file, save=False)
            wrote(self.file.storage, self.file.name)
            if replaced:
                _delete_unused_files_on_commit([(self.pk, *replaced)])

    def make_renditions(self):
        """Encode the renditions not yet in storage and record them; returns how
        many were made. Cheap when they all exist."""
        storage = self.file.storage
        with self.file.open("rb") as original:
            digest = images.digest(original.read())
        if digest != self.digest:
            self.digest = digest
            # Not save(): the editor's "last changed" stays the editor's.
            Image.objects.filter(pk=self.pk).update(digest=digest)
        specs = self.rendition_specs()
        missing = [spec for spec in specs if not storage.exists(spec.name)]
        if missing:
            with self.file.open("rb") as original:
                for spec, content in images.render(original, missing):
                    wrote(storage, storage.save(spec.name, ContentFile(content)))
        self._record_renditions(specs)
        return len(missing)

    def _record_renditions(self, specs):
        wanted = {(spec.crop, spec.width, spec.format): spec for spec in specs}
        current = {(r.crop, r.width, r.format): r for r in self.renditions.all()}
        stale = [
            rendition.pk
            for key, rendition in current.items()
            if key not in wanted or rendition.file.name != wanted[key].name
        ]
        if stale:
            Rendition.objects.filter(pk__in=stale).delete()
        Rendition.objects.bulk_create(
            Rendition(
                image=self,
                crop=spec.crop,
                width=spec.width,
                height=spec.height,
                format=spec.format,
                file=spec.name,
            )
            for key, spec in wanted.items()
            if key not in current or current[key].pk in stale
        )


def _delete_unused_files_on_commit(pictures):
    """Once the transaction commits, delete the files of each (pk, original,
    digest) that no picture uses any more: the original if no row names it, and
    the renditions of that digest if the picture now has another file (all its
    renditions if the picture is gone). Nothing if the transaction fails."""
    storage = Image.file.field.storage

    def delete():
        originals = [original for _pk, original, _digest in pictures if original]
        named = set(
            Image.objects.filter(file__in=originals).values_list("file", flat=True)
        )
        current = dict(
            Image.objects.filter(pk__in=[pk for pk, *_ in pictures]).values_list(
                "pk", "digest"
            )
        )
        unused = [name for name in originals if name not in named]
        for pk, _original, digest in pictures:
            if pk in current and current[pk] == digest:
                continue
            prefix = f"{digest}-" if pk in current else ""
            unused += [
                name
                for name in files_in(storage, f"renditions/{pk}")
                if name.rpartition("/")[2].startswith(prefix)
            ]
        delete_files(storage, unused)

    transaction.on_commit(delete, robust=True)


def image_create(*, upload, **fields):
    """An Image from a file outside the admin form (imports, demo content, tests):
    checked, stripped of metadata, saved and given its renditions, or, if
    anything fails, neither a row nor a file.

    Raises images.Refused for a file that is not a picture we take.
    """
    picture = images.clean(upload)
    image = Image(**fields, file=ContentFile(picture.content, picture.filename))
    image.credit = image.credit or picture.camera_credit
    image.full_clean(exclude=["file"])
    with files_removed_on_error(), transaction.atomic():
        image.store_file()
        image.save()
        image.make_renditions()
    return image


class Rendition(models.Model):
    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(
        Image,
        on_delete=models.CASCADE,
        related_name="renditions",
        verbose_name=_("image"),
    )
    # A crop such as "1200x630" (social cards) or "1200x675" (search results),
    # blank for plain widths.
    crop = models.CharField(max_length=20, blank=True, verbose_name=_("crop"))
    width = models.PositiveIntegerField(verbose_name=_("width"))
    height = models.PositiveIntegerField(verbose_name=_("height"))
    format = models.CharField(
        max_length=4, choices=Format.choices, verbose_name=_("format")
    )
    file = models.FileField(
        upload_to=rendition_upload_to, max_length=255, verbose_name=_("file")
    )

    class Meta:
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        ordering = ["image", "crop", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "width", "format"],
                name="one_rendition_per_size",
            )
        ]

    def __str__(self):
        return f"{self.image} {self.crop or self.width} {self.format}"
