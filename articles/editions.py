"""The site's language editions: which there are, which a story belongs to, and
the address prefix each lives under.

The editions are settings.LANGUAGES (NEWSROOM_LANGUAGES), the default one
settings.LANGUAGE_CODE, unprefixed; the others live under their code (/ru/…).
A story belongs to the edition its language tag names: "az-Latn" to "az",
"pt-BR" to "pt-br" (or "pt" when only that is configured); a story in a
language that is no edition (kept from before) belongs to the default one, so
every story lives in exactly one edition. This module imports no model.
"""

import functools

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.checks import Error
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db.models import Q
from django.dispatch import receiver
from django.urls import LocalePrefixPattern, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

# The languages this project's own interface is translated into
# (articles/locale): an edition must be one of them, and staff may choose any
# of them for the admin, whatever the site publishes in.
DESK_LANGUAGES = ("en", "ru", "ka", "az", "hy", "tr")
# Open Graph names locales as language_TERRITORY.
OG_LOCALES = {
    "en": "en_GB",
    "ru": "ru_RU",
    "ka": "ka_GE",
    "az": "az_AZ",
    "hy": "hy_AM",
    "tr": "tr_TR",
    "uk": "uk_UA",
}


@functools.cache
def codes():
    """The editions' language codes, the default first."""
    listed = [code for code, _name in settings.LANGUAGES]
    return (settings.LANGUAGE_CODE, *[c for c in listed if c != settings.LANGUAGE_CODE])


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in ("LANGUAGES", "LANGUAGE_CODE"):
        codes.cache_clear()
        edition_of.cache_clear()


def default():
    return settings.LANGUAGE_CODE


def is_edition(code):
    return code in codes()


def local_name(code):
    """The language's name in itself: "Русский", "ქართული"."""
    return LANG_INFO.get(code, {}).get("name_local", code)


def labelled(code):
    """An edition as editors choose it: "Русский (ru)"."""
    return f"{local_name(code)} ({code})"


def choices():
    """(code, label) of every edition, the default first: for forms and filters."""
    return [(code, labelled(code)) for code in codes()]


def og_locale(code):
    return OG_LOCALES.get(code, translation.to_locale(code))


def _covers(code, tag):
    return tag == code or tag.startswith(f"{code}-")


@functools.cache
def edition_of(tag):
    """The edition a story in the language `tag` (BCP 47) belongs to.

    The most specific edition naming the tag or its first subtags; the
    default edition for a language that is none of them.
    """
    tag = (tag or "").lower()
    covering = [code for code in codes() if _covers(code, tag)]
    return max(covering, key=len) if covering else default()


def edition_or_none(tag):
    """The edition `tag` names, or None when it names none (a form's check)."""
    tag = (tag or "").lower()
    return edition_of(tag) if any(_covers(code, tag) for code in codes()) else None


def names(code, tag):
    """Whether the language tag `code` names `tag`: the same, or a narrower
    one (az names az-Latn), whatever their case (as written_in matches)."""
    return _covers(code.lower(), (tag or "").lower())


def written_in(code, field="language"):
    """A filter for stories written in the language `code` names, its subtags
    too (az: az, az-Latn); `field` names the language (a story's, or the copy
    a row linked to the story keeps)."""
    return Q(**{f"{field}__iexact": code}) | Q(**{f"{field}__istartswith": f"{code}-"})


def stories_in(code, field="language"):
    """A filter for the stories of one edition (see edition_of); `field` as
    written_in's."""
    if code == default():
        others = [written_in(other, field) for other in codes() if other != code]
        return ~functools.reduce(Q.__or__, others) if others else Q()
    narrower = [
        written_in(other, field)
        for other in codes()
        if other != code and _covers(code, other)
    ]
    if not narrower:
        return written_in(code, field)
    return written_in(code, field) & ~functools.reduce(Q.__or__, narrower)


def active():
    """The edition of the request being answered (the default outside one)."""
    code = translation.get_language()
    return code if is_edition(code) else default()


class EditionPrefix(LocalePrefixPattern):
    """The address prefix of the active edition: none for the default one, and
    none either while the admin speaks a language the site does not publish
    in, so its links to public pages go to the default edition."""

    def __init__(self):
        super().__init__(prefix_default_language=False)

    @property
    def language_prefix(self):
        code = translation.get_language()
        if code == default() or not is_edition(code):
            return ""
        return f"{code}/"


def address_in(path, code):
    """The address of the page at `path` in the edition `code`: the same page
    under the other prefix, or that edition's home when `path` is no page."""
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    with translation.override(code):
        if match is None or not match.view_name.startswith("articles:"):
            return reverse("articles:home")
        return reverse(match.view_name, args=match.args, kwargs=match.kwargs)


def check_editions(app_configs=None, **kwargs):
    """A system check: every edition speaks a language this project's interface
    is translated into (articles/locale)."""

    return [
        Error(
            f"The edition {code!r} has no catalogue of this site's words.",
            hint=(
                "NEWSROOM_LANGUAGES may list "
                f"{', '.join(DESK_LANGUAGES)}; another language needs its "
                "catalogue first (manage.py makemessages -l CODE, then "
                "translate articles/locale/CODE)."
            ),
            id="articles.E001",
        )
        for code in codes()
        if code not in DESK_LANGUAGES
    ]


def validate_story_language(tag):
    """A story must be written in the language of one of the editions."""

    if edition_or_none(tag) is None:
        raise ValidationError(
            _(
                "This site publishes in %(languages)s: write the story in one "
                "of them, or add the language to NEWSROOM_LANGUAGES first."
            )
            % {"languages": ", ".join(labelled(c) for c in codes())},
            code="not_an_edition",
        )


def validate_edition(code):
    """A text written for one edition names it by its code."""

    if not is_edition(code):
        raise ValidationError(
            _("Choose one of the site's languages: %(languages)s.")
            % {"languages": ", ".join(codes())},
            code="not_an_edition",
        )
