"""Names the search form offers a reader: the outlets it lists, and those an
author, topic or outlet box suggests as the reader types (/search/suggest/).

Every function reads a bounded number of rows through an index, so the search
page and its suggestions cost the same with ten authors or fifty thousand.
Only names with a story published in the edition are suggested: a topic
given only to drafts stays unknown to readers.
"""

from django.db.models import Exists, OuterRef

from articles import slugs
from articles.models import Article, Author, Outlet, Tag

from .query import most_used, names_of

# A drop-down list of outlets while a site has no more than this many; past
# it, a text box suggesting the most used (a partner archive may bring
# hundreds).
LISTED_OUTLETS = 20
# Names one suggestion request answers with.
MATCHES = 10
# What a reader may type before the suggestions give up.
MAX_TYPED = 100


def listed_outlets(limit=LISTED_OUTLETS + 1):
    """(slug, name) of the site's first `limit` outlets, the house first."""
    return list(Outlet.objects.values_list("slug", "name")[:limit])


def suggested_outlets(among=None):
    """The names of the outlets of most of the edition's recent stories."""
    return names_of(most_used(Outlet, "articles", among))


# Each kind a box suggests: its model, and how a story names one of its rows.
# Outlets are named whether or not they have published a story: the form's
# drop-down list names every one of them while they are few.
KINDS = {
    "author": (Author, "authors"),
    "tag": (Tag, "tags"),
    "outlet": (Outlet, None),
}
# Slugs are written in these, in this order in every collation.
_SLUG_LETTERS = "0123456789abcdefghijklmnopqrstuvwxyz"


def names_starting(kind, text):
    """Up to MATCHES (name, slug) of `kind` ("author", "tag", "outlet") whose
    slug starts as `text` written as a slug, in any script: "Ні" and "ni"
    both find Nino. The slug's index finds them, in its order."""
    model, named_by = KINDS[kind]
    prefix = slugs.slugify(text, MAX_TYPED, "")
    if not prefix:
        return []
    rows = model.objects.filter(slug__startswith=prefix, **_slug_range(prefix))
    if named_by:
        published = Article.objects.published().in_edition()
        rows = rows.filter(Exists(published.filter(**{named_by: OuterRef("pk")})))
    return list(rows.order_by("slug").values_list("name", "slug")[:MATCHES])


def _slug_range(prefix):
    """Bounds holding every slug that starts with `prefix`, in any collation.

    PostgreSQL reads a LIKE 'prefix%' through the slug's index only in the C
    collation; the bounds let it read just the matches in the index's order
    whatever the database's collation, and stop at the tenth."""
    bounds = {"slug__gte": prefix}
    head = prefix.rstrip("z")
    if head and head[-1] in _SLUG_LETTERS:  # "abz" ends before "ac"
        after = _SLUG_LETTERS[_SLUG_LETTERS.index(head[-1]) + 1]
        bounds["slug__lt"] = head[:-1] + after
    return bounds
