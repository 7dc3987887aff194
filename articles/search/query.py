"""Reading what a reader asks for: the stories that match their words, best
first where ranked; the rows and languages they name; the names to suggest."""

import json
from collections import Counter
from contextlib import contextmanager

from django.conf.locale import LANG_INFO
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.functions import Upper
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext

from articles import editions, slugs
from articles.models import Article, Author, SearchDocument, Tag

from .folding import fold, query_words
from .index import FOLDED, is_postgresql, text_config

# Ranking reads the vector of every match it orders, and a common word can
# match a third of the archive: only the most recent matches are ranked.
RANKED_MATCHES = 200
# A word in this share of the archive or more is looked for first among the
# newest stories (WALKED of them), where it is likely to be found enough times;
# a rarer one through the GIN index.
COMMON_SHARE = 0.25
# The newest stories a common word is looked for in: their vectors are read
# one by one, so the work is bounded by this, not by the archive.
WALKED = 2000
# A word PostgreSQL expects in this many stories or more is looked for first
# down the link rows of the one topic or author a search is narrowed to: the
# GIN index would read every one of its matches (at a million stories, 60 to
# 150 ms for some hundreds of thousands), where a walk finding too few of
# them gives up after RANKED_MATCHES rows. A rarer word costs the index less
# than that walk would (a word in no story, 47 ms against 59 ms).
LINK_WALK_MATCHES = 50_000
# Matches the GIN index gives, newest first, before the stories' own filters
# (the edition shown) pick from them: the stories' rows are read one by one.
MATCHES_READ = 5000
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


def search(queryset, text, documents=None, walk=None):
    """The stories of `queryset` matching `text`, best match first where ranked:
    a queryset, or on PostgreSQL a RankedStories, which a Paginator takes alike.

    Apply it after every other filter: on PostgreSQL it keeps the
    RANKED_MATCHES most recent matches of what it is given. `documents`, where
    given, is a function giving a condition that narrows the search documents
    as `queryset` narrows the published stories (a Q on SearchDocument, which
    keeps a story's section, language and publication time, an edition named
    as documents_in() names it; an empty Q when `queryset` is every published
    story), or None: PostgreSQL then finds the matches from the documents, and
    reads only the stories of the newest of them. `walk`, where given, is a
    function giving `queryset` read newest first down the link rows of the
    one topic or author it is narrowed to (ArticleQuerySet.linked_in), or
    None: called for a word in LINK_WALK_MATCHES stories or more, the
    matches are looked for there first.
    """
    words = query_words(text)
    if not words:
        return queryset
    if is_postgresql(queryset.db):
        query = words_query(text)
        documents = documents() if documents else None
        with _index_scans_only(queryset.db) as count:
            expected = _expected_matches(query, queryset.db)
            common = count > 0 and expected >= count * COMMON_SHARE
            walked = walk() if walk and expected >= LINK_WALK_MATCHES else None
            recent = _recent_matches(queryset, query, documents, common, walked)
            return RankedStories(queryset, _rank(queryset, query, recent))
    for word in words:
        queryset = queryset.filter(search_document__folded__contains=word)
    return queryset


def documents_in(code, using="default"):
    """The search documents of the edition `code`, as a condition their GIN
    index (search_document_words_gin, on UPPER(language) and the vector)
    takes beside the words: PostgreSQL then reads only the edition's matches,
    however many stories of other editions hold the words.

    The index takes languages as it keeps them, not the edition's prefixes:
    those the edition's stories are written in, found in the stories' index
    on UPPER(language) (ArticleQuerySet.languages_in, a probe per language).
    Only a narrowing: the stories' own edition filter still decides."""
    return _documents_in_languages(Article.objects.using(using).languages_in(code))


def documents_written_in(code, using="default"):
    """The search documents in the language `code` names, its subtags too (a
    language a reader asks for: editions.written_in), as documents_in()
    names an edition's."""
    stories = Article.objects.using(using)
    return _documents_in_languages(stories.languages_written_in(code))


def _documents_in_languages(languages):
    """The documents in `languages` (upper case), as their index keys them."""
    return Q(In(Upper("language"), languages))


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
    """Keep PostgreSQL from reading every search document in turn, or starting
    parallel workers, for one transaction; gives the planner's count of
    documents.

    The documents' table is narrow (their vectors are stored out of line), so
    the planner thinks scanning all of it cheap; it does not count the
    reading of each vector such a scan does, hundreds of times what the GIN
    index costs. It also expects as many matches in an edition as the
    edition's share of the word's matches elsewhere, and hands what the index
    finds in a few milliseconds to workers whose start costs more (as
    articles.planner.SERIAL says of listings).
    """
    connection = connections[using]
    enclosed = connection.in_atomic_block
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_parallel_workers_per_gather'),"
            " set_config('enable_seqscan', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true), reltuples"
            " FROM pg_class WHERE oid = %s::regclass",
            [SearchDocument._meta.db_table],
        )
        workers, _, _, count = cursor.fetchone()
        yield max(0, count)
        if enclosed:  # the enclosing transaction goes on: give them back
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'on', true),"
                " set_config('max_parallel_workers_per_gather', %s, true)",
                [workers],
            )


def _expected_matches(query, using):
    """How many documents PostgreSQL's statistics expect to match `query` (it
    estimates this without reading them)."""
    matching = SearchDocument.objects.using(using).filter(vector=query)
    plan = matching.values("article").explain(format="json")
    return json.loads(plan)[0]["Plan"]["Plan Rows"]


def _recent_matches(queryset, query, documents, common, walk=None):
    """The ids of the RANKED_MATCHES most recent stories of `queryset` matching
    `query` (a list, or a subquery): bounded work whatever the archive's size.

    Stories of one topic or author (`walk`, given for a word in some
    LINK_WALK_MATCHES stories) are read down its link rows, the WALKED newest
    at most: if enough of them match, or they are all its stories, those are
    the most recent matches. A common word is looked for first among the WALKED newest stories of `queryset`
    (or, narrowed by an outlet, which the documents do not know, among the
    newest documents), likewise. Otherwise (or for a rarer word) the GIN
    index finds the matches. Where `documents` narrows the documents as the
    stories are narrowed, the MATCHES_READ newest matching documents are read
    from them alone, and the stories' remaining filter (the edition) picks
    from those; else the stories' filters (a topic, an author) lead, and the
    planner starts from the fewer rows.
    """
    if walk is not None:
        found, finished = _walked_matches(walk, query)
        if finished:
            return found
    elif common:
        if documents is None:  # an outlet, or several: see _walked_documents
            found = _walked_documents(queryset, query)
            if len(found) >= RANKED_MATCHES:
                return found
        else:
            found, finished = _walked_matches(queryset, query)
            if finished:
                return found
    if documents is not None:
        return _candidate_matches(queryset, query, documents)
    matches = queryset.filter(search_document__vector=query).order_by(
        "-search_document__published_at", "-pk"
    )
    return matches.values_list("pk", flat=True)[:RANKED_MATCHES]


def _newest_documents(queryset, documents):
    """The live search documents, narrowed by `documents`, newest first (their
    index, search_document_recent_idx, serves this order)."""
    return (
        SearchDocument.objects.using(queryset.db)
        .filter(documents or Q(), published_at__lte=timezone.now())
        .order_by("-published_at", "-article_id")
        .values("article_id")
    )


def _walked_matches(queryset, query):
    """The most recent matches among the WALKED newest stories of `queryset`
    (narrowed only as its documents are: edition, section, dates; or read
    down a topic's or author's link rows), newest first, and whether they are
    all of its most recent matches: RANKED_MATCHES of them, or every story of
    `queryset` read.

    Each story comes with whether it matches, read through a server-side
    cursor a RANKED_MATCHES at a time: PostgreSQL reads the stories, and
    their vectors, only as far as the rows fetched, so a word in most of the
    newest stories costs some RANKED_MATCHES reads, and one in few of them at
    most WALKED. (A filter on the vector, or a subquery of the WALKED newest,
    would have it read all of them, or all the matches, first.)

    A word found in under half the share of the stories read so far that
    would reach RANKED_MATCHES within WALKED (a word common in other editions,
    rare in this one) is given up on after each RANKED_MATCHES read: the GIN
    index finds its matches (_recent_matches) for less than the rest of the
    walk would cost."""
    hit = ExpressionWrapper(Q(search_document__vector=query), BooleanField())
    walk = queryset.prefetch_related(None).annotate(hit=hit)
    walk = walk.values_list("pk", "hit")[:WALKED]
    found, read = [], 0
    for pk, matches in walk.iterator(RANKED_MATCHES):
        read += 1
        if matches:
            found.append(pk)
            if len(found) == RANKED_MATCHES:
                return found, True
        if (
            read % RANKED_MATCHES == 0
            and 2 * len(found) * WALKED < read * RANKED_MATCHES
        ):
            return found, False
    return found, read < WALKED


def _walked_documents(queryset, query):
    """The most recent matches of `queryset` among the WALKED newest documents
    of any edition: for stories narrowed by what the documents do not know
    and no single topic's or author's link rows lead to (an outlet, namesakes,
    a search of every edition). Walked story by story (_walked_matches), a
    story list with few of the edition's stories, or none, would be read to
    its end before the walk found a row to give."""
    walked = _newest_documents(queryset, None)[:WALKED]
    return list(_newest(queryset.filter(pk__in=walked, search_document__vector=query)))


def _candidate_matches(queryset, query, documents):
    """The most recent matches of `queryset` among the MATCHES_READ newest
    documents matching `query` (documents alone: the GIN index, then a sort
    of the narrow rows, without reading a story or a vector)."""
    candidates = _newest_documents(queryset, documents).filter(vector=query)
    # An order their index cannot give (it holds no NULL to place): PostgreSQL
    # would otherwise read the documents in it, each vector in turn, and at a
    # word rare among the newest read thousands of them (see _index_scans_only).
    candidates = candidates.order_by(
        F("published_at").desc(nulls_last=True), "-article_id"
    )
    return _newest(queryset.filter(pk__in=candidates[:MATCHES_READ]))


def _newest(stories):
    """The ids of the RANKED_MATCHES newest `stories` (a subquery)."""
    ordered = stories.order_by("-published_at", "-pk")
    return ordered.values_list("pk", flat=True)[:RANKED_MATCHES]


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


def recent_stories():
    """The edition's SUGGESTED_FROM newest stories (a subquery): what every box
    of the search form suggests names from. A form reads it once for all its
    boxes (filters.ArchiveForm) and hands the ids to each.

    Read down the index of publication times, each story's edition checked
    on the way: PostgreSQL knows an edition's share of the stories from the
    statistics of article_edition_idx, so it reads about as many as it needs
    (some 2,500 for a fifth: 2 to 6 ms at a million stories), or takes a
    small edition's stories from that index and sorts them."""
    return (
        Article.objects.published()
        .in_edition()
        .order_by("-published_at")
        .values("pk")[:SUGGESTED_FROM]
    )


def _among(ids):
    """The recent stories names are suggested from: `ids`, or the subquery."""
    return recent_stories() if ids is None else ids


def most_used(model, links, among=None, limit=None):
    """The `limit` (SUGGESTIONS) rows of `model` (tags, authors, outlets) that most of the
    stories `among` name (their ids, or a subquery; by default the edition's
    recent stories), the most used first, then by name.

    `links` is the row's reverse relation to what names it: taggings or
    bylines (StoryLink, naming their story in `story_field`), or the stories
    themselves. Those links are counted alone, and only the rows of the most
    used read: joined to their rows first, PostgreSQL would hash every row of
    `model`, a cost that grows with the tags and authors."""
    limit = limit or SUGGESTIONS
    relation = model._meta.get_field(links)
    story = getattr(relation.related_model, "story_field", "pk")
    named = relation.related_model._base_manager.filter(
        **{f"{story}__in": _among(among)}
    )
    uses = Counter(named.values_list(relation.field.attname, flat=True))
    uses.pop(None, None)
    if not uses:
        return []
    # Every row used as often as the last one kept, for the names to part
    # the ties.
    least = sorted(uses.values(), reverse=True)[:limit][-1]
    tied = model._base_manager.filter(
        pk__in=[pk for pk, count in uses.items() if count >= least]
    )
    ranked = sorted(tied, key=lambda row: (-uses[row.pk], row.name.casefold()))
    return ranked[:limit]


def names_of(rows):
    """The rows' names, namesakes once."""
    return list(dict.fromkeys(row.name for row in rows))


def suggested_topics(among=None):
    """The names of the topics most used in the edition's recent stories."""
    return names_of(most_used(Tag, "tagged_articles", among))


def suggested_authors(among=None):
    """The names of the authors of most of the edition's recent stories."""
    return names_of(most_used(Author, "bylines", among))


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
