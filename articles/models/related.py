"""Related stories at any archive size: the shortlist a story's block is chosen from.

A story's related stories share the most tags with it, then are the newest
(then the higher id). Counting shared tags over every story that shares one
grows with the archive; here the candidates are, for each of the story's tags,
its RELATED_WINDOW newest published stories (all of a tag with fewer), read
from the tagged_published_idx index alone, and each candidate's shared tags are
counted in full (one look-up in the one_tag_per_story index). The shortlist is
the RELATED_SHORTLIST best of them; ArticleQuerySet.related_to reads only those
stories, through published(), so a tagging not yet told of a change can drop
a story but never show one readers may not see.

When the choice can differ from counting over the whole archive: only if a
story left out shares two or more tags with the story and, in each of them, is
older than that tag's RELATED_WINDOW newest published stories (a story sharing
one tag is outranked by that tag's window, all newer and sharing as many).
While no tag of the story has more than RELATED_WINDOW published stories, the
choice is the exact one.

Written in SQL because the windows are a union of ordered, limited reads, which
the ORM composes on PostgreSQL but not on SQLite; the SQL is the same on both.
Only models.queries imports this module.
"""

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .security import Lockdown
from .tags import TaggedArticle

# Each tag's newest so many published stories are the candidates.
RELATED_WINDOW = 500
# The most related stories a story has (its block shows four); a story found
# unpublished as the shortlist is read (a tagging not yet told) drops out.
RELATED_SHORTLIST = 20


# One tag's window: its newest stories that published() lets through, with
# bounds the index can use (none due after now, nor after the start of a
# lockdown in force). Table and column names only are put in: values are
# parameters.
_WINDOW = """
    SELECT * FROM (
        SELECT {story}, {published_at} FROM {tagged}
        WHERE {tag} = %s AND {published_at} <= %s AND {published_at} <= COALESCE(
            (SELECT MIN({started_at}) FROM {lockdown} WHERE {in_force} = %s), %s
        )
        ORDER BY {published_at} DESC, {story} DESC LIMIT %s
    ) window_{n}"""

# The windows' stories (UNION: each once), their tags in common with the
# story counted in full, best first.
_SHORTLIST = """
    SELECT story FROM (
        SELECT candidate.{story} AS story, candidate.{published_at} AS at,
               COUNT(*) AS shared
        FROM ({windows}) candidate
        INNER JOIN {tagged} shared_tag ON shared_tag.{story} = candidate.{story}
            AND shared_tag.{tag} IN ({tag_ids})
        WHERE candidate.{story} <> %s
        GROUP BY candidate.{story}, candidate.{published_at}
        ORDER BY shared DESC, at DESC, story DESC LIMIT %s
    ) shortlist"""


def shortlist(story, tag_ids):
    """The ids of `story`'s RELATED_SHORTLIST most related stories, as SQL
    for pk__in (no query of its own); tag_ids are its tags' ids."""
    names = _names()
    windows = " UNION ".join(
        _WINDOW.format(n=n, **names)  # noqa: S608 (names, not values)
        for n in range(len(tag_ids))
    )
    sql = _SHORTLIST.format(  # noqa: S608 (names, not values)
        windows=windows, tag_ids=", ".join(["%s"] * len(tag_ids)), **names
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    window_params = [[tag_id, now, True, now, RELATED_WINDOW] for tag_id in tag_ids]
    params = [*sum(window_params, []), *tag_ids, story.pk, RELATED_SHORTLIST]
    return RawSQL(sql, params)  # noqa: S611 (parameters throughout)


def _names():
    """The tables and columns the SQL reads, quoted."""
    quote = connection.ops.quote_name
    tagged, lockdown = TaggedArticle._meta, Lockdown._meta
    return {
        "tagged": quote(tagged.db_table),
        "story": quote(tagged.get_field("content_object").column),
        "tag": quote(tagged.get_field("tag").column),
        "published_at": quote(tagged.get_field("published_at").column),
        "lockdown": quote(lockdown.db_table),
        "started_at": quote(lockdown.get_field("started_at").column),
        "in_force": quote(lockdown.get_field("in_force").column),
    }
