"""Story search: PostgreSQL full-text search, or word matching on other databases.

The same three functions serve both:
- index_articles() writes the stories' SearchDocument rows (index_every_article()
  all of them);
- search() narrows a queryset of stories to those matching the reader's words
  (on PostgreSQL, to RankedStories: the ranked ids, read a page at a time);
- add_snippets() gives each story on a results page a highlighted excerpt.

PostgreSQL weighs a match in the headline above the standfirst, the standfirst
above the body, and the body above tags and embedded posts, and ranks by it.
Other databases (SQLite) match every word, case-insensitively in any
alphabet, and list the newest first.
"""

import json
import re
import string
import unicodedata
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.html import plain_text, split_blocks
from articles.models import Article, Embed, SearchDocument, TaggedArticle

# English stems English words ("rallies" finds "rally"); 'simple' keeps words
# of every other language (Ukrainian, Azerbaijani, Georgian…) as fold() folds
# them, on the stories' side and the reader's alike.
CONFIGS = ("english", "simple")
FOLDED_CONFIGS = {"simple"}
# Headline above standfirst above body above tags and embedded posts.
WEIGHTS = (("headline", "A"), ("standfirst", "B"), ("body", "C"), ("extra", "D"))
# Snippet highlights are marked with control characters no story contains,
# so the excerpt can be escaped as a whole and marked up afterwards.
START, STOP = "\x02", "\x03"
SNIPPET_WORDS = 30
# Ranking reads the vector of every match it orders, and a common word can
# match a third of the archive: only the most recent matches are ranked.
RANKED_MATCHES = 200
# A word in this share of the archive or more is found quickest by reading the
# newest stories until enough match; a rarer one through the GIN index.
COMMON_SHARE = 0.25
# Stories indexed in one statement when every story is.
INDEX_BATCH = 500
_PUNCTUATION = string.punctuation + "«»“”„‘’‚…–—"


# Letters readers type in their place on keyboards without them: Azerbaijani
# and Turkish readers write "Bakililar" and "Azerbaycan".
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ə": "e"})
# Latin letters end here: marks on other alphabets' letters (the Cyrillic
# й and ї) make letters of their own, and are kept.
_LAST_LATIN = "\u024f"


def fold(text):
    """Text in the form matching compares: compatibility-normalised,
    case-folded, Latin letters without their accents."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    kept = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and kept and kept[-1] <= _LAST_LATIN:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_PLAIN_LETTERS)


def query_words(text):
    """The reader's words, folded, with surrounding punctuation and quotes removed."""
    words = (word.strip(_PUNCTUATION) for word in fold(text).split())
    return [word for word in words if word]


def is_postgresql(using="default"):
    return connections[using].vendor == "postgresql"


def index_articles(article_ids, using="default"):
    """Write the search documents of these stories, whatever their status."""
    rows = list(
        Article.objects.using(using)
        .filter(pk__in=list(article_ids))
        .values_list(
            "pk",
            "headline",
            "standfirst",
            "body",
            "section_id",
            "status",
            "published_at",
        )
    )
    if not rows:
        return 0
    tags = _tag_names([pk for pk, *_ in rows], using)
    embed_slugs = {
        pk: [block.embed_slug for block in split_blocks(body) if block.embed_slug]
        for pk, _, _, body, *_ in rows
    }
    embeds = dict(
        Embed.objects.using(using)
        .filter(slug__in={slug for slugs in embed_slugs.values() for slug in slugs})
        .values_list("slug", "text")
    )
    documents = []
    for pk, headline, standfirst, body, section_id, status, published_at in rows:
        embed_text = [plain_text(embeds.get(slug, "")) for slug in embed_slugs[pk]]
        body_text = plain_text(body)
        documents.append(
            _Document(
                article_id=pk,
                headline=headline,
                standfirst=standfirst,
                body=body_text,
                extra=" ".join([*tags[pk], *embed_text]),
                text=" ".join(filter(None, [standfirst, body_text, *embed_text])),
                section_id=section_id,
                published_at=published_at
                if status == Article.Status.PUBLISHED
                else None,
            )
        )
    if is_postgresql(using):
        _upsert_on_postgresql(documents, using)
    else:
        SearchDocument.objects.using(using).bulk_create(
            [document.for_sqlite() for document in documents],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["text", "folded", "section", "published_at"],
        )
    return len(documents)


def index_every_article(using="default", progress=None):
    """Write every story's search document, a batch at a time; calls
    `progress(done, total)` after each batch. Gives how many were written."""
    ids = list(Article.objects.using(using).order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), INDEX_BATCH):
        done += index_articles(ids[start : start + INDEX_BATCH], using)
        if progress:
            progress(done, len(ids))
    return done


@dataclass(frozen=True)
class _Document:
    article_id: int
    headline: str
    standfirst: str
    body: str
    extra: str  # tags and embedded posts
    text: str  # what snippets are cut from
    section_id: int
    published_at: datetime | None

    def for_sqlite(self):
        words = " ".join([self.headline, self.standfirst, self.body, self.extra])
        return SearchDocument(
            article_id=self.article_id,
            text=self.text,
            folded=fold(words),
            section_id=self.section_id,
            published_at=self.published_at,
        )


def _upsert_on_postgresql(documents, using):
    """Many stories' documents in one statement (arrays, not rows of SQL).

    Each row is written once, vector included: a row inserted and then
    updated would leave a dead copy of every story's text behind."""
    columns = [
        [getattr(document, field.name) for document in documents]
        for field in fields(_Document)
    ]
    folded = [
        [fold(getattr(document, name)) for document in documents] for name, _ in WEIGHTS
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(_UPSERT, columns + folded)


def _column(field, config):
    """The column of the upsert's rows that `config` reads `field` from."""
    return f"folded_{field}" if config in FOLDED_CONFIGS else field


# One array per field, then the weighted fields folded; each field weighted,
# in every configuration. Only constants go into the SQL text; the stories'
# words are parameters.
_UPSERT = """
    INSERT INTO {table} AS document
        (article_id, text, folded, section_id, published_at, vector)
    SELECT story.id, story.text, '', story.section_id, story.published_at, {vector}
    FROM unnest(
        %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
        %s::bigint[], %s::timestamptz[], {folded_arrays}
    ) AS story(
        id, headline, standfirst, body, extra, text, section_id, published_at,
        {folded_columns}
    )
    ON CONFLICT (article_id) DO UPDATE SET
        text = excluded.text,
        folded = excluded.folded,
        section_id = excluded.section_id,
        published_at = excluded.published_at,
        vector = excluded.vector
    -- A document already up to date is left as it is: rewriting it would
    -- leave a dead copy behind, and rebuilding every document would double
    -- the table and its GIN index.
    WHERE (document.text, document.section_id, document.published_at,
           document.vector)
        IS DISTINCT FROM (excluded.text, excluded.section_id,
                          excluded.published_at, excluded.vector)
""".format(  # noqa: S608
    table=SearchDocument._meta.db_table,
    folded_arrays=", ".join("%s::text[]" for _ in WEIGHTS),
    folded_columns=", ".join(f"folded_{field}" for field, _ in WEIGHTS),
    vector=" || ".join(
        f"setweight(to_tsvector('{config}', story.{_column(field, config)}), "
        f"'{weight}')"
        for field, weight in WEIGHTS
        for config in CONFIGS
    ),
)


def _tag_names(article_ids, using):
    names = defaultdict(list)
    items = TaggedArticle.objects.using(using).filter(content_object_id__in=article_ids)
    for story_id, name in items.values_list("content_object_id", "tag__name"):
        names[story_id].append(name)
    return names


def _query(text):
    """The reader's words as a query in both configurations (web search syntax)."""
    query = None
    for config in CONFIGS:
        words = fold(text) if config in FOLDED_CONFIGS else text
        part = SearchQuery(words, config=config, search_type="websearch")
        query = part if query is None else query | part
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
        query = _query(text)
        with _index_scans_only(queryset.db) as count:
            expected = _expected_matches(query, queryset.db)
            common = count > 0 and expected >= count * COMMON_SHARE
            recent = _recent_matches(queryset, query, documents, common)
            return RankedStories(queryset, _rank(queryset, query, recent))
    for word in words:
        queryset = queryset.filter(search_document__folded__contains=word)
    return queryset


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


def add_snippets(stories, text):
    """Give each story an excerpt with the reader's words marked, in one query."""
    stories = list(stories)
    words = query_words(text)
    if not stories or not words:
        return stories
    using = stories[0]._state.db
    # Unordered: the excerpts are matched to the stories by id.
    documents = (
        SearchDocument.objects.using(using)
        .filter(pk__in=[story.pk for story in stories])
        .order_by()
    )
    if is_postgresql(using):
        headlines = documents.annotate(
            snippet=SearchHeadline(
                "text",
                _query(text),
                config=CONFIGS[0],
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=SNIPPET_WORDS // 2,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        # ts_headline reads the text as written, so it cannot mark a word the
        # reader typed without its accents ("Bakililar"): excerpt() can.
        raw = {
            pk: snippet if START in snippet else excerpt(document_text, words)
            for pk, snippet, document_text in headlines.values_list(
                "pk", "snippet", "text"
            )
        }
    else:
        raw = {
            pk: excerpt(document_text, words)
            for pk, document_text in documents.values_list("pk", "text")
        }
    for story in stories:
        story.snippet = marked(raw.get(story.pk, ""))
    return stories


def excerpt(text, words, length=SNIPPET_WORDS):
    """About `length` words of `text` around the first of `words` (folded), with
    every word of the text that holds one of them marked."""

    def holds(token):
        return any(word in fold(token) for word in words)

    tokens = text.split()
    first = next((i for i, token in enumerate(tokens) if holds(token)), 0)
    start = max(0, first - length // 3)
    window = " ".join(
        _mark(token) if holds(token) else token
        for token in tokens[start : start + length]
    )
    before = "… " if start else ""
    after = " …" if start + length < len(tokens) else ""
    return f"{before}{window}{after}"


def _mark(token):
    """A word marked, without the punctuation around it."""
    word = token.strip(_PUNCTUATION)
    return token.replace(word, f"{START}{word}{STOP}", 1) if word else token


def marked(raw):
    """An excerpt as safe HTML: all text escaped, highlights as <mark>."""
    pieces = re.split(f"([{START}{STOP}])", raw)
    tags = {START: "<mark>", STOP: "</mark>"}
    return mark_safe("".join(tags.get(piece) or escape(piece) for piece in pieces))  # noqa: S308
