"""Reading what a reader asks for: the stories that match their words, best
first where ranked; the rows and languages they name; the names to suggest."""

import json
from contextlib import contextmanager

from django.conf.locale import LANG_INFO
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext

from articles import editions, slugs
from articles.models import Article, Author, SearchDocument, Tag

from .folding import fold, query_words
from .index import FOLDED, is_postgresql, text_config

# Ranking reads the vector of every match it orders, and a common word can
# match a third of the archive: only the most recent matches are ranked.
RANKED_MATCHES = 200
# A word in this share of the archive or more is found quickest by reading the
# newest stories until enough match; a rarer one through the GIN index.
COMMON_SHARE = 0.25
# Names a topic or author box suggests, read from the edition's most recent
# stories: the work is the same however large the archive grows.
SUGGESTIONS = 40
SUGGESTED_FROM = 500
# Rows read to find the one a name means; more share a name or an address
# only by a rare accident.
CANDIDATES = 10


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


def _recent_stories():
    return (
        Article.objects.published()
        .in_edition()
        .order_by("-published_at")
        .values("pk")[:SUGGESTED_FROM]
    )


def suggested_topics():
    """The names of the topics most used in the edition's recent stories."""
    tags = (
        Tag.objects.filter(tagged_articles__content_object__in=_recent_stories())
        .annotate(uses=Count("tagged_articles"))
        .order_by("-uses", "name")
    )
    return list(tags.values_list("name", flat=True)[:SUGGESTIONS])


def suggested_authors():
    """The names of the authors of most of the edition's recent stories."""
    authors = (
        Author.objects.filter(bylines__article__in=_recent_stories())
        .annotate(stories=Count("bylines"))
        .order_by("-stories", "name")
    )
    names = authors.values_list("name", flat=True)[:SUGGESTIONS]
    return list(dict.fromkeys(names))  # namesakes listed once


def any_case(field, lookup, text):
    """A filter for `field` matching `text` by `lookup` ("exact", "startswith",
    "contains") without regard to case, in any script. SQLite compares case in
    ASCII letters only ("азер" would miss "Азербайджан" there), so the text is
    also tried as readers type it: lower, upper, title and capitalised.
    PostgreSQL ignores case in every script."""
    condition = Q(**{f"{field}__i{lookup}": text})
    for spelling in {text, text.lower(), text.upper(), text.title(), text.capitalize()}:
        condition |= Q(**{f"{field}__{lookup}": spelling})
    return condition


def rows_named(queryset, text, names=("name",)):
    """The rows of `queryset` that `text` names: one whose slug it is, else
    those whose name it is in any case, else those it names otherwise (as a
    name in any script or case makes the same Latin slug). [] for none.

    Names are looked up in any case (any_case), then compared again here.
    """
    max_length = queryset.model._meta.get_field("slug").max_length
    named = Q(slug__in={text, slugs.slugify(text, max_length, "")} - {""})
    for name in names:
        named |= any_case(name, "exact", text)
    found = list(queryset.filter(named).distinct()[:CANDIDATES])
    folded = text.casefold()
    tiers = (
        [row for row in found if row.slug == text],
        [row for row in found if row.name.casefold() == folded],
        found,
    )
    return next((tier for tier in tiers if tier), [])


def language_named(text):
    """The code of the language `text` names by its code or its name in
    English, in itself or in the language shown (the site's languages first);
    None when it names none."""
    wanted = text.casefold()
    for code in dict.fromkeys([*editions.codes(), *LANG_INFO]):
        info = LANG_INFO.get(code, {})
        spellings = {code, *(info.get(key, "") for key in ("name", "name_local"))}
        if "name" in info:
            spellings.add(gettext(info["name"]))
        if wanted in {spelling.casefold() for spelling in spellings}:
            return code
    return None
