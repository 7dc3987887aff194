"""Finding the stories that match a reader's words, best first where ranked."""

import json
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from articles import editions
from articles.models import SearchDocument

from .folding import fold, query_words
from .index import FOLDED, is_postgresql, text_config

# Ranking reads the vector of every match it orders, and a common word can
# match a third of the archive: only the most recent matches are ranked.
RANKED_MATCHES = 200
# A word in this share of the archive or more is found quickest by reading the
# newest stories until enough match; a rarer one through the GIN index.
COMMON_SHARE = 0.25


def words_query(text):
    """The reader's words as a query (web search syntax) in the configuration
    of each edition's language, and folded in 'simple'."""
    configs = sorted({text_config(code) for code in editions.codes()} - {FOLDED})
    query = SearchQuery(fold(text), config=FOLDED, search_type="websearch")
    for config in configs:
        query |= SearchQuery(text, config=config, search_type="websearch")
    return query


def search(queryset, text, documents=None):
    """The stories of `queryset` matching `text`, best match first where ranked:
    a queryset, or on PostgreSQL a RankedStories, which a Paginator takes alike.

    Apply it after every other filter: on PostgreSQL it keeps the
    RANKED_MATCHES most recent matches of what it is given. `documents`, where
    given, narrows the search documents as `queryset` narrows the published
    stories (lookups on SearchDocument; {} when `queryset` is every published
    story): PostgreSQL then finds the matches without reading the stories.
    """
    words = query_words(text)
    if not words:
        return queryset
    if is_postgresql(queryset.db):
        query = words_query(text)
        with _index_scans_only(queryset.db) as count:
            expected = _expected_matches(query, queryset.db)
            common = count > 0 and expected >= count * COMMON_SHARE
            recent = _recent_matches(queryset, query, documents, common)
            return RankedStories(queryset, _rank(queryset, query, recent))
    for word in words:
        queryset = queryset.filter(search_document__folded__contains=word)
    return queryset


def documents_matching(text, using="default"):
    """The search documents of every story, whatever its state, holding each of
    the words of `text` (the admin's story search); None if it has no words.

    Unranked and uncapped: the admin lists and counts every match."""
    words = query_words(text)
    if not words:
        return None
    documents = SearchDocument.objects.using(using)
    if is_postgresql(using):
        return documents.filter(vector=words_query(text))
    for word in words:
        documents = documents.filter(folded__contains=word)
    return documents


@contextmanager
def _index_scans_only(using):
    """Keep PostgreSQL from reading every search document in turn, for one
    transaction; gives the planner's count of documents.

    The documents' table is narrow (their vectors are stored out of line), so
    the planner thinks scanning all of it cheap; it does not count the
    reading of each vector such a scan does, hundreds of times what the GIN
    index costs.
    """
    connection = connections[using]
    enclosed = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', 'off', true), reltuples"
            " FROM pg_class WHERE oid = %s::regclass",
            [SearchDocument._meta.db_table],
        )
        yield max(0, cursor.fetchone()[1])
        if enclosed:  # the enclosing transaction goes on: give it back
            cursor.execute("SET LOCAL enable_seqscan = on")


def _expected_matches(query, using):
    """How many documents PostgreSQL's statistics expect to match `query` (it
    estimates this without reading them)."""
    matching = SearchDocument.objects.using(using).filter(vector=query)
    plan = matching.values("article").explain(format="json")
    return json.loads(plan)[0]["Plan"]["Plan Rows"]


def _recent_matches(queryset, query, documents, common):
    """The ids of the RANKED_MATCHES most recent stories of `queryset` matching
    `query` (a subquery).

    Which way is quick depends on how many stories match. When many do
    (`common`), the newest stories are read in order until enough match.
    Otherwise the GIN index finds every match and they are sorted by date:
    from the search documents alone where `documents` narrows them as the
    stories are narrowed, else with the stories (whose rows, read one by one
    for a few thousand matches, cost more than the search itself).
    """
    if common:
        matches = queryset.filter(search_document__vector=query).order_by(
            "-published_at"
        )
        return matches.values("pk")[:RANKED_MATCHES]
    if documents is not None:
        matches = SearchDocument.objects.using(queryset.db).filter(
            vector=query, published_at__lte=timezone.now(), **documents
        )
        return matches.order_by("-published_at").values("article_id")[:RANKED_MATCHES]
    matches = queryset.filter(search_document__vector=query).order_by(
        "-search_document__published_at"
    )
    return matches.values("pk")[:RANKED_MATCHES]


def _rank(queryset, query, recent):
    """The ids of the `recent` matches, best match first, then newest.

    Ranking reads each match's vector, so it runs once, after the limit: the
    result count and the page then read the stories by id. `recent` has
    applied every filter already, so the ranking reads the search documents
    alone, without joining the stories again."""
    matches = (
        SearchDocument.objects.using(queryset.db)
        .filter(article_id__in=recent)
        .annotate(rank=SearchRank(F("vector"), query))
        .order_by("-rank", "-published_at", "-article_id")
    )
    return list(matches.values_list("article_id", flat=True))


class RankedStories:
    """Stories of a queryset in the order of a list of their ids, read a page
    at a time: what search() gives on PostgreSQL.

    The ranking already knows how many stories matched and in what order, so
    a Paginator counts the ids without a query, and a page reads only its
    own stories.
    """

    def __init__(self, queryset, ids):
        self.queryset = queryset
        self.ids = ids

    def count(self):
        return len(self.ids)

    def __len__(self):
        return len(self.ids)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if not isinstance(index, slice):
            # One story is a slice of one ([-1:None], not [-1:0], for the last).
            return self[index : index + 1 or None][0]
        ids = self.ids[index]
        found = self.queryset.order_by().in_bulk(ids) if ids else {}
        # A story unpublished since the ranking is left out.
        return [found[pk] for pk in ids if pk in found]


def is_capped(count, using="default"):
    """Whether a result count stopped at RANKED_MATCHES."""
    return is_postgresql(using) and count >= RANKED_MATCHES
