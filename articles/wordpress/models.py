"""What an import made of each WordPress item, and the old addresses that
lead to it (answered by middleware.OldAddressMiddleware)."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article, Author, Image, Section, Tag


class ImportedItem(models.Model):
    """One WordPress item (post, attachment, category, tag or author) of one
    WordPress site, and what the import made of it: a second run finds it here
    and updates it rather than create it again."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        ATTACHMENT = "attachment", _("Attachment")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        AUTHOR = "author", _("Author")

    site = models.CharField(
        _("WordPress site"),
        max_length=200,
        help_text=_("The address of the WordPress site the item came from."),
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    wp_id = models.BigIntegerField(_("WordPress id"))
    # What it became. Deleted here: the link goes, the row stays, and the next
    # run leaves the item out rather than bring it back.
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A fingerprint of the item as WordPress exported it: unchanged, nothing to do.
    digest = models.CharField(max_length=64, blank=True, editable=False)
    # The story's updated_at as the import left it: a later one means an edit here.
    written_at = models.DateTimeField(null=True, blank=True, editable=False)
    imported_at = models.DateTimeField(auto_now=True, verbose_name=_("imported at"))

    class Meta:
        verbose_name = _("imported WordPress item")
        verbose_name_plural = _("imported WordPress items")
        ordering = ["site", "kind", "wp_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"], name="wordpress_item_once"
            )
        ]

    def __str__(self):
        return f"{self.site} {self.kind} {self.wp_id}"

    @property
    def target(self):
        return self.article or self.section or self.tag or self.author or self.image


def is_local_path(address):
    """Whether `address` is a path on this site: never another site's ("//x",
    "/\\x" and schemes are), so an old address cannot send readers away."""
    return (
        address.startswith("/")
        and not address.startswith(("//", "/\\"))
        and not any(c.isspace() or c == "\\" for c in address)
    )


def path_digest(path):
    return hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()


class OldAddress(models.Model):
    """A WordPress address (a path, percent-decoded) that now answers with a 301
    to what the item became, or to an address an editor gave."""

    path = models.TextField(
        _("old address"),
        help_text=_(
            "The path as readers and search engines knew it, such as "
            "/2022/03/01/baku-rallies/ or /?p=123, in any script."
        ),
    )
    # Looked up on every 404: an index on the digest, as paths in Georgian or
    # Armenian outgrow what a database index takes.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    item = models.ForeignKey(
        ImportedItem,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="addresses",
        verbose_name=_("imported item"),
    )
    target = models.CharField(
        _("new address"),
        max_length=500,
        blank=True,
        help_text=_(
            "Leave blank to send readers to what the item became, wherever it "
            "is now. A path on this site, such as /story/baku-rallies/."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        ordering = ["path"]

    def __str__(self):
        return self.path

    def save(self, *args, **kwargs):
        self.digest = path_digest(self.path)
        super().save(*args, **kwargs)

    def clean(self):
        if self.target and not is_local_path(self.target):
            raise ValidationError(
                {"target": _("Give a path on this site, starting with one /.")}
            )
        if not self.path.startswith("/"):
            raise ValidationError({"path": _("A path starts with /.")})
