"""Addresses in Latin letters, made from names in any script.

The project's rule (docs/decisions.md): a slug is lower-case ASCII letters,
digits and hyphens, transliterated from whatever script the name is written
in, so "Азербайджан" is /tag/azerbaidzhan/, "თბილისი" /tag/tbilisi/ and
"Bakılılar" /tag/bakililar/. Names keep their own script everywhere readers
see them; only addresses are Latin.

Models and taggit's tags make their slugs here; nothing imports upward.
"""

import re

from anyascii import anyascii
from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify as django_slugify

# What the URL patterns' <slug:…> converter takes: a slug that is not this
# cannot be linked to, and a page linking to it would fail.
SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")

validate_latin_slug = RegexValidator(
    SLUG,
    "Use Latin letters, digits and hyphens only, or leave the field blank to "
    "make the address from the name, in any script.",
    "invalid",
)


# anyascii spells Armenian letter by letter; readers write the digraph ու as
# "u" (Azatutyun, Gyumri) and a word-initial ո as "vo" (Vanadzor, Voski).
_ARMENIAN_U = re.compile("[ոՈ][ւՒ]")
_ARMENIAN_VO = re.compile(r"(?<!\w)([ոՈ])")


def _romanised(text):
    text = _ARMENIAN_U.sub(lambda m: "U" if m[0][0] == "Ո" else "u", text)
    text = _ARMENIAN_VO.sub(lambda m: "Vo" if m[1] == "Ո" else "vo", text)
    return anyascii(text)


def slugify(text, max_length=100, fallback="item"):
    """A Latin slug for `text` in any script, never empty, at most max_length."""
    # anyascii writes each script the way its readers romanise it (Georgian
    # "ქართული" as "kartuli", Russian "Баку" as "Baku", Azerbaijani "ə" as
    # "e"); Django's slugify then keeps letters, digits and hyphens.
    slug = django_slugify(_romanised(text or ""))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-") or fallback


def numbered(slug, number, max_length=100):
    """The slug with a number, still within max_length: baku, baku-2, baku-3…"""
    suffix = f"-{number}"
    return slug[: max_length - len(suffix)].rstrip("-") + suffix


def unique_slug(queryset, text, max_length, fallback):
    """slugify(text), numbered past the slugs `queryset` already holds."""
    slug = slugify(text, max_length, fallback)
    taken = set(
        queryset.filter(slug__startswith=slug[: max_length - 4]).values_list(
            "slug", flat=True
        )
    )
    number = 1
    candidate = slug
    while candidate in taken:
        number += 1
        candidate = numbered(slug, number, max_length)
    return candidate


class LatinSlugField(models.SlugField):
    """A unique slug made from another field when left blank or not Latin.

    An editor may type a slug; one that is blank (or, from an import or a
    command, in another script) is made from `populate_from` when the row is
    saved, numbered past the slugs already taken.
    """

    default_validators = [validate_latin_slug]

    def formfield(self, **kwargs):
        # A plain text box: the model's validator, run as the form saves, says
        # what to do (forms.SlugField's own message would not).
        return models.CharField.formfield(self, **kwargs)

    def __init__(self, *args, populate_from, fallback="item", **kwargs):
        self.populate_from = populate_from
        self.fallback = fallback
        kwargs.setdefault("unique", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["populate_from"] = self.populate_from
        kwargs["fallback"] = self.fallback
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname) or ""
        if not SLUG.match(value):
            others = type(model_instance)._default_manager.exclude(pk=model_instance.pk)
            value = unique_slug(
                others,
                value or getattr(model_instance, self.populate_from),
                self.max_length,
                self.fallback,
            )
            setattr(model_instance, self.attname, value)
        return value
