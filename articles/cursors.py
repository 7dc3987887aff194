"""Cursors: a signed place in the list of published stories, newest first, from
which the JSON API (articles.api) reads a page at any depth.

A cursor names the story a page goes on from, by its publication time and
id (ties in time are ordered by id): the database starts reading there in its
index of publication times, so a page deep in the archive costs what the
first does, with no OFFSET to count past. It reads on to older stories, or
back to newer ones. It is signed, so a client cannot make one the API did
not give; and it is a place in the archive rather than in one list, so it
holds under any filters. Only articles.api and its description
(articles.openapi) import this module.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.utils.translation import gettext

SALT = "articles.cursors"
# Written into every cursor: a cursor of another shape is refused as stale.
VERSION = 1
# Cursors the API gives are about 80 characters; longer ones are refused unread.
MAX_LENGTH = 200
# Newest first; id settles ties, so every story has one place.
ORDER = ("-published_at", "-pk")


class BadCursor(ValueError):
    """A cursor the API did not give, or gave in an older shape."""


@dataclass(frozen=True)
class Cursor:
    published_at: datetime
    pk: int
    backwards: bool = False  # reads the newer stories, not the older

    @classmethod
    def after(cls, story):
        return cls(story.published_at, story.pk)

    @classmethod
    def before(cls, story):
        return cls(story.published_at, story.pk, backwards=True)

    def turned(self):
        """The same place, read the other way."""
        return Cursor(self.published_at, self.pk, not self.backwards)

    def __str__(self):
        # No timestamp and no compression: the same place always signs the
        # same way, so a page's links (and the pages cached by them) do not
        # change from one rendering to the next.
        moment = self.published_at.astimezone(UTC).isoformat()
        return signing.Signer(salt=SALT).sign_object(
            [VERSION, moment, self.pk, int(self.backwards)]
        )


def read(text):
    """The Cursor `text` writes; BadCursor, whose message says why, if none."""
    if not text or len(text) > MAX_LENGTH:
        raise BadCursor(_not_given())
    try:
        payload = signing.Signer(salt=SALT).unsign_object(text)
    except (signing.BadSignature, ValueError) as error:
        raise BadCursor(_not_given()) from error
    if not isinstance(payload, list) or not payload:
        raise BadCursor(_not_given())
    version, *place = payload
    if version != VERSION:
        raise BadCursor(
            gettext(
                "This cursor comes from an older version of the API; "
                "start again from the first page."
            )
        )
    return _place(place)


def _place(place):
    try:
        moment, pk, backwards = place
        published_at = datetime.fromisoformat(moment)
    except (TypeError, ValueError) as error:
        raise BadCursor(_not_given()) from error
    if (
        published_at.tzinfo is None
        or type(pk) is not int
        or pk < 1
        or backwards not in (0, 1)
    ):
        raise BadCursor(_not_given())
    return Cursor(published_at, pk, bool(backwards))


def _not_given():
    return gettext(
        "This cursor is not one the API gave: follow the next and previous "
        "links as they are."
    )


def page(stories, cursor, size):
    """Up to `size` of `stories` (a queryset) from `cursor` on, newest first,
    and whether there are more beyond them in the cursor's direction."""
    at, pk = cursor.published_at, cursor.pk
    # The range on the time alone is what the index reads; the exclusion
    # settles the stories that share the cursor's time.
    if cursor.backwards:
        rows = stories.filter(published_at__gte=at).exclude(published_at=at, pk__lte=pk)
        rows = rows.order_by(*(field.lstrip("-") for field in ORDER))
    else:
        rows = stories.filter(published_at__lte=at).exclude(published_at=at, pk__gte=pk)
        rows = rows.order_by(*ORDER)
    found = list(rows[: size + 1])
    shown = found[:size]
    if cursor.backwards:
        shown.reverse()
    return shown, len(found) > size
