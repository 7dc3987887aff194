"""PostgreSQL's planner settings for one block of queries, where its estimates
mislead it: the admin's story list (it would read every search document's
vector rather than use the GIN index, and start parallel workers to sort the
thousands of matches it expects of a word it has no statistics for) and a
tag's or author's listing (it would start parallel workers to read a few
hundred index entries). articles.search keeps its own, which also reads the
documents' count."""

import functools
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def planner_settings(using, **settings):
    """Run the block's queries with these settings (PostgreSQL's names, values
    as text). They hold for the block's transaction, which ends with it; within
    another transaction (a savepoint), they are put back as they were when the
    block ends, and undone with the savepoint if it fails. Elsewhere than on
    PostgreSQL, nothing."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    enclosed = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        before = _set(cursor, settings)
        yield
        if enclosed:  # the enclosing transaction goes on: give them back
            _set(cursor, before)


def _set(cursor, settings):
    """Set each of `settings` for the transaction; give what they were."""
    names = list(settings)
    cursor.execute(
        "SELECT "
        + ", ".join(["current_setting(%s), set_config(%s, %s, true)"] * len(names)),
        [value for name in names for value in (name, name, settings[name])],
    )
    row = cursor.fetchone()
    return {name: row[2 * n] for n, name in enumerate(names)}


# A short list read down an index: PostgreSQL estimates thousands of rows
# where a few hundred are read, and hands them to parallel workers whose start
# costs more than the read (about 20 ms a page at a million stories).
SERIAL = {"max_parallel_workers_per_gather": "0"}


def serial(view):
    """A view (or a feed) whose queries, and the rendering that runs them,
    are planned without parallel workers."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with planner_settings(DEFAULT_DB_ALIAS, **SERIAL):
            return view(*args, **kwargs)

    return wrapped
